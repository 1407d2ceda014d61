/*
 * test_decode.c - decode_packet() on hand-built frames: every supported
 * link type, VLAN/QinQ, IPv6 extension headers, fragments, ARP, and every
 * truncation of a full frame (which must report DEC_TRUNCATED or stop
 * cleanly, never read past the end).  Also runs the pcap regression list
 * (tests/pcap/run.sh) against the built binary.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/capture/decode.h"

static size_t
put_eth(uint8_t *b, uint16_t type)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t src[6] = { 2, 0, 0, 0, 1, 0x10 };

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	return 14;
}

/* IPv4 198.18.32.10 -> 203.0.113.80, proto, total length 20 + plen. */
static size_t
put_ip4(uint8_t *b, uint8_t proto, size_t plen, uint16_t frag)
{
	static const uint8_t h[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 0, 0, 0,
				       198, 18, 32, 10, 203, 0, 113, 80 };

	memcpy(b, h, 20);
	b[2] = (uint8_t)((20 + plen) >> 8);
	b[3] = (uint8_t)(20 + plen);
	b[6] = (uint8_t)(frag >> 8);
	b[7] = (uint8_t)frag;
	b[9] = proto;
	return 20;
}

static size_t
put_tcp(uint8_t *b, uint16_t sp, uint16_t dp, uint8_t flags)
{
	memset(b, 0, 20);
	b[0] = (uint8_t)(sp >> 8), b[1] = (uint8_t)sp;
	b[2] = (uint8_t)(dp >> 8), b[3] = (uint8_t)dp;
	b[12] = 0x50;
	b[13] = flags;
	return 20;
}

static size_t
eth_tcp(uint8_t *b, const char *payload)
{
	size_t n = put_eth(b, 0x0800), pl = strlen(payload);

	n += put_ip4(b + n, 6, 20 + pl, 0);
	n += put_tcp(b + n, 40000, 443, TCPF_SYN);
	memcpy(b + n, payload, pl);
	return n + pl;
}

Test(decode, ethernet_ipv4_tcp)
{
	uint8_t b[128];
	size_t n = eth_tcp(b, "hello");
	struct pkt_meta m;
	char buf[ADDR_STRLEN];

	cr_assert_eq(decode_packet(DECODE_DLT_EN10MB, b, n, &m), DEC_OK);
	cr_assert_eq(m.ipver, 4);
	cr_assert_eq(m.proto, DECODE_TCP);
	cr_assert_str_eq(addr_fmt(&m.src, buf), "198.18.32.10");
	cr_assert_str_eq(addr_fmt(&m.dst, buf), "203.0.113.80");
	cr_assert_eq(m.sport, 40000);
	cr_assert_eq(m.dport, 443);
	cr_assert_eq(m.tcp_flags, TCPF_SYN);
	cr_assert(m.flags & PKT_L2);
	cr_assert_eq(m.src_mac[5], 0x10);
	cr_assert_eq(m.payload_len, 5);
	cr_assert_eq(memcmp(m.payload, "hello", 5), 0);
}

Test(decode, ethernet_padding_is_not_payload)
{
	uint8_t b[128];
	size_t n = eth_tcp(b, "");
	struct pkt_meta m;

	memset(b + n, 0xee, 6);	/* frame padded to the Ethernet minimum */
	cr_assert_eq(decode_packet(DECODE_DLT_EN10MB, b, n + 6, &m), DEC_OK);
	cr_assert_eq(m.payload_len, 0);
}

Test(decode, every_truncation_is_safe)
{
	uint8_t b[128];
	size_t n = eth_tcp(b, "payload");
	struct pkt_meta m;

	for (size_t cut = 0; cut < n; cut++) {
		/* A heap copy of exactly cut bytes, so ASan sees overreads. */
		uint8_t *p = malloc(cut ? cut : 1);
		memcpy(p, b, cut);
		enum decode_status st = decode_packet(DECODE_DLT_EN10MB, p, cut, &m);
		if (cut < 14 + 20 + 20)
			cr_assert_eq(st, DEC_TRUNCATED, "cut at %zu", cut);
		else
			cr_assert_eq(st, DEC_OK, "cut at %zu", cut);
		free(p);
	}
}

