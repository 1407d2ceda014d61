/*
 * test_sweep.c - the sweep without a network.
 *
 *  - the probe order (batches of hosts, permuted inside) visits every
 *    (host, port) slot exactly once for many shapes;
 *  - a dry run through sweep_run() prints every (address, port) of the
 *    target set exactly once and never a do_not_scan address, for IPv4
 *    and IPv6, and a run split at any index (resume) covers the same set;
 *  - plan_targets() refuses out-of-scope targets naming them, clips zones
 *    and skips network/broadcast addresses unless named;
 *  - reply decoding/validation on hand-built frames, and every truncation
 *    of them is rejected without reading past the end;
 *  - OUI parsing and checkpoint round trip.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/probe.h"
#include "scanner/core/oui.h"
#include "scanner/input/guard.h"
#include "scanner/input/policy.h"
#include "scanner/sweep/checkpoint.h"
#include "scanner/sweep/plan.h"
#include "scanner/sweep/reply.h"
#include "scanner/sweep/sweep_int.h"

/* --- order ---------------------------------------------------------------- */

static void
check_order(uint64_t hosts, uint64_t ports, uint64_t in_flight, uint64_t seed)
{
	struct sweep_order o;
	uint8_t *seen = calloc(hosts * ports, 1);

	cr_assert_not_null(seen);
	order_init(&o, hosts, ports, in_flight, seed);
	cr_assert_eq(o.total, hosts * ports);
	for (uint64_t i = 0; i < o.total; i++) {
		uint64_t h, p;

		order_at(&o, i, &h, &p);
		cr_assert(h < hosts && p < ports, "slot out of range");
		cr_assert_eq(seen[h * ports + p], 0, "hosts=%llu ports=%llu "
			     "in_flight=%llu: slot repeated",
			     (unsigned long long)hosts, (unsigned long long)ports,
			     (unsigned long long)in_flight);
		seen[h * ports + p] = 1;
	}
	free(seen);
}

Test(sweep_order, every_slot_once)
{
	check_order(1, 1, 0, 1);
	check_order(1, 100, 0, 2);
	check_order(254, 7, 64, 3);
	check_order(254, 7, 0, 4);
	check_order(1000, 3, 7, 5);
	check_order(65536, 2, 256, 6);
	check_order(5, 65535, 2, 7);
}

Test(sweep_order, batches_bound_hosts_in_flight)
{
	struct sweep_order o;
	uint64_t ports = 10, hosts = 100, h, p;

	order_init(&o, hosts, ports, 8, 99);
	/* the first 8 * 10 probes touch exactly 8 distinct hosts */
	uint8_t seen[100] = { 0 };
	unsigned distinct = 0;

	for (uint64_t i = 0; i < 8 * ports; i++) {
		order_at(&o, i, &h, &p);
		distinct += !seen[h];
		seen[h] = 1;
	}
	cr_assert_eq(distinct, 8);
}

/* --- dry run ---------------------------------------------------------------- */

static void
setsets(struct tset *t, struct tset *scope, struct tset *deny, const char *tgt,
	const char *sc, const char *dn)
{
	char err[128];

	tset_init(t);
	tset_init(scope);
	tset_init(deny);
	cr_assert_eq(tset_add_str(scope, sc, err, sizeof(err)), 0, "%s", err);
	if (dn)
		cr_assert_eq(tset_add_str(deny, dn, err, sizeof(err)), 0);
	cr_assert_eq(tset_add_str(t, tgt, err, sizeof(err)), 0);
	cr_assert_eq(tset_intersect(t, scope), 0);
	cr_assert_eq(tset_subtract(t, deny), 0);
	cr_assert_eq(tset_freeze(t), 0);
}

