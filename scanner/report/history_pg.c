/*
 * history_pg.c - the PostgreSQL back end of the run store (history.h,
 * history_be.h), through libpq: one central database for a group of sites.
 *
 * The tables and columns are SQLite's (history_sqlite.c), "end" quoted;
 * the version lives in heiiki_schema(version) and the migrations below
 * repeat SQLite's steps, so a v1 database anywhere becomes a v2 one the
 * same way.  A run's child rows (findings, services, hosts) are sent as
 * one JSON array parameter per table and unpacked by json_to_recordset:
 * three statements per run whatever its size, and, as everywhere in the
 * history, no string of a document ever pasted into SQL.
 *
 * Sites (history_pg_setup, docs/reports.md "Sites"): row-level security
 * lets a member of heiiki_site see, insert and replace only runs whose
 * site is the one heiiki_site_roles gives its login role, and the child
 * rows of those runs (EXISTS on the run's primary key, which row security
 * on runs narrows to the role's site: one index probe per row, whatever
 * the size of the history); heiiki_reader reads everything.
 *
 * Errors: a connection that cannot be made or is lost, and the SQLSTATE
 * classes that mean "the server, not the data" (08 connection, 53
 * resources, 57 operator intervention, 40 transaction rollback), give
 * HISTORY_UNREACHABLE so that the caller keeps the run for later.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "history_be.h"
#include "report.h"
#include "scanner/core/results.h"

#define CONN(h) ((PGconn *)(h)->be)
#define PG_CONNECT_TIMEOUT "10"

/* Migrations: pg_schema[v - 1] brings version v - 1 to v. */
static const char pg_schema_v1[] =
	"CREATE TABLE runs ("
	" id BIGSERIAL PRIMARY KEY,"
	" start TEXT NOT NULL, \"end\" TEXT NOT NULL DEFAULT '',"
	" kind TEXT NOT NULL, site TEXT NOT NULL DEFAULT '',"
	" policy_hash TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,"
	" heiiki_version TEXT NOT NULL DEFAULT '', added TEXT NOT NULL,"
	" document TEXT NOT NULL,"
	" CONSTRAINT runs_identity UNIQUE (kind, site, start, policy_hash));"
	"CREATE INDEX runs_by_kind_site ON runs (kind, site, start);"
	"CREATE TABLE findings ("
	" run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,"
	" addr TEXT NOT NULL DEFAULT '', proto TEXT NOT NULL DEFAULT '',"
	" port INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, key));"
	"CREATE TABLE services ("
	" run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" addr TEXT NOT NULL, proto TEXT NOT NULL, port INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT '', service TEXT NOT NULL DEFAULT '',"
	" product TEXT NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, addr, proto, port));"
	"CREATE TABLE heiiki_schema (version INTEGER NOT NULL);"
	"INSERT INTO heiiki_schema VALUES (1);";

/* v2, as SQLite's: run_uid in the identity, findings' zone, checklist item
 * and Japanese title, hosts, open_findings_latest (security_invoker: the
 * view shows a site role only its own rows). */
static const char pg_schema_v2[] =
	"ALTER TABLE runs ADD COLUMN run_uid TEXT NOT NULL DEFAULT '';"
	"UPDATE runs SET run_uid = coalesce(document::json #>> '{run,id}', '');"
	"ALTER TABLE runs DROP CONSTRAINT runs_identity;"
	"ALTER TABLE runs ADD CONSTRAINT runs_identity"
	" UNIQUE (kind, site, start, policy_hash, run_uid);"
	"ALTER TABLE findings ADD COLUMN zone TEXT NOT NULL DEFAULT '',"
	" ADD COLUMN checklist TEXT NOT NULL DEFAULT '',"
	" ADD COLUMN title_ja TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE hosts ("
	" run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" addr TEXT NOT NULL, mac TEXT NOT NULL DEFAULT '', vendor TEXT NOT NULL DEFAULT '',"
	" zone TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, addr));"
	"CREATE VIEW open_findings_latest WITH (security_invoker = true) AS"
	" SELECT r.kind, r.site, r.start AS run_start, f.* FROM findings f"
	" JOIN runs r ON r.id = f.run_id"
	" WHERE r.id = (SELECT r2.id FROM runs r2 WHERE r2.kind = r.kind AND r2.site = r.site"
	" AND r2.status = 'complete' ORDER BY r2.start DESC, r2.id DESC LIMIT 1);"
	"UPDATE heiiki_schema SET version = 2;";

