/*
 * cmd_policy.c - 'heiiki policy check FILE' and 'heiiki policy show FILE'.
 *
 * check validates a policy and prints one line; an invalid policy prints
 * the loader's "file:line:column: message" and exits 2, so the command
 * fits editors and CI the way a compiler does.  show prints what the
 * policy says in plain words, and flags service exceptions whose until:
 * date has passed: those are the vendor holes that should be closed.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../input/policy.h"
#include "cli.h"

static const char usage_text[] =
	"usage: heiiki policy check FILE\n"
	"       heiiki policy show [--today YYYY-MM-DD] FILE\n"
	"\n"
	"  check   validate FILE; print 'FILE: ok (...)' or 'FILE:LINE:COL: error'\n"
	"  show    print zones, scope, do_not_scan, scan settings, service rules\n"
	"          (expired until: dates are flagged), geo rules, exits, vendors\n"
	"\n"
	"  --today DATE  judge expiry against DATE instead of today (show only)\n"
	"  -h, --help    this text\n"
	"\n"
	"Exit status: 0 valid, 2 invalid policy or usage error.\n"
	"Every key is documented in docs/policy.md.\n";

static int
load(const char *path, struct policy *p)
{
	char err[POLICY_ERR_MAX];

	if (policy_load(path, p, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
policy_check_cmd(const char *path)
{
	struct policy p;

	if (load(path, &p) < 0)
		return EXIT_USAGE;
	printf("%s: ok (%zu zones, %zu do_not_scan, %zu service rules, %zu geo rules, %zu exits, %zu vendors; sha256 %.16s)\n",
	       path, p.nzones, p.ndns, p.nrules, p.ngeo, p.nexits, p.nvendors, p.hash);
	policy_free(&p);
	return 0;
}

/* "22,80,5900-5910" from a port set. */
static const char *
ports_fmt(const struct portset *s, char *buf, size_t len)
{
	size_t o = 0;
	unsigned p = 1;

	buf[0] = '\0';
	while (p <= 65535 && o + 16 < len) {
		unsigned q = p;

		if (!portset_has(s, (uint16_t)p)) {
			p++;
			continue;
		}
		while (q < 65535 && portset_has(s, (uint16_t)(q + 1)))
			q++;
		o += (size_t)snprintf(buf + o, len - o, q > p ? "%s%u-%u" : "%s%u",
				      o ? "," : "", p, q);
		p = q + 1;
	}
	if (p <= 65535 && o + 4 < len)
		snprintf(buf + o, len - o, ",...");
	return buf;
}

static void
show_zones(const struct policy *p)
{
	char buf[2048];

	printf("\nzones (%zu)\n", p->nzones);
	for (size_t i = 0; i < p->nzones; i++) {
		const struct zone *z = &p->zones[i];

		printf("  %-18s %-16s %s%s\n", z->name, zone_role_name(z->role),
		       tset_fmt(&z->nets, buf, sizeof(buf)),
		       z->role == ZONE_EXTERNAL ? "  (never scanned)" :
		       z->closed ? "  (closed: no traffic to outside)" : "");
	}
	printf("\nscope\n  %s\n", tset_fmt(&p->scope, buf, sizeof(buf)));
	printf("\ndo_not_scan (%zu)\n", p->ndns);
	for (size_t i = 0; i < p->ndns; i++)
		printf("  %-34s %s\n", range_fmt(&p->dns[i].r, buf, sizeof(buf)),
		       p->dns[i].reason);
}

static void
show_scan(const struct scan_settings *s)
{
	char buf[4096];

	printf("\nscan\n");
	printf("  tcp ports (%u)  %s\n", s->tcp.count, ports_fmt(&s->tcp, buf, sizeof(buf)));
	printf("  udp ports (%u)  %s\n", s->udp.count, ports_fmt(&s->udp, buf, sizeof(buf)));
	printf("  pps %u, host_pps %u, retries %u, timeout %u ms, cooldown %u ms, %u hosts in flight\n",
	       s->pps, s->host_pps, s->retries, s->timeout_ms, s->cooldown_ms,
	       s->max_hosts_in_flight);
	printf("  skip_net_bcast %s, probe_printers %s, probe_ot %s, snmp_public %s, scanner_id %s\n",
	       s->skip_net_bcast ? "yes" : "no", s->probe_printers ? "yes" : "no",
	       s->probe_ot ? "yes" : "no", s->snmp_public ? "yes" : "no", s->scanner_id);
}

