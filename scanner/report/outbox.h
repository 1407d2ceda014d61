/*
 * outbox.h - runs waiting for a history database that could not be
 * reached (a site's link to the central PostgreSQL is down).
 *
 * One file per run in a directory (STATE/outbox for 'heiiki night'):
 * NNNNNNNNNNNNNNNN-RUNID.json, the number one more than the highest
 * queued, written atomically (fs_write_atomic, mode 0600) under an
 * exclusive lock on DIR/.lock.  outbox_flush() sends them in that order
 * and removes each file only after the database committed it; a file sent
 * but not removed (a crash in between) is sent again and found already
 * stored (history_add is idempotent by run id): exactly once.  A document
 * the database refuses for good (another site's run, a broken file) is
 * moved to DIR/rejected/ with the reason on stderr, so it neither blocks
 * the queue nor is lost.
 */
#ifndef HEIIKI_OUTBOX_H
#define HEIIKI_OUTBOX_H

#include <jansson.h>
#include <stddef.h>

#define OUTBOX_DEFAULT_DIR "/var/lib/heiiki/outbox"

/* The outbox: explicit, else $HEIIKI_OUTBOX, else the default. */
const char *outbox_path(const char *explicit_dir);
/*
 * The queue file name for the seq-th run with run id uid (letters, digits,
 * '-', '_' and '.' kept, anything else '_', at most 64 bytes; "run" when
 * empty).  Pure.
 */
void outbox_name(unsigned long long seq, const char *uid, char *out, size_t len);
/* 1 when name is a queue file name (outbox_name's shape), else 0.  Pure. */
int outbox_is_name(const char *name);
/*
 * The queued files of dir, oldest first (malloc'd names; free with
 * outbox_names_free).  A missing directory is an empty queue.  0 or -1.
 */
int outbox_list(const char *dir, char ***names, size_t *n, char *err, size_t errlen);
void outbox_names_free(char **names, size_t n);
/* Queue a results document (dir made 0700 when missing).  The file's
 * path in path.  0 or -1 with err. */
int outbox_put(const char *dir, json_t *root, char *path, size_t pathlen, char *err,
	       size_t errlen);

struct outbox_stats {
	size_t sent;		/* stored (new, replacing, or already there) */
	size_t rejected;	/* moved to DIR/rejected/ */
	size_t left;		/* still queued */
};
/*
 * Send the queue to the history at loc (history_path's sense), oldest
 * first.  0 when the queue is empty at the end (rejections are counted,
 * not errors); HISTORY_UNREACHABLE when the database could not be reached
 * (the rest stays queued, in order); -1 on a local error (err).
 */
int outbox_flush(const char *dir, const char *loc, struct outbox_stats *st, char *err,
		 size_t errlen);

#endif
