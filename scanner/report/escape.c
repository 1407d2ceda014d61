/*
 * escape.c - one escaper per output syntax (see report.h).
 *
 * Everything printed from a results document goes through one of these:
 * the strings come from banners, certificates, HTTP titles and DNS names,
 * that is, from whoever answers on the network.  Control characters (C0
 * except TAB/LF, DEL, and C1 such as CSI encoded as C2 80..9F) become
 * U+FFFD in every syntax, so nothing can reach a terminal or an XML
 * parser as a control; TAB and LF become a space where a line break would
 * change the structure.
 *
 * One walker does the control characters; a syntax is only a table of
 * what its special ASCII characters become.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define REPL "\xEF\xBF\xBD"	/* U+FFFD for control characters */

/* What each special ASCII byte becomes; NULL: the byte as it is. */
static const char *const html_map[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\''] = "&#39;", ['\t'] = " ", ['\n'] = " ",
};

/* Table pipes, emphasis and links escaped; no raw HTML. */
static const char *const md_map[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['\\'] = "\\\\", ['`'] = "\\`", ['*'] = "\\*", ['_'] = "\\_",
	['['] = "\\[", [']'] = "\\]", ['|'] = "\\|", ['~'] = "\\~",
	['\t'] = " ", ['\n'] = " ",
};

static const char *const text_map[128] = {
	['\t'] = " ", ['\n'] = " ",
};

static const char *const dot_map[128] = {
	['"'] = "\\\"", ['\\'] = "\\\\", ['\t'] = " ", ['\n'] = " ",
};

/* TAB and LF stay: a quoted CSV field may hold them. */
static const char *const csv_map[128] = {
	['"'] = "\"\"",
};

static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

/* U+0080..U+009F (C1 controls, e.g. CSI) in UTF-8: C2 80..C2 9F. */
static int
is_c1(const char *s)
{
	return (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] >= 0x80 &&
	       (unsigned char)s[1] <= 0x9F;
}

static void
esc_walk(FILE *f, const char *s, const char *const map[128])
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
		} else if (c < 0x80 && map[c])
			fputs(map[c], f);
		else if (is_ctl(c))
			fputs(REPL, f);
		else
			fputc(c, f);
	}
}

void
report_esc_html(FILE *f, const char *s)
{
	esc_walk(f, s, html_map);
}

void
report_esc_md(FILE *f, const char *s)
{
	esc_walk(f, s, md_map);
}

void
report_esc_text(FILE *f, const char *s)
{
	esc_walk(f, s, text_map);
}

void
report_esc_dot(FILE *f, const char *s)
{
	esc_walk(f, s, dot_map);
}

void
report_csv_cell(FILE *f, const char *s)
{
	fputc('"', f);
	if (s && strchr("=+-@\t\r", *s) && *s)
		fputc('\'', f);
	esc_walk(f, s, csv_map);
	fputc('"', f);
}
