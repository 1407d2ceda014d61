/*
 * gen_flows.c - deterministic synthetic capture for bench_capture.sh.
 *
 *   gen_flows OUT.pcap PACKETS CONCURRENT PKTS_PER_FLOW
 *
 * Writes a classic pcap (Ethernet) of PACKETS TCP frames.  CONCURRENT
 * flows are open at any time, served round-robin; each flow is a SYN, a
 * SYN-ACK, then data segments alternating direction, PKTS_PER_FLOW frames
 * in all, after which a fresh flow takes its place.  Internal clients are
 * 4096 addresses of 198.18.0.0/15 behind one gateway MAC, servers are 200
 * addresses of 203.0.113.0/24; client ports make every flow distinct.
 * Timestamps advance 1 us per frame.  No randomness: the same arguments
 * give the same file.  Written for the benchmark only (not a test).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME 74	/* 14 Ethernet + 20 IPv4 + 20 TCP + 20 payload */

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void
frame(uint8_t *f, uint64_t id, unsigned seq, int from_client)
{
	static const uint8_t host[6] = { 2, 0, 0, 0, 1, 0 };
	static const uint8_t gw[6] = { 2, 0, 0, 0, 0, 1 };
	uint32_t cli = 0xc6120000u + (uint32_t)(id % 4096);	/* 198.18/16 */
	uint32_t srv = 0xcb007100u + (uint32_t)(id % 200);	/* 203.0.113 */
	unsigned sport = 1024 + (unsigned)((id / 4096) % 64000);
	uint8_t flags = seq == 0 ? 0x02 : seq == 1 ? 0x12 : 0x18;

	memset(f, 0, FRAME);
	memcpy(f, from_client ? gw : host, 6);
	memcpy(f + 6, from_client ? host : gw, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, FRAME - 14);
	f[22] = 64;
	f[23] = 6;
	put32(f + 26, from_client ? cli : srv);
	put32(f + 30, from_client ? srv : cli);
	put16(f + 34, from_client ? sport : 443);
	put16(f + 36, from_client ? 443 : sport);
	put32(f + 38, seq);
	f[46] = 0x50;
	f[47] = flags;
	put16(f + 48, 65535);
	f[54] = 0x17;	/* TLS application data look-alike */
	f[55] = 3;
	f[56] = 3;
}

int
main(int argc, char **argv)
{
	uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	uint8_t rec[16], f[FRAME];
	uint64_t n, conc, per, *flow_id, next_id = 0;
	unsigned *flow_seq;
	FILE *out;

	if (argc != 5) {
		fprintf(stderr, "usage: gen_flows OUT PACKETS CONCURRENT PKTS_PER_FLOW\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	conc = strtoull(argv[3], NULL, 10);
	per = strtoull(argv[4], NULL, 10);
	if (!n || !conc || per < 2 || !(out = fopen(argv[1], "wb")))
		return 2;
	hdr[16] = 0xff, hdr[17] = 0xff;	/* snaplen 65535 */
	hdr[20] = 1;			/* Ethernet */
	fwrite(hdr, 1, sizeof(hdr), out);
	flow_id = calloc(conc, sizeof(*flow_id));
	flow_seq = calloc(conc, sizeof(*flow_seq));
	if (!flow_id || !flow_seq)
		return 3;
	for (uint64_t i = 0; i < conc; i++)
		flow_id[i] = next_id++;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s = i % conc;
		uint64_t us = i + 1;

		if (flow_seq[s] == per) {
			flow_id[s] = next_id++;
			flow_seq[s] = 0;
		}
		frame(f, flow_id[s], flow_seq[s], flow_seq[s] % 2 == 0);
		flow_seq[s]++;
		memcpy(rec, &(uint32_t){ (uint32_t)(1763769600u + us / 1000000) }, 4);
		memcpy(rec + 4, &(uint32_t){ (uint32_t)(us % 1000000) }, 4);
		memcpy(rec + 8, &(uint32_t){ FRAME }, 4);
		memcpy(rec + 12, &(uint32_t){ FRAME }, 4);
		fwrite(rec, 1, sizeof(rec), out);
		fwrite(f, 1, FRAME, out);
	}
	free(flow_id);
	free(flow_seq);
	return fclose(out) == 0 ? 0 : 1;
}
