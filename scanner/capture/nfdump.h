/*
 * nfdump.h - `heiiki capture --nfdump DIR`: flow records that nfcapd
 * collected from routers (NetFlow v9 / IPFIX), read through nfdump's own
 * reader, into the same flow table, exits, peers and findings as a pcap.
 *
 * The nfcapd files are never parsed here: the `nfdump` program reads them
 * (`nfdump -R DIR -q -o json`, TZ=UTC, started with an argv, never a
 * shell) and its standard output is cut into one JSON object per record
 * by a small framer that holds at most one object (NFD_MAX_OBJECT bytes),
 * so memory stays fixed however many files DIR holds.  Each object is
 * turned into a struct nfd_rec by nfd_parse_record(); capture_flow_record()
 * (capture.h) folds it into the flow table.  The JSON does not say which
 * protocol an exporter speaks: one short run per exporter, `nfdump -R DIR
 * -c 1 -o fmt:%nfv "router ip ADDR"`, prints the version of its first
 * record (nfd_parse_version()).
 *
 * The parsers take untrusted bytes (the files come from the network) and
 * are pure: bytes in, fields out (tests/fuzz/fuzz_nfdump.c).
 */
#ifndef HEIIKI_NFDUMP_H
#define HEIIKI_NFDUMP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"
#include "flow.h"

#define NFD_MAX_OBJECT 16384	/* one record as nfdump prints it: ~1.2 KB */

/* One nfdump record, converted. */
struct nfd_rec {
	struct flow_urec u;	/* the forward direction (nh not set) */
	uint64_t rev_pkts, rev_bytes;	/* bidirectional IPFIX: dst -> src */
	struct addr router;	/* the exporter (ip4_router / ip6_router) */
	struct addr nh;		/* ip next hop, else BGP next hop */
	uint8_t has_router, has_nh, nh_bgp;
	uint8_t times_swapped;	/* "last" was before "first" */
	uint32_t in_if, out_if;	/* input_snmp / output_snmp */
};

/*
 * 1 a flow record, 0 not a flow (another record type: skipped), -1
 * malformed (why says which member and value).
 */
int nfd_parse_record(const char *obj, size_t len, struct nfd_rec *out,
		     char *why, size_t whylen);

/* Cuts nfdump's JSON output into top-level objects. */
struct nfd_framer {
	char *buf;
	size_t n, cap;
	unsigned depth;
	uint8_t in_str, esc, overlong;
	uint64_t objects, too_long;
};

int nfd_framer_init(struct nfd_framer *fr, size_t max_object);
void nfd_framer_free(struct nfd_framer *fr);
/*
 * Feed the next n bytes; cb gets each complete top-level object (text
 * outside objects - '[', ',', ']', "No matching flows" - is skipped).  An
 * object longer than the framer's maximum is skipped and counted.
 */
void nfd_framer_feed(struct nfd_framer *fr, const void *p, size_t n,
		     void (*cb)(void *ctx, const char *obj, size_t len),
		     void *ctx);

/*
 * The NetFlow version nfdump prints for `-o fmt:%nfv` ("Nv9", "Nv10"; 10
 * is IPFIX) at the start of text; 0 when it is not one.
 */
unsigned nfd_parse_version(const char *text, size_t len);

/*
 * Run argv (argv[0] looked up in PATH) with TZ=UTC, stdout to on_out as
 * it comes, the first errlen-1 bytes of stderr into errtext; kill it
 * after timeout_s seconds or when *stop is set.  Returns the exit status
 * (0-255), or -1 with err filled (cannot start: not installed; killed:
 * time out / stopped).
 */
int nfd_run(char *const argv[], unsigned timeout_s, volatile sig_atomic_t *stop,
	    void (*on_out)(void *ctx, const void *p, size_t n), void *ctx,
	    char *errtext, size_t errtextlen, char *err, size_t errlen);

#endif
