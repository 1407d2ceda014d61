/*
 * test_nfdump.c - the flow-export input (capture --nfdump): nfdump's JSON
 * records into struct nfd_rec, the framer over split reads, `%nfv`
 * versions, two unidirectional records paired into one flow with the right
 * initiator, exits from a next-hop address, and the child runner (exit
 * status, stderr, missing program, time limit).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scanner/capture/capture.h"
#include "scanner/capture/nfdump.h"
#include "scanner/core/results.h"

/* A record as nfdump 1.7.1 prints it (softflowd -T ether, NetFlow v9). */
#define REC(first, src, sport, dst, dport, flags, extra)                        \
	"{\n\t\"type\" : \"FLOW\",\n\t\"sampled\" : 0,\n\t\"export_sysid\" : 1,\n" \
	"\t\"first\" : \"" first "\",\n\t\"last\" : \"2026-12-05T10:00:01.500\",\n" \
	"\t\"in_packets\" : 5,\n\t\"in_bytes\" : 400,\n\t\"proto\" : 6,\n"        \
	"\t\"tcp_flags\" : \"" flags "\",\n\t\"src_port\" : " sport ",\n"         \
	"\t\"dst_port\" : " dport ",\n\t\"src4_addr\" : \"" src "\",\n"           \
	"\t\"dst4_addr\" : \"" dst "\",\n\t\"ip4_router\" : \"198.18.0.1\",\n"    \
	extra "\t\"label\" : \"<none>\"\n}"

static int
parse(const char *s, struct nfd_rec *r, char *why)
{
	return nfd_parse_record(s, strlen(s), r, why, 200);
}

Test(nfdump, record_fields)
{
	struct nfd_rec r;
	char why[200], buf[ADDR_STRLEN];
	const char *s = REC("2026-12-05T10:00:01.250", "198.18.1.10", "41000",
			    "203.0.113.80", "443", "...AP.S.",
			    "\t\"in_src_mac\" : \"02:00:00:00:01:0a\",\n"
			    "\t\"out_dst_mac\" : \"02:00:00:00:00:01\",\n"
			    "\t\"ip4_next_hop\" : \"198.51.100.1\",\n"
			    "\t\"input_snmp\" : 2,\n\t\"output_snmp\" : 3,\n");

	cr_assert_eq(parse(s, &r, why), 1, "%s", why);
	cr_assert_str_eq(addr_fmt(&r.u.src, buf), "198.18.1.10");
	cr_assert_str_eq(addr_fmt(&r.u.dst, buf), "203.0.113.80");
	cr_assert_eq(r.u.sport, 41000);
	cr_assert_eq(r.u.dport, 443);
	cr_assert_eq(r.u.proto, 6);
	cr_assert_eq(r.u.tcp_flags, 0x10 | 0x08 | 0x02);
	cr_assert_eq(r.u.pkts, 5);
	cr_assert_eq(r.u.bytes, 400);
	cr_assert_eq(r.u.last_us - r.u.first_us, 250000);
	cr_assert_eq(r.u.first_us % 1000000, 250000);
	cr_assert(r.u.has_src_mac && r.u.has_dst_mac);
	cr_assert_eq(r.u.dst_mac[5], 1);
	cr_assert(r.has_router && r.has_nh && !r.nh_bgp);
	cr_assert_str_eq(addr_fmt(&r.nh, buf), "198.51.100.1");
	cr_assert_eq(r.in_if, 2);
	cr_assert_eq(r.out_if, 3);
}

Test(nfdump, record_without_l2_and_zero_next_hop)
{
	struct nfd_rec r;
	char why[200];
	const char *s = REC("2026-12-05T10:00:01.250", "198.18.1.10", "41000",
			    "203.0.113.80", "443", "........",
			    "\t\"in_src_mac\" : \"00:00:00:00:00:00\",\n"
			    "\t\"ip4_next_hop\" : \"0.0.0.0\",\n"
			    "\t\"bgp4_next_hop\" : \"203.0.113.254\",\n");

	cr_assert_eq(parse(s, &r, why), 1, "%s", why);
	cr_assert(!r.u.has_src_mac && !r.u.has_dst_mac);
	cr_assert(r.has_nh && r.nh_bgp, "BGP next hop stands in for 0.0.0.0");
}

Test(nfdump, record_ipv6_and_icmp)
{
	struct nfd_rec r;
	char why[200];
	const char *s = "{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:00.000\","
			"\"last\":\"2026-12-05T10:00:00.000\",\"in_packets\":1,"
			"\"in_bytes\":64,\"proto\":58,\"src_port\":0,\"dst_port\":32768,"
			"\"src6_addr\":\"2001:db8::1\",\"dst6_addr\":\"2001:db8:1::2\"}";

	cr_assert_eq(parse(s, &r, why), 1, "%s", why);
	cr_assert(!addr_is_v4(&r.u.src));
	cr_assert_eq(r.u.dport, 0, "ICMP type/code are not ports");
}

