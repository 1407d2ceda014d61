/*
 * probe_ipmi.c - IPMI over LAN: Get Channel Authentication Capabilities.
 *
 * Step 0 sends one RMCP datagram (ASF class IPMI) carrying an IPMI 1.5
 * session-less message: Get Channel Authentication Capabilities (NetFn
 * App, cmd 0x38) for the current channel (0x0e) with the "IPMI v2.0
 * extended data" bit, maximum privilege Administrator - the request
 * ipmitool and every BMC scanner send before a session.  The reply lists
 * the authentication types and whether anonymous login / null user names
 * are enabled: risk "ipmi-anonymous".  "ipmi-cipher-zero" needs the
 * cipher-suite list: step 1 sends Get Channel Cipher Suites (cmd 0x54,
 * session-less, list by cipher suite, index 0) and the risk is raised when
 * cipher suite 0 (no authentication, integrity or confidentiality) is in
 * the list.  No session is ever opened, no RAKP message, no password.
 */
#include <string.h>

#include "probe.h"

static const uint16_t ipmi_ports[] = { 623, 0 };

/* 8-bit two's complement checksum over b[0..n) */
static uint8_t
ipmi_ck(const uint8_t *b, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + b[i]);
	return (uint8_t)-s;
}

static int
ipmi_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t msg[10];
	size_t ml;

	if (ctx->step > 1 || cap < 14 + sizeof(msg))
		return -1;
	msg[0] = 0x20;			/* rsSA: BMC */
	msg[1] = 0x06 << 2;		/* NetFn App, LUN 0 */
	msg[2] = ipmi_ck(msg, 2);
	msg[3] = 0x81;			/* rqSA: remote console */
	msg[4] = (uint8_t)(ctx->step << 2);	/* rqSeq */
	if (ctx->step == 0) {
		msg[5] = 0x38;		/* Get Channel Auth Capabilities */
		msg[6] = 0x8e;		/* v2.0 extended data, current channel */
		msg[7] = 0x04;		/* Administrator */
		msg[8] = ipmi_ck(msg + 3, 5);
		ml = 9;
	} else {
		msg[5] = 0x54;		/* Get Channel Cipher Suites */
		msg[6] = 0x0e;		/* current channel */
		msg[7] = 0x00;		/* payload type IPMI */
		msg[8] = 0x80;		/* list by cipher suite, index 0 */
		msg[9] = ipmi_ck(msg + 3, 6);
		ml = 10;
	}
	memcpy(buf, "\x06\x00\xff\x07", 4);	/* RMCP v1.0, no ACK, class IPMI */
	buf[4] = 0x00;				/* auth type none */
	memset(buf + 5, 0, 8);			/* session seq, session id */
	buf[13] = (uint8_t)ml;
	memcpy(buf + 14, msg, ml);
	*len = 14 + ml;
	return 0;
}

/* RMCP + IPMI 1.5 session header + message header; data cursor after cc. */
static enum probe_verdict
ipmi_unwrap(const struct probe_ctx *ctx, struct rd *in, uint8_t cmd, struct rd *data,
	    uint8_t *cc)
{
	const uint8_t *h;
	uint8_t auth, mlen, b;
	struct rd msg;

	if (!rd_bytes(in, &h, 4) || h[0] != 0x06 || h[2] != 0xff || (h[3] & 0x1f) != 0x07)
		return PROBE_NO_MATCH;
	if (!rd_u8(in, &auth) || !rd_skip(in, 8))
		return PROBE_MALFORMED;
	if (auth != 0 && !rd_skip(in, 16))	/* auth code present */
		return PROBE_MALFORMED;
	if (!rd_u8(in, &mlen) || !rd_sub(in, &msg, mlen) || mlen < 8)
		return PROBE_MALFORMED;
	if (ipmi_ck(rd_ptr(&msg), 3) != 0)	/* header checksum incl. itself */
		return PROBE_MALFORMED;
	if (!rd_u8(&msg, &b) || !rd_u8(&msg, &b) || (b >> 2) != 0x07)
		return PROBE_NO_MATCH;		/* NetFn must be App response */
	if (!rd_skip(&msg, 1) || !rd_skip(&msg, 1) || !rd_u8(&msg, &b) ||
	    (b >> 2) != (uint8_t)ctx->step || !rd_u8(&msg, &b) || b != cmd)
		return PROBE_NO_MATCH;
	if (!rd_u8(&msg, cc))
		return PROBE_MALFORMED;
	/* the data, without the trailing checksum */
	if (!rd_left(&msg) || !rd_sub(&msg, data, rd_left(&msg) - 1))
		return PROBE_MALFORMED;
	return PROBE_MATCH;
}

