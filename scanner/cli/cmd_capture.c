/*
 * cmd_capture.c - 'heiiki capture': passive mapping from a live interface
 * or from pcap/pcapng files into a results document (flows, exits, peers,
 * hosts).  See docs/capture.md.
 *
 *   heiiki capture -i IFACE [--duration D] [--bpf FILTER] [-o OUT]
 *   heiiki capture -r FILE [-r FILE]... [FILE...] [-o OUT] [--summary]
 *   heiiki capture -i IFACE --rotate D --out-dir DIR [--keep N] [--max-bytes B]
 *   heiiki capture --nfdump DIR [--nfdump-timeout D] [-o OUT]
 *
 * With --policy the document is judged by findings_apply() - the same
 * rules as 'heiiki check' - before it is written, and --fail-on makes the
 * exit status 1 when findings at or above a severity exist.
 * Options are parsed here; everything else is scanner/capture/.  Live
 * capture stops after --duration or on SIGINT/SIGTERM; the document is
 * then written atomically with status "partial" and the exit status is 4.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "geoip/geo.h"
#include "scanner/capture/capture.h"
#include "scanner/capture/rotate.h"
#include "scanner/core/log.h"
#include "scanner/core/results.h"
#include "scanner/findings/findings.h"
#include "scanner/input/policy.h"

#define MAX_FILES 256

static volatile sig_atomic_t cap_stop;

static void
cap_on_signal(int sig)
{
	(void)sig;
	cap_stop = 1;
}

struct cap_args {
	const char *iface, *bpf, *out, *policy, *nfdump;
	unsigned long long nfdump_timeout;
	const char *ifaces[CAPTURE_MAX_IFACES];
	size_t nifaces;
	const char *geoip[4];
	size_t ngeoip;
	const char *files[MAX_FILES];
	size_t nfiles;
	unsigned long long duration;
	int summary;
	int no_geoip;
	int fail_on;		/* severity, or SEV_CRITICAL + 1 = never */
	struct capture_opts o;
	struct capture_rotate_opts rot;	/* --rotate: rotate.h */
};

static void
capture_usage(void)
{
	printf("usage: heiiki capture -i IFACE [--duration D] [--bpf FILTER] [options]\n"
	       "       heiiki capture -r FILE [-r FILE]... [FILE...] [options]\n"
	       "       heiiki capture --nfdump DIR [options]\n"
	       "\n"
	       "Map traffic passively: flows, exit points, external peers, hosts.\n"
	       "\n"
	       "  -i, --interface IFACE   capture live (needs CAP_NET_RAW); repeat for several\n"
	       "                          spans (up to 8), duplicates counted once\n"
	       "  -r, --read FILE         read a pcap or pcapng file ('-' = stdin); repeatable:\n"
	       "                          several files are merged by time, duplicates counted once\n"
	       "      --nfdump DIR        read the NetFlow v9 / IPFIX files nfcapd wrote under DIR\n"
	       "                          (subdirectories too) through the nfdump program; exits\n"
	       "                          from next-hop MACs/addresses, the exporter as vantage;\n"
	       "                          no DNS/SNI/HTTP names (flow records carry no payload)\n"
	       "      --nfdump-timeout D  stop nfdump after D (default 6h)\n"
	       "      --duration D        live: stop after D (30s, 5m, 2h); default until Ctrl-C\n"
	       "      --bpf FILTER        live: BPF capture filter\n"
	       "  -o, --output FILE       results document (default: stdout, or none with --summary)\n"
	       "      --summary           print a sorted text summary to stdout\n"
	       "      --policy FILE       zones and declared exits (default: private ranges = internal);\n"
	       "                          the document gets the policy's findings, as 'heiiki check'\n"
	       "      --fail-on SEV       with --policy: exit 1 when findings at or above SEV exist\n"
	       "                          (critical, high, medium, low, info; default none)\n"
	       "      --geoip DB          country/ASN database, repeatable (default:\n"
	       "                          $HEIIKI_GEOIP_DB or the installed one)\n"
	       "      --no-geoip          do not look up countries\n"
	       "      --no-dedup          count a packet seen twice within 100 ms twice\n"
	       "                          (default: once, as the same packet on two spans)\n"
	       "      --max-flows N       flow table size (default 1000000; ~130 bytes each)\n"
	       "      --idle-timeout D    export flows idle for D (default 5m)\n"
	       "      --active-timeout D  export long flows every D (default 1h)\n"
	       "      --max-flow-records N  ordinary flows written, largest first (default 1000)\n"
	       "      --max-notable N     remote-access/inbound/cross-zone flows written (default 10000)\n"
	       "      --snaplen N         live: bytes kept per packet (default 1600)\n"
	       "      --no-promisc        live: do not put the interface in promiscuous mode\n"
	       "      --rotate D          live, as a service: one document per period D\n"
	       "                          (5s, 10m, 1h, 24h) in --out-dir, named\n"
	       "                          flows-YYYYmmddTHHMMSSZ.json (UTC); SIGTERM writes the\n"
	       "                          current period as partial (exit 4)\n"
	       "      --out-dir DIR       with --rotate: where the documents go (created 0750)\n"
	       "      --keep N            with --rotate: keep the newest N documents\n"
	       "      --max-bytes B       with --rotate: keep at most B bytes (suffix K, M, G)\n"
	       "  -h, --help              this text\n");
}

