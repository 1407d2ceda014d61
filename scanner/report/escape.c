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
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define REPL "\xEF\xBF\xBD"	/* U+FFFD for control characters */

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

void
report_esc_html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\t':
		case '\n': fputc(' ', f); break;
		default:
			if (is_ctl(c))
				fputs(REPL, f);
			else
				fputc(c, f);
		}
	}
}

void
report_esc_md(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
			continue;
		}
		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '\t' || c == '\n')
			fputc(' ', f);
		else if (is_ctl(c))
			fputs(REPL, f);
		else if (strchr("\\`*_[]|~", c)) {
			fputc('\\', f);
			fputc(c, f);
		} else
			fputc(c, f);
	}
}

void
report_esc_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
			continue;
		}
		if (c == '\t' || c == '\n')
			fputc(' ', f);
		else if (is_ctl(c))
			fputs(REPL, f);
		else
			fputc(c, f);
	}
}

void
report_esc_dot(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
			continue;
		}
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\t' || c == '\n') {
			fputc(' ', f);
		} else if (is_ctl(c)) {
			fputs(REPL, f);
		} else {
			fputc(c, f);
		}
	}
}

void
report_csv_cell(FILE *f, const char *s)
{
	fputc('"', f);
	if (s && strchr("=+-@\t\r", *s) && *s)
		fputc('\'', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (is_c1(s)) {
			fputs(REPL, f);
			s++;
			continue;
		}
		if (c == '"')
			fputs("\"\"", f);
		else if (c == '\n' || c == '\t')
			fputc(c, f);
		else if (is_ctl(c))
			fputs(REPL, f);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
