/*
 * cmd_fence.c - 'heiiki fence': verify source and country restrictions of a
 * firewall by sending spoofed SYNs from outside it (see docs/fence.md).
 *
 * Targets come from --target and/or the open TCP services of a scan
 * results file; only services the policy protects (restricted "from:" or a
 * geo rule), in scope and not on do_not_scan, are ever sent to.  The plan
 * can be shown without sending anything (--dry-run).  The outcome is a
 * results document of kind "fence" with FENCE_* findings.
 */
#include <getopt.h>
#include <ifaddrs.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "scanner/fence/fence.h"
#include "scanner/findings/findings.h"
#include "scanner/input/guard.h"
#include "scanner/report/report.h"

#define FENCE_MAX_ARGS 64

static volatile sig_atomic_t fence_stop;

static void
fence_on_signal(int sig)
{
	(void)sig;
	fence_stop = 1;
}

struct fence_opts {
	const char *policy, *iface, *out, *results, *user;
	const char *targets[FENCE_MAX_ARGS], *outside[FENCE_MAX_ARGS];
	const char *exclude[FENCE_MAX_ARGS], *db[GEO_MAX_DB];
	size_t ntargets, noutside, nexclude, ndb;
	struct fence_io io;
	int have_mac, dry_run, fail_on;
};

static void
fence_usage(void)
{
	printf("usage: heiiki fence --policy FILE --iface IF [options] [SCAN-RESULTS]\n"
	       "\n"
	       "Send spoofed TCP SYNs from outside a firewall to the services the policy\n"
	       "protects, from allowed sources, from sources no rule allows, and from\n"
	       "addresses in countries the geo rules do not allow, and report which got\n"
	       "through.  Read docs/fence.md first: replies must come back to this sensor.\n"
	       "\n"
	       "  --policy FILE        hospital policy (required)\n"
	       "  --iface IF           interface facing the firewall (required unless --dry-run)\n"
	       "  --target ADDR[:PORT] service host to test (repeatable); ports from the policy\n"
	       "  SCAN-RESULTS         also test the open TCP services of this results file\n"
	       "  --rate PPS           packets per second, 1-100 (default 10)\n"
	       "  --tries N            SYNs per source and service, 1-5 (default 2)\n"
	       "  --wait SECONDS       listen after each round (default 2)\n"
	       "  --gateway-mac MAC    next hop MAC (default: from the kernel's tables)\n"
	       "  --answer-arp         answer ARP for the spoofed sources on this segment\n"
	       "  --outside CIDR       outside range for spoofed sources (repeatable, at most\n"
	       "                       a /8 each; replaces the default: the policy's external\n"
	       "                       zones, a catch-all one only through its documentation\n"
	       "                       ranges); never gateways, ARP neighbours, network or\n"
	       "                       broadcast addresses (docs/fence.md)\n"
	       "  --exclude CIDR       never use these as sources (repeatable)\n"
	       "  --db FILE            GeoIP database (repeatable; default: the policy's)\n"
	       "  --dry-run            print the SYNs that would be sent; send nothing\n"
	       "  -o, --output FILE    write the results document here\n"
	       "  --fail-on SEV        exit 1 at or above SEV (default high; 'none')\n"
	       "  --user NAME          as root: switch to NAME once the raw handles are open\n"
	       "  -h, --help           this text\n");
}

static int
fence_push(const char **arr, size_t *n, const char *v, const char *what)
{
	if (*n == FENCE_MAX_ARGS)
		return cli_usage("fence", "at most %d %s", FENCE_MAX_ARGS, what);
	arr[(*n)++] = v;
	return 0;
}