static int
cap_num(const char *opt, const char *val, unsigned long long min,
	unsigned long long max, unsigned long long *out)
{
	return cli_uint("capture", opt, val, min, max, out);
}

/* Long-only options are numbered from 256. */
enum { O_DURATION = 256, O_BPF, O_SUMMARY, O_POLICY, O_GEOIP, O_MAXFLOWS,
       O_IDLE, O_ACTIVE, O_MAXREC, O_MAXNOTABLE, O_SNAPLEN, O_NOPROMISC, O_NOGEOIP,
       O_FAILON, O_NODEDUP, O_ROTATE = 320, O_OUTDIR, O_KEEP, O_MAXBYTES,
       O_NFDUMP = 340, O_NFDUMP_TIMEOUT };

/* --max-bytes: digits with an optional K, M or G (powers of 1024). */
static int
cap_bytes(const char *val, uint64_t *out)
{
	unsigned long long v = 0, mul = 1;
	size_t n = strlen(val), i;

	if (n && (val[n - 1] == 'K' || val[n - 1] == 'k'))
		mul = 1ULL << 10, n--;
	else if (n && (val[n - 1] == 'M' || val[n - 1] == 'm'))
		mul = 1ULL << 20, n--;
	else if (n && (val[n - 1] == 'G' || val[n - 1] == 'g'))
		mul = 1ULL << 30, n--;
	for (i = 0; i < n && i < 12; i++) {
		if (val[i] < '0' || val[i] > '9')
			break;
		v = v * 10 + (unsigned long long)(val[i] - '0');
	}
	if (n == 0 || i != n || v == 0)
		return cli_usage("capture", "invalid value '%s' for --max-bytes: "
				 "expected a size such as 500M", val);
	*out = v * mul;
	return 0;
}

/* The --rotate options; 1 when c is not one of them. */
static int
cap_rotate_opt(struct cap_args *a, int c, const char *arg)
{
	unsigned long long v;

	switch (c) {
	case O_ROTATE:
		if (cli_duration("capture", "--rotate", arg, &v))
			return EXIT_USAGE;
		if (v < CAPTURE_ROTATE_MIN_S || v > CAPTURE_ROTATE_MAX_S)
			return cli_usage("capture", "invalid value '%s' for --rotate: "
					 "expected 1s to 7 days", arg);
		a->rot.period_s = (unsigned)v;
		return 0;
	case O_OUTDIR: a->rot.out_dir = arg; return 0;
	case O_KEEP:
		if (cap_num("--keep", arg, 1, 1000000, &v))
			return EXIT_USAGE;
		a->rot.keep = (unsigned)v;
		return 0;
	case O_MAXBYTES: return cap_bytes(arg, &a->rot.max_bytes);
	}
	return 1;
}

