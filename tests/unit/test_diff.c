/*
 * test_diff.c - 'what changed': identities (finding key, addr/proto/port),
 * only open services count, golden text/JSON output, --fail-on exit codes.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"
#include "scanner/report/diff.h"
#include "scanner/report/report.h"

static const char *
df_srcdir(void)
{
	const char *d = getenv("HEIIKI_SRCDIR");

	return d && *d ? d : ".";
}

static json_t *
df_load(const char *name)
{
	char path[1024];
	json_error_t jerr;
	json_t *j;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", df_srcdir(), name);
	j = json_load_file(path, 0, &jerr);
	cr_assert_not_null(j, "%s: %s", path, jerr.text);
	return j;
}

static json_t *
df_doc(void)
{
	return json_pack("{s:s, s:i, s:{s:s, s:s, s:s}, s:[], s:[], s:[], s:[], s:[], s:[]}",
			 "format", "heiiki-results", "version", 1, "run", "kind", "scan",
			 "start", "2026-11-21T16:00:00Z", "status", "complete", "hosts",
			 "services", "findings", "flows", "exits", "peers");
}

static json_t *
df_finding(const char *sev, const char *key, const char *evidence)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "rule", "R", "severity", sev,
			 "key", key, "evidence", evidence, "addr", "198.18.1.1");
}

static json_t *
df_service(unsigned port, const char *state)
{
	return json_pack("{s:s, s:s, s:i, s:s}", "addr", "198.18.1.1", "proto", "tcp",
			 "port", (json_int_t)port, "state", state);
}

Test(diff, findings_match_by_key_not_by_text)
{
	json_t *a = df_doc(), *b = df_doc(), *d;
	char err[256];

	json_array_append_new(json_object_get(a, "findings"), df_finding("high", "K1", "old words"));
	json_array_append_new(json_object_get(a, "findings"), df_finding("low", "K2", "x"));
	json_array_append_new(json_object_get(b, "findings"), df_finding("high", "K1", "new words"));
	json_array_append_new(json_object_get(b, "findings"), df_finding("medium", "K3", "y"));
	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	cr_expect_eq(json_array_size(json_object_get(d, "new_findings")), 1);
	cr_expect_str_eq(report_str(json_array_get(json_object_get(d, "new_findings"), 0), "key"),
			 "K3");
	cr_expect_eq(json_array_size(json_object_get(d, "resolved_findings")), 1);
	cr_expect_str_eq(report_str(json_array_get(json_object_get(d, "resolved_findings"), 0),
				    "key"), "K2");
	cr_expect_eq(diff_worst_new(d), RSEV_MEDIUM);
	cr_expect_eq(diff_total(d), 2);
	json_decref(a);
	json_decref(b);
	json_decref(d);
}

Test(diff, closed_and_filtered_ports_are_not_services)
{
	json_t *a = df_doc(), *b = df_doc(), *d;
	char err[256];

	json_array_append_new(json_object_get(a, "services"), df_service(22, "open"));
	json_array_append_new(json_object_get(a, "services"), df_service(23, "closed"));
	json_array_append_new(json_object_get(b, "services"), df_service(22, "filtered"));
	json_array_append_new(json_object_get(b, "services"), df_service(23, "open"));
	json_array_append_new(json_object_get(b, "services"), df_service(161, "open|filtered"));
	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	cr_expect_eq(json_array_size(json_object_get(d, "new_services")), 2);
	cr_expect_eq(report_int(json_array_get(json_object_get(d, "new_services"), 0), "port", 0),
		     23);
	cr_expect_eq(json_array_size(json_object_get(d, "closed_services")), 1);
	cr_expect_eq(report_int(json_array_get(json_object_get(d, "closed_services"), 0),
				"port", 0), 22);
	cr_expect_eq(diff_worst_new(d), -1);
	json_decref(a);
	json_decref(b);
	json_decref(d);
}

Test(diff, identical_documents_have_no_changes)
{
	json_t *a = df_load("capture-partial.json"), *d;
	char err[256], *text = NULL;
	size_t len;
	FILE *f;

	d = diff_results(a, a, err, sizeof(err));
	cr_assert_not_null(d);
	cr_expect_eq(diff_total(d), 0);
	f = open_memstream(&text, &len);
	diff_write_text(f, d, LANG_JA);
	fclose(f);
	cr_expect_not_null(strstr(text, "変更はありません。"));
	cr_expect_not_null(strstr(text, "注意"), "partial new run must be flagged");
	free(text);
	json_decref(a);
	json_decref(d);
}

static void
df_golden(const char *expected, int json, enum report_lang lang)
{
	json_t *a = df_load("scan-hospital.json"), *b = df_load("scan-hospital-next.json"), *d;
	char err[256], path[1024], *text = NULL, *want;
	size_t len, wlen;
	FILE *f;

	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	f = open_memstream(&text, &len);
	cr_assert_eq(diff_print(f, d, json, lang), 0);
	fclose(f);
	snprintf(path, sizeof(path), "%s/tests/golden/expected/%s", df_srcdir(), expected);
	cr_assert_eq(fs_read_all(path, 1 << 20, &want, &wlen, err, sizeof(err)), 0, "%s", err);
	cr_expect(len == wlen && !memcmp(text, want, len),
		  "diff output differs from %s:\n--- got ---\n%s", expected, text);
	cr_expect_null(strchr(text, '\x1b'), "raw ESC from a banner reached the terminal");
	free(want);
	free(text);
	json_decref(a);
	json_decref(b);
	json_decref(d);
}

Test(diff, golden_text_english)
{
	df_golden("diff.en.txt", 0, LANG_EN);
}

Test(diff, golden_text_japanese)
{
	df_golden("diff.ja.txt", 0, LANG_JA);
}

Test(diff, golden_json)
{
	df_golden("diff.json", 1, LANG_EN);
}

static int
df_run(const char *args)
{
	const char *bin = getenv("HEIIKI");
	char cmd[4096];
	int st;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("HEIIKI is not set to a built binary");
	snprintf(cmd, sizeof(cmd), "cd '%s/tests/golden' && '%s' %s >/dev/null 2>&1",
		 df_srcdir(), bin, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(diff_cli, exit_status_follows_fail_on)
{
	/* The next night adds a critical finding (Telnet). */
	cr_expect_eq(df_run("diff scan-hospital.json scan-hospital-next.json"), 1);
	cr_expect_eq(df_run("diff --fail-on critical scan-hospital.json scan-hospital-next.json"), 1);
	cr_expect_eq(df_run("diff --fail-on none scan-hospital.json scan-hospital-next.json"), 0);
	/* Going back resolves it and adds only the high VNC finding. */
	cr_expect_eq(df_run("diff --fail-on critical scan-hospital-next.json scan-hospital.json"), 0);
	cr_expect_eq(df_run("diff scan-hospital-next.json scan-hospital.json"), 1);
	cr_expect_eq(df_run("diff scan-hospital.json scan-hospital.json"), 0);
	cr_expect_eq(df_run("diff --fail-on severe scan-hospital.json scan-hospital.json"), 2);
	cr_expect_eq(df_run("diff scan-hospital.json"), 2);
	cr_expect_eq(df_run("diff --help"), 0);
	cr_expect_eq(df_run("diff scan-hospital.json missing.json"), 2);
}

