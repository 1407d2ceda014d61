/*
 * out_dot.c - the network diagram as Graphviz DOT text.
 *
 * We only write text; 'heiiki report -T svg|png' runs the dot binary as a
 * separate process (cmd_report.c), we never link graphviz.  Layout:
 *   - one cluster per zone (policy order, then zones found on hosts, then
 *     "no zone"), holding the hosts that have open services; a host with
 *     a remote-access service, a risk flag or a high/critical finding is
 *     drawn red.  Red hosts and flow ends are always drawn, other hosts
 *     up to HOSTS_PER_ZONE per zone plus a "+N" node;
 *   - external connection points (exits) as gateway nodes inside their
 *     zone's cluster with an edge to the "outside" cloud (red and dashed
 *     when not declared, grey and dotted for a declared exit the capture
 *     saw no traffic through); the inside hosts a capture saw using an
 *     exit are joined to it: each host when there are at most
 *     EXIT_HOSTS_DRAWN (the one PC behind a vendor's second link is
 *     always drawn), else one "N hosts" node;
 *   - the outside cloud holds the external peers, one sub-cluster per
 *     country (at most PEERS_PER_COUNTRY each, plus a "+N" node; peers
 *     that take part in remote-access flows are always drawn);
 *   - one edge per remote-access flow (source, destination, proto, port).
 * Every name in the file comes from the sorted views, so the output is
 * byte-stable.  Strings are escaped for DOT double-quoted strings.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "scanner/input/policy.h"

#define PEERS_PER_COUNTRY 20
#define SERVICES_PER_NODE 8
#define HOSTS_PER_ZONE 40
#define EXIT_HOSTS_DRAWN 8

static void
esc(FILE *f, const char *s)
{
	report_esc_dot(f, s);
}

static const char *exit_zone(const struct report *r, const json_t *x);
static void exit_node(FILE *f, const struct report *r, const json_t *x, size_t idx,
		      const char *ind);

/*
 * A policy zone of role external (the internet, partner networks) is the
 * outside: no cluster of its own unless hosts of the document are in it.
 */
static int
zone_is_external(const struct report *r, const char *zone)
{
	const struct zone *z = r->policy && *zone ? policy_zone_by_name(r->policy, zone) : NULL;
	json_t *h;
	size_t i;

	if (!z || z->role != ZONE_EXTERNAL)
		return 0;
	json_array_foreach(r->hosts, i, h)
		if (!strcmp(report_zone(r, report_str(h, "addr")), zone))
			return 0;
	return 1;
}

static int
svc_risky(const struct report *r, const json_t *s)
{
	return report_is_remote(s) || json_array_size(json_object_get(s, "risks")) ||
	       report_hot(r, report_str(s, "addr"), report_str(s, "proto"),
			  report_int(s, "port", -1)) >= RSEV_HIGH;
}

/* Whether an exit's hosts are drawn one by one (see the header). */
static int
exit_hosts_drawn(const json_t *x)
{
	size_t n = json_array_size(json_object_get(x, "hosts"));

	return n && n <= EXIT_HOSTS_DRAWN &&
	       report_int(x, "hosts_count", (long long)n) <= EXIT_HOSTS_DRAWN;
}

/* Addresses always drawn: endpoints of remote-access flows and the hosts
 * of exits used by few hosts.  addr -> true. */
static json_t *
flow_ends(const struct report *r)
{
	json_t *ends = json_object(), *fl, *x, *h;
	size_t i, j;

	json_array_foreach(r->flows, i, fl) {
		if (!report_is_remote(fl))
			continue;
		json_object_set_new(ends, report_str(fl, "src"), json_true());
		json_object_set_new(ends, report_str(fl, "dst"), json_true());
	}
	json_array_foreach(r->exits, i, x) {
		if (!exit_hosts_drawn(x))
			continue;
		json_array_foreach(json_object_get(x, "hosts"), j, h)
			if (json_is_string(h))
				json_object_set_new(ends, json_string_value(h), json_true());
	}
	return ends;
}

static int
host_red(const struct report *r, const char *a)
{
	json_t *s;
	size_t i;

	if (report_hot(r, a, NULL, 0) >= RSEV_HIGH)
		return 1;
	json_array_foreach(json_object_get(r->by_addr, a), i, s)
		if (svc_risky(r, s))
			return 1;
	return 0;
}

