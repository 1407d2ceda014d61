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
#define HOSTS_PER_ZONE 6 	/* hosts without findings drawn per zone */
#define ZONE_COLUMNS 6		/* hosts of a zone laid out in rows of this many */
#define EXIT_HOSTS_DRAWN 8

static void
esc(FILE *f, const char *s)
{
	report_esc_dot(f, s);
}

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

/* A host is red only when the policy is violated: it has a finding of
 * severity low or worse that is not an accepted risk. */
static int
host_red(const struct report *r, const char *a)
{
	json_t *fd;
	size_t i;

	json_array_foreach(json_object_get(r->fnd_of, a), i, fd)
		if (report_sev_rank(report_str(fd, "severity")) >= RSEV_LOW &&
		    report_accepted(r, fd, NULL) != 1)
			return 1;
	return 0;
}

/* "#1 #4": the numbers of the host's findings in the findings table. */
static void
finding_marks(FILE *f, const struct report *r, const char *a)
{
	json_t *fd;
	size_t i, n = 0;

	json_array_foreach(r->findings, i, fd) {
		if (strcmp(report_str(fd, "addr"), a) || report_accepted(r, fd, NULL) == 1)
			continue;
		fprintf(f, "%s#%zu", n++ ? " " : "\\n⚠ ", i + 1);
	}
}

/* A peer is red when a finding names it (the key's last part). */
static int
peer_red(const struct report *r, const char *addr)
{
	json_t *fd;
	size_t i, la = strlen(addr);

	json_array_foreach(r->findings, i, fd) {
		const char *k = report_str(fd, "key");
		size_t lk = strlen(k);

		if (lk > la && k[lk - la - 1] == '|' && !strcmp(k + lk - la, addr) &&
		    report_accepted(r, fd, NULL) != 1)
			return 1;
	}
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

	char label[256];

	fputs("\t\t\"h:", f);
	esc(f, a);
	fputs("\" [label=\"", f);
	esc(f, report_addr_label(r, a, label, sizeof(label)));
	/* the DNS name, unless the label already is it */
	if (report_name_at(names, 0) && strncmp(label, report_name_at(names, 0),
						 strlen(report_name_at(names, 0)))) {
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
		fprintf(f, "\\n%s%s/%lld", report_hot(r, a, report_str(s, "proto"),
						      report_int(s, "port", -1)) >= RSEV_LOW ? "! " : "",
			report_str(s, "proto")[0] == 'u' ? "udp" : "tcp",
			report_int(s, "port", -1));
		if (*report_str(s, "service")) {
			fputc(' ', f);
			esc(f, report_str(s, "service"));
		}
	}
	finding_marks(f, r, a);
	fputs("\"", f);
	if (red)
		fputs(", color=red, fontcolor=red, penwidth=2", f);
	fputs("];\n", f);
}

/* Do-not-scan entries of the policy inside that zone: grey, "not scanned". */
static size_t
dns_nodes(FILE *f, const struct report *r, const char *zone)
{
	size_t n = 0;
	char text[2 * 64 + 8];

	for (size_t i = 0; r->policy && i < r->policy->ndns; i++) {
		const struct dns_entry *d = &r->policy->dns[i];
		struct addr lo = { .v = d->r.lo };
		const struct zone *z = policy_zone_of(r->policy, &lo);

		if (!z || strcmp(z->name, zone))
			continue;
		fprintf(f, "\t\t\"dns:%zu\" [label=\"", i);
		esc(f, range_fmt(&d->r, text, sizeof(text)));
		fputs("\\n", f);
		esc(f, d->reason);
		fputs("\\n(", f);
		esc(f, r->lang == LANG_JA ? "スキャン対象外" : "not scanned");
		fputs(")\", color=gray60, fontcolor=gray45, style=\"rounded,filled\", "
		      "fillcolor=\"#eeeeee\"];\n", f);
		n++;
	}
	return n;
}

