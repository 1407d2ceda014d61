/*
 * pipeline.c - the scan pipeline (pipeline.h): target set -> mode -> pre-flight
 * -> sweep with checkpoints -> label hosts -> probes in checkpointed batches
 * -> findings -> results written atomically -> checkpoint removed.
 * Moved from cmd_scan.c (the function bodies are those of 'heiiki scan').
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "probes/probe.h"
#include "probes/runner.h"
#include "scanner/cli/cli.h"
#include "scanner/core/log.h"
#include "scanner/core/oui.h"
#include "scanner/findings/findings.h"
#include "scanner/findings/vantage.h"
#include "scanner/input/guard.h"
#include "scanner/input/policy.h"
#include "scanner/sweep/checkpoint.h"
#include "scanner/sweep/plan.h"
#include "scanner/sweep/sweep.h"
#include "scanner/names/rdns.h"

static volatile sig_atomic_t stop_flag, deadline_flag;

static void
on_signal(int sig)
{
	if (sig == SIGALRM)
		deadline_flag = 1;
	stop_flag = 1;
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
	scan_reparse_fn reparse;
	int v6_skipped;			/* wide IPv6 scope left out (note printed) */
	/* probe phase (checkpointed too): the sweep is finished, the first
	 * `probed` open services (document order) have their probe results */
	int probe_phase;
	size_t probed;
	int skip_sweep;			/* resumed in the probe phase */
	uint64_t *holes;		/* the sweep's unfinished positions below the
					 * checkpoint cursor (write_checkpoint) */
	size_t nholes;
	struct guard guard;		/* asked before every probe the sweep sends */
	struct geo_db *own_geo;		/* opened here when the caller gave none */
};

/* The UDP ports whose probes' servers answer from a new port of their own
 * (PROBE_UDP_NEW_TID: TFTP), for the sweep's reply matching. */
static uint16_t udp_new_tid[8];

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

/*
 * The checkpoint outlives the sweep: when the sweep ends it is rewritten
 * for the probe phase (run.checkpoint = {"phase":"probe","probed":N},
 * only inside the checkpoint), and it is removed only after the final
 * results are durably written (run_scan).
 */
static int
store_checkpoint(struct scan *s, uint64_t cursor)
{
	json_t *run = results_run(s->res);
	char err[512];
	int rc;

	json_object_set_new(run, "checkpoint", json_pack("{s:s, s:I}", "phase",
			    s->probe_phase ? "probe" : "sweep", "probed",
			    (json_int_t)s->probed));
	rc = ckpt_write(s->ckpt_path, s->argc, s->argv, s->seed, cursor,
			s->st.total ? s->st.total : cursor, s->hash, s->holes, s->nholes,
			s->res, err, sizeof(err));
	json_object_del(run, "checkpoint");
	if (rc < 0)
		log_warn("scan", "checkpoint: %s", err);
	return rc;
}

