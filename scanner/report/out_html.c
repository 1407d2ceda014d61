/*
 * out_html.c - the management/inspection report as one self-contained
 * HTML file: inline CSS, no script, no external resource (a CSP meta tag
 * forbids them, as a second line of defence behind escaping).  Printable
 * on A4.  Sections: run metadata (a partial run is marked in red at the
 * top), summary by severity, findings, hosts and open services per zone,
 * external connection points, external peers, remote-access flows.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

static const char css[] =
	"body{font-family:\"Noto Sans JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,"
	"sans-serif;margin:2em;color:#222;line-height:1.45}\n"
	"h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #345;"
	"padding-bottom:.2em;margin-top:2em}h3{margin-bottom:.3em}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:.92em}\n"
	"th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
	"vertical-align:top;word-break:break-word}\n"
	"th{background:#eef1f5}td.n{text-align:right}\n"
	".kv th{width:14em}.site{font-size:1.2em;color:#345}\n"
	".partial{background:#fde2e1;border:3px solid #c00;color:#900;padding:.6em 1em;"
	"font-weight:bold}\n"
	".sev{font-weight:bold;white-space:nowrap;padding:.1em .4em;border-radius:3px}\n"
	".sev-critical{background:#7b0000;color:#fff}.sev-high{background:#d32f2f;color:#fff}\n"
	".sev-medium{background:#f9a825}.sev-low{background:#c5e1a5}"
	".sev-info{background:#e0e0e0}\n"
	".risk{color:#b00;font-weight:bold}.none{color:#777}"
	".mono{font-family:monospace}\n"
	"footer{margin-top:3em;font-size:.8em;color:#666}\n"
	"@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}\n";

static void
esc(FILE *f, const char *s)
{
	report_esc_html(f, s);
}

static void
td(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc(f, s);
	fputs("</td>", f);
}

static void
td_num(FILE *f, long long v)
{
	if (v < 0)
		fputs("<td class=\"n\"></td>", f);
	else
		fprintf(f, "<td class=\"n\">%lld</td>", v);
}

static void
th_row(FILE *f, const struct report *r, const enum msg *cols, size_t n)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<th>", f);
		esc(f, i18n(r->lang, cols[i]));
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
}

static void
kv_row(FILE *f, const struct report *r, enum msg label, const char *value)
{
	if (!value || !*value)
		return;
	fputs("<tr><th>", f);
	esc(f, i18n(r->lang, label));
	fputs("</th>", f);
	td(f, value);
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

static void
html_run(FILE *f, const struct report *r)
{
	const char *status = report_str(r->run, "status");
	const char *word = i18n_word(r->lang, status);
	int partial = strcmp(status, "complete") != 0;
	char vant[256], warn[1024];
	json_t *keys, *k;
	size_t i;

	if (partial) {
		fputs("<p class=\"partial\">", f);
		esc(f, i18n(r->lang, MSG_PARTIAL));
		fputs(": ", f);
		esc(f, i18n(r->lang, MSG_PARTIAL_WARN));
		fputs("</p>\n", f);
	}
	fputs("<section id=\"run\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_RUN));
	fputs("</h2>\n<table class=\"kv\">\n", f);
	kv_row(f, r, MSG_SITE, report_site(r));
	kv_row(f, r, MSG_KIND, i18n_word(r->lang, report_str(r->run, "kind")) ?
	       i18n_word(r->lang, report_str(r->run, "kind")) : report_str(r->run, "kind"));
	kv_row(f, r, MSG_START, report_str(r->run, "start"));
	kv_row(f, r, MSG_END, report_str(r->run, "end"));
	kv_row(f, r, MSG_STATUS, word ? word : (*status ? status : i18n(r->lang, MSG_PARTIAL)));
	kv_row(f, r, MSG_VANTAGE, report_vantage(r, vant, sizeof(vant)));
	kv_row(f, r, MSG_POLICY_HASH, report_str(r->run, "policy_hash"));
	kv_row(f, r, MSG_HVERSION, report_str(r->run, "heiiki_version"));
	keys = report_counter_keys(r);
	json_array_foreach(keys, i, k) {
		const char *name = json_string_value(k), *label = i18n_counter(r->lang, name);
		char num[32];

		snprintf(num, sizeof(num), "%lld",
			 report_int(json_object_get(r->run, "counters"), name, 0));
		fputs("<tr><th>", f);
		esc(f, label ? label : name);
		fputs("</th>", f);
		td(f, num);
		fputs("</tr>\n", f);
	}
	json_decref(keys);
	kv_row(f, r, MSG_WARNINGS, report_join(json_object_get(r->run, "warnings"), "; ",
					       warn, sizeof(warn)));
	fputs("</table>\n</section>\n", f);
}

static void
num_row(FILE *f, const struct report *r, enum msg label, size_t n, int alarm)
{
	fputs("<tr><th>", f);
	esc(f, i18n(r->lang, label));
	fprintf(f, "</th><td class=\"n%s\">%zu</td></tr>\n", alarm && n ? " risk" : "", n);
}

static void
html_overview(FILE *f, const struct report *r)
{
	struct report_overview o;

	report_overview(r, &o);
	fputs("<h3>", f);
	esc(f, i18n(r->lang, MSG_OVERVIEW));
	fputs("</h3>\n<table class=\"kv\">\n", f);
	num_row(f, r, MSG_N_HOSTS, o.hosts, 0);
	num_row(f, r, MSG_N_OPEN, o.open, 0);
	num_row(f, r, MSG_N_REMOTE, o.remote, 1);
	num_row(f, r, MSG_N_EXITS, o.exits, 0);
	num_row(f, r, MSG_N_UNDECLARED, o.undeclared, 1);
	num_row(f, r, MSG_N_PEERS, o.peers, 0);
	num_row(f, r, MSG_N_COUNTRIES, o.countries, 0);
	num_row(f, r, MSG_N_RA_FLOWS, o.ra_flows, 1);
	fputs("</table>\n", f);
}

static void
html_checklist(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_CHECKLIST, MSG_COUNT, MSG_WORST };
	json_t *items = report_checklist(r), *it;
	size_t i;

	if (json_array_size(items)) {
		fputs("<h3>", f);
		esc(f, i18n(r->lang, MSG_CHECKLIST_SUMMARY));
		fputs("</h3>\n<table>\n", f);
		th_row(f, r, cols, 3);
	}
	json_array_foreach(items, i, it) {
		fputs("<tr>", f);
		td(f, *report_str(it, "item") ? report_str(it, "item") : "-");
		td_num(f, report_int(it, "count", 0));
		fputs("<td>", f);
		sev_badge(f, r, report_rank_word((int)report_int(it, "worst", -1)));
		fputs("</td></tr>\n", f);
	}
	if (json_array_size(items))
		fputs("</table>\n", f);
	json_decref(items);
}

static void
html_summary(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_COUNT };
	size_t counts[5], total = report_sev_counts(r, counts);

	fputs("<section id=\"summary\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_SUMMARY));
	fputs("</h2>\n<table>\n", f);
	th_row(f, r, cols, 2);
	for (int rank = RSEV_CRITICAL; rank >= RSEV_INFO; rank--) {
		fputs("<tr><td>", f);
		sev_badge(f, r, report_rank_word(rank));
		fputs("</td>", f);
		td_num(f, (long long)counts[rank]);
		fputs("</tr>\n", f);
	}
	fputs("<tr><th>", f);
	esc(f, i18n(r->lang, MSG_TOTAL));
	fputs("</th>", f);
	td_num(f, (long long)total);
	fputs("</tr>\n</table>\n", f);
	html_checklist(f, r);
	html_overview(f, r);
	fputs("</section>\n", f);
}

/* "198.18.10.10 tcp/3389 (servers)" */
static void
target_text(const struct report *r, const json_t *o, char *buf, size_t len)
{
	const char *a = report_str(o, "addr"), *z = report_str(o, "zone");
	long long port = report_has_port(o) ? report_int(o, "port", -1) : -1;
	size_t off;

	if (!*z && *a)
		z = report_zone(r, a);
	off = (size_t)snprintf(buf, len, "%s", a);
	if (port >= 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%s%s/%lld", off ? " " : "",
					report_str(o, "proto"), port);
	if (*z && off < len)
		snprintf(buf + off, len - off, "%s(%s)", off ? " " : "", z);
}

