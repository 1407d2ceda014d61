/*
 * fuzz_sweep_reply.c - libFuzzer target: a random frame as a reply to the
 * sweep.  The first input byte picks the link type (Ethernet, Linux cooked
 * v1/v2, raw IP), the rest is the frame.  Decoding and classification
 * must never read past the end or crash, whatever the headers claim.
 */
#include <pcap/dlt.h>
#include <stdint.h>

#include "scanner/sweep/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
				    DLT_RAW, DLT_IPV4, DLT_IPV6 };
	static const struct cookie_key k = { 1, 2 };
	static const uint16_t new_tid[] = { 69, 0 };
	struct sweep_pkt pk;
	struct addr t;
	uint8_t proto;
	uint16_t port;

	if (size < 1)
		return 0;
	if (sweep_decode(dlts[data[0] % 6], data + 1, size - 1, &pk) == 0)
		(void)sweep_classify(&k, &pk, new_tid, &t, &proto, &port);
	return 0;
}
