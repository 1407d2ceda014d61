/*
 * probe_zabbix.c - Zabbix agent passive check "agent.version".
 *
 * Step 0 sends one request in the Zabbix protocol framing ("ZBXD", flags
 * 0x01, u32 LE data length, u32 LE reserved, then the key) asking for the
 * item "agent.version" - the one key every agent answers and the least
 * revealing.  An agent answers only addresses in its Server= list, so a
 * version in the reply means the agent answers the scanner's address:
 * risk "zabbix-agent-open".  An agent that refuses closes without a
 * word; "ZBX_NOTSUPPORTED" still identifies the agent.
 */
#include <string.h>

#include "probe.h"

#define ZBX_MAX 1024

static const uint16_t zbx_ports[] = { 10050, 0 };

static int
zbx_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const char key[] = "agent.version";
	const size_t kl = sizeof(key) - 1;

	if (ctx->step != 0 || cap < 13 + kl)
		return -1;
	memcpy(buf, "ZBXD\x01", 5);
	buf[5] = (uint8_t)kl;
	memset(buf + 6, 0, 7);
	memcpy(buf + 13, key, kl);
	*len = 13 + kl;
	return 0;
}

static enum probe_verdict
zbx_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t flags;
	uint32_t dlen, res;
	const uint8_t *p;
	json_t *o;
	size_t n = rd_left(in) < 4 ? rd_left(in) : 4;

	if (ctx->step != 0 || memcmp(rd_ptr(in), "ZBXD", n))
		return PROBE_NO_MATCH;
	if (!rd_skip(in, n) || n < 4 || !rd_u8(in, &flags) || !rd_le32(in, &dlen) ||
	    !rd_le32(in, &res))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!(flags & 0x01) || (flags & ~0x07u))
		return PROBE_MALFORMED;
	if (flags & 0x06)
		return PROBE_MALFORMED;	/* compressed/large: never for this tiny item */
	if (dlen > ZBX_MAX)
		return PROBE_MALFORMED;
	if (!rd_bytes(in, &p, dlen))
		return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	o = json_object();
	probe_set_str(o, "reply", p, dlen > 128 ? 128 : dlen);
	json_object_set_new(out, "zabbix", o);
	json_object_set_new(out, "service", json_string("zabbix-agent"));
	json_object_set_new(out, "product", json_string("Zabbix agent"));
	if (dlen >= 16 && !memcmp(p, "ZBX_NOTSUPPORTED", 16))
		return PROBE_MATCH;
	if (dlen > 0 && dlen <= 32 && p[0] >= '0' && p[0] <= '9') {
		probe_set_str(out, "version", p, dlen);
		probe_risk(out, "zabbix-agent-open");
	}
	return PROBE_MATCH;
}

const struct probe probe_zabbix = {
	.name = "zabbix-agent",
	.summary = "Zabbix agent passive check agent.version (ZBXD framing)",
	.ports = zbx_ports,
	.max_reply = ZBX_MAX + 13,
	.timeout_ms = 3000,
	.hello = zbx_hello,
	.parse = zbx_parse,
};
