/*
 * reply.c - decoding and validating replies to sweep probes (reply.h).
 *
 * Every length comes from the packet and is checked against what was
 * captured through the bounded cursor; nothing here trusts a header
 * field.  Truncated and malformed packets are both "not ours" (-1): the
 * sweep only needs to know whether a packet is a valid answer.
 */
#include <pcap/dlt.h>
#include <string.h>

#include "reply.h"
#include "scanner/core/rd.h"

#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd
#define ET_ARP 0x0806
#define ET_VLAN 0x8100

static int
get_v4(struct rd *r, struct addr *a)
{
	uint32_t v;

	if (!rd_be32(r, &v))
		return 0;
	*a = addr_from_v4(v);
	return 1;
}

static int
get_v6(struct rd *r, struct addr *a)
{
	uint8_t b[16];

	if (!rd_copy(r, b, sizeof(b)))
		return 0;
	addr_from_v6(a, b);
	return 1;
}

/* Transport ports (and TCP seq/ack/flags when present). */
static int
transport(struct rd *r, struct sweep_hdr *h, int quoted)
{
	uint8_t off, flags;

	if (h->proto != 6 && h->proto != 17)
		return 1;
	if (!rd_be16(r, &h->sport) || !rd_be16(r, &h->dport))
		return 0;
	if (h->proto == 17)
		return 1;
	/* an ICMP error need only quote 8 bytes: ports and sequence */
	if (!rd_be32(r, &h->seq))
		return quoted ? 1 : 0;
	h->have_seq = 1;
	if (quoted)
		return 1;
	return rd_be32(r, &h->ack) && rd_u8(r, &off) && rd_u8(r, &flags) &&
	       (h->flags = flags, 1);
}

/* IPv4 header into h; *payload is the rest (bounded by total length). */
static int
ipv4(struct rd *r, struct sweep_hdr *h, struct rd *payload, int quoted)
{
	uint8_t vihl, tos, ttl;
	uint16_t tot, id, frag, sum;
	size_t hl;
	struct rd all = *r;

	if (!rd_u8(r, &vihl) || (vihl >> 4) != 4 || (vihl & 15) < 5)
		return 0;
	hl = (size_t)(vihl & 15) * 4;
	if (!rd_u8(r, &tos) || !rd_be16(r, &tot) || !rd_be16(r, &id) ||
	    !rd_be16(r, &frag) || !rd_u8(r, &ttl) || !rd_u8(r, &h->proto) ||
	    !rd_be16(r, &sum) || !get_v4(r, &h->src) || !get_v4(r, &h->dst))
		return 0;
	if ((frag & 0x1fff) != 0 || tot < hl)
		return 0;
	if (!rd_skip(&all, hl))
		return 0;
	/* a quoted header's total length may exceed what was quoted */
	if (!quoted && rd_left(&all) + hl >= tot)
		return rd_sub(&all, payload, tot - hl);
	*payload = all;
	return 1;
}

static int
ipv6(struct rd *r, struct sweep_hdr *h, struct rd *payload, int quoted)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t hlim;

	if (!rd_be32(r, &vtf) || (vtf >> 28) != 6 || !rd_be16(r, &plen) ||
	    !rd_u8(r, &h->proto) || !rd_u8(r, &hlim) ||
	    !get_v6(r, &h->src) || !get_v6(r, &h->dst))
		return 0;
	if (!quoted && rd_left(r) >= plen)
		return rd_sub(r, payload, plen);
	*payload = *r;
	return 1;
}

static int
icmp_body(struct rd *r, struct sweep_pkt *out, int v6)
{
	uint16_t sum;
	uint32_t unused;
	struct rd inner;
	int err_type;

	if (!rd_u8(r, &out->icmp_type) || !rd_u8(r, &out->icmp_code) ||
	    !rd_be16(r, &sum))
		return -1;
	err_type = v6 ? out->icmp_type == 1 : out->icmp_type == 3;
	if ((v6 && out->icmp_type == 129) || (!v6 && out->icmp_type == 0))
		return rd_be16(r, &out->echo_id) && rd_be16(r, &out->echo_seq) ?
		       0 : -1;
	if (!err_type || !rd_be32(r, &unused))
		return 0;
	if (!(v6 ? ipv6(r, &out->in, &inner, 1) : ipv4(r, &out->in, &inner, 1)))
		return -1;
	if (!transport(&inner, &out->in, 1))
		return -1;
	out->has_inner = 1;
	return 0;
}

static int
arp(struct rd *r, struct sweep_pkt *out)
{
	uint16_t htype, ptype;
	uint8_t hlen, plen;

	if (!rd_be16(r, &htype) || !rd_be16(r, &ptype) || !rd_u8(r, &hlen) ||
	    !rd_u8(r, &plen) || !rd_be16(r, &out->arp_op))
		return -1;
	if (htype != 1 || ptype != ET_IPV4 || hlen != 6 || plen != 4)
		return -1;
	if (!rd_copy(r, out->arp_sha, 6) || !get_v4(r, &out->arp_spa))
		return -1;
	out->is_arp = 1;
	return 0;
}

