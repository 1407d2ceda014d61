/*
 * probe_sip.c - SIP OPTIONS (RFC 3261 11) over UDP and TCP.
 *
 * Step 0 sends one OPTIONS request to sip:heiiki@ADDR with our own Via
 * (transport UDP or TCP, host "heiiki.invalid", rport so a UDP answer
 * comes back to our source port, a branch and Call-ID derived from the
 * target), Max-Forwards 0 (never relayed: a proxy answers itself or 483),
 * and Content-Length 0.  OPTIONS only asks for capabilities: no REGISTER,
 * no INVITE, nothing rings.  The status line and the Server (or
 * User-Agent) header give the product and version; Allow is kept.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "textproto.h"

#define SIP_MAX 4096

static const uint16_t sip_ports[] = { 5060, 0 };

static uint32_t
sip_tag(const struct probe_ctx *ctx)
{
	uint32_t h = 2166136261u;

	for (const char *s = ctx->host ? ctx->host : ""; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ ctx->port) * 16777619u;
}

static int
sip_hello_t(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len, const char *tr)
{
	const char *host = ctx->host ? ctx->host : "invalid";
	const char *lb = strchr(host, ':') ? "[" : "", *rb = *lb ? "]" : "";
	uint32_t t = sip_tag(ctx);
	int n;

	if (ctx->step != 0 || strlen(host) > 64 || strpbrk(host, "\r\n <>;\"[]"))
		return -1;
	n = snprintf((char *)buf, cap,
		"OPTIONS sip:heiiki@%s%s%s SIP/2.0\r\n"
		"Via: SIP/2.0/%s heiiki.invalid;branch=z9hG4bK%08x;rport\r\n"
		"Max-Forwards: 0\r\n"
		"To: <sip:heiiki@%s%s%s>\r\n"
		"From: <sip:heiiki@heiiki.invalid>;tag=%08x\r\n"
		"Call-ID: %08x@heiiki.invalid\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Accept: application/sdp\r\n"
		"Content-Length: 0\r\n\r\n",
		lb, host, rb, tr, t, lb, host, rb, t ^ 0x5a5a5a5au, t);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	*len = (size_t)n;
	return 0;
}

static int
sip_hello_udp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return sip_hello_t(ctx, buf, cap, len, "UDP");
}

static int
sip_hello_tcp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return sip_hello_t(ctx, buf, cap, len, "TCP");
}

static enum probe_verdict
sip_parse_t(const struct probe_ctx *ctx, struct rd *in, json_t *out, int stream)
{
	const uint8_t *p = rd_ptr(in);
	size_t n = rd_left(in), hl;
	char v[256], prod[64], ver[32], want[32];
	int code;
	json_t *o;

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	if (n < 12)
		return !stream || ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	code = tp_status(p, n, "SIP/2.0 ");
	if (code < 0)
		return PROBE_NO_MATCH;
	hl = tp_head_len(p, n);
	if (!hl) {
		if (stream && !ctx->eof)
			return PROBE_NEED_MORE;
		return PROBE_MALFORMED;
	}
	/* our answer only: CSeq 1 OPTIONS and our Call-ID */
	snprintf(want, sizeof(want), "%08x@heiiki.invalid", sip_tag(ctx));
	if (!tp_header(p, hl, "Call-ID", "i", v, sizeof(v)) || strcmp(v, want) ||
	    !tp_header(p, hl, "CSeq", NULL, v, sizeof(v)) || strncmp(v, "1 OPTIONS", 9))
		return PROBE_NO_MATCH;
	o = json_object();
	json_object_set_new(o, "status", json_integer(code));
	json_object_set_new(out, "sip", o);
	json_object_set_new(out, "service", json_string("sip"));
	if (tp_header(p, hl, "Allow", NULL, v, sizeof(v)))
		json_object_set_new(o, "allow", json_string(v));
	if (tp_header(p, hl, "Server", NULL, v, sizeof(v)) ||
	    tp_header(p, hl, "User-Agent", NULL, v, sizeof(v))) {
		json_object_set_new(o, "server", json_string(v));
		tp_product(v, prod, sizeof(prod), ver, sizeof(ver));
		if (*prod)
			json_object_set_new(out, "product", json_string(prod));
		if (*prod && *ver)
			json_object_set_new(out, "version", json_string(ver));
	}
	return PROBE_MATCH;
}

static enum probe_verdict
sip_parse_udp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	return sip_parse_t(ctx, in, out, 0);
}

static enum probe_verdict
sip_parse_tcp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	return sip_parse_t(ctx, in, out, 1);
}

const struct probe probe_sip = {
	.name = "sip",
	.summary = "SIP OPTIONS over UDP (Max-Forwards 0) -> status, Server/User-Agent",
	.ports = sip_ports,
	.flags = PROBE_UDP,
	.max_reply = SIP_MAX,
	.timeout_ms = 2000,
	.hello = sip_hello_udp,
	.parse = sip_parse_udp,
};

const struct probe probe_sip_tcp = {
	.name = "sip-tcp",
	.summary = "SIP OPTIONS over TCP (Max-Forwards 0) -> status, Server/User-Agent",
	.ports = sip_ports,
	.max_reply = SIP_MAX,
	.timeout_ms = 3000,
	.hello = sip_hello_tcp,
	.parse = sip_parse_tcp,
};
