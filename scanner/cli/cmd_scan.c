/*
 * cmd_scan.c - 'heiiki scan': the active sweep, then probes and findings.
 *
 *   heiiki scan --policy FILE [options] [ZONE|ADDR|CIDR|RANGE ...]
 *   heiiki scan --resume CHECKPOINT
 *
 * Flow: load the policy -> build the target set (plan.c; out-of-scope
 * arguments are refused before anything is sent) -> pick the mode (raw
 * SYN with CAP_NET_RAW, else connect(); --dry-run prints and sends
 * nothing) -> sweep (sweep.c) with checkpoints -> label hosts with zone
 * and MAC vendor -> probes on open ports (probes/runner.h) -> findings
 * (scanner/findings/findings.h) -> write the results document
 * atomically.  SIGINT/SIGTERM stop sending, wait a short cooldown and
 * write partial results (exit 4).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "probes/probe.h"
#include "probes/runner.h"
#include "scanner/core/log.h"
#include "scanner/core/oui.h"
#include "scanner/findings/findings.h"
#include "scanner/input/policy.h"
#include "scanner/sweep/checkpoint.h"
#include "scanner/sweep/plan.h"
#include "scanner/sweep/sweep.h"

#define UNSET (~0ULL)

struct scan_opts {
	const char *policy, *out, *resume, *ckpt, *iface, *tcp, *udp, *user;
	unsigned long long rate, host_rate, in_flight, retries, cooldown_ms;
	unsigned long long seed, max_probes, ckpt_ms, connect_ms;
	int dry_run, connect, all_states, no_probes, no_arp, ping, include_nb;
	int no_udp, progress, no_findings;
	struct addr src4, src6;
	int have_src4, have_src6;
	char **targets;
	int ntargets;
};

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

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
"      --resume FILE        continue an interrupted scan from its checkpoint\n"
"      --user NAME          as root: switch to NAME once the raw handles are open\n"
"      --no-probes          do not run service probes on open ports\n"
"      --no-findings        do not evaluate policy findings\n"
"      --progress/--no-progress  progress line on stderr (default: if a tty)\n"
"  -h, --help               this text\n");
}

enum {
	O_HOSTRATE = 256, O_INFLIGHT, O_RETRIES, O_COOLDOWN, O_ALLSTATES,
	O_CONNECT, O_PING, O_NOARP, O_NETBCAST, O_IFACE, O_SRCIP, O_SEED,
	O_CKPT, O_RESUME, O_NOPROBES, O_NOFINDINGS, O_PROGRESS, O_NOPROGRESS,
	O_NOUDP, O_MAXPROBES, O_CKPTMS, O_CONNMS, O_USER,
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
	default: return opt_number(ch, v, o) < 0 ? -1 : 0;
	}
	return 0;
}

/* 0 ok, 1 --help printed, -1 usage error (message printed). */
static int
parse_opts(int argc, char **argv, struct scan_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->rate = o->host_rate = o->in_flight = o->retries = UNSET;
	o->cooldown_ms = o->seed = UNSET;
	o->ckpt_ms = 5000;
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

/* Everything one scan run holds; freed by scan_free(). */
struct scan {
	struct scan_opts o;
	struct policy pol;
	int have_pol;
	struct tset targets;
	struct sweep_port *ports;
	size_t nports;
	struct sweep_conf sc;
	struct sweep_stats st;
	struct results *res;
	char hash[65];
	char ckpt_path[512];
	int argc;
	char **argv;
	uint64_t seed;
	struct ckpt resume;
};

/* For the UDP payload callback, which has no argument. */
static const struct policy *udp_policy;

static void
udp_payload(uint16_t port, uint8_t *buf, size_t cap, size_t *len)
{
	const struct probe *p[1];
	struct probe_ctx ctx;

	*len = 0;
	if (probe_for_port(port, 17, p, 1) == 0 || !p[0]->hello)
		return;
	if ((p[0]->flags & PROBE_FRAGILE) && !(udp_policy && udp_policy->scan.probe_ot))
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.port = port;
	ctx.scanner_id = udp_policy ? udp_policy->scan.scanner_id : "heiiki";
	ctx.snmp_community = !udp_policy || udp_policy->scan.snmp_public ?
			     "public" : NULL;
	if (p[0]->hello(&ctx, buf, cap, len) < 0 || *len > cap)
		*len = 0;
}

static int
build_ports(struct scan *s, char *err, size_t errlen)
{
	struct portset tcp = s->pol.scan.tcp, udp = s->pol.scan.udp;
	size_t n = 0;

	if (s->o.tcp) {
		memset(&tcp, 0, sizeof(tcp));
		if (portset_parse(&tcp, s->o.tcp, err, errlen) < 0)
			return -1;
		if (!s->o.udp)
			memset(&udp, 0, sizeof(udp));
	}
	if (s->o.udp) {
		memset(&udp, 0, sizeof(udp));
		if (portset_parse(&udp, s->o.udp, err, errlen) < 0)
			return -1;
	}
	if (s->o.no_udp)
		memset(&udp, 0, sizeof(udp));
	s->ports = calloc(2 * 65536, sizeof(*s->ports));
	if (!s->ports) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned p = 1; p < 65536; p++)
		if (portset_has(&tcp, (uint16_t)p))
			s->ports[n++] = (struct sweep_port){ (uint16_t)p, 6 };
	for (unsigned p = 1; p < 65536; p++)
		if (portset_has(&udp, (uint16_t)p))
			s->ports[n++] = (struct sweep_port){ (uint16_t)p, 17 };
	s->nports = n;
	if (!n) {
		snprintf(err, errlen, "no ports to scan");
		return -1;
	}
	return 0;
}

