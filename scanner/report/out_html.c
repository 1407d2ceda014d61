/*
 * out_html.c - the management/inspection report as one self-contained
 * HTML file: inline CSS, no script, no external resource (a CSP meta tag
 * forbids them, as a second line of defence behind escaping).  Printable
 * on A4.  Sections: run metadata (a partial run is marked in red at the
 * top), summary by severity, findings, hosts and open services per zone,
 * external connection points, external peers, remote-access flows.
 * The sections Markdown prints alike are written by table.c against
 * html_table; findings and hosts (badges, row spans) are written here.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "scanner/input/policy.h"
#include "table.h"

static const char css[] =
	"body{font-family:\"Noto Sans JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,"
	"sans-serif;margin:2em;color:#222;line-height:1.45}\n"
	"h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #345;"
	"padding-bottom:.2em;margin-top:2em}h3{margin-bottom:.3em}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:.92em}\n"
	"th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
	"vertical-align:top;overflow-wrap:break-word}\n"
	"th{background:#eef1f5}td.n{text-align:right}\n"
	".kv th{width:14em}.site{font-size:1.2em;color:#345}\n"
	".partial{background:#fde2e1;border:3px solid #c00;color:#900;padding:.6em 1em;"
	"font-weight:bold}\n"
	".sev{font-weight:bold;white-space:nowrap;padding:.1em .4em;border-radius:3px}\n"
	".sev-critical{background:#7b0000;color:#fff}.sev-high{background:#d32f2f;color:#fff}\n"
	".sev-medium{background:#f9a825}.sev-low{background:#c5e1a5}"
	".sev-info{background:#e0e0e0}\n"
	".risk{color:#b00;font-weight:bold}.none{color:#777}"
	".mono{font-family:monospace}.addr{white-space:nowrap}\n"
	"td.cl{min-width:9em}.lead{font-size:1.25em;font-weight:bold;border-left:6px solid #345;"
	"padding:.4em .8em;background:#f4f6f9;margin:.4em 0}\n"
	"#page1 h2{margin-top:.6em}#page1 h3{margin:.6em 0 .2em}header p{margin:.2em 0}\n"
	"#page1 th,#page1 td:last-child,td:first-child .sev{white-space:nowrap}\n"
	".accepted{display:inline-block;margin-top:.2em;font-size:.85em;color:#555;"
	"border:1px solid #999;border-radius:3px;padding:0 .3em}"
	".expired{color:#b00;border-color:#b00}\n"
	"footer{margin-top:3em;font-size:.8em;color:#666}\n"
	"@page{size:A4;margin:12mm}\n"
	"@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}\n"
	/* A4 (186 mm printable = 703 px) and narrow windows: every table fits
	 * the width - fixed layout, smaller type, long text wraps anywhere but
	 * an address only at its spaces */
	"@media print,(max-width:800px){table{table-layout:fixed;font-size:.74em}"
	"th,td{padding:.15em .2em;overflow-wrap:anywhere}"
	".addr{white-space:normal;overflow-wrap:break-word}td.n{overflow-wrap:normal}"
	"#page1 th,#page1 td:last-child{white-space:normal}td.cl{min-width:0}"
	".kv th{width:9em}.sev{white-space:normal}}\n";

static void
esc(FILE *f, const char *s)
{
	report_esc_html(f, s);
}

static void
html_section(FILE *f, const struct report *r, const char *id, enum msg title)
{
	fprintf(f, "<section id=\"%s\">\n<h2>", id);
	esc(f, i18n(r->lang, title));
	fputs("</h2>\n", f);
}

static void
html_subheading(FILE *f, const struct report *r, enum msg title)
{
	fputs("<h3>", f);
	esc(f, i18n(r->lang, title));
	fputs("</h3>\n", f);
}