static int
cap_opt(struct cap_args *a, int c, const char *arg)
{
	unsigned long long v;
	int rc;

	if ((rc = cap_rotate_opt(a, c, arg)) != 1)
		return rc;
	switch (c) {
	case 'i':
		if (a->nifaces == CAPTURE_MAX_IFACES)
			return cli_usage("capture", "at most %d interfaces", CAPTURE_MAX_IFACES);
		a->ifaces[a->nifaces++] = arg;
		a->iface = a->ifaces[0];
		return 0;
	case 'o': a->out = arg; return 0;
	case 'r':
		if (a->nfiles == MAX_FILES)
			return cli_usage("capture", "too many files (max %d)", MAX_FILES);
		a->files[a->nfiles++] = arg;
		return 0;
	case O_DURATION: return cli_duration("capture", "--duration", arg, &a->duration) ? EXIT_USAGE : 0;
	case O_BPF: a->bpf = arg; return 0;
	case O_NFDUMP: a->nfdump = arg; return 0;
	case O_NFDUMP_TIMEOUT:
		if (cli_duration("capture", "--nfdump-timeout", arg, &v))
			return EXIT_USAGE;
		if (v == 0 || v > 7 * 86400ULL)
			return cli_usage("capture", "invalid value '%s' for --nfdump-timeout: "
					 "expected 1s to 7 days", arg);
		a->nfdump_timeout = v;
		return 0;
	case O_SUMMARY: a->summary = 1; return 0;
	case O_POLICY: a->policy = arg; return 0;
	case O_GEOIP:
		if (a->ngeoip == 4)
			return cli_usage("capture", "at most 4 --geoip databases");
		a->geoip[a->ngeoip++] = arg;
		return 0;
	case O_NOPROMISC: a->o.promisc = 0; return 0;
	case O_NOGEOIP: a->no_geoip = 1; return 0;
	case O_NODEDUP: a->o.dedup_us = 0; return 0;
	case O_FAILON:
		a->fail_on = !strcmp(arg, "none") ? SEV_CRITICAL + 1 : severity_parse(arg);
		if (a->fail_on < 0)
			return cli_usage("capture", "invalid value '%s' for --fail-on: expected "
					 "critical, high, medium, low, info or none", arg);
		return 0;
	case O_IDLE:
	case O_ACTIVE:
		if (cli_duration("capture", c == O_IDLE ? "--idle-timeout" :
				 "--active-timeout", arg, &v))
			return EXIT_USAGE;
		*(c == O_IDLE ? &a->o.idle_us : &a->o.active_us) = (int64_t)v * 1000000;
		return 0;
	}
	if (c == O_MAXFLOWS && !cap_num("--max-flows", arg, 1, 100000000, &v))
		return a->o.max_flows = (size_t)v, 0;
	if (c == O_MAXREC && !cap_num("--max-flow-records", arg, 0, 10000000, &v))
		return a->o.max_flow_records = (size_t)v, 0;
	if (c == O_MAXNOTABLE && !cap_num("--max-notable", arg, 0, 10000000, &v))
		return a->o.max_notable_records = (size_t)v, 0;
	if (c == O_SNAPLEN && !cap_num("--snaplen", arg, 64, 262144, &v))
		return a->o.snaplen = (unsigned)v, 0;
	return EXIT_USAGE;
}

