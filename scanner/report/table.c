/*
 * table.c - report sections that HTML and Markdown print alike (see
 * table.h): run metadata, the summary by severity with the checklist and
 * the overview, external connection points, external peers and
 * remote-access flows.  Only the syntax comes from the writer, so the two
 * reports cannot drift apart in columns or order.
 */
#include <stdio.h>
#include <string.h>

#include "table.h"

static void
wrap(FILE *f, const struct table_syntax *sx, const char *open, const char *s,
     const char *close)
{
	fputs(open, f);
	sx->esc(f, s);
	fputs(close, f);
}

void
table_cell(FILE *f, const struct table_syntax *sx, const char *s)
{
	wrap(f, sx, sx->td, s, sx->td_end);
}

static void
num_as(FILE *f, const struct table_syntax *sx, const char *open, long long v)
{
	fputs(open, f);
	if (v >= 0)
		fprintf(f, "%lld", v);
	fputs(sx->td_end, f);
}

void
table_num(FILE *f, const struct table_syntax *sx, long long v)
{
	num_as(f, sx, sx->num, v);
}

static void
sev_cell(FILE *f, const struct report *r, const struct table_syntax *sx, const char *sev)
{
	fputs(sx->td, f);
	sx->sev(f, r, sev);
	fputs(sx->td_end, f);
}

void
table_none(FILE *f, const struct report *r, const struct table_syntax *sx, enum msg m)
{
	wrap(f, sx, sx->none, i18n(r->lang, m), sx->none_end);
}

int
table_section(FILE *f, const struct report *r, const struct table_syntax *sx, const char *id,
	      enum msg title, const json_t *rows, enum msg none)
{
	sx->section(f, r, id, title);
	if (json_array_size(rows))
		return 1;
	table_none(f, r, sx, none);
	fputs(sx->section_end, f);
	return 0;
}

/* A capture section of a document without a capture: "not measured",
 * never "none observed".  1 when it wrote that. */
static int
not_measured(FILE *f, const struct report *r, const struct table_syntax *sx, const char *id,
	     enum msg title)
{
	if (r->measured_traffic)
		return 0;
	sx->section(f, r, id, title);
	table_none(f, r, sx, MSG_NOT_MEASURED);
	fputs(sx->section_end, f);
	return 1;
}

/* A label/value row, left out when the value is empty. */
void
table_kv(FILE *f, const struct table_syntax *sx, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	fputs(sx->row, f);
	wrap(f, sx, sx->th, label, sx->th_end);
	table_cell(f, sx, value);
	fputs(sx->row_end, f);
}

void
table_run(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	const char *status = report_str(r->run, "status"), *w = i18n_word(r->lang, status);
	const char *kind = report_str(r->run, "kind");
	json_t *counters = json_object_get(r->run, "counters"), *keys, *k;
	char vant[256], num[32], warn[1024], t0[64], t1[64];
	size_t i;

	sx->section(f, r, "appendix", MSG_APPENDIX);
	fputs(sx->kv_table, f);
	table_kv(f, sx, i18n(r->lang, MSG_SITE), report_site(r));
	table_kv(f, sx, i18n(r->lang, MSG_KIND),
	       i18n_word(r->lang, kind) ? i18n_word(r->lang, kind) : kind);
	table_kv(f, sx, i18n(r->lang, MSG_START), report_time(r, report_str(r->run, "start"),
							      t0, sizeof(t0)));
	table_kv(f, sx, i18n(r->lang, MSG_END), report_time(r, report_str(r->run, "end"),
							    t1, sizeof(t1)));
	table_kv(f, sx, i18n(r->lang, MSG_STATUS),
	       w ? w : (*status ? status : i18n(r->lang, MSG_PARTIAL)));
	table_kv(f, sx, i18n(r->lang, MSG_VANTAGE), report_vantage(r, vant, sizeof(vant)));
	table_kv(f, sx, i18n(r->lang, MSG_POLICY_HASH), report_str(r->run, "policy_hash"));
	table_kv(f, sx, i18n(r->lang, MSG_HVERSION), report_str(r->run, "heiiki_version"));
	keys = report_counter_keys(r);
	json_array_foreach(keys, i, k) {
		const char *name = json_string_value(k), *label = i18n_counter(r->lang, name);

		snprintf(num, sizeof(num), "%lld", report_int(counters, name, 0));
		table_kv(f, sx, label ? label : name, num);
	}
	json_decref(keys);
	table_kv(f, sx, i18n(r->lang, MSG_WARNINGS),
	       report_join(json_object_get(r->run, "warnings"), "; ", warn, sizeof(warn)));
	fputs(sx->table_end, f);
	fputs(sx->section_end, f);
}

