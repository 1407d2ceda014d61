/*
 * test_group.c - the group view (scanner/report/group.h) over an SQLite
 * history of three sites: the row each site gets (newest scan run, also a
 * partial one; a later capture run does not hide it), open findings by
 * severity, new findings against the site's baseline, undeclared exits,
 * expired vendor exceptions, out-of-support devices, age and links; then
 * the HTML (en/ja), CSV and JSON writers and the command line.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/report/group.h"
#include "scanner/report/history.h"
#include "scanner/report/report.h"

static char gr_dir[64];
static char gr_db[128];

static void
gr_setup(void)
{
	snprintf(gr_dir, sizeof(gr_dir), "/tmp/heiiki-group-XXXXXX");
	cr_assert_not_null(mkdtemp(gr_dir));
	snprintf(gr_db, sizeof(gr_db), "%s/h.sqlite", gr_dir);
}

static void
gr_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", gr_dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(group, .init = gr_setup, .fini = gr_teardown);

/* A results document; f = "RULE severity KEY" strings, NULL-terminated. */
static json_t *
gr_doc(const char *kind, const char *site, const char *start, const char *end,
       const char *status, const char *const *f)
{
	json_t *d = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s, s:s}, s:[], s:[], s:[], s:[],"
			      " s:[], s:[]}", "format", "heiiki-results", "version", 1,
			      "run", "kind", kind, "site", site, "start", start, "end", end,
			      "status", status, "hosts", "services", "findings", "flows",
			      "exits", "peers");

	for (; f && *f; f++) {
		char rule[64], sev[16], key[64];

		cr_assert_eq(sscanf(*f, "%63s %15s %63s", rule, sev, key), 3);
		json_array_append_new(json_object_get(d, "findings"),
				      json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "rule", rule,
						"severity", sev, "key", key, "title", "en", "T",
						"ja", "件名"));
	}
	return d;
}

static void
gr_add(struct history *h, json_t *doc)
{
	long long id;
	char err[512];

	cr_assert_eq(history_add(h, doc, &id, err, sizeof(err)), 0, "%s", err);
	json_decref(doc);
}

/* Three sites (docs/reports.md, "Group report"). */
static void
gr_fill(void)
{
	static const char *const a1[] = { "TELNET_OPEN critical K1",
					  "UNDECLARED_EXIT high K2", NULL };
	static const char *const a2[] = { "TELNET_OPEN critical K1", "UNDECLARED_EXIT high K2",
					  "OUT_OF_SUPPORT high K3",
					  "VENDOR_EXCEPTION_EXPIRED high K4",
					  "UNDECLARED_REMOTE_PATH critical K5",
					  "SERVICE_NOT_ALLOWED medium K6",
					  "VENDOR_EXCEPTION_EXPIRING low K8", NULL };
	static const char *const b1[] = { "UNKNOWN_HOST low K7", NULL };
	static const char *const c1[] = { "TELNET_OPEN critical K1", NULL };
	static const char *const c2[] = { "TELNET_OPEN critical K1", "UNKNOWN_HOST info K9",
					  NULL };
	static const char *const cc[] = { "UNDECLARED_EXIT high KX", NULL };
	struct history *h;
	char err[512];

	cr_assert_eq(history_open(gr_db, HISTORY_CREATE, &h, err, sizeof(err)), 0, "%s", err);
	gr_add(h, gr_doc("scan", "Site A", "2026-11-21T16:00:00Z", "2026-11-21T17:00:00Z",
			 "complete", a1));
	gr_add(h, gr_doc("scan", "Site A", "2026-11-22T16:00:00Z", "2026-11-22T17:00:00Z",
			 "complete", a2));
	gr_add(h, gr_doc("scan", "Site B", "2026-11-22T16:00:00Z", "2026-11-22T16:30:00Z",
			 "partial", b1));
	gr_add(h, gr_doc("scan", "Site C", "2026-11-20T16:00:00Z", "2026-11-20T17:00:00Z",
			 "complete", c1));
	gr_add(h, gr_doc("scan", "Site C", "2026-11-22T16:00:00Z", "2026-11-22T16:10:00Z",
			 "partial", c2));
	gr_add(h, gr_doc("capture", "Site C", "2026-11-23T00:00:00Z", "2026-11-23T06:00:00Z",
			 "complete", cc));
	history_close(h);
}

static json_t *
gr_table(const char *url)
{
	struct history *h;
	char err[512];
	json_t *t;

	cr_assert_eq(history_open(gr_db, HISTORY_READ, &h, err, sizeof(err)), 0, "%s", err);
	t = group_table(h, url, report_epoch("2026-11-23T17:00:00Z"), err, sizeof(err));
	history_close(h);
	cr_assert_not_null(t, "%s", err);
	return t;
}