static void
zone_cluster(FILE *f, const struct report *r, const char *zone, size_t idx, json_t *ends)
{
	json_t *h;
	size_t i, n = 0, plain = 0, hidden = 0;
	char desc[600];
	const char *prev = NULL;
	const struct zone *pz = r->policy && *zone ? policy_zone_by_name(r->policy, zone) : NULL;

	fprintf(f, "\tsubgraph \"cluster_z%zu\" {\n\t\tlabel=\"", idx);
	esc(f, *zone ? zone : i18n(r->lang, MSG_UNZONED));
	if (pz && *pz->description) {
		fputs("\\n", f);
		esc(f, pz->description);
	}
	if (*report_zone_desc(r, zone, desc, sizeof(desc))) {
		fputs("\\n", f);
		esc(f, desc);
	}
	fputs("\";\n\t\tstyle=rounded; color=\"#334455\";\n", f);
	fprintf(f, "\t\t\"z%zu:a\" [shape=point, width=0.05, label=\"\", color=\"#334455\"];\n",
		idx);
	json_array_foreach(r->hosts, i, h) {
		const char *a = report_str(h, "addr");

		if (strcmp(report_zone(r, a), zone))
			continue;
		if (!json_array_size(json_object_get(r->by_addr, a)) &&
		    !json_object_get(ends, a) && !host_red(r, a))
			continue;
		/* Hosts with findings and flow ends always; others up to a cap,
		 * the rest folded into one node. */
		if (!host_red(r, a) && !json_object_get(ends, a) && plain++ >= HOSTS_PER_ZONE) {
			hidden++;
			continue;
		}
		host_node(f, r, h);
		/* rows of ZONE_COLUMNS (invisible edges): a zone of many hosts
		 * is a block, not one long column */
		if (prev && n % ZONE_COLUMNS) {
			fputs("\t\t\"h:", f);
			esc(f, prev);
			fputs("\" -> \"h:", f);
			esc(f, a);
			fputs("\" [style=invis];\n", f);
		}
		prev = a;
		n++;
	}
	if (hidden) {
		fprintf(f, "\t\t\"z%zu:more\" [shape=box, style=\"rounded,dashed\", label=\"+%zu ",
			idx, hidden);
		esc(f, r->lang == LANG_JA ? "台（指摘なし）" : "hosts without findings");
		fputs("\"];\n", f);
	}
	n += dns_nodes(f, r, zone);
	if (!n)
		fprintf(f, "\t\t\"z%zu:empty\" [shape=plaintext, label=\"-\"];\n", idx);
	fputs("\t}\n", f);
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
		const char *ha = json_string_value(h);
		const struct zone *z;

		if (!ha)
			continue;
		z = r->policy ? policy_zone_by_name(r->policy, report_zone(r, ha)) : NULL;
		fprintf(f, "\t\"%s", json_object_get(r->zone_of, ha) ? "h:" : "p:");
		esc(f, ha);
		/* traffic out of a closed zone is the violation itself */
		if (z && z->closed) {
			fprintf(f, "\" -> \"x:%zu\" [color=red, penwidth=2, fontcolor=red, label=\"", idx);
			esc(f, r->lang == LANG_JA ? "閉域ゾーンからの外部通信" : "closed-zone egress");
			fputs("\"];\n", f);
		} else {
			fprintf(f, "\" -> \"x:%zu\" [color=%s];\n", idx, exit_color(x));
		}
	}
}

/*
 * The core router/firewall: one node standing for the gateways of the
 * zones and the exits' next hops (the policy's exits, the exits a capture
 * saw).  Every zone connects to it; it connects to every exit.
 */
static void
router(FILE *f, const struct report *r)
{
	json_t *x;
	size_t i;
	char a[64];

	fputs("\t\"router\" [shape=box3d, style=filled, fillcolor=\"#dde6f0\", label=\"", f);
	esc(f, r->lang == LANG_JA ? "コアルータ / ファイアウォール" : "core router / firewall");
	json_array_foreach(r->exits, i, x)
		if (*report_exit_addr(x)) {
			fputs("\\n", f);
			esc(f, report_exit_addr(x));
		}
	for (size_t k = 0; r->policy && k < r->policy->nexits; k++)
		if (r->policy->exits[k].has_addr && !json_array_size(r->exits)) {
			fputs("\\n", f);
			esc(f, addr_fmt(&r->policy->exits[k].gateway, a));
		}
	fputs("\"];\n", f);
}