static void
show_sources(const struct source_set *f)
{
	char buf[1024];

	if (f->any) {
		printf("any");
		return;
	}
	for (size_t i = 0; i < f->nzones; i++)
		printf("%s%s", i ? ", " : "", f->zones[i]);
	if (f->nets.n)
		printf("%s%s", f->nzones ? ", " : "", tset_fmt(&f->nets, buf, sizeof(buf)));
}

static void
show_rules(const struct policy *p, time_t now, size_t *expired)
{
	printf("\nservice rules (%zu)\n", p->nrules);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct service_rule *r = &p->rules[i];

		printf("  %-24s %s %s (%s/%u%s) in ", r->name, r->deny ? "deny " : "allow",
		       r->service, r->proto == 17 ? "udp" : "tcp", r->ports[0],
		       r->nports > 1 ? ",..." : "");
		for (size_t j = 0; j < r->nzones; j++)
			printf("%s%s", j ? ", " : "", r->zones[j]);
		printf(" from ");
		show_sources(&r->from);
		if (r->vendor[0])
			printf(" [vendor %s]", r->vendor);
		if (r->until) {
			int past = r->until < now;

			printf(" until %s%s", r->until_str, past ? " EXPIRED" : "");
			*expired += (size_t)past;
		}
		printf("\n");
		if (r->reason[0])
			printf("  %-24s reason: %s\n", "", r->reason);
	}
}

static void
show_rest(const struct policy *p)
{
	char buf[1024], ab[ADDR_STRLEN], mb[18];

	printf("\ngeo rules (%zu)\n", p->ngeo);
	for (size_t i = 0; i < p->ngeo; i++) {
		const struct geo_rule *g = &p->geo[i];

		printf("  %-18s %-8s ", g->zone, g->dir == GEO_INBOUND ? "inbound" :
		       g->dir == GEO_OUTBOUND ? "outbound" : "both");
		for (size_t j = 0; j < g->ncountries; j++)
			printf("%s%s", j ? " " : "", g->countries[j]);
		printf("\n");
	}
	printf("\nexits (%zu)\n", p->nexits);
	for (size_t i = 0; i < p->nexits; i++) {
		const struct exit_decl *e = &p->exits[i];

		printf("  %-18s gateway %-16s mac %-17s %s\n", e->name,
		       e->has_addr ? addr_fmt(&e->gateway, ab) : "-",
		       e->has_mac ? mac_fmt(e->mac, mb) : "-", e->purpose);
	}
	printf("\nvendors (%zu)\n", p->nvendors);
	for (size_t i = 0; i < p->nvendors; i++) {
		const struct vendor *v = &p->vendors[i];

		printf("  %-18s from %s", v->name, tset_fmt(&v->sources, buf, sizeof(buf)));
		for (size_t j = 0; j < v->nmay_reach; j++)
			printf("%s%s", j ? ", " : "; may reach ", v->may_reach[j]);
		printf("%s%s\n", v->window[0] ? "; window " : "", v->window);
	}
}

static int
parse_today(const char *s, time_t *out)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end || strlen(s) != 10)
		return -1;
	*out = timegm(&tm);
	return 0;
}

static int
policy_show_cmd(const char *path, time_t now)
{
	struct policy p;
	size_t expired = 0;

	if (load(path, &p) < 0)
		return EXIT_USAGE;
	printf("policy  %s\nsite    %s\nsha256  %s\n", path, p.site, p.hash);
	show_zones(&p);
	show_scan(&p.scan);
	show_rules(&p, now, &expired);
	show_rest(&p);
	if (expired)
		printf("\n%zu service exception(s) past their until: date - close them or renew them.\n",
		       expired);
	policy_free(&p);
	return 0;
}

int
cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	time_t now = time(NULL);
	const char *sub;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		return cli_usage("policy", "unknown option '%s' (expected check or show first)",
				 argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage("policy", "missing subcommand: check or show");
	sub = argv[optind];
	if (strcmp(sub, "check") && strcmp(sub, "show"))
		return cli_usage("policy", "unknown subcommand '%s' (expected check or show)", sub);
	argc -= optind;
	argv += optind;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		if (c == 't' && sub[0] == 's' && parse_today(optarg, &now) == 0)
			continue;
		if (c == 't')
			return cli_usage("policy", "invalid value '%s' for --today: expected YYYY-MM-DD (show only)",
					 optarg);
		if (optopt == 't')
			return cli_usage("policy", "--today needs a value YYYY-MM-DD");
		return cli_usage("policy", "unknown option '%s' for '%s'", argv[optind - 1], sub);
	}
	if (argc - optind != 1)
		return cli_usage("policy", "%s needs exactly one FILE", sub);
	if (sub[0] == 'c')
		return policy_check_cmd(argv[optind]);
	return policy_show_cmd(argv[optind], now);
}
