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
 * Text that could make one string look like another is neutralised the
 * same way: the bidirectional controls U+202A-U+202E, U+2066-U+2069,
 * U+200E and U+200F become U+FFFD (a right-to-left override inside a
 * banner could reverse what the reader sees), and the line and paragraph
 * separators U+2028/U+2029 become a space.
 *
 * One walker does the control characters; a syntax is only a table of
 * what its special ASCII characters become.  report_clean_json() applies
 * the same to every string of a JSON tree (report -f json).
 */
#include <stdio.h>
#include <stdlib.h>
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

/* A line break in a cell becomes a space (docs/reports.md): spreadsheets
 * and line-based tools then see one record per line. */
static const char *const csv_map[128] = {
	['"'] = "\"\"", ['\t'] = " ", ['\n'] = " ",
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

/*
 * A three-byte UTF-8 sequence to neutralise at s: bidi controls ->
 * U+FFFD, U+2028/U+2029 -> space.  Returns the replacement or NULL.
 */
static const char *
special3(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] != 0xE2 || (u[1] != 0x80 && u[1] != 0x81) || !u[2])
		return NULL;
	if (u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE)))
		return REPL;	/* LRM RLM, LRE RLE PDF LRO RLO */
	if (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
		return REPL;	/* LRI RLI FSI PDI */
	if (u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
		return " ";	/* LINE / PARAGRAPH SEPARATOR */
	return NULL;
}

static void
esc_walk(FILE *f, const char *s, const char *const map[128])
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *r3;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
		} else if ((r3 = special3(s))) {
			fputs(r3, f);
			s += 2;
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

/* s with C0 (except TAB, LF), DEL, C1, bidi controls and U+2028/9
 * neutralised; malloc'd, or NULL when nothing changes or out of memory. */
static char *
clean_str(const char *s)
{
	size_t n = strlen(s), o = 0;
	int dirty = 0;
	char *out;

	for (const char *p = s; *p; p++)
		dirty |= is_ctl((unsigned char)*p) || is_c1(p) || special3(p) != NULL;
	if (!dirty || !(out = malloc(n + n * 2 + 1)))
		return NULL;
	for (; *s; s++) {
		const char *r3;

		if (is_c1(s)) {
			memcpy(out + o, REPL, 3);
			o += 3;
			s++;
		} else if ((r3 = special3(s))) {
			memcpy(out + o, r3, strlen(r3));
			o += strlen(r3);
			s += 2;
		} else if (is_ctl((unsigned char)*s)) {
			memcpy(out + o, REPL, 3);
			o += 3;
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	return out;
}

void
report_clean_json(json_t *v)
{
	const char *k;
	json_t *it;
	size_t i;
	char *c;

	if (json_is_object(v)) {
		json_object_foreach(v, k, it) {
			if (json_is_string(it) && (c = clean_str(json_string_value(it)))) {
				json_object_set_new(v, k, json_string(c));
				free(c);
			} else {
				report_clean_json(it);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, it) {
			if (json_is_string(it) && (c = clean_str(json_string_value(it)))) {
				json_array_set_new(v, i, json_string(c));
				free(c);
			} else {
				report_clean_json(it);
			}
		}
	}
}