static void
write_checkpoint(void *arg, uint64_t cursor, const uint64_t *holes, size_t nholes, int final)
{
	struct scan *s = arg;
	uint64_t *nh = nholes ? realloc(s->holes, nholes * sizeof(*nh)) : s->holes;

	if (final && !s->st.interrupted)
		s->probe_phase = 1;	/* swept: the probe phase starts */
	if (nholes && !nh) {
		/* no memory for the list: the first hole is a safe cursor */
		cursor = holes[0];
		nholes = 0;
	} else if (nholes) {
		memcpy(nh, holes, nholes * sizeof(*nh));
		s->holes = nh;
	}
	s->nholes = nholes;
	store_checkpoint(s, cursor);
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
	return opt == PIPE_UNSET ? dflt : (unsigned)opt;
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
	c->may_send = guard_may;	/* the one send guard: scope, do_not_scan, special */
	c->may_arg = &s->guard;		/* addresses, external zones, zone edges */
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
	probe_udp_new_tid_ports(udp_new_tid, sizeof(udp_new_tid) / sizeof(udp_new_tid[0]));
	c->udp_new_tid = udp_new_tid;
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
	json_object_set_new(run, "vantage", vantage_new(&src, &s->pol, s->o.geo, NULL));
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

/* Open services probed per checkpoint in the probe phase (--probe-batch):
 * a SIGKILL redoes at most one batch. */
#define PROBE_BATCH 64

/* The open services in document order (the order a resume sees too), and
 * UDP ones left open|filtered (--all-states): silence to the sweep's
 * datagram, or a reply from another port (TFTP), says nothing; the runner's
 * UDP probes and cascade may get an answer (and then mark them open, which
 * keeps them in this list on a resume). */
static json_t *
open_services(struct scan *s)
{
	json_t *all = results_array(s->res, "services"), *out = json_array(), *v;
	size_t i;

	json_array_foreach(all, i, v) {
		const char *st = json_string_value(json_object_get(v, "state"));
		const char *pr = json_string_value(json_object_get(v, "proto"));

		if (st && (!strcmp(st, "open") ||
			   (!strcmp(st, "open|filtered") && pr && !strcmp(pr, "udp"))))
			json_array_append(out, v);
	}
	return out;
}

/* Run the probes on services [from, to) of list, sharing the service
 * objects with the main document; counters are added to it. */
static int
probe_batch(struct scan *s, const struct probe_opts *po, json_t *list, size_t from,
	    size_t to, char *err, size_t errlen)
{
	json_t *root, *svcs = json_array(), *c;
	struct results *tmp;
	int rc;

	for (size_t i = from; i < to; i++)
		json_array_append(svcs, json_array_get(list, i));
	root = json_pack("{s:s, s:i, s:{s:s}, s:o}", "format", RESULTS_FORMAT,
			 "version", RESULTS_VERSION, "run", "kind", "scan", "services", svcs);
	tmp = root ? results_from_json(root, err, errlen) : NULL;
	json_decref(root);
	if (!tmp)
		return -1;
	rc = probe_run_results(tmp, po, err, errlen);
	c = json_object_get(results_run(tmp), "counters");
	results_count(s->res, "probed", json_integer_value(json_object_get(c, "probed")));
	results_count(s->res, "identified",
		      json_integer_value(json_object_get(c, "identified")));
	results_free(tmp);
	return rc;
}

static void
probe_phase(struct scan *s)
{
	struct probe_opts po;
	json_t *list = open_services(s);
	size_t n = json_array_size(list);
	char err[512];

	memset(&po, 0, sizeof(po));
	po.scanner_id = s->pol.scan.scanner_id;
	po.snmp_community = s->pol.scan.snmp_public ? "public" : NULL;
	po.allow_fragile = s->pol.scan.probe_ot;
	po.allow_printers = s->pol.scan.probe_printers;
	po.may_probe = may_probe;
	po.may_arg = &s->pol;
	po.stop = &stop_flag;
	/* identification leaves from the sweep's source (--source-ip) */
	po.source = s->o.have_src4 ? &s->o.src4 : NULL;
	/* ports of one host in parallel by zone role (clinical: one at a time) */
	po.host_slots = probe_policy_host_slots;
	po.host_arg = &s->pol;
	/* read-only anonymous FTP: outside clinical zones, never fragile hosts */
	po.ftp_anonymous = s->pol.scan.ftp_anonymous;
	po.careful = probe_policy_careful;
	po.careful_arg = &s->pol;
	if (s->probed > n)
		s->probed = n;
	while (s->probed < n && !stop_flag) {
		size_t batch = s->o.probe_batch ? (size_t)s->o.probe_batch : PROBE_BATCH;
		size_t to = s->probed + batch < n ? s->probed + batch : n;

		if (probe_batch(s, &po, list, s->probed, to, err, sizeof(err)) < 0) {
			log_warn("scan", "probes: %s", err);
			break;
		}
		if (stop_flag)
			break;		/* this batch is redone on resume */
		s->probed = to;
		if (s->sc.checkpoint)
			store_checkpoint(s, s->probe_phase ? s->st.total : s->st.cursor);
	}
	if (stop_flag || s->probed < n)
		s->st.interrupted = 1;
	json_decref(list);
}

/* PTR names of the live hosts from the site resolver (policy
 * scan.dns_resolver); a resolver that does not answer is a run warning. */
static void
name_hosts(struct scan *s)
{
	struct rdns_stats st;
	char err[256];

	if (!s->pol.scan.have_dns_resolver || stop_flag)
		return;
	if (rdns_names(s->res, &s->pol.scan.dns_resolver, 1000, (volatile int *)&stop_flag,
		       &st, err, sizeof(err)) < 0) {
		log_warn("scan", "host names: %s", err);
		return;
	}
	results_count(s->res, "ptr_asked", st.asked);
	results_count(s->res, "ptr_named", st.named);
	if (st.timeouts) {
		char res[ADDR_STRLEN], w[256];
		json_t *run = results_run(s->res), *ws = json_object_get(run, "warnings");

		snprintf(w, sizeof(w), "the DNS resolver %s did not answer %u of %u PTR queries%s; "
			 "host names are incomplete", addr_fmt(&s->pol.scan.dns_resolver, res),
			 st.timeouts, st.asked, st.gave_up ? " (lookups stopped)" : "");
		log_warn("scan", "%s", w);
		if (!json_is_array(ws)) {
			ws = json_array();
			json_object_set_new(run, "warnings", ws);
		}
		json_array_append_new(ws, json_string(w));
	}
}

static void
after_sweep(struct scan *s)
{
	char err[512];

	label_hosts(s);
	name_hosts(s);
	if (deadline_flag && !s->o.no_probes) {
		/* the window closed: the sweep stopped cleanly; probe what was
		 * found (a SIGINT from now on still stops) */
		stop_flag = 0;
		probe_phase(s);
		s->st.interrupted = 1;
	} else if (!s->o.no_probes && !s->st.interrupted) {
		probe_phase(s);
	}
	if (!s->o.no_findings &&
	    findings_apply(s->res, &s->pol, s->o.geo, time(NULL), err, sizeof(err)) < 0)
		log_warn("scan", "findings: %s", err);
}

static void
scan_free(struct scan *s)
{
	if (s->have_pol) {
		guard_free(&s->guard);
		policy_free(&s->pol);
	}
	tset_free(&s->targets);
	free(s->ports);
	results_free(s->res);
	ckpt_free(&s->resume);
	free(s->holes);
	if (s->own_geo)
		geo_close(s->own_geo);
}

/* --resume: the saved command line replaces ours; seed/cursor/results kept. */
static int
load_resume(struct scan *s, const char *path, char *err, size_t errlen)
{
	int rc;

	if (ckpt_read(path, &s->resume, err, errlen) < 0)
		return -1;
	rc = s->reparse ? s->reparse(s->resume.argc, s->resume.argv, &s->o) : -1;
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
	{
		json_t *run = results_run(s->res);
		json_t *ck = json_object_get(run, "checkpoint");
		const char *phase = json_string_value(json_object_get(ck, "phase"));
		json_int_t probed = json_integer_value(json_object_get(ck, "probed"));

		if (phase && !strcmp(phase, "probe") && s->resume.cursor == s->resume.total)
			s->probe_phase = s->skip_sweep = 1;
		/* services probed before a deadline stop are not probed again */
		s->probed = probed > 0 ? (size_t)probed : 0;
		json_object_del(run, "checkpoint");
	}
	if (s->skip_sweep)
		fprintf(stderr, "heiiki scan: resuming the probe phase: sweep done, %zu "
			"open services already probed\n", s->probed);
	else
		fprintf(stderr, "heiiki scan: resuming the sweep at probe %llu of %llu\n",
			(unsigned long long)s->resume.cursor,
			(unsigned long long)s->resume.total);
	return 0;
}

/* IPv6 pieces larger than this many addresses are not swept address by
 * address when the targets come from the scope (no explicit targets). */
#define V6_SWEEP_MAX 65536

/*
 * A whole IPv6 /48 or /64 cannot be swept (2^64 addresses and more): when
 * no targets are given, IPv6 scope pieces larger than V6_SWEEP_MAX
 * addresses are left out with a note; IPv6 hosts are scanned when named
 * (ADDR, small CIDR or range arguments).
 */
static int
drop_wide_v6(struct scan *s, char *err, size_t errlen)
{
	struct tset wide;
	char buf[256];

	if (s->o.ntargets)
		return 0;
	tset_init(&wide);
	for (size_t i = 0; i < s->targets.n; i++) {
		struct addr lo = { s->targets.r[i].lo };

		if (!addr_is_v4(&lo) && s->targets.r[i].hi - s->targets.r[i].lo >= V6_SWEEP_MAX &&
		    tset_add(&wide, &s->targets.r[i]) < 0) {
			tset_free(&wide);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (wide.n) {
		tset_fmt(&wide, buf, sizeof(buf));
		log_warn(s->o.cmd ? s->o.cmd : "scan", "IPv6 scope %s is too wide to sweep address "
			 "by address and is not scanned; name IPv6 hosts or small ranges "
			 "as targets to scan them", buf);
		if (tset_subtract(&s->targets, &wide) < 0 || tset_freeze(&s->targets) < 0) {
			tset_free(&wide);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		s->v6_skipped = 1;
	}
	tset_free(&wide);
	if (!s->targets.n) {
		snprintf(err, errlen, "no targets left to scan");
		return -1;
	}
	return 0;
}

/*
 * GeoIP for the findings of a scan run by 'scan' itself (night and audit
 * hand theirs in): the policy's geoip_db/asn_db, else the default country
 * database when it exists.  A named database that does not open is an
 * error; no database at all leaves the country rules not checked.
 */
static int
open_geo(struct scan *s, char *err, size_t errlen)
{
	const char *paths[2];
	size_t n = 0;

	if (s->pol.geoip_db[0])
		paths[n++] = s->pol.geoip_db;
	if (s->pol.asn_db[0])
		paths[n++] = s->pol.asn_db;
	if (n == 0) {
		if (access(geo_default_path(), R_OK) < 0)
			return 0;
		paths[n++] = geo_default_path();
	}
	if (geo_open(&s->own_geo, paths, n, err, errlen) < 0)
		return -1;
	s->o.geo = s->own_geo;
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
	guard_init_policy(&s->guard, &s->pol);
	s->guard.allow_zone_edges = s->o.include_nb || !s->pol.scan.skip_net_bcast;
	/* the policy's own files exist (never a silent fallback), and the
	 * country rules judge reachability from this vantage */
	if (policy_check_paths(&s->pol, err, errlen) < 0)
		return -1;
	if (!s->o.geo && !s->o.dry_run && open_geo(s, err, errlen) < 0)
		return -1;
	if (plan_targets(&s->pol, s->o.targets, s->o.ntargets,
			 s->o.include_nb || !s->pol.scan.skip_net_bcast,
			 &s->targets, NULL, err, errlen) < 0)
		return -1;
	if (drop_wide_v6(s, err, errlen) < 0)
		return -1;
	/* what the guard would refuse at send time is refused here, by name
	 * (a zone's network or broadcast address named as a target without
	 * --include-net-bcast, a special address) */
	for (size_t i = 0; i < s->targets.n; i++) {
		char what[96];

		range_fmt(&s->targets.r[i], what, sizeof(what));
		if (guard_check_range(&s->guard, &s->targets.r[i], what, err, errlen) < 0)
			return -1;
	}
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
	/* the resumed checkpoint's unfinished probes go first */
	s->sc.redo = s->resume.argv ? s->resume.holes : NULL;
	s->sc.nredo = s->resume.argv ? s->resume.nholes : 0;
	/* and stay holes in every checkpoint until the sweep says otherwise
	 * (the one written before the first packet included) */
	if (s->sc.nredo) {
		s->holes = malloc(s->sc.nredo * sizeof(*s->holes));
		if (!s->holes) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(s->holes, s->sc.redo, s->sc.nredo * sizeof(*s->holes));
		s->nholes = s->sc.nredo;
	}
	return 0;
}

/*
 * Pre-flight, before the first packet: every file the run will write
 * (results, checkpoint) must be writable by whoever writes it -- the
 * --user when root switches to one -- in a directory that exists, on a
 * file system with room.  Proven by creating, filling and removing a
 * probe file next to each path, in a child that has become the --user.
 * Returns 0, or EXIT_USAGE / EXIT_RUNTIME with err set.
 */
#define PREFLIGHT_ROOM (1024 * 1024)	/* bytes that must be free */

static int
preflight_one(const char *path, char *err, size_t errlen)
{
	char dir[600], probe[700];
	const char *slash = strrchr(path, '/');
	static char fill[64 * 1024];
	struct statvfs vfs;
	struct stat sb;
	int fd;

	if (!strcmp(path, "-"))
		return 0;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%.200s: is a directory", path);
		return EXIT_USAGE;
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return 0;	/* a device or FIFO named by the user: written in place */
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%.200s: directory %.200s %s", path, dir,
			 errno == ENOENT || !S_ISDIR(sb.st_mode) ? "does not exist" :
			 strerror(errno));
		return EXIT_USAGE;
	}
	snprintf(probe, sizeof(probe), "%s/.heiiki-preflight.%ld", dir, (long)getpid());
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%.200s: cannot create files in %.200s: %s", path, dir,
			 strerror(errno));
		return EXIT_RUNTIME;
	}
	/* write() reserves the blocks: a full file system fails here (no
	 * fsync needed, which would cost a disk flush per path) */
	if (write(fd, fill, sizeof(fill)) != (ssize_t)sizeof(fill)) {
		snprintf(err, errlen, "%.200s: cannot write in %.200s: %s", path, dir,
			 strerror(errno ? errno : ENOSPC));
		close(fd);
		unlink(probe);
		return EXIT_RUNTIME;
	}
	close(fd);
	unlink(probe);
	if (statvfs(dir, &vfs) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize < PREFLIGHT_ROOM) {
		snprintf(err, errlen, "%.200s: no room on the file system of %.200s (%llu bytes "
			 "free, at least %d needed)", path, dir,
			 (unsigned long long)vfs.f_bavail * vfs.f_frsize, PREFLIGHT_ROOM);
		return EXIT_RUNTIME;
	}
	return 0;
}

