/*
 * test_flow.c - the flow table: initiator detection, per-side counters,
 * TCP state, eviction when full, idle/active timeouts, and a churn test
 * that checks the open-addressing index against a brute-force model.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/capture/flow.h"

struct ftest_sink {
	int n[4];
	uint64_t bytes;
	int last_why;
};

static void
ftest_export(void *ctx, const struct flow *f, enum flow_reason why)
{
	struct ftest_sink *s = ctx;

	s->n[why]++;
	s->bytes += f->bytes[0] + f->bytes[1];
	s->last_why = why;
}

static struct pkt_meta
ftest_pkt(uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp, uint8_t flags)
{
	struct pkt_meta m;

	memset(&m, 0, sizeof(m));
	m.ipver = 4;
	m.proto = DECODE_TCP;
	m.src = addr_from_v4(src);
	m.dst = addr_from_v4(dst);
	m.sport = sp;
	m.dport = dp;
	m.tcp_flags = flags;
	m.flags = PKT_PORTS;
	return m;
}

static struct flow_table *
ftest_table(size_t max, struct ftest_sink *s, int64_t idle, int64_t active)
{
	struct flow_limits lim = { max, idle, active };
	struct flow_table *ft;
	char err[128];

	memset(s, 0, sizeof(*s));
	cr_assert_eq(flow_table_new(&ft, &lim, ftest_export, s, err, sizeof(err)), 0,
		     "%s", err);
	return ft;
}

#define C 0xc612200a	/* 198.18.32.10 */
#define S 0xcb007150	/* 203.0.113.80 */

Test(flow, handshake_both_directions)
{
	struct ftest_sink s;
	struct flow_table *ft = ftest_table(16, &s, 0, 0);
	struct pkt_meta m;
	struct flow *f;
	int dir;

	m = ftest_pkt(C, 40000, S, 443, TCPF_SYN);
	f = flow_update(ft, &m, 60, 1000, &dir);
	cr_assert_eq(dir, 0);
	m = ftest_pkt(S, 443, C, 40000, TCPF_SYN | TCPF_ACK);
	f = flow_update(ft, &m, 60, 2000, &dir);
	cr_assert_eq(dir, 1);
	m = ftest_pkt(C, 40000, S, 443, TCPF_ACK);
	f = flow_update(ft, &m, 100, 3000, &dir);
	cr_assert_eq(flow_count(ft), 1);
	cr_assert_eq(f->pkts[0], 2);
	cr_assert_eq(f->pkts[1], 1);
	cr_assert_eq(f->bytes[0], 160);
	cr_assert_eq(f->bytes[1], 60);
	cr_assert_eq(f->port[1], 443);
	cr_assert_eq(f->first_us, 1000);
	cr_assert_eq(f->last_us, 3000);
	cr_assert_str_eq(flow_tcp_state(f), "established");
	m = ftest_pkt(S, 443, C, 40000, TCPF_FIN | TCPF_ACK);
	flow_update(ft, &m, 60, 4000, &dir);
	m = ftest_pkt(C, 40000, S, 443, TCPF_FIN | TCPF_ACK);
	f = flow_update(ft, &m, 60, 5000, &dir);
	cr_assert_str_eq(flow_tcp_state(f), "closed");
	flow_flush(ft);
	cr_assert_eq(s.n[FLOW_END], 1);
	cr_assert_eq(s.bytes, 340);
	cr_assert_eq(flow_count(ft), 0);
	flow_table_free(ft);
}

Test(flow, synack_first_and_midstream_swap)
{
	struct ftest_sink s;
	struct flow_table *ft = ftest_table(16, &s, 0, 0);
	struct pkt_meta m;
	struct flow *f;
	int dir;

	/* The SYN was missed: the SYN-ACK sender is the responder. */
	m = ftest_pkt(S, 443, C, 40000, TCPF_SYN | TCPF_ACK);
	f = flow_update(ft, &m, 60, 1, &dir);
	cr_assert_eq(dir, 1);
	cr_assert_eq(f->addr[0].v, addr_from_v4(C).v);
	cr_assert_eq(f->pkts[1], 1);
	/* Mid-stream data first, then a SYN from the other side. */
	m = ftest_pkt(S, 22, C, 50000, TCPF_ACK);
	f = flow_update(ft, &m, 80, 2, &dir);
	cr_assert_eq(dir, 0);
	cr_assert_str_eq(flow_tcp_state(f), "midstream");
	m = ftest_pkt(C, 50000, S, 22, TCPF_SYN);
	f = flow_update(ft, &m, 60, 3, &dir);
	cr_assert_eq(dir, 0);
	cr_assert_eq(f->port[1], 22);
	cr_assert_eq(f->pkts[0], 1);
	cr_assert_eq(f->bytes[1], 80);
	cr_assert(f->flags & FLOW_INIT_SURE);
	flow_table_free(ft);
}

