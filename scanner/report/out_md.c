/*
 * out_md.c - the report as Markdown (GitHub-flavoured tables), for wikis,
 * tickets and e-mail.  Same sections and order as the HTML report.  Cell
 * text goes through report_esc_md(): table pipes, emphasis and link
 * characters are backslash-escaped and <, >, & become entities, so a
 * banner cannot add columns, links or raw HTML.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

static void
esc(FILE *f, const char *s)
{
	report_esc_md(f, s);
}

static void
cell(FILE *f, const char *s)
{
	fputs(" ", f);
	esc(f, s);
	fputs(" |", f);
}

static void
cell_num(FILE *f, long long v)
{
	if (v < 0)
		fputs("  |", f);
	else
		fprintf(f, " %lld |", v);
}

static void
header(FILE *f, const struct report *r, const enum msg *cols, size_t n)
{
	fputs("|", f);
	for (size_t i = 0; i < n; i++)
		cell(f, i18n(r->lang, cols[i]));
	fputs("\n|", f);
	for (size_t i = 0; i < n; i++)
		fputs("---|", f);
	fputs("\n", f);
}

static void
heading(FILE *f, const struct report *r, const char *level, enum msg m)
{
	fprintf(f, "\n%s ", level);
	esc(f, i18n(r->lang, m));
	fputs("\n\n", f);
}

static void
para(FILE *f, const struct report *r, enum msg m)
{
	fputs("_", f);
	esc(f, i18n(r->lang, m));
	fputs("_\n", f);
}

static void
kv(FILE *f, const struct report *r, const char *label, const char *value)
{
	(void)r;
	if (!value || !*value)
		return;
	fputs("|", f);
	cell(f, label);
	cell(f, value);
	fputs("\n", f);
}

static void
md_run(FILE *f, const struct report *r)
{
	const char *status = report_str(r->run, "status"), *w = i18n_word(r->lang, status);
	json_t *counters = json_object_get(r->run, "counters"), *keys, *k;
	char vant[256], num[32], warn[1024];
	size_t i;

	fputs("# ", f);
	esc(f, i18n(r->lang, MSG_TITLE));
	fputs("\n", f);
	if (*report_site(r)) {
		fputs("\n**", f);
		esc(f, report_site(r));
		fputs("**\n", f);
	}
	if (strcmp(status, "complete")) {
		fputs("\n> **", f);
		esc(f, i18n(r->lang, MSG_PARTIAL));
		fputs("**: ", f);
		esc(f, i18n(r->lang, MSG_PARTIAL_WARN));
		fputs("\n", f);
	}
	heading(f, r, "##", MSG_RUN);
	fputs("| | |\n|---|---|\n", f);
	kv(f, r, i18n(r->lang, MSG_SITE), report_site(r));
	kv(f, r, i18n(r->lang, MSG_KIND), i18n_word(r->lang, report_str(r->run, "kind")) ?
	   i18n_word(r->lang, report_str(r->run, "kind")) : report_str(r->run, "kind"));
	kv(f, r, i18n(r->lang, MSG_START), report_str(r->run, "start"));
	kv(f, r, i18n(r->lang, MSG_END), report_str(r->run, "end"));
	kv(f, r, i18n(r->lang, MSG_STATUS), w ? w : (*status ? status : i18n(r->lang, MSG_PARTIAL)));
	kv(f, r, i18n(r->lang, MSG_VANTAGE), report_vantage(r, vant, sizeof(vant)));
	kv(f, r, i18n(r->lang, MSG_POLICY_HASH), report_str(r->run, "policy_hash"));
	kv(f, r, i18n(r->lang, MSG_HVERSION), report_str(r->run, "heiiki_version"));
	keys = report_counter_keys(r);
	json_array_foreach(keys, i, k) {
		const char *name = json_string_value(k), *label = i18n_counter(r->lang, name);

		snprintf(num, sizeof(num), "%lld", report_int(counters, name, 0));
		kv(f, r, label ? label : name, num);
	}
	json_decref(keys);
	kv(f, r, i18n(r->lang, MSG_WARNINGS), report_join(json_object_get(r->run, "warnings"),
							   "; ", warn, sizeof(warn)));
}

static void
md_overview(FILE *f, const struct report *r)
{
	static const enum msg labels[] = { MSG_N_HOSTS, MSG_N_OPEN, MSG_N_REMOTE, MSG_N_EXITS,
					   MSG_N_UNDECLARED, MSG_N_PEERS, MSG_N_COUNTRIES,
					   MSG_N_RA_FLOWS };
	struct report_overview o;
	size_t v[8];

	report_overview(r, &o);
	v[0] = o.hosts, v[1] = o.open, v[2] = o.remote, v[3] = o.exits;
	v[4] = o.undeclared, v[5] = o.peers, v[6] = o.countries, v[7] = o.ra_flows;
	heading(f, r, "###", MSG_OVERVIEW);
	fputs("| | |\n|---|---|\n", f);
	for (size_t i = 0; i < 8; i++) {
		fputs("|", f);
		cell(f, i18n(r->lang, labels[i]));
		cell_num(f, (long long)v[i]);
		fputs("\n", f);
	}
}

static void
md_checklist(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_CHECKLIST, MSG_COUNT, MSG_WORST };
	json_t *items = report_checklist(r), *it;
	size_t i;

	if (json_array_size(items)) {
		heading(f, r, "###", MSG_CHECKLIST_SUMMARY);
		header(f, r, cols, 3);
	}
	json_array_foreach(items, i, it) {
		fputs("|", f);
		cell(f, *report_str(it, "item") ? report_str(it, "item") : "-");
		cell_num(f, report_int(it, "count", 0));
		cell(f, report_sev_label(r, report_rank_word((int)report_int(it, "worst", -1))));
		fputs("\n", f);
	}
	json_decref(items);
}

static void
md_summary(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_COUNT };
	size_t counts[5], total = report_sev_counts(r, counts);

	heading(f, r, "##", MSG_SUMMARY);
	header(f, r, cols, 2);
	for (int rank = RSEV_CRITICAL; rank >= RSEV_INFO; rank--) {
		fputs("|", f);
		cell(f, report_sev_label(r, report_rank_word(rank)));
		cell_num(f, (long long)counts[rank]);
		fputs("\n", f);
	}
	fputs("| **", f);
	esc(f, i18n(r->lang, MSG_TOTAL));
	fputs("** |", f);
	cell_num(f, (long long)total);
	fputs("\n", f);
	md_checklist(f, r);
	md_overview(f, r);
}

static void
md_findings(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_FTITLE, MSG_TARGET, MSG_EVIDENCE,
					 MSG_REMEDY, MSG_CHECKLIST, MSG_RULE };
	json_t *fd;
	size_t i;
	char target[256];

	heading(f, r, "##", MSG_FINDINGS);
	if (!json_array_size(r->findings)) {
		para(f, r, MSG_NO_FINDINGS);
		return;
	}
	header(f, r, cols, 7);
	json_array_foreach(r->findings, i, fd) {
		const char *a = report_str(fd, "addr"), *z = report_str(fd, "zone");
		long long port = report_has_port(fd) ? report_int(fd, "port", -1) : -1;

		if (!*z)
			z = report_zone(r, a);
		if (port >= 0)
			snprintf(target, sizeof(target), "%s %s/%lld%s%s%s", a,
				 report_str(fd, "proto"), port, *z ? " (" : "", z, *z ? ")" : "");
		else
			snprintf(target, sizeof(target), "%s%s%s%s", a, *z ? " (" : "", z,
				 *z ? ")" : "");
		fputs("| **", f);
		esc(f, report_sev_label(r, report_str(fd, "severity")));
		fputs("** |", f);
		cell(f, report_l10n(r, fd, "title"));
		cell(f, target);
		cell(f, report_l10n(r, fd, "evidence"));
		cell(f, report_l10n(r, fd, "remedy"));
		cell(f, report_l10n(r, fd, "checklist"));
		cell(f, report_str(fd, "rule"));
		fputs("\n", f);
	}
}

static void
md_host_rows(FILE *f, const struct report *r, const json_t *h)
{
	const char *a = report_str(h, "addr");
	json_t *svcs = json_object_get(r->by_addr, a), *s;
	char names[384], buf[1024], port[64];
	size_t j;

	report_join(json_object_get(h, "hostnames"), ", ", names, sizeof(names));
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", a, *names ? " " : "", names,
		 *report_str(h, "vendor") ? " / " : "", report_str(h, "vendor"));
	if (!json_array_size(svcs)) {
		fputs("|", f);
		cell(f, buf);
		cell(f, i18n(r->lang, MSG_NO_SERVICES));
		fputs(" | | | |\n", f);
		return;
	}
	json_array_foreach(svcs, j, s) {
		char prod[256];

		fputs("|", f);
		cell(f, j ? "" : buf);
		snprintf(port, sizeof(port), "%s/%lld", report_str(s, "proto"),
			 report_int(s, "port", -1));
		cell(f, port);
		cell(f, report_str(s, "service"));
		snprintf(prod, sizeof(prod), "%s%s%s", report_str(s, "product"),
			 *report_str(s, "version") ? " " : "", report_str(s, "version"));
		cell(f, prod);
		cell(f, report_join(json_object_get(s, "risks"), ", ", buf, sizeof(buf)));
		cell(f, report_details(s, buf, sizeof(buf)));
		fputs("\n", f);
	}
}

static void
md_hosts(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_HOST, MSG_PORT, MSG_SERVICE, MSG_PRODUCT,
					 MSG_RISKS, MSG_DETAILS };
	json_t *z, *h;
	size_t i, j;
	char desc[600];

	heading(f, r, "##", MSG_HOSTS);
	if (!json_array_size(r->hosts))
		para(f, r, MSG_NO_HOSTS);
	json_array_foreach(r->zones, i, z) {
		const char *zone = json_string_value(z);
		int any = 0;

		json_array_foreach(r->hosts, j, h) {
			if (strcmp(report_zone(r, report_str(h, "addr")), zone))
				continue;
			if (!any++) {
				fputs("\n### ", f);
				esc(f, *zone ? zone : i18n(r->lang, MSG_UNZONED));
				if (*report_zone_desc(r, zone, desc, sizeof(desc))) {
					fputs(" (", f);
					esc(f, desc);
					fputs(")", f);
				}
				fputs("\n\n", f);
				header(f, r, cols, 6);
			}
			md_host_rows(f, r, h);
		}
	}
}

static void
md_exits(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_NAME, MSG_ADDR, MSG_MAC, MSG_ZONE,
					 MSG_DECLARED, MSG_FLOWS_N, MSG_PURPOSE };
	json_t *x;
	size_t i;

	heading(f, r, "##", MSG_EXITS);
	if (!json_array_size(r->exits)) {
		para(f, r, MSG_NO_EXITS);
		return;
	}
	header(f, r, cols, 7);
	json_array_foreach(r->exits, i, x) {
		int declared = report_exit_declared(x);

		fputs("|", f);
		cell(f, report_exit_name(x));
		cell(f, report_exit_addr(x));
		cell(f, report_str(x, "mac"));
		cell(f, *report_str(x, "zone") ? report_str(x, "zone") :
		     report_zone(r, report_exit_addr(x)));
		cell(f, i18n(r->lang, declared ? MSG_YES : MSG_NO));
		cell_num(f, report_int(x, "flows", -1));
		cell(f, *report_str(x, "purpose") ? report_str(x, "purpose") :
		     report_str(x, "evidence"));
		fputs("\n", f);
	}
}

static void
md_peers(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_COUNTRY, MSG_ADDR, MSG_ASN, MSG_ASORG,
					 MSG_NAMES, MSG_REMOTE, MSG_FLOWS_N, MSG_BYTES };
	json_t *p;
	size_t i;
	char buf[512];

	heading(f, r, "##", MSG_PEERS);
	if (!json_array_size(r->peers)) {
		para(f, r, MSG_NO_PEERS);
		return;
	}
	header(f, r, cols, 8);
	json_array_foreach(r->peers, i, p) {
		long long asn = report_int(p, "asn", 0);

		fputs("|", f);
		cell(f, *report_str(p, "country") ? report_str(p, "country") : "?");
		cell(f, report_str(p, "addr"));
		buf[0] = '\0';
		if (asn > 0)
			snprintf(buf, sizeof(buf), "AS%lld", asn);
		cell(f, buf);
		cell(f, report_str(p, "as_org"));
		cell(f, report_join(json_object_get(p, "names"), ", ", buf, sizeof(buf)));
		cell(f, report_str(p, "remote_access"));
		cell_num(f, report_int(p, "flows", -1));
		cell_num(f, report_total(p, "bytes"));
		fputs("\n", f);
	}
}

static void
md_flows(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SRC, MSG_DST, MSG_SERVICE, MSG_PACKETS,
					 MSG_BYTES, MSG_FIRST, MSG_LAST };
	json_t *fl;
	size_t i, n = 0;
	char buf[256];

	heading(f, r, "##", MSG_RA_FLOWS);
	json_array_foreach(r->flows, i, fl) {
		if (!report_is_remote(fl))
			continue;
		if (!n++)
			header(f, r, cols, 7);
		fputs("|", f);
		cell(f, report_str(fl, "src"));
		cell(f, report_str(fl, "dst"));
		snprintf(buf, sizeof(buf), "%s %s/%lld", report_flow_service(fl),
			 report_proto(fl), report_int(fl, "dport", -1));
		cell(f, buf[0] == ' ' ? buf + 1 : buf);
		cell_num(f, report_total(fl, "packets"));
		cell_num(f, report_total(fl, "bytes"));
		cell(f, report_first(fl));
		cell(f, report_last(fl));
		fputs("\n", f);
	}
	if (!n)
		para(f, r, MSG_NO_RA);
}

static int
md_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	md_run(f, r);
	md_summary(f, r);
	md_findings(f, r);
	md_hosts(f, r);
	md_exits(f, r);
	md_peers(f, r);
	md_flows(f, r);
	fputs("\n---\n\n", f);
	para(f, r, MSG_GENERATED);
	return 0;
}

const struct report_writer report_md = {
	.name = "md",
	.summary = "Markdown report (same sections as HTML)",
	.write = md_write,
};
