/*
 * module.c - load heiiki-NAME.so on first use (see module.h).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module.h"
#include "module_abi.h"

#ifndef MODULE_DIR_REL
#define MODULE_DIR_REL "build/lib"
#endif
#ifndef HEIIKI_MODULE_ABI
#define HEIIKI_MODULE_ABI HEIIKI_VERSION
#endif

#define MAX_MODULES 4

static struct {
	char name[16];
	void *h;
} loaded[MAX_MODULES];

/* A module file we are willing to run code from, or why not. */
static const char *
file_unsafe(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return "not found";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return "owned by another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

static void *
module_open(const char *name, char *err, size_t errlen)
{
	char exe[PATH_MAX], path[PATH_MAX + 64], tried[2 * (PATH_MAX + 128)] = "";
	const char *dirs[] = { MODULE_DIR_REL, "../lib/heiiki" };
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(err, errlen, "heiiki-%s.so: cannot find the executable's "
			 "directory (/proc/self/exe)", name);
		return NULL;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		const char *why;
		const char *const *abi;
		void *h;
		size_t tl = strlen(tried);

		snprintf(path, sizeof(path), "%s/%s/heiiki-%s.so", exe, dirs[i], name);
		if ((why = file_unsafe(path))) {
			snprintf(tried + tl, sizeof(tried) - tl, "%s%s: %s",
				 tl ? "; " : "", path, why);
			continue;
		}
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			snprintf(err, errlen, "%s", dlerror());
			return NULL;
		}
		abi = dlsym(h, "heiiki_module_abi");
		if (!abi || strcmp(*abi, HEIIKI_MODULE_ABI)) {
			snprintf(err, errlen, "%s: built from other sources than this "
				 "heiiki (module %s, heiiki %s): install both from one build",
				 path, abi ? *abi : "without a tag", HEIIKI_MODULE_ABI);
			dlclose(h);
			return NULL;
		}
		return h;
	}
	snprintf(err, errlen, "the %s module is missing (%s)", name, tried);
	return NULL;
}

const void *
module_sym(const char *name, const char *sym, char *err, size_t errlen)
{
	size_t i;
	void *p;

	for (i = 0; i < MAX_MODULES && loaded[i].h; i++)
		if (!strcmp(loaded[i].name, name))
			break;
	if (i == MAX_MODULES) {
		snprintf(err, errlen, "too many modules");
		return NULL;
	}
	if (!loaded[i].h) {
		if (!(loaded[i].h = module_open(name, err, errlen)))
			return NULL;
		snprintf(loaded[i].name, sizeof(loaded[i].name), "%s", name);
	}
	p = dlsym(loaded[i].h, sym);
	if (!p)
		snprintf(err, errlen, "heiiki-%s.so has no %s", name, sym);
	return p;
}