static int
preflight_paths(struct scan *s, char *err, size_t errlen)
{
	int rc = preflight_one(s->o.out, err, errlen);

	if (!rc && s->sc.checkpoint)
		rc = preflight_one(s->ckpt_path, err, errlen);
	return rc;
}

static int
preflight(struct scan *s, char *err, size_t errlen)
{
	struct passwd *pw;
	int pfd[2], status, rc;
	pid_t pid;
	ssize_t n;

	if (s->pol.scan.have_dns_resolver) {
		const struct dns_entry *d = policy_dns_of(&s->pol, &s->pol.scan.dns_resolver);
		char a[ADDR_STRLEN];

		if (d) {
			snprintf(err, errlen, "%s:%d: scan.dns_resolver %s is on do_not_scan (%s)",
				 s->pol.path, d->line, addr_fmt(&s->pol.scan.dns_resolver, a),
				 d->reason);
			return EXIT_USAGE;
		}
	}
	if (s->o.dry_run)
		return 0;
	if (!s->o.user || geteuid() != 0)
		return preflight_paths(s, err, errlen);
	pw = getpwnam(s->o.user);
	if (!pw) {
		snprintf(err, errlen, "--user %s: no such user", s->o.user);
		return EXIT_USAGE;
	}
	if (pipe(pfd) < 0) {
		snprintf(err, errlen, "pre-flight: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "pre-flight: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return EXIT_RUNTIME;
	}
	if (pid == 0) {
		char cerr[512] = "";

		close(pfd[0]);
		if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0) {
			snprintf(cerr, sizeof(cerr), "--user %s: %s", s->o.user, strerror(errno));
			rc = EXIT_RUNTIME;
		} else {
			rc = preflight_paths(s, cerr, sizeof(cerr));
		}
		if (rc && write(pfd[1], cerr, strlen(cerr)) < 0)
			rc = EXIT_RUNTIME;
		_exit(rc);
	}
	close(pfd[1]);
	n = read(pfd[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		snprintf(err, errlen, "pre-flight: the check as --user %s failed", s->o.user);
		return EXIT_RUNTIME;
	}
	rc = WEXITSTATUS(status);
	if (rc && !err[0])
		snprintf(err, errlen, "pre-flight as --user %s failed", s->o.user);
	if (rc)
		snprintf(err + strlen(err), errlen - strlen(err), " (as --user %s)", s->o.user);
	return rc;
}

/* Resumed in the probe phase: no sweep, but the same privilege drop. */
static int
resume_probe_phase(struct scan *s, char *err, size_t errlen)
{
	s->st.total = s->resume.total;
	s->st.cursor = s->resume.total;
	if (s->sc.after_open && s->sc.after_open(s->sc.ao_arg, err, errlen) != 0)
		return -1;
	return 0;
}

static int
run_scan(struct scan *s)
{
	struct sigaction sa;
	char err[512];
	struct stat sb;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (s->o.deadline) {
		time_t now = time(NULL);

		if (s->o.deadline <= now) {
			fprintf(stderr, "heiiki %s: the time window has already closed; "
				"nothing was sent\n", s->o.cmd ? s->o.cmd : "scan");
			return EXIT_PARTIAL;
		}
		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned)(s->o.deadline - now));
	}
	if (!s->res) {
		/* a new run (a resumed one keeps its id from the checkpoint):
		 * history tells two runs of the same second apart by it */
		unsigned char rnd[16];
		char id[33];

		s->res = results_new("scan");
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			uint64_t a = random_seed(), b = random_seed() ^ (uint64_t)clock();

			memcpy(rnd, &a, 8);
			memcpy(rnd + 8, &b, 8);
		}
		for (int i = 0; i < 16; i++)
			snprintf(id + 2 * i, 3, "%02x", rnd[i]);
		if (s->res)
			json_object_set_new(results_run(s->res), "id", json_string(id));
	}
	if (!s->res)
		return cli_fail(s->o.cmd ? s->o.cmd : "scan", "out of memory");
	if (s->o.deadline && !s->skip_sweep) {
		u128 hosts = tset_count(&s->targets);
		double left = (double)(s->o.deadline - time(NULL)), est;
		char a[64], b[64];

		est = hosts > (u128)UINT64_MAX ? 1e18 :
		      pipeline_estimate_seconds((uint64_t)hosts, s->nports, s->sc.pps,
						s->sc.host_pps, s->sc.hosts_in_flight);
		if (s->sc.start && hosts <= (u128)UINT64_MAX)
			est *= 1.0 - (double)s->sc.start / ((double)hosts * (double)s->nports);
		if (est > left)
			fprintf(stderr, "heiiki %s: warning: the sweep needs about %s at the "
				"configured rates but the window closes in %s: about %.0f %% "
				"tonight, the next runs continue\n",
				s->o.cmd ? s->o.cmd : "scan",
				pipeline_duration_text(est, a, sizeof(a)),
				pipeline_duration_text(left, b, sizeof(b)),
				est > 0 ? 100.0 * left / est : 100.0);
	}
	rc = preflight(s, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "heiiki scan: pre-flight: %s; nothing was sent\n", err);
		return rc;
	}
	if (!s->skip_sweep) {
		set_vantage(s);
		rate_notice(s);
	}
	/* a checkpoint exists before the first packet: a kill at any moment
	 * leaves something to resume from */
	s->st.total = s->resume.total;
	if (s->sc.checkpoint && !s->skip_sweep &&
	    store_checkpoint(s, s->sc.start) < 0)
		return cli_fail(s->o.cmd ? s->o.cmd : "scan", "cannot write the checkpoint %s; nothing was sent",
				s->ckpt_path);
	if (s->skip_sweep ? resume_probe_phase(s, err, sizeof(err)) < 0 :
	    sweep_run(&s->sc, s->res, &s->st, err, sizeof(err)) < 0)
		return cli_fail(s->o.cmd ? s->o.cmd : "scan", "%s", err);
	if (s->sc.mode == SWEEP_DRYRUN) {
		fflush(stdout);
		pipeline_print_estimate(stderr, &s->targets, s->nports, s->sc.pps,
					s->sc.host_pps, s->sc.hosts_in_flight);
		return 0;
	}
	after_sweep(s);
	alarm(0);
	record_run(s);
	if (results_write(s->res, s->o.out, err, sizeof(err)) < 0)
		return cli_fail(s->o.cmd ? s->o.cmd : "scan", "%s", err);
	if (s->st.interrupted) {
		if (stat(s->ckpt_path, &sb) == 0)
			fprintf(stderr, "heiiki scan: interrupted; partial results in %s, "
				"resume with: heiiki scan --resume %s\n", s->o.out,
				s->ckpt_path);
		else
			fprintf(stderr, "heiiki scan: interrupted; partial results in %s "
				"(no checkpoint was written: nothing to resume)\n", s->o.out);
		return EXIT_PARTIAL;
	}
	/* the results are durably written (fsync + rename): only now may the
	 * checkpoint go */
	if (s->sc.checkpoint)
		unlink(s->ckpt_path);
	return 0;
}

