/*
 * fsutil.h - file helpers: atomic replace, bounded whole-file read.
 */
#ifndef HEIIKI_FSUTIL_H
#define HEIIKI_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replace path with data atomically: write "path.tmp.PID", fsync, rename
 * over path, fsync the directory.  A crash leaves either the old file or
 * the new one, never a half-written one.  A path that exists and is not a
 * regular file (/dev/null, a FIFO) is written in place instead of being
 * replaced.  Returns 0 or -1 with err set.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    char *err, size_t errlen);
/*
 * Read a whole regular file of at most max bytes into a NUL-terminated
 * malloc'd buffer.  Returns 0 or -1 with err naming the file.
 */
int fs_read_all(const char *path, size_t max, char **data, size_t *len,
		char *err, size_t errlen);

#endif
