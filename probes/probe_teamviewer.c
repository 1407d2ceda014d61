/*
 * probe_teamviewer.c - TeamViewer's own TCP port 5938.
 *
 * TeamViewer publishes no protocol specification.  Its packets, as public
 * protocol write-ups describe them, start with a two-byte magic: 0x17 0x24
 * (protocol version 1) or 0x11 0x30 (version 2), then a command byte.  We
 * send the 9-byte CMD_PING packet of version 1 (17 24 10 04 00 00 00 00
 * 00), which a client or router answers with a packet carrying the same
 * magic (CMD_PINGOK, command 0x11), and read at most 1 KiB.  Nothing else
 * is sent: no session, no ID, no password.  The test replies are built
 * from that description (tests/probes/data/teamviewer/), not recorded:
 * no TeamViewer runs in the lab.
 *
 * Output: service "teamviewer", product "TeamViewer", teamviewer.magic,
 * teamviewer.command, and risk "remote-support-tool".
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

static const uint16_t tv_ports[] = { 5938, 0 };

static int
tv_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t ping[] = { 0x17, 0x24, 0x10, 0x04, 0, 0, 0, 0, 0 };

	if (ctx->step != 0 || cap < sizeof(ping))
		return -1;
	memcpy(buf, ping, sizeof(ping));
	*len = sizeof(ping);
	return 0;
}

static enum probe_verdict
tv_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t m0, m1, cmd;
	json_t *o;
	char s[8];

	if (rd_left(in) < 3)
		return ctx->eof || (rd_left(in) && rd_ptr(in)[0] != 0x17 && rd_ptr(in)[0] != 0x11) ?
		    PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!rd_u8(in, &m0) || !rd_u8(in, &m1) || !rd_u8(in, &cmd))
		return PROBE_NO_MATCH;
	if (!((m0 == 0x17 && m1 == 0x24) || (m0 == 0x11 && m1 == 0x30)))
		return PROBE_NO_MATCH;
	o = json_object();
	snprintf(s, sizeof(s), "%02x%02x", m0, m1);
	json_object_set_new(o, "magic", json_string(s));
	json_object_set_new(o, "command", json_integer(cmd));
	json_object_set_new(o, "ping_ok", json_boolean(m0 == 0x17 && cmd == 0x11));
	json_object_set_new(out, "teamviewer", o);
	json_object_set_new(out, "service", json_string("teamviewer"));
	json_object_set_new(out, "product", json_string("TeamViewer"));
	probe_risk(out, "remote-support-tool");
	return PROBE_MATCH;
}

const struct probe probe_teamviewer = {
	.name = "teamviewer",
	.summary = "TeamViewer port 5938: CMD_PING -> remote-support tool",
	.ports = tv_ports,
	.flags = PROBE_BY_PORT_ONLY,
	.max_reply = 1024,
	.timeout_ms = 3000,
	.hello = tv_hello,
	.parse = tv_parse,
};