Test(flow, full_table_evicts_oldest_sampled)
{
	struct ftest_sink s;
	struct flow_table *ft = ftest_table(4, &s, 0, 0);
	struct pkt_meta m;
	int dir;

	for (uint16_t i = 0; i < 10; i++) {
		m = ftest_pkt(C, (uint16_t)(1000 + i), S, 80, TCPF_SYN);
		flow_update(ft, &m, 60, 1000 + i, &dir);
	}
	cr_assert_eq(flow_count(ft), 4);
	cr_assert_eq(flow_evictions(ft), 6);
	cr_assert_eq(s.n[FLOW_EVICTED], 6);
	cr_assert_eq(flow_created(ft), 10);
	flow_flush(ft);
	cr_assert_eq(s.n[FLOW_END], 4);
	flow_table_free(ft);
}

Test(flow, idle_and_active_timeouts)
{
	struct ftest_sink s;
	struct flow_table *ft = ftest_table(16, &s, 10 * 1000000LL, 60 * 1000000LL);
	struct pkt_meta a = ftest_pkt(C, 1, S, 80, TCPF_SYN);
	struct pkt_meta b = ftest_pkt(C, 2, S, 80, TCPF_SYN);
	int dir;

	/* a keeps talking every 2 s for 70 s; b says one thing at t=0 */
	flow_update(ft, &b, 60, 0, &dir);
	for (int64_t t = 0; t <= 70; t += 2)
		flow_update(ft, &a, 60, t * 1000000, &dir);
	flow_expire(ft, 70 * 1000000LL);
	cr_assert_eq(s.n[FLOW_IDLE], 1, "b expires idle");
	cr_assert_geq(s.n[FLOW_ACTIVE], 1, "a is exported by the active timeout");
	cr_assert_eq(flow_count(ft), 1, "a stays in the table");
	flow_table_free(ft);
}

Test(flow, churn_matches_model)
{
	enum { MAX = 64, OPS = 20000, KEYS = 200 };
	struct ftest_sink s;
	struct flow_table *ft = ftest_table(MAX, &s, 0, 0);
	struct pkt_meta m;
	int dir;

	srand(7);
	for (int i = 0; i < OPS; i++) {
		uint16_t k = (uint16_t)(rand() % KEYS);
		int rev = rand() & 1;
		m = rev ? ftest_pkt(S, 80, C, (uint16_t)(1000 + k), TCPF_ACK) :
			  ftest_pkt(C, (uint16_t)(1000 + k), S, 80, TCPF_ACK);
		struct flow *f = flow_update(ft, &m, 1, i, &dir);
		cr_assert_eq(f->port[0] == 80 ? f->port[1] : f->port[0], 1000 + k);
		cr_assert_leq(flow_count(ft), MAX);
	}
	/* Every packet is in exactly one exported or live flow. */
	flow_flush(ft);
	cr_assert_eq(s.bytes, OPS);
	cr_assert_eq(flow_evictions(ft) + MAX, flow_created(ft));
	flow_table_free(ft);
}

Test(flow, memory_bound_for_a_million_flows)
{
	cr_assert_leq(sizeof(struct flow), 128);
	cr_assert_leq(flow_table_bytes(1000000), 256u << 20);
}

/* ---- attempts and duplicate frames (capture_packet) ------------------------ */

#include "scanner/capture/capture.h"

