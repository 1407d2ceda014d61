/*
 * rotate.h - passive capture as a service: one flow document per period.
 *
 *   heiiki capture -i IFACE --rotate 1h --out-dir DIR [--keep N] [--max-bytes B]
 *
 * One live handle stays open; each period gets a fresh struct capture, and
 * at the period's end its document is written atomically (temporary file,
 * fsync, rename) as DIR/flows-YYYYmmddTHHMMSSZ.json before the next period
 * starts.  Periods are aligned to multiples of the period length since the
 * epoch (UTC), so "1h" periods start on the hour.  The name carries the
 * first second the document covers (UTC): a whole period is named after
 * the period's start; a document that starts late (the service started or
 * restarted mid-period) or ends early (SIGTERM: the current period is
 * written with status "partial") covers only part of it.  A restart in the
 * same second as the previous document adds ".1", ".2", ... before .json,
 * so nothing is ever overwritten.  run.period in each document records
 * {start, end, seconds, covered_start, covered_end, complete, interface}.
 *
 * Disk use: after each write the oldest documents are removed until at
 * most keep remain and together they take at most max_bytes (the newest
 * document is never removed).  A process killed with SIGKILL loses only
 * the period it was in; every finished period is already on disk.
 */
#ifndef HEIIKI_CAPTURE_ROTATE_H
#define HEIIKI_CAPTURE_ROTATE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture.h"

#define CAPTURE_DOC_PREFIX "flows-"
#define CAPTURE_DOC_NAME_MAX 40		/* "flows-20261205T030000Z.99.json" + NUL */
#define CAPTURE_ROTATE_MIN_S 1
#define CAPTURE_ROTATE_MAX_S (7u * 86400)

struct capture_rotate_opts {
	const char *iface;
	const char *bpf;		/* may be NULL */
	const char *out_dir;
	unsigned period_s;		/* CAPTURE_ROTATE_MIN_S..MAX_S */
	unsigned duration_s;		/* stop after this long; 0 = until *stop */
	unsigned keep;			/* documents kept; 0 = no count limit */
	uint64_t max_bytes;		/* bytes kept; 0 = no size limit */
};

struct capture_rotate_stats {
	unsigned written;		/* documents written */
	unsigned failed;		/* documents that could not be written */
	unsigned removed;		/* old documents removed by keep/max_bytes */
	unsigned gaps;			/* clock jumps of more than a period */
};

/*
 * Run until duration_s has passed or *stop is set.  co->policy and co->geo
 * are used by every period.  Returns 0 (duration reached), 1 (stopped by
 * *stop; the current period was written as partial), or -1 with err
 * filled (out_dir unusable, interface, read error; every period finished
 * before the error is on disk and the current one is written as partial).
 * A document that cannot be written is reported on stderr, counted in
 * st->failed, and the capture goes on.
 */
int capture_rotate_run(const struct capture_opts *co,
		       const struct capture_rotate_opts *ro,
		       volatile sig_atomic_t *stop,
		       struct capture_rotate_stats *st, char *err,
		       size_t errlen);

/* One period document found in a directory. */
struct capture_doc {
	char path[PATH_MAX];
	time_t start;			/* first second covered (from the name) */
	unsigned seq;			/* ".N" suffix, 0 when none */
	uint64_t bytes;
};

/*
 * The period documents in dir whose start (from the file name) lies in
 * [from, to); to == 0 means no upper bound.  Windows that meet ([a, b) and
 * [b, c)) therefore share no document and miss none: a night that merges
 * [last night's run, now) reads every period exactly once.  Sorted by
 * start, then seq.  Temporary files of a write in progress and any other
 * name are ignored.  *out is malloc'd (free() it; NULL when *n == 0).
 * 0, or -1 with err naming dir.
 */
int capture_docs_list(const char *dir, time_t from, time_t to,
		      struct capture_doc **out, size_t *n, char *err,
		      size_t errlen);

/*
 * Remove the oldest documents of dir until at most keep (0 = any number)
 * remain and they take at most max_bytes (0 = any size); the newest is
 * never removed.  *removed counts what was deleted.  0, or -1 with err.
 */
int capture_docs_prune(const char *dir, unsigned keep, uint64_t max_bytes,
		       unsigned *removed, char *err, size_t errlen);

/* File name of the document starting at start: 0, or -1 when it does not
 * fit. */
int capture_doc_name(time_t start, unsigned seq, char *buf, size_t len);
/* Parse such a name: 0 and *start, *seq; -1 for any other name. */
int capture_doc_parse(const char *name, time_t *start, unsigned *seq);

#endif