/* Run a dry sweep of [start, start + max) and count each printed line. */
static char *
dry(struct sweep_conf *c, uint64_t start, uint64_t max, struct sweep_stats *st)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	c->mode = SWEEP_DRYRUN;
	c->dry_out = f;
	c->start = start;
	c->max_probes = max;
	cr_assert_eq(sweep_run(c, NULL, st, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	return buf;
}

static void
expect_each_once(const char *out, const struct tset *t, const struct tset *deny,
		 const struct sweep_port *ports, size_t nports)
{
	uint64_t hosts = (uint64_t)tset_count(t), lines = 0;
	uint8_t *seen = calloc(hosts * nports, 1);
	char *copy = strdup(out), *save = NULL;

	cr_assert(seen && copy);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char proto[8], as[ADDR_STRLEN];
		char *tab1 = strchr(l, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		struct addr a;
		long port;
		size_t k;
		uint64_t h = 0;

		cr_assert(tab1 && tab2, "bad line '%s'", l);
		snprintf(proto, sizeof(proto), "%.*s", (int)(tab1 - l), l);
		snprintf(as, sizeof(as), "%.*s", (int)(tab2 - tab1 - 1), tab1 + 1);
		port = strtol(tab2 + 1, NULL, 10);
		cr_assert_eq(addr_parse(as, &a), 0, "%s", as);
		cr_assert_not(tset_contains(deny, &a), "do_not_scan %s printed", as);
		cr_assert(tset_contains(t, &a), "%s not a target", as);
		for (k = 0; k < nports; k++)
			if (ports[k].port == port &&
			    ports[k].proto == (strcmp(proto, "udp") ? 6 : 17))
				break;
		cr_assert_lt(k, nports, "unexpected port %ld", port);
		while (h < hosts) {
			struct addr n;

			cr_assert_eq(tset_nth(t, h, &n), 0);
			if (addr_cmp(&n, &a) == 0)
				break;
			h++;
		}
		cr_assert_eq(seen[h * nports + k], 0, "%s %s %ld twice", proto, as, port);
		seen[h * nports + k] = 1;
		lines++;
	}
	cr_assert_eq(lines, hosts * nports, "printed %llu of %llu",
		     (unsigned long long)lines, (unsigned long long)(hosts * nports));
	free(seen);
	free(copy);
}

static const struct sweep_port test_ports[] = {
	{ 22, 6 }, { 80, 6 }, { 443, 6 }, { 3389, 6 }, { 161, 17 }, { 500, 17 },
};

Test(sweep_dryrun, ipv4_each_once_never_denied)
{
	struct tset t, scope, deny;
	struct sweep_conf c;
	struct sweep_stats st;
	char *out;

	setsets(&t, &scope, &deny, "198.18.20.0/23", "198.18.0.0/16",
		"198.18.20.0/26");
	memset(&c, 0, sizeof(c));
	c.targets = &t;
	c.scope = &scope;
	c.deny = &deny;
	c.ports = test_ports;
	c.nports = 6;
	c.seed = 12345;
	c.hosts_in_flight = 64;
	out = dry(&c, 0, 0, &st);
	expect_each_once(out, &t, &deny, test_ports, 6);
	cr_assert_eq(st.total, (512 - 64) * 6);
	free(out);
	tset_free(&t);
	tset_free(&scope);
	tset_free(&deny);
}

Test(sweep_dryrun, ipv6_and_mixed)
{
	struct tset t, scope, deny;
	struct sweep_conf c;
	struct sweep_stats st;
	char err[64], *out;

	setsets(&t, &scope, &deny, "2001:db8::/120", "2001:db8::/64",
		"2001:db8::80-2001:db8::8f");
	cr_assert_eq(tset_add_str(&scope, "198.18.0.0/24", err, sizeof(err)), 0);
	cr_assert_eq(tset_add_str(&t, "198.18.0.1-198.18.0.9", err, sizeof(err)), 0);
	cr_assert_eq(tset_freeze(&t), 0);
	memset(&c, 0, sizeof(c));
	c.targets = &t;
	c.scope = &scope;
	c.deny = &deny;
	c.ports = test_ports;
	c.nports = 3;
	c.seed = 7;
	out = dry(&c, 0, 0, &st);
	expect_each_once(out, &t, &deny, test_ports, 3);
	free(out);
	tset_free(&t);
	tset_free(&scope);
	tset_free(&deny);
}

Test(sweep_dryrun, split_run_covers_the_same_set)
{
	struct tset t, scope, deny;
	struct sweep_conf c;
	struct sweep_stats st;
	char *a, *b, *both;

	setsets(&t, &scope, &deny, "198.18.5.0/24", "198.18.0.0/16", "198.18.5.7");
	memset(&c, 0, sizeof(c));
	c.targets = &t;
	c.scope = &scope;
	c.deny = &deny;
	c.ports = test_ports;
	c.nports = 6;
	c.seed = 99;
	c.hosts_in_flight = 16;
	/* stop after 777 indices, then resume at 777 with the same seed */
	a = dry(&c, 0, 777, &st);
	b = dry(&c, 777, 0, &st);
	both = malloc(strlen(a) + strlen(b) + 1);
	cr_assert_not_null(both);
	snprintf(both, strlen(a) + strlen(b) + 1, "%s%s", a, b);
	expect_each_once(both, &t, &deny, test_ports, 6);
	free(a);
	free(b);
	free(both);
	tset_free(&t);
	tset_free(&scope);
	tset_free(&deny);
}

Test(sweep_dryrun, recheck_refuses_what_the_set_lets_through)
{
	struct tset t, scope, deny;
	struct sweep_conf c;
	struct sweep_stats st;
	char err[64], *out;

	/* a target set built wrongly (deny not subtracted): the per-packet
	 * recheck must still keep do_not_scan and out-of-scope silent */
	setsets(&t, &scope, &deny, "198.18.1.0/28", "198.18.1.0/29", NULL);
	cr_assert_eq(tset_add_str(&deny, "198.18.1.3", err, sizeof(err)), 0);
	tset_free(&t);
	tset_init(&t);
	cr_assert_eq(tset_add_str(&t, "198.18.1.0/28", err, sizeof(err)), 0);
	cr_assert_eq(tset_freeze(&t), 0);
	memset(&c, 0, sizeof(c));
	c.targets = &t;
	c.scope = &scope;
	c.deny = &deny;
	c.ports = test_ports;
	c.nports = 2;
	out = dry(&c, 0, 0, &st);
	cr_assert_null(strstr(out, "198.18.1.3\t"));
	cr_assert_null(strstr(out, "198.18.1.8\t"));
	cr_assert_not_null(strstr(out, "198.18.1.7\t"));
	cr_assert_eq(st.refused_recheck, (1 + 8) * 2);
	free(out);
	tset_free(&t);
	tset_free(&scope);
	tset_free(&deny);
}

/* The sweep asks the shared send guard (scanner/input/guard.h) before
 * every probe: a zone's network and broadcast address, a do_not_scan pump
 * and multicast stay silent even when a wrongly built target set holds
 * them; --include-net-bcast (allow_zone_edges) lets only the zone edges by. */
Test(sweep_dryrun, shared_guard_asked_before_each_probe)
{
	static const char pol_text[] =
		"version: 1\nsite: t\n"
		"zones:\n  - { name: servers, role: server, nets: [198.18.10.0/29] }\n"
		"scope: [198.18.10.0/29]\n"
		"do_not_scan:\n  - { addr: 198.18.10.3, reason: infusion pump }\n";
	struct policy p;
	struct guard g;
	struct tset t;
	struct sweep_conf c;
	struct sweep_stats st;
	char err[POLICY_ERR_MAX], *out;

	cr_assert_eq(policy_load_buf("p.yaml", pol_text, strlen(pol_text), &p, err,
				     sizeof(err)), 0, "%s", err);
	guard_init_policy(&g, &p);
	tset_init(&t);
	cr_assert_eq(tset_add_str(&t, "198.18.10.0/29", err, sizeof(err)), 0);
	cr_assert_eq(tset_add_str(&t, "224.0.0.1", err, sizeof(err)), 0);
	cr_assert_eq(tset_freeze(&t), 0);
	memset(&c, 0, sizeof(c));
	c.targets = &t;
	c.scope = &p.scope;
	c.deny = &p.dns_set;
	c.may_send = guard_may;
	c.may_arg = &g;
	c.ports = test_ports;
	c.nports = 1;
	out = dry(&c, 0, 0, &st);
	cr_assert_null(strstr(out, "198.18.10.0\t"), "network address: %s", out);
	cr_assert_null(strstr(out, "198.18.10.7\t"), "broadcast address: %s", out);
	cr_assert_null(strstr(out, "198.18.10.3\t"), "the pump: %s", out);
	cr_assert_null(strstr(out, "224.0.0.1\t"), "multicast: %s", out);
	cr_assert_not_null(strstr(out, "198.18.10.5\t"));
	cr_assert_eq(st.refused_recheck, 4);
	free(out);
	g.allow_zone_edges = 1;
	out = dry(&c, 0, 0, &st);
	cr_assert_not_null(strstr(out, "198.18.10.7\t"), "edges when asked for: %s", out);
	cr_assert_null(strstr(out, "224.0.0.1\t"), "never multicast: %s", out);
	cr_assert_null(strstr(out, "198.18.10.3\t"), "never the pump: %s", out);
	cr_assert_eq(st.refused_recheck, 2);
	free(out);
	tset_free(&t);
	guard_free(&g);
	policy_free(&p);
}

/* --- plan ---------------------------------------------------------------- */

static const char plan_policy[] =
	"version: 1\n"
	"site: t\n"
	"zones:\n"
	"  - { name: servers, role: server, nets: [198.18.10.0/24] }\n"
	"  - { name: lab, role: office, nets: [198.18.20.0/22] }\n"
	"  - { name: internet, role: external, nets: [0.0.0.0/0] }\n"
	"scope: [198.18.0.0/16]\n"
	"do_not_scan:\n"
	"  - { addr: 198.18.10.50, reason: pump }\n";

static void
load_plan_policy(struct policy *p)
{
	char err[POLICY_ERR_MAX];

	cr_assert_eq(policy_load_buf("t.yaml", plan_policy, strlen(plan_policy),
				     p, err, sizeof(err)), 0, "%s", err);
}

Test(sweep_plan, out_of_scope_refused_by_name)
{
	struct policy p;
	struct tset t;
	char err[512];
	char *args[] = { "198.18.10.0/24", "198.19.1.1" };

	load_plan_policy(&p);
	cr_assert_eq(plan_targets(&p, args, 2, 0, &t, NULL, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "198.19.1.1"), "%s", err);
	cr_assert_not_null(strstr(err, "outside"), "%s", err);
	args[1] = "198.18.255.0-198.19.0.5";	/* partly outside */
	cr_assert_eq(plan_targets(&p, args, 2, 0, &t, NULL, err, sizeof(err)), -1);
	args[1] = "no-such-zone";
	cr_assert_eq(plan_targets(&p, args, 2, 0, &t, NULL, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "no-such-zone"));
	policy_free(&p);
}

Test(sweep_plan, zone_dns_and_edges)
{
	struct policy p;
	struct tset t;
	struct plan_stats st;
	char err[512];
	char *args[] = { "servers", "198.18.10.255" };
	struct addr a;

	load_plan_policy(&p);
	cr_assert_eq(plan_targets(&p, args, 1, 0, &t, &st, err, sizeof(err)), 0, "%s", err);
	/* 256 - network - broadcast - one do_not_scan */
	cr_assert_eq((uint64_t)st.targets, 253);
	cr_assert_eq((uint64_t)st.excluded_dns, 1);
	cr_assert_eq((uint64_t)st.excluded_netbcast, 2);
	cr_assert_eq(addr_parse("198.18.10.50", &a), 0);
	cr_assert_not(tset_contains(&t, &a));
	tset_free(&t);
	/* naming the broadcast address on its own keeps it */
	cr_assert_eq(plan_targets(&p, args, 2, 0, &t, &st, err, sizeof(err)), 0);
	cr_assert_eq((uint64_t)st.targets, 254);
	tset_free(&t);
	/* include_net_bcast keeps both */
	cr_assert_eq(plan_targets(&p, args, 1, 1, &t, &st, err, sizeof(err)), 0);
	cr_assert_eq((uint64_t)st.targets, 255);
	tset_free(&t);
	/* an external zone larger than scope is clipped to scope, and its
	 * edges are not subnet edges */
	args[0] = "internet";
	cr_assert_eq(plan_targets(&p, args, 1, 0, &t, &st, err, sizeof(err)), 0);
	cr_assert_eq((uint64_t)st.requested, 65536);
	/* minus pump, minus .10.0/.10.255 and .20.0/.23.255 */
	cr_assert_eq((uint64_t)st.targets, 65536 - 1 - 4);
	tset_free(&t);
	/* a CIDR inside a zone keeps its own edges (not subnet edges) */
	args[0] = "198.18.20.8/29";
	cr_assert_eq(plan_targets(&p, args, 1, 0, &t, &st, err, sizeof(err)), 0);
	cr_assert_eq((uint64_t)st.targets, 8);
	tset_free(&t);
	/* no arguments: the whole scope */
	cr_assert_eq(plan_targets(&p, NULL, 0, 1, &t, &st, err, sizeof(err)), 0);
	cr_assert_eq((uint64_t)st.targets, 65535);
	tset_free(&t);
	policy_free(&p);
}

/* --- replies --------------------------------------------------------------- */

static size_t
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

/* Ethernet + IPv4 header (no options); returns offset of the payload. */
static size_t
eth_ip4(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4len)
{
	memset(f, 0, 34);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, (uint16_t)(20 + l4len));
	f[22] = 64;
	f[23] = proto;
	put32(f + 26, src);
	put32(f + 30, dst);
	return 34;
}