Test(nfdump, record_errors_name_the_member)
{
	static const struct {
		const char *in, *member;
	} cases[] = {
		{ "{\"type\":\"FLOW\",\"last\":\"2026-12-05T10:00:00.000\"}", "\"first\"" },
		{ "{\"type\":\"FLOW\",\"first\":\"2026-13-05T10:00:00.000\"}", "2026-13-05" },
		{ "{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:01.000\","
		  "\"last\":\"2026-12-05T10:00:00\"}", "\"last\"" },
		{ "{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:00.000\","
		  "\"last\":\"2026-12-05T10:00:00.000\",\"proto\":300}", "\"proto\"" },
		{ "{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:00.000\","
		  "\"last\":\"2026-12-05T10:00:00.000\",\"proto\":6,\"tcp_flags\":\"XXXXXXXX\","
		  "\"src4_addr\":\"198.18.0.1\",\"dst4_addr\":\"198.18.0.2\"}", "tcp_flags" },
		{ "{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:00.000\","
		  "\"last\":\"2026-12-05T10:00:00.000\",\"proto\":6,"
		  "\"src4_addr\":\"198.18.0.999\",\"dst4_addr\":\"198.18.0.2\"}", "198.18.0.999" },
		{ "{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:00.000\","
		  "\"last\":\"2026-12-05T10:00:00.000\",\"proto\":6,"
		  "\"src4_addr\":\"198.18.0.1\",\"dst4_addr\":\"198.18.0.2\","
		  "\"in_packets\":1,\"in_bytes\":1,\"in_src_mac\":\"zz\"}", "in_src_mac" },
		{ "{\"type\":\"FLOW\", \"first\": }", "line 1" },
	};
	struct nfd_rec r;
	char why[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(parse(cases[i].in, &r, why), -1, "case %zu", i);
		cr_assert(strstr(why, cases[i].member), "case %zu: %s", i, why);
	}
	cr_assert_eq(parse("{\"type\":\"EVENT\"}", &r, why), 0);
}

/* softflowd 1.1.0's IPFIX can put "last" before "first": kept, in order. */
Test(nfdump, record_times_out_of_order)
{
	struct nfd_rec r;
	char why[200];

	cr_assert_eq(parse("{\"type\":\"FLOW\",\"first\":\"2026-12-05T10:00:01.553\","
			   "\"last\":\"2026-12-05T10:00:01.451\",\"in_packets\":1,"
			   "\"in_bytes\":40,\"proto\":17,\"src4_addr\":\"198.18.0.1\","
			   "\"dst4_addr\":\"203.0.113.1\"}", &r, why), 1, "%s", why);
	cr_assert(r.times_swapped);
	cr_assert_eq(r.u.last_us - r.u.first_us, 102000);
}

struct objs {
	int n;
	char last[NFD_MAX_OBJECT + 1];
};

static void
on_obj(void *ctx, const char *o, size_t len)
{
	struct objs *x = ctx;

	x->n++;
	memcpy(x->last, o, len + 1);
}

Test(nfdump, framer_split_reads_and_noise)
{
	const char *s = "[\n{\n\t\"a\" : \"}{\\\"\",\n\t\"b\" : [1, {\"c\":2}]\n},\n"
			"{\"d\" : 1}]\nNo matching flows\n";
	struct nfd_framer fr;
	struct objs x = { 0 };

	cr_assert_eq(nfd_framer_init(&fr, 1024), 0);
	for (size_t i = 0; s[i]; i++)
		nfd_framer_feed(&fr, s + i, 1, on_obj, &x);
	cr_assert_eq(x.n, 2);
	cr_assert_str_eq(x.last, "{\"d\" : 1}");
	nfd_framer_free(&fr);

	memset(&x, 0, sizeof(x));
	cr_assert_eq(nfd_framer_init(&fr, 8), 0);
	nfd_framer_feed(&fr, "{\"long\":123456789}{\"a\":1}", 25, on_obj, &x);
	cr_assert_eq(x.n, 1, "the overlong object is skipped, the next one kept");
	cr_assert_eq(fr.too_long, 1);
	cr_assert_str_eq(x.last, "{\"a\":1}");
	nfd_framer_free(&fr);
}

