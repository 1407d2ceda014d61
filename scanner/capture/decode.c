/*
 * decode.c - one frame to struct pkt_meta (see decode.h).
 *
 * Each layer takes a fixed-size header with rd_bytes() - after that call
 * succeeds the returned pointer is known to hold that many captured bytes,
 * so the fields are read from it directly - and then narrows the cursor to
 * the length its own header claims (IPv4 total length, IPv6 payload length,
 * UDP length) so that Ethernet padding is never mistaken for payload.  A
 * claimed length larger than what was captured is normal (snaplen) and only
 * limits the cursor to the captured bytes.
 *
 * References: IEEE 802.1Q (tags 0x8100, 0x88a8, 0x9100); the Linux cooked
 * headers in libpcap's pcap/sll.h; RFC 791, RFC 8200 section 4 (extension
 * header order and lengths), RFC 9293, RFC 768, RFC 826 (ARP).
 */
#include <string.h>

#include "scanner/core/rd.h"
#include "decode.h"

#define ETH_IPV4 0x0800
#define ETH_ARP 0x0806
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_QINQ_OLD1 0x9100
#define ETH_QINQ_OLD2 0x9200
#define ETH_MPLS 0x8847
#define ETH_MPLS_MC 0x8848
#define ETH_PPPOE 0x8864

#define MAX_VLAN_DEPTH 8
#define MAX_MPLS_DEPTH 8
#define MAX_IP6_EXT 16

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

const char *
decode_status_name(enum decode_status s)
{
	switch (s) {
	case DEC_OK:
		return "ok";
	case DEC_TRUNCATED:
		return "truncated";
	case DEC_INVALID:
		return "invalid";
	case DEC_UNSUPPORTED:
		return "unsupported";
	}
	return "?";
}

int
decode_supported(int dlt)
{
	switch (dlt) {
	case DECODE_DLT_NULL:
	case DECODE_DLT_EN10MB:
	case DECODE_DLT_RAW:
	case DECODE_DLT_RAW_OPENBSD:
	case DECODE_DLT_LOOP:
	case DECODE_DLT_LINUX_SLL:
	case DECODE_DLT_IPV4:
	case DECODE_DLT_IPV6:
	case DECODE_DLT_LINUX_SLL2:
		return 1;
	}
	return 0;
}

static enum decode_status
decode_tcp(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;
	size_t hlen;

	if (!rd_bytes(r, &h, 20))
		return DEC_TRUNCATED;
	m->sport = be16(h);
	m->dport = be16(h + 2);
	m->tcp_flags = h[13];
	m->flags |= PKT_PORTS;
	hlen = (size_t)(h[12] >> 4) * 4;
	if (hlen < 20)
		return DEC_INVALID;
	if (!rd_skip(r, hlen - 20))
		return DEC_TRUNCATED;
	m->payload = rd_ptr(r);
	m->payload_len = rd_left(r);
	return DEC_OK;
}

static enum decode_status
decode_udp(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;
	uint16_t ulen;

	if (!rd_bytes(r, &h, 8))
		return DEC_TRUNCATED;
	m->sport = be16(h);
	m->dport = be16(h + 2);
	m->flags |= PKT_PORTS;
	ulen = be16(h + 4);
	m->payload = rd_ptr(r);
	m->payload_len = rd_left(r);
	/* Length 0 is legal for jumbograms; otherwise it bounds the payload. */
	if (ulen != 0) {
		if (ulen < 8)
			return DEC_INVALID;
		if ((size_t)ulen - 8 < m->payload_len)
			m->payload_len = (size_t)ulen - 8;
	}
	return DEC_OK;
}

static enum decode_status
decode_l4(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;

	if (m->flags & PKT_FRAG_LATER)
		return DEC_OK;
	switch (m->proto) {
	case DECODE_TCP:
		return decode_tcp(r, m);
	case DECODE_UDP:
		return decode_udp(r, m);
	case DECODE_ICMP:
	case DECODE_ICMP6:
		if (!rd_bytes(r, &h, 4))
			return DEC_TRUNCATED;
		m->sport = h[0];
		m->dport = h[1];
		m->payload = rd_ptr(r);
		m->payload_len = rd_left(r);
		return DEC_OK;
	}
	m->payload = rd_ptr(r);
	m->payload_len = rd_left(r);
	return DEC_OK;
}

/* Narrow r to at most n bytes (the length a header claims). */
static void
rd_cap(struct rd *r, size_t n)
{
	if (n < r->len)
		r->len = n;
}