static void
write_checkpoint(void *arg, uint64_t cursor, int final)
{
	struct scan *s = arg;
	char err[512];

	if (final && !s->st.interrupted) {
		unlink(s->ckpt_path);	/* finished: nothing to resume */
		return;
	}
	if (ckpt_write(s->ckpt_path, s->argc, s->argv, s->seed, cursor,
		       s->st.total ? s->st.total : cursor, s->hash, s->res,
		       err, sizeof(err)) < 0)
		log_warn("sweep", "checkpoint: %s", err);
}

static uint64_t
random_seed(void)
{
	uint64_t v = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v ^= (uint64_t)clock();
	return v & ((1ULL << 62) - 1);
}

static unsigned
pick(unsigned long long opt, unsigned dflt)
{
	return opt == UNSET ? dflt : (unsigned)opt;
}

/* Sockets in flight for the connect() scan: at least 512 (or the batch
 * size), but well inside the open-files limit. */
static unsigned
connect_budget(unsigned in_flight)
{
	struct rlimit rl;
	unsigned n = in_flight < 512 ? 512 : in_flight;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > 128 && n > rl.rlim_cur - 64)
		n = (unsigned)(rl.rlim_cur - 64);
	return n;
}

static void
fill_conf(struct scan *s)
{
	struct sweep_conf *c = &s->sc;
	const struct scan_settings *ps = &s->pol.scan;

	memset(c, 0, sizeof(*c));
	c->targets = &s->targets;
	c->scope = &s->pol.scope;
	c->deny = &s->pol.dns_set;
	c->ports = s->ports;
	c->nports = s->nports;
	c->seed = s->seed;
	c->pps = pick(s->o.rate, ps->pps ? ps->pps : 1000);
	c->host_pps = pick(s->o.host_rate, ps->host_pps);
	if (c->host_pps > c->pps)
		c->host_pps = c->pps;
	c->hosts_in_flight = pick(s->o.in_flight, ps->max_hosts_in_flight);
	c->retries = pick(s->o.retries, ps->retries);
	c->retry_ms = ps->timeout_ms ? ps->timeout_ms : 1000;
	c->cooldown_ms = pick(s->o.cooldown_ms, ps->cooldown_ms);
	c->connect_ms = s->o.connect_ms ? (unsigned)s->o.connect_ms : 2500;
	c->connect_parallel = connect_budget(c->hosts_in_flight);
	c->max_probes = s->o.max_probes;
	c->dry_out = stdout;
	c->all_states = s->o.all_states;
	c->progress = s->o.progress && !s->o.dry_run;
	c->arp = !s->o.no_arp;
	c->ping = s->o.ping;
	c->iface = s->o.iface;
	c->src4 = s->o.have_src4 ? &s->o.src4 : NULL;
	c->src6 = s->o.have_src6 ? &s->o.src6 : NULL;
	c->udp_payload = udp_payload;
	if (s->o.user && geteuid() == 0) {
		c->after_open = cli_drop_privileges;
		c->ao_arg = (void *)s->o.user;
	}
	c->stop = &stop_flag;
	if (!s->o.dry_run) {
		c->checkpoint = write_checkpoint;
		c->ck_arg = s;
		c->checkpoint_ms = (unsigned)s->o.ckpt_ms;
	}
}