Test(nfdump, netflow_version)
{
	cr_assert_eq(nfd_parse_version("Nv9\n", 4), 9);
	cr_assert_eq(nfd_parse_version("  Nv10", 6), 10);
	cr_assert_eq(nfd_parse_version("Nv", 2), 0);
	cr_assert_eq(nfd_parse_version("Nv1000", 6), 0);
	cr_assert_eq(nfd_parse_version("No matching flows", 17), 0);
	cr_assert_eq(nfd_parse_version("Nv9", 2), 0, "the length bounds the read");
}

static struct capture *
new_capture(void)
{
	struct capture_opts o;
	struct capture *c;
	char err[256];

	capture_opts_default(&o);
	o.max_flows = 64;
	cr_assert_eq(capture_new(&c, &o, err, sizeof(err)), 0, "%s", err);
	return c;
}

static json_t *
finish(struct capture *c, struct results **r)
{
	char err[256];

	*r = results_new("capture");
	cr_assert_eq(capture_finish(c, *r, err, sizeof(err)), 0, "%s", err);
	return results_root(*r);
}

/* The flow with a side on port p. */
static json_t *
flow_on(json_t *root, long long p)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(root, "flows"), i, f)
		if (json_integer_value(json_object_get(f, "sport")) == p ||
		    json_integer_value(json_object_get(f, "dport")) == p)
			return f;
	cr_assert_fail("no flow on port %lld", p);
	return NULL;
}

/* The reply arrives first and both sides sent SYN at the same millisecond:
 * the client port decides; a RST-only reply makes the SYN side the client. */
Test(nfdump, pairing_and_initiator)
{
	struct capture *c = new_capture();
	struct nfd_rec r;
	struct results *res;
	char why[200];
	json_t *root, *f;

	cr_assert_eq(parse(REC("2026-12-05T10:00:01.000", "203.0.113.80", "443",
			       "198.18.1.10", "41000", "...AP.S.", ""), &r, why), 1, "%s", why);
	capture_flow_record(c, &r);
	cr_assert_eq(parse(REC("2026-12-05T10:00:01.000", "198.18.1.10", "41000",
			       "203.0.113.80", "443", "...AP.S.", ""), &r, why), 1);
	capture_flow_record(c, &r);
	cr_assert_eq(parse(REC("2026-12-05T10:00:01.000", "198.18.1.10", "3389",
			       "203.0.113.9", "50000", "......S.", ""), &r, why), 1);
	capture_flow_record(c, &r);
	cr_assert_eq(parse(REC("2026-12-05T10:00:01.000", "203.0.113.9", "50000",
			       "198.18.1.10", "3389", "...A.R..", ""), &r, why), 1);
	capture_flow_record(c, &r);
	root = finish(c, &res);
	cr_assert_eq(json_array_size(json_object_get(root, "flows")), 2);
	f = flow_on(root, 443);
	cr_assert_str_eq(json_string_value(json_object_get(f, "src")), "198.18.1.10");
	cr_assert_eq(json_integer_value(json_object_get(f, "dport")), 443);
	cr_assert_str_eq(json_string_value(json_object_get(f, "direction")), "outbound");
	cr_assert_eq(json_integer_value(json_object_get(f, "packets_in")), 5);
	f = flow_on(root, 3389);
	cr_assert_str_eq(json_string_value(json_object_get(f, "src")), "198.18.1.10");
	cr_assert_eq(json_integer_value(json_object_get(f, "sport")), 3389);
	cr_assert(json_is_true(json_object_get(f, "attempt")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
		results_run(res), "vantage"), "exporter")), "198.18.0.1");
	results_free(res);
	capture_free(c);
}

/* No MACs exported: the exit is the next-hop address. */
Test(nfdump, exit_from_next_hop_address)
{
	struct capture *c = new_capture();
	struct nfd_rec r;
	struct results *res;
	char why[200];
	json_t *root, *e;

	cr_assert_eq(parse(REC("2026-12-05T10:00:01.000", "198.18.1.10", "41000",
			       "203.0.113.80", "443", "...AP.S.",
			       "\t\"ip4_next_hop\" : \"198.51.100.1\",\n"), &r, why), 1, "%s", why);
	capture_flow_record(c, &r);
	cr_assert_eq(parse(REC("2026-12-05T10:00:01.001", "203.0.113.80", "443",
			       "198.18.1.10", "41000", "...AP.S.",
			       "\t\"ip4_next_hop\" : \"0.0.0.0\",\n"), &r, why), 1);
	capture_flow_record(c, &r);
	root = finish(c, &res);
	cr_assert_eq(json_array_size(json_object_get(root, "exits")), 1);
	e = json_array_get(json_object_get(root, "exits"), 0);
	cr_assert(json_is_null(json_object_get(e, "mac")));
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "addrs"), 0)),
			 "198.51.100.1");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(root, "peers"), 0), "exit")), "198.51.100.1");
	results_free(res);
	capture_free(c);
}

