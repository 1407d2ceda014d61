/*
 * test_report.c - report writers: golden files for every format and
 * language (tests/golden/CASES, compared byte for byte), escaping of
 * hostile strings per output syntax, determinism under shuffled input,
 * the i18n table, and the 'heiiki report' command line.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "scanner/report/i18n.h"
#include "scanner/report/labels.h"
#include "scanner/report/report.h"

static const char *
rp_srcdir(void)
{
	const char *d = getenv("HEIIKI_SRCDIR");

	return d && *d ? d : ".";
}

static char *
rp_slurp(const char *path, size_t *len)
{
	char err[256], *buf = NULL;

	if (fs_read_all(path, 16 << 20, &buf, len, err, sizeof(err)) < 0)
		cr_log_error("%s", err);
	return buf;
}

/* Render one results file with a writer; returns malloc'd output. */
static char *
rp_render_x(const char *input, const char *format, const char *lang, const char *policy,
	    const char *table, const char *extra, size_t *len);

static char *
rp_render(const char *input, const char *format, const char *lang, const char *policy,
	  const char *table, size_t *len)
{
	return rp_render_x(input, format, lang, policy, table, NULL, len);
}

/* extra: "--checklist,r5,--previous,FILE" (CASES' optional 7th field). */
static void
rp_extra(struct report *rep, const char *extra)
{
	char buf[256], *save = NULL, *opt, *val, path[1024], err[1024];

	if (!extra)
		return;
	snprintf(buf, sizeof(buf), "%s", extra);
	for (opt = strtok_r(buf, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		val = strtok_r(NULL, ",", &save);
		cr_assert_not_null(val, "extra option %s needs a value", opt);
		if (!strcmp(opt, "--checklist")) {
			enum cl_edition ed;

			cr_assert_eq(cl_edition_parse(val, &ed), 0);
			rep->edition = ed;
		} else if (!strcmp(opt, "--merge")) {
			continue;	/* done before report_init */
		} else if (!strcmp(opt, "--previous")) {
			struct results *prev = NULL;

			snprintf(path, sizeof(path), "%s/tests/golden/%s", rp_srcdir(), val);
			cr_assert_eq(results_load(path, &prev, err, sizeof(err)), 0, "%s", err);
			report_set_previous(rep, results_root(prev));
			results_free(prev);
		} else {
			cr_assert_fail("unknown extra option %s", opt);
		}
	}
}

static char *
rp_render_x(const char *input, const char *format, const char *lang, const char *policy,
	    const char *table, const char *extra, size_t *len)
{
	char path[1024], err[1024], *out = NULL;
	struct results *res = NULL;
	struct policy pol;
	struct report rep;
	enum report_lang l;

	cr_assert_eq(i18n_lang_parse(lang, &l), 0);
	snprintf(path, sizeof(path), "%s/tests/golden/%s", rp_srcdir(), input);
	cr_assert_eq(results_load(path, &res, err, sizeof(err)), 0, "%s", err);
	if (extra && strstr(extra, "--merge,")) {
		char other[256], *e;
		struct results *o2 = NULL;

		snprintf(other, sizeof(other), "%s", strstr(extra, "--merge,") + 8);
		if ((e = strchr(other, ',')))
			*e = '\0';
		snprintf(path, sizeof(path), "%s/tests/golden/%s", rp_srcdir(), other);
		cr_assert_eq(results_load(path, &o2, err, sizeof(err)), 0, "%s", err);
		cr_assert_geq(report_merge(results_root(res), results_root(o2), err, sizeof(err)),
			      0, "%s", err);
		results_free(o2);
	}
	if (policy) {
		snprintf(path, sizeof(path), "%s/tests/golden/%s", rp_srcdir(), policy);
		cr_assert_eq(policy_load(path, &pol, err, sizeof(err)), 0, "%s", err);
	}
	cr_assert_eq(report_init(&rep, results_root(res), policy ? &pol : NULL, l, err,
				 sizeof(err)), 0, "%s", err);
	if (table)
		rep.table = table;
	rp_extra(&rep, extra);
	cr_assert_eq(report_render(report_writer_by_name(format), &rep, &out, len, err,
				   sizeof(err)), 0, "%s", err);
	report_fini(&rep);
	results_free(res);
	if (policy)
		policy_free(&pol);
	return out;
}

/* 0 when equal; else the 1-based line of the first difference. */
static size_t
rp_first_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t line = 1, i;

	for (i = 0; i < alen && i < blen; i++) {
		if (a[i] != b[i])
			return line;
		line += a[i] == '\n';
	}
	return alen == blen ? 0 : line;
}