static int
cap_parse(struct cap_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "read", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "bpf", required_argument, NULL, O_BPF },
		{ "summary", no_argument, NULL, O_SUMMARY },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "geoip", required_argument, NULL, O_GEOIP },
		{ "max-flows", required_argument, NULL, O_MAXFLOWS },
		{ "idle-timeout", required_argument, NULL, O_IDLE },
		{ "active-timeout", required_argument, NULL, O_ACTIVE },
		{ "max-flow-records", required_argument, NULL, O_MAXREC },
		{ "max-notable", required_argument, NULL, O_MAXNOTABLE },
		{ "snaplen", required_argument, NULL, O_SNAPLEN },
		{ "no-promisc", no_argument, NULL, O_NOPROMISC },
		{ "no-geoip", no_argument, NULL, O_NOGEOIP },
		{ "rotate", required_argument, NULL, O_ROTATE },
		{ "out-dir", required_argument, NULL, O_OUTDIR },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "max-bytes", required_argument, NULL, O_MAXBYTES },
		{ "fail-on", required_argument, NULL, O_FAILON },
		{ "no-dedup", no_argument, NULL, O_NODEDUP },
		{ "nfdump", required_argument, NULL, O_NFDUMP },
		{ "nfdump-timeout", required_argument, NULL, O_NFDUMP_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:r:o:h", opts, NULL)) != -1) {
		if (c == 'h') {
			capture_usage();
			return -1;
		}
		if (c == '?')
			return cli_bad_option("capture", argv);
		if ((rc = cap_opt(a, c, optarg)) != 0)
			return rc;
	}
	for (; optind < argc; optind++) {
		if (a->nfiles == MAX_FILES || a->iface || a->nfdump)
			return cli_usage("capture", "unexpected argument '%s'", argv[optind]);
		a->files[a->nfiles++] = argv[optind];
	}
	if (a->nfdump && (a->iface || a->nfiles || a->rot.out_dir))
		return cli_usage("capture", "--nfdump cannot be combined with -i, -r or --rotate");
	if (a->nfdump_timeout && !a->nfdump)
		return cli_usage("capture", "--nfdump-timeout applies to --nfdump only");
	if (!a->iface && a->nfiles == 0 && !a->nfdump)
		return cli_usage("capture", "need -i IFACE, -r FILE or --nfdump DIR");
	if (a->iface && a->nfiles)
		return cli_usage("capture", "-i and -r cannot be combined");
	if (!a->iface && (a->duration || a->bpf))
		return cli_usage("capture", "--duration and --bpf apply to -i only");
	if ((a->rot.period_s || a->rot.keep || a->rot.max_bytes) && !a->rot.out_dir)
		return cli_usage("capture", "--rotate, --keep and --max-bytes need --out-dir");
	if (a->rot.out_dir && (!a->rot.period_s || !a->iface || a->out || a->summary))
		return cli_usage("capture", "--out-dir needs --rotate and -i, and no -o or --summary");
	if (a->fail_on <= SEV_CRITICAL && !a->policy)
		return cli_usage("capture", "--fail-on needs --policy (findings come from its rules)");
	return 0;
}

/*
 * GeoIP databases: --geoip, else the policy's geoip_db/asn_db, else the
 * default.  A database the policy or --geoip names must open (an error
 * otherwise, never a quiet switch to another database); a missing default
 * only costs the countries.  The database that judged the document is
 * recorded in run.geoip.  0, or an exit status.
 */
static int
cap_geo(const char *const *given, size_t n, const struct policy *pol,
	struct geo_db **db)
{
	const char *paths[GEO_MAX_DB];
	char err[512];
	int named = 1;

	*db = NULL;
	for (size_t i = 0; i < n && i < GEO_MAX_DB; i++)
		paths[i] = given[i];
	if (n == 0 && pol && pol->geoip_db[0])
		paths[n++] = pol->geoip_db;
	if (n > 0 && pol && pol->asn_db[0] && n < GEO_MAX_DB && paths[0] == pol->geoip_db)
		paths[n++] = pol->asn_db;
	if (n == 0) {
		paths[n++] = geo_default_path();
		named = 0;
	}
	if (geo_open(db, paths, n, err, sizeof(err)) < 0) {
		if (named)
			return cli_fail("capture", "GeoIP: %s", err);
		log_warn("capture", "no GeoIP database (%s); peers get no country", err);
		*db = NULL;
	}
	return 0;
}

