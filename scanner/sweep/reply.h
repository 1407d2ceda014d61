/*
 * reply.h - decode a captured frame and decide whether it answers one of
 * our probes.  Pure functions over untrusted bytes (read only through
 * scanner/core/rd.h), so they are unit-tested and fuzzed without a network.
 *
 *   sweep_decode()    link (Ethernet, 802.1Q, Linux cooked v1/v2, raw IP)
 *                     -> IPv4/IPv6 -> TCP / UDP / ICMP / ICMPv6, or ARP;
 *                     ICMP errors also yield the quoted probe's header
 *   sweep_classify()  recompute the cookie from the reply's own addresses
 *                     and accept only replies that echo it:
 *                       TCP SYN+ACK, ack = seq + 1          -> open
 *                       TCP RST,     ack = seq + 1          -> closed
 *                       UDP from the probed port to our port -> open
 *                       ICMP port unreachable quoting a UDP probe -> closed
 *                       other ICMP unreachable quoting a probe -> filtered
 *                       ICMP echo reply with our id/seq      -> host alive
 */
#ifndef HEIIKI_SWEEP_REPLY_H
#define HEIIKI_SWEEP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "cookie.h"
#include "scanner/core/addr.h"

struct sweep_hdr {
	struct addr src, dst;
	uint8_t proto;			/* 6, 17, 1, 58 */
	uint16_t sport, dport;
	uint32_t seq, ack;		/* TCP (inner: seq when quoted) */
	uint8_t flags;			/* TCP */
	int have_seq;
};

struct sweep_pkt {
	int is_arp;
	uint16_t arp_op;
	uint8_t arp_sha[6];
	struct addr arp_spa;
	struct sweep_hdr h;
	uint8_t icmp_type, icmp_code;
	uint16_t echo_id, echo_seq;
	int has_inner;
	struct sweep_hdr in;		/* the probe quoted by an ICMP error */
};

enum reply_kind {
	REPLY_NONE,			/* not ours, or not an answer */
	REPLY_OPEN,
	REPLY_CLOSED,
	REPLY_FILTERED,			/* ICMP unreachable other than port */
	REPLY_ALIVE,			/* echo reply */
};

/* 0 decoded, -1 truncated/malformed/unsupported. */
int sweep_decode(int dlt, const uint8_t *p, size_t len, struct sweep_pkt *out);

/*
 * For a decoded packet: REPLY_* and, for port answers, the probed target,
 * protocol and port.  new_tid (0-terminated, or NULL): UDP ports whose
 * servers answer from another port of their own (TFTP's transfer ID,
 * RFC 1350 section 4; sweep_conf.udp_new_tid).
 */
enum reply_kind sweep_classify(const struct cookie_key *k,
			       const struct sweep_pkt *pk, const uint16_t *new_tid,
			       struct addr *target, uint8_t *proto, uint16_t *port);

/* ICMP echo id and sequence for a ping to dst from src. */
void sweep_echo_ids(const struct cookie_key *k, const struct addr *src,
		    const struct addr *dst, uint16_t *id, uint16_t *seq);

#endif