/* A declared exit listed with "seen": false (a capture saw no traffic
 * through it) is not an exit of that run: last night's exit that goes
 * quiet tonight is "gone", and a quiet one is never "new". */
Test(diff, declared_exit_without_traffic_counts_as_gone)
{
	json_t *a = df_load("capture-partial.json"), *b = json_deep_copy(a), *d, *x, *g;
	char err[256];
	size_t i;

	json_array_foreach(json_object_get(b, "exits"), i, x)
		if (json_is_string(json_object_get(x, "declared")) &&
		    !strcmp(json_string_value(json_object_get(x, "declared")), "ntt-line"))
			json_object_set_new(x, "seen", json_false());
	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	g = json_object_get(d, "gone_exits");
	cr_assert_eq(json_array_size(g), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(g, 0), "declared")),
			 "ntt-line");
	cr_expect_eq(json_array_size(json_object_get(d, "new_exits")), 0);
	json_decref(d);
	d = diff_results(b, a, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	cr_expect_eq(json_array_size(json_object_get(d, "new_exits")), 1);
	cr_expect_eq(json_array_size(json_object_get(d, "gone_exits")), 0);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static json_t *
df_svc_at(json_t *root, const char *addr, long long port)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(root, "services"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "addr")), addr) &&
		    json_integer_value(json_object_get(s, "port")) == port)
			return s;
	return NULL;
}

