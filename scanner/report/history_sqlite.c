/*
 * history_sqlite.c - the SQLite back end of the run store (history.h,
 * history_be.h): one file, the embedded default.
 *
 * The whole results document is kept per run so that a later heiiki can
 * diff any two runs with diff.c, including hosts, exits and peers; the
 * findings and services tables are there for SQL users (trend queries,
 * spreadsheets) and are written from the same document in the same
 * transaction.  Every statement is prepared with bound parameters: no
 * string from a results document is ever pasted into SQL.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "history_be.h"
#include "report.h"
#include "scanner/core/results.h"

struct sq {
	sqlite3 *db;
	int created;		/* this handle created the file (history_abandon) */
};

#define DB(h) (((struct sq *)(h)->be)->db)

static const char schema_v1[] =
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" start TEXT NOT NULL, end TEXT NOT NULL DEFAULT '',"
	" kind TEXT NOT NULL, site TEXT NOT NULL DEFAULT '',"
	" policy_hash TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,"
	" heiiki_version TEXT NOT NULL DEFAULT '', added TEXT NOT NULL,"
	" document TEXT NOT NULL,"
	" UNIQUE (kind, site, start, policy_hash));"
	"CREATE INDEX runs_by_kind_site ON runs (kind, site, start);"
	"CREATE TABLE findings ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,"
	" addr TEXT NOT NULL DEFAULT '', proto TEXT NOT NULL DEFAULT '',"
	" port INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, key));"
	"CREATE TABLE services ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" addr TEXT NOT NULL, proto TEXT NOT NULL, port INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT '', service TEXT NOT NULL DEFAULT '',"
	" product TEXT NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, addr, proto, port));"
	"PRAGMA user_version = 1;";

/*
 * v2: runs get run_uid (the document's run.id: two runs started in the same
 * second are two runs) in their identity - SQLite cannot change a table's
 * UNIQUE constraint, so runs is rebuilt (foreign keys off around it, the
 * documented way); findings get zone, checklist item and Japanese title;
 * a hosts table; the open_findings_latest view (the findings of the newest
 * complete run per kind and site) for people who query the file directly.
 */
static const char schema_v2[] =
	"CREATE TABLE runs_v2 ("
	" id INTEGER PRIMARY KEY,"
	" start TEXT NOT NULL, end TEXT NOT NULL DEFAULT '',"
	" kind TEXT NOT NULL, site TEXT NOT NULL DEFAULT '',"
	" policy_hash TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,"
	" heiiki_version TEXT NOT NULL DEFAULT '', added TEXT NOT NULL,"
	" document TEXT NOT NULL, run_uid TEXT NOT NULL DEFAULT '',"
	" UNIQUE (kind, site, start, policy_hash, run_uid));"
	"INSERT INTO runs_v2 (id, start, end, kind, site, policy_hash, status, heiiki_version,"
	" added, document, run_uid) SELECT id, start, end, kind, site, policy_hash, status,"
	" heiiki_version, added, document,"
	" coalesce(json_extract(document, '$.run.id'), '') FROM runs;"
	"DROP TABLE runs;"
	"ALTER TABLE runs_v2 RENAME TO runs;"
	"CREATE INDEX runs_by_kind_site ON runs (kind, site, start);"
	"ALTER TABLE findings ADD COLUMN zone TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE findings ADD COLUMN checklist TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE findings ADD COLUMN title_ja TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE hosts ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" addr TEXT NOT NULL, mac TEXT NOT NULL DEFAULT '', vendor TEXT NOT NULL DEFAULT '',"
	" zone TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, addr));"
	"CREATE VIEW open_findings_latest AS"
	" SELECT r.kind, r.site, r.start AS run_start, f.* FROM findings f"
	" JOIN runs r ON r.id = f.run_id"
	" WHERE r.id = (SELECT r2.id FROM runs r2 WHERE r2.kind = r.kind AND r2.site = r.site"
	" AND r2.status = 'complete' ORDER BY r2.start DESC, r2.id DESC LIMIT 1);"
	"PRAGMA user_version = 2;";