static void
choose_mode(struct scan *s)
{
	size_t n = 0;

	if (s->o.dry_run) {
		s->sc.mode = SWEEP_DRYRUN;
		return;
	}
	if (!s->o.connect && sweep_have_raw()) {
		s->sc.mode = SWEEP_RAW;
		return;
	}
	if (!s->o.connect)
		fprintf(stderr, "heiiki scan: no CAP_NET_RAW: using a connect() "
			"scan (TCP only, no ARP discovery)\n");
	s->sc.mode = SWEEP_CONNECT;
	for (size_t i = 0; i < s->nports; i++)
		if (s->ports[i].proto == 6)
			s->ports[n++] = s->ports[i];
	s->nports = n;
	s->sc.nports = n;
}

static void
set_vantage(struct scan *s)
{
	json_t *run = results_run(s->res);
	struct addr first, src;
	char buf[ADDR_STRLEN];
	const struct zone *z;

	json_object_set_new(run, "policy_hash", json_string(s->pol.hash));
	if (s->pol.site[0])
		json_object_set_new(run, "site", json_string(s->pol.site));
	if (s->targets.n == 0)
		return;
	first.v = s->targets.r[0].lo;
	if (s->o.have_src4 && addr_is_v4(&first))
		src = s->o.src4;
	else if (sweep_route_source(&first, &src) < 0)
		return;
	z = policy_zone_of(&s->pol, &src);
	json_object_set_new(run, "vantage", json_pack("{s:s, s:s?}", "addr",
			    addr_fmt(&src, buf), "zone", z ? z->name : NULL));
}

/* Zone of every host, and the MAC vendor where a MAC was seen. */
static void
label_hosts(struct scan *s)
{
	json_t *hosts = results_array(s->res, "hosts"), *h;
	struct oui_db *oui = NULL;
	char err[256];
	size_t i;

	json_array_foreach(hosts, i, h) {
		const char *as = json_string_value(json_object_get(h, "addr"));
		const char *ms = json_string_value(json_object_get(h, "mac"));
		const struct zone *z;
		struct addr a;
		uint8_t mac[6];

		if (as && addr_parse(as, &a) == 0 && (z = policy_zone_of(&s->pol, &a)))
			json_object_set_new(h, "zone", json_string(z->name));
		if (!ms || mac_parse(ms, mac) < 0)
			continue;
		if (!oui && oui_load(NULL, &oui, err, sizeof(err)) < 0) {
			log_warn("scan", "MAC vendors unavailable: %s", err);
			break;
		}
		if (oui_lookup(oui, mac))
			json_object_set_new(h, "vendor", json_string(oui_lookup(oui, mac)));
	}
	oui_free(oui);
}