static const char *const pg_schema[HISTORY_SCHEMA] = { pg_schema_v1, pg_schema_v2 };

/*
 * Sites: the group roles, the role -> site map, and the policies.  Re-run
 * on every pg-setup (policies dropped and made again), so a newer heiiki
 * can change them.  Runs as the owner of the tables.
 */
static const char pg_rls[] =
	"DO $$ BEGIN"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'heiiki_site') THEN"
	"  CREATE ROLE heiiki_site NOLOGIN; END IF;"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'heiiki_reader') THEN"
	"  CREATE ROLE heiiki_reader NOLOGIN; END IF;"
	" EXECUTE format('GRANT USAGE ON SCHEMA %I TO heiiki_site, heiiki_reader',"
	"  current_schema());"
	" END $$;"
	"CREATE TABLE IF NOT EXISTS heiiki_site_roles ("
	" rolname TEXT PRIMARY KEY, site TEXT NOT NULL);"
	"ALTER TABLE heiiki_site_roles ENABLE ROW LEVEL SECURITY;"
	"DROP POLICY IF EXISTS heiiki_own ON heiiki_site_roles;"
	"CREATE POLICY heiiki_own ON heiiki_site_roles FOR SELECT TO heiiki_site"
	" USING (rolname = current_user);"
	/* the map's schema spelled out: a site role's own temporary table
	 * of the same name (pg_temp comes first in a search path) must not
	 * stand in for it */
	"DO $$ BEGIN EXECUTE format('CREATE OR REPLACE FUNCTION heiiki_site() RETURNS TEXT"
	" LANGUAGE sql STABLE AS $f$ SELECT site FROM %I.heiiki_site_roles"
	" WHERE rolname = current_user $f$', current_schema()); END $$;"
	"ALTER TABLE runs ENABLE ROW LEVEL SECURITY;"
	"DROP POLICY IF EXISTS heiiki_site_rw ON runs;"
	"CREATE POLICY heiiki_site_rw ON runs FOR ALL TO heiiki_site"
	" USING (site = heiiki_site()) WITH CHECK (site = heiiki_site());"
	"DROP POLICY IF EXISTS heiiki_reader_r ON runs;"
	"CREATE POLICY heiiki_reader_r ON runs FOR SELECT TO heiiki_reader USING (true);"
	"DO $$ DECLARE t TEXT; BEGIN"
	" FOREACH t IN ARRAY ARRAY['findings', 'services', 'hosts'] LOOP"
	"  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);"
	"  EXECUTE format('DROP POLICY IF EXISTS heiiki_site_rw ON %I', t);"
	"  EXECUTE format('CREATE POLICY heiiki_site_rw ON %I FOR ALL TO heiiki_site"
	"   USING (EXISTS (SELECT 1 FROM runs r WHERE r.id = run_id))"
	"   WITH CHECK (EXISTS (SELECT 1 FROM runs r WHERE r.id = run_id))', t);"
	"  EXECUTE format('DROP POLICY IF EXISTS heiiki_reader_r ON %I', t);"
	"  EXECUTE format('CREATE POLICY heiiki_reader_r ON %I FOR SELECT TO heiiki_reader"
	"   USING (true)', t);"
	" END LOOP; END $$;"
	"GRANT SELECT, INSERT, UPDATE, DELETE ON runs, findings, services, hosts TO heiiki_site;"
	"GRANT USAGE ON SEQUENCE runs_id_seq TO heiiki_site;"
	"GRANT SELECT ON heiiki_schema, heiiki_site_roles, open_findings_latest TO heiiki_site;"
	"GRANT SELECT ON runs, findings, services, hosts, heiiki_schema, open_findings_latest"
	" TO heiiki_reader;"
	"GRANT EXECUTE ON FUNCTION heiiki_site() TO heiiki_site;";