static void
checklist(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_CHECKLIST, MSG_COUNT, MSG_WORST };
	json_t *items = report_checklist(r), *it;
	size_t i;

	if (json_array_size(items)) {
		sx->subheading(f, r, MSG_CHECKLIST_SUMMARY);
		sx->header(f, r, cols, 3);
	}
	json_array_foreach(items, i, it) {
		fputs(sx->row, f);
		table_cell(f, sx, *report_str(it, "item") ? report_str(it, "item") : "-");
		table_num(f, sx, report_int(it, "count", 0));
		sev_cell(f, r, sx, report_rank_word((int)report_int(it, "worst", -1)));
		fputs(sx->row_end, f);
	}
	if (json_array_size(items))
		fputs(sx->table_end, f);
	json_decref(items);
}

/* Counts at a glance; the ones that call for action are marked. */
static void
overview(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg labels[] = { MSG_N_HOSTS, MSG_N_OPEN, MSG_N_REMOTE, MSG_N_EXITS,
					   MSG_N_UNDECLARED, MSG_N_PEERS, MSG_N_COUNTRIES,
					   MSG_N_RA_FLOWS };
	static const int alarm[] = { 0, 0, 1, 0, 1, 0, 0, 1 };
	struct report_overview o;
	size_t v[8];

	report_overview(r, &o);
	v[0] = o.hosts, v[1] = o.open, v[2] = o.remote, v[3] = o.exits;
	v[4] = o.undeclared, v[5] = o.peers, v[6] = o.countries, v[7] = o.ra_flows;
	sx->subheading(f, r, MSG_OVERVIEW);
	fputs(sx->kv_table, f);
	for (size_t i = 0; i < 8; i++) {
		int measured = i < 3 ? r->measured_hosts : r->measured_traffic;

		fputs(sx->row, f);
		wrap(f, sx, sx->th, i18n(r->lang, labels[i]), sx->th_end);
		if (!measured)
			wrap(f, sx, sx->num, i18n(r->lang, MSG_NOT_MEASURED), sx->td_end);
		else
			num_as(f, sx, alarm[i] && v[i] ? sx->num_risk : sx->num, (long long)v[i]);
		fputs(sx->row_end, f);
	}
	fputs(sx->table_end, f);
}

void
table_summary(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_COUNT };
	size_t counts[5], total = report_sev_counts(r, counts);

	sx->section(f, r, "summary", MSG_SUMMARY);
	sx->header(f, r, cols, 2);
	for (int rank = RSEV_CRITICAL; rank >= RSEV_INFO; rank--) {
		fputs(sx->row, f);
		sev_cell(f, r, sx, report_rank_word(rank));
		table_num(f, sx, (long long)counts[rank]);
		fputs(sx->row_end, f);
	}
	fputs(sx->row, f);
	wrap(f, sx, sx->total, i18n(r->lang, MSG_TOTAL), sx->total_end);
	table_num(f, sx, (long long)total);
	fputs(sx->row_end, f);
	fputs(sx->table_end, f);
	checklist(f, r, sx);
	overview(f, r, sx);
	fputs(sx->section_end, f);
}

void
table_exits(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_NAME, MSG_ADDR, MSG_MAC, MSG_ZONE,
					 MSG_DECLARED, MSG_FLOWS_N, MSG_PURPOSE };
	json_t *x;
	size_t i;
	char addr[256];

	if (not_measured(f, r, sx, "exits", MSG_EXITS) ||
	    !table_section(f, r, sx, "exits", MSG_EXITS, r->exits, MSG_NO_EXITS))
		return;
	sx->header(f, r, cols, 7);
	json_array_foreach(r->exits, i, x) {
		int declared = report_exit_declared(x);

		fputs(sx->row, f);
		table_cell(f, sx, report_exit_name(x));
		table_cell(f, sx, report_addr_label(r, report_exit_addr(x), addr, sizeof(addr)));
		table_cell(f, sx, report_str(x, "mac"));
		table_cell(f, sx, *report_str(x, "zone") ? report_str(x, "zone") :
				  report_zone(r, report_exit_addr(x)));
		wrap(f, sx, declared ? sx->td : sx->td_risk,
		     i18n(r->lang, declared ? MSG_YES : MSG_NO), sx->td_end);
		table_num(f, sx, report_int(x, "flows", -1));
		table_cell(f, sx, *report_str(x, "purpose") ? report_str(x, "purpose") :
				  report_str(x, "evidence"));
		fputs(sx->row_end, f);
	}
	fputs(sx->table_end, f);
	fputs(sx->section_end, f);
}