static int
fence_opt(struct fence_opts *o, int c, const char *arg)
{
	unsigned long long v;

	switch (c) {
	case 'p': o->policy = arg; return 0;
	case 'i': o->iface = arg; return 0;
	case 'o': o->out = arg; return 0;
	case 'u': o->user = arg; return 0;
	case 'T': return fence_push(o->targets, &o->ntargets, arg, "--target");
	case 'O': return fence_push(o->outside, &o->noutside, arg, "--outside");
	case 'X': return fence_push(o->exclude, &o->nexclude, arg, "--exclude");
	case 'A': o->io.answer_arp = 1; return 0;
	case 'n': o->dry_run = 1; return 0;
	case 'r':
		if (cli_uint("fence", "--rate", arg, 1, 100, &v) < 0)
			return EXIT_USAGE;
		o->io.pps = (unsigned)v;
		return 0;
	case 't':
		if (cli_uint("fence", "--tries", arg, 1, 5, &v) < 0)
			return EXIT_USAGE;
		o->io.tries = (unsigned)v;
		return 0;
	case 'w':
		if (cli_uint("fence", "--wait", arg, 1, 60, &v) < 0)
			return EXIT_USAGE;
		o->io.wait_ms = (unsigned)v * 1000;
		return 0;
	case 'm':
		if (mac_parse(arg, o->io.gw_mac) < 0)
			return cli_usage("fence", "invalid value '%s' for --gateway-mac", arg);
		o->have_mac = 1;
		return 0;
	case 'd':
		if (o->ndb == GEO_MAX_DB)
			return cli_usage("fence", "at most %d --db files", GEO_MAX_DB);
		o->db[o->ndb++] = arg;
		return 0;
	case 'f':
		o->fail_on = !strcmp(arg, "none") ? SEV_CRITICAL + 1 : severity_parse(arg);
		return o->fail_on < 0 ? cli_usage("fence", "invalid value '%s' for --fail-on", arg) : 0;
	}
	return cli_usage("fence", "unknown option");
}

static int
fence_args(int argc, char **argv, struct fence_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' }, { "iface", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' }, { "target", required_argument, NULL, 'T' },
		{ "outside", required_argument, NULL, 'O' }, { "exclude", required_argument, NULL, 'X' },
		{ "answer-arp", no_argument, NULL, 'A' }, { "dry-run", no_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' }, { "tries", required_argument, NULL, 't' },
		{ "wait", required_argument, NULL, 'w' }, { "gateway-mac", required_argument, NULL, 'm' },
		{ "db", required_argument, NULL, 'd' }, { "fail-on", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fence_usage();
			return -1;
		}
		if (c == '?')
			return cli_bad_option("fence", argv);
		if ((rc = fence_opt(o, c, optarg)) != 0)
			return rc;
	}
	if (!o->policy)
		return cli_usage("fence", "--policy FILE is required");
	if (!o->iface && !o->dry_run)
		return cli_usage("fence", "--iface IF is required (or --dry-run)");
	if (optind < argc - 1)
		return cli_usage("fence", "at most one SCAN-RESULTS file");
	if (optind == argc - 1)
		o->results = argv[optind];
	if (!o->results && o->ntargets == 0)
		return cli_usage("fence", "nothing to test: give --target ADDR or a scan results file");
	return 0;
}

/* "ADDR" or "ADDR:PORT" (IPv4 only: fence does not test IPv6). */
static int
fence_target_arg(struct fence_plan *pl, const struct policy *p, const char *s,
		 char *err, size_t errlen)
{
	char host[ADDR_STRLEN];
	const char *colon = strchr(s, ':');
	unsigned long long port = 0;
	struct addr a;
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(host) || (colon && strchr(colon + 1, ':')))
		goto bad;
	memcpy(host, s, n);
	host[n] = '\0';
	if (addr_parse(host, &a) < 0)
		goto bad;
	if (colon) {
		char *end;

		port = strtoull(colon + 1, &end, 10);
		if (*end || port == 0 || port > 65535)
			goto bad;
	}
	if (fence_add_target(pl, p, &a, (uint16_t)port, err, errlen) < 0)
		return -1;
	return 0;
bad:
	snprintf(err, errlen, "invalid value '%s' for --target: expected IPv4 ADDR or ADDR:PORT", s);
	return -1;
}

