/*
 * datafile.c - the lookup order of heiiki's data files (see datafile.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datafile.h"

const char *
data_file_path(const char *env, const char *rel, char *buf, size_t len)
{
	const char *e = env ? getenv(env) : NULL, *src = getenv("HEIIKI_SRCDIR");
	const char *name = strrchr(rel, '/');
	char exe[PATH_MAX];
	ssize_t n;

	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return buf;
	}
	if (src && *src) {
		snprintf(buf, len, "%s/%s", src, rel);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	if (access(rel, R_OK) == 0) {
		snprintf(buf, len, "%s", rel);
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(buf, len, "%s/%s", exe, rel);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, len, "%s/data/%s", HEIIKI_DATADIR, name ? name + 1 : rel);
	return buf;
}