void
table_peers(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_COUNTRY, MSG_ADDR, MSG_ASN, MSG_ASORG,
					 MSG_NAMES, MSG_REMOTE, MSG_FLOWS_N, MSG_BYTES };
	json_t *p;
	size_t i;
	char buf[512];

	if (not_measured(f, r, sx, "peers", MSG_PEERS) ||
	    !table_section(f, r, sx, "peers", MSG_PEERS, r->peers, MSG_NO_PEERS))
		return;
	sx->header(f, r, cols, 8);
	json_array_foreach(r->peers, i, p) {
		long long asn = report_int(p, "asn", 0);

		fputs(sx->row, f);
		table_cell(f, sx, *report_str(p, "country") ?
			   report_country(r, report_str(p, "country")) :
			   i18n(r->lang, MSG_UNKNOWN_COUNTRY));
		table_cell(f, sx, report_str(p, "addr"));
		buf[0] = '\0';
		if (asn > 0)
			snprintf(buf, sizeof(buf), "AS%lld", asn);
		table_cell(f, sx, buf);
		table_cell(f, sx, report_str(p, "as_org"));
		table_cell(f, sx, report_join(json_object_get(p, "names"), ", ", buf, sizeof(buf)));
		wrap(f, sx, sx->td_risk, report_str(p, "remote_access"), sx->td_end);
		table_num(f, sx, report_int(p, "flows", -1));
		table_num(f, sx, report_total(p, "bytes"));
		fputs(sx->row_end, f);
	}
	fputs(sx->table_end, f);
	fputs(sx->section_end, f);
}

/* One end of a flow: the address, or "addr (zone)" / "addr (CC)". */

/* How a remote path reaches the host, in the reader's words (the document
 * keeps the machine names inbound-service / outbound-relay). */
static const char *
via_label(enum report_lang lang, const char *via)
{
	static const struct { const char *key, *en, *ja; } v[] = {
		{ "inbound-service", "inbound (a listening remote-access service)",
		  "外部から接続 (待ち受けているリモート接続サービス)" },
		{ "outbound-relay", "outbound relay (remote-support tool)",
		  "内側から中継へ接続 (リモート支援ツール)" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!strcmp(via, v[i].key))
			return lang == LANG_JA ? v[i].ja : v[i].en;
	return via;
}
static void
flow_end(FILE *f, const struct report *r, const struct table_syntax *sx, const json_t *fl,
	 const char *end)
{
	char zkey[16], buf[512], label[256];
	const char *addr = report_str(fl, end), *z = report_zone(r, addr);
	json_t *peer = json_object_get(r->peer_of, addr);

	if (!sx->zone_ends) {
		table_cell(f, sx, report_addr_label(r, addr, label, sizeof(label)));
		return;
	}
	snprintf(zkey, sizeof(zkey), "%s_zone", end);
	if (!*z)
		z = report_str(fl, zkey);
	report_addr_label(r, addr, label, sizeof(label));
	if (*z)
		snprintf(buf, sizeof(buf), "%s (%s)", label, z);
	else if (peer && *report_str(peer, "country"))
		snprintf(buf, sizeof(buf), "%s (%s)", addr,
			 report_country(r, report_str(peer, "country")));
	else
		snprintf(buf, sizeof(buf), "%s", addr);
	table_cell(f, sx, buf);
}

void
table_flows(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_SRC, MSG_DST, MSG_SERVICE, MSG_PACKETS,
					 MSG_BYTES, MSG_FIRST, MSG_LAST };
	json_t *fl;
	size_t i, n = 0;
	char buf[256], t0[64], t1[64];

	if (not_measured(f, r, sx, "flows", MSG_RA_FLOWS))
		return;
	sx->section(f, r, "flows", MSG_RA_FLOWS);
	json_array_foreach(r->flows, i, fl) {
		if (!report_is_remote(fl))
			continue;
		if (!n++)
			sx->header(f, r, cols, 7);
		fputs(sx->row, f);
		flow_end(f, r, sx, fl, "src");
		flow_end(f, r, sx, fl, "dst");
		snprintf(buf, sizeof(buf), "%s %s/%lld", report_flow_service(fl),
			 report_proto(fl), report_int(fl, "dport", -1));
		table_cell(f, sx, buf[0] == ' ' ? buf + 1 : buf);
		table_num(f, sx, report_total(fl, "packets"));
		table_num(f, sx, report_total(fl, "bytes"));
		table_cell(f, sx, report_time(r, report_first(fl), t0, sizeof(t0)));
		table_cell(f, sx, report_time(r, report_last(fl), t1, sizeof(t1)));
		fputs(sx->row_end, f);
	}
	if (n)
		fputs(sx->table_end, f);
	else
		table_none(f, r, sx, MSG_NO_RA);
	fputs(sx->section_end, f);
}