static int
fence_results_targets(struct fence_plan *pl, const struct policy *p, const char *path,
		      char *err, size_t errlen)
{
	struct results *r;
	struct guard g;
	json_t *s;
	size_t i;
	int rc = 0;

	if (results_load(path, &r, err, errlen) < 0)
		return -1;
	guard_init_policy(&g, p);
	json_array_foreach(results_array(r, "services"), i, s) {
		struct addr a;
		json_int_t port = json_integer_value(json_object_get(s, "port"));
		const char *as = json_string_value(json_object_get(s, "addr"));
		const char *st = json_string_value(json_object_get(s, "state"));
		const char *pr = json_string_value(json_object_get(s, "proto"));

		if (!st || strcmp(st, "open") || !pr || strcmp(pr, "tcp") || port <= 0 ||
		    port > 65535 ||
		    !as || addr_parse(as, &a) < 0 ||
		    !addr_is_v4(&a) || !guard_may(&g, &a))
			continue;
		if (fence_add_target(pl, p, &a, (uint16_t)port, err, errlen) < 0) {
			rc = -1;
			break;
		}
	}
	results_free(r);
	guard_free(&g);
	return rc;
}

/* 32-bit hex from /proc/net (network order as printed) into an address. */
static int
proc_hex_addr(const char *hex, struct range *r)
{
	char *end;
	unsigned long v = strtoul(hex, &end, 16);
	struct in_addr in;

	if (*end || end == hex)
		return -1;
	in.s_addr = (in_addr_t)v;
	r->lo = r->hi = addr_from_v4(ntohl(in.s_addr)).v;
	return 0;
}

/*
 * Addresses on the sensor's segments that answer ARP or are not hosts:
 * every gateway of a route (/proc/net/route), every neighbour the kernel
 * knows (/proc/net/arp), the network and broadcast address of each
 * connected IPv4 subnet.  With iface NULL (--dry-run without --iface),
 * those of every interface.
 */
static void
fence_segment_exclusions(struct fence_plan *pl, const char *iface)
{
	char line[256];
	FILE *f = fopen("/proc/net/route", "r");
	struct ifaddrs *ifa, *i;

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line, *tok[3];
		struct range r;
		int k = 0;

		for (char *save = NULL; k < 3 && (tok[k] = strtok_r(p, " \t\n", &save)); k++)
			p = NULL;
		if (k == 3 && (!iface || !strcmp(tok[0], iface)) && proc_hex_addr(tok[2], &r) == 0 &&
		    addr_v4(&(struct addr){ r.lo }) != 0)
			tset_add(&pl->exclude, &r);
	}
	if (f)
		fclose(f);
	f = fopen("/proc/net/arp", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line, *tok[6];
		struct range r;
		struct addr a;
		int k = 0;

		for (char *save = NULL; k < 6 && (tok[k] = strtok_r(p, " \t\n", &save)); k++)
			p = NULL;
		if (k == 6 && (!iface || !strcmp(tok[5], iface)) && addr_parse(tok[0], &a) == 0) {
			r.lo = r.hi = a.v;
			tset_add(&pl->exclude, &r);
		}
	}
	if (f)
		fclose(f);
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		uint32_t a, m;
		struct range r;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask ||
		    (iface && strcmp(i->ifa_name, iface)))
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		if (m == 0xffffffffu || m == 0xfffffffeu)
			continue;
		r.lo = r.hi = addr_from_v4(a & m).v;
		tset_add(&pl->exclude, &r);
		r.lo = r.hi = addr_from_v4((a & m) | ~m).v;
		tset_add(&pl->exclude, &r);
	}
	freeifaddrs(ifa);
}

