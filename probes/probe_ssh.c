/*
 * probe_ssh.c - placeholder: not implemented yet (see issue 4).
 */
#include "probe.h"

static enum probe_verdict
ssh_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	(void)ctx;
	(void)in;
	(void)out;
	return PROBE_NO_MATCH;
}

const struct probe probe_ssh = {
	.name = "ssh",
	.summary = "placeholder",
	.max_reply = 4096,
	.timeout_ms = 3000,
	.parse = ssh_parse,
};
