/*
 * fuzz_decode.c - libFuzzer target for the whole per-packet path of the
 * passive mode: decode_packet() on every supported link type, then the
 * same bytes through capture_packet() (flow table, DNS/TLS/HTTP/WireGuard
 * dissectors, ARP and name tables).
 *
 * Input: byte 0 picks the link type, the rest is one frame.  The capture
 * instance is made once (small flow table) and kept across inputs, so
 * flow state from earlier inputs is exercised too; every 4096 inputs it is
 * finished into a results document to cover export and rendering.
 */
#include <stddef.h>
#include <stdint.h>

#include "scanner/capture/capture.h"
#include "scanner/capture/decode.h"

static const int dlts[] = {
	DECODE_DLT_EN10MB, DECODE_DLT_LINUX_SLL, DECODE_DLT_LINUX_SLL2,
	DECODE_DLT_RAW, DECODE_DLT_IPV4, DECODE_DLT_IPV6, DECODE_DLT_NULL,
	DECODE_DLT_LOOP, 105,
};

static struct capture *cap;
static unsigned inputs;

static void
fuzz_new_capture(void)
{
	struct capture_opts o;
	char err[256];

	capture_opts_default(&o);
	o.max_flows = 256;
	o.max_flow_records = 16;
	o.max_notable_records = 16;
	if (capture_new(&cap, &o, err, sizeof(err)) < 0)
		cap = NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_new_capture();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_meta m;
	int dlt;

	if (size < 1 || !cap)
		return 0;
	dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	(void)decode_packet(dlt, data + 1, size - 1, &m);
	if (m.payload && (m.payload < data + 1 ||
			  m.payload + m.payload_len > data + size))
		__builtin_trap();	/* payload must stay inside the frame */
	capture_packet(cap, dlt, (int64_t)inputs * 1000, data + 1,
		       (uint32_t)(size - 1), (uint32_t)(size - 1));
	if (++inputs % 4096 == 0) {
		struct results *r = results_new("capture");
		char err[256];

		if (r) {
			(void)capture_finish(cap, r, err, sizeof(err));
			results_free(r);
		}
		capture_free(cap);
		fuzz_new_capture();
	}
	return 0;
}