static void
cap_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cap_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
cap_file_error(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "heiiki capture: %s\n", msg);
}

/*
 * Read every file as one capture, packets merged by time (so several
 * per-span files give what their merge gives); EXIT_USAGE when none could
 * be opened.
 */
static int
cap_files(struct capture *cap, struct cap_args *a)
{
	size_t ok = capture_files(cap, a->files, a->nfiles, &cap_stop,
				  cap_file_error, NULL);

	if (ok == 0 && !cap_stop) {
		fprintf(stderr, "heiiki capture: no input could be read\n");
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * --nfdump: the records of DIR's nfcapd files.  A problem nfdump reported
 * (a damaged file), its time limit or a signal after some records keeps
 * what was read: *bad is set, the document is written as partial and the
 * exit status is 3 (4 for a signal).  Nothing read: exit 2 for a missing
 * directory or no readable record, else 3.
 */
static int
cap_nfdump(struct capture *cap, struct cap_args *a, int *bad)
{
	char err[512];
	int rc = capture_nfdump(cap, a->nfdump, a->nfdump_timeout ?
				(unsigned)a->nfdump_timeout : 6 * 3600, &cap_stop, err,
				sizeof(err));

	if (rc < 0)
		return !strncmp(err, "--nfdump", 8) ? cli_usage("capture", "%s", err) :
		       cli_fail("capture", "%s", err);
	if (rc > 0) {
		fprintf(stderr, "heiiki capture: %s\n", err);
		*bad = 1;
	}
	return 0;
}

static int
cap_output(struct cap_args *a, struct results *r, int interrupted)
{
	char err[512];

	results_set_status(r, interrupted ? "partial" : "complete");
	if (a->summary)
		capture_summary(r, stdout);
	if (a->out || !a->summary)
		if (results_write(r, a->out ? a->out : "-", err, sizeof(err)) < 0)
			return cli_fail("capture", "%s", err);
	return interrupted ? EXIT_PARTIAL : 0;
}

/* --rotate: rotate.c runs periods until --duration or SIGTERM. */
static int
cap_rotate(struct cap_args *a)
{
	struct capture_rotate_stats st;
	char err[512];
	int rc;

	a->rot.iface = a->iface;
	a->rot.bpf = a->bpf;
	a->rot.duration_s = (unsigned)a->duration;
	rc = capture_rotate_run(&a->o, &a->rot, &cap_stop, &st, err, sizeof(err));
	if (rc >= 0 || st.written)
		fprintf(stderr, "heiiki capture: %u period documents written to %s, %u failed, "
			"%u old ones removed\n", st.written, a->rot.out_dir, st.failed,
			st.removed);
	if (rc < 0)
		return cli_fail("capture", "%s", err);
	if (st.failed)
		return EXIT_RUNTIME;
	return rc == 1 ? EXIT_PARTIAL : 0;
}

/*
 * run.vantage of a live capture: the interface, its addresses, and the
 * policy zone of the first address that has one.
 */
static void
cap_vantage(struct results *r, const char *const *ifaces, size_t n,
	    const struct policy *pol)
{
	json_t *v = json_pack("{s:s, s:s}", "iface", ifaces[0], "role", "capture");
	json_t *addrs = json_array(), *names = json_array();
	struct ifaddrs *ifa = NULL;
	const char *zone = NULL;

	if (!v || !addrs || !names) {
		json_decref(v);
		json_decref(addrs);
		json_decref(names);
		return;
	}
	for (size_t k = 0; k < n; k++)
		json_array_append_new(names, json_string(ifaces[k]));
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
			char buf[INET6_ADDRSTRLEN];
			const void *src;
			struct addr a;
			size_t k;

			if (!i->ifa_addr || !i->ifa_name)
				continue;
			for (k = 0; k < n && strcmp(i->ifa_name, ifaces[k]); k++)
				;
			if (k == n)
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				src = &((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr;
			else if (i->ifa_addr->sa_family == AF_INET6)
				src = &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
			else
				continue;
			if (!inet_ntop(i->ifa_addr->sa_family, src, buf, sizeof(buf)) ||
			    addr_parse(buf, &a) < 0)
				continue;
			json_array_append_new(addrs, json_string(buf));
			if (!zone && pol && policy_zone_of(pol, &a))
				zone = policy_zone_of(pol, &a)->name;
		}
		freeifaddrs(ifa);
	}
	json_object_set_new(v, "ifaces", names);
	json_object_set_new(v, "addrs", addrs);
	if (zone)
		json_object_set_new(v, "zone", json_string(zone));
	json_object_set_new(results_run(r), "vantage", v);
}

static int
cap_run(struct cap_args *a, struct policy *pol, int have_policy)
{
	struct capture *cap = NULL;
	struct results *r = NULL;
	char err[512];
	int rc, nfdump_bad = 0;

	a->o.policy = have_policy ? pol : NULL;
	if (!a->no_geoip && (rc = cap_geo(a->geoip, a->ngeoip, have_policy ? pol : NULL,
					  &a->o.geo)) != 0)
		goto out;
	if (a->rot.out_dir) {
		cap_signals();
		rc = cap_rotate(a);
		goto out;
	}
	if (capture_new(&cap, &a->o, err, sizeof(err)) < 0) {
		rc = cli_fail("capture", "%s", err);
		goto out;
	}
	cap_signals();
	if (a->iface) {
		rc = capture_live_multi(cap, a->ifaces, a->nifaces, a->bpf,
					(unsigned)a->duration, &cap_stop, err,
					sizeof(err)) < 0 ?
			     cli_fail("capture", "%s", err) : 0;
	} else if (a->nfdump) {
		rc = cap_nfdump(cap, a, &nfdump_bad);
	} else {
		rc = cap_files(cap, a);
	}
	if (rc)
		goto out;
	r = results_new("capture");
	if (!r || capture_finish(cap, r, err, sizeof(err)) < 0) {
		rc = cli_fail("capture", "%s", r ? err : "out of memory");
		goto out;
	}
	if (a->iface)
		cap_vantage(r, a->ifaces, a->nifaces, have_policy ? pol : NULL);
	findings_record_geo(r, a->o.geo, 0);
	if (have_policy) {
		json_object_set_new(results_run(r), "policy_hash",
				    json_string(pol->hash));
		if (pol->site[0])
			json_object_set_new(results_run(r), "site",
					    json_string(pol->site));
		if (findings_apply(r, pol, a->o.geo, 0, err, sizeof(err)) < 0) {
			rc = cli_fail("capture", "%s", err);
			goto out;
		}
	}
	rc = cap_output(a, r, cap_stop != 0 || nfdump_bad);
	if (rc == EXIT_PARTIAL && nfdump_bad && !cap_stop)
		rc = EXIT_RUNTIME;	/* damaged input: the document is partial */
	if (rc == 0 && have_policy && a->fail_on <= SEV_CRITICAL &&
	    findings_count_at(r, (enum severity)a->fail_on) > 0)
		rc = EXIT_FINDINGS;
out:
	results_free(r);
	capture_free(cap);
	geo_close(a->o.geo);
	return rc;
}

int
cmd_capture(int argc, char **argv)
{
	static struct cap_args a;	/* large: file list */
	struct policy pol;
	char err[POLICY_ERR_MAX];
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&pol, 0, sizeof(pol));
	capture_opts_default(&a.o);
	a.fail_on = SEV_CRITICAL + 1;
	rc = cap_parse(&a, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.policy && policy_load(a.policy, &pol, err, sizeof(err)) < 0)
		return cli_usage("capture", "%s", err);
	if (a.policy && !a.no_geoip && !a.ngeoip &&
	    policy_check_paths(&pol, err, sizeof(err)) < 0) {
		policy_free(&pol);
		return cli_usage("capture", "%s", err);
	}
	rc = cap_run(&a, &pol, a.policy != NULL);
	if (a.policy)
		policy_free(&pol);
	return rc;
}