static void
host_node(FILE *f, const struct report *r, const json_t *h)
{
	const char *a = report_str(h, "addr");
	json_t *svcs = json_object_get(r->by_addr, a), *s;
	json_t *names = json_object_get(h, "hostnames");
	int red = host_red(r, a);
	size_t i;

	fputs("\t\t\"h:", f);
	esc(f, a);
	fputs("\" [label=\"", f);
	esc(f, a);
	if (report_name_at(names, 0)) {
		fputs("\\n", f);
		esc(f, report_name_at(names, 0));
	}
	if (*report_str(h, "vendor")) {
		fputs("\\n", f);
		esc(f, report_str(h, "vendor"));
	}
	json_array_foreach(svcs, i, s) {
		if (i == SERVICES_PER_NODE) {
			fprintf(f, "\\n+%zu", json_array_size(svcs) - i);
			break;
		}
		fprintf(f, "\\n%s%s/%lld", svc_risky(r, s) ? "! " : "",
			report_str(s, "proto")[0] == 'u' ? "udp" : "tcp",
			report_int(s, "port", -1));
		if (*report_str(s, "service")) {
			fputc(' ', f);
			esc(f, report_str(s, "service"));
		}
	}
	fputs("\"", f);
	if (red)
		fputs(", color=red, fontcolor=red, penwidth=2", f);
	fputs("];\n", f);
}

static void
zone_cluster(FILE *f, const struct report *r, const char *zone, size_t idx, json_t *ends)
{
	json_t *h;
	size_t i, n = 0, plain = 0, hidden = 0;
	char desc[600];

	fprintf(f, "\tsubgraph \"cluster_z%zu\" {\n\t\tlabel=\"", idx);
	esc(f, *zone ? zone : i18n(r->lang, MSG_UNZONED));
	if (*report_zone_desc(r, zone, desc, sizeof(desc))) {
		fputs("\\n", f);
		esc(f, desc);
	}
	fputs("\";\n\t\tstyle=rounded; color=\"#334455\";\n", f);
	json_array_foreach(r->hosts, i, h) {
		const char *a = report_str(h, "addr");

		if (strcmp(report_zone(r, a), zone))
			continue;
		if (!json_array_size(json_object_get(r->by_addr, a)) &&
		    !json_object_get(ends, a))
			continue;
		/* Red hosts and flow ends always; ordinary ones up to a cap. */
		if (!host_red(r, a) && !json_object_get(ends, a) && plain++ >= HOSTS_PER_ZONE) {
			hidden++;
			continue;
		}
		host_node(f, r, h);
		n++;
	}
	if (hidden)
		fprintf(f, "\t\t\"z%zu:more\" [shape=plaintext, label=\"+%zu\"];\n", idx,
			hidden);
	json_array_foreach(r->exits, i, h) {
		if (*zone && !strcmp(exit_zone(r, h), zone)) {
			exit_node(f, r, h, i, "\t\t");
			n++;
		}
	}
	if (!n)
		fprintf(f, "\t\t\"z%zu:empty\" [shape=plaintext, label=\"-\"];\n", idx);
	fputs("\t}\n", f);
}

static const char *
exit_zone(const struct report *r, const json_t *x)
{
	const char *z = report_str(x, "zone");

	return *z ? z : report_zone(r, report_exit_addr(x));
}

static int
zone_listed(const struct report *r, const char *zone)
{
	json_t *z;
	size_t i;

	json_array_foreach(r->zones, i, z)
		if (!strcmp(json_string_value(z), zone))
			return 1;
	return 0;
}

static void
exit_node(FILE *f, const struct report *r, const json_t *x, size_t idx, const char *ind)
{
	int declared = report_exit_declared(x);
	const char *name = report_exit_name(x), *gw = report_exit_addr(x);

	fprintf(f, "%s\"x:%zu\" [shape=invhouse, label=\"", ind, idx);
	esc(f, i18n(r->lang, MSG_EXITS));
	if (*name) {
		fputs("\\n", f);
		esc(f, name);
	}
	if (*gw) {
		fputs("\\n", f);
		esc(f, gw);
	}
	if (*report_str(x, "mac")) {
		fputs("\\n", f);
		esc(f, report_str(x, "mac"));
	}
	if (!report_exit_seen(x)) {
		fputs("\\n(", f);
		esc(f, i18n(r->lang, MSG_NOT_SEEN));
		fputs(")\", color=gray50, fontcolor=gray40, style=\"rounded,dotted\"];\n", f);
		return;
	}
	fprintf(f, "\", color=%s];\n", declared ? "blue" : "red, fontcolor=red, penwidth=2");
}