/* Sources never used: the sensor's own addresses and --exclude. */
static int
fence_exclusions(struct fence_plan *pl, const struct fence_opts *o, char *err, size_t errlen)
{
	struct ifaddrs *ifa, *i;

	for (size_t k = 0; k < o->nexclude; k++)
		if (tset_add_str(&pl->exclude, o->exclude[k], err, errlen) < 0)
			return -1;
	if (o->noutside && fence_set_outside(pl, o->outside, o->noutside, err, errlen) < 0)
		return -1;
	fence_segment_exclusions(pl, o->iface);
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i; i = i->ifa_next) {
		struct range r;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		r.lo = r.hi = addr_from_v4(ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr)).v;
		tset_add(&pl->exclude, &r);
	}
	freeifaddrs(ifa);
	return 0;
}

static int
fence_geo(const struct fence_opts *o, const struct policy *p, struct geo_db **db,
	  char *err, size_t errlen)
{
	const char *paths[GEO_MAX_DB];
	size_t n = 0;

	*db = NULL;
	if (p->geoip_db[0])
		paths[n++] = p->geoip_db;
	for (size_t i = 0; n == 0 && i < o->ndb; i++)
		paths[n++] = o->db[i];
	if (n == 0) {
		if (p->ngeo == 0 || access(geo_default_path(), R_OK) < 0)
			return 0;
		paths[n++] = geo_default_path();
	}
	return geo_open(db, paths, n, err, errlen);
}

static int
fence_plan_all(struct fence_plan *pl, const struct fence_opts *o, const struct policy *p,
	       struct geo_db **db, char *err, size_t errlen)
{
	if (fence_default_outside(pl, p) < 0) {
		snprintf(err, errlen, "out of memory");
		return EXIT_RUNTIME;
	}
	if (fence_exclusions(pl, o, err, errlen) < 0)
		return EXIT_USAGE;
	for (size_t i = 0; i < o->ntargets; i++)
		if (fence_target_arg(pl, p, o->targets[i], err, errlen) < 0)
			return EXIT_USAGE;
	if (o->results && fence_results_targets(pl, p, o->results, err, errlen) < 0)
		return EXIT_USAGE;
	if (fence_geo(o, p, db, err, errlen) < 0)
		return EXIT_RUNTIME;
	if (p->ngeo && !*db)
		fprintf(stderr, "heiiki fence: warning: no GeoIP database; country "
			"restrictions are not tested (run 'make geoip' or pass --db)\n");
	if (pl->outside.n == 0) {
		snprintf(err, errlen, "no outside ranges to take sources from: declare a zone "
			 "with role external or pass --outside CIDR");
		return EXIT_USAGE;
	}
	/* no safe source is a usage problem (name the ranges), not a crash */
	return fence_plan_sources(pl, p, *db, err, errlen) < 0 ? EXIT_USAGE : 0;
}

static void
fence_summary(const struct fence_plan *pl)
{
	static const char *const kn[FENCE_KINDS] = { "allowed", "not-allowed", "geo" };
	char a[ADDR_STRLEN];
	size_t asent = 0, aopen = 0;

	for (size_t i = 0; i < pl->np; i++)
		if (pl->pr[i].kind == FENCE_ALLOWED) {
			asent++;
			aopen += pl->pr[i].answered != 0;
		}
	if (asent && !aopen)
		fprintf(stderr, "heiiki fence: warning: none of the %zu allowed sources got "
			"an answer; replies are probably not coming back to this sensor "
			"(docs/fence.md), so the result is inconclusive\n", asent);

	for (size_t t = 0; t < pl->nt; t++) {
		printf("%s:%u (%s)", addr_fmt(&pl->t[t].addr, a), pl->t[t].port, pl->t[t].rules);
		for (int k = 0; k < FENCE_KINDS; k++) {
			size_t sent = 0, open = 0;

			for (size_t i = 0; i < pl->np; i++)
				if (pl->pr[i].target == t && (int)pl->pr[i].kind == k) {
					sent++;
					open += pl->pr[i].answered != 0;
				}
			printf("  %s %zu/%zu", kn[k], open, sent);
		}
		printf("\n");
	}
}