/* The server rather than the data: worth trying again later. */
static int
transient(PGconn *c, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(c) != CONNECTION_OK || !state)
		return 1;
	return !strncmp(state, "08", 2) || !strncmp(state, "53", 2) ||
	       !strncmp(state, "57", 2) || !strncmp(state, "40", 2);
}

/* err = "LOC: what: server message" (one line); -1 or HISTORY_UNREACHABLE. */
static int
pg_err(struct history *h, const PGresult *r, const char *what, char *err, size_t errlen)
{
	const char *msg = r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ?
			  PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) :
			  PQerrorMessage(CONN(h));
	size_t n;

	snprintf(err, errlen, "%s: %s: %s", h->loc, what, msg && *msg ? msg : "error");
	n = strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
	for (char *p = err; *p; p++)	/* libpq's hints: "\n\t..." */
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return transient(CONN(h), r) ? HISTORY_UNREACHABLE : -1;
}

/*
 * Run sql with n text parameters (NULL = SQL NULL).  The result when its
 * status is the expected one, else NULL with err and *rc.
 */
static PGresult *
run(struct history *h, const char *sql, int n, const char *const *vals, const char *what,
    int *rc, char *err, size_t errlen)
{
	PGresult *r = n ? PQexecParams(CONN(h), sql, n, NULL, vals, NULL, NULL, 0) :
		      PQexec(CONN(h), sql);
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	*rc = pg_err(h, r, what, err, errlen);
	PQclear(r);
	return NULL;
}

/* A statement whose result is not needed: 0 or -1/HISTORY_UNREACHABLE. */
static int
cmd(struct history *h, const char *sql, int n, const char *const *vals, const char *what,
    char *err, size_t errlen)
{
	int rc = 0;
	PGresult *r = run(h, sql, n, vals, what, &rc, err, errlen);

	PQclear(r);
	return r ? 0 : rc;
}

static void
rollback(struct history *h)
{
	PQclear(PQexec(CONN(h), "ROLLBACK"));
}

/* The stored schema version (0: no heiiki_schema table).  Asked so that
 * a missing table is no error: it would abort the migration's
 * transaction. */
