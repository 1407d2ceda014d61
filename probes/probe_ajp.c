/*
 * probe_ajp.c - Apache JServ Protocol 1.3 CPING -> CPONG.
 *
 * Step 0 sends the 5-byte CPing packet (0x12 0x34, length 1, type 10;
 * the mod_jk / Tomcat AJP connector's health check) and expects the
 * 5-byte CPong ('A' 'B', length 1, type 9).  An AJP connector reachable
 * from the scanner is what Ghostcat (CVE-2020-1938) needs: risk
 * "ajp-open".  No forward request is ever sent.
 */
#include <string.h>

#include "probe.h"

static const uint16_t ajp_ports[] = { 8009, 0 };

static int
ajp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t cping[5] = { 0x12, 0x34, 0x00, 0x01, 0x0a };

	if (ctx->step != 0 || cap < sizeof(cping))
		return -1;
	memcpy(buf, cping, sizeof(cping));
	*len = sizeof(cping);
	return 0;
}

static enum probe_verdict
ajp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	static const uint8_t cpong[5] = { 'A', 'B', 0x00, 0x01, 0x09 };
	size_t n = rd_left(in);

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	if (n > sizeof(cpong))
		n = sizeof(cpong);
	if (memcmp(rd_ptr(in), cpong, n))
		return PROBE_NO_MATCH;
	if (n < sizeof(cpong))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	json_object_set_new(out, "service", json_string("ajp13"));
	json_object_set_new(out, "ajp", json_pack("{s:b}", "cpong", 1));
	probe_risk(out, "ajp-open");
	return PROBE_MATCH;
}

const struct probe probe_ajp = {
	.name = "ajp",
	.summary = "AJP13 CPing -> CPong (Tomcat AJP connector reachable)",
	.ports = ajp_ports,
	.max_reply = 64,
	.timeout_ms = 3000,
	.hello = ajp_hello,
	.parse = ajp_parse,
};