static int
network(uint16_t et, struct rd *r, struct sweep_pkt *out)
{
	struct rd pl;
	int v6 = et == ET_IPV6;

	if (et == ET_ARP)
		return arp(r, out);
	if (et != ET_IPV4 && et != ET_IPV6)
		return -1;
	if (!(v6 ? ipv6(r, &out->h, &pl, 0) : ipv4(r, &out->h, &pl, 0)))
		return -1;
	if ((!v6 && out->h.proto == 1) || (v6 && out->h.proto == 58))
		return icmp_body(&pl, out, v6);
	if (out->h.proto != 6 && out->h.proto != 17)
		return -1;
	return transport(&pl, &out->h, 0) ? 0 : -1;
}

/* Strip the link layer; *et is the ethertype of what follows. */
static int
link_layer(int dlt, struct rd *r, uint16_t *et)
{
	uint8_t v;

	switch (dlt) {
	case DLT_EN10MB:
		if (!rd_skip(r, 12) || !rd_be16(r, et))
			return -1;
		if (*et == ET_VLAN && (!rd_skip(r, 2) || !rd_be16(r, et)))
			return -1;
		return 0;
	case DLT_LINUX_SLL:
		return rd_skip(r, 14) && rd_be16(r, et) ? 0 : -1;
	case DLT_LINUX_SLL2:
		return rd_be16(r, et) && rd_skip(r, 18) ? 0 : -1;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (!rd_peek_u8(r, 0, &v))
			return -1;
		*et = (v >> 4) == 6 ? ET_IPV6 : ET_IPV4;
		return 0;
	default:
		return -1;
	}
}

int
sweep_decode(int dlt, const uint8_t *p, size_t len, struct sweep_pkt *out)
{
	struct rd r;
	uint16_t et;

	memset(out, 0, sizeof(*out));
	rd_init(&r, p, len);
	if (link_layer(dlt, &r, &et) < 0)
		return -1;
	return network(et, &r, out);
}

static enum reply_kind
classify_inner(const struct cookie_key *k, const struct sweep_pkt *pk,
	       struct addr *target, uint8_t *proto, uint16_t *port)
{
	const struct sweep_hdr *in = &pk->in;
	uint64_t tag;
	int v6 = !addr_is_v4(&in->dst);

	if (in->proto != 6 && in->proto != 17)
		return REPLY_NONE;
	tag = cookie_tag(k, &in->src, &in->dst, in->dport, in->proto);
	if (in->sport != cookie_sport(tag))
		return REPLY_NONE;
	if (in->proto == 6 && in->have_seq && in->seq != cookie_seq(tag))
		return REPLY_NONE;
	*target = in->dst;
	*proto = in->proto;
	*port = in->dport;
	if (in->proto == 17 && pk->icmp_code == (v6 ? 4 : 3))
		return REPLY_CLOSED;
	return REPLY_FILTERED;
}

void
sweep_echo_ids(const struct cookie_key *k, const struct addr *src,
	       const struct addr *dst, uint16_t *id, uint16_t *seq)
{
	uint64_t tag = cookie_tag(k, src, dst, 0, 1);

	*id = (uint16_t)(tag >> 16);
	*seq = (uint16_t)tag;
}

enum reply_kind
sweep_classify(const struct cookie_key *k, const struct sweep_pkt *pk,
	       const uint16_t *new_tid, struct addr *target, uint8_t *proto,
	       uint16_t *port)
{
	const struct sweep_hdr *h = &pk->h;
	uint64_t tag;

	if (pk->is_arp)
		return REPLY_NONE;
	if (h->proto == 1 || h->proto == 58) {
		uint16_t id, seq;

		if (pk->has_inner)
			return classify_inner(k, pk, target, proto, port);
		if (pk->icmp_type != (h->proto == 1 ? 0 : 129))
			return REPLY_NONE;
		sweep_echo_ids(k, &h->dst, &h->src, &id, &seq);
		if (pk->echo_id != id || pk->echo_seq != seq)
			return REPLY_NONE;
		*target = h->src;
		return REPLY_ALIVE;
	}
	tag = cookie_tag(k, &h->dst, &h->src, h->sport, h->proto);
	if (h->dport != cookie_sport(tag)) {
		/* TFTP answers from a new port of its own (the server's
		 * transfer ID, RFC 1350 section 4): a UDP datagram to the
		 * source port of our probe to such a port of that host is
		 * its answer */
		for (; h->proto == 17 && new_tid && *new_tid; new_tid++) {
			if (h->sport == *new_tid)
				continue;
			tag = cookie_tag(k, &h->dst, &h->src, *new_tid, 17);
			if (h->dport != cookie_sport(tag))
				continue;
			*target = h->src;
			*proto = 17;
			*port = *new_tid;
			return REPLY_OPEN;
		}
		return REPLY_NONE;
	}
	*target = h->src;
	*proto = h->proto;
	*port = h->sport;
	if (h->proto == 17)
		return REPLY_OPEN;
	if (!h->have_seq || h->ack != cookie_seq(tag) + 1)
		return REPLY_NONE;
	if ((h->flags & 0x12) == 0x12)		/* SYN+ACK */
		return REPLY_OPEN;
	if (h->flags & 0x04)			/* RST */
		return REPLY_CLOSED;
	return REPLY_NONE;
}