/* Same open port, other product or version: listed once, with "was";
 * a product learned only now (nothing known before) is not a change. */
Test(diff, product_or_version_change_is_listed)
{
	json_t *a = df_load("scan-hospital.json"), *b = json_deep_copy(a), *d, *c;
	char err[256];

	cr_assert_not_null(df_svc_at(b, "198.18.10.10", 443));
	json_object_set_new(df_svc_at(b, "198.18.10.10", 443), "version",
			    json_string("1.25.3"));
	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	c = json_object_get(d, "changed_services");
	cr_assert_eq(json_array_size(c), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(c, 0), "was")),
			 "https nginx 1.18.0");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(c, 0), "version")),
			 "1.25.3");
	cr_expect_eq(diff_total(d), 1);
	json_decref(d);
	/* before: nothing identified on that port; now: nginx 1.25.3 */
	json_object_del(df_svc_at(a, "198.18.10.10", 443), "service");
	json_object_del(df_svc_at(a, "198.18.10.10", 443), "product");
	json_object_del(df_svc_at(a, "198.18.10.10", 443), "version");
	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	cr_expect_eq(json_array_size(json_object_get(d, "changed_services")), 0);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

/* Runs from two vantages: what only one of them reaches is not a change. */
Test(diff, different_vantages_say_so_instead_of_closed_services)
{
	json_t *a = df_doc(), *b = df_doc(), *d;
	char err[256], *text = NULL;
	size_t len;
	FILE *f;

	json_object_set_new(json_object_get(a, "run"), "vantage",
			    json_pack("{s:s, s:s}", "zone", "office", "addr", "198.18.30.5"));
	json_object_set_new(json_object_get(b, "run"), "vantage",
			    json_pack("{s:s, s:s, s:s}", "role", "vendor", "vendor", "acme",
				      "addr", "203.0.113.10"));
	json_array_append_new(json_object_get(a, "services"), df_service(3389, "open"));
	json_array_append_new(json_object_get(a, "services"), df_service(445, "open"));
	json_array_append_new(json_object_get(b, "services"), df_service(3389, "open"));
	d = diff_results(a, b, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	cr_assert(json_is_true(json_object_get(d, "vantages_differ")));
	cr_assert_eq(json_array_size(json_object_get(d, "closed_services")), 0,
		     "not a closed service: another vantage");
	cr_assert_eq(json_array_size(json_object_get(d, "not_reached_from_new_vantage")), 1);
	cr_assert_eq(diff_total(d), 0);
	f = open_memstream(&text, &len);
	diff_write_text(f, d, LANG_EN);
	fclose(f);
	cr_assert(strstr(text, "Vantages differ (old: zone=office addr=198.18.30.5; new: "
			       "role=vendor vendor=acme addr=203.0.113.10)"), "%s", text);
	cr_assert(strstr(text, "198.18.1.1 tcp/445"), "%s", text);
	free(text);
	json_decref(d);
	/* the same vantage: a service gone is a change */
	json_object_set(json_object_get(b, "run"), "vantage",
			json_object_get(json_object_get(a, "run"), "vantage"));
	d = diff_results(a, b, err, sizeof(err));
	cr_assert(json_is_false(json_object_get(d, "vantages_differ")));
	cr_assert_eq(json_array_size(json_object_get(d, "closed_services")), 1);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}