static const char *
exit_color(const json_t *x)
{
	if (!report_exit_seen(x))
		return "gray50, style=dotted";
	return report_exit_declared(x) ? "blue" : "red, style=dashed";
}

/* Inside hosts to the exit they use (see the header). */
static void
exit_host_edges(FILE *f, const struct report *r, const json_t *x, size_t idx)
{
	long long n = report_int(x, "hosts_count",
				 (long long)json_array_size(json_object_get(x, "hosts")));
	json_t *h;
	size_t i;

	if (n <= 0)
		return;
	if (!exit_hosts_drawn(x)) {
		fprintf(f, "\t\"x:%zu:hosts\" [shape=plaintext, label=\"%lld ", idx, n);
		esc(f, i18n(r->lang, MSG_X_HOSTS));
		fprintf(f, "\"];\n\t\"x:%zu:hosts\" -> \"x:%zu\" [color=%s];\n", idx, idx,
			exit_color(x));
		return;
	}
	json_array_foreach(json_object_get(x, "hosts"), i, h) {
		if (!json_is_string(h))
			continue;
		fprintf(f, "\t\"%s", json_object_get(r->zone_of, json_string_value(h)) ?
			"h:" : "p:");
		esc(f, json_string_value(h));
		fprintf(f, "\" -> \"x:%zu\" [color=%s];\n", idx, exit_color(x));
	}
}

/* Exits whose zone has no cluster, then every exit's edge to outside. */
static void
exit_edges(FILE *f, const struct report *r)
{
	json_t *x;
	size_t i;

	json_array_foreach(r->exits, i, x)
		if (!*exit_zone(r, x) || !zone_listed(r, exit_zone(r, x)))
			exit_node(f, r, x, i, "\t");
	json_array_foreach(r->exits, i, x) {
		fprintf(f, "\t\"x:%zu\" -> \"outside\" [color=%s];\n", i, exit_color(x));
		exit_host_edges(f, r, x, i);
	}
}

static void
peer_node(FILE *f, const json_t *p)
{
	long long asn = report_int(p, "asn", 0);
	const char *name = report_name_at(json_object_get(p, "names"), 0);

	fputs("\t\t\t\"p:", f);
	esc(f, report_str(p, "addr"));
	fputs("\" [label=\"", f);
	esc(f, report_str(p, "addr"));
	if (asn > 0)
		fprintf(f, "\\nAS%lld", asn);
	if (*report_str(p, "as_org")) {
		fputs(asn > 0 ? " " : "\\n", f);
		esc(f, report_str(p, "as_org"));
	}
	if (name) {
		fputs("\\n", f);
		esc(f, name);
	}
	fputs("\"];\n", f);
}

static void
country_end(FILE *f, size_t cidx, size_t hidden)
{
	if (hidden)
		fprintf(f, "\t\t\t\"c%zu:more\" [shape=plaintext, label=\"+%zu\"];\n", cidx,
			hidden);
	fputs("\t\t}\n", f);
}

static void
outside_cluster(FILE *f, const struct report *r, json_t *ends)
{
	json_t *p;
	size_t i, cidx = 0, drawn = 0, hidden = 0;
	const char *cur = NULL;

	fputs("\tsubgraph \"cluster_outside\" {\n\t\tlabel=\"", f);
	esc(f, i18n(r->lang, MSG_OUTSIDE));
	fputs("\";\n\t\tstyle=dashed; color=gray40;\n", f);
	fputs("\t\t\"outside\" [shape=ellipse, style=filled, fillcolor=\"#eeeeee\", label=\"", f);
	esc(f, i18n(r->lang, MSG_OUTSIDE));
	fputs("\"];\n", f);
	json_array_foreach(r->peers, i, p) {
		const char *cc = report_str(p, "country");

		if (!cur || strcmp(cur, cc)) {
			if (cur)
				country_end(f, cidx++, hidden);
			cur = cc;
			drawn = hidden = 0;
			fprintf(f, "\t\tsubgraph \"cluster_c%zu\" {\n\t\t\tlabel=\"", cidx);
			esc(f, *cc ? cc : i18n(r->lang, MSG_UNKNOWN_COUNTRY));
			fputs("\";\n\t\t\tstyle=rounded; color=gray60;\n", f);
		}
		if (drawn >= PEERS_PER_COUNTRY && !json_object_get(ends, report_str(p, "addr"))) {
			hidden++;
			continue;
		}
		peer_node(f, p);
		drawn++;
	}
	if (cur)
		country_end(f, cidx, hidden);
	fputs("\t}\n", f);
}