/* The exit a peer used (its "exit": the exit's MAC or address); -1. */
static long long
peer_exit(const struct report *r, const json_t *p)
{
	const char *via = report_str(p, "exit");
	json_t *x;
	size_t i;

	if (!*via)
		return -1;
	json_array_foreach(r->exits, i, x)
		if (!strcmp(report_str(x, "mac"), via) || !strcmp(report_exit_addr(x), via))
			return (long long)i;
	return -1;
}

static void
exit_edges(FILE *f, const struct report *r, json_t *drawn)
{
	json_t *x, *p;
	size_t i;

	json_array_foreach(r->exits, i, x)
		exit_node(f, r, x, i, "\t");
	json_array_foreach(r->exits, i, x) {
		size_t linked = 0;

		fprintf(f, "\t\"router\" -> \"x:%zu\" [color=%s];\n", i, exit_color(x));
		exit_host_edges(f, r, x, i);
		{
			size_t j;

			json_array_foreach(r->peers, j, p) {
				const char *pa = report_str(p, "addr");

				if (peer_exit(r, p) != (long long)i || !json_object_get(drawn, pa))
					continue;
				fprintf(f, "\t\"x:%zu\" -> \"p:", i);
				esc(f, pa);
				fprintf(f, "\" [color=%s];\n", peer_red(r, pa) || !report_exit_declared(x) ?
					"red, penwidth=2" : exit_color(x));
				linked++;
			}
		}
		if (!linked)
			fprintf(f, "\t\"x:%zu\" -> \"outside\" [color=%s];\n", i, exit_color(x));
	}
}

static void
peer_node(FILE *f, const struct report *r, const json_t *p)
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
	fputs("\"", f);
	if (peer_red(r, report_str(p, "addr")))
		fputs(", color=red, fontcolor=red, penwidth=2", f);
	fputs("];\n", f);
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
outside_cluster(FILE *f, const struct report *r, json_t *ends, json_t *shown)
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
			esc(f, *cc ? report_country(r, cc) : i18n(r->lang, MSG_UNKNOWN_COUNTRY));
			fputs("\";\n\t\t\tstyle=rounded; color=gray60;\n", f);
		}
		if (drawn >= PEERS_PER_COUNTRY && !json_object_get(ends, report_str(p, "addr"))) {
			hidden++;
			continue;
		}
		peer_node(f, r, p);
		json_object_set_new(shown, report_str(p, "addr"), json_true());
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
		{
			const char *in = json_object_get(r->zone_of, d) ? d : s;
			int bad = report_hot(r, in, report_proto(fl), report_int(fl, "dport", -1)) >=
				  RSEV_LOW || peer_red(r, json_object_get(r->zone_of, d) ? s : d);

			fputs(bad ? "\" [color=red, fontcolor=red, penwidth=2, label=\"" :
			      "\" [color=\"#555555\", fontcolor=\"#555555\", style=dashed, label=\"", f);
		}
		if (*report_flow_service(fl)) {
			esc(f, report_flow_service(fl));
			fputs(" ", f);
		}
		esc(f, report_proto(fl));
		fprintf(f, "/%lld\"];\n", report_int(fl, "dport", -1));
	}
}

/*
 * Vendor lines: each policy vendor as a dashed node outside with its
 * maintenance window and the end date (until:) of its service rules,
 * joined to the router it comes in through.
 */
static void
vendor_lines(FILE *f, const struct report *r)
{
	for (size_t i = 0; r->policy && i < r->policy->nvendors; i++) {
		const struct vendor *v = &r->policy->vendors[i];
		const char *until = "";

		for (size_t k = 0; k < r->policy->nrules; k++)
			if (!strcmp(r->policy->rules[k].vendor, v->name) && r->policy->rules[k].until &&
			    strcmp(r->policy->rules[k].until_str, until) > 0)
				until = r->policy->rules[k].until_str;
		fprintf(f, "\t\"v:%zu\" [shape=box, style=\"rounded,dashed\", color=blue, label=\"", i);
		esc(f, r->lang == LANG_JA ? "保守事業者: " : "vendor: ");
		esc(f, v->name);
		if (*v->window) {
			fputs("\\n", f);
			esc(f, v->window);
		}
		if (*until) {
			fputs("\\n", f);
			esc(f, r->lang == LANG_JA ? "期限 " : "until ");
			esc(f, until);
		}
		fprintf(f, "\"];\n\t\"v:%zu\" -> \"router\" [color=blue, style=dashed];\n", i);
	}
}

