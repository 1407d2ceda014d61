/*
 * cmd_scan.c - 'heiiki scan': the active sweep, then probes and findings.
 *
 *   heiiki scan --policy FILE [options] [ZONE|ADDR|CIDR|RANGE ...]
 *   heiiki scan --resume CHECKPOINT
 *
 * This file only parses options; the scan itself is the shared pipeline
 * (scanner/pipeline/pipeline.c).  Flow: load the policy -> build the target set (plan.c; out-of-scope
 * arguments are refused before anything is sent) -> pick the mode (raw
 * SYN with CAP_NET_RAW, else connect(); --dry-run prints and sends
 * nothing) -> sweep (sweep.c) with checkpoints -> label hosts with zone
 * and MAC vendor -> probes on open ports (probes/runner.h) -> findings
 * (scanner/findings/findings.h) -> write the results document
 * atomically.  SIGINT/SIGTERM stop sending, wait a short cooldown and
 * write partial results (exit 4).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "scanner/report/diff.h"
#include "scanner/pipeline/pipeline.h"

#define UNSET PIPE_UNSET

static void
usage(FILE *f)
{
	fprintf(f,
"usage: heiiki scan --policy FILE [options] [ZONE|ADDR|CIDR|RANGE ...]\n"
"       heiiki scan --resume CHECKPOINT\n"
"Sweep the targets (default: the whole scope) for open ports.\n"
"  -P, --policy FILE        site policy: scope, do_not_scan, zones, defaults\n"
"  -p, --ports SPEC         TCP ports, e.g. 22,80,443,8000-8100 (default: policy);\n"
"                           giving -p without --udp-ports scans no UDP\n"
"  -U, --udp-ports SPEC     UDP ports (default: policy)\n"
"      --no-udp             no UDP probes\n"
"  -r, --rate PPS           global packets per second (default: policy, 1000)\n"
"      --host-rate PPS      per-host packets per second (default: policy, 40)\n"
"      --hosts-in-flight N  hosts probed at one time (default: policy, 64)\n"
"      --retries N          extra tries for unanswered probes (default 1)\n"
"      --cooldown MS        wait for late replies at the end (default 3000)\n"
"  -o, --output FILE        results document (default results.json)\n"
"  -n, --dry-run            print 'proto<TAB>addr<TAB>port' per probe, send nothing\n"
"      --all-states         record closed and filtered services too\n"
"      --connect            use connect() even with raw-socket privileges\n"
"      --ping               ICMP echo discovery as well as ARP\n"
"      --no-arp             no ARP discovery of on-link hosts\n"
"      --include-net-bcast  also scan network and broadcast addresses\n"
"      --iface NAME         capture interface (default: from the route)\n"
"      --source-ip ADDR     source address (one per family)\n"
"      --seed N             permutation seed (default: random)\n"
"      --checkpoint FILE    checkpoint path (default OUTPUT.ckpt)\n"
"      --checkpoint-interval MS  sweep checkpoint period (default 5000)\n"
"      --probe-batch N      open services probed per probe-phase checkpoint\n"
"                           (default 64)\n"
"      --resume FILE        continue an interrupted scan from its checkpoint\n"
"      --user NAME          as root: switch to NAME once the raw handles are open\n"
"      --no-probes          do not run service probes on open ports\n"
"      --no-findings        do not evaluate policy findings\n"
"      --fail-on SEV        exit 1 when a finding is at or above SEV: critical,\n"
"                           high, medium, low, info, none (default none)\n"
"      --progress/--no-progress  progress line on stderr (default: if a tty)\n"
"  -h, --help               this text\n");
}

enum {
	O_HOSTRATE = 256, O_INFLIGHT, O_RETRIES, O_COOLDOWN, O_ALLSTATES,
	O_CONNECT, O_PING, O_NOARP, O_NETBCAST, O_IFACE, O_SRCIP, O_SEED,
	O_CKPT, O_RESUME, O_NOPROBES, O_NOFINDINGS, O_PROGRESS, O_NOPROGRESS,
	O_NOUDP, O_MAXPROBES, O_CKPTMS, O_CONNMS, O_USER, O_PROBEBATCH, O_FAILON,
};

static const struct option long_opts[] = {
	{ "policy", required_argument, NULL, 'P' },
	{ "ports", required_argument, NULL, 'p' },
	{ "udp-ports", required_argument, NULL, 'U' },
	{ "no-udp", no_argument, NULL, O_NOUDP },
	{ "rate", required_argument, NULL, 'r' },
	{ "host-rate", required_argument, NULL, O_HOSTRATE },
	{ "hosts-in-flight", required_argument, NULL, O_INFLIGHT },
	{ "retries", required_argument, NULL, O_RETRIES },
	{ "cooldown", required_argument, NULL, O_COOLDOWN },
	{ "output", required_argument, NULL, 'o' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "all-states", no_argument, NULL, O_ALLSTATES },
	{ "connect", no_argument, NULL, O_CONNECT },
	{ "ping", no_argument, NULL, O_PING },
	{ "no-arp", no_argument, NULL, O_NOARP },
	{ "include-net-bcast", no_argument, NULL, O_NETBCAST },
	{ "iface", required_argument, NULL, O_IFACE },
	{ "source-ip", required_argument, NULL, O_SRCIP },
	{ "seed", required_argument, NULL, O_SEED },
	{ "checkpoint", required_argument, NULL, O_CKPT },
	{ "checkpoint-interval", required_argument, NULL, O_CKPTMS },
	{ "connect-timeout", required_argument, NULL, O_CONNMS },
	{ "resume", required_argument, NULL, O_RESUME },
	{ "no-probes", no_argument, NULL, O_NOPROBES },
	{ "no-findings", no_argument, NULL, O_NOFINDINGS },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "no-progress", no_argument, NULL, O_NOPROGRESS },
	{ "max-probes", required_argument, NULL, O_MAXPROBES },
	{ "user", required_argument, NULL, O_USER },
	{ "probe-batch", required_argument, NULL, O_PROBEBATCH },
	{ "fail-on", required_argument, NULL, O_FAILON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
opt_source(struct scan_opts *o, const char *v)
{
	struct addr a;

	if (addr_parse(v, &a) < 0)
		return cli_usage("scan", "invalid value '%s' for --source-ip: "
				 "expected an IPv4 or IPv6 address", v);
	if (addr_is_v4(&a)) {
		o->src4 = a;
		o->have_src4 = 1;
	} else {
		o->src6 = a;
		o->have_src6 = 1;
	}
	return 0;
}

static int
opt_number(int ch, const char *v, struct scan_opts *o)
{
	switch (ch) {
	case 'r': return cli_uint("scan", "--rate", v, 1, 10000000, &o->rate);
	case O_HOSTRATE: return cli_uint("scan", "--host-rate", v, 1, 1000000, &o->host_rate);
	case O_INFLIGHT: return cli_uint("scan", "--hosts-in-flight", v, 1, 1u << 24, &o->in_flight);
	case O_RETRIES: return cli_uint("scan", "--retries", v, 0, 10, &o->retries);
	case O_COOLDOWN: return cli_uint("scan", "--cooldown", v, 0, 600000, &o->cooldown_ms);
	case O_SEED: return cli_uint("scan", "--seed", v, 0, (1ULL << 62), &o->seed);
	case O_MAXPROBES: return cli_uint("scan", "--max-probes", v, 1, UNSET - 1, &o->max_probes);
	case O_CKPTMS: return cli_uint("scan", "--checkpoint-interval", v, 100, 3600000, &o->ckpt_ms);
	case O_CONNMS: return cli_uint("scan", "--connect-timeout", v, 100, 60000, &o->connect_ms);
	case O_PROBEBATCH: return cli_uint("scan", "--probe-batch", v, 1, 100000, &o->probe_batch);
	}
	return -1;
}

static int
opt_flag(int ch, const char *v, struct scan_opts *o)
{
	switch (ch) {
	case 'P': o->policy = v; break;
	case 'p': o->tcp = v; break;
	case 'U': o->udp = v; break;
	case 'o': o->out = v; break;
	case 'n': o->dry_run = 1; break;
	case O_NOUDP: o->no_udp = 1; break;
	case O_ALLSTATES: o->all_states = 1; break;
	case O_CONNECT: o->connect = 1; break;
	case O_PING: o->ping = 1; break;
	case O_NOARP: o->no_arp = 1; break;
	case O_NETBCAST: o->include_nb = 1; break;
	case O_IFACE: o->iface = v; break;
	case O_CKPT: o->ckpt = v; break;
	case O_USER: o->user = v; break;
	case O_RESUME: o->resume = v; break;
	case O_NOPROBES: o->no_probes = 1; break;
	case O_NOFINDINGS: o->no_findings = 1; break;
	case O_PROGRESS: o->progress = 1; break;
	case O_NOPROGRESS: o->progress = 0; break;
	case O_SRCIP: return opt_source(o, v) ? -1 : 0;
	case O_FAILON:
		o->fail_on = diff_fail_on_parse(v);
		if (o->fail_on < 0) {
			cli_usage("scan", "invalid value '%s' for --fail-on: expected "
				  "critical, high, medium, low, info or none", v);
			return -1;
		}
		break;
	default: return opt_number(ch, v, o) < 0 ? -1 : 0;
	}
	return 0;
}

/* 0 ok, 1 --help printed, -1 usage error (message printed).  Also the
 * parser 'night' uses for its scan options and checkpoints. */
int
scan_parse_opts(int argc, char **argv, struct scan_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->rate = o->host_rate = o->in_flight = o->retries = UNSET;
	o->cooldown_ms = o->seed = UNSET;
	o->ckpt_ms = 5000;
	o->fail_on = 5;
	o->progress = isatty(2);
	o->out = "results.json";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "P:p:U:r:o:nh", long_opts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return 1;
		}
		if (ch == '?' || ch == ':') {
			cli_bad_option("scan", argv);
			return -1;
		}
		if (opt_flag(ch, optarg, o) < 0)
			return -1;
	}
	o->targets = argv + optind;
	o->ntargets = argc - optind;
	return 0;
}

int
cmd_scan(int argc, char **argv)
{
	struct scan_opts o;
	struct scan_outcome out;
	int rc;

	rc = scan_parse_opts(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : EXIT_USAGE;
	rc = pipeline_scan(&o, argc, argv, scan_parse_opts, &out);
	pipeline_outcome_free(&out);
	return rc;
}