static size_t
tcp_hdr(uint8_t *p, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
	uint8_t flags)
{
	memset(p, 0, 20);
	put16(p, sp);
	put16(p + 2, dp);
	put32(p + 4, seq);
	put32(p + 8, ack);
	p[12] = 0x50;
	p[13] = flags;
	return 20;
}

static const struct cookie_key rkey = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
#define US 0xc612000aU		/* 198.18.0.10 */
#define THEM 0xc6120a0aU	/* 198.18.10.10 */

static size_t
synack(uint8_t *f, uint16_t port, uint8_t flags, int bad_ack)
{
	struct addr us = addr_from_v4(US), them = addr_from_v4(THEM);
	uint64_t tag = cookie_tag(&rkey, &us, &them, port, 6);
	size_t o = eth_ip4(f, THEM, US, 6, 20);

	return o + tcp_hdr(f + o, port, cookie_sport(tag), 777,
			   cookie_seq(tag) + 1 + (bad_ack ? 1 : 0), flags);
}

/* the probe table's ports whose servers answer from a new port (TFTP) */
static uint16_t new_tid[8];

static enum reply_kind
classify(const uint8_t *f, size_t len, struct addr *t, uint8_t *proto, uint16_t *port)
{
	struct sweep_pkt pk;

	if (sweep_decode(1, f, len, &pk) < 0)
		return (enum reply_kind)-1;
	if (!new_tid[0])
		probe_udp_new_tid_ports(new_tid, 8);
	return sweep_classify(&rkey, &pk, new_tid, t, proto, port);
}

