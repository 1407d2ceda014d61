/*
 * fsutil.c - safe atomic file replacement and bounded reads (see fsutil.h).
 *
 * Written for a root process whose output directory may be writable by
 * someone else: nothing here follows a link an attacker placed, and no
 * name is predictable.
 *
 *  - the temporary file is created with O_CREAT|O_EXCL|O_NOFOLLOW under a
 *    random name (getrandom), by openat() relative to the directory opened
 *    once, so a link planted at any name is never followed and a renamed
 *    directory component cannot redirect the later steps;
 *  - it is fsynced, renamed over the final name (rename replaces a link at
 *    the final name, it never writes through it) and the directory fsynced;
 *  - a device or FIFO is written in place only when the caller named it
 *    by its real path (lstat says it is one: no link on the last
 *    component); "/dev/stdout", "/dev/stderr" and "/dev/fd/N" mean the
 *    already-open descriptor; a block device is never written; a link to
 *    a device or FIFO is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

#define TMP_TRIES 64

/* All of p, retrying after signals; -1 with errno on failure. */
static int
write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* "/dev/stdout" -> 1, "/dev/fd/5" -> 5; -1 for any other path. */
static int
std_fd(const char *path)
{
	char *end;
	long n;

	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"))
		return 1;
	if (!strcmp(path, "/dev/stderr"))
		return 2;
	if (strncmp(path, "/dev/fd/", 8) || !path[8])
		return -1;
	n = strtol(path + 8, &end, 10);
	return *end || n < 0 || n > 65535 ? -1 : (int)n;
}

/* Split path into an opened directory and the last component. */
static int
open_parent(const char *path, char *base, size_t baselen, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int dfd;

	if (slash && !slash[1]) {
		snprintf(err, errlen, "%s: is a directory", path);
		return -1;
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) >= sizeof(dir)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	} else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (snprintf(base, baselen, "%s", slash ? slash + 1 : path) >= (int)baselen ||
	    !base[0] || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen, "%s: not a file name", path);
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		snprintf(err, errlen, "%s: directory %s: %s", path, dir, strerror(errno));
	return dfd;
}

/*
 * What to do with path: 0 replace (absent, regular file or a link, which
 * rename replaces), 1 write in place (a character device or FIFO named by
 * its real path), -1 refuse with err.
 */
static int
classify(int dfd, const char *base, const char *path, char *err, size_t errlen)
{
	struct stat st, tgt;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/* a link to a regular file, a dangling link: replaced, never
		 * followed; a link to anything else is refused */
		if (fstatat(dfd, base, &tgt, 0) < 0 || S_ISREG(tgt.st_mode))
			return 0;
		snprintf(err, errlen,
			 "%s: is a symbolic link to a %s; refusing to write through it (name a device or FIFO by its real path)",
			 path, S_ISBLK(tgt.st_mode) ? "block device" : S_ISDIR(tgt.st_mode) ?
			 "directory" : "device or FIFO");
		return -1;
	}
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
		return 1;
	snprintf(err, errlen, "%s: is a %s; refusing to write onto it", path,
		 S_ISBLK(st.st_mode) ? "block device" : "socket or special file");
	return -1;
}

static int
write_in_place(int dfd, const char *base, const char *path, const char *p, size_t len,
	       char *err, size_t errlen)
{
	int fd = openat(dfd, base, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* the name may have changed since classify(): check what we opened */
	if (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		snprintf(err, errlen, "%s: changed while being opened; refusing to write", path);
		close(fd);
		return -1;
	}
	if (write_all(fd, p, len) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* A fresh, unpredictable "BASE.tmp.XXXXXXXXXXXX" in dfd; fd or -1. */
static int
create_tmp(int dfd, const char *base, mode_t mode, char *tmp, size_t tmplen)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";

	for (int i = 0; i < TMP_TRIES; i++) {
		unsigned char rnd[12];
		char sfx[sizeof(rnd) + 1];
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		for (size_t k = 0; k < sizeof(rnd); k++)
			sfx[k] = abc[rnd[k] % (sizeof(abc) - 1)];
		sfx[sizeof(rnd)] = '\0';
		if (snprintf(tmp, tmplen, ".%s.tmp.%s", base, sfx) >= (int)tmplen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		char *err, size_t errlen)
{
	char base[256], tmp[300];
	const char *p = data;
	int dfd, fd, sfd, kind;

	if ((sfd = std_fd(path)) >= 0) {
		fflush(stdout);	/* keep order with what stdio already holds */
		fflush(stderr);
		if (write_all(sfd, p, len) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if ((dfd = open_parent(path, base, sizeof(base), err, errlen)) < 0)
		return -1;
	kind = classify(dfd, base, path, err, errlen);
	if (kind != 0) {
		int rc = kind < 0 ? -1 : write_in_place(dfd, base, path, p, len, err, errlen);

		close(dfd);
		return rc;
	}
	fd = create_tmp(dfd, base, mode, tmp, sizeof(tmp));
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", path,
			 strerror(errno));
		close(dfd);
		return -1;
	}
	(void)fchmod(fd, mode);	/* umask must not widen or narrow it */
	if (write_all(fd, p, len) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out_unlink;
	}
	if (fsync(fd) < 0) {
		snprintf(err, errlen, "%s: fsync: %s", path, strerror(errno));
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, base) < 0) {
		snprintf(err, errlen, "%s: rename: %s", path, strerror(errno));
		goto out_unlink;
	}
	(void)fsync(dfd);
	close(dfd);
	return 0;
out_unlink:
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return -1;
}

int
fs_check_output(const char *path, char *err, size_t errlen)
{
	char base[256];
	int dfd, kind;

	if (std_fd(path) >= 0)
		return 0;
	if ((dfd = open_parent(path, base, sizeof(base), err, errlen)) < 0)
		return -1;
	kind = classify(dfd, base, path, err, errlen);
	if (kind == 0 && faccessat(dfd, ".", W_OK, AT_EACCESS) < 0) {
		snprintf(err, errlen, "%s: directory not writable: %s", path, strerror(errno));
		kind = -1;
	}
	close(dfd);
	return kind < 0 ? -1 : 0;
}

int
fs_prepare_regular(const char *path, int *created, char *err, size_t errlen)
{
	char base[256];
	struct stat st;
	int dfd, fd;

	*created = 0;
	if ((dfd = open_parent(path, base, sizeof(base), err, errlen)) < 0)
		return -1;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*created = 1;
		(void)fsync(fd);
		close(fd);
		(void)fsync(dfd);
		close(dfd);
		return 0;
	}
	if (errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(dfd);
		return -1;
	}
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(dfd);
		return -1;
	}
	close(dfd);
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "%s: is a symbolic link; refusing to open it (give the real path)",
			 path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	return 0;
}

int
fs_read_all(const char *path, size_t max, char **data, size_t *len,
	    char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t r;

		if (n == cap) {
			char *nb;

			if (cap >= max + 1)
				break;
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out_fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out_fail;
	}
	if (n > max) {
		snprintf(err, errlen, "%s: file is larger than %zu bytes", path, max);
		goto out_fail;
	}
	if (!buf && !(buf = malloc(1))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_fail;
	}
	buf[n] = '\0';
	if (f != stdin)
		fclose(f);
	*data = buf;
	*len = n;
	return 0;
out_fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return -1;
}