Test(decode, vlan_and_qinq)
{
	uint8_t b[128], f[160];
	size_t n = eth_tcp(b, "x");
	struct pkt_meta m;

	/* 802.1ad outer VID 100, 802.1Q inner VID 20 */
	memcpy(f, b, 12);
	memcpy(f + 12, "\x88\xa8\x00\x64\x81\x00\x00\x14", 8);
	memcpy(f + 20, b + 12, n - 12);
	cr_assert_eq(decode_packet(DECODE_DLT_EN10MB, f, n + 8, &m), DEC_OK);
	cr_assert_eq(m.nvlan, 2);
	cr_assert_eq(m.vlan[0], 100);
	cr_assert_eq(m.vlan[1], 20);
	cr_assert_eq(m.dport, 443);
}

Test(decode, sll_and_sll2)
{
	uint8_t b[128], f[160];
	size_t n = eth_tcp(b, "x") - 14;
	struct pkt_meta m;

	/* SLL: type 0, ARPHRD_ETHER, addr len 6, addr, protocol 0x0800 */
	memset(f, 0, 16);
	f[3] = 1, f[5] = 6, f[6] = 0xaa, f[14] = 0x08;
	memcpy(f + 16, b + 14, n);
	cr_assert_eq(decode_packet(DECODE_DLT_LINUX_SLL, f, n + 16, &m), DEC_OK);
	cr_assert(m.flags & PKT_SRC_MAC);
	cr_assert_not(m.flags & PKT_L2);
	cr_assert_eq(m.src_mac[0], 0xaa);
	cr_assert_eq(m.dport, 443);
	/* SLL2: protocol first, ARPHRD at 8, addr len at 11, addr at 12 */
	memset(f, 0, 20);
	f[0] = 0x08, f[9] = 1, f[11] = 6, f[12] = 0xbb;
	memcpy(f + 20, b + 14, n);
	cr_assert_eq(decode_packet(DECODE_DLT_LINUX_SLL2, f, n + 20, &m), DEC_OK);
	cr_assert_eq(m.src_mac[0], 0xbb);
	cr_assert_eq(m.dport, 443);
}

Test(decode, raw_null_loop)
{
	uint8_t b[128], f[160];
	size_t n = eth_tcp(b, "x") - 14;
	struct pkt_meta m;

	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b + 14, n, &m), DEC_OK);
	cr_assert_eq(m.ipver, 4);
	cr_assert_eq(decode_packet(DECODE_DLT_IPV4, b + 14, n, &m), DEC_OK);
	cr_assert_eq(decode_packet(DECODE_DLT_IPV6, b + 14, n, &m), DEC_INVALID);
	/* DLT_NULL in little-endian host order, DLT_LOOP in network order */
	memcpy(f, "\x02\x00\x00\x00", 4);
	memcpy(f + 4, b + 14, n);
	cr_assert_eq(decode_packet(DECODE_DLT_NULL, f, n + 4, &m), DEC_OK);
	cr_assert_eq(m.dport, 443);
	memcpy(f, "\x00\x00\x00\x02", 4);
	cr_assert_eq(decode_packet(DECODE_DLT_LOOP, f, n + 4, &m), DEC_OK);
	cr_assert_eq(decode_packet(DECODE_DLT_NULL, f, n + 4, &m), DEC_OK);
	memcpy(f, "\x00\x00\x00\x07", 4);
	cr_assert_eq(decode_packet(DECODE_DLT_LOOP, f, n + 4, &m), DEC_UNSUPPORTED);
	cr_assert_eq(decode_packet(105, f, n + 4, &m), DEC_UNSUPPORTED);
	cr_assert_not(decode_supported(105));
	cr_assert(decode_supported(DECODE_DLT_LINUX_SLL2));
}

/* IPv6 with hop-by-hop and fragment headers, then UDP. */
static size_t
ip6_ext(uint8_t *b, uint16_t fragoff, int more)
{
	size_t n = 0;

	memset(b, 0, 40);
	b[0] = 0x60;
	b[4] = 0, b[5] = 8 + 8 + 8 + 4;	/* payload length */
	b[6] = 0;			/* hop-by-hop */
	b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = 1;
	b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = 2;
	n = 40;
	memset(b + n, 0, 8);
	b[n] = 44;			/* next: fragment */
	n += 8;
	memset(b + n, 0, 8);
	b[n] = 17;
	b[n + 2] = (uint8_t)((fragoff << 3) >> 8);
	b[n + 3] = (uint8_t)((fragoff << 3) | (more ? 1 : 0));
	n += 8;
	memcpy(b + n, "\x9c\x40\x11\x94\x00\x0c\x00\x00wxyz", 12);
	return n + 12;
}

