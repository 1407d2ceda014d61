/*
 * probe_hl7.c - placeholder: not implemented yet (see issue 4).
 */
#include "probe.h"

static enum probe_verdict
hl7_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	(void)ctx;
	(void)in;
	(void)out;
	return PROBE_NO_MATCH;
}

const struct probe probe_hl7 = {
	.name = "hl7",
	.summary = "placeholder",
	.max_reply = 4096,
	.timeout_ms = 3000,
	.parse = hl7_parse,
};