/* A flow endpoint that is neither a host nor a peer gets its own node. */
static void
stray_nodes(FILE *f, const struct report *r, json_t *ends)
{
	json_t *keys = report_keys(ends), *k;
	size_t i;

	json_array_foreach(keys, i, k) {
		const char *a = json_string_value(k);

		if (json_object_get(r->zone_of, a) || json_object_get(r->peer_of, a))
			continue;
		fputs("\t\"p:", f);
		esc(f, a);
		fputs("\" [label=\"", f);
		esc(f, a);
		fputs("\", style=dashed];\n", f);
	}
	json_decref(keys);
}

static void
flow_edges(FILE *f, const struct report *r)
{
	json_t *fl, *prev = NULL;
	size_t i;

	json_array_foreach(r->flows, i, fl) {
		const char *s = report_str(fl, "src"), *d = report_str(fl, "dst");

		if (!report_is_remote(fl))
			continue;
		if (prev && !strcmp(s, report_str(prev, "src")) &&
		    !strcmp(d, report_str(prev, "dst")) &&
		    !strcmp(report_proto(fl), report_proto(prev)) &&
		    report_int(fl, "dport", -1) == report_int(prev, "dport", -1))
			continue;
		prev = fl;
		fprintf(f, "\t\"%s", json_object_get(r->zone_of, s) ? "h:" : "p:");
		esc(f, s);
		fprintf(f, "\" -> \"%s", json_object_get(r->zone_of, d) ? "h:" : "p:");
		esc(f, d);
		fputs("\" [color=red, fontcolor=red, label=\"", f);
		if (*report_flow_service(fl)) {
			esc(f, report_flow_service(fl));
			fputs(" ", f);
		}
		esc(f, report_proto(fl));
		fprintf(f, "/%lld\"];\n", report_int(fl, "dport", -1));
	}
}

static int
dot_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	json_t *ends = flow_ends(r), *z;
	const char *status = report_str(r->run, "status");
	/* Japanese labels need a CJK font when dot renders PNG/SVG. */
	const char *font = r->lang == LANG_JA ? "Noto Sans CJK JP" : "sans-serif";
	size_t i;

	if (!ends) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fprintf(f, "digraph \"heiiki\" {\n\tgraph [rankdir=LR, compound=true, labelloc=t, "
		"fontname=\"%s\", label=\"", font);
	esc(f, i18n(r->lang, MSG_DIAGRAM_TITLE));
	if (*report_site(r)) {
		fputs(": ", f);
		esc(f, report_site(r));
	}
	fputs("\\n", f);
	esc(f, report_str(r->run, "start"));
	if (strcmp(status, "complete")) {
		fputs(" ", f);
		esc(f, i18n(r->lang, MSG_PARTIAL));
	}
	fprintf(f, "\"];\n\tnode [shape=box, style=rounded, fontname=\"%s\", fontsize=10];\n"
		"\tedge [fontname=\"%s\", fontsize=9];\n", font, font);
	json_array_foreach(r->zones, i, z)
		if (!zone_is_external(r, json_string_value(z)))
			zone_cluster(f, r, json_string_value(z), i, ends);
	exit_edges(f, r);
	outside_cluster(f, r, ends);
	stray_nodes(f, r, ends);
	flow_edges(f, r);
	fputs("}\n", f);
	json_decref(ends);
	return 0;
}

const struct report_writer report_dot = {
	.name = "dot",
	.summary = "Graphviz network diagram (zones, exits, peers by country, remote access)",
	.write = dot_write,
};