static void
record_run(struct scan *s)
{
	static const char *const modes[] = { "dry-run", "syn", "connect" };
	json_t *run = results_run(s->res);
	char ts[32];

	results_count(s->res, "sent", (json_int_t)s->st.sent);
	results_count(s->res, "received", (json_int_t)s->st.received);
	results_count(s->res, "valid_replies", (json_int_t)s->st.valid);
	results_count(s->res, "retries", (json_int_t)s->st.retries);
	results_count(s->res, "open", (json_int_t)s->st.open);
	results_count(s->res, "closed", (json_int_t)s->st.closed);
	results_count(s->res, "unreachable", (json_int_t)s->st.unreachable);
	results_count(s->res, "refused_by_recheck", (json_int_t)s->st.refused_recheck);
	results_count(s->res, "pcap_recv", (json_int_t)s->st.pcap_recv);
	results_count(s->res, "pcap_drop", (json_int_t)s->st.pcap_drop);
	results_count(s->res, "pcap_ifdrop", (json_int_t)s->st.pcap_ifdrop);
	results_count(s->res, "hosts_arp", (json_int_t)s->st.hosts_arp);
	double secs = (double)(s->st.last_send_ns - s->st.first_send_ns) / 1e9;

	json_t *sw = json_pack("{s:s, s:I, s:I, s:I, s:i, s:i, s:f}",
			    "mode", modes[s->sc.mode], "seed", (json_int_t)s->seed,
			    "probes", (json_int_t)s->st.total,
			    "ports", (json_int_t)s->nports, "pps", (int)s->sc.pps,
			    "host_pps", (int)s->sc.host_pps, "send_seconds", secs);
	json_t *why = json_array();

	/* honest rates (sweep.h): what the caps allowed, what was achieved */
	if (sw && why) {
		json_object_set_new(sw, "expected_pps", json_integer((json_int_t)(s->st.expected_pps + 0.5)));
		json_object_set_new(sw, "estimated_seconds", json_real(s->st.est_seconds));
		json_object_set_new(sw, "bound_by", json_string(s->st.bound_by ? s->st.bound_by : "rate"));
		json_object_set_new(sw, "achieved_pps", json_integer((json_int_t)(s->st.achieved_pps + 0.5)));
		json_object_set_new(sw, "achieved_host_pps", json_integer((json_int_t)(s->st.host_peak_pps + 0.5)));
		json_object_set_new(sw, "first_pass_seconds", json_real(s->st.first_pass_s));
		json_object_set_new(sw, "final_pps", json_integer((json_int_t)s->st.final_pps));
		json_object_set_new(sw, "rx_backoffs", json_integer((json_int_t)s->st.rx_backoffs));
		if (s->st.pcap_drop || s->st.pcap_ifdrop)
			json_array_append_new(why, json_string("capture_drops"));
		if (s->st.overrun)
			json_array_append_new(why, json_string("send_overrun"));
		json_object_set_new(sw, "incomplete", json_incref(why));
	}
	json_object_set_new(run, "sweep", sw);
	json_object_set_new(run, "end", json_string(results_time(time(NULL), ts)));
	results_set_status(s->res, s->st.interrupted || json_array_size(why) ?
			   "partial" : "complete");
	if (json_array_size(why))
		fprintf(stderr, "heiiki scan: WARNING: results incomplete:%s%s "
			"(capture dropped %llu replies, first pass %.1f s of %.1f s "
			"planned); run again at a lower --rate\n",
			s->st.pcap_drop || s->st.pcap_ifdrop ? " replies lost" : "",
			s->st.overrun ? " send phase overran its plan" : "",
			(unsigned long long)(s->st.pcap_drop + s->st.pcap_ifdrop),
			s->st.first_pass_s, s->st.est_seconds);
	json_decref(why);
}

/* Before the first packet: say so when the per-host cap keeps the scan
 * below --rate, with the estimated send time. */
static void
rate_notice(struct scan *s)
{
	struct sweep_estimate e;
	u128 hosts = tset_count(&s->targets);
	uint64_t probes;

	if (s->sc.mode == SWEEP_DRYRUN || hosts > (u128)UINT64_MAX / (s->nports + 1))
		return;
	probes = (uint64_t)hosts * s->nports;
	probes = s->sc.start < probes ? probes - s->sc.start : 0;
	sweep_estimate(&s->sc, (uint64_t)hosts, probes, &e);
	if (strcmp(e.bound_by, "host_rate"))
		return;
	fprintf(stderr, "heiiki scan: --rate %u is not reachable: the per-host cap "
		"of %u pps with %llu hosts in flight allows about %.0f pps; "
		"estimated send time %.0f s\n", s->sc.pps, s->sc.host_pps,
		(unsigned long long)(s->sc.hosts_in_flight &&
			s->sc.hosts_in_flight < hosts ? s->sc.hosts_in_flight :
			(uint64_t)hosts), e.pps, e.seconds);
}

static int
may_probe(void *arg, const struct addr *a)
{
	return policy_may_scan(arg, a);
}

static void
after_sweep(struct scan *s)
{
	char err[512];

	label_hosts(s);
	if (!s->o.no_probes && !s->st.interrupted) {
		struct probe_opts po;

		memset(&po, 0, sizeof(po));
		po.scanner_id = s->pol.scan.scanner_id;
		po.snmp_community = s->pol.scan.snmp_public ? "public" : NULL;
		po.allow_fragile = s->pol.scan.probe_ot;
		po.allow_printers = s->pol.scan.probe_printers;
		po.may_probe = may_probe;
		po.may_arg = &s->pol;
		po.stop = &stop_flag;
		if (probe_run_results(s->res, &po, err, sizeof(err)) < 0)
			log_warn("scan", "probes: %s", err);
		if (stop_flag)
			s->st.interrupted = 1;
	}
	if (!s->o.no_findings &&
	    findings_apply(s->res, &s->pol, NULL, time(NULL), err, sizeof(err)) < 0)
		log_warn("scan", "findings: %s", err);
}

static void
scan_free(struct scan *s)
{
	if (s->have_pol)
		policy_free(&s->pol);
	tset_free(&s->targets);
	free(s->ports);
	results_free(s->res);
	ckpt_free(&s->resume);
}