static json_t *
gr_site(json_t *t, size_t i, const char *name)
{
	json_t *row = json_array_get(json_object_get(t, "sites"), i);

	cr_assert_not_null(row);
	cr_assert_str_eq(report_str(row, "site"), name);
	return row;
}

#define OPEN(row, sev) report_int(json_object_get(row, "open"), sev, -1)

Test(group, counts_per_site)
{
	json_t *t, *a, *b, *c;

	gr_fill();
	t = gr_table("https://soc.example/r/{site}/{run}.html");
	cr_assert_eq(json_array_size(json_object_get(t, "sites")), 3);
	a = gr_site(t, 0, "Site A");
	cr_expect_eq(report_int(a, "run_id", 0), 2);
	cr_expect_str_eq(report_str(a, "status"), "complete");
	cr_expect_eq(OPEN(a, "critical"), 2);
	cr_expect_eq(OPEN(a, "high"), 3);
	cr_expect_eq(OPEN(a, "medium"), 1);
	cr_expect_eq(OPEN(a, "low"), 1);
	cr_expect_eq(OPEN(a, "info"), 0);
	cr_expect_eq(report_int(a, "open_total", 0), 7);
	cr_expect_eq(report_int(a, "baseline_id", 0), 1);
	cr_expect_eq(report_int(a, "new", -1), 5, "K3..K6 and K8 are not in run 1");
	cr_expect_eq(report_int(a, "undeclared_exits", -1), 2);
	cr_expect_eq(report_int(a, "vendor_exceptions_expired", -1), 1);
	cr_expect_eq(report_int(a, "vendor_exceptions_expiring", -1), 1);
	cr_expect_eq(report_int(a, "out_of_support", -1), 1);
	cr_expect_eq(report_int(a, "age_seconds", -1), 86400);
	cr_expect_str_eq(report_str(a, "url"), "https://soc.example/r/Site%20A/2.html");

	b = gr_site(t, 1, "Site B");
	cr_expect_str_eq(report_str(b, "status"), "partial");
	cr_expect_eq(OPEN(b, "low"), 1);
	cr_expect(json_is_null(json_object_get(b, "baseline_id")));
	cr_expect(json_is_null(json_object_get(b, "new")), "no baseline: new is unknown");
	cr_expect_eq(report_int(b, "undeclared_exits", -1), 0);
	cr_expect_eq(report_int(b, "age_seconds", -1), 86400 + 1800);

	c = gr_site(t, 2, "Site C");
	cr_expect_eq(report_int(c, "run_id", 0), 5, "the newest scan, not the later capture");
	cr_expect_str_eq(report_str(c, "kind"), "scan");
	cr_expect_str_eq(report_str(c, "status"), "partial");
	cr_expect_eq(report_int(c, "baseline_id", 0), 4);
	cr_expect_eq(report_int(c, "new", -1), 1);
	cr_expect_eq(OPEN(c, "critical"), 1);
	cr_expect_eq(OPEN(c, "info"), 1);
	cr_expect_eq(report_int(c, "undeclared_exits", -1), 0, "the capture's exit is not counted");
	json_decref(t);

	t = gr_table(NULL);
	cr_expect(json_is_null(json_object_get(gr_site(t, 0, "Site A"), "url")));
	json_decref(t);
}

static char *
gr_write(const json_t *t, const char *fmt, enum report_lang lang)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	cr_assert_not_null(m);
	cr_assert_eq(group_write(m, t, fmt, lang, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fclose(m), 0);
	return buf;
}

Test(group, sites_latest)
{
	struct history *h;
	char err[512];
	json_t *rows, *r;
	size_t i;
	int seen = 0;

	gr_fill();
	cr_assert_eq(history_open(gr_db, HISTORY_READ, &h, err, sizeof(err)), 0, "%s", err);
	rows = history_sites_latest(h, err, sizeof(err));
	history_close(h);
	cr_assert_not_null(rows, "%s", err);
	cr_expect_eq(json_array_size(rows), 3, "one run per site");
	json_array_foreach(rows, i, r) {
		const char *site = report_str(r, "site");
		long long want = !strcmp(site, "Site A") ? 2 : !strcmp(site, "Site B") ? 3 : 5;

		cr_expect_eq(report_int(r, "id", 0), want, "%s", site);
		cr_expect_str_eq(report_str(r, "kind"), "scan");
		seen |= 1 << (site[5] - 'A');
	}
	cr_expect_eq(seen, 7);
	json_decref(rows);
}

