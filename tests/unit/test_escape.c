/*
 * test_escape.c - text safety in every output syntax: bidi controls
 * (U+202A-U+202E, U+2066-U+2069, U+200E/F) and C1 controls become U+FFFD,
 * U+2028/U+2029 a space, CSV line breaks a space; report -f json's cleaner
 * leaves none of them in any string.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/report/report.h"

#define FFFD "\xEF\xBF\xBD"

typedef void (*escfn)(FILE *, const char *);

static char *
run(escfn fn, const char *in)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	cr_assert_not_null(f);
	fn(f, in);
	fclose(f);
	return buf;
}

/* banner with RLO, LRI, PDI, LRM, LS, PS, NEL (C1) */
static const char evil[] = "adm\xE2\x80\xAEnimda\xE2\x81\xA6x\xE2\x81\xA9y\xE2\x80\x8Ez"
			   "\xE2\x80\xA8line\xE2\x80\xA9par\xC2\x85" "end";

static void
no_specials(const char *out, const char *who)
{
	for (const unsigned char *u = (const unsigned char *)out; *u; u++) {
		cr_assert(!(u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F), "%s: C1 kept: %s", who, out);
		if (u[0] == 0xE2 && u[1] == 0x80)
			cr_assert(!(u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xA8 && u[2] <= 0xAE)),
				  "%s: bidi/separator kept: %s", who, out);
		if (u[0] == 0xE2 && u[1] == 0x81)
			cr_assert(!(u[2] >= 0xA6 && u[2] <= 0xA9), "%s: isolate kept: %s", who, out);
	}
}

Test(escape, bidi_and_separators_in_every_syntax)
{
	const char *want = "adm" FFFD "nimda" FFFD "x" FFFD "y" FFFD "z line par" FFFD "end";
	struct { const char *name; escfn fn; } w[] = {
		{ "html", report_esc_html }, { "md", report_esc_md },
		{ "text", report_esc_text }, { "dot", report_esc_dot },
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char *out = run(w[i].fn, evil);

		no_specials(out, w[i].name);
		cr_assert_str_eq(out, want, "%s", w[i].name);
	}
	no_specials(run(report_csv_cell, evil), "csv");
	cr_assert_str_eq(run(report_csv_cell, evil), "\"" "adm" FFFD "nimda" FFFD "x" FFFD "y" FFFD
			 "z line par" FFFD "end\"");
}

Test(escape, csv_line_breaks_become_spaces)
{
	cr_assert_str_eq(run(report_csv_cell, "a\nb\tc\r\"d\""), "\"a b c" FFFD "\"\"d\"\"\"");
	/* formula neutralisation is kept */
	cr_assert_str_eq(run(report_csv_cell, "=cmd"), "\"'=cmd\"");
}

Test(escape, ordinary_text_and_japanese_untouched)
{
	const char *ja = "輸液ポンプ – “ok” ‐ \xE2\x80\x94 \xE2\x80\xA6";	/* dashes, ellipsis */

	cr_assert_str_eq(run(report_esc_text, ja), ja);
	cr_assert_str_eq(run(report_esc_text, "\xE2\x80\xA7"), "\xE2\x80\xA7");	/* U+2027 */
	cr_assert_str_eq(run(report_esc_text, "\xE2\x80\xAF"), "\xE2\x80\xAF");	/* U+202F NNBSP */
	cr_assert_str_eq(run(report_esc_text, "\xE2\x81\xA5"), "\xE2\x81\xA5");	/* U+2065 */
	cr_assert_str_eq(run(report_esc_text, "\xE2\x81\xAA"), "\xE2\x81\xAA");	/* U+206A */
	/* a truncated sequence at the end is left alone, not read past */
	cr_assert_str_eq(run(report_esc_text, "x\xE2\x80"), "x\xE2\x80");
}

Test(escape, json_cleaner_leaves_no_control)
{
	json_t *doc = json_pack("{s:s, s:[s, {s:s}], s:i}", "banner", evil, "list", "ok\x1b[31m",
				"k", "\xC2\x9B" "2J", "n", 3);
	char *out;

	cr_assert_not_null(doc);
	report_clean_json(doc);
	out = json_dumps(doc, JSON_SORT_KEYS);
	no_specials(out, "json");
	cr_assert_null(strstr(out, "\\u001b"), "%s", out);
	cr_assert_null(strstr(out, "\\u0085"), "%s", out);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "banner")),
			 "adm" FFFD "nimda" FFFD "x" FFFD "y" FFFD "z line par" FFFD "end");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "list"), 0)),
			 "ok" FFFD "[31m");
	free(out);
	json_decref(doc);
}