Test(sweep_reply, synack_rst_and_forgeries)
{
	uint8_t f[128];
	size_t n;
	struct addr t;
	uint8_t proto;
	uint16_t port;
	struct cookie_key other = { 1, 2 };
	struct sweep_pkt pk;

	n = synack(f, 443, 0x12, 0);
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_OPEN);
	cr_assert_eq(addr_v4(&t), THEM);
	cr_assert_eq(port, 443);
	cr_assert_eq(proto, 6);
	n = synack(f, 443, 0x14, 0);		/* RST+ACK */
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_CLOSED);
	n = synack(f, 443, 0x12, 1);		/* wrong ack */
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_NONE);
	n = synack(f, 443, 0x10, 0);		/* bare ACK */
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_NONE);
	n = synack(f, 443, 0x12, 0);
	put16(f + 34 + 2, (uint16_t)(cookie_sport(0) ^ 1));	/* wrong dport */
	cr_assert_neq(classify(f, n, &t, &proto, &port), REPLY_OPEN);
	n = synack(f, 443, 0x12, 0);		/* right packet, other key */
	cr_assert_eq(sweep_decode(1, f, n, &pk), 0);
	cr_assert_eq(sweep_classify(&other, &pk, NULL, &t, &proto, &port), REPLY_NONE);
	/* a different source address than the one probed */
	n = synack(f, 443, 0x12, 0);
	put32(f + 26, THEM + 1);
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_NONE);
}