Test(group, writers)
{
	json_t *t, *back;
	char *s;

	gr_fill();
	t = gr_table("https://soc.example/{site}");

	s = gr_write(t, "html", LANG_EN);
	cr_expect_not_null(strstr(s, "<th>Undeclared exits</th>"));
	cr_expect_not_null(strstr(s, "<td class=\"n sev-critical\">2</td>"), "%s", s);
	cr_expect_not_null(strstr(s, "<td class=\"n sev-high\">3</td>"));
	cr_expect_not_null(strstr(s, "<td class=\"partial\">partial</td>"));
	cr_expect_not_null(strstr(s, "href=\"https://soc.example/Site%20C\""));
	cr_expect_not_null(strstr(s, "no baseline"));
	free(s);

	s = gr_write(t, "html", LANG_JA);
	cr_expect_not_null(strstr(s, "<html lang=\"ja\">"));
	cr_expect_not_null(strstr(s, "<th>施設</th>"));
	cr_expect_not_null(strstr(s, "<th>重大</th>"));
	cr_expect_not_null(strstr(s, "<th>未申告の出口</th>"));
	cr_expect_not_null(strstr(s, "一部のみ"));
	free(s);

	s = gr_write(t, "csv", LANG_EN);
	cr_expect_eq(strncmp(s, "\xEF\xBB\xBF\"Site\",\"Run\",", 16), 0, "%s", s);
	cr_expect_not_null(strstr(s, "\r\n\"Site A\",2,\"complete\",\"2026-11-22T16:00:00Z\","
				  "\"2026-11-22T17:00:00Z\",24,2,3,1,1,0,5,2,1,1,1,"
				  "\"https://soc.example/Site%20A\"\r\n"), "%s", s);
	cr_expect_not_null(strstr(s, "\"Site B\",3,\"partial\",\"2026-11-22T16:00:00Z\","
				  "\"2026-11-22T16:30:00Z\",24,0,0,0,1,0,,0,0,0,0,"), "%s", s);
	free(s);

	s = gr_write(t, "csv", LANG_JA);
	cr_expect_eq(strncmp(s, "\xEF\xBB\xBF\"施設\"", 3 + 8), 0, "%s", s);
	cr_expect_not_null(strstr(s, "\"完了\""));
	free(s);

	s = gr_write(t, "json", LANG_EN);
	back = json_loads(s, 0, NULL);
	cr_assert_not_null(back);
	cr_expect(json_equal(back, t), "JSON output is the table");
	cr_expect_str_eq(report_str(back, "format"), "heiiki-group");
	json_decref(back);
	free(s);
	{
		char err[256];

		cr_expect_eq(group_write(stdout, t, "pdf", LANG_EN, err, sizeof(err)), -1);
	}
	json_decref(t);
}

Test(group, empty_history)
{
	struct history *h;
	char err[512], *s;
	json_t *t;

	cr_assert_eq(history_open(gr_db, HISTORY_CREATE, &h, err, sizeof(err)), 0, "%s", err);
	history_close(h);
	t = gr_table(NULL);
	cr_expect_eq(json_array_size(json_object_get(t, "sites")), 0);
	s = gr_write(t, "html", LANG_EN);
	cr_expect_not_null(strstr(s, "The history holds no run."));
	free(s);
	json_decref(t);
}

static int
gr_run(const char *args)
{
	const char *bin = getenv("HEIIKI");
	char cmd[4096];
	int st;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("HEIIKI is not set to a built binary");
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' report --group %s >/dev/null 2>&1", gr_dir,
		 bin, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(group, command_line)
{
	char path[256], args[512];
	struct stat sb;
	json_t *t;

	cr_expect_eq(gr_run("--db missing.sqlite"), 2, "a missing database is exit 2");
	gr_fill();
	cr_expect_eq(gr_run("--db h.sqlite --format pdf"), 2);
	cr_expect_eq(gr_run("--db h.sqlite extra.json"), 2);
	cr_expect_eq(gr_run("--db h.sqlite -o out.txt"), 2);
	cr_expect_eq(gr_run("--help"), 0);
	snprintf(args, sizeof(args), "--db h.sqlite --lang ja -o out.json --site-url 'x/{run}'");
	cr_assert_eq(gr_run(args), 0);
	snprintf(path, sizeof(path), "%s/out.json", gr_dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600);
	t = json_load_file(path, 0, NULL);
	cr_assert_not_null(t);
	cr_expect_eq(json_array_size(json_object_get(t, "sites")), 3);
	cr_expect_str_eq(report_str(json_array_get(json_object_get(t, "sites"), 0), "url"), "x/2");
	json_decref(t);
	cr_expect_eq(gr_run("--db h.sqlite -o out.html"), 0);
	cr_expect_eq(gr_run("--db h.sqlite -o out.csv"), 0);
}