Test(decode, ipv6_extension_headers_and_fragments)
{
	uint8_t b[128];
	struct pkt_meta m;
	size_t n = ip6_ext(b, 0, 1);

	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, n, &m), DEC_OK);
	cr_assert_eq(m.ipver, 6);
	cr_assert_eq(m.proto, DECODE_UDP);
	cr_assert_eq(m.sport, 40000);
	cr_assert_eq(m.dport, 4500);
	cr_assert(m.flags & PKT_FRAG);
	cr_assert_not(m.flags & PKT_FRAG_LATER);
	cr_assert_eq(m.payload_len, 4);
	n = ip6_ext(b, 5, 0);
	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, n, &m), DEC_OK);
	cr_assert(m.flags & PKT_FRAG_LATER);
	cr_assert_not(m.flags & PKT_PORTS);
}

Test(decode, ipv4_fragments_and_invalid_headers)
{
	uint8_t b[128];
	struct pkt_meta m;
	size_t n = put_ip4(b, 17, 8, 0x2000);

	memcpy(b + n, "\x9c\x40\x00\x35\x00\x08\x00\x00", 8);
	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, n + 8, &m), DEC_OK);
	cr_assert(m.flags & PKT_FRAG);
	cr_assert_eq(m.dport, 53);
	put_ip4(b, 17, 8, 0x0003);	/* offset 24: a later fragment */
	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, n + 8, &m), DEC_OK);
	cr_assert(m.flags & PKT_FRAG_LATER);
	put_ip4(b, 17, 8, 0);
	b[0] = 0x44;			/* IHL 4 < 5 */
	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, n + 8, &m), DEC_INVALID);
	put_ip4(b, 17, 8, 0);
	b[2] = 0, b[3] = 10;		/* total length below the header */
	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, n + 8, &m), DEC_INVALID);
	put_ip4(b, 6, 20, 0);
	put_tcp(b + 20, 1, 2, 0);
	b[32] = 0x30;			/* TCP data offset 3 */
	cr_assert_eq(decode_packet(DECODE_DLT_RAW, b, 40, &m), DEC_INVALID);
}

Test(decode, arp_reply)
{
	uint8_t f[64];
	struct pkt_meta m;
	char buf[ADDR_STRLEN];
	size_t n = put_eth(f, 0x0806);

	memcpy(f + n, "\x00\x01\x08\x00\x06\x04\x00\x02"
		      "\x02\x00\x00\x00\x00\x01\xc6\x12\x20\x01"
		      "\x02\x00\x00\x00\x01\x10\xc6\x12\x20\x0a", 28);
	cr_assert_eq(decode_packet(DECODE_DLT_EN10MB, f, n + 28, &m), DEC_OK);
	cr_assert(m.flags & PKT_ARP);
	cr_assert_eq(m.arp_op, 2);
	cr_assert_str_eq(addr_fmt(&m.arp_spa, buf), "198.18.32.1");
	cr_assert_eq(m.arp_sha[5], 1);
	cr_assert_eq(m.ipver, 0);
}

Test(decode, vlan_tag_storm_stops)
{
	uint8_t f[14 + 4 * 20];
	struct pkt_meta m;

	put_eth(f, 0x8100);
	for (int i = 0; i < 20; i++)
		memcpy(f + 14 + 4 * i, "\x00\x01\x81\x00", 4);
	cr_assert_eq(decode_packet(DECODE_DLT_EN10MB, f, sizeof(f), &m),
		     DEC_UNSUPPORTED);
	cr_assert_eq(m.vlan[0], 1);
}

Test(pcap_regress, testlist)
{
	const char *src = getenv("HEIIKI_SRCDIR"), *bin = getenv("HEIIKI");
	char cmd[2048];

	if (!src || !bin)
		cr_skip_test("HEIIKI_SRCDIR/HEIIKI not set (run through make unit)");
	snprintf(cmd, sizeof(cmd), "HEIIKI='%s' bash '%s/tests/pcap/run.sh' >&2",
		 bin, src);
	cr_assert_eq(system(cmd), 0, "tests/pcap/run.sh reported differences");
}
