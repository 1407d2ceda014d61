/*
 * probe_openvpn.c - OpenVPN server: unauthenticated control-channel reset.
 *
 * Sends one P_CONTROL_HARD_RESET_CLIENT_V2 (opcode 7, key 0; 14 bytes on
 * UDP): our session id, an empty ACK array, message packet-id 0.  A server
 * without tls-auth/tls-crypt answers P_CONTROL_HARD_RESET_SERVER_V2
 * (opcode 8) that ACKs packet-id 0 and echoes our session id as the
 * remote session id: that identifies OpenVPN and shows the TLS stack is
 * reachable by anyone ("openvpn-no-hmac").  We never ACK or continue; the
 * server's half-open state expires on its own.
 *
 * Limitation: servers with tls-auth or tls-crypt drop packets without a
 * valid HMAC and stay silent, so "no reply" is inconclusive, never
 * "closed".  The session id is derived from the target (FNV-1a) so parse()
 * can check the echo without probe state.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define OVPN_HARD_RESET_CLIENT_V2	7
#define OVPN_HARD_RESET_SERVER_V2	8
#define OVPN_MAX			1500

static const uint16_t openvpn_ports[] = { 1194, 0 };

static void
ovpn_session(const struct probe_ctx *ctx, uint8_t sid[8])
{
	uint64_t h = 14695981039346656037ULL;
	const char *s = ctx->host ? ctx->host : "";

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	h = (h ^ ctx->port) * 1099511628211ULL;
	h = (h ^ 0x6f76706eu) * 1099511628211ULL;
	for (int i = 0; i < 8; i++)
		sid[i] = (uint8_t)(h >> (56 - 8 * i));
}

static int
openvpn_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	if (ctx->step != 0 || cap < 14)
		return -1;
	buf[0] = OVPN_HARD_RESET_CLIENT_V2 << 3;
	ovpn_session(ctx, buf + 1);
	memset(buf + 9, 0, 5);		/* ACK array length 0, packet-id 0 */
	*len = 14;
	return 0;
}

static void
hex8(const uint8_t *p, char *dst)
{
	for (int i = 0; i < 8; i++)
		snprintf(dst + 2 * i, 3, "%02x", p[i]);
}

static enum probe_verdict
openvpn_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t op, nack, mine[8], remote[8];
	const uint8_t *server;
	uint32_t pid;
	int echoed = 0;
	json_t *o;
	char hex[17];

	if (!rd_u8(in, &op))
		return PROBE_NEED_MORE;
	if ((op >> 3) != OVPN_HARD_RESET_SERVER_V2)
		return PROBE_NO_MATCH;
	if (!rd_bytes(in, &server, 8) || !rd_u8(in, &nack) || nack > 8)
		return PROBE_NO_MATCH;
	if (rd_left(in) < (size_t)nack * 4 + (nack ? 8 : 0) + 4)
		return PROBE_NO_MATCH;
	for (unsigned i = 0; i < nack; i++)
		rd_be32(in, &pid);
	ovpn_session(ctx, mine);
	if (nack && rd_copy(in, remote, 8))
		echoed = !memcmp(remote, mine, 8);
	if (!rd_be32(in, &pid))
		return PROBE_NO_MATCH;
	o = json_object();
	json_object_set_new(o, "opcode", json_string("P_CONTROL_HARD_RESET_SERVER_V2"));
	json_object_set_new(o, "key_id", json_integer(op & 7));
	hex8(server, hex);
	json_object_set_new(o, "server_session_id", json_string(hex));
	json_object_set_new(o, "session_id_echoed", json_boolean(echoed));
	json_object_set_new(o, "extra_bytes", json_integer((json_int_t)rd_left(in)));
	json_object_set_new(out, "openvpn", o);
	json_object_set_new(out, "service", json_string("openvpn"));
	json_object_set_new(out, "product", json_string("OpenVPN"));
	probe_risk(out, "openvpn-no-hmac");
	return PROBE_MATCH;
}

const struct probe probe_openvpn = {
	.name = "openvpn",
	.summary = "OpenVPN P_CONTROL_HARD_RESET_CLIENT_V2; silent when tls-auth/tls-crypt is on",
	.ports = openvpn_ports,
	.flags = PROBE_UDP,	/* --probe openvpn may name other ports */
	.max_reply = OVPN_MAX,
	.timeout_ms = 2000,
	.hello = openvpn_hello,
	.parse = openvpn_parse,
};