static int
schema_version(struct history *h, int *v, char *err, size_t errlen)
{
	PGresult *r;
	int rc = 0;

	*v = 0;
	r = run(h, "SELECT to_regclass('heiiki_schema') IS NOT NULL", 0, NULL,
		"reading the schema version", &rc, err, errlen);
	if (!r)
		return rc;
	if (strcmp(PQgetvalue(r, 0, 0), "t")) {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	r = run(h, "SELECT max(version) FROM heiiki_schema", 0, NULL,
		"reading the schema version", &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		*v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* Bring the schema to HISTORY_SCHEMA in one transaction; concurrent
 * openers wait on one advisory lock and find the work done. */
static int
pg_migrate(struct history *h, int create, int writable, char *err, size_t errlen)
{
	int v, rc;

	if ((rc = schema_version(h, &v, err, errlen)) < 0)
		return rc;
	if (v == HISTORY_SCHEMA)
		return 0;
	if (v > HISTORY_SCHEMA) {
		snprintf(err, errlen, "%s: history schema %d is newer than this heiiki "
			 "understands (%d)", h->loc, v, HISTORY_SCHEMA);
		return -1;
	}
	if (v == 0 && !create) {
		snprintf(err, errlen, "%s: not a heiiki history database (no heiiki_schema "
			 "table; 'heiiki history --db ... pg-setup' creates it)", h->loc);
		return -1;
	}
	if (!writable)
		return 0;
	if ((rc = cmd(h, "BEGIN", 0, NULL, "migrate", err, errlen)) < 0)
		return rc;
	if ((rc = cmd(h, "SELECT pg_advisory_xact_lock(7220170)", 0, NULL, "migrate", err,
		      errlen)) < 0 ||
	    (rc = schema_version(h, &v, err, errlen)) < 0)
		goto out_rollback;
	for (; v < HISTORY_SCHEMA; v++)
		if ((rc = cmd(h, pg_schema[v], 0, NULL, "creating the schema", err, errlen)) < 0)
			goto out_rollback;
	if ((rc = cmd(h, "COMMIT", 0, NULL, "migrate", err, errlen)) < 0)
		return rc;
	return 0;
out_rollback:
	rollback(h);
	if (rc == -1) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, " (the schema is created or migrated by the owner: "
			 "'heiiki history pg-setup')");
	}
	return rc;
}

static int
pg_open(struct history *h, int mode, char *err, size_t errlen)
{
	/* the caller's string last: its own connect_timeout wins */
	const char *const keys[] = { "connect_timeout", "application_name", "dbname", NULL };
	const char *const vals[] = { PG_CONNECT_TIMEOUT, "heiiki", h->loc, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	int rc;

	h->be = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		rc = pg_err(h, NULL, "connect", err, errlen);
		PQfinish(c);
		h->be = NULL;
		return c ? HISTORY_UNREACHABLE : rc;
	}
	/* quiet NOTICEs (IF NOT EXISTS ...) instead of stderr noise */
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	rc = pg_migrate(h, mode == HISTORY_CREATE, mode != HISTORY_READ, err, errlen);
	if (rc < 0) {
		PQfinish(c);
		h->be = NULL;
	}
	return rc;
}

static void
pg_close(struct history *h, int abandon)
{
	(void)abandon;		/* a server database is never removed */
	PQfinish(CONN(h));
	h->be = NULL;
}

static int
pg_has_kind(struct history *h, const char *kind)
{
	const char *v[] = { kind };
	char err[256];
	int rc = 0;
	PGresult *r = run(h, "SELECT 1 FROM runs WHERE kind = $1 LIMIT 1", 1, v, "runs", &rc,
			  err, sizeof(err));

	if (!r)
		return -1;
	rc = PQntuples(r) > 0;
	PQclear(r);
	return rc;
}

/* The child rows of a run as JSON arrays of flat objects (json_to_recordset). */
static json_t *
finding_rows(json_t *root)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(json_object_get(root, "findings"), i, f) {
		const char *en, *ja;

		if (!json_is_object(f) || !*report_str(f, "key"))
			continue;
		history_titles(f, &en, &ja);
		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
			"key", report_str(f, "key"), "rule", report_str(f, "rule"),
			"severity", report_str(f, "severity"), "addr", report_str(f, "addr"),
			"proto", report_str(f, "proto"),
			"port", (json_int_t)report_int(f, "port", 0), "title", en,
			"zone", report_str(f, "zone"), "checklist", report_str(f, "checklist"),
			"title_ja", ja));
	}
	return out;
}

static json_t *
service_rows(json_t *root)
{
	json_t *out = json_array(), *s;
	size_t i;

	json_array_foreach(json_object_get(root, "services"), i, s) {
		if (!json_is_object(s) || !*report_str(s, "addr"))
			continue;
		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
			"addr", report_str(s, "addr"), "proto", report_str(s, "proto"),
			"port", (json_int_t)report_int(s, "port", 0),
			"state", report_str(s, "state"), "service", report_str(s, "service"),
			"product", report_str(s, "product"), "version", report_str(s, "version")));
	}
	return out;
}

static json_t *
host_rows(json_t *root)
{
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach(json_object_get(root, "hosts"), i, x) {
		if (!json_is_object(x) || !*report_str(x, "addr"))
			continue;
		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:s, s:s, s:s}",
			"addr", report_str(x, "addr"), "mac", report_str(x, "mac"),
			"vendor", report_str(x, "vendor"), "zone", report_str(x, "zone"),
			"hostname", history_hostname(x)));
	}
	return out;
}