static enum decode_status
decode_ipv4(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;
	size_t ihl, tot;
	uint16_t frag;

	if (!rd_bytes(r, &h, 20))
		return DEC_TRUNCATED;
	if ((h[0] >> 4) != 4)
		return DEC_INVALID;
	m->ipver = 4;
	m->l3 = h;
	m->l3_len = 20 + rd_left(r);
	ihl = (size_t)(h[0] & 0x0f) * 4;
	tot = be16(h + 2);
	m->proto = h[9];
	m->src = addr_from_v4(be32(h + 12));
	m->dst = addr_from_v4(be32(h + 16));
	if (ihl < 20)
		return DEC_INVALID;
	/* Total length 0 is seen with TCP segmentation offload: use what
	 * was captured. */
	if (tot != 0 && tot < ihl)
		return DEC_INVALID;
	m->ip_len = tot ? (uint32_t)tot : (uint32_t)(rd_left(r) + 20);
	if (!rd_skip(r, ihl - 20))
		return DEC_TRUNCATED;
	if (tot)
		rd_cap(r, tot - ihl);
	frag = be16(h + 6);
	if (frag & 0x1fff)
		m->flags |= PKT_FRAG | PKT_FRAG_LATER;
	else if (frag & 0x2000)
		m->flags |= PKT_FRAG;
	return decode_l4(r, m);
}

static enum decode_status
decode_ipv6_ext(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;
	uint8_t nh = m->proto;

	for (int i = 0; i < MAX_IP6_EXT; i++) {
		switch (nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
		case 139:	/* HIP */
		case 140:	/* shim6 */
			if (!rd_bytes(r, &h, 2))
				return DEC_TRUNCATED;
			nh = h[0];
			if (!rd_skip(r, (size_t)h[1] * 8 + 6))
				return DEC_TRUNCATED;
			break;
		case 44:	/* fragment */
			if (!rd_bytes(r, &h, 8))
				return DEC_TRUNCATED;
			nh = h[0];
			m->flags |= PKT_FRAG;
			if (be16(h + 2) & 0xfff8)
				m->flags |= PKT_FRAG_LATER;
			break;
		case 51:	/* authentication header */
			if (!rd_bytes(r, &h, 2))
				return DEC_TRUNCATED;
			nh = h[0];
			if (!rd_skip(r, (size_t)h[1] * 4 + 6))
				return DEC_TRUNCATED;
			break;
		default:
			m->proto = nh;
			return DEC_OK;
		}
		m->proto = nh;
	}
	return DEC_INVALID;	/* absurd chain of extension headers */
}

static enum decode_status
decode_ipv6(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;
	enum decode_status st;
	size_t plen;

	if (!rd_bytes(r, &h, 40))
		return DEC_TRUNCATED;
	if ((h[0] >> 4) != 6)
		return DEC_INVALID;
	m->ipver = 6;
	m->l3 = h;
	m->l3_len = 40 + rd_left(r);
	plen = be16(h + 4);
	m->proto = h[6];
	addr_from_v6(&m->src, h + 8);
	addr_from_v6(&m->dst, h + 24);
	m->ip_len = plen ? (uint32_t)(plen + 40) : (uint32_t)(rd_left(r) + 40);
	if (plen)
		rd_cap(r, plen);
	st = decode_ipv6_ext(r, m);
	if (st != DEC_OK)
		return st;
	return decode_l4(r, m);
}

static enum decode_status
decode_arp(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;

	/* Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4. */
	if (!rd_bytes(r, &h, 28))
		return DEC_TRUNCATED;
	if (be16(h) != 1 || be16(h + 2) != ETH_IPV4 || h[4] != 6 || h[5] != 4)
		return DEC_UNSUPPORTED;
	m->flags |= PKT_ARP;
	m->arp_op = be16(h + 6);
	memcpy(m->arp_sha, h + 8, 6);
	m->arp_spa = addr_from_v4(be32(h + 14));
	m->arp_tpa = addr_from_v4(be32(h + 24));
	return DEC_OK;
}

/* Guess IPv4/IPv6 from the version nibble (MPLS payload, raw IP). */
static enum decode_status
decode_ip_any(struct rd *r, struct pkt_meta *m)
{
	uint8_t v;

	if (!rd_peek_u8(r, 0, &v))
		return DEC_TRUNCATED;
	if ((v >> 4) == 4)
		return decode_ipv4(r, m);
	if ((v >> 4) == 6)
		return decode_ipv6(r, m);
	return DEC_UNSUPPORTED;
}

static enum decode_status decode_ethertype(struct rd *r, struct pkt_meta *m,
					   uint16_t type);

static enum decode_status
decode_mpls(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;

	for (int i = 0; i < MAX_MPLS_DEPTH; i++) {
		if (!rd_bytes(r, &h, 4))
			return DEC_TRUNCATED;
		if (h[2] & 0x01)	/* bottom of stack */
			return decode_ip_any(r, m);
	}
	return DEC_UNSUPPORTED;
}

static enum decode_status
decode_pppoe(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;

	/* ver/type, code, session id, length, PPP protocol */
	if (!rd_bytes(r, &h, 8))
		return DEC_TRUNCATED;
	if (be16(h + 4) >= 2)
		rd_cap(r, (size_t)be16(h + 4) - 2);
	switch (be16(h + 6)) {
	case 0x0021:
		return decode_ipv4(r, m);
	case 0x0057:
		return decode_ipv6(r, m);
	}
	return DEC_UNSUPPORTED;
}

