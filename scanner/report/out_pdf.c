/*
 * out_pdf.c - the report as an A4 PDF, drawn with cairo + pango (the
 * libraries Graphviz itself draws with), so Japanese text is laid out by
 * a real text engine with the "Noto Sans CJK JP" font (Debian
 * fonts-noto-cjk) and the file is a PDF, never HTML under a .pdf name.
 *
 * Content: the sections of the HTML report in the same order (page 1 -
 * conclusion, what to do first, comparison -, the severity summary, the
 * findings, external connection points, peers, remote-access flows, the
 * inspection evidence, the appendix), written through table.c against a
 * Pango-markup table syntax: one line per table row, cells separated by
 * a thin bar.  The text is one Pango layout broken into A4 pages line by
 * line.  When cmd_report rendered the network diagram to PNG
 * (r->diagram_png), it follows on its own page, scaled to fit.
 *
 * Every string goes through pdf_esc(): invalid UTF-8 is repaired and
 * control characters become U+FFFD before g_markup_escape_text(), so a
 * banner cannot inject markup.
 */
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "table.h"

#define A4_W 595.276
#define A4_H 841.890
#define MARGIN 42.0
#define FONT "Noto Sans CJK JP"

static void
pdf_esc(FILE *f, const char *s)
{
	gchar *valid, *esc;

	if (!s || !*s)
		return;
	valid = g_utf8_make_valid(s, -1);
	for (gchar *p = valid; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	esc = g_markup_escape_text(valid, -1);
	fputs(esc, f);
	g_free(esc);
	g_free(valid);
}

static void
pdf_section(FILE *f, const struct report *r, const char *id, enum msg title)
{
	(void)id;
	fputs("\n<span size=\"x-large\" weight=\"bold\" foreground=\"#234\">", f);
	pdf_esc(f, i18n(r->lang, title));
	fputs("</span>\n", f);
}

static void
pdf_subheading(FILE *f, const struct report *r, enum msg title)
{
	fputs("\n<span size=\"large\" weight=\"bold\">", f);
	pdf_esc(f, i18n(r->lang, title));
	fputs("</span>\n", f);
}

static void
pdf_header(FILE *f, const struct report *r, const enum msg *cols, size_t n)
{
	fputs("<span weight=\"bold\" foreground=\"#456\">", f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(" │ ", f);
		pdf_esc(f, i18n(r->lang, cols[i]));
	}
	fputs("</span>\n", f);
}

static void
pdf_sev(FILE *f, const struct report *r, const char *sev)
{
	int rank = report_sev_rank(sev);

	fprintf(f, "<span weight=\"bold\" foreground=\"%s\">",
		rank >= RSEV_HIGH ? "#c00" : rank == RSEV_MEDIUM ? "#a60" : "#333");
	pdf_esc(f, report_sev_label(r, sev));
	fputs("</span>", f);
}

static const struct table_syntax pdf_table = {
	.esc = pdf_esc,
	.section = pdf_section,
	.subheading = pdf_subheading,
	.header = pdf_header,
	.sev = pdf_sev,
	.section_end = "",
	.none = "<span foreground=\"#777\">", .none_end = "</span>\n",
	.kv_table = "",
	.table_end = "",
	.row = "", .row_end = "\n",
	.th = "<b>", .th_end = "</b>: ",
	.total = "<b>", .total_end = "</b>: ",
	.td = "", .td_risk = "", .td_end = " │ ",
	.num = "", .num_risk = "",
	.zone_ends = 1,
	.para = "", .para_end = "\n",
	.lead = "<span size=\"large\" weight=\"bold\">", .lead_end = "</span>\n",
};

static void
pdf_findings(FILE *f, const struct report *r)
{
	json_t *fd;
	size_t i;
	char buf[512], name[256], ev[2048];

	if (!table_section(f, r, &pdf_table, "findings", MSG_FINDINGS, r->findings,
			   MSG_NO_FINDINGS))
		return;
	json_array_foreach(r->findings, i, fd) {
		const char *a = report_str(fd, "addr");

		fprintf(f, "\n<b>%zu.</b> ", i + 1);
		pdf_sev(f, r, report_str(fd, "severity"));
		if (report_accepted(r, fd, NULL)) {
			fputs(" (", f);
			pdf_esc(f, i18n(r->lang, report_accepted(r, fd, NULL) == 2 ?
					MSG_ACCEPT_EXPIRED : MSG_ACCEPTED_UNTIL));
			fputs(")", f);
		}
		fputs(" <b>", f);
		pdf_esc(f, report_l10n(r, fd, "title"));
		fputs("</b>\n    ", f);
		pdf_esc(f, i18n(r->lang, MSG_TARGET));
		fputs(": ", f);
		pdf_esc(f, *a ? report_addr_label(r, a, name, sizeof(name)) : "-");
		if (report_has_port(fd)) {
			snprintf(buf, sizeof(buf), " %s/%lld", report_str(fd, "proto"),
				 report_int(fd, "port", -1));
			pdf_esc(f, buf);
		}
		fputs("\n    ", f);
		pdf_esc(f, i18n(r->lang, MSG_EVIDENCE));
		fputs(": ", f);
		pdf_esc(f, report_evidence(r, fd, ev, sizeof(ev)));
		fputs("\n    ", f);
		pdf_esc(f, i18n(r->lang, MSG_REMEDY));
		fputs(": ", f);
		pdf_esc(f, report_l10n(r, fd, "remedy"));
		fputs("\n    ", f);
		pdf_esc(f, i18n(r->lang, MSG_CHECKLIST));
		fputs(": ", f);
		pdf_esc(f, report_cl_label(r, fd, buf, sizeof(buf)));
		fputs("\n", f);
	}
}

/* The whole report as Pango markup (malloc'd), or NULL. */
static char *
pdf_markup(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("<span size=\"xx-large\" weight=\"bold\">", f);
	pdf_esc(f, i18n(r->lang, MSG_TITLE));
	fputs("</span>\n", f);
	if (*report_site(r)) {
		fputs("<span size=\"large\">", f);
		pdf_esc(f, report_site(r));
		fputs("</span>\n", f);
	}
	if (strcmp(report_str(r->run, "status"), "complete")) {
		fputs("<span foreground=\"#c00\" weight=\"bold\">", f);
		pdf_esc(f, i18n(r->lang, MSG_PARTIAL));
		fputs(": ", f);
		pdf_esc(f, i18n(r->lang, MSG_PARTIAL_WARN));
		fputs("</span>\n", f);
	}
	table_page1(f, r, &pdf_table);
	table_summary(f, r, &pdf_table);
	pdf_findings(f, r);
	table_exits(f, r, &pdf_table);
	table_peers(f, r, &pdf_table);
	table_flows(f, r, &pdf_table);
	table_inventory(f, r, &pdf_table);
	table_evidence(f, r, &pdf_table);
	table_run(f, r, &pdf_table);
	fputs("\n<span size=\"small\" foreground=\"#666\">", f);
	pdf_esc(f, i18n(r->lang, MSG_GENERATED_TZ));
	fputs(" ", f);
	pdf_esc(f, r->tz);
	fputs(".</span>", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static cairo_status_t
pdf_out(void *closure, const unsigned char *data, unsigned int length)
{
	return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS :
	       CAIRO_STATUS_WRITE_ERROR;
}

/* Lay the markup out on as many A4 pages as it needs. */
static void
pdf_text(cairo_t *cr, PangoLayout *l)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double page_top = 0, body = A4_H - 2 * MARGIN;

	do {
		PangoRectangle log;
		double top, bottom, base;

		pango_layout_iter_get_line_extents(it, NULL, &log);
		top = (double)log.y / PANGO_SCALE;
		bottom = (double)(log.y + log.height) / PANGO_SCALE;
		if (bottom - page_top > body) {
			cairo_show_page(cr);
			page_top = top;
		}
		base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		cairo_move_to(cr, MARGIN + (double)log.x / PANGO_SCALE, MARGIN + base - page_top);
		pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void
pdf_diagram(cairo_t *cr, const struct report *r)
{
	cairo_surface_t *img = cairo_image_surface_create_from_png(r->diagram_png);
	double w, h, s;

	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return;
	}
	w = cairo_image_surface_get_width(img);
	h = cairo_image_surface_get_height(img);
	cairo_show_page(cr);
	s = (A4_W - 2 * MARGIN) / w;
	if (h * s > A4_H - 2 * MARGIN)
		s = (A4_H - 2 * MARGIN) / h;
	cairo_save(cr);
	cairo_translate(cr, MARGIN, MARGIN);
	cairo_scale(cr, s, s);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_surface_destroy(img);
}

static int
pdf_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	char *markup = pdf_markup(r);
	cairo_surface_t *s;
	cairo_t *cr;
	PangoLayout *l;
	PangoFontDescription *fd;
	GError *gerr = NULL;
	PangoAttrList *attrs = NULL;
	char *text = NULL;
	int rc = 0;

	if (!markup) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, &gerr)) {
		snprintf(err, errlen, "pdf: internal markup error: %s", gerr ? gerr->message : "?");
		g_clear_error(&gerr);
		free(markup);
		return -1;
	}
	s = cairo_pdf_surface_create_for_stream(pdf_out, f, A4_W, A4_H);
	cr = cairo_create(s);
	l = pango_cairo_create_layout(cr);
	fd = pango_font_description_from_string(FONT " 9");
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)((A4_W - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_attributes(l, attrs);
	cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
	pdf_text(cr, l);
	if (r->diagram_png)
		pdf_diagram(cr, r);
	cairo_show_page(cr);
	pango_font_description_free(fd);
	g_object_unref(l);
	pango_attr_list_unref(attrs);
	g_free(text);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "pdf: %s", cairo_status_to_string(cairo_surface_status(s)));
		rc = -1;
	}
	cairo_surface_destroy(s);
	free(markup);
	/* Release pango's font map and the cairo/fontconfig caches: a report
	 * is one PDF per process, and leak checkers then see a clean exit. */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
	return rc;
}

/* the binary's stand-in for this writer (report.c) carries its summary,
 * so that listing the formats loads no module */
const struct report_writer report_pdf = {
	.name = "pdf",
	.write = pdf_write,
};
