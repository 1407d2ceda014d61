/*
 * outbox.c - runs waiting for an unreachable history database (outbox.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"
#include "outbox.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"

#define SEQ_DIGITS 16

const char *
outbox_path(const char *explicit_dir)
{
	const char *env = getenv("HEIIKI_OUTBOX");

	if (explicit_dir && *explicit_dir)
		return explicit_dir;
	return env && *env ? env : OUTBOX_DEFAULT_DIR;
}

void
outbox_name(unsigned long long seq, const char *uid, char *out, size_t len)
{
	char safe[65];
	size_t n = 0;

	for (const char *p = uid ? uid : ""; *p && n < sizeof(safe) - 1; p++, n++)
		safe[n] = isalnum((unsigned char)*p) || *p == '-' || *p == '_' ||
			  (*p == '.' && n > 0) ? *p : '_';
	safe[n] = '\0';
	snprintf(out, len, "%0*llu-%s.json", SEQ_DIGITS, seq % 10000000000000000ULL,
		 n ? safe : "run");
}

int
outbox_is_name(const char *name)
{
	size_t n = strlen(name);

	if (n < SEQ_DIGITS + 1 + 1 + 5 || name[SEQ_DIGITS] != '-' ||
	    strcmp(name + n - 5, ".json"))
		return 0;
	for (size_t i = 0; i < SEQ_DIGITS; i++)
		if (!isdigit((unsigned char)name[i]))
			return 0;
	return 1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
outbox_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
outbox_list(const char *dir, char ***names, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!outbox_is_name(de->d_name))
			continue;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv)
				goto out_oom;
			v = nv;
		}
		if (!(v[*n] = strdup(de->d_name)))
			goto out_oom;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	*names = v;
	return 0;
out_oom:
	closedir(d);
	outbox_names_free(v, *n);
	*n = 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* Make dir (one level, 0700) and hold its lock; the descriptor, or -1. */
static int
lock_dir(const char *dir, char *err, size_t errlen)
{
	char path[1100];
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
outbox_put(const char *dir, json_t *root, char *path, size_t pathlen, char *err,
	   size_t errlen)
{
	unsigned long long seq = 1;
	char name[128], *doc;
	char **names;
	size_t n;
	int fd, rc;

	fd = lock_dir(dir, err, errlen);
	if (fd < 0)
		return -1;
	if (outbox_list(dir, &names, &n, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	if (n)
		seq = strtoull(names[n - 1], NULL, 10) + 1;
	outbox_names_free(names, n);
	outbox_name(seq, json_string_value(json_object_get(json_object_get(root, "run"), "id")),
		    name, sizeof(name));
	snprintf(path, pathlen, "%s/%s", dir, name);
	doc = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	if (!doc) {
		snprintf(err, errlen, "cannot serialise the results document");
		close(fd);
		return -1;
	}
	rc = fs_write_atomic(path, doc, strlen(doc), 0600, err, errlen);
	free(doc);
	close(fd);
	return rc;
}

/* Keep a refused document out of the queue, and say why. */
static void
reject(const char *dir, const char *name, const char *why)
{
	char rdir[1100], from[1100], to[1200];

	snprintf(rdir, sizeof(rdir), "%s/rejected", dir);
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/%s", rdir, name);
	if ((mkdir(rdir, 0700) < 0 && errno != EEXIST) || rename(from, to) < 0)
		fprintf(stderr, "heiiki: outbox: %s: %s (and it cannot be moved to %s: %s)\n",
			from, why, rdir, strerror(errno));
	else
		fprintf(stderr, "heiiki: outbox: %s refused: %s (kept in %s)\n", name, why, rdir);
}

/* Send names[from..n) in order; stops at the first unreachable moment. */
static int
send_all(const char *dir, struct history *h, char **names, size_t n, struct outbox_stats *st,
	 char *err, size_t errlen)
{
	int pg = !strcmp(history_backend(h), "postgresql");

	for (size_t i = 0; i < n; i++) {
		char path[1100], why[1024];
		struct results *res;
		long long id;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (results_load(path, &res, why, sizeof(why)) < 0) {
			reject(dir, names[i], why);
			st->rejected++;
			continue;
		}
		rc = history_add(h, results_root(res), &id, why, sizeof(why));
		results_free(res);
		if (rc == HISTORY_UNREACHABLE || (rc < 0 && !pg)) {
			/* SQLite: a local trouble (locked, full disk), not the
			 * document's: keep it queued */
			snprintf(err, errlen, "%s", why);
			st->left = n - i;
			return rc == HISTORY_UNREACHABLE ? rc : -1;
		}
		if (rc < 0) {
			reject(dir, names[i], why);
			st->rejected++;
			continue;
		}
		if (unlink(path) < 0 && errno != ENOENT) {
			/* sent, not removed: the next flush finds it stored */
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			st->left = n - i;
			return -1;
		}
		st->sent++;
	}
	return 0;
}

int
outbox_flush(const char *dir, const char *loc, struct outbox_stats *st, char *err,
	     size_t errlen)
{
	struct history *h = NULL;
	char **names = NULL;
	size_t n = 0;
	int fd, rc;

	memset(st, 0, sizeof(*st));
	if (outbox_list(dir, &names, &n, err, errlen) < 0)
		return -1;
	if (!n)
		return 0;	/* nothing queued: no lock, no connection */
	outbox_names_free(names, n);
	fd = lock_dir(dir, err, errlen);
	if (fd < 0)
		return -1;
	/* listed again under the lock: a put may have finished meanwhile */
	if (outbox_list(dir, &names, &n, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	rc = n ? history_open(loc, HISTORY_CREATE, &h, err, errlen) : 0;
	if (rc < 0) {
		st->left = n;
	} else if (n) {
		rc = send_all(dir, h, names, n, st, err, errlen);
		history_close(h);
	}
	outbox_names_free(names, n);
	close(fd);
	return rc;
}
