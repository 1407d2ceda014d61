/*
 * test_history.c - the SQLite run store: add is idempotent per run, list
 * order, "since last" pairs the newest run with the previous COMPLETE run
 * of the same kind and site, schema versioning, file mode, atomicity, and
 * the 'heiiki history' command line with cron-friendly exit codes.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/report/history.h"
#include "scanner/report/report.h"

static char hs_dir[64];
static char hs_db[128];

static void
hs_setup(void)
{
	snprintf(hs_dir, sizeof(hs_dir), "/tmp/heiiki-history-XXXXXX");
	cr_assert_not_null(mkdtemp(hs_dir));
	snprintf(hs_db, sizeof(hs_db), "%s/h.sqlite", hs_dir);
}

static void
hs_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hs_dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(history, .init = hs_setup, .fini = hs_teardown);
TestSuite(history_cli, .init = hs_setup, .fini = hs_teardown);

static json_t *
hs_doc(const char *kind, const char *site, const char *start, const char *status,
       const char *finding_key)
{
	json_t *d = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s}, s:[], s:[], s:[], s:[],"
			      " s:[], s:[]}", "format", "heiiki-results", "version", 1,
			      "run", "kind", kind, "site", site, "start", start, "status",
			      status, "hosts", "services", "findings", "flows", "exits",
			      "peers");

	json_array_append_new(json_object_get(d, "services"),
			      json_pack("{s:s, s:s, s:i, s:s}", "addr", "198.18.1.1",
					"proto", "tcp", "port", 22, "state", "open"));
	if (finding_key)
		json_array_append_new(json_object_get(d, "findings"),
				      json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "rule", "R",
						"severity", "critical", "key", finding_key,
						"title", "en", "T", "ja", "件名"));
	return d;
}

static struct history *
hs_open(int create)
{
	struct history *h;
	char err[512];

	cr_assert_eq(history_open(hs_db, create, &h, err, sizeof(err)), 0, "%s", err);
	return h;
}

static long long
hs_add(struct history *h, json_t *doc, int want)
{
	long long id = 0;
	char err[512];

	cr_assert_eq(history_add(h, doc, &id, err, sizeof(err)), want, "%s", err);
	json_decref(doc);
	return id;
}

Test(history, add_is_idempotent_and_file_is_private)
{
	struct history *h = hs_open(1);
	struct stat sb;
	long long a, b;

	a = hs_add(h, hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", "K1"), 0);
	b = hs_add(h, hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", "K1"), 1);
	cr_expect_eq(a, b);
	cr_expect_eq(hs_add(h, hs_doc("scan", "B", "2026-11-20T16:00:00Z", "complete", NULL),
			    0), a + 1);
	history_close(h);
	cr_assert_eq(stat(hs_db, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600);
}

Test(history, list_is_newest_first_with_counts)
{
	struct history *h = hs_open(1);
	char err[256];
	json_t *runs;

	hs_add(h, hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", "K1"), 0);
	hs_add(h, hs_doc("scan", "A", "2026-11-21T16:00:00Z", "partial", NULL), 0);
	runs = history_runs(h, 0, err, sizeof(err));
	cr_assert_not_null(runs, "%s", err);
	cr_assert_eq(json_array_size(runs), 2);
	cr_expect_str_eq(report_str(json_array_get(runs, 0), "start"), "2026-11-21T16:00:00Z");
	cr_expect_str_eq(report_str(json_array_get(runs, 0), "status"), "partial");
	cr_expect_eq(report_int(json_object_get(json_array_get(runs, 1), "findings"),
				"critical", 0), 1);
	cr_expect_eq(report_int(json_array_get(runs, 1), "services", 0), 1);
	json_decref(runs);
	runs = history_runs(h, 1, err, sizeof(err));
	cr_expect_eq(json_array_size(runs), 1);
	json_decref(runs);
	history_close(h);
}

Test(history, since_last_skips_partial_runs_and_other_sites)
{
	struct history *h = hs_open(1);
	long long base, newer, older;
	char err[256];

	cr_expect_eq(history_last_pair(h, NULL, &newer, &older, err, sizeof(err)), 2);
	base = hs_add(h, hs_doc("scan", "A", "2026-11-19T16:00:00Z", "complete", NULL), 0);
	hs_add(h, hs_doc("scan", "B", "2026-11-20T12:00:00Z", "complete", NULL), 0);
	hs_add(h, hs_doc("capture", "A", "2026-11-20T13:00:00Z", "complete", NULL), 0);
	hs_add(h, hs_doc("scan", "A", "2026-11-20T16:00:00Z", "partial", NULL), 0);
	long long last = hs_add(h, hs_doc("scan", "A", "2026-11-21T16:00:00Z", "partial",
					  "K9"), 0);
	cr_assert_eq(history_last_pair(h, NULL, &newer, &older, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(newer, last);
	cr_expect_eq(older, base, "baseline must be the last COMPLETE scan of site A");
	cr_assert_eq(history_last_pair(h, "capture", &newer, &older, err, sizeof(err)), 1);
	cr_expect_eq(older, 0);
	history_close(h);
}

Test(history, baseline_is_the_runs_own_site_in_a_shared_history)
{
	struct history *h = hs_open(1);
	long long a1, a2, b1, b2, older;
	char err[256];

	a1 = hs_add(h, hs_doc("scan", "A", "2026-11-19T16:00:00Z", "complete", NULL), 0);
	b1 = hs_add(h, hs_doc("scan", "B", "2026-11-19T17:00:00Z", "complete", NULL), 0);
	hs_add(h, hs_doc("scan", "A", "2026-11-20T10:00:00Z", "partial", NULL), 0);
	a2 = hs_add(h, hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", NULL), 0);
	b2 = hs_add(h, hs_doc("scan", "B", "2026-11-20T17:00:00Z", "complete", NULL), 0);
	/* site B's run is the newest of all: A's baseline is still A's */
	cr_assert_eq(history_baseline(h, a2, &older, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(older, a1);
	cr_assert_eq(history_baseline(h, b2, &older, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(older, b1);
	cr_expect_eq(history_baseline(h, a1, &older, err, sizeof(err)), 1);
	cr_expect_eq(older, 0);
	cr_expect_eq(history_baseline(h, 999, &older, err, sizeof(err)), 1, "no such run");
	history_close(h);
}

Test(history, stored_document_round_trips)
{
	struct history *h = hs_open(1);
	json_t *doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", "K1");
	json_t *copy = json_deep_copy(doc), *back;
	char err[256];
	long long id = hs_add(h, doc, 0);

	back = history_document(h, id, err, sizeof(err));
	cr_assert_not_null(back, "%s", err);
	cr_expect(json_equal(back, copy));
	cr_expect_null(history_document(h, id + 100, err, sizeof(err)));
	cr_expect_not_null(strstr(err, "no run with id"));
	json_decref(back);
	json_decref(copy);
	history_close(h);
}

Test(history, run_without_start_is_refused_and_nothing_is_written)
{
	struct history *h = hs_open(1);
	json_t *doc = hs_doc("scan", "A", "x", "complete", "K1"), *runs;
	char err[256];
	long long id;

	json_object_del(json_object_get(doc, "run"), "start");
	cr_expect_eq(history_add(h, doc, &id, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "start"));
	runs = history_runs(h, 0, err, sizeof(err));
	cr_expect_eq(json_array_size(runs), 0);
	json_decref(runs);
	json_decref(doc);
	history_close(h);
}

Test(history, schema_is_versioned_and_newer_schemas_are_refused)
{
	struct history *h = hs_open(1);
	sqlite3 *db;
	sqlite3_stmt *st;
	char err[512];

	history_close(h);
	cr_assert_eq(sqlite3_open(hs_db, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), HISTORY_SCHEMA);
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	cr_expect_eq(history_open(hs_db, 1, &h, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "newer"), "%s", err);
}

Test(history, add_creates_the_missing_directory_privately)
{
	struct history *h;
	struct stat sb;
	char err[512], path[256], sub[160];

	snprintf(sub, sizeof(sub), "%s/var-lib-heiiki", hs_dir);
	snprintf(path, sizeof(path), "%s/history.sqlite", sub);
	cr_assert_eq(history_open(path, 1, &h, err, sizeof(err)), 0, "%s", err);
	history_close(h);
	cr_assert_eq(stat(sub, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0700);
}

Test(history, read_only_open_needs_an_existing_database)
{
	struct history *h;
	char err[512];

	cr_expect_eq(history_open(hs_db, 0, &h, err, sizeof(err)), -1);
	cr_expect_eq(access(hs_db, F_OK), -1, "a read-only open must not create the file");
}

Test(history, path_precedence)
{
	setenv("HEIIKI_HISTORY", "/tmp/from-env.sqlite", 1);
	cr_expect_str_eq(history_path("/x.sqlite"), "/x.sqlite");
	cr_expect_str_eq(history_path(NULL), "/tmp/from-env.sqlite");
	unsetenv("HEIIKI_HISTORY");
	cr_expect_str_eq(history_path(NULL), HISTORY_DEFAULT_DB);
}

static int
hs_run(const char *args)
{
	const char *bin = getenv("HEIIKI"), *src = getenv("HEIIKI_SRCDIR");
	char cmd[4096];
	int st;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("HEIIKI is not set to a built binary");
	snprintf(cmd, sizeof(cmd), "cd '%s/tests/golden' && '%s' history --db '%s' %s "
		 ">/dev/null 2>&1", src ? src : ".", bin, hs_db, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(history_cli, night_after_night)
{
	cr_expect_eq(hs_run("list"), 3, "list on a missing database is a runtime error");
	cr_expect_eq(hs_run("add scan-hospital.json"), 0);
	cr_expect_eq(hs_run("changes"), 0, "a single run has nothing to compare");
	cr_expect_eq(hs_run("add scan-hospital.json"), 0, "adding twice is harmless");
	cr_expect_eq(hs_run("add scan-hospital-next.json capture-partial.json"), 0);
	cr_expect_eq(hs_run("changes --kind scan"), 1, "new critical Telnet finding");
	cr_expect_eq(hs_run("changes --kind scan --fail-on none"), 0);
	cr_expect_eq(hs_run("changes --from 2 --to 1 --fail-on critical"), 0);
	cr_expect_eq(hs_run("changes --from 2 --to 1"), 1, "VNC finding is new that way");
	cr_expect_eq(hs_run("changes --from 1"), 2);
	cr_expect_eq(hs_run("changes --from 1 --to 99"), 3);
	cr_expect_eq(hs_run("list --format json"), 0);
	cr_expect_eq(hs_run("list --limit 0"), 2);
	cr_expect_eq(hs_run("add CASES"), 2);
	cr_expect_eq(hs_run("frobnicate"), 2);
	cr_expect_eq(hs_run("--help"), 0);
}

/* Starts of the stored runs of one kind and site, newest first, joined. */
static void
hs_starts(struct history *h, const char *site, char *out, size_t len)
{
	char err[256];
	json_t *runs = history_runs(h, 0, err, sizeof(err)), *r;
	size_t i, n = 0;

	cr_assert_not_null(runs, "%s", err);
	out[0] = '\0';
	json_array_foreach(runs, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "site")), site))
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%.10s", n ? " " : "",
				      json_string_value(json_object_get(r, "start")));
	}
	json_decref(runs);
}

Test(history, prune_keeps_newest_per_kind_and_site)
{
	struct history *h = hs_open(1);
	long long removed = -1;
	char err[256], got[256];

	for (int d = 10; d <= 14; d++) {
		char start[32];

		snprintf(start, sizeof(start), "2026-11-%02dT16:00:00Z", d);
		hs_add(h, hs_doc("scan", "A", start, "complete", NULL), 0);
	}
	hs_add(h, hs_doc("scan", "B", "2026-01-01T16:00:00Z", "complete", NULL), 0);
	hs_add(h, hs_doc("capture", "A", "2026-01-01T16:00:00Z", "complete", NULL), 0);
	/* keep 2 per (kind, site): 3 old scans of A go; B and the capture stay */
	cr_assert_eq(history_prune(h, 2, "", &removed, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(removed, 3);
	hs_starts(h, "A", got, sizeof(got));
	cr_expect_str_eq(got, "2026-11-14 2026-11-13 2026-01-01");
	/* older than Nov 14: the 13th goes, the lone B and capture runs are the
	 * newest of their kind and site and stay */
	cr_assert_eq(history_prune(h, 0, "2026-11-14T00:00:00Z", &removed, err,
				   sizeof(err)), 0, "%s", err);
	cr_expect_eq(removed, 1);
	hs_starts(h, "A", got, sizeof(got));
	cr_expect_str_eq(got, "2026-11-14 2026-01-01");
	hs_starts(h, "B", got, sizeof(got));
	cr_expect_str_eq(got, "2026-01-01");
	/* their findings and services went with them (ON DELETE CASCADE) */
	history_close(h);
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		cr_assert_eq(sqlite3_open(hs_db, &db), SQLITE_OK);
		cr_assert_eq(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM services", -1, &st,
						NULL), SQLITE_OK);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
		cr_expect_eq(sqlite3_column_int(st, 0), 3);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
}

Test(history_cli, prune_options)
{
	cr_expect_eq(hs_run("prune --keep 1"), 3, "prune on a missing database");
	cr_expect_eq(hs_run("add scan-hospital.json"), 0);
	cr_expect_eq(hs_run("add scan-hospital-next.json"), 0);
	cr_expect_eq(hs_run("prune"), 2, "prune needs --keep or --older-than");
	cr_expect_eq(hs_run("prune --keep 0"), 2);
	cr_expect_eq(hs_run("prune --keep x"), 2);
	cr_expect_eq(hs_run("prune --older-than -3"), 2);
	cr_expect_eq(hs_run("prune --keep 1"), 0);
	cr_expect_eq(hs_run("changes"), 0, "one run left: nothing to compare");
	cr_expect_eq(hs_run("prune --older-than 1"), 0, "the newest run always stays");
	cr_expect_eq(hs_run("list --format json"), 0);
}

Test(history, complete_document_replaces_the_partial_run_it_resumed)
{
	struct history *h = hs_open(1);
	json_t *doc, *runs;
	long long a, b, c;
	char err[256];

	doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "partial", NULL);
	json_object_set_new(json_object_get(doc, "run"), "end",
			    json_string("2026-11-20T16:10:00Z"));
	a = hs_add(h, doc, 0);
	/* the resumed and completed run: same identity, more found */
	doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", "K9");
	json_object_set_new(json_object_get(doc, "run"), "end",
			    json_string("2026-11-20T17:00:00Z"));
	b = hs_add(h, doc, 2);
	cr_expect_eq(a, b, "the run keeps its id");
	/* an older partial record never replaces the complete one */
	doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "partial", NULL);
	c = hs_add(h, doc, 1);
	cr_expect_eq(c, a);
	runs = history_runs(h, 0, err, sizeof(err));
	cr_assert_not_null(runs, "%s", err);
	cr_assert_eq(json_array_size(runs), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(runs, 0),
							   "status")), "complete");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(
		json_array_get(runs, 0), "findings"), "critical")), 1,
		"the findings table follows the replacement");
	json_decref(runs);
	history_close(h);
}

