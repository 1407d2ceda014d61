/*
 * cmd_probe.c - 'heiiki probe': identify services on given ADDR:PORT pairs
 * or on every open service of a results document (read-only probes).
 *
 *   heiiki probe [--policy P] [--results IN.json] [-o OUT.json]
 *                [--scanner-id ID] [--parallel N] [--probe NAME]
 *                [--vpn-db FILE] [--allow-fragile] [--no-snmp-public]
 *                ADDR:PORT[/udp] ...
 *
 * All network work is probes/runner.c; this file parses arguments, loads
 * the policy and fingerprint data, and writes the results document.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probes/runner.h"
#include "probes/vpn_db.h"
#include "scanner/core/results.h"
#include "scanner/input/guard.h"
#include "scanner/input/policy.h"

static volatile sig_atomic_t probe_stop;

static void
on_signal(int sig)
{
	(void)sig;
	probe_stop = 1;
}

static void
usage(void)
{
	printf("usage: heiiki probe [options] ADDR:PORT[/udp] ...\n"
	       "       heiiki probe [options] --results IN.json\n"
	       "Identify services with read-only probes.  Nothing logs in, except that with\n"
	       "--policy (scan.ftp_anonymous, default true) the FTP probe tries a read-only\n"
	       "anonymous login on hosts outside clinical zones and without a fragile port.\n"
	       "Only there (or everywhere without --policy) MongoDB also gets listDatabases\n"
	       "(nothing read) and an RDP server that picks CredSSP an NTLM NEGOTIATE.\n\n"
	       "  --policy FILE        scope, do_not_scan, scanner id, fragile-device and SNMP settings\n"
	       "  --scope CIDR         without --policy: the whole scope (repeatable); one of the two\n"
	       "                       is required, and every target is checked against it\n"
	       "  --allow-special CLASS  allow loopback, link-local, this-network or reserved\n"
	       "                       targets (never broadcast or multicast)\n"
	       "  --results FILE       probe every open service of this results document\n"
	       "  -o, --output FILE    write the results document here (default: stdout)\n"
	       "  --scanner-id ID      shown in RDP cookie and HTTP User-Agent (default heiiki)\n"
	       "  --parallel N         connections in flight across hosts (default 64)\n"
	       "  --probe NAME         run only this probe (rdp, https, ssh, ...)\n"
	       "  --vpn-db FILE        VPN portal fingerprints (default probes/data/vpn-fingerprints.json)\n"
	       "  --allow-fragile      let fragile-device probes send payloads, touch 9100-9107\n"
	       "  --no-snmp-public     never send the SNMP community \"public\"\n"
	       "  --explain            print to stderr how each service was named (probe, cascade step, product rule)\n"
	       "  -h, --help           this text\n");
}

/* "198.18.1.2:3389", "[2001:db8::1]:443/udp" -> service object in r.
 * -1: syntax; -2: the guard refuses the address (err says why). */
static int
add_target(struct results *r, const char *arg, const struct guard *g, char *err,
	   size_t errlen)
{
	char buf[128], *port, *proto = "tcp", *slash, *end;
	struct addr a;
	unsigned long p;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", arg);
	if ((slash = strchr(buf, '/'))) {
		*slash = 0;
		proto = slash + 1;
		if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
			return -1;
	}
	port = strrchr(buf, ':');
	if (!port)
		return -1;
	*port++ = 0;
	if (buf[0] == '[') {
		size_t n = strlen(buf);

		if (n < 3 || buf[n - 1] != ']')
			return -1;
		buf[n - 1] = 0;
		memmove(buf, buf + 1, n - 1);
	}
	p = strtoul(port, &end, 10);
	if (end == port || *end || p < 1 || p > 65535 || addr_parse(buf, &a) < 0)
		return -1;
	if (guard_check(g, &a, err, errlen) < 0)
		return -2;
	return results_service(r, &a, proto, (unsigned)p, 1) ? 0 : -1;
}