double
pipeline_estimate_seconds(uint64_t hosts, uint64_t nports, unsigned pps,
			  unsigned host_pps, unsigned in_flight)
{
	/* the sweep's own estimate (batches of hosts in flight, each host at
	 * its cap): one computation for dry-run, targets, night and scan */
	struct sweep_conf c = { .nports = nports, .pps = pps, .host_pps = host_pps,
				.hosts_in_flight = in_flight };
	struct sweep_estimate e;

	sweep_estimate(&c, hosts, hosts * nports, &e);
	return e.seconds;
}

const char *
pipeline_duration_text(double secs, char *buf, size_t len)
{
	unsigned long long t = secs < 0 ? 0 : (unsigned long long)(secs + 0.5);

	if (t < 60)
		snprintf(buf, len, "%llu s", t);
	else if (t < 3600)
		snprintf(buf, len, "%llu min %llu s", t / 60, t % 60);
	else
		snprintf(buf, len, "%llu h %02llu min", t / 3600, t / 60 % 60);
	return buf;
}

void
pipeline_print_estimate(FILE *f, const struct tset *t, uint64_t nports, unsigned pps,
			unsigned host_pps, unsigned in_flight)
{
	u128 hosts = tset_count(t);
	char d[64];
	double secs;

	if (hosts > (u128)UINT64_MAX) {
		fprintf(f, "# estimated duration: the target set is too large to sweep\n");
		return;
	}
	secs = pipeline_estimate_seconds((uint64_t)hosts, nports, pps, host_pps, in_flight);
	fprintf(f, "# estimated duration: %s for %.0f probes at %u pps (per host %u pps, "
		"%u hosts in flight)\n", pipeline_duration_text(secs, d, sizeof(d)),
		(double)hosts * (double)nports, pps, host_pps, in_flight);
}