static int
fence_report(struct fence_plan *pl, const struct fence_opts *o, const struct policy *p,
	     struct geo_db *db, int partial)
{
	struct results *r = results_new("fence");
	char err[512];
	int rc = EXIT_RUNTIME;

	if (!r)
		return cli_fail("fence", "out of memory");
	json_object_set_new(results_run(r), "vantage", json_pack("{s:s}", "iface", o->iface));
	json_object_set_new(results_run(r), "policy", json_string(p->hash));
	if (fence_to_results(pl, r) < 0 ||
	    findings_apply(r, p, db, time(NULL), err, sizeof(err)) < 0) {
		cli_fail("fence", "%s", "cannot build the results document");
		goto out;
	}
	results_set_status(r, partial ? "partial" : "complete");
	if (o->out && results_write(r, o->out, err, sizeof(err)) < 0) {
		cli_fail("fence", "%s", err);
		goto out;
	}
	fence_summary(pl);
	for (size_t i = 0; i < json_array_size(results_array(r, "findings")); i++) {
		json_t *f = json_array_get(results_array(r, "findings"), i);

		/* evidence holds peer-controlled text: escaped for the terminal */
		report_esc_text(stdout, json_string_value(json_object_get(f, "severity")));
		putchar(' ');
		report_esc_text(stdout, json_string_value(json_object_get(f, "rule")));
		putchar(' ');
		report_esc_text(stdout, json_string_value(json_object_get(f, "evidence")));
		putchar('\n');
	}
	rc = (o->fail_on <= SEV_CRITICAL &&
	      findings_count_at(r, (enum severity)o->fail_on) > 0) ? EXIT_FINDINGS : 0;
	if (partial) {
		fprintf(stderr, "heiiki fence: interrupted; partial results%s%s\n",
			o->out ? " written to " : "", o->out ? o->out : "");
		rc = EXIT_PARTIAL;
	}
out:
	results_free(r);
	return rc;
}

int
cmd_fence(int argc, char **argv)
{
	struct fence_opts o = { .io = { .pps = 10, .tries = 2, .wait_ms = 2000 },
				.fail_on = SEV_HIGH };
	struct fence_plan pl;
	struct policy p;
	struct guard guard;
	struct geo_db *db = NULL;
	char err[POLICY_ERR_MAX];
	int rc;

	rc = fence_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	o.io.iface = o.iface;
	if (policy_load(o.policy, &p, err, sizeof(err)) < 0)
		return cli_usage("fence", "%s", err);
	fence_plan_init(&pl);
	rc = fence_plan_all(&pl, &o, &p, &db, err, sizeof(err));
	if (rc) {
		rc = rc == EXIT_USAGE ? cli_usage("fence", "%s", err) : cli_fail("fence", "%s", err);
		goto out;
	}
	if (pl.np == 0) {
		printf("heiiki fence: the policy protects none of the given services; nothing to send\n");
		goto out;
	}
	if (o.dry_run) {
		fence_plan_print(&pl, stdout);
		goto out;
	}
	if (!o.have_mac && fence_gateway_mac(o.iface, o.io.gw_mac, err, sizeof(err)) < 0) {
		rc = cli_fail("fence", "%s", err);
		goto out;
	}
	signal(SIGINT, fence_on_signal);
	signal(SIGTERM, fence_on_signal);
	o.io.stop = &fence_stop;
	guard_init_policy(&guard, &p);
	o.io.may_send = guard_may;
	o.io.may_arg = &guard;
	if (o.user) {
		o.io.after_open = cli_drop_privileges;
		o.io.ao_arg = (void *)o.user;
	}
	rc = fence_run(&pl, &o.io, err, sizeof(err));
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (rc < 0) {
		rc = cli_fail("fence", "%s", err);
		goto out;
	}
	rc = fence_report(&pl, &o, &p, db, rc == 1);
out:
	fence_plan_free(&pl);
	geo_close(db);
	policy_free(&p);
	return rc;
}