struct probe_args {
	const char *policy, *in, *out, *id, *only, *vpn;
	struct guard g;
	int nscope;
	unsigned long long parallel;
	unsigned allow;
	int fragile, no_snmp;
	int explain;
};

static int
parse_args(int argc, char **argv, struct probe_args *pa)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "scope", required_argument, NULL, 'S' },
		{ "allow-special", required_argument, NULL, 'A' },
		{ "results", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "scanner-id", required_argument, NULL, 'i' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "probe", required_argument, NULL, 'n' },
		{ "vpn-db", required_argument, NULL, 'v' },
		{ "allow-fragile", no_argument, NULL, 'f' },
		{ "no-snmp-public", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "explain", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pa->policy = optarg; break;
		case 'S':
			if (!pa->nscope++)
				guard_init_scope(&pa->g);
			pa->g.allow |= pa->allow;
			if (guard_add_scope(&pa->g, optarg, err, sizeof(err)) < 0)
				return cli_usage("probe", "%s", err);
			break;
		case 'A':
			if (guard_allow_class(&pa->g, optarg, err, sizeof(err)) < 0)
				return cli_usage("probe", "--allow-special: %s", err);
			pa->allow |= pa->g.allow;
			break;
		case 'r': pa->in = optarg; break;
		case 'o': pa->out = optarg; break;
		case 'i': pa->id = optarg; break;
		case 'n': pa->only = optarg; break;
		case 'v': pa->vpn = optarg; break;
		case 'f': pa->fragile = 1; break;
		case 's': pa->no_snmp = 1; break;
		case 'x': pa->explain = 1; break;
		case 'P':
			if (cli_uint("probe", "--parallel", optarg, 1, 1024, &pa->parallel) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			usage();
			return -1;
		default:
			return cli_bad_option("probe", argv);
		}
	}
	if (pa->only && !probe_by_name(pa->only))
		return cli_usage("probe", "unknown probe '%s' for --probe", pa->only);
	if (!pa->in && optind >= argc)
		return cli_usage("probe", "give ADDR:PORT targets or --results FILE");
	if (!pa->policy && !pa->nscope)
		return cli_usage("probe", "a scope is required: give --policy FILE (scope and do_not_scan) or --scope CIDR (then the whole scope)");
	if (pa->policy && pa->nscope)
		return cli_usage("probe", "give --policy or --scope, not both (the policy's scope is the scope)");
	return 0;
}

/* --explain: one paragraph per service on stderr. */
static void
explain_print(struct results *r)
{
	json_t *svcs = results_array(r, "services"), *s;
	size_t i;

	json_array_foreach(svcs, i, s) {
		json_t *pr = json_object_get(s, "probe"), *rule = json_object_get(s, "product_rule");
		const char *step = json_string_value(json_object_get(pr, "cascade_step"));

		if (!pr)
			continue;
		fprintf(stderr, "%s:%lld/%s: service %s, outcome %s by probe '%s'",
			json_string_value(json_object_get(s, "addr")),
			(long long)json_integer_value(json_object_get(s, "port")),
			json_string_value(json_object_get(s, "proto")),
			json_string_value(json_object_get(s, "service")) ?
			json_string_value(json_object_get(s, "service")) : "(none)",
			json_string_value(json_object_get(pr, "outcome")),
			json_string_value(json_object_get(pr, "name")));
		if (step)
			fprintf(stderr, " (cascade step %s)", step);
		fprintf(stderr, "\n");
		if (rule)
			fprintf(stderr, "  product %s%s%s: rule '%s' matched %s = \"%s\"\n",
				json_string_value(json_object_get(s, "product")),
				json_object_get(s, "version") ? " " : "",
				json_object_get(s, "version") ?
				json_string_value(json_object_get(s, "version")) : "",
				json_string_value(json_object_get(rule, "id")),
				json_string_value(json_object_get(rule, "field")),
				json_string_value(json_object_get(rule, "text")));
		else if (json_object_get(s, "product"))
			fprintf(stderr, "  product %s: set by the probe itself (no rule matched)\n",
				json_string_value(json_object_get(s, "product")));
		else
			fprintf(stderr, "  no product rule matched\n");
	}
}

