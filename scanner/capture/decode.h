/*
 * decode.h - link layer to transport: one captured frame into struct pkt_meta.
 *
 * decode_packet() walks a frame with the bounded cursor (scanner/core/rd.h)
 * and fills a small fixed struct: L2 addresses and VLAN tags, IP addresses,
 * transport ports and flags, and a pointer/length pair for the transport
 * payload (zero-copy: it points into the caller's frame buffer, never past
 * what was captured).  Nothing is allocated.  Link types handled: Ethernet
 * (with 802.1Q/802.1ad/QinQ tags), Linux cooked SLL and SLL2, raw IP
 * (DLT_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6) and BSD null/loopback.  IPv4 and
 * IPv6 (with extension headers), TCP, UDP, ICMP, ICMPv6, and ARP.
 *
 * The result says how far decoding got: DEC_TRUNCATED means the capture
 * ended inside a header (snaplen), DEC_INVALID that a header lies about
 * itself, DEC_UNSUPPORTED that the link type or network protocol is not
 * one we decode.  The fields filled before the stop remain valid.
 */
#ifndef HEIIKI_DECODE_H
#define HEIIKI_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"

enum decode_status { DEC_OK, DEC_TRUNCATED, DEC_INVALID, DEC_UNSUPPORTED };

/* Link-type numbers as libpcap's pcap_datalink() reports them. */
#define DECODE_DLT_NULL 0
#define DECODE_DLT_EN10MB 1
#define DECODE_DLT_RAW 12		/* LINKTYPE_RAW (101) is mapped to this */
#define DECODE_DLT_RAW_OPENBSD 14
#define DECODE_DLT_LOOP 108
#define DECODE_DLT_LINUX_SLL 113
#define DECODE_DLT_IPV4 228
#define DECODE_DLT_IPV6 229
#define DECODE_DLT_LINUX_SLL2 276

/* Transport protocols (IP protocol numbers). */
#define DECODE_ICMP 1
#define DECODE_TCP 6
#define DECODE_UDP 17
#define DECODE_ESP 50
#define DECODE_ICMP6 58

/* TCP flag bits as on the wire. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

/* pkt_meta.flags */
#define PKT_L2 0x01		/* src_mac/dst_mac are valid */
#define PKT_FRAG 0x02		/* an IP fragment (first or later) */
#define PKT_FRAG_LATER 0x04	/* not the first fragment: no L4 header */
#define PKT_PORTS 0x08		/* sport/dport are valid */
#define PKT_ARP 0x10		/* an ARP packet: arp_* fields valid */
#define PKT_SRC_MAC 0x20	/* src_mac valid (also set with PKT_L2) */

#define DECODE_MAX_VLANS 2

struct pkt_meta {
	uint32_t flags;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan[DECODE_MAX_VLANS];	/* outer first; 12-bit VID */
	uint8_t nvlan;				/* tags seen (may exceed 2) */
	uint8_t ipver;				/* 0, 4 or 6 */
	uint8_t proto;				/* IP protocol of the payload */
	uint8_t tcp_flags;
	uint16_t ethertype;			/* innermost ethertype */
	uint16_t sport, dport;			/* ICMP: type and code */
	struct addr src, dst;
	uint32_t ip_len;			/* IP length claimed by header */
	const uint8_t *l3;			/* IP header (captured part), or NULL */
	size_t l3_len;				/* captured bytes from l3, <= ip_len */
	const uint8_t *payload;			/* transport payload (captured part) */
	size_t payload_len;
	/* ARP (Ethernet/IPv4 only) */
	uint16_t arp_op;
	uint8_t arp_sha[6];
	struct addr arp_spa, arp_tpa;
};

/* 1 when decode_packet() knows the link type. */
int decode_supported(int dlt);
/* Decode one frame of link type dlt; m is fully reset first. */
enum decode_status decode_packet(int dlt, const uint8_t *data, size_t caplen,
				 struct pkt_meta *m);
const char *decode_status_name(enum decode_status s);

#endif