static int
db_err(struct history *h, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", h->loc, what, sqlite3_errmsg(DB(h)));
	return -1;
}

static int
exec(struct history *h, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(DB(h), sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", h->loc, msg ? msg : "SQL error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
user_version(struct history *h, int *v, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(DB(h), "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_err(h, "reading the schema version", err, errlen);
	*v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* Create the schema in a fresh file; refuse unknown versions. */
static int
migrate(struct history *h, int create, int writable, char *err, size_t errlen)
{
	int v;

	if (user_version(h, &v, err, errlen) < 0)
		return -1;
	if (v == HISTORY_SCHEMA)
		return 0;
	if (v > HISTORY_SCHEMA) {
		snprintf(err, errlen, "%s: history schema %d is newer than this heiiki "
			 "understands (%d)", h->loc, v, HISTORY_SCHEMA);
		return -1;
	}
	if (v == 0 && !create) {
		snprintf(err, errlen, "%s: not a heiiki history database (no schema)", h->loc);
		return -1;
	}
	if (!writable)
		return 0;	/* an older schema read as it is: the queries of a
				 * read-only handle need nothing newer */
	/* runs is rebuilt: foreign keys off (they cannot change inside a
	 * transaction), or the DROP would cascade into findings and services */
	if (exec(h, "PRAGMA foreign_keys = OFF", err, errlen) < 0 ||
	    exec(h, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	if (user_version(h, &v, err, errlen) < 0 ||
	    (v == 0 && exec(h, schema_v1, err, errlen) < 0) ||
	    (v <= 1 && exec(h, schema_v2, err, errlen) < 0)) {
		char ignore[64];

		exec(h, "ROLLBACK", ignore, sizeof(ignore));
		exec(h, "PRAGMA foreign_keys = ON", ignore, sizeof(ignore));
		return -1;
	}
	if (exec(h, "COMMIT", err, errlen) < 0)
		return -1;
	return exec(h, "PRAGMA foreign_keys = ON", err, errlen);
}

/* Create the database's directory (one level, mode 0700), e.g.
 * /var/lib/heiiki on a fresh install. */
static int
make_parent(const char *path)
{
	char dir[512];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return -1;
	*slash = '\0';
	return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/*
 * Create the database file ourselves: mode 0600 (not SQLite's 0644),
 * O_EXCL|O_NOFOLLOW so that a link planted at the path (dangling or not)
 * is never followed to create or truncate its target.  *created is 1 when
 * this call made the file.  An existing regular file (or a link to one) is
 * used as it is.
 */
static int
create_file(const char *path, int *created, char *err, size_t errlen)
{
	struct stat sb;
	int fd;

	*created = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT && make_parent(path) == 0)
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		*created = 1;
		return 0;
	}
	if (errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(path, &sb) < 0) {
		if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
			snprintf(err, errlen, "%s: is a dangling symbolic link; refusing to "
				 "create a database at its target", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	return 0;
}

static int
sq_open(struct history *h, int mode, char *err, size_t errlen)
{
	struct sq *q = calloc(1, sizeof(*q));
	int flags = mode == HISTORY_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	int create = mode == HISTORY_CREATE;
	const char *path = h->loc;

	if (!q) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->be = q;
	if (create) {
		if (create_file(path, &q->created, err, errlen) < 0)
			goto out_free;
	} else if (access(path, R_OK) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	/* the file exists now: SQLite never creates it (no SQLITE_OPEN_CREATE) */
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		db_err(h, "open", err, errlen);
		goto out_close;
	}
	sqlite3_busy_timeout(q->db, HISTORY_BUSY_MS);
	if (exec(h, "PRAGMA foreign_keys = ON", err, errlen) < 0 ||
	    migrate(h, create, mode != HISTORY_READ, err, errlen) < 0)
		goto out_close;
	return 0;
out_close:
	sqlite3_close(q->db);
	if (q->created)
		unlink(path);	/* a failed open leaves no empty database */
out_free:
	free(q);
	h->be = NULL;
	return -1;
}

/* Number of stored runs, or -1. */
static long long
run_count(struct history *h)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(DB(h), "SELECT count(*) FROM runs", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
sq_close(struct history *h, int abandon)
{
	struct sq *q = h->be;
	int drop;

	if (!q)
		return;
	drop = abandon && q->created && run_count(h) == 0;
	sqlite3_close(q->db);
	free(q);
	h->be = NULL;
	if (drop) {
		char side[600];

		unlink(h->loc);
		snprintf(side, sizeof(side), "%s-journal", h->loc);
		unlink(side);
	}
}

static int
sq_has_kind(struct history *h, const char *kind)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(DB(h), "SELECT 1 FROM runs WHERE kind = ?1 LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

/* An existing run with the same identity: its id (and whether the stored
 * record is the better one), or 0. */
static long long
find_run(struct history *h, json_t *run, int *stored_better)
{
	sqlite3_stmt *st;
	long long id = 0;

	*stored_better = 1;
	/* run.id (scans since it exists) tells apart two runs that started in
	 * the same second; a document without one matches as before */
	if (sqlite3_prepare_v2(DB(h), "SELECT id, status, end FROM runs WHERE kind = ?1 AND "
			       "site = ?2 AND start = ?3 AND policy_hash = ?4 AND "
			       "run_uid = ?5", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	bind_text(st, 1, report_str(run, "kind"));
	bind_text(st, 2, report_str(run, "site"));
	bind_text(st, 3, report_str(run, "start"));
	bind_text(st, 4, report_str(run, "policy_hash"));
	bind_text(st, 5, report_str(run, "id"));
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*stored_better = history_stored_better(
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), run);
	}
	sqlite3_finalize(st);
	return id;
}

/* Replace the stored record of run id (same transaction as the caller's). */
static int
replace_run(struct history *h, long long id, json_t *run, const char *doc, char *err,
	    size_t errlen)
{
	sqlite3_stmt *st;
	char now[32];
	int rc = 0;

	/* the run's rows go; the new document's are added by the caller */
	static const char *const del[] = { "DELETE FROM findings WHERE run_id = ?1",
					   "DELETE FROM services WHERE run_id = ?1",
					   "DELETE FROM hosts WHERE run_id = ?1" };

	for (size_t i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
		if (sqlite3_prepare_v2(DB(h), del[i], -1, &st, NULL) != SQLITE_OK)
			return db_err(h, "replace run", err, errlen);
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_err(h, "replace run", err, errlen);
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
	}
	if (rc < 0 || sqlite3_prepare_v2(DB(h), "UPDATE runs SET end = ?2, status = ?3, "
					 "heiiki_version = ?4, added = ?5, document = ?6 "
					 "WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return rc < 0 ? rc : db_err(h, "replace run", err, errlen);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, report_str(run, "end"));
	bind_text(st, 3, report_str(run, "status"));
	bind_text(st, 4, report_str(run, "heiiki_version"));
	bind_text(st, 5, results_time((int64_t)time(NULL), now));
	bind_text(st, 6, doc);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_err(h, "replace run", err, errlen);
	sqlite3_finalize(st);
	return rc;
}

static int
add_findings(struct history *h, long long id, json_t *root, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *f;
	size_t i;
	int rc = 0;

	if (sqlite3_prepare_v2(DB(h), "INSERT OR IGNORE INTO findings (run_id, key, rule, "
			       "severity, addr, proto, port, title, zone, checklist, title_ja) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", -1, &st,
			       NULL) != SQLITE_OK)
		return db_err(h, "prepare findings", err, errlen);
	json_array_foreach(json_object_get(root, "findings"), i, f) {
		const char *key = report_str(f, "key"), *t, *ja;

		history_titles(f, &t, &ja);
		if (!json_is_object(f) || !*key)
			continue;
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, key);
		bind_text(st, 3, report_str(f, "rule"));
		bind_text(st, 4, report_str(f, "severity"));
		bind_text(st, 5, report_str(f, "addr"));
		bind_text(st, 6, report_str(f, "proto"));
		sqlite3_bind_int64(st, 7, report_int(f, "port", 0));
		bind_text(st, 8, t);
		bind_text(st, 9, report_str(f, "zone"));
		bind_text(st, 10, report_str(f, "checklist"));
		bind_text(st, 11, ja);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_err(h, "insert finding", err, errlen);
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
add_services(struct history *h, long long id, json_t *root, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *s;
	size_t i;
	int rc = 0;

	if (sqlite3_prepare_v2(DB(h), "INSERT OR IGNORE INTO services (run_id, addr, proto, "
			       "port, state, service, product, version) VALUES (?1, ?2, ?3, "
			       "?4, ?5, ?6, ?7, ?8)", -1, &st, NULL) != SQLITE_OK)
		return db_err(h, "prepare services", err, errlen);
	json_array_foreach(json_object_get(root, "services"), i, s) {
		if (!json_is_object(s) || !*report_str(s, "addr"))
			continue;
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, report_str(s, "addr"));
		bind_text(st, 3, report_str(s, "proto"));
		sqlite3_bind_int64(st, 4, report_int(s, "port", 0));
		bind_text(st, 5, report_str(s, "state"));
		bind_text(st, 6, report_str(s, "service"));
		bind_text(st, 7, report_str(s, "product"));
		bind_text(st, 8, report_str(s, "version"));
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_err(h, "insert service", err, errlen);
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* hosts of the run: address, MAC, vendor, zone, first DNS name */
static int
add_hosts(struct history *h, long long id, json_t *root, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *x;
	size_t i;
	int rc = 0;

	if (sqlite3_prepare_v2(DB(h), "INSERT OR IGNORE INTO hosts (run_id, addr, mac, vendor, "
			       "zone, hostname) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st,
			       NULL) != SQLITE_OK)
		return db_err(h, "prepare hosts", err, errlen);
	json_array_foreach(json_object_get(root, "hosts"), i, x) {
		const char *hn = history_hostname(x);

		if (!json_is_object(x) || !*report_str(x, "addr"))
			continue;
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, report_str(x, "addr"));
		bind_text(st, 3, report_str(x, "mac"));
		bind_text(st, 4, report_str(x, "vendor"));
		bind_text(st, 5, report_str(x, "zone"));
		bind_text(st, 6, hn);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_err(h, "insert host", err, errlen);
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static long long
insert_run(struct history *h, json_t *run, const char *doc, char *err, size_t errlen)
{
	static const char *const cols[] = { "start", "end", "kind", "site", "policy_hash",
					    "status", "heiiki_version" };
	sqlite3_stmt *st;
	char now[32];
	long long id = -1;

	if (sqlite3_prepare_v2(DB(h), "INSERT INTO runs (start, end, kind, site, policy_hash, "
			       "status, heiiki_version, added, document, run_uid) VALUES (?1, ?2, "
			       "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &st, NULL) != SQLITE_OK)
		return db_err(h, "prepare run", err, errlen);
	for (int i = 0; i < 7; i++)
		bind_text(st, i + 1, report_str(run, cols[i]));
	bind_text(st, 8, results_time((int64_t)time(NULL), now));
	bind_text(st, 9, doc);
	bind_text(st, 10, report_str(run, "id"));
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(DB(h));
	else
		db_err(h, "insert run", err, errlen);
	sqlite3_finalize(st);
	return id;
}

static int
sq_add(struct history *h, json_t *root, const char *doc, long long *id, char *err,
       size_t errlen)
{
	json_t *run = json_object_get(root, "run");
	long long existing;
	int stored_better, replaced = 0;
	char ignore[64];

	if (exec(h, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	existing = find_run(h, run, &stored_better);
	if (existing > 0 && stored_better) {
		*id = existing;
		exec(h, "ROLLBACK", ignore, sizeof(ignore));
		return 1;
	}
	if (existing > 0) {
		*id = replace_run(h, existing, run, doc, err, errlen) < 0 ? -1 : existing;
		replaced = 1;
	} else {
		*id = existing < 0 ? -1 : insert_run(h, run, doc, err, errlen);
		if (existing < 0)
			db_err(h, "lookup run", err, errlen);
	}
	if (*id < 0 || add_findings(h, *id, root, err, errlen) < 0 ||
	    add_services(h, *id, root, err, errlen) < 0 ||
	    add_hosts(h, *id, root, err, errlen) < 0 ||
	    exec(h, "COMMIT", err, errlen) < 0) {
		exec(h, "ROLLBACK", ignore, sizeof(ignore));
		return -1;
	}
	return replaced ? 2 : 0;
}

/* {"critical": n, ...} for one run. */
static json_t *
run_finding_counts(struct history *h, long long id)
{
	sqlite3_stmt *st;
	json_t *o = json_object();

	if (sqlite3_prepare_v2(DB(h), "SELECT severity, count(*) FROM findings WHERE "
			       "run_id = ?1 GROUP BY severity ORDER BY severity", -1, &st,
			       NULL) != SQLITE_OK)
		return o;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
				    json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	return o;
}

static json_t *
sq_runs(struct history *h, size_t limit, char *err, size_t errlen)
{
	static const char *const cols[] = { "start", "end", "kind", "site", "policy_hash",
					    "status" };
	sqlite3_stmt *st;
	json_t *out = json_array(), *o;
	int rc;

	if (sqlite3_prepare_v2(DB(h), "SELECT id, start, end, kind, site, policy_hash, status, "
			       "(SELECT count(*) FROM services WHERE run_id = runs.id AND "
			       "state IN ('open', 'open|filtered', '')) FROM runs "
			       "ORDER BY start DESC, id DESC LIMIT ?1", -1, &st, NULL) != SQLITE_OK) {
		db_err(h, "list runs", err, errlen);
		json_decref(out);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		o = json_pack("{s:I}", "id", (json_int_t)id);
		for (int i = 0; i < 6; i++)
			json_object_set_new(o, cols[i], json_string(
				(const char *)sqlite3_column_text(st, i + 1)));
		json_object_set_new(o, "services", json_integer(sqlite3_column_int64(st, 7)));
		json_object_set_new(o, "findings", run_finding_counts(h, id));
		json_array_append_new(out, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_err(h, "list runs", err, errlen);
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *
sq_document(struct history *h, long long id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *doc = NULL;
	json_error_t jerr;

	if (sqlite3_prepare_v2(DB(h), "SELECT document FROM runs WHERE id = ?1", -1, &st,
			       NULL) != SQLITE_OK) {
		db_err(h, "read run", err, errlen);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s: no run with id %lld", h->loc, id);
	} else {
		doc = json_loads((const char *)sqlite3_column_text(st, 0), 0, &jerr);
		if (!doc)
			snprintf(err, errlen, "%s: run %lld: stored document is not JSON: %s",
				 h->loc, id, jerr.text);
	}
	sqlite3_finalize(st);
	return doc;
}

static int
newest(struct history *h, const char *kind, long long *id, char *k, char *site,
       char *start, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(DB(h), "SELECT id, kind, site, start FROM runs WHERE "
			       "(?1 = '' OR kind = ?1) ORDER BY start DESC, id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	bind_text(st, 1, kind);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(k, len, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(site, len, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(start, len, "%s", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static int
sq_last_pair(struct history *h, const char *kind, long long *newer, long long *older,
		  char *err, size_t errlen)
{
	char k[256], site[256], start[256];
	sqlite3_stmt *st;
	int rc;

	*newer = *older = 0;
	rc = newest(h, kind ? kind : "", newer, k, site, start, sizeof(k));
	if (rc < 0)
		return db_err(h, "latest run", err, errlen);
	if (rc == 1)
		return 2;
	if (sqlite3_prepare_v2(DB(h), "SELECT id FROM runs WHERE kind = ?1 AND site = ?2 AND "
			       "status = 'complete' AND id != ?4 AND (start < ?3 OR "
			       "(start = ?3 AND id < ?4)) ORDER BY start DESC, id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(h, "previous run", err, errlen);
	bind_text(st, 1, k);
	bind_text(st, 2, site);
	bind_text(st, 3, start);
	sqlite3_bind_int64(st, 4, *newer);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*older = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(h, "previous run", err, errlen);
	return *older ? 0 : 1;
}

static int
sq_baseline(struct history *h, long long id, long long *older, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(DB(h), "WITH me AS (SELECT kind, site, start FROM runs WHERE "
			       "id = ?1) SELECT r.id FROM runs r, me WHERE r.kind = me.kind AND "
			       "r.site = me.site AND r.status = 'complete' AND r.id != ?1 AND "
			       "(r.start < me.start OR (r.start = me.start AND r.id < ?1)) "
			       "ORDER BY r.start DESC, r.id DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return db_err(h, "baseline", err, errlen);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*older = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(h, "baseline", err, errlen);
	return *older ? 0 : 1;
}

/* Runs numbered newest first within their (kind, site). */
#define RANKED \
	"SELECT id, start, ROW_NUMBER() OVER (PARTITION BY kind, site " \
	"ORDER BY start DESC, id DESC) AS rn FROM runs"

static int
sq_prune(struct history *h, unsigned long long keep, const char *before,
	      long long *removed, char *err, size_t errlen)
{
	static const char sql[] =
		"DELETE FROM runs WHERE id IN (SELECT id FROM (" RANKED ") "
		"WHERE (?1 > 0 AND rn > ?1) OR (?2 != '' AND start < ?2 AND rn > 1))";
	sqlite3_stmt *st = NULL;
	char ignored[8];

	*removed = 0;
	if (exec(h, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	if (sqlite3_prepare_v2(DB(h), sql, -1, &st, NULL) != SQLITE_OK)
		goto out_db;
	sqlite3_bind_int64(st, 1, keep > INT64_MAX ? INT64_MAX : (sqlite3_int64)keep);
	bind_text(st, 2, before);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out_db;
	*removed = sqlite3_changes(DB(h));
	sqlite3_finalize(st);
	if (exec(h, "COMMIT", err, errlen) < 0)
		return -1;
	/* give the space back to the file system (outside the transaction) */
	return exec(h, "VACUUM", err, errlen);
out_db:
	db_err(h, "prune", err, errlen);
	sqlite3_finalize(st);
	exec(h, "ROLLBACK", ignored, sizeof(ignored));	/* keep the first error */
	return -1;
}

static json_t *
sq_sites_latest(struct history *h, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_t *out = json_array();
	int rc;

	if (sqlite3_prepare_v2(DB(h), HISTORY_SQL_SITES_LATEST, -1, &st, NULL) != SQLITE_OK) {
		db_err(h, "latest run of each site", err, errlen);
		json_decref(out);
		return NULL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v[6];

		for (int i = 0; i < 6; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		json_array_append_new(out, history_site_row(v));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_err(h, "latest run of each site", err, errlen);
		json_decref(out);
		return NULL;
	}
	return out;
}

const struct history_ops history_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.has_kind = sq_has_kind,
	.add = sq_add,
	.runs = sq_runs,
	.document = sq_document,
	.last_pair = sq_last_pair,
	.baseline = sq_baseline,
	.prune = sq_prune,
	.sites_latest = sq_sites_latest,
};