/* TFTP: the error to our read request comes from the server's new
 * transfer port, to the source port of our probe to port 69 */
Test(sweep_reply, udp_answer_from_tftp_transfer_port)
{
	uint8_t f[128];
	struct addr us = addr_from_v4(US), them = addr_from_v4(THEM), t;
	uint64_t tag69 = cookie_tag(&rkey, &us, &them, 69, 17);
	uint64_t tag53 = cookie_tag(&rkey, &us, &them, 53, 17);
	size_t o = eth_ip4(f, THEM, US, 17, 8 + 4), n = o + 12;
	uint8_t proto = 0;
	uint16_t port = 0, list[4];
	struct sweep_pkt pk;

	memset(f + o, 0, 12);
	put16(f + o, 40123);			/* the server's transfer ID */
	put16(f + o + 2, cookie_sport(tag69));
	put16(f + o + 4, 12);
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_OPEN);
	cr_assert_eq(port, 69);
	cr_assert_eq(proto, 17);
	cr_assert_eq(addr_v4(&t), THEM);
	/* to the source port of another probe (53), from a port that is not
	 * 53: not an answer */
	put16(f + o + 2, cookie_sport(tag53));
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_NONE);
	/* without the list (the sweep was not told): not an answer */
	put16(f + o + 2, cookie_sport(tag69));
	cr_assert_eq(sweep_decode(1, f, n, &pk), 0);
	cr_assert_eq(sweep_classify(&rkey, &pk, NULL, &t, &proto, &port), REPLY_NONE);
	/* the list comes from the probe table: TFTP's flag, port 69 */
	cr_assert_eq(probe_udp_new_tid_ports(list, 4), 1);
	cr_assert_eq(list[0], 69);
	cr_assert_eq(list[1], 0);
	/* from another host */
	put32(f + 26, THEM + 1);
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_NONE);
}