static void
legend(FILE *f, const struct report *r)
{
	int ja = r->lang == LANG_JA;

	fputs("\tsubgraph \"cluster_legend\" {\n\t\tlabel=\"", f);
	esc(f, ja ? "凡例" : "Legend");
	fputs("\"; style=rounded; color=gray60;\n", f);
	fputs("\t\t\"lg:ok\" [label=\"", f);
	esc(f, ja ? "ホスト（指摘なし）" : "host (no finding)");
	fputs("\"];\n\t\t\"lg:bad\" [label=\"", f);
	esc(f, ja ? "ポリシー違反 ⚠ #番号 = 指摘事項の番号" : "policy violated; ⚠ #n = finding number");
	fputs("\", color=red, fontcolor=red, penwidth=2];\n\t\t\"lg:dns\" [label=\"", f);
	esc(f, ja ? "スキャン対象外の機器" : "do-not-scan device (not scanned)");
	fputs("\", color=gray60, fontcolor=gray45, style=\"rounded,filled\", fillcolor=\"#eeeeee\"];\n", f);
	fputs("\t\t\"lg:x\" [shape=invhouse, color=blue, label=\"", f);
	esc(f, ja ? "申告済みの外部接続点" : "declared exit");
	fputs("\"];\n\t\t\"lg:u\" [shape=invhouse, color=red, fontcolor=red, penwidth=2, label=\"", f);
	esc(f, ja ? "未申告の外部接続点" : "undeclared exit");
	fputs("\"];\n\t\t\"lg:ok\" -> \"lg:bad\" -> \"lg:dns\" [style=invis];\n"
	      "\t\t\"lg:x\" -> \"lg:u\" [style=invis];\n\t}\n", f);
}

static int
dot_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	json_t *ends = flow_ends(r), *z, *shown = json_object();
	const char *status = report_str(r->run, "status");
	/* Japanese labels need a CJK font when dot renders PNG/SVG. */
	const char *font = r->lang == LANG_JA ? "Noto Sans CJK JP" : "sans-serif";
	size_t i;

	if (!ends || !shown) {
		json_decref(ends);
		json_decref(shown);
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
	{
		char when[64];

		esc(f, report_time(r, report_str(r->run, "start"), when, sizeof(when)));
	}
	if (strcmp(status, "complete")) {
		fputs(" ", f);
		esc(f, i18n(r->lang, MSG_PARTIAL));
	}
	fprintf(f, "\"];\n\tnode [shape=box, style=rounded, fontname=\"%s\", fontsize=10];\n"
		"\tedge [fontname=\"%s\", fontsize=9];\n", font, font);
	json_array_foreach(r->zones, i, z)
		if (!zone_is_external(r, json_string_value(z)))
			zone_cluster(f, r, json_string_value(z), i, ends);
	router(f, r);
	json_array_foreach(r->zones, i, z)
		if (!zone_is_external(r, json_string_value(z)))
			fprintf(f, "\t\"z%zu:a\" -> \"router\" [ltail=\"cluster_z%zu\", "
				"arrowhead=none, color=\"#334455\"];\n", i, i);
	outside_cluster(f, r, ends, shown);
	exit_edges(f, r, shown);
	vendor_lines(f, r);
	stray_nodes(f, r, ends);
	flow_edges(f, r);
	legend(f, r);
	fputs("}\n", f);
	json_decref(ends);
	json_decref(shown);
	return 0;
}

const struct report_writer report_dot = {
	.name = "dot",
	.summary = "Graphviz network diagram (zones, exits, peers by country, remote access)",
	.write = dot_write,
};