/* An Ethernet/IPv4/TCP frame; ttl and the MACs vary per "span". */
static size_t
ftest_frame(uint8_t *b, uint8_t macbyte, uint8_t ttl, uint8_t flags, uint32_t seq)
{
	static const uint8_t ip[] = { 0x45, 0, 0, 40, 0, 7, 0x40, 0, 64, 6, 0, 0,
				      203, 0, 113, 11, 198, 18, 10, 40 };
	memset(b, 0, 54);
	memset(b, macbyte, 12);
	b[12] = 0x08;
	memcpy(b + 14, ip, sizeof(ip));
	b[14 + 8] = ttl;
	b[14 + 10] = ttl;	/* a different checksum too */
	b[34] = 0xc7, b[35] = 0x38;	/* 51000 */
	b[36] = 0x0d, b[37] = 0x3d;	/* 3389 */
	b[38] = (uint8_t)(seq >> 24), b[41] = (uint8_t)seq;
	b[46] = 0x50;
	b[47] = flags;
	return 54;
}

static long long
ftest_counter(struct results *r, const char *name)
{
	return (long long)json_integer_value(json_object_get(
		json_object_get(results_run(r), "counters"), name));
}

Test(flow, duplicate_frames_from_two_spans_count_once)
{
	struct capture_opts o;
	struct capture *cap;
	struct results *r = results_new("capture");
	uint8_t b[64];
	char err[256];
	json_t *f;

	capture_opts_default(&o);
	o.max_flows = 64;
	cr_assert_eq(capture_new(&cap, &o, err, sizeof(err)), 0, "%s", err);
	/* one SYN seen on two spans (other MACs, TTL one less), 20 us apart */
	capture_packet(cap, 1, 1000000, b, (uint32_t)ftest_frame(b, 1, 64, 0x02, 1), 54);
	capture_packet(cap, 1, 1000020, b, (uint32_t)ftest_frame(b, 2, 63, 0x02, 1), 54);
	/* the retransmission 1 s later is a packet of its own */
	capture_packet(cap, 1, 2000000, b, (uint32_t)ftest_frame(b, 1, 64, 0x02, 1), 54);
	/* a different segment within the window is not a duplicate */
	capture_packet(cap, 1, 2000010, b, (uint32_t)ftest_frame(b, 1, 64, 0x02, 2), 54);
	cr_assert_eq(capture_finish(cap, r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ftest_counter(r, "duplicates"), 1);
	cr_assert_eq(ftest_counter(r, "attempts"), 1);
	f = json_array_get(json_object_get(results_root(r), "flows"), 0);
	cr_assert_eq(json_integer_value(json_object_get(f, "packets_out")), 3);
	cr_assert_eq(json_integer_value(json_object_get(f, "packets_in")), 0);
	cr_assert(json_is_true(json_object_get(f, "attempt")));
	cr_assert_str_eq(json_string_value(json_object_get(f, "state")), "syn_sent");
	capture_free(cap);
	results_free(r);
}

Test(flow, attempt_definition)
{
	struct ftest_sink s;
	struct flow_table *ft = ftest_table(16, &s, 0, 0);
	struct pkt_meta m = ftest_pkt(C, 40000, S, 443, TCPF_SYN);
	struct flow *f;
	int dir;

	f = flow_update(ft, &m, 60, 1, &dir);
	cr_assert(flow_is_attempt(f), "SYN only");
	m = ftest_pkt(S, 443, C, 40000, TCPF_RST | TCPF_ACK);
	f = flow_update(ft, &m, 60, 2, &dir);
	cr_assert(flow_is_attempt(f), "SYN answered by RST");
	m = ftest_pkt(C, 40001, S, 443, TCPF_SYN);
	flow_update(ft, &m, 60, 3, &dir);
	m = ftest_pkt(S, 443, C, 40001, TCPF_SYN | TCPF_ACK);
	f = flow_update(ft, &m, 60, 4, &dir);
	cr_assert(!flow_is_attempt(f), "SYN-ACK came back");
	m = ftest_pkt(C, 40002, S, 443, TCPF_ACK);
	f = flow_update(ft, &m, 60, 5, &dir);
	cr_assert(!flow_is_attempt(f), "mid-stream flows got through before we looked");
	m = ftest_pkt(C, 40003, S, 53, 0);
	m.proto = DECODE_UDP;
	f = flow_update(ft, &m, 60, 6, &dir);
	cr_assert(flow_is_attempt(f), "UDP without a reply");
	flow_table_free(ft);
}