/* Insert the run's findings, services and hosts: one statement each. */
static int
add_children(struct history *h, const char *id, json_t *root, char *err, size_t errlen)
{
	static const char *const sql[] = {
		"INSERT INTO findings (run_id, key, rule, severity, addr, proto, port, title,"
		" zone, checklist, title_ja) SELECT $1::bigint, key, rule, severity, addr,"
		" proto, port, title, zone, checklist, title_ja FROM json_to_recordset($2::json)"
		" AS x(key TEXT, rule TEXT, severity TEXT, addr TEXT, proto TEXT, port INTEGER,"
		" title TEXT, zone TEXT, checklist TEXT, title_ja TEXT) ON CONFLICT DO NOTHING",
		"INSERT INTO services (run_id, addr, proto, port, state, service, product,"
		" version) SELECT $1::bigint, addr, proto, port, state, service, product,"
		" version FROM json_to_recordset($2::json) AS x(addr TEXT, proto TEXT,"
		" port INTEGER, state TEXT, service TEXT, product TEXT, version TEXT)"
		" ON CONFLICT DO NOTHING",
		"INSERT INTO hosts (run_id, addr, mac, vendor, zone, hostname) SELECT"
		" $1::bigint, addr, mac, vendor, zone, hostname FROM json_to_recordset($2::json)"
		" AS x(addr TEXT, mac TEXT, vendor TEXT, zone TEXT, hostname TEXT)"
		" ON CONFLICT DO NOTHING",
	};
	json_t *(*const rows[])(json_t *) = { finding_rows, service_rows, host_rows };
	static const char *const what[] = { "insert findings", "insert services",
					    "insert hosts" };

	for (size_t i = 0; i < 3; i++) {
		json_t *a = rows[i](root);
		char *js = json_dumps(a, JSON_COMPACT);
		const char *v[] = { id, js };
		int rc;

		json_decref(a);
		if (!js) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		rc = cmd(h, sql[i], 2, v, what[i], err, errlen);
		free(js);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
pg_add(struct history *h, json_t *root, const char *doc, long long *id, char *err,
       size_t errlen)
{
	json_t *run_o = json_object_get(root, "run");
	const char *ident[] = { report_str(run_o, "kind"), report_str(run_o, "site"),
				report_str(run_o, "start"), report_str(run_o, "policy_hash"),
				report_str(run_o, "id") };
	char key[1200], now[32], idbuf[32];
	const char *lockv[] = { key };
	PGresult *r;
	int rc = 0, replaced = 0;

	snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%s\x1f%s", ident[0], ident[1], ident[2],
		 ident[3], ident[4]);
	results_time((int64_t)time(NULL), now);
	if ((rc = cmd(h, "BEGIN", 0, NULL, "begin", err, errlen)) < 0)
		return rc;
	/* writers of the same run (twenty sites' retries at once, a flush
	 * racing a night) take turns; others do not wait on each other */
	if ((rc = cmd(h, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", 1, lockv,
		      "lock run", err, errlen)) < 0)
		goto out_rollback;
	r = run(h, "SELECT id, status, \"end\" FROM runs WHERE kind = $1 AND site = $2 AND"
		" start = $3 AND policy_hash = $4 AND run_uid = $5", 5, ident, "lookup run",
		&rc, err, errlen);
	if (!r)
		goto out_rollback;
	if (PQntuples(r) > 0) {
		int better = history_stored_better(PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
						   run_o);

		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		snprintf(idbuf, sizeof(idbuf), "%lld", *id);
		PQclear(r);
		if (better) {
			rollback(h);
			return 1;
		}
		const char *dv[] = { idbuf };
		const char *uv[] = { idbuf, report_str(run_o, "end"), report_str(run_o, "status"),
				     report_str(run_o, "heiiki_version"), now, doc };

		if ((rc = cmd(h, "DELETE FROM findings WHERE run_id = $1", 1, dv,
			      "replace run", err, errlen)) < 0 ||
		    (rc = cmd(h, "DELETE FROM services WHERE run_id = $1", 1, dv,
			      "replace run", err, errlen)) < 0 ||
		    (rc = cmd(h, "DELETE FROM hosts WHERE run_id = $1", 1, dv,
			      "replace run", err, errlen)) < 0 ||
		    (rc = cmd(h, "UPDATE runs SET \"end\" = $2, status = $3, heiiki_version = $4,"
			      " added = $5, document = $6 WHERE id = $1", 6, uv, "replace run",
			      err, errlen)) < 0)
			goto out_rollback;
		replaced = 1;
	} else {
		const char *iv[] = { report_str(run_o, "start"), report_str(run_o, "end"),
				     ident[0], ident[1], ident[3], report_str(run_o, "status"),
				     report_str(run_o, "heiiki_version"), now, doc, ident[4] };

		PQclear(r);
		r = run(h, "INSERT INTO runs (start, \"end\", kind, site, policy_hash, status,"
			" heiiki_version, added, document, run_uid) VALUES ($1, $2, $3, $4, $5,"
			" $6, $7, $8, $9, $10) RETURNING id", 10, iv, "insert run", &rc, err,
			errlen);
		if (!r)
			goto out_rollback;
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		snprintf(idbuf, sizeof(idbuf), "%lld", *id);
		PQclear(r);
	}
	if ((rc = add_children(h, idbuf, root, err, errlen)) < 0 ||
	    (rc = cmd(h, "COMMIT", 0, NULL, "commit", err, errlen)) < 0)
		goto out_rollback;
	return replaced ? 2 : 0;
out_rollback:
	rollback(h);
	*id = -1;
	return rc;
}

static json_t *
pg_runs(struct history *h, size_t limit, char *err, size_t errlen)
{
	static const char *const cols[] = { "start", "end", "kind", "site", "policy_hash",
					    "status" };
	char lim[32];
	const char *v[] = { limit ? lim : NULL };
	json_t *out;
	PGresult *r;
	int rc;

	snprintf(lim, sizeof(lim), "%zu", limit);
	r = run(h, "SELECT id, start, \"end\", kind, site, policy_hash, status,"
		" (SELECT count(*) FROM services WHERE run_id = runs.id AND"
		"  state IN ('open', 'open|filtered', '')),"
		" (SELECT coalesce(json_object_agg(severity, n), '{}') FROM"
		"  (SELECT severity, count(*) AS n FROM findings WHERE run_id = runs.id"
		"   GROUP BY severity) s)"
		" FROM runs ORDER BY start DESC, id DESC LIMIT $1::bigint", 1, v, "list runs",
		&rc, err, errlen);
	if (!r)
		return NULL;
	out = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *o = json_pack("{s:I}", "id",
				      (json_int_t)strtoll(PQgetvalue(r, i, 0), NULL, 10));
		json_t *f = json_loads(PQgetvalue(r, i, 8), 0, NULL);

		for (int k = 0; k < 6; k++)
			json_object_set_new(o, cols[k], json_string(PQgetvalue(r, i, k + 1)));
		json_object_set_new(o, "services",
				    json_integer(strtoll(PQgetvalue(r, i, 7), NULL, 10)));
		json_object_set_new(o, "findings", f ? f : json_object());
		json_array_append_new(out, o);
	}
	PQclear(r);
	return out;
}