/* --- inventory (rules_inventory.c: document member "inventory") ------------------ */

static json_t *
inventory_rows(const struct report *r, const char *name)
{
	json_t *a = json_object_get(json_object_get(r->root, "inventory"), name);

	return json_is_array(a) ? a : NULL;
}

void
table_inventory(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg scols[] = { MSG_DEVICE, MSG_SOFTWARE, MSG_SUPPORT_END,
					  MSG_STATUS, MSG_EVIDENCE };
	static const enum msg rcols[] = { MSG_DEVICE, MSG_PATH, MSG_VIA, MSG_DECLARED,
					  MSG_VENDOR, MSG_UNTIL, MSG_EVIDENCE };
	json_t *rows, *x;
	size_t i;
	char addr[256];

	if (!r->measured_hosts && !r->measured_traffic)
		return;
	if (!json_is_object(json_object_get(r->root, "inventory"))) {
		/* never a silent "none": an older or unjudged document */
		sx->section(f, r, "support", MSG_SUPPORT);
		table_none(f, r, sx, MSG_INV_NOT_ASSESSED);
		fputs(sx->section_end, f);
		sx->section(f, r, "remote", MSG_REMOTE_PATHS);
		table_none(f, r, sx, MSG_INV_NOT_ASSESSED);
		fputs(sx->section_end, f);
		return;
	}
	rows = inventory_rows(r, "support");
	if (r->measured_hosts &&
	    table_section(f, r, sx, "support", MSG_SUPPORT, rows, MSG_NO_SUPPORT)) {
		sx->header(f, r, scols, 5);
		json_array_foreach(rows, i, x) {
			int out = !strcmp(report_str(x, "status"), "out-of-support");
			int ed = !strcmp(report_str(x, "status"), "edition-dependent");

			fputs(sx->row, f);
			table_cell(f, sx, report_addr_label(r, report_str(x, "addr"), addr, sizeof(addr)));
			table_cell(f, sx, report_str(x, "name"));
			table_cell(f, sx, report_str(x, "support_end"));
			wrap(f, sx, out || ed ? sx->td_risk : sx->td,
			     i18n(r->lang, out ? MSG_OUT_OF_SUPPORT : ed ? MSG_EDITION_DEPENDENT :
				  MSG_SUPPORTED), sx->td_end);
			table_cell(f, sx, report_str(x, "evidence"));
			fputs(sx->row_end, f);
		}
		fputs(sx->table_end, f);
		fputs(sx->section_end, f);
	}
	rows = inventory_rows(r, "remote_paths");
	if (!table_section(f, r, sx, "remote", MSG_REMOTE_PATHS, rows, MSG_NO_REMOTE_PATHS))
		return;
	sx->header(f, r, rcols, 7);
	json_array_foreach(rows, i, x) {
		int declared = json_is_true(json_object_get(x, "declared"));

		fputs(sx->row, f);
		table_cell(f, sx, report_addr_label(r, report_str(x, "addr"), addr, sizeof(addr)));
		table_cell(f, sx, report_str(x, "path"));
		table_cell(f, sx, via_label(r->lang, report_str(x, "via")));
		wrap(f, sx, declared ? sx->td : sx->td_risk,
		     i18n(r->lang, declared ? MSG_YES : MSG_NO), sx->td_end);
		table_cell(f, sx, report_str(x, "vendor"));
		table_cell(f, sx, report_str(x, "until"));
		table_cell(f, sx, report_str(x, "evidence"));
		fputs(sx->row_end, f);
	}
	fputs(sx->table_end, f);
	fputs(sx->section_end, f);
}
