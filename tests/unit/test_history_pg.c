/*
 * test_history_pg.c - the pure parts of the PostgreSQL history and the
 * outbox: which strings name PostgreSQL, the password rule of connection
 * strings, an unreachable server is HISTORY_UNREACHABLE (not a plain
 * error), and the outbox's names, order, atomic files and its behaviour
 * with a database that cannot be reached.  The server itself is tested in
 * tests/lab/test_history_pg.sh.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/report/history.h"
#include "scanner/report/outbox.h"

static char ob_dir[64];

static void
ob_setup(void)
{
	snprintf(ob_dir, sizeof(ob_dir), "/tmp/heiiki-outbox-XXXXXX");
	cr_assert_not_null(mkdtemp(ob_dir));
}

static void
ob_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ob_dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(history_dsn);
TestSuite(outbox, .init = ob_setup, .fini = ob_teardown);

Test(history_dsn, postgres_locations_are_recognised)
{
	cr_assert(history_is_pg("postgresql://db.example/heiiki"));
	cr_assert(history_is_pg("postgres://u@db/heiiki?sslmode=verify-full"));
	cr_assert(history_is_pg("service=heiiki"));
	cr_assert(history_is_pg("host=/run/postgresql dbname=heiiki"));
	cr_assert(history_is_pg("dbname=heiiki"));
	cr_assert_not(history_is_pg("/var/lib/heiiki/history.sqlite"));
	cr_assert_not(history_is_pg("history.sqlite"));
	cr_assert_not(history_is_pg("./postgresql://x"));
	cr_assert_not(history_is_pg(""));
}

Test(history_dsn, passwords_are_refused_and_never_repeated)
{
	static const char *const bad[] = {
		"postgresql://heiiki:hunter2pw@db.example/heiiki",
		"postgresql://db.example/heiiki?password=hunter2pw",
		"host=db.example password=hunter2pw dbname=heiiki",
		"service=x password='hunter2pw'",
	};
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(history_dsn_check(bad[i], err, sizeof(err)), -1, "%s", bad[i]);
		cr_assert(strstr(err, "password"), "%s: %s", bad[i], err);
		cr_assert_null(strstr(err, "hunter2pw"), "%s: %s", bad[i], err);
	}
}

Test(history_dsn, good_and_malformed_strings)
{
	char err[512];

	cr_assert_eq(history_dsn_check("postgresql://heiiki@db.example:5433/heiiki?"
				       "sslmode=verify-full&sslrootcert=/etc/heiiki/ca.pem",
				       err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(history_dsn_check("service=heiiki-central", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(history_dsn_check("host=db dbname=h sslmode=require", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(history_dsn_check("host=db nosuchoption=1", err, sizeof(err)), -1);
	cr_assert(strstr(err, "nosuchoption"), "%s", err);
	cr_assert_null(strchr(err, '\n'), "%s", err);
	cr_assert_eq(history_dsn_check("host='unterminated", err, sizeof(err)), -1);
}

Test(history_dsn, open_refuses_a_password_before_connecting)
{
	struct history *h = NULL;
	char err[512];

	cr_assert_eq(history_open("postgresql://u:pw1234567@203.0.113.9/h", HISTORY_READ, &h,
				  err, sizeof(err)), -1);
	cr_assert_null(h);
	cr_assert_null(strstr(err, "pw1234567"), "%s", err);
}

Test(history_dsn, a_server_that_is_not_there_is_unreachable)
{
	struct history *h = NULL;
	char err[512], dsn[256];

	/* a unix socket directory with no server in it: fails at once */
	snprintf(dsn, sizeof(dsn), "host=/nonexistent-heiiki-socket-dir port=5 dbname=h");
	cr_assert_eq(history_open(dsn, HISTORY_CREATE, &h, err, sizeof(err)),
		     HISTORY_UNREACHABLE, "%s", err);
	cr_assert_null(h);
	cr_assert(strstr(err, "connect"), "%s", err);
}

Test(outbox, names_sort_in_queue_order_and_are_safe)
{
	char a[128], b[128], c[128];

	outbox_name(2, "20261121T160000Z-ab12", a, sizeof(a));
	outbox_name(10, "../../etc/passwd", b, sizeof(b));
	outbox_name(1, "", c, sizeof(c));
	cr_assert_str_eq(a, "0000000000000002-20261121T160000Z-ab12.json");
	cr_assert_str_eq(b, "0000000000000010-_._.._etc_passwd.json");
	cr_assert_null(strchr(b + 17, '/'));
	cr_assert_str_eq(c, "0000000000000001-run.json");
	cr_assert(strcmp(a, b) < 0);
	cr_assert(outbox_is_name(a) && outbox_is_name(b) && outbox_is_name(c));
	cr_assert_not(outbox_is_name(".tmp-0000000000000001-run.json"));
	cr_assert_not(outbox_is_name("0000000000000001-run.json.tmp"));
	cr_assert_not(outbox_is_name("000000000000001x-run.json"));
	cr_assert_not(outbox_is_name("0000000000000001-.json"));
	cr_assert_not(outbox_is_name("rejected"));
}