static json_t *
pg_document(struct history *h, long long id, char *err, size_t errlen)
{
	char idbuf[32];
	const char *v[] = { idbuf };
	json_error_t jerr;
	json_t *doc = NULL;
	PGresult *r;
	int rc;

	snprintf(idbuf, sizeof(idbuf), "%lld", id);
	r = run(h, "SELECT document FROM runs WHERE id = $1::bigint", 1, v, "read run", &rc,
		err, errlen);
	if (!r)
		return NULL;
	if (PQntuples(r) != 1) {
		snprintf(err, errlen, "%s: no run with id %lld", h->loc, id);
	} else {
		doc = json_loads(PQgetvalue(r, 0, 0), 0, &jerr);
		if (!doc)
			snprintf(err, errlen, "%s: run %lld: stored document is not JSON: %s",
				 h->loc, id, jerr.text);
	}
	PQclear(r);
	return doc;
}

static int
pg_last_pair(struct history *h, const char *kind, long long *newer, long long *older,
	     char *err, size_t errlen)
{
	const char *kv[] = { kind ? kind : "" };
	char idbuf[32];
	PGresult *r;
	int rc = 0;

	*newer = *older = 0;
	r = run(h, "SELECT id, kind, site, start FROM runs WHERE ($1 = '' OR kind = $1)"
		" ORDER BY start DESC, id DESC LIMIT 1", 1, kv, "latest run", &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 2;
	}
	*newer = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	snprintf(idbuf, sizeof(idbuf), "%lld", *newer);
	{
		const char *pv[] = { PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
				     PQgetvalue(r, 0, 3), idbuf };
		PGresult *p = run(h, "SELECT id FROM runs WHERE kind = $1 AND site = $2 AND"
				  " status = 'complete' AND id <> $4::bigint AND (start < $3 OR"
				  " (start = $3 AND id < $4::bigint))"
				  " ORDER BY start DESC, id DESC LIMIT 1", 4, pv, "previous run",
				  &rc, err, errlen);

		PQclear(r);
		if (!p)
			return rc;
		if (PQntuples(p) == 1)
			*older = strtoll(PQgetvalue(p, 0, 0), NULL, 10);
		PQclear(p);
	}
	return *older ? 0 : 1;
}

