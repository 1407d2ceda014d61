/*
 * fsutil.h - file helpers: atomic replace, bounded whole-file read.
 */
#ifndef HEIIKI_FSUTIL_H
#define HEIIKI_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replace path with data atomically and safely (fsutil.c says how): a
 * fresh temporary file with a random name, created O_EXCL|O_NOFOLLOW in
 * the opened parent directory, fsynced, renamed over path, the directory
 * fsynced.  A crash leaves the old file or the new one, never a
 * half-written one; a link at path is replaced, never written through.
 * "-", "/dev/stdout", "/dev/stderr" and "/dev/fd/N" write to that
 * descriptor; a character device or FIFO named by its real path is written
 * in place; a link to a device or FIFO, a block device and a directory are
 * refused.  Returns 0 or -1 with err naming path.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    char *err, size_t errlen);
/*
 * Would fs_write_atomic(path) be allowed, and is the directory writable
 * (by the effective user)?  Writes nothing.  0, or -1 with err.
 */
int fs_check_output(const char *path, char *err, size_t errlen);
/*
 * For files opened by name later (an SQLite database): path must be a
 * regular file that is not a symbolic link; when absent it is created
 * empty with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600 (*created = 1).
 * A link at path (dangling or not) is refused.  0, or -1 with err.
 * Open it afterwards with O_NOFOLLOW / SQLITE_OPEN_NOFOLLOW.
 */
int fs_prepare_regular(const char *path, int *created, char *err, size_t errlen);
/*
 * Read a whole regular file of at most max bytes into a NUL-terminated
 * malloc'd buffer.  Returns 0 or -1 with err naming the file.
 */
int fs_read_all(const char *path, size_t max, char **data, size_t *len,
		char *err, size_t errlen);

#endif