Test(sweep_reply, icmp_port_unreachable_quoting_udp)
{
	uint8_t f[128];
	struct addr us = addr_from_v4(US), them = addr_from_v4(THEM), t;
	uint64_t tag = cookie_tag(&rkey, &us, &them, 161, 17);
	size_t o = eth_ip4(f, THEM, US, 1, 8 + 20 + 8), n;
	uint8_t proto;
	uint16_t port;

	memset(f + o, 0, 8);
	f[o] = 3;		/* unreachable */
	f[o + 1] = 3;		/* port */
	n = o + 8;
	/* quoted IPv4 header of our probe + 8 bytes of UDP */
	memset(f + n, 0, 28);
	f[n] = 0x45;
	put16(f + n + 2, 20 + 8 + 40);
	f[n + 9] = 17;
	put32(f + n + 12, US);
	put32(f + n + 16, THEM);
	put16(f + n + 20, cookie_sport(tag));
	put16(f + n + 22, 161);
	n += 28;
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_CLOSED);
	cr_assert_eq(port, 161);
	cr_assert_eq(proto, 17);
	f[o + 1] = 13;		/* administratively prohibited */
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_FILTERED);
	f[o + 1] = 3;
	put16(f + o + 8 + 20, (uint16_t)(cookie_sport(tag) + 1));	/* not our sport */
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_NONE);
}

Test(sweep_reply, every_truncation_rejected)
{
	uint8_t f[128];
	size_t n = synack(f, 22, 0x12, 0);
	struct addr t;
	uint8_t proto;
	uint16_t port;

	/* everything short of the TCP flags byte (14 + 20 + 14) is rejected;
	 * a snaplen-cut frame that still holds the flags is fine */
	for (size_t len = 0; len < 48; len++) {
		/* an exact-size copy so ASan sees any read past the end */
		uint8_t *c = malloc(len ? len : 1);
		int k;

		memcpy(c, f, len);
		k = (int)classify(c, len, &t, &proto, &port);
		cr_assert(k == -1 || k == REPLY_NONE, "length %zu accepted", len);
		free(c);
	}
	cr_assert_eq(classify(f, n, &t, &proto, &port), REPLY_OPEN);
}

Test(sweep_reply, arp_reply)
{
	uint8_t f[42] = { 0 };
	struct sweep_pkt pk;

	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 2);
	memcpy(f + 22, "\x00\x00\x85\x12\x34\x56", 6);
	put32(f + 28, 0xc6120032U);
	cr_assert_eq(sweep_decode(1, f, sizeof(f), &pk), 0);
	cr_assert(pk.is_arp);
	cr_assert_eq(pk.arp_op, 2);
	cr_assert_eq(addr_v4(&pk.arp_spa), 0xc6120032U);
	cr_assert_eq(sweep_decode(1, f, 30, &pk), -1);
}

/* --- OUI and checkpoints ------------------------------------------------------ */