static int
pg_baseline(struct history *h, long long id, long long *older, char *err, size_t errlen)
{
	char idbuf[32];
	const char *v[] = { idbuf };
	PGresult *r;
	int rc = 0;

	snprintf(idbuf, sizeof(idbuf), "%lld", id);
	r = run(h, "WITH me AS (SELECT kind, site, start FROM runs WHERE id = $1::bigint)"
		" SELECT r.id FROM runs r, me WHERE r.kind = me.kind AND r.site = me.site AND"
		" r.status = 'complete' AND r.id <> $1::bigint AND (r.start < me.start OR"
		" (r.start = me.start AND r.id < $1::bigint))"
		" ORDER BY r.start DESC, r.id DESC LIMIT 1", 1, v, "baseline", &rc, err, errlen);
	if (!r)
		return rc;
	if (PQntuples(r) == 1)
		*older = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return *older ? 0 : 1;
}

static int
pg_prune(struct history *h, unsigned long long keep, const char *before, long long *removed,
	 char *err, size_t errlen)
{
	char kbuf[32];
	const char *v[] = { kbuf, before ? before : "" };
	PGresult *r;
	int rc = 0;

	*removed = 0;
	snprintf(kbuf, sizeof(kbuf), "%llu", keep > INT64_MAX ? (unsigned long long)INT64_MAX :
		 keep);
	/* one statement: its own transaction; the children go by cascade,
	 * autovacuum gives the space back */
	r = run(h, "DELETE FROM runs WHERE id IN (SELECT id FROM (SELECT id, start,"
		" ROW_NUMBER() OVER (PARTITION BY kind, site ORDER BY start DESC, id DESC) AS rn"
		" FROM runs) ranked WHERE ($1::bigint > 0 AND rn > $1::bigint) OR"
		" ($2 <> '' AND start < $2 AND rn > 1))", 2, v, "prune", &rc, err, errlen);
	if (!r)
		return rc;
	*removed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

/* A role name as an SQL identifier (libpq quotes it). */
static int
grant_role(struct history *h, const char *role, const char *group, char *err, size_t errlen)
{
	const char *v[] = { role };
	char *ident = PQescapeIdentifier(CONN(h), role, strlen(role));
	char sql[600];
	PGresult *r;
	int rc = 0;

	if (!ident)
		return pg_err(h, NULL, "role name", err, errlen);
	r = run(h, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, v, "look up role", &rc,
		err, errlen);
	if (r && PQntuples(r) == 0) {
		snprintf(sql, sizeof(sql), "CREATE ROLE %s LOGIN", ident);
		rc = cmd(h, sql, 0, NULL, "create role", err, errlen);
	}
	PQclear(r);
	if (r && rc == 0) {
		snprintf(sql, sizeof(sql), "GRANT %s TO %s", group, ident);
		rc = cmd(h, sql, 0, NULL, "grant role", err, errlen);
	}
	PQfreemem(ident);
	return rc;
}

static int
pg_setup(struct history *h, const char *site, const char *site_role,
	 const char *reader_role, char *err, size_t errlen)
{
	int rc;

	if (!site != !site_role) {
		snprintf(err, errlen, "--site and --role go together");
		return -1;
	}
	if ((rc = cmd(h, "BEGIN", 0, NULL, "pg-setup", err, errlen)) < 0)
		return rc;
	if ((rc = cmd(h, "SELECT pg_advisory_xact_lock(7220170)", 0, NULL, "pg-setup", err,
		      errlen)) < 0 ||
	    (rc = cmd(h, pg_rls, 0, NULL, "row-level security", err, errlen)) < 0)
		goto out_rollback;
	if (site) {
		const char *v[] = { site_role, site };

		if ((rc = grant_role(h, site_role, "heiiki_site", err, errlen)) < 0 ||
		    (rc = cmd(h, "INSERT INTO heiiki_site_roles (rolname, site) VALUES ($1, $2)"
			      " ON CONFLICT (rolname) DO UPDATE SET site = EXCLUDED.site", 2, v,
			      "site role", err, errlen)) < 0)
			goto out_rollback;
	}
	if (reader_role && (rc = grant_role(h, reader_role, "heiiki_reader", err, errlen)) < 0)
		goto out_rollback;
	return cmd(h, "COMMIT", 0, NULL, "pg-setup", err, errlen);
out_rollback:
	rollback(h);
	return rc;
}

static json_t *
pg_sites_latest(struct history *h, char *err, size_t errlen)
{
	json_t *out;
	PGresult *r;
	int rc;

	r = run(h, HISTORY_SQL_SITES_LATEST, 0, NULL, "latest run of each site", &rc, err,
		errlen);
	if (!r)
		return NULL;
	out = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		const char *v[6];

		for (int k = 0; k < 6; k++)
			v[k] = PQgetvalue(r, i, k);
		json_array_append_new(out, history_site_row(v));
	}
	PQclear(r);
	return out;
}

/* libpq parses the connection string: it must parse, and hold no
 * password (history.h) */
static int
pg_dsn_check(const char *dsn, char *err, size_t errlen)
{
	PQconninfoOption *opts, *o;
	char *perr = NULL;
	int rc = 0;

	opts = PQconninfoParse(dsn, &perr);
	if (!opts) {
		size_t n;

		/* libpq's message ends in a newline; it names the bad option,
		 * never a value */
		snprintf(err, errlen, "invalid PostgreSQL connection string: %s",
			 perr ? perr : "out of memory");
		n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		PQfreemem(perr);
		return -1;
	}
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val) {
			snprintf(err, errlen, "the PostgreSQL connection string holds a password: "
				 "remove it and put it in ~/.pgpass, $PGPASSFILE or a service "
				 "file (service=NAME) instead");
			rc = -1;
		}
	PQconninfoFree(opts);
	return rc;
}

const struct history_ops history_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.has_kind = pg_has_kind,
	.add = pg_add,
	.runs = pg_runs,
	.document = pg_document,
	.last_pair = pg_last_pair,
	.baseline = pg_baseline,
	.prune = pg_prune,
	.sites_latest = pg_sites_latest,
	.pg_setup = pg_setup,
	.dsn_check = pg_dsn_check,
};