static void
html_header(FILE *f, const struct report *r, const enum msg *cols, size_t n)
{
	fputs("<table>\n<tr>", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<th>", f);
		esc(f, i18n(r->lang, cols[i]));
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
}

static void
sev_badge(FILE *f, const struct report *r, const char *sev)
{
	int rank = report_sev_rank(sev);

	fprintf(f, "<span class=\"sev sev-%s\">", rank >= 0 ? sev : "info");
	esc(f, report_sev_label(r, sev));
	fputs("</span>", f);
}

static const struct table_syntax html_table = {
	.esc = report_esc_html,
	.section = html_section,
	.subheading = html_subheading,
	.header = html_header,
	.sev = sev_badge,
	.section_end = "</section>\n",
	.none = "<p class=\"none\">", .none_end = "</p>\n",
	.kv_table = "<table class=\"kv\">\n",
	.table_end = "</table>\n",
	.row = "<tr>", .row_end = "</tr>\n",
	.th = "<th>", .th_end = "</th>",
	.total = "<th>", .total_end = "</th>",
	.td = "<td>", .td_risk = "<td class=\"risk\">", .td_end = "</td>",
	.num = "<td class=\"n\">", .num_risk = "<td class=\"n risk\">",
	.zone_ends = 1,
	.para = "<p>", .para_end = "</p>\n",
	.lead = "<p class=\"lead\">", .lead_end = "</p>\n",
};

static void
td(FILE *f, const char *s)
{
	table_cell(f, &html_table, s);
}

static void
html_head(FILE *f, const struct report *r)
{
	const char *site = report_site(r);

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
		i18n_lang_code(r->lang));
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n", f);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
	fputs("<title>heiiki: ", f);
	esc(f, i18n(r->lang, MSG_TITLE));
	if (*site) {
		fputs(" - ", f);
		esc(f, site);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	esc(f, i18n(r->lang, MSG_TITLE));
	fputs("</h1>\n", f);
	if (*site) {
		fputs("<p class=\"site\">", f);
		esc(f, site);
		fputs("</p>\n", f);
	}
	fputs("</header>\n", f);
}

/* A partial run is marked at the top, before anything else is read. */
static void
html_partial(FILE *f, const struct report *r)
{
	if (!strcmp(report_str(r->run, "status"), "complete"))
		return;
	fputs("<p class=\"partial\">", f);
	esc(f, i18n(r->lang, MSG_PARTIAL));
	fputs(": ", f);
	esc(f, i18n(r->lang, MSG_PARTIAL_WARN));
	fputs("</p>\n", f);
}

/* "PACS サーバ (198.18.10.20) tcp/3389 (servers)" */
static void
target_text(const struct report *r, const json_t *o, char *buf, size_t len)
{
	const char *a = report_str(o, "addr"), *z = report_str(o, "zone");
	long long port = report_has_port(o) ? report_int(o, "port", -1) : -1;
	char name[256];
	size_t off;

	if (!*z && *a)
		z = report_zone(r, a);
	off = (size_t)snprintf(buf, len, "%s", *a ? report_addr_label(r, a, name, sizeof(name)) : "");
	if (port >= 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%s%s/%lld", off ? " " : "",
					report_str(o, "proto"), port);
	if (*z && off < len)
		snprintf(buf + off, len - off, "%s(%s)", off ? " " : "", z);
}

/* "accepted until 2027-04-30 (approved by ...; reason ...)" */
static void
accepted_note(FILE *f, const struct report *r, const struct accept_entry *ae, int state)
{
	fprintf(f, "<br><span class=\"accepted%s\">", state == 2 ? " expired" : "");
	esc(f, i18n(r->lang, state == 2 ? MSG_ACCEPT_EXPIRED : MSG_ACCEPTED_UNTIL));
	fputs(" ", f);
	esc(f, ae->until_str);
	fputs("<br>", f);
	esc(f, i18n(r->lang, MSG_APPROVED_BY));
	fputs(": ", f);
	esc(f, ae->approved_by);
	fputs("<br>", f);
	esc(f, i18n(r->lang, MSG_REASON));
	fputs(": ", f);
	esc(f, ae->reason);
	fputs("</span>", f);
}

static void
html_findings(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_FTITLE, MSG_TARGET,
					 MSG_EVIDENCE, MSG_REMEDY, MSG_CHECKLIST };
	json_t *fd;
	size_t i;
	char target[512], cl[512], ev[2048];

	if (!table_section(f, r, &html_table, "findings", MSG_FINDINGS, r->findings,
			   MSG_NO_FINDINGS))
		return;
	html_header(f, r, cols, 6);
	json_array_foreach(r->findings, i, fd) {
		const struct accept_entry *ae;
		int acc = report_accepted(r, fd, &ae);

		target_text(r, fd, target, sizeof(target));
		fprintf(f, "<tr id=\"f%zu\"><td>", i + 1);
		sev_badge(f, r, report_str(fd, "severity"));
		if (acc)
			accepted_note(f, r, ae, acc);
		fputs("</td><td title=\"", f);
		esc(f, report_str(fd, "rule"));
		fprintf(f, "\">%zu. ", i + 1);
		esc(f, report_l10n(r, fd, "title"));
		fputs("</td>", f);
		fputs("<td class=\"addr\">", f);
		esc(f, target);
		fputs("</td>", f);
		td(f, report_evidence(r, fd, ev, sizeof(ev)));
		td(f, report_l10n(r, fd, "remedy"));
		fputs("<td class=\"cl\">", f);
		esc(f, report_cl_label(r, fd, cl, sizeof(cl)));
		fputs("</td>", f);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</section>\n", f);
}

static void
host_cell(FILE *f, const struct report *r, const json_t *h, size_t rows)
{
	char names[512];
	const struct asset *as = report_asset(r, report_str(h, "addr"));

	fprintf(f, "<td rowspan=\"%zu\">", rows ? rows : 1);
	if (as) {
		fputs("<b>", f);
		esc(f, as->name);
		fputs("</b><br>", f);
	}
	fputs("<span class=\"mono addr\">", f);
	esc(f, report_str(h, "addr"));
	fputs("</span>", f);
	report_join(json_object_get(h, "hostnames"), ", ", names, sizeof(names));
	if (*names) {
		fputs("<br>", f);
		esc(f, names);
	}
	if (*report_str(h, "mac")) {
		fputs("<br><span class=\"mono\">", f);
		esc(f, report_str(h, "mac"));
		fputs("</span>", f);
	}
	if (*report_str(h, "vendor")) {
		fputs("<br>", f);
		esc(f, report_str(h, "vendor"));
	}
	fputs("</td>", f);
}

static void
service_cells(FILE *f, const struct report *r, const json_t *s)
{
	char buf[512], prod[256];
	int hot = report_hot(r, report_str(s, "addr"), report_str(s, "proto"),
			     report_int(s, "port", -1));
	int risky = hot >= RSEV_HIGH || report_is_remote(s) ||
		    json_array_size(json_object_get(s, "risks"));

	fprintf(f, "<td class=\"mono%s\">", risky ? " risk" : "");
	snprintf(buf, sizeof(buf), "%s/%lld", report_str(s, "proto"), report_int(s, "port", -1));
	esc(f, buf);
	if (strcmp(report_str(s, "state"), "open") && *report_str(s, "state")) {
		fputs(" (", f);
		esc(f, report_str(s, "state"));
		fputs(")", f);
	}
	fputs("</td>", f);
	td(f, report_str(s, "service"));
	td(f, report_product(s, prod, sizeof(prod)));
	fputs("<td class=\"risk\">", f);
	esc(f, report_risks(r, s, ", ", buf, sizeof(buf)));
	fputs("</td>", f);
	fputs("<td class=\"mono\">", f);
	esc(f, report_details(s, buf, sizeof(buf)));
	fputs("</td>", f);
}

static void
html_zone(FILE *f, const struct report *r, const char *zone)
{
	static const enum msg cols[] = { MSG_HOST, MSG_PORT, MSG_SERVICE, MSG_PRODUCT,
					 MSG_RISKS, MSG_DETAILS };
	json_t *h, *svcs, *s;
	size_t i, j;
	char desc[600];

	fputs("<h3>", f);
	esc(f, *zone ? zone : i18n(r->lang, MSG_UNZONED));
	if (*report_zone_desc(r, zone, desc, sizeof(desc))) {
		fputs(" <small class=\"none\">", f);
		esc(f, desc);
		fputs("</small>", f);
	}
	fputs("</h3>\n", f);
	html_header(f, r, cols, 6);
	json_array_foreach(r->hosts, i, h) {
		const char *a = report_str(h, "addr");

		if (strcmp(report_zone(r, a), zone))
			continue;
		svcs = json_object_get(r->by_addr, a);
		fputs("<tr>", f);
		host_cell(f, r, h, json_array_size(svcs));
		if (!json_array_size(svcs)) {
			fputs("<td colspan=\"5\" class=\"none\">", f);
			esc(f, i18n(r->lang, MSG_NO_SERVICES));
			fputs("</td></tr>\n", f);
			continue;
		}
		json_array_foreach(svcs, j, s) {
			if (j)
				fputs("<tr>", f);
			service_cells(f, r, s);
			fputs("</tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

static void
html_hosts(FILE *f, const struct report *r)
{
	json_t *z;
	size_t i;

	html_section(f, r, "hosts", MSG_HOSTS);
	if (!json_array_size(r->hosts))
		table_none(f, r, &html_table, MSG_NO_HOSTS);
	json_array_foreach(r->zones, i, z) {
		int any = 0;
		json_t *h;
		size_t j;

		json_array_foreach(r->hosts, j, h)
			any |= !strcmp(report_zone(r, report_str(h, "addr")),
				       json_string_value(z));
		if (any)
			html_zone(f, r, json_string_value(z));
	}
	fputs("</section>\n", f);
}

static int
html_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	html_head(f, r);
	html_partial(f, r);
	table_page1(f, r, &html_table);
	table_summary(f, r, &html_table);
	html_findings(f, r);
	html_hosts(f, r);
	table_exits(f, r, &html_table);
	table_peers(f, r, &html_table);
	table_flows(f, r, &html_table);
	table_inventory(f, r, &html_table);
	table_evidence(f, r, &html_table);
	table_run(f, r, &html_table);
	fputs("<footer>", f);
	esc(f, i18n(r->lang, MSG_GENERATED_TZ));
	fputs(" ", f);
	esc(f, r->tz);
	fputs(".</footer>\n</body>\n</html>\n", f);
	return 0;
}

const struct report_writer report_html = {
	.name = "html",
	.summary = "self-contained HTML report (inline CSS, no script)",
	.write = html_write,
};