static const char *const auth_names[] = { "none", "md2", "md5", NULL, "password", "oem" };

static enum probe_verdict
ipmi_caps(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct rd d;
	uint8_t cc, chan, at, st, ext;
	const uint8_t *oem;
	enum probe_verdict v = ipmi_unwrap(ctx, in, 0x38, &d, &cc);
	json_t *o, *types;

	if (v != PROBE_MATCH)
		return v;
	o = json_object();
	json_object_set_new(out, "ipmi", o);
	json_object_set_new(out, "service", json_string("ipmi"));
	json_object_set_new(o, "completion_code", json_integer(cc));
	if (cc != 0)
		return PROBE_MATCH;
	if (!rd_u8(&d, &chan) || !rd_u8(&d, &at) || !rd_u8(&d, &st) || !rd_u8(&d, &ext) ||
	    !rd_bytes(&d, &oem, 3))
		return PROBE_MALFORMED;
	json_object_set_new(o, "channel", json_integer(chan));
	types = json_array();
	for (int i = 0; i < 6; i++)
		if ((at & (1u << i)) && auth_names[i])
			json_array_append_new(types, json_string(auth_names[i]));
	json_object_set_new(o, "auth_types", types);
	json_object_set_new(o, "ipmi20", json_boolean((at & 0x80) && (ext & 0x02)));
	json_object_set_new(o, "anonymous_login", json_boolean(st & 0x01));
	json_object_set_new(o, "null_usernames", json_boolean(st & 0x02));
	json_object_set_new(o, "non_null_usernames", json_boolean(st & 0x04));
	json_object_set_new(o, "per_message_auth", json_boolean(!(st & 0x10)));
	json_object_set_new(o, "oem_id", json_integer(oem[0] | oem[1] << 8 | oem[2] << 16));
	if (st & 0x03)
		probe_risk(out, "ipmi-anonymous");
	if ((at & 0x80) && (ext & 0x02))
		return PROBE_NEXT_STEP;		/* RMCP+: ask for the cipher suites */
	return PROBE_MATCH;
}

static enum probe_verdict
ipmi_suites(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct rd d;
	uint8_t cc, chan, b;
	enum probe_verdict v;
	json_t *o = json_object_get(out, "ipmi"), *ids;

	if (!rd_left(in))
		return PROBE_MATCH;	/* no answer to step 1: keep step 0 */
	v = ipmi_unwrap(ctx, in, 0x54, &d, &cc);
	if (v != PROBE_MATCH || cc != 0 || !json_is_object(o) || !rd_u8(&d, &chan))
		return PROBE_MATCH;
	ids = json_array();
	/* records: 0xc0 id + algorithms (standard) or 0xc1 id + IANA(3) + algs */
	while (rd_u8(&d, &b)) {
		uint8_t id;

		if ((b == 0xc0 || b == 0xc1) && rd_u8(&d, &id)) {
			if (b == 0xc1 && !rd_skip(&d, 3))
				break;
			if (json_array_size(ids) < 32)
				json_array_append_new(ids, json_integer(id));
			if (b == 0xc0 && id == 0)
				probe_risk(out, "ipmi-cipher-zero");
		}
	}
	json_object_set_new(o, "cipher_suites", ids);
	return PROBE_MATCH;
}

static enum probe_verdict
ipmi_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	if (ctx->step == 0)
		return ipmi_caps(ctx, in, out);
	if (ctx->step == 1)
		return ipmi_suites(ctx, in, out);
	return PROBE_NO_MATCH;
}

const struct probe probe_ipmi = {
	.name = "ipmi",
	.summary = "IPMI Get Channel Auth Capabilities + Get Channel Cipher Suites (no session)",
	.ports = ipmi_ports,
	.flags = PROBE_UDP,
	.max_reply = 512,
	.timeout_ms = 2000,
	.hello = ipmi_hello,
	.parse = ipmi_parse,
};
