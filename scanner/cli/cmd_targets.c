/*
 * cmd_targets.c - 'heiiki targets': show what a scan would cover.
 *
 *   heiiki targets --policy FILE [--include-net-bcast] [--list]
 *                  [ZONE|ADDR|CIDR|RANGE ...]
 *
 * Prints the effective target set (scope ∩ requested − do_not_scan −
 * network/broadcast) as ranges, one per line, then the counts.  With
 * --list every address is printed instead of ranges (at most 2^20).  The
 * set is built by exactly the code the scan uses (scanner/sweep/plan.c),
 * so this is the dry run of target selection.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scanner/input/policy.h"
#include "scanner/pipeline/pipeline.h"
#include "scanner/sweep/plan.h"

#define LIST_MAX (1u << 20)

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: heiiki targets --policy FILE [--include-net-bcast] [--list]\n"
		"                      [ZONE|ADDR|CIDR|RANGE ...]\n"
		"Print the effective target set of a scan and its counts.\n"
		"  -P, --policy FILE         the site policy (scope, do_not_scan, zones)\n"
		"      --include-net-bcast   keep network and broadcast addresses\n"
		"      --list                print every address, not ranges\n"
		"  -h, --help                this text\n");
}

static void
print_set(const struct tset *t, int list)
{
	char buf[2 * ADDR_STRLEN + 2];

	for (size_t i = 0; i < t->n; i++) {
		if (!list) {
			printf("%s\n", range_fmt(&t->r[i], buf, sizeof(buf)));
			continue;
		}
		for (u128 v = t->r[i].lo;; v++) {
			struct addr a = { v };

			printf("%s\n", addr_fmt(&a, buf));
			if (v == t->r[i].hi)
				break;
		}
	}
}

static void
print_counts(const struct policy *p, const struct plan_stats *st)
{
	char a[48], b[48], c[48], d[48];
	unsigned ports = p->scan.tcp.count + p->scan.udp.count;

	printf("# requested %s, do_not_scan -%s, network/broadcast -%s, "
	       "targets %s\n", plan_u128_fmt(st->requested, a),
	       plan_u128_fmt(st->excluded_dns, b),
	       plan_u128_fmt(st->excluded_netbcast, c),
	       plan_u128_fmt(st->targets, d));
	printf("# ports: tcp %u, udp %u (policy defaults); probes %s\n",
	       p->scan.tcp.count, p->scan.udp.count,
	       plan_u128_fmt(st->targets * ports, a));
}

int
cmd_targets(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "include-net-bcast", no_argument, NULL, 'B' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL;
	int include_nb = 0, list = 0, ch, rc = 0;
	struct policy pol;
	struct plan_stats st;
	struct tset t;
	char err[POLICY_ERR_MAX];

	optind = 1;
	while ((ch = getopt_long(argc, argv, "P:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'P': policy_path = optarg; break;
		case 'B': include_nb = 1; break;
		case 'L': list = 1; break;
		case 'h': usage(stdout); return 0;
		default: return cli_bad_option("targets", argv);
		}
	}
	if (!policy_path)
		return cli_usage("targets", "--policy FILE is required");
	if (policy_load(policy_path, &pol, err, sizeof(err)) < 0)
		return cli_usage("targets", "%s", err);
	if (plan_targets(&pol, argv + optind, argc - optind, include_nb ||
			 !pol.scan.skip_net_bcast, &t, &st, err, sizeof(err)) < 0) {
		rc = cli_usage("targets", "%s", err);
		goto out_policy;
	}
	if (list && st.targets > LIST_MAX) {
		rc = cli_usage("targets", "--list: %s addresses is too many to "
			       "list (limit %u)", plan_u128_fmt(st.targets, err),
			       LIST_MAX);
		goto out_set;
	}
	print_set(&t, list);
	print_counts(&pol, &st);
	{
		/* as 'scan' sweeps it: a wide IPv6 scope only when named */
		struct tset sweepable;
		unsigned pps = pol.scan.pps ? pol.scan.pps : 1000;
		unsigned hp = pol.scan.host_pps && pol.scan.host_pps < pps ?
			      pol.scan.host_pps : pps;

		tset_init(&sweepable);
		for (size_t i = 0; i < t.n; i++) {
			struct addr lo = { t.r[i].lo };

			if (argc > optind || addr_is_v4(&lo) || t.r[i].hi - t.r[i].lo < 65536)
				tset_add(&sweepable, &t.r[i]);
		}
		if (sweepable.n < t.n)
			printf("# a wide IPv6 scope is not swept address by address; "
			       "name IPv6 hosts to scan them\n");
		tset_freeze(&sweepable);
		pipeline_print_estimate(stdout, &sweepable,
					pol.scan.tcp.count + pol.scan.udp.count, pps, hp,
					pol.scan.max_hosts_in_flight);
		tset_free(&sweepable);
	}
out_set:
	tset_free(&t);
out_policy:
	policy_free(&pol);
	return rc;
}