int
pipeline_scan(struct scan_opts *o, int argc, char **argv, scan_reparse_fn reparse,
	      struct scan_outcome *out)
{
	struct scan *s = calloc(1, sizeof(*s));
	char err[POLICY_ERR_MAX];
	const char *cmd = o->cmd ? o->cmd : "scan";
	int rc;

	memset(out, 0, sizeof(*out));
	stop_flag = deadline_flag = 0;
	if (!s)
		return cli_fail(cmd, "out of memory");
	s->o = *o;
	s->reparse = reparse;
	s->argc = argc;
	s->argv = argv;
	if (s->o.resume && load_resume(s, s->o.resume, err, sizeof(err)) < 0) {
		rc = cli_usage(cmd, "%s", err);
		goto out;
	}
	/* the caller's runtime settings survive a re-parsed command line */
	s->o.cmd = o->cmd;
	s->o.deadline = o->deadline;
	s->o.keep_results = o->keep_results;
	s->o.geo = o->geo;
	if (o->force_out)
		s->o.out = o->force_out;
	if (o->resume && o->fail_on != 5)
		s->o.fail_on = o->fail_on;
	if (!s->resume.argv)
		s->seed = s->o.seed != PIPE_UNSET ? s->o.seed : random_seed();
	if (prepare(s, err, sizeof(err)) < 0) {
		rc = cli_usage(cmd, "%s", err);
		goto out;
	}
	rc = run_scan(s);
	out->interrupted = s->st.interrupted;
	out->deadline_hit = deadline_flag;
	out->resumed = s->resume.argv != NULL;
	/* coverage: what is finished (the holes below the cursor are not) */
	out->cursor = s->st.cursor > s->st.holes ? s->st.cursor - s->st.holes : 0;
	out->total = s->st.total;
	snprintf(out->ckpt_path, sizeof(out->ckpt_path), "%s", s->ckpt_path);
	if (rc == 0 && s->o.fail_on < 5 && !s->o.dry_run &&
	    findings_worst(s->res) >= s->o.fail_on)
		rc = EXIT_FINDINGS;
	if (s->o.keep_results && s->res && !s->o.dry_run) {
		out->res = s->res;
		s->res = NULL;
	}
out:
	scan_free(s);
	free(s);
	return rc;
}

void
pipeline_outcome_free(struct scan_outcome *out)
{
	results_free(out->res);
	out->res = NULL;
}
