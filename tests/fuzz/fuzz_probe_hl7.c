/*
 * fuzz_probe_hl7.c - the hl7 probe (MLLP frames, MSH/MSA header fields) on arbitrary replies.
 *
 * Byte 0 picks the conversation step (bits 0-1), end-of-stream (bit 2),
 * the port (bits 3-4) and the hello() buffer size (bits 5-7); the rest is
 * the peer's reply, also offered as the previous step's reply.  hello()
 * writes into a heap buffer of exactly the size it is given, so any
 * overrun is caught by ASan; parse() must never read outside the input.
 */
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"

extern const struct probe probe_hl7;

static const uint16_t fz_ports[4] = { 2575, 2575, 2575, 2575 };
static const size_t fz_caps[8] = { 0, 1, 12, 64, 150, 200, 512, 2048 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_ctx ctx;
	struct rd in;
	json_t *out;
	uint8_t *buf;
	size_t cap, len = 0;

	if (size < 1)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.step = data[0] & 3;
	ctx.eof = (data[0] >> 2) & 1;
	ctx.port = fz_ports[(data[0] >> 3) & 3];
	ctx.host = "198.18.50.1";
	ctx.scanner_id = "HEIIKI";
	ctx.snmp_community = "public";
	ctx.prev = data + 1;
	ctx.prev_len = size - 1;
	cap = fz_caps[data[0] >> 5];
	buf = malloc(cap ? cap : 1);
	if (buf && probe_hl7.hello(&ctx, buf, cap, &len) == 0 && len > cap)
		abort();
	free(buf);
	out = json_object();
	ctx.out = out;
	rd_init(&in, data + 1, size - 1);
	(void)probe_hl7.parse(&ctx, &in, out);
	json_decref(out);
	return 0;
}