static enum decode_status
decode_ethertype(struct rd *r, struct pkt_meta *m, uint16_t type)
{
	const uint8_t *h;

	for (int depth = 0; depth < MAX_VLAN_DEPTH; depth++) {
		m->ethertype = type;
		switch (type) {
		case ETH_VLAN:
		case ETH_QINQ:
		case ETH_QINQ_OLD1:
		case ETH_QINQ_OLD2:
			if (!rd_bytes(r, &h, 4))
				return DEC_TRUNCATED;
			if (m->nvlan < DECODE_MAX_VLANS)
				m->vlan[m->nvlan] = be16(h) & 0x0fff;
			if (m->nvlan < 255)
				m->nvlan++;
			type = be16(h + 2);
			continue;
		case ETH_IPV4:
			return decode_ipv4(r, m);
		case ETH_IPV6:
			return decode_ipv6(r, m);
		case ETH_ARP:
			return decode_arp(r, m);
		case ETH_MPLS:
		case ETH_MPLS_MC:
			return decode_mpls(r, m);
		case ETH_PPPOE:
			return decode_pppoe(r, m);
		}
		return DEC_UNSUPPORTED;
	}
	return DEC_UNSUPPORTED;
}

static enum decode_status
decode_ether(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;
	uint16_t type;

	if (!rd_bytes(r, &h, 14))
		return DEC_TRUNCATED;
	memcpy(m->dst_mac, h, 6);
	memcpy(m->src_mac, h + 6, 6);
	m->flags |= PKT_L2 | PKT_SRC_MAC;
	type = be16(h + 12);
	if (type < 0x0600)	/* 802.3 length: LLC/SNAP, not decoded */
		return DEC_UNSUPPORTED;
	return decode_ethertype(r, m, type);
}

static enum decode_status
decode_sll(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;

	/* packet type, ARPHRD type, address length, address[8], protocol */
	if (!rd_bytes(r, &h, 16))
		return DEC_TRUNCATED;
	/* SLL carries only the source link address. */
	if (be16(h + 2) == 1 && be16(h + 4) == 6) {
		memcpy(m->src_mac, h + 6, 6);
		m->flags |= PKT_SRC_MAC;
	}
	return decode_ethertype(r, m, be16(h + 14));
}

static enum decode_status
decode_sll2(struct rd *r, struct pkt_meta *m)
{
	const uint8_t *h;

	/* protocol, reserved, ifindex, ARPHRD type, packet type,
	 * address length, address[8] */
	if (!rd_bytes(r, &h, 20))
		return DEC_TRUNCATED;
	if (be16(h + 8) == 1 && h[11] == 6) {
		memcpy(m->src_mac, h + 12, 6);
		m->flags |= PKT_SRC_MAC;
	}
	return decode_ethertype(r, m, be16(h));
}

static enum decode_status
decode_null(struct rd *r, struct pkt_meta *m, int dlt)
{
	const uint8_t *h;
	uint32_t fam;

	if (!rd_bytes(r, &h, 4))
		return DEC_TRUNCATED;
	/* DLT_LOOP is network order; DLT_NULL is the writer's host order,
	 * so accept either. */
	fam = be32(h);
	if (dlt == DECODE_DLT_NULL && (fam & 0xffff) == 0)
		fam = ((uint32_t)h[3] << 24) | ((uint32_t)h[2] << 16) |
		      ((uint32_t)h[1] << 8) | h[0];
	switch (fam) {
	case 2:
		return decode_ipv4(r, m);
	case 10:	/* Linux */
	case 24:	/* NetBSD, OpenBSD */
	case 28:	/* FreeBSD */
	case 30:	/* macOS */
		return decode_ipv6(r, m);
	}
	return DEC_UNSUPPORTED;
}

enum decode_status
decode_packet(int dlt, const uint8_t *data, size_t caplen, struct pkt_meta *m)
{
	struct rd r;

	memset(m, 0, sizeof(*m));
	rd_init(&r, data, caplen);
	switch (dlt) {
	case DECODE_DLT_EN10MB:
		return decode_ether(&r, m);
	case DECODE_DLT_LINUX_SLL:
		return decode_sll(&r, m);
	case DECODE_DLT_LINUX_SLL2:
		return decode_sll2(&r, m);
	case DECODE_DLT_RAW:
	case DECODE_DLT_RAW_OPENBSD:
		return decode_ip_any(&r, m);
	case DECODE_DLT_IPV4:
		return decode_ipv4(&r, m);
	case DECODE_DLT_IPV6:
		return decode_ipv6(&r, m);
	case DECODE_DLT_NULL:
	case DECODE_DLT_LOOP:
		return decode_null(&r, m, dlt);
	}
	return DEC_UNSUPPORTED;
}