static void
html_findings(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_FTITLE, MSG_TARGET,
					 MSG_EVIDENCE, MSG_REMEDY, MSG_CHECKLIST };
	json_t *fd;
	size_t i;
	char target[256];

	fputs("<section id=\"findings\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_FINDINGS));
	fputs("</h2>\n", f);
	if (!json_array_size(r->findings)) {
		fputs("<p class=\"none\">", f);
		esc(f, i18n(r->lang, MSG_NO_FINDINGS));
		fputs("</p>\n</section>\n", f);
		return;
	}
	fputs("<table>\n", f);
	th_row(f, r, cols, 6);
	json_array_foreach(r->findings, i, fd) {
		target_text(r, fd, target, sizeof(target));
		fputs("<tr><td>", f);
		sev_badge(f, r, report_str(fd, "severity"));
		fputs("</td><td>", f);
		esc(f, report_l10n(r, fd, "title"));
		fputs("<br><span class=\"mono none\">", f);
		esc(f, report_str(fd, "rule"));
		fputs("</span></td>", f);
		fputs("<td class=\"mono\">", f);
		esc(f, target);
		fputs("</td>", f);
		td(f, report_l10n(r, fd, "evidence"));
		td(f, report_l10n(r, fd, "remedy"));
		td(f, report_l10n(r, fd, "checklist"));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</section>\n", f);
}

static void
host_cell(FILE *f, const json_t *h, size_t rows)
{
	char names[512];

	fprintf(f, "<td rowspan=\"%zu\"><span class=\"mono\">", rows ? rows : 1);
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
	snprintf(prod, sizeof(prod), "%s%s%s", report_str(s, "product"),
		 *report_str(s, "version") ? " " : "", report_str(s, "version"));
	td(f, prod);
	fputs("<td class=\"risk\">", f);
	esc(f, report_join(json_object_get(s, "risks"), ", ", buf, sizeof(buf)));
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
	fputs("</h3>\n<table>\n", f);
	th_row(f, r, cols, 6);
	json_array_foreach(r->hosts, i, h) {
		const char *a = report_str(h, "addr");

		if (strcmp(report_zone(r, a), zone))
			continue;
		svcs = json_object_get(r->by_addr, a);
		fputs("<tr>", f);
		host_cell(f, h, json_array_size(svcs));
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

	fputs("<section id=\"hosts\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_HOSTS));
	fputs("</h2>\n", f);
	if (!json_array_size(r->hosts)) {
		fputs("<p class=\"none\">", f);
		esc(f, i18n(r->lang, MSG_NO_HOSTS));
		fputs("</p>\n", f);
	}
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

static void
html_exits(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_NAME, MSG_ADDR, MSG_MAC, MSG_ZONE,
					 MSG_DECLARED, MSG_FLOWS_N, MSG_PURPOSE };
	json_t *x;
	size_t i;

	fputs("<section id=\"exits\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_EXITS));
	fputs("</h2>\n", f);
	if (!json_array_size(r->exits)) {
		fputs("<p class=\"none\">", f);
		esc(f, i18n(r->lang, MSG_NO_EXITS));
		fputs("</p>\n</section>\n", f);
		return;
	}
	fputs("<table>\n", f);
	th_row(f, r, cols, 7);
	json_array_foreach(r->exits, i, x) {
		int declared = report_exit_declared(x);

		fputs("<tr>", f);
		td(f, report_exit_name(x));
		td(f, report_exit_addr(x));
		td(f, report_str(x, "mac"));
		td(f, *report_str(x, "zone") ? report_str(x, "zone") :
		   report_zone(r, report_exit_addr(x)));
		fprintf(f, "<td%s>", declared ? "" : " class=\"risk\"");
		esc(f, i18n(r->lang, declared ? MSG_YES : MSG_NO));
		fputs("</td>", f);
		td_num(f, report_int(x, "flows", -1));
		td(f, *report_str(x, "purpose") ? report_str(x, "purpose") :
		   report_str(x, "evidence"));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</section>\n", f);
}

static void
html_peers(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_COUNTRY, MSG_ADDR, MSG_ASN, MSG_ASORG,
					 MSG_NAMES, MSG_REMOTE, MSG_FLOWS_N, MSG_BYTES };
	json_t *p;
	size_t i;
	char buf[512];

	fputs("<section id=\"peers\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_PEERS));
	fputs("</h2>\n", f);
	if (!json_array_size(r->peers)) {
		fputs("<p class=\"none\">", f);
		esc(f, i18n(r->lang, MSG_NO_PEERS));
		fputs("</p>\n</section>\n", f);
		return;
	}
	fputs("<table>\n", f);
	th_row(f, r, cols, 8);
	json_array_foreach(r->peers, i, p) {
		long long asn = report_int(p, "asn", 0);

		fputs("<tr>", f);
		td(f, *report_str(p, "country") ? report_str(p, "country") : "?");
		td(f, report_str(p, "addr"));
		buf[0] = '\0';
		if (asn > 0)
			snprintf(buf, sizeof(buf), "AS%lld", asn);
		td(f, buf);
		td(f, report_str(p, "as_org"));
		td(f, report_join(json_object_get(p, "names"), ", ", buf, sizeof(buf)));
		fputs("<td class=\"risk\">", f);
		esc(f, report_str(p, "remote_access"));
		fputs("</td>", f);
		td_num(f, report_int(p, "flows", -1));
		td_num(f, report_total(p, "bytes"));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</section>\n", f);
}

/* "addr (zone)" or "addr (CC)" for one end of a flow. */
static void
flow_end(const struct report *r, const json_t *fl, const char *end, char *buf, size_t len)
{
	char zkey[16];
	const char *addr = report_str(fl, end), *z = report_zone(r, addr);
	json_t *peer = json_object_get(r->peer_of, addr);

	snprintf(zkey, sizeof(zkey), "%s_zone", end);
	if (!*z)
		z = report_str(fl, zkey);
	if (*z)
		snprintf(buf, len, "%s (%s)", addr, z);
	else if (peer && *report_str(peer, "country"))
		snprintf(buf, len, "%s (%s)", addr, report_str(peer, "country"));
	else
		snprintf(buf, len, "%s", addr);
}

static void
html_flows(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SRC, MSG_DST, MSG_SERVICE, MSG_PACKETS,
					 MSG_BYTES, MSG_FIRST, MSG_LAST };
	json_t *fl;
	size_t i, n = 0;
	char buf[256];

	fputs("<section id=\"flows\">\n<h2>", f);
	esc(f, i18n(r->lang, MSG_RA_FLOWS));
	fputs("</h2>\n", f);
	json_array_foreach(r->flows, i, fl) {
		if (!report_is_remote(fl))
			continue;
		if (!n++) {
			fputs("<table>\n", f);
			th_row(f, r, cols, 7);
		}
		fputs("<tr>", f);
		flow_end(r, fl, "src", buf, sizeof(buf));
		td(f, buf);
		flow_end(r, fl, "dst", buf, sizeof(buf));
		td(f, buf);
		snprintf(buf, sizeof(buf), "%s %s/%lld", report_flow_service(fl),
			 report_proto(fl), report_int(fl, "dport", -1));
		td(f, buf[0] == ' ' ? buf + 1 : buf);
		td_num(f, report_total(fl, "packets"));
		td_num(f, report_total(fl, "bytes"));
		td(f, report_first(fl));
		td(f, report_last(fl));
		fputs("</tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else {
		fputs("<p class=\"none\">", f);
		esc(f, i18n(r->lang, MSG_NO_RA));
		fputs("</p>\n", f);
	}
	fputs("</section>\n", f);
}

static int
html_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	html_head(f, r);
	html_run(f, r);
	html_summary(f, r);
	html_findings(f, r);
	html_hosts(f, r);
	html_exits(f, r);
	html_peers(f, r);
	html_flows(f, r);
	fputs("<footer>", f);
	esc(f, i18n(r->lang, MSG_GENERATED));
	fputs("</footer>\n</body>\n</html>\n", f);
	return 0;
}

const struct report_writer report_html = {
	.name = "html",
	.summary = "self-contained HTML report (inline CSS, no script)",
	.write = html_write,
};
