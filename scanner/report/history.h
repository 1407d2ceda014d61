/*
 * history.h - the run store: every results document a site produces, so
 * that "what changed since last night" is one query.  Two back ends behind
 * one API (history_be.h): an SQLite file (the embedded default) and a
 * central PostgreSQL database through libpq (a group of sites).
 *
 * Schema version 2 in both, docs/reports.md:
 *   runs(id, start, end, kind, site, policy_hash, status, heiiki_version,
 *        added, document, run_uid)   -- document = the whole results JSON
 *   findings(run_id, key, rule, severity, addr, proto, port, title, zone,
 *            checklist, title_ja)
 *   services(run_id, addr, proto, port, state, service, product, version)
 *   hosts(run_id, addr, mac, vendor, zone, hostname)
 *   view open_findings_latest
 * SQLite keeps the version in PRAGMA user_version, PostgreSQL in the
 * table heiiki_schema; PostgreSQL adds row-level security by site
 * (history_pg_setup).  Writes happen in one transaction; SQLite readers
 * wait up to HISTORY_BUSY_MS for a concurrent writer.
 */
#ifndef HEIIKI_HISTORY_H
#define HEIIKI_HISTORY_H

#include <jansson.h>
#include <stddef.h>

#define HISTORY_SCHEMA 2
#define HISTORY_BUSY_MS 5000
#define HISTORY_DEFAULT_DB "/var/lib/heiiki/history.sqlite"

struct history;

/* A back end could not be reached (PostgreSQL down, network cut): the
 * caller may keep the run in an outbox (outbox.h) and send it later. */
#define HISTORY_UNREACHABLE (-2)

/* The database: explicit, else $HEIIKI_HISTORY, else the default. */
const char *history_path(const char *explicit_path);
/*
 * Does loc name a PostgreSQL database rather than an SQLite file?
 * "postgresql://...", "postgres://..." (libpq URIs) and libpq keyword
 * strings that start with "service=", "host=" or "dbname=".
 */
int history_is_pg(const char *loc);
/*
 * Check a PostgreSQL connection string without connecting: it must parse
 * (libpq's own parser) and hold no password (the password comes from
 * ~/.pgpass, PGPASSFILE, PGPASSWORD or the service file, never from a
 * command line or policy).  0, or -1 with err (which never repeats the
 * password).
 */
int history_dsn_check(const char *dsn, char *err, size_t errlen);
/* "sqlite" or "postgresql". */
const char *history_backend(const struct history *h);
/* How history_open() opens the file. */
enum history_mode {
	HISTORY_READ = 0,	/* read only; the file must exist */
	HISTORY_CREATE = 1,	/* read-write, created with mode 0600 and the schema */
	HISTORY_WRITE = 2,	/* read-write; the file must exist */
};

/* Open in mode (enum history_mode), SQLite or PostgreSQL by path
 * (history_is_pg).  A database with a newer schema is refused; an older
 * one is migrated on a writable open (PostgreSQL: only by the owner of the
 * tables, see history_pg_setup).  HISTORY_UNREACHABLE when a PostgreSQL
 * server cannot be reached.  SQLite: HISTORY_CREATE makes the file with
 * O_EXCL|O_NOFOLLOW: a link at the path is never followed to create its target (a link to an
 * existing database is used); when the open fails after the file was
 * created, the file is removed again.  0, or -1/HISTORY_UNREACHABLE
 * with err. */
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
 * record is as good or better and was kept, -1 on error (HISTORY_UNREACHABLE
 * when the connection to PostgreSQL failed: worth trying again later); *id
 * is the run's id in all success cases (unchanged by a replacement).
 * Concurrent writers of the same run are serialised: storing a run twice,
 * at once or later, adds nothing.
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
 * The baseline of run id: the newest COMPLETE run of the same kind and site
 * that started before it (or at the same second with a smaller id), in a
 * history shared by many sites too.  0 with *older, 1 when there is none
 * (*older = 0), -1 (or HISTORY_UNREACHABLE) with err.
 */
int history_baseline(struct history *h, long long id, long long *older, char *err,
		     size_t errlen);
/*
 * One run per site, for the group view (group.h): the site's newest run of
 * kind "scan" (what 'heiiki night' stores), else its newest run of any
 * kind.  An array of {"id","start","end","kind","site","status"} in no
 * particular order; with PostgreSQL only the sites the role may read.
 * NULL with err.
 */
json_t *history_sites_latest(struct history *h, char *err, size_t errlen);
/*
 * Remove old runs (with their findings and services), then VACUUM: per
 * (kind, site), every run after the newest `keep` (keep 0 = no limit), and
 * every run that started before `before` (ISO 8601 UTC, "" = no limit)
 * except the newest of its kind and site, which is always kept.  *removed
 * is the number of runs removed.  0, or -1 with err (nothing removed).
 */
int history_prune(struct history *h, unsigned long long keep, const char *before,
		  long long *removed, char *err, size_t errlen);

/*
 * PostgreSQL only: create or migrate the schema (as the owner of the
 * tables), the group roles heiiki_site and heiiki_reader, row-level
 * security by site (docs/reports.md, "Sites"), and optionally one site's
 * login role (site and site_role both set: that role inserts and reads
 * only runs whose run.site is site) and one reader login role (reads every
 * site).  Roles get no password here.  Idempotent.  0, or -1 with err.
 */
int history_pg_setup(struct history *h, const char *site, const char *site_role,
		     const char *reader_role, char *err, size_t errlen);

#endif