static json_t *
ob_doc(const char *uid)
{
	return json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s, s:s}, s:[], s:[], s:[], s:[], s:[],"
			 " s:[]}", "format", "heiiki-results", "version", 1, "run", "kind", "scan",
			 "site", "S", "start", "2026-11-21T16:00:00Z", "status", "complete", "id",
			 uid, "hosts", "services", "findings", "flows", "exits", "peers");
}

Test(outbox, put_appends_in_order_with_private_files)
{
	char path[1200], err[512], sub[128], **names;
	size_t n;
	struct stat sb;

	snprintf(sub, sizeof(sub), "%s/q", ob_dir);
	cr_assert_eq(outbox_list(sub, &names, &n, err, sizeof(err)), 0, "a missing dir is empty");
	cr_assert_eq(n, 0);
	for (int i = 0; i < 12; i++) {
		char uid[16];
		json_t *d;

		snprintf(uid, sizeof(uid), "u%02d", i);
		d = ob_doc(uid);
		cr_assert_eq(outbox_put(sub, d, path, sizeof(path), err, sizeof(err)), 0, "%s", err);
		json_decref(d);
		cr_assert_eq(stat(path, &sb), 0);
		cr_assert_eq(sb.st_mode & 0777, 0600);
	}
	cr_assert_eq(stat(sub, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0700);
	cr_assert_eq(outbox_list(sub, &names, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 12);
	for (size_t i = 0; i < n; i++) {
		char want[128], uid[32];

		snprintf(uid, sizeof(uid), "u%02zu", i);
		outbox_name(i + 1, uid, want, sizeof(want));
		cr_assert_str_eq(names[i], want);
	}
	outbox_names_free(names, n);
	/* after the head was sent, numbering goes on after the tail */
	snprintf(path, sizeof(path), "%s/%s", sub, "0000000000000012-u11.json");
	cr_assert_eq(unlink(path), 0);
	{
		json_t *d = ob_doc("next");

		cr_assert_eq(outbox_put(sub, d, path, sizeof(path), err, sizeof(err)), 0, "%s", err);
		json_decref(d);
	}
	cr_assert(strstr(path, "/0000000000000012-next.json"), "%s", path);
}

Test(outbox, flush_to_an_unreachable_database_keeps_everything)
{
	char path[1200], err[512], **names;
	struct outbox_stats st;
	size_t n;

	for (int i = 0; i < 3; i++) {
		json_t *d = ob_doc(i == 0 ? "a" : i == 1 ? "b" : "c");

		cr_assert_eq(outbox_put(ob_dir, d, path, sizeof(path), err, sizeof(err)), 0, "%s",
			     err);
		json_decref(d);
	}
	cr_assert_eq(outbox_flush(ob_dir, "host=/nonexistent-heiiki-socket-dir port=5 dbname=h",
				  &st, err, sizeof(err)), HISTORY_UNREACHABLE);
	cr_assert_eq(st.sent, 0);
	cr_assert_eq(st.left, 3);
	cr_assert_eq(outbox_list(ob_dir, &names, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 3);
	outbox_names_free(names, n);
}

Test(outbox, flush_into_sqlite_sends_in_order_exactly_once)
{
	char path[1200], err[512], db[128], **names;
	struct outbox_stats st;
	struct history *h;
	json_t *runs;
	size_t n;

	snprintf(db, sizeof(db), "%s/h.sqlite", ob_dir);
	for (int i = 0; i < 3; i++) {
		json_t *d = ob_doc(i == 0 ? "a" : i == 1 ? "b" : "a");

		cr_assert_eq(outbox_put(ob_dir, d, path, sizeof(path), err, sizeof(err)), 0, "%s",
			     err);
		json_decref(d);
	}
	cr_assert_eq(outbox_flush(ob_dir, db, &st, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(st.sent, 3);
	cr_assert_eq(st.left, 0);
	cr_assert_eq(outbox_list(ob_dir, &names, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(history_open(db, HISTORY_READ, &h, err, sizeof(err)), 0, "%s", err);
	runs = history_runs(h, 0, err, sizeof(err));
	cr_assert_eq(json_array_size(runs), 2, "the second copy of run a added nothing");
	/* same start: newest first is the higher id, the later one sent */
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(runs, 1), "id")), 1);
	json_decref(runs);
	history_close(h);
}
