/*
 * probe_pptp.c - PPTP (obsolete VPN): Start-Control-Connection exchange.
 *
 * Sends one Start-Control-Connection-Request (RFC 2637 2.1; 156 bytes:
 * protocol version 1.0, host name = scanner identifier, vendor "heiiki")
 * and reads the Start-Control-Connection-Reply: result code, protocol
 * version, firmware revision, host name and vendor string.  This is the
 * pre-authentication handshake every PPTP client performs; no call is
 * opened, no PPP/GRE session and no credentials follow, and the runner
 * closes the TCP connection (RFC 2637 allows the peer to clean up on
 * close).  Any well-formed reply raises "pptp-enabled": PPTP's MS-CHAPv2
 * authentication is broken and the protocol should be retired.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define PPTP_LEN	156
#define PPTP_MAGIC	0x1a2b3c4du
#define PPTP_SCCRQ	1
#define PPTP_SCCRP	2

static const uint16_t pptp_ports[] = { 1723, 0 };

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

static int
pptp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *me = ctx->scanner_id && *ctx->scanner_id ? ctx->scanner_id : "HEIIKI";
	size_t n = strlen(me);

	if (ctx->step != 0 || cap < PPTP_LEN)
		return -1;
	memset(buf, 0, PPTP_LEN);
	put_be16(buf, PPTP_LEN);
	put_be16(buf + 2, 1);			/* control message */
	put_be32(buf + 4, PPTP_MAGIC);
	put_be16(buf + 8, PPTP_SCCRQ);
	put_be16(buf + 12, 0x0100);		/* protocol version 1.0 */
	put_be32(buf + 16, 1);			/* framing: async */
	put_be32(buf + 20, 1);			/* bearer: analog */
	put_be16(buf + 24, 0);			/* max channels */
	put_be16(buf + 26, 1);			/* firmware revision */
	memcpy(buf + 28, me, n > 63 ? 63 : n);
	memcpy(buf + 92, "heiiki", 6);
	*len = PPTP_LEN;
	return 0;
}

static const char *
pptp_result(uint8_t r)
{
	switch (r) {
	case 1: return "success";
	case 2: return "general-error";
	case 3: return "command-channel-exists";
	case 4: return "not-authorized";
	case 5: return "unsupported-version";
	default: return "unknown";
	}
}

/* Fixed 64-byte NUL-padded text field. */
static void
pptp_text(json_t *o, const char *key, const uint8_t *p)
{
	size_t n = 0;

	while (n < 64 && p[n])
		n++;
	if (n)
		probe_set_str(o, key, p, n);
}

static enum probe_verdict
pptp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint16_t len, mtype, ctype, ver, maxch, fw;
	uint32_t magic, framing, bearer;
	uint8_t result, error;
	const uint8_t *host, *vendor;
	json_t *o;
	char s[16];

	(void)ctx;
	if (rd_left(in) < 8)
		return PROBE_NEED_MORE;
	if (!rd_be16(in, &len) || !rd_be16(in, &mtype) || !rd_be32(in, &magic))
		return PROBE_NEED_MORE;
	if (magic != PPTP_MAGIC || mtype != 1)
		return PROBE_NO_MATCH;
	if (len != PPTP_LEN)
		return PROBE_MALFORMED;
	if (rd_left(in) < PPTP_LEN - 8)
		return PROBE_NEED_MORE;
	if (!rd_be16(in, &ctype) || !rd_skip(in, 2) || !rd_be16(in, &ver) ||
	    !rd_u8(in, &result) || !rd_u8(in, &error) || !rd_be32(in, &framing) ||
	    !rd_be32(in, &bearer) || !rd_be16(in, &maxch) || !rd_be16(in, &fw) ||
	    !rd_bytes(in, &host, 64) || !rd_bytes(in, &vendor, 64))
		return PROBE_MALFORMED;
	if (ctype != PPTP_SCCRP)
		return PROBE_MALFORMED;
	o = json_object();
	snprintf(s, sizeof(s), "%u.%u", ver >> 8, ver & 0xff);
	json_object_set_new(o, "protocol_version", json_string(s));
	json_object_set_new(o, "result", json_string(pptp_result(result)));
	json_object_set_new(o, "error_code", json_integer(error));
	json_object_set_new(o, "firmware_revision", json_integer(fw));
	json_object_set_new(o, "max_channels", json_integer(maxch));
	pptp_text(o, "host_name", host);
	pptp_text(o, "vendor", vendor);
	if (json_object_get(o, "vendor"))
		json_object_set(out, "product", json_object_get(o, "vendor"));
	json_object_set_new(out, "pptp", o);
	json_object_set_new(out, "service", json_string("pptp"));
	probe_risk(out, "pptp-enabled");
	return PROBE_MATCH;
}

const struct probe probe_pptp = {
	.name = "pptp",
	.summary = "PPTP Start-Control-Connection: version, firmware, host name, vendor",
	.ports = pptp_ports,
	.flags = PROBE_BY_PORT_ONLY,
	.max_reply = 1024,
	.timeout_ms = 5000,
	.hello = pptp_hello,
	.parse = pptp_parse,
};