Test(sweep_oui, parse_and_lookup)
{
	static const char txt[] =
		"OUI/MA-L\t\tOrganization\n\n"
		"00-00-85   (hex)\t\tCANON INC.\r\n"
		"000085     (base 16)\t\tCANON INC.\n"
		"\t\t\t\tTokyo\n"
		"00-1B-21   (hex)\t\tIntel Corporate\n"
		"ZZ-1B-21   (hex)\t\tBroken\n"
		"00-1B-22   (hex)";
	struct oui_db *db;
	char err[64];
	uint8_t canon[6] = { 0x00, 0x00, 0x85, 1, 2, 3 };
	uint8_t intel[6] = { 0x00, 0x1b, 0x21, 1, 2, 3 };
	uint8_t local[6] = { 0x02, 0x00, 0x85, 1, 2, 3 };
	uint8_t none[6] = { 0x00, 0x1b, 0x22, 1, 2, 3 };

	cr_assert_eq(oui_load_buf(txt, sizeof(txt) - 1, &db, err, sizeof(err)), 0);
	cr_assert_eq(oui_count(db), 2);
	cr_assert_str_eq(oui_lookup(db, canon), "CANON INC.");
	cr_assert_str_eq(oui_lookup(db, intel), "Intel Corporate");
	cr_assert_null(oui_lookup(db, local));
	cr_assert_null(oui_lookup(db, none));
	oui_free(db);
}

