/*
 * test_report_excel.c - CSV as Excel on Japanese Windows reads it: a
 * UTF-8 BOM whenever any cell is non-ASCII (also in English), none for a
 * pure-ASCII table in English; CRLF line ends only; cells that start
 * with = + - @ neutralised with an apostrophe.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/report/report.h"

static char *
csv_of(json_t *doc, enum report_lang lang, const char *table, size_t *len)
{
	struct report r;
	char err[256], *out = NULL;

	cr_assert_eq(report_init(&r, doc, NULL, lang, err, sizeof(err)), 0, "%s", err);
	r.table = table;
	cr_assert_eq(report_render(report_writer_by_name("csv"), &r, &out, len, err,
				   sizeof(err)), 0, "%s", err);
	report_fini(&r);
	return out;
}

static json_t *
doc_with(const char *banner, const char *title)
{
	return json_pack("{s:{s:s, s:s}, s:[{s:s, s:s, s:i, s:s, s:s}], s:[{s:s, s:s, s:{s:s}, "
			 "s:s, s:s, s:s, s:i, s:s}]}",
			 "run", "kind", "scan", "status", "complete",
			 "services", "addr", "198.18.10.2", "proto", "tcp", "port", 22,
			 "state", "open", "product", banner,
			 "findings", "rule", "X_RULE", "severity", "high", "title", "en", title,
			 "evidence", banner, "addr", "198.18.10.2", "proto", "tcp", "port", 22,
			 "key", "X_RULE|198.18.10.2|tcp|22|");
}

static void
crlf_only(const char *s, size_t len)
{
	size_t lines = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n') {
			cr_assert(i > 0 && s[i - 1] == '\r', "bare LF at byte %zu", i);
			lines++;
		}
	cr_assert_geq(lines, 2);
	cr_assert_eq(s[len - 1], '\n');
}

Test(excel, bom_when_any_cell_is_non_ascii_even_in_english)
{
	json_t *d = doc_with("OpenSSH", "電子カルテ");
	size_t len;
	char *out = csv_of(d, LANG_EN, "findings", &len);

	cr_assert(len > 3 && !memcmp(out, "\xEF\xBB\xBF", 3), "no BOM before non-ASCII text");
	crlf_only(out, len);
	free(out);
	json_decref(d);
}

Test(excel, no_bom_for_ascii_english)
{
	json_t *d = doc_with("OpenSSH", "plain title");
	size_t len;
	char *out = csv_of(d, LANG_EN, "services", &len);

	cr_assert(len > 3 && memcmp(out, "\xEF\xBB\xBF", 3), "BOM on a pure-ASCII table");
	crlf_only(out, len);
	free(out);
	json_decref(d);
}

Test(excel, bom_always_in_japanese)
{
	json_t *d = doc_with("OpenSSH", "plain title");
	size_t len;
	char *out = csv_of(d, LANG_JA, "services", &len);

	cr_assert(!memcmp(out, "\xEF\xBB\xBF", 3));
	free(out);
	json_decref(d);
}

Test(excel, formulas_neutralised)
{
	static const char *const bad[] = { "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)" };

	for (size_t i = 0; i < 4; i++) {
		json_t *d = doc_with(bad[i], "t");
		size_t len;
		char *out = csv_of(d, LANG_EN, "services", &len), want[128];

		snprintf(want, sizeof(want), ",\"'%c", bad[i][0]);
		cr_expect_not_null(strstr(out, want), "%s not neutralised in:\n%s", bad[i], out);
		snprintf(want, sizeof(want), ",\"%c", bad[i][0]);
		cr_expect_null(strstr(out, want), "%s reaches a cell start", bad[i]);
		free(out);
		json_decref(d);
	}
}
