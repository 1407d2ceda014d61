/*
 * history.h - the run store: every results document a site produces, in
 * SQLite, so that "what changed since last night" is one query.
 *
 * Schema version 1 (PRAGMA user_version = 1), docs/reports.md:
 *   runs(id, start, end, kind, site, policy_hash, status, heiiki_version,
 *        added, document)      -- document = the whole results JSON
 *   findings(run_id, key, rule, severity, addr, proto, port, title)
 *   services(run_id, addr, proto, port, state, service, product, version)
 * Writes happen in one IMMEDIATE transaction; readers wait up to
 * HISTORY_BUSY_MS for a concurrent writer (a cron job storing last
 * night's scan while someone runs 'history list').
 */
#ifndef HEIIKI_HISTORY_H
#define HEIIKI_HISTORY_H

#include <jansson.h>
#include <stddef.h>

#define HISTORY_SCHEMA 2
#define HISTORY_BUSY_MS 5000
#define HISTORY_DEFAULT_DB "/var/lib/heiiki/history.sqlite"

struct history;

/* The database path: explicit, else $HEIIKI_HISTORY, else the default. */
const char *history_path(const char *explicit_path);
/* How history_open() opens the file. */
enum history_mode {
	HISTORY_READ = 0,	/* read only; the file must exist */
	HISTORY_CREATE = 1,	/* read-write, created with mode 0600 and the schema */
	HISTORY_WRITE = 2,	/* read-write; the file must exist */
};

/* Open in mode (enum history_mode).  A database with a newer schema is
 * refused.  HISTORY_CREATE makes the file with O_EXCL|O_NOFOLLOW: a link
 * at the path is never followed to create its target (a link to an
 * existing database is used); when the open fails after the file was
 * created, the file is removed again.  0, or -1 with err. */
int history_open(const char *path, int mode, struct history **out,
		 char *err, size_t errlen);
void history_close(struct history *h);
/* Close after a failed write: a database this handle created that still
 * holds no run is removed, so a failed first 'add' (full disk) leaves no
 * empty database behind. */
void history_abandon(struct history *h);
/* 1 when a run of this kind is stored, 0 when none, -1 on error. */
int history_has_kind(struct history *h, const char *kind);
/*
 * Store a results document, keeping the best record of each run (kind,
 * site, start, policy hash): returns 0 when stored as a new run, 2 when it
 * replaced the stored record of the same run in one transaction (a
 * complete document replaces the partial one it resumed; a partial one
 * replaces an older partial one with an earlier end), 1 when the stored
 * record is as good or better and was kept, -1 on error; *id is the run's
 * id in all success cases (unchanged by a replacement).
 */
int history_add(struct history *h, json_t *root, long long *id, char *err, size_t errlen);
/*
 * Runs, newest first, as an array of {"id","start","end","kind","site",
 * "policy_hash","status","findings":{sev:n},"services":n}.  limit 0 = all.
 */
json_t *history_runs(struct history *h, size_t limit, char *err, size_t errlen);
/* The stored document of a run (new reference), or NULL with err. */
json_t *history_document(struct history *h, long long id, char *err, size_t errlen);
/*
 * The newest run (optionally of one kind) and the newest COMPLETE run of
 * the same kind and site that started before it.  Returns 0 with both
 * ids, 1 when there is no earlier complete run (*older = 0), 2 when the
 * store is empty, -1 on error.
 */
int history_last_pair(struct history *h, const char *kind, long long *newer,
		      long long *older, char *err, size_t errlen);
/*
 * Remove old runs (with their findings and services), then VACUUM: per
 * (kind, site), every run after the newest `keep` (keep 0 = no limit), and
 * every run that started before `before` (ISO 8601 UTC, "" = no limit)
 * except the newest of its kind and site, which is always kept.  *removed
 * is the number of runs removed.  0, or -1 with err (nothing removed).
 */
int history_prune(struct history *h, unsigned long long keep, const char *before,
		  long long *removed, char *err, size_t errlen);

#endif