Test(history, later_partial_replaces_earlier_partial)
{
	struct history *h = hs_open(1);
	json_t *doc;

	doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "partial", NULL);
	json_object_set_new(json_object_get(doc, "run"), "end",
			    json_string("2026-11-20T16:10:00Z"));
	hs_add(h, doc, 0);
	doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "partial", NULL);
	json_object_set_new(json_object_get(doc, "run"), "end",
			    json_string("2026-11-20T16:20:00Z"));
	hs_add(h, doc, 2);
	doc = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "partial", NULL);
	json_object_set_new(json_object_get(doc, "run"), "end",
			    json_string("2026-11-20T16:15:00Z"));
	hs_add(h, doc, 1);
	history_close(h);
}

Test(history, dangling_link_is_never_followed_to_create_a_file)
{
	struct history *h;
	char err[512], target[192];

	snprintf(target, sizeof(target), "%s/elsewhere.sqlite", hs_dir);
	cr_assert_eq(symlink(target, hs_db), 0);
	cr_expect_eq(history_open(hs_db, 1, &h, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "dangling"), "%s", err);
	cr_expect_eq(access(target, F_OK), -1, "the link target must not be created");
}

Test(history, failed_open_leaves_no_empty_database)
{
	struct history *h;
	char err[512];
	FILE *f;

	/* a newer schema is refused by an existing file: it stays */
	f = fopen(hs_db, "w");
	cr_assert_not_null(f);
	fputs("this is not sqlite at all, but it is long enough to be read as a header "
	      "by the library and rejected", f);
	fclose(f);
	cr_expect_eq(history_open(hs_db, 1, &h, err, sizeof(err)), -1);
	cr_expect_eq(access(hs_db, F_OK), 0, "a file we did not create is never removed");
	unlink(hs_db);
	/* a database created by this handle and abandoned with no run goes */
	cr_assert_eq(history_open(hs_db, 1, &h, err, sizeof(err)), 0, "%s", err);
	history_abandon(h);
	cr_expect_eq(access(hs_db, F_OK), -1);
	/* ... but one holding a run stays */
	h = hs_open(1);
	hs_add(h, hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", NULL), 0);
	history_abandon(h);
	cr_expect_eq(access(hs_db, F_OK), 0);
}

Test(history_cli, unknown_kind_is_an_error_not_an_empty_history)
{
	cr_expect_eq(hs_run("add scan-hospital.json"), 0);
	cr_expect_eq(hs_run("changes --kind nosuch"), 2);
	cr_expect_eq(hs_run("changes --kind fence"), 0, "a known kind with no runs");
}

/* Schema v2: a v1 database is migrated in place without losing a run or a
 * finding (runs is rebuilt with foreign keys off: a cascade would empty
 * findings), run_uid comes from the stored documents, and the new columns,
 * the hosts table and the open_findings_latest view work. */
Test(history, v1_database_is_migrated_without_loss)
{
	static const char v1[] =
		"CREATE TABLE runs (id INTEGER PRIMARY KEY, start TEXT NOT NULL, end TEXT NOT NULL"
		" DEFAULT '', kind TEXT NOT NULL, site TEXT NOT NULL DEFAULT '', policy_hash TEXT"
		" NOT NULL DEFAULT '', status TEXT NOT NULL, heiiki_version TEXT NOT NULL DEFAULT"
		" '', added TEXT NOT NULL, document TEXT NOT NULL, UNIQUE (kind, site, start,"
		" policy_hash));"
		"CREATE INDEX runs_by_kind_site ON runs (kind, site, start);"
		"CREATE TABLE findings (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE"
		" CASCADE, key TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, addr"
		" TEXT NOT NULL DEFAULT '', proto TEXT NOT NULL DEFAULT '', port INTEGER NOT NULL"
		" DEFAULT 0, title TEXT NOT NULL DEFAULT '', PRIMARY KEY (run_id, key));"
		"CREATE TABLE services (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE"
		" CASCADE, addr TEXT NOT NULL, proto TEXT NOT NULL, port INTEGER NOT NULL, state"
		" TEXT NOT NULL DEFAULT '', service TEXT NOT NULL DEFAULT '', product TEXT NOT NULL"
		" DEFAULT '', version TEXT NOT NULL DEFAULT '', PRIMARY KEY (run_id, addr, proto,"
		" port));"
		"INSERT INTO runs VALUES (1, '2026-11-20T16:00:00Z', '', 'scan', 'A', '', 'complete',"
		" '', '2026-11-20T17:00:00Z', '{\"run\":{\"id\":\"aa11\"}}');"
		"INSERT INTO findings VALUES (1, 'K1', 'R', 'critical', '198.18.1.1', 'tcp', 22, 'T');"
		"PRAGMA foreign_keys = ON; PRAGMA user_version = 1;";
	struct history *h;
	sqlite3 *db;
	sqlite3_stmt *st;
	json_t *d;

	cr_assert_eq(sqlite3_open(hs_db, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	h = hs_open(HISTORY_WRITE);
	/* the same second, another run: a second record, not "already stored" */
	d = hs_doc("scan", "A", "2026-11-20T16:00:00Z", "complete", "K2");
	json_object_set_new(json_object_get(d, "run"), "id", json_string("bb22"));
	json_array_append_new(json_object_get(d, "hosts"), json_pack("{s:s, s:s, s:[s]}",
			      "addr", "198.18.1.1", "zone", "servers", "hostnames", "pacs01"));
	json_object_set_new(json_array_get(json_object_get(d, "findings"), 0), "zone",
			    json_string("servers"));
	cr_expect_eq(hs_add(h, d, 0), 2);
	history_close(h);
	cr_assert_eq(sqlite3_open(hs_db, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM findings WHERE run_id = 1),"
					" (SELECT run_uid FROM runs WHERE id = 1),"
					" (SELECT hostname FROM hosts WHERE run_id = 2),"
					" (SELECT zone || '|' || title_ja FROM findings WHERE run_id = 2),"
					" (SELECT group_concat(key) FROM open_findings_latest)",
					-1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1, "the v1 run's finding survived the rebuild");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 1), "aa11");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 2), "pacs01");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 3), "servers|件名");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 4), "K2",
			 "the view: the newest complete run's findings");
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	sqlite3_close(db);
}