Test(sweep_oui, system_file_if_present)
{
	struct oui_db *db;
	char err[256];
	uint8_t canon[6] = { 0x00, 0x00, 0x85, 1, 2, 3 };

	if (access(OUI_DEFAULT_PATH, R_OK) != 0)
		cr_skip_test("ieee-data not installed");
	cr_assert_eq(oui_load(NULL, &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_gt(oui_count(db), 10000);
	cr_assert_str_eq(oui_lookup(db, canon), "CANON INC.");
	oui_free(db);
}

Test(sweep_checkpoint, round_trip_and_hash)
{
	char path[] = "/tmp/heiiki-ckpt-XXXXXX", err[256], h1[65], h2[65];
	char *argv[] = { "scan", "--policy", "p.yaml", "servers" };
	struct results *r = results_new("scan");
	struct addr a;
	struct ckpt c;
	struct tset t;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(addr_parse("198.18.10.10", &a), 0);
	results_service(r, &a, "tcp", 22, 1);
	{
		static const uint64_t holes[] = { 7, 512, 999 };

		cr_assert_eq(ckpt_write(path, 4, argv, 42, 1000, 5000, "ab" "cd" "ef"
					"0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
					holes, 3, r, err, sizeof(err)), 0, "%s", err);
	}
	cr_assert_eq(ckpt_read(path, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.nholes, 3);
	cr_assert_eq(c.holes[0], 7);
	cr_assert_eq(c.holes[2], 999);
	cr_assert_eq(c.argc, 4);
	cr_assert_str_eq(c.argv[3], "servers");
	cr_assert_eq(c.seed, 42);
	cr_assert_eq(c.cursor, 1000);
	cr_assert_eq(c.total, 5000);
	cr_assert_eq(json_array_size(json_object_get(c.results, "services")), 1);
	ckpt_free(&c);
	unlink(path);
	results_free(r);

	tset_init(&t);
	cr_assert_eq(tset_add_str(&t, "198.18.10.0/24", err, sizeof(err)), 0);
	cr_assert_eq(ckpt_config_hash(&t, test_ports, 3, 64, "x", h1), 0);
	cr_assert_eq(ckpt_config_hash(&t, test_ports, 4, 64, "x", h2), 0);
	cr_assert_str_neq(h1, h2);
	cr_assert_eq(ckpt_config_hash(&t, test_ports, 3, 32, "x", h2), 0);
	cr_assert_str_neq(h1, h2);
	cr_assert_eq(ckpt_config_hash(&t, test_ports, 3, 64, "x", h2), 0);
	cr_assert_str_eq(h1, h2);
	tset_free(&t);
}

/* --- honest rates ----------------------------------------------------------- */

Test(sweep_estimate, per_host_cap_bounds_the_rate)
{
	struct sweep_conf c;
	struct sweep_estimate e;

	memset(&c, 0, sizeof(c));
	c.nports = 65535;
	c.pps = 10000;
	c.host_pps = 40;
	/* one host: 40 pps (ratelimit.h), whatever --rate says */
	sweep_estimate(&c, 1, 65535, &e);
	cr_assert_float_eq(e.pps, 40.0, 1e-9);
	cr_assert_float_eq(e.seconds, 65535 / 40.0, 1e-6);
	cr_assert_str_eq(e.bound_by, "host_rate");
	/* 65 hosts in flight x 40 = 2600 pps (the issue's -r 10000 run) */
	c.nports = 100;
	c.hosts_in_flight = 65;
	sweep_estimate(&c, 65 * 10, 65 * 10 * 100, &e);
	cr_assert_float_eq(e.pps, 2600.0, 1e-6);
	cr_assert_str_eq(e.bound_by, "host_rate");
	/* a last, smaller batch is slower: 650 + 13 hosts */
	sweep_estimate(&c, 663, 663 * 100, &e);
	cr_assert_float_eq(e.seconds, 650 * 100 / 2600.0 + 13 * 100 / 520.0, 1e-6);
	/* enough hosts in flight: --rate binds */
	c.hosts_in_flight = 256;
	sweep_estimate(&c, 256, 25600, &e);
	cr_assert_float_eq(e.pps, 10000.0, 1e-9);
	cr_assert_str_eq(e.bound_by, "rate");
	/* no per-host cap */
	c.host_pps = 0;
	sweep_estimate(&c, 1, 65535, &e);
	cr_assert_float_eq(e.pps, 10000.0, 1e-9);
	cr_assert_str_eq(e.bound_by, "rate");
}

/* --- the sender's last line of defence -------------------------------------- */

static int
forbidden(const char *s)
{
	struct addr a;

	cr_assert_eq(addr_parse(s, &a), 0, "%s", s);
	return sweep_dst_forbidden(&a);
}

Test(sweep_tx_guard, broadcast_and_multicast_destinations)
{
	static const char *const bad[] = {
		"255.255.255.255", "224.0.0.1", "239.255.255.250", "232.1.2.3",
		"240.0.0.1", "0.0.0.0", "0.1.2.3", "ff02::1", "ff05::1:3",
		"ff0e::101", "::",
	};
	static const char *const good[] = {
		"198.18.10.10", "198.18.0.255", "223.255.255.255", "1.0.0.0",
		"2001:db8::1", "fe80::1", "fd00::ff", "2001:db8::ff00:0",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(forbidden(bad[i]), "%s must be refused", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert(!forbidden(good[i]), "%s must pass the tx guard", good[i]);
}

Test(sweep_tx_guard, group_mac)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mc4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t mc6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t uni[6] = { 0x00, 0x00, 0x85, 0x12, 0x34, 0x56 };
	static const uint8_t local[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };

	cr_assert(sweep_mac_is_group(bcast));
	cr_assert(sweep_mac_is_group(mc4));
	cr_assert(sweep_mac_is_group(mc6));
	cr_assert(!sweep_mac_is_group(uni));
	cr_assert(!sweep_mac_is_group(local));
}

/* A checkpoint's holes must be sorted, unique and below its cursor: any
 * other list is not one heiiki wrote, and is refused (a hole at or beyond
 * the cursor would be probed twice, one beyond the total would index past
 * the order). */
Test(checkpoint, bad_holes_are_refused)
{
	static const char *const bad[] = { "[5, 3]", "[3, 3]", "[1000]", "[-1]", "[\"7\"]", "{}" };
	char path[] = "/tmp/heiiki-ckh-XXXXXX", err[512], text[512];
	struct ckpt c;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");

		snprintf(text, sizeof(text), "{\"format\":\"heiiki-checkpoint\",\"version\":1,"
			 "\"argv\":[\"scan\"],\"seed\":1,\"cursor\":1000,\"total\":5000,"
			 "\"config_hash\":\"%064d\",\"holes\":%s,\"results\":{}}", 0, bad[i]);
		cr_assert_not_null(f);
		fputs(text, f);
		fclose(f);
		cr_assert_eq(ckpt_read(path, &c, err, sizeof(err)), -1, "holes %s accepted", bad[i]);
		cr_assert(strstr(err, "holes"), "%s", err);
	}
	unlink(path);
}