static void
rp_line(const char *s, size_t len, size_t line, char *out, size_t outlen)
{
	size_t n = 1, i = 0, j = 0;

	while (i < len && n < line)
		n += s[i++] == '\n';
	while (i < len && s[i] != '\n' && j + 1 < outlen)
		out[j++] = s[i++];
	out[j] = '\0';
}

static int
rp_check_golden(const char *expected, const char *actual, size_t alen)
{
	char path[1024], el[400], al[400], *exp;
	size_t elen, line;

	snprintf(path, sizeof(path), "%s/tests/golden/expected/%s", rp_srcdir(), expected);
	exp = rp_slurp(path, &elen);
	if (!exp) {
		cr_log_error("golden %s: expected file missing", expected);
		return -1;
	}
	line = rp_first_diff(exp, elen, actual, alen);
	if (line) {
		rp_line(exp, elen, line, el, sizeof(el));
		rp_line(actual, alen, line, al, sizeof(al));
		cr_log_error("golden %s differs at line %zu:\n  expected: %s\n  actual:   %s\n"
			     "  (if the change is intended: tests/golden/regen.sh, then review "
			     "git diff)", expected, line, el, al);
	}
	free(exp);
	return line ? -1 : 0;
}

Test(report_golden, every_case_matches_byte_for_byte)
{
	char path[1024], *cases, *line, *save = NULL;
	size_t len, n = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/tests/golden/CASES", rp_srcdir());
	cases = rp_slurp(path, &len);
	cr_assert_not_null(cases);
	for (line = strtok_r(cases, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char f[7][128];
		char *tok, *s2 = NULL, *out;
		int k = 0;
		size_t olen;

		if (line[0] == '#')
			continue;
		for (tok = strtok_r(line, " \t", &s2); tok && k < 7; tok = strtok_r(NULL, " \t", &s2))
			snprintf(f[k++], sizeof(f[0]), "%s", tok);
		cr_assert(k == 6 || k == 7, "CASES line %zu needs 6 or 7 fields", n + 1);
		out = rp_render_x(f[1], f[2], f[3], strcmp(f[4], "-") ? f[4] : NULL,
				  strcmp(f[5], "-") ? f[5] : NULL, k == 7 ? f[6] : NULL, &olen);
		bad += rp_check_golden(f[0], out, olen) < 0;
		free(out);
		n++;
	}
	free(cases);
	cr_assert_geq(n, 29, "only %zu golden cases", n);
	cr_assert_eq(bad, 0, "%zu of %zu golden cases differ (details above)", bad, n);
}

/* The same content in another order gives the same bytes. */
Test(report_golden, output_does_not_depend_on_input_order)
{
	static const char *const arrays[] = { "hosts", "services", "findings", "flows",
					      "exits", "peers", NULL };
	static const char *const fmts[] = { "html", "md", "csv", "dot", "xml", "json", NULL };
	char path[1024], err[1024];
	struct results *res;
	json_t *root, *rev;

	for (const char *const *in = (const char *const[]){ "scan-hospital.json",
				     "capture-partial.json", NULL }; *in; in++) {
		snprintf(path, sizeof(path), "%s/tests/golden/%s", rp_srcdir(), *in);
		cr_assert_eq(results_load(path, &res, err, sizeof(err)), 0, "%s", err);
		root = results_root(res);
		rev = json_deep_copy(root);
		for (const char *const *a = arrays; *a; a++) {
			json_t *src = json_object_get(root, *a), *dst = json_array();

			for (size_t i = json_array_size(src); i > 0; i--)
				json_array_append(dst, json_array_get(src, i - 1));
			json_object_set_new(rev, *a, dst);
		}
		for (const char *const *f = fmts; *f; f++) {
			struct report r1, r2;
			char *o1, *o2;
			size_t l1, l2;

			cr_assert_eq(report_init(&r1, root, NULL, LANG_JA, err, sizeof(err)), 0);
			cr_assert_eq(report_init(&r2, rev, NULL, LANG_JA, err, sizeof(err)), 0);
			cr_assert_eq(report_render(report_writer_by_name(*f), &r1, &o1, &l1, err,
						   sizeof(err)), 0);
			cr_assert_eq(report_render(report_writer_by_name(*f), &r2, &o2, &l2, err,
						   sizeof(err)), 0);
			cr_expect(l1 == l2 && !memcmp(o1, o2, l1), "%s %s depends on input order",
				  *in, *f);
			free(o1);
			free(o2);
			report_fini(&r1);
			report_fini(&r2);
		}
		json_decref(rev);
		results_free(res);
	}
}

/* --- escaping ------------------------------------------------------------- */

static char *
rp_esc(void (*fn)(FILE *, const char *), const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	fn(f, in);
	fclose(f);
	return buf;
}

#define ESC_EQ(fn, in, want) do { \
	char *got_ = rp_esc(fn, in); \
	cr_expect_str_eq(got_, want, #fn "(%s)", in); \
	free(got_); \
} while (0)

Test(report_escape, html_neutralises_markup_and_controls)
{
	ESC_EQ(report_esc_html, "<script>alert('x')</script>",
	       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	ESC_EQ(report_esc_html, "a\"b&c", "a&quot;b&amp;c");
	ESC_EQ(report_esc_html, "\x1b[31mred\x07", "\xEF\xBF\xBD[31mred\xEF\xBF\xBD");
	ESC_EQ(report_esc_html, "csi\xC2\x9B" "1m", "csi\xEF\xBF\xBD" "1m");
	ESC_EQ(report_esc_html, "電子カルテ\nline", "電子カルテ line");
}

Test(report_escape, csv_quotes_and_neutralises_formulas)
{
	ESC_EQ(report_csv_cell, "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
	ESC_EQ(report_csv_cell, "+1", "\"'+1\"");
	ESC_EQ(report_csv_cell, "-2+3", "\"'-2+3\"");
	ESC_EQ(report_csv_cell, "@SUM(A1)", "\"'@SUM(A1)\"");
	ESC_EQ(report_csv_cell, "\tx", "\"' x\"");
	ESC_EQ(report_csv_cell, "\rx", "\"'\xEF\xBF\xBDx\"");
	ESC_EQ(report_csv_cell, "say \"hi\", ok", "\"say \"\"hi\"\", ok\"");
	ESC_EQ(report_csv_cell, "two\nlines", "\"two lines\"");
	ESC_EQ(report_csv_cell, "a=b", "\"a=b\"");
	ESC_EQ(report_csv_cell, "", "\"\"");
}

Test(report_escape, markdown_cannot_add_columns_links_or_html)
{
	ESC_EQ(report_esc_md, "a|b", "a\\|b");
	ESC_EQ(report_esc_md, "[x](http://e)", "\\[x\\](http://e)");
	ESC_EQ(report_esc_md, "<img src=x>", "&lt;img src=x&gt;");
	ESC_EQ(report_esc_md, "*_`~\\", "\\*\\_\\`\\~\\\\");
}

Test(report_escape, dot_strings_stay_strings)
{
	ESC_EQ(report_esc_dot, "x\"]; evil [label=\"y", "x\\\"]; evil [label=\\\"y");
	ESC_EQ(report_esc_dot, "back\\slash", "back\\\\slash");
	ESC_EQ(report_esc_dot, "nl\nx", "nl x");
}

Test(report_escape, terminal_text_drops_escape_sequences)
{
	ESC_EQ(report_esc_text, "\x1b]0;owned\x07ok", "\xEF\xBF\xBD]0;owned\xEF\xBF\xBDok");
	ESC_EQ(report_esc_text, "\xC2\x9B" "2J", "\xEF\xBF\xBD" "2J");
	ESC_EQ(report_esc_text, "é", "é");
}

/* --- helpers ---------------------------------------------------------------- */

static int
rp_utf8_valid(const unsigned char *s)
{
	while (*s) {
		int n = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2 :
			(*s & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return 0;
		s++;
		for (int i = 0; i < n; i++, s++)
			if ((*s & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

Test(report_helpers, details_truncate_on_character_boundary)
{
	json_t *svc = json_pack("{s:s, s:i, s:s, s:{s:s}}", "addr", "198.18.1.1", "port", 80,
				"proto", "tcp", "http", "title",
				"電子カルテ電子カルテ電子カルテ電子カルテ電子カルテ");
	char buf[40];

	for (size_t len = 5; len <= sizeof(buf); len++) {
		report_details(svc, buf, len);
		cr_assert_lt(strlen(buf), len);
		cr_assert(rp_utf8_valid((const unsigned char *)buf), "len %zu: %s", len, buf);
	}
	report_details(svc, buf, sizeof(buf));
	cr_expect(strstr(buf, "\xE2\x80\xA6") != NULL, "no ellipsis in '%s'", buf);
	cr_expect(!strncmp(buf, "http.title=", 11));
	json_decref(svc);
}

Test(report_helpers, remote_access_classification)
{
	json_t *rdp = json_pack("{s:s, s:s, s:i}", "service", "rdp", "proto", "tcp", "port", 3389);
	json_t *web = json_pack("{s:s, s:s, s:i}", "service", "https", "proto", "tcp", "port", 443);
	json_t *vpn = json_pack("{s:s, s:s, s:i}", "service", "sslvpn", "proto", "tcp", "port", 443);
	json_t *tv = json_pack("{s:s, s:i}", "proto", "tcp", "dport", 5938);
	json_t *ike = json_pack("{s:s, s:i}", "proto", "udp", "port", 500);
	json_t *dns = json_pack("{s:s, s:i}", "proto", "udp", "dport", 53);
	json_t *forced = json_pack("{s:s, s:b}", "service", "http", "remote_access", 1);

	cr_expect(report_is_remote(rdp));
	cr_expect(!report_is_remote(web));
	cr_expect(report_is_remote(vpn));
	cr_expect(report_is_remote(tv));
	cr_expect(report_is_remote(ike));
	cr_expect(!report_is_remote(dns));
	cr_expect(report_is_remote(forced));
	json_decref(rdp);
	json_decref(web);
	json_decref(vpn);
	json_decref(tv);
	json_decref(ike);
	json_decref(dns);
	json_decref(forced);
}

Test(report_helpers, overview_and_checklist_of_the_scan)
{
	char path[1024], err[256];
	struct results *res;
	struct report rep;
	struct report_overview o;
	json_t *items;

	snprintf(path, sizeof(path), "%s/tests/golden/scan-hospital.json", rp_srcdir());
	cr_assert_eq(results_load(path, &res, err, sizeof(err)), 0);
	cr_assert_eq(report_init(&rep, results_root(res), NULL, LANG_JA, err, sizeof(err)), 0);
	report_overview(&rep, &o);
	cr_expect_eq(o.hosts, 6);
	cr_expect_eq(o.open, 7, "closed 445 is not open");
	cr_expect_eq(o.remote, 4, "rdp, ssh, vnc and the SSL-VPN portal");
	cr_expect_eq(o.exits, 0);
	items = report_checklist(&rep);
	cr_expect_eq(json_array_size(items), 6);
	cr_expect_str_eq(report_str(json_array_get(items, 0), "item"),
			 "2-⑬ 接続元制限を実施している。");
	cr_expect_eq(report_int(json_array_get(items, 0), "worst", -1), RSEV_CRITICAL);
	cr_expect_eq(report_int(json_array_get(items, 5), "worst", -1), RSEV_INFO);
	json_decref(items);
	report_fini(&rep);
	results_free(res);
}

Test(report_helpers, severity_ranks_and_epoch)
{
	cr_expect_eq(report_sev_rank("critical"), RSEV_CRITICAL);
	cr_expect_eq(report_sev_rank("info"), RSEV_INFO);
	cr_expect_eq(report_sev_rank("severe"), -1);
	cr_expect_eq(report_epoch("2026-11-21T16:00:00Z"), 1795276800LL);
	cr_expect_eq(report_epoch("yesterday"), -1);
	cr_expect_eq(report_epoch(""), -1);
}

Test(report_helpers, every_label_exists_in_both_languages)
{
	for (int m = 0; m < MSG_COUNT_; m++) {
		const char *en = i18n(LANG_EN, (enum msg)m), *ja = i18n(LANG_JA, (enum msg)m);

		cr_expect_str_neq(en, "?", "message %d has no English text", m);
		cr_expect_str_neq(ja, "?", "message %d has no Japanese text", m);
		cr_expect_str_neq(en, ja, "message %d is not translated: %s", m, en);
	}
	cr_expect_str_eq(i18n_severity(LANG_JA, "critical"), "重大");
	cr_expect_str_eq(i18n_severity(LANG_JA, "high"), "高");
	cr_expect_str_eq(i18n_severity(LANG_JA, "medium"), "中");
	cr_expect_str_eq(i18n_severity(LANG_JA, "low"), "低");
	cr_expect_str_eq(i18n_severity(LANG_JA, "info"), "情報");
	cr_expect_str_eq(i18n(LANG_JA, MSG_EXITS), "外部接続点");
	cr_expect_null(i18n_severity(LANG_EN, "<b>"));
}

Test(report_helpers, html_is_self_contained)
{
	size_t len;
	char *html = rp_render("capture-partial.json", "html", "ja", NULL, NULL, &len);

	cr_expect_null(strstr(html, "<script"));
	cr_expect_null(strstr(html, " src="));
	cr_expect_null(strstr(html, " href="));
	cr_expect_null(strstr(html, "url("));
	cr_expect_null(strstr(html, "@import"));
	cr_expect_not_null(strstr(html, "Content-Security-Policy"));
	cr_expect_not_null(strstr(html, "class=\"partial\""), "partial run not marked");
	cr_expect_not_null(strstr(html, "未完了"));
	free(html);
}

Test(report_helpers, nmap_xml_lists_every_open_port_once)
{
	size_t len, ports = 0;
	char *xml = rp_render("scan-hospital.json", "xml", "en", NULL, NULL, &len);

	for (const char *p = xml; (p = strstr(p, "<port protocol=")); p++)
		ports++;
	cr_expect_eq(ports, 7, "open and open|filtered services (closed 445 is not listed)");
	cr_expect_not_null(strstr(xml, "<nmaprun scanner=\"nmap\" args=\"heiiki scan\""));
	cr_expect_not_null(strstr(xml, "name=\"ms-wbt-server\""));
	cr_expect_null(strstr(xml, "portid=\"445\""));
	free(xml);
}

/* Importers may validate: every golden nmap XML must satisfy nmap.dtd. */
Test(report_helpers, nmap_xml_validates_against_nmap_dtd)
{
	static const char *const files[] = { "scan-hospital.en.xml", "scan-hospital.ja.xml",
					     "capture-partial.en.xml", "capture-partial.ja.xml",
					     NULL };
	char cmd[2048];

	if (access("/usr/share/nmap/nmap.dtd", R_OK) != 0 || access("/usr/bin/xmllint", X_OK))
		cr_skip_test("nmap.dtd or xmllint not installed");
	for (const char *const *f = files; *f; f++) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "
			 "'%s/tests/golden/expected/%s'", rp_srcdir(), *f);
		cr_expect_eq(system(cmd), 0, "%s does not validate against nmap.dtd", *f);
	}
}

Test(report_helpers, csv_unknown_table_is_an_error)
{
	char path[1024], err[256], *out;
	struct results *res;
	struct report rep;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/golden/scan-hospital.json", rp_srcdir());
	cr_assert_eq(results_load(path, &res, err, sizeof(err)), 0);
	cr_assert_eq(report_init(&rep, results_root(res), NULL, LANG_EN, err, sizeof(err)), 0);
	rep.table = "passwords";
	cr_expect_eq(report_render(&report_csv, &rep, &out, &len, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "passwords"));
	cr_expect_null(out);
	report_fini(&rep);
	results_free(res);
}

/* --- command line ------------------------------------------------------------ */

static int
rp_run(const char *args)
{
	const char *bin = getenv("HEIIKI");
	char cmd[4096];
	int st;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("HEIIKI is not set to a built binary");
	snprintf(cmd, sizeof(cmd), "cd '%s/tests/golden' && '%s' %s >/dev/null 2>&1",
		 rp_srcdir(), bin, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(report_cli, writes_the_golden_file_with_mode_0600)
{
	char out[] = "/tmp/heiiki-report-XXXXXX", args[512], *got, *want, path[1024];
	size_t glen, wlen;
	struct stat sb;
	int fd = mkstemp(out);

	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(args, sizeof(args), "report --lang ja -o %s scan-hospital.json", out);
	cr_assert_eq(rp_run(args), 0);
	got = rp_slurp(out, &glen);
	snprintf(path, sizeof(path), "%s/tests/golden/expected/scan-hospital.ja.html",
		 rp_srcdir());
	want = rp_slurp(path, &wlen);
	cr_expect(glen == wlen && !memcmp(got, want, glen), "CLI output differs from golden");
	cr_expect_eq(stat(out, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600);
	free(got);
	free(want);
	unlink(out);
}

Test(report_cli, exit_codes)
{
	cr_expect_eq(rp_run("report --help"), 0);
	cr_expect_eq(rp_run("report --format pdfx scan-hospital.json"), 2);
	cr_expect_eq(rp_run("report --lang fr scan-hospital.json"), 2);
	cr_expect_eq(rp_run("report no-such-file.json"), 2);
	cr_expect_eq(rp_run("report CASES"), 2);
	cr_expect_eq(rp_run("report --table hosts --format html scan-hospital.json"), 2);
	cr_expect_eq(rp_run("report -T pdf scan-hospital.json"), 2);
	cr_expect_eq(rp_run("report scan-hospital.json no-such-capture.json"), 2);
	cr_expect_eq(rp_run("report -o /dev/null scan-hospital.json capture-partial.json"), 0,
		     "a scan and a capture make one report");
	cr_expect_eq(rp_run("report -o /nonexistent-dir/x.html scan-hospital.json"), 3);
}

Test(report_cli, renders_svg_with_graphviz)
{
	char out[] = "/tmp/heiiki-report-XXXXXX", args[512], *svg;
	size_t len;
	int fd = mkstemp(out);

	if (access("/usr/bin/dot", X_OK) != 0)
		cr_skip_test("graphviz 'dot' is not installed");
	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(args, sizeof(args), "report -T svg -o %s capture-partial.json", out);
	cr_assert_eq(rp_run(args), 0);
	svg = rp_slurp(out, &len);
	cr_assert_not_null(svg);
	cr_expect_not_null(strstr(svg, "<svg"));
	cr_expect_not_null(strstr(svg, "203.0.113.50"));
	free(svg);
	unlink(out);
	/* An .svg output name alone asks for the rendered diagram. */
	snprintf(args, sizeof(args), "report -o %s.svg capture-partial.json", out);
	cr_assert_eq(rp_run(args), 0);
	snprintf(args, sizeof(args), "%s.svg", out);
	svg = rp_slurp(args, &len);
	cr_assert_not_null(svg);
	cr_expect_not_null(strstr(svg, "<svg"), "DOT text written into an .svg file");
	free(svg);
	unlink(args);
}

/*
 * The real producer: a capture of tests/pcap/three-exits.pcap, findings by
 * 'heiiki check', then every report format and the history.  Proves the
 * writers read what capture and check actually write, not only the
 * hand-written golden documents.
 */
Test(report_pipeline, capture_check_report_history)
{
	static const char *const fmts[] = { "html", "md", "csv", "dot", "xml", "json", NULL };
	char dir[] = "/tmp/heiiki-pipeline-XXXXXX", args[1024], path[512], *buf;
	size_t len;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(args, sizeof(args), "capture -r ../pcap/three-exits.pcap --no-geoip -o %s/c.json",
		 dir);
	cr_assert_eq(rp_run(args), 0);
	snprintf(args, sizeof(args), "check --policy ../lab/demo-policy.yaml --fail-on none "
		 "-o %s/c.json %s/c.json", dir, dir);
	cr_assert_eq(rp_run(args), 0);
	for (const char *const *f = fmts; *f; f++) {
		snprintf(args, sizeof(args), "report --lang ja --policy ../lab/demo-policy.yaml "
			 "-f %s -o %s/r.%s %s/c.json", *f, dir, *f, dir);
		cr_expect_eq(rp_run(args), 0, "report -f %s", *f);
		snprintf(path, sizeof(path), "%s/r.%s", dir, *f);
		buf = rp_slurp(path, &len);
		cr_expect(buf && len > 100, "report -f %s wrote %zu bytes", *f, buf ? len : 0);
		if (buf && !strcmp(*f, "md")) {
			cr_expect_not_null(strstr(buf, "外部接続点"));
			cr_expect_not_null(strstr(buf, "申告されていない外部接続点"),
					   "the check's findings reach the report");
			cr_expect_null(strstr(buf, "UNDECLARED\\_EXIT"),
				       "rule ids are not printed under titles");
			cr_expect_not_null(strstr(buf, "2-② リモートメンテナンス"),
					   "checklist item number of the default edition (R7)");
			cr_expect_not_null(strstr(buf, "anydesk"), "remote-access peers listed");
		}
		if (buf && !strcmp(*f, "xml") && access("/usr/share/nmap/nmap.dtd", R_OK) == 0 &&
		    access("/usr/bin/xmllint", X_OK) == 0) {
			snprintf(args, sizeof(args), "xmllint --noout --dtdvalid "
				 "/usr/share/nmap/nmap.dtd %s", path);
			cr_expect_eq(system(args), 0, "capture's nmap XML is not valid");
		}
		free(buf);
	}
	snprintf(args, sizeof(args), "history --db %s/h.sqlite add %s/c.json", dir, dir);
	cr_expect_eq(rp_run(args), 0);
	snprintf(args, sizeof(args), "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

/* 50 ordinary web servers and one RDP host in a zone: 40 + "+10", RDP kept. */
Test(report_helpers, diagram_caps_ordinary_hosts_but_keeps_red_ones)
{
	json_t *doc = json_pack("{s:s, s:i, s:{s:s, s:s, s:s}, s:[], s:[], s:[{s:s, s:s, s:s, "
				"s:s, s:i, s:s}]}", "format",
				"heiiki-results", "version", 1, "run", "kind", "scan", "start",
				"2026-11-21T16:00:00Z", "status", "complete", "hosts", "services",
				"findings", "rule", "RDP_NOT_ALLOWED_SOURCE", "severity", "critical",
				"addr", "198.18.10.51", "proto", "tcp", "port", 3389,
				"key", "RDP_NOT_ALLOWED_SOURCE|198.18.10.51|tcp|3389|");
	struct report rep;
	char err[256], *out, addr[32];
	size_t len, nodes = 0;

	for (int i = 1; i <= 51; i++) {
		snprintf(addr, sizeof(addr), "198.18.10.%d", i);
		json_array_append_new(json_object_get(doc, "hosts"),
				      json_pack("{s:s, s:s}", "addr", addr, "zone", "servers"));
		json_array_append_new(json_object_get(doc, "services"),
				      json_pack("{s:s, s:s, s:i, s:s, s:s}", "addr", addr,
						"proto", "tcp", "port", i == 51 ? 3389 : 443,
						"state", "open", "service", i == 51 ? "rdp" : "https"));
	}
	cr_assert_eq(report_init(&rep, doc, NULL, LANG_EN, err, sizeof(err)), 0);
	cr_assert_eq(report_render(&report_dot, &rep, &out, &len, err, sizeof(err)), 0);
	for (const char *p = out; (p = strstr(p, "\"h:198.18.10.")); p++)
		if (!strncmp(p + 1 + strcspn(p + 1, "\""), "\" [label", 8))
			nodes++;
	cr_expect_eq(nodes, 7, "6 ordinary hosts and the host with a finding");
	cr_expect_not_null(strstr(out, "label=\"+44 hosts without findings\""));
	cr_expect_not_null(strstr(out, "\"h:198.18.10.51\""), "the red host was dropped");
	free(out);
	report_fini(&rep);
	json_decref(doc);
}
