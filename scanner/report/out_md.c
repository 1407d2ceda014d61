/*
 * out_md.c - the report as Markdown (GitHub-flavoured tables), for wikis,
 * tickets and e-mail.  Same sections and order as the HTML report.  Cell
 * text goes through report_esc_md(): table pipes, emphasis and link
 * characters are backslash-escaped and <, >, & become entities, so a
 * banner cannot add columns, links or raw HTML.  The sections shared with
 * HTML are written by table.c against md_table.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "scanner/input/policy.h"
#include "table.h"

static void
esc(FILE *f, const char *s)
{
	report_esc_md(f, s);
}

static void
heading(FILE *f, const struct report *r, const char *level, enum msg m)
{
	fprintf(f, "\n%s ", level);
	esc(f, i18n(r->lang, m));
	fputs("\n\n", f);
}

static void
md_section(FILE *f, const struct report *r, const char *id, enum msg title)
{
	(void)id;
	heading(f, r, "##", title);
}

static void
md_subheading(FILE *f, const struct report *r, enum msg title)
{
	heading(f, r, "###", title);
}

static void
header(FILE *f, const struct report *r, const enum msg *cols, size_t n)
{
	fputs("|", f);
	for (size_t i = 0; i < n; i++) {
		fputs(" ", f);
		esc(f, i18n(r->lang, cols[i]));
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (size_t i = 0; i < n; i++)
		fputs("---|", f);
	fputs("\n", f);
}

static void
sev_label(FILE *f, const struct report *r, const char *sev)
{
	esc(f, report_sev_label(r, sev));
}

static const struct table_syntax md_table = {
	.esc = report_esc_md,
	.section = md_section,
	.subheading = md_subheading,
	.header = header,
	.sev = sev_label,
	.section_end = "",
	.none = "_", .none_end = "_\n",
	.kv_table = "| | |\n|---|---|\n",
	.table_end = "\n",
	.row = "|", .row_end = "\n",
	.th = " ", .th_end = " |",
	.total = " **", .total_end = "** |",
	.td = " ", .td_risk = " ", .td_end = " |",
	.num = " ", .num_risk = " ",
	.zone_ends = 0,
	.para = "\n", .para_end = "\n",
	.lead = "\n**", .lead_end = "**\n\n",
};

static void
cell(FILE *f, const char *s)
{
	table_cell(f, &md_table, s);
}

/* Title, site and a partial run's warning, before the run table. */
static void
md_title(FILE *f, const struct report *r)
{
	fputs("# ", f);
	esc(f, i18n(r->lang, MSG_TITLE));
	fputs("\n", f);
	if (*report_site(r)) {
		fputs("\n**", f);
		esc(f, report_site(r));
		fputs("**\n", f);
	}
	if (strcmp(report_str(r->run, "status"), "complete")) {
		fputs("\n> **", f);
		esc(f, i18n(r->lang, MSG_PARTIAL));
		fputs("**: ", f);
		esc(f, i18n(r->lang, MSG_PARTIAL_WARN));
		fputs("\n", f);
	}
}

static void
md_findings(FILE *f, const struct report *r)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_FTITLE, MSG_TARGET, MSG_EVIDENCE,
					 MSG_REMEDY, MSG_CHECKLIST };
	json_t *fd;
	size_t i;
	char target[512], name[256], cl[512], ev[2048];

	if (!table_section(f, r, &md_table, "findings", MSG_FINDINGS, r->findings,
			   MSG_NO_FINDINGS))
		return;
	header(f, r, cols, 6);
	json_array_foreach(r->findings, i, fd) {
		const char *a = report_str(fd, "addr"), *z = report_str(fd, "zone");
		long long port = report_has_port(fd) ? report_int(fd, "port", -1) : -1;
		const struct accept_entry *ae;
		int acc = report_accepted(r, fd, &ae);

		if (!*z)
			z = report_zone(r, a);
		if (*a)
			a = report_addr_label(r, a, name, sizeof(name));
		if (port >= 0)
			snprintf(target, sizeof(target), "%s %s/%lld%s%s%s", a,
				 report_str(fd, "proto"), port, *z ? " (" : "", z, *z ? ")" : "");
		else
			snprintf(target, sizeof(target), "%s%s%s%s", a, *z ? " (" : "", z,
				 *z ? ")" : "");
		fputs("| **", f);
		esc(f, report_sev_label(r, report_str(fd, "severity")));
		fputs("**", f);
		if (acc) {
			fputs(" (", f);
			esc(f, i18n(r->lang, acc == 2 ? MSG_ACCEPT_EXPIRED : MSG_ACCEPTED_UNTIL));
			fputs(" ", f);
			esc(f, ae->until_str);
			fputs("; ", f);
			esc(f, i18n(r->lang, MSG_APPROVED_BY));
			fputs(": ", f);
			esc(f, ae->approved_by);
			fputs(")", f);
		}
		fprintf(f, " | %zu.", i + 1);
		cell(f, report_l10n(r, fd, "title"));
		cell(f, target);
		cell(f, report_evidence(r, fd, ev, sizeof(ev)));
		cell(f, report_l10n(r, fd, "remedy"));
		cell(f, report_cl_label(r, fd, cl, sizeof(cl)));
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

	char label[256];

	report_join(json_object_get(h, "hostnames"), ", ", names, sizeof(names));
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", report_addr_label(r, a, label, sizeof(label)),
		 *names ? " " : "", names,
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
		cell(f, report_product(s, prod, sizeof(prod)));
		cell(f, report_risks(r, s, ", ", buf, sizeof(buf)));
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

	md_section(f, r, "hosts", MSG_HOSTS);
	if (!json_array_size(r->hosts))
		table_none(f, r, &md_table, MSG_NO_HOSTS);
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

static int
md_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	md_title(f, r);
	table_page1(f, r, &md_table);
	table_summary(f, r, &md_table);
	md_findings(f, r);
	md_hosts(f, r);
	table_exits(f, r, &md_table);
	table_peers(f, r, &md_table);
	table_flows(f, r, &md_table);
	table_inventory(f, r, &md_table);
	table_evidence(f, r, &md_table);
	table_run(f, r, &md_table);
	fputs("\n---\n\n_", f);
	esc(f, i18n(r->lang, MSG_GENERATED_TZ));
	fputs(" ", f);
	esc(f, r->tz);
	fputs("._\n", f);
	return 0;
}

const struct report_writer report_md = {
	.name = "md",
	.summary = "Markdown report (same sections as HTML)",
	.write = md_write,
};