static int
run_probe(struct probe_args *pa, struct policy *pol, struct results *r, struct vpn_db *db)
{
	struct probe_opts o;
	char err[512];
	int n;

	memset(&o, 0, sizeof(o));
	o.scanner_id = pa->id ? pa->id : pol->scan.scanner_id[0] ? pol->scan.scanner_id : "heiiki";
	o.snmp_community = pa->no_snmp || (pa->policy && !pol->scan.snmp_public) ? NULL : "public";
	o.max_parallel = (unsigned)pa->parallel;
	o.allow_fragile = pa->fragile || pol->scan.probe_ot;
	o.allow_printers = pa->fragile || pol->scan.probe_printers;
	o.only = pa->only;
	o.vpn = db;
	o.may_probe = guard_may;	/* rechecked before every connection */
	o.may_arg = &pa->g;
	if (pa->policy) {
		o.host_slots = probe_policy_host_slots;	/* by zone role */
		o.host_arg = pol;
		o.ftp_anonymous = pol->scan.ftp_anonymous;
		o.careful = probe_policy_careful;
		o.careful_arg = pol;
	}
	o.stop = &probe_stop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	n = probe_run_results(r, &o, err, sizeof(err));
	if (n < 0)
		return cli_fail("probe", "%s", err);
	if (!probe_stop)
		results_set_status(r, "complete");
	if (pa->explain)
		explain_print(r);
	if (results_write(r, pa->out ? pa->out : "-", err, sizeof(err)) < 0)
		return cli_fail("probe", "%s", err);
	return probe_stop ? EXIT_PARTIAL : 0;
}

int
cmd_probe(int argc, char **argv)
{
	struct probe_args pa;
	struct policy pol;
	struct results *r = NULL;
	struct vpn_db *db = NULL;
	char err[POLICY_ERR_MAX];
	int rc, loaded = 0;

	memset(&pa, 0, sizeof(pa));
	pa.parallel = 64;
	memset(&pol, 0, sizeof(pol));
	rc = parse_args(argc, argv, &pa);
	if (rc) {
		guard_free(&pa.g);
		return rc < 0 ? 0 : rc;
	}
	policy_defaults(&pol);
	if (pa.policy && policy_load(pa.policy, &pol, err, sizeof(err)) < 0) {
		rc = cli_usage("probe", "%s", err);
		goto out;
	}
	loaded = pa.policy != NULL;
	if (loaded) {
		unsigned allow = pa.allow;

		guard_init_policy(&pa.g, &pol);
		pa.g.allow = allow;
	}
	if (pa.in ? results_load(pa.in, &r, err, sizeof(err)) < 0 : !(r = results_new("probe"))) {
		rc = cli_usage("probe", "%s", pa.in ? err : "out of memory");
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		int t = add_target(r, argv[i], &pa.g, err, sizeof(err));

		if (t == -2) {
			rc = cli_usage("probe", "target '%s': %s", argv[i], err);
			goto out;
		}
		if (t < 0) {
			rc = cli_usage("probe", "invalid target '%s': expected ADDR:PORT[/udp]", argv[i]);
			goto out;
		}
	}
	/* without --vpn-db the runner loads the default file itself */
	if (pa.vpn && vpn_db_load(pa.vpn, &db, err, sizeof(err)) < 0) {
		rc = cli_usage("probe", "%s", err);
		goto out;
	}
	rc = run_probe(&pa, &pol, r, db);
out:
	vpn_db_free(db);
	results_free(r);
	guard_free(&pa.g);
	if (loaded)
		policy_free(&pol);
	return rc;
}