struct out {
	char buf[64];
	size_t n;
};

static void
on_out(void *ctx, const void *p, size_t n)
{
	struct out *o = ctx;

	if (o->n + n < sizeof(o->buf)) {
		memcpy(o->buf + o->n, p, n);
		o->n += n;
	}
}

Test(nfdump, runner)
{
	char *ok[] = { "sh", "-c", "printf \"$TZ\"; echo oops >&2; exit 3", NULL };
	char *missing[] = { "heiiki-no-such-program", NULL };
	char *slow[] = { "sleep", "10", NULL };
	char errtext[64], err[256];
	struct out o = { .n = 0 };
	struct timespec t0, t1;

	cr_assert_eq(nfd_run(ok, 10, NULL, on_out, &o, errtext, sizeof(errtext), err,
			     sizeof(err)), 3);
	cr_assert_eq(o.n, 3);
	cr_assert(memcmp(o.buf, "UTC", 3) == 0, "TZ=UTC in the child");
	cr_assert_str_eq(errtext, "oops\n");
	cr_assert_eq(nfd_run(missing, 10, NULL, on_out, &o, errtext, sizeof(errtext), err,
			     sizeof(err)), -1);
	cr_assert(strstr(err, "nfdump installed"), "%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(nfd_run(slow, 1, NULL, on_out, &o, errtext, sizeof(errtext), err,
			     sizeof(err)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert(strstr(err, "longer than"), "%s", err);
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 5);
}

/*
 * capture_nfdump() end to end with a stand-in `nfdump` first in PATH: a
 * shell script that prints two records of one connection (and, for the
 * version run, "Nv10"), optionally followed by a damaged-file message on
 * stderr.
 */
static struct capture *
run_fake(const char *stderr_line, int *rc, char *err, size_t errlen)
{
	char dir[] = "/tmp/heiiki-nfd-XXXXXX", path[256], newpath[4096];
	struct capture *c = new_capture();
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nfdump", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\n"
		"case \"$*\" in *fmt:%%nfv*) printf 'Nv10\\n'; exit 0;; esac\n"
		"[ \"$TZ\" = UTC ] || exit 9\n"
		"cat <<'E'\n%s\n%s\nE\n"
		"%s\n",
		REC("2026-12-05T10:00:01.000", "198.18.1.10", "41000", "203.0.113.80",
		    "443", "...AP.S.", "\t\"out_dst_mac\" : \"02:00:5e:00:00:01\",\n"),
		REC("2026-12-05T10:00:01.001", "203.0.113.80", "443", "198.18.1.10",
		    "41000", "...AP.S.", "\t\"in_src_mac\" : \"02:00:5e:00:00:01\",\n"),
		stderr_line);
	fclose(f);
	chmod(path, 0755);
	snprintf(newpath, sizeof(newpath), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "");
	setenv("PATH", newpath, 1);
	*rc = capture_nfdump(c, dir, 10, NULL, err, errlen);
	unlink(path);
	rmdir(dir);
	return c;
}

Test(nfdump, capture_nfdump_with_a_stand_in)
{
	struct results *res;
	char err[512];
	int rc;
	struct capture *c = run_fake("", &rc, err, sizeof(err));
	json_t *root, *run;

	cr_assert_eq(rc, 0, "%s", err);
	root = finish(c, &res);
	run = results_run(res);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(run, "vantage"),
							   "source")), "ipfix");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(run, "counters"),
							"flow_export_records")), 2);
	cr_assert_eq(json_array_size(json_object_get(root, "flows")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(root, "exits"), 0), "mac")), "02:00:5e:00:00:01");
	results_free(res);
	capture_free(c);
}

Test(nfdump, capture_nfdump_damaged_file_keeps_the_records)
{
	struct results *res;
	char err[512];
	int rc;
	struct capture *c = run_fake("echo \"Open file 'x/nfcapd.202612051000': bad magic: 0x55BD\" >&2",
				     &rc, err, sizeof(err));
	json_t *root;

	cr_assert_eq(rc, 1);
	cr_assert(strstr(err, "bad magic") && strstr(err, "after 2 records"), "%s", err);
	root = finish(c, &res);
	cr_assert_eq(json_array_size(json_object_get(root, "flows")), 1);
	cr_assert(strstr(json_string_value(json_array_get(json_object_get(results_run(res),
							"warnings"), 0)), "bad magic"));
	results_free(res);
	capture_free(c);
}