/* --resume: the saved command line replaces ours; seed/cursor/results kept. */
static int
load_resume(struct scan *s, const char *path, char *err, size_t errlen)
{
	int rc;

	if (ckpt_read(path, &s->resume, err, errlen) < 0)
		return -1;
	rc = parse_opts(s->resume.argc, s->resume.argv, &s->o);
	if (rc != 0 || s->o.resume) {
		snprintf(err, errlen, "%s: the saved command line is not usable", path);
		return -1;
	}
	s->argc = s->resume.argc;
	s->argv = s->resume.argv;
	s->seed = s->resume.seed;
	s->res = results_from_json(s->resume.results, err, errlen);
	if (!s->res)
		return -1;
	snprintf(s->ckpt_path, sizeof(s->ckpt_path), "%s", path);
	return 0;
}

static int
prepare(struct scan *s, char *err, size_t errlen)
{
	if (!s->o.policy) {
		snprintf(err, errlen, "--policy FILE is required");
		return -1;
	}
	if (policy_load(s->o.policy, &s->pol, err, errlen) < 0)
		return -1;
	s->have_pol = 1;
	udp_policy = &s->pol;
	if (plan_targets(&s->pol, s->o.targets, s->o.ntargets,
			 s->o.include_nb || !s->pol.scan.skip_net_bcast,
			 &s->targets, NULL, err, errlen) < 0)
		return -1;
	if (build_ports(s, err, errlen) < 0)
		return -1;
	if (!s->ckpt_path[0])
		snprintf(s->ckpt_path, sizeof(s->ckpt_path), "%s.ckpt",
			 s->o.ckpt ? s->o.ckpt : s->o.out);
	if (s->o.ckpt)
		snprintf(s->ckpt_path, sizeof(s->ckpt_path), "%s", s->o.ckpt);
	fill_conf(s);
	choose_mode(s);
	if (ckpt_config_hash(&s->targets, s->ports, s->nports,
			     s->sc.hosts_in_flight, s->pol.hash, s->hash) < 0) {
		snprintf(err, errlen, "cannot hash the configuration");
		return -1;
	}
	if (s->resume.argv && strcmp(s->hash, s->resume.config_hash)) {
		snprintf(err, errlen, "the policy, targets or ports changed since "
			 "the checkpoint was written; refusing to resume");
		return -1;
	}
	s->sc.start = s->resume.argv ? s->resume.cursor : 0;
	return 0;
}

static int
run_scan(struct scan *s)
{
	struct sigaction sa;
	char err[512];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!s->res)
		s->res = results_new("scan");
	if (!s->res)
		return cli_fail("scan", "out of memory");
	set_vantage(s);
	rate_notice(s);
	if (sweep_run(&s->sc, s->res, &s->st, err, sizeof(err)) < 0)
		return cli_fail("scan", "%s", err);
	if (s->sc.mode == SWEEP_DRYRUN) {
		fflush(stdout);
		return 0;
	}
	after_sweep(s);
	record_run(s);
	if (results_write(s->res, s->o.out, err, sizeof(err)) < 0)
		return cli_fail("scan", "%s", err);
	if (s->st.interrupted) {
		fprintf(stderr, "heiiki scan: interrupted; partial results in %s, "
			"resume with: heiiki scan --resume %s\n", s->o.out,
			s->ckpt_path);
		return EXIT_PARTIAL;
	}
	return 0;
}

int
cmd_scan(int argc, char **argv)
{
	struct scan *s = calloc(1, sizeof(*s));
	char err[POLICY_ERR_MAX];
	int rc;

	if (!s)
		return cli_fail("scan", "out of memory");
	rc = parse_opts(argc, argv, &s->o);
	if (rc) {
		free(s);
		return rc > 0 ? 0 : EXIT_USAGE;
	}
	s->argc = argc;
	s->argv = argv;
	if (s->o.resume && load_resume(s, s->o.resume, err, sizeof(err)) < 0) {
		rc = cli_usage("scan", "%s", err);
		goto out;
	}
	if (!s->resume.argv)
		s->seed = s->o.seed != UNSET ? s->o.seed : random_seed();
	if (prepare(s, err, sizeof(err)) < 0) {
		rc = cli_usage("scan", "%s", err);
		goto out;
	}
	rc = run_scan(s);
out:
	scan_free(s);
	free(s);
	return rc;
}
