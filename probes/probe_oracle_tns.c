/*
 * probe_oracle_tns.c - Oracle TNS listener: one CONNECT with a VERSION
 * command, and the listener's ACCEPT / REFUSE / REDIRECT / RESEND.
 *
 * Sends one TNS CONNECT packet (type 1, TNS version 314 so the reply uses
 * 16-bit lengths, SDU 2048) whose connect data is
 * "(CONNECT_DATA=(COMMAND=VERSION))": the listener control command that
 * `lsnrctl version` sends.  It asks for no service and no session; a
 * listener that refuses remote control commands (10g and later) answers
 * REFUSE with "(DESCRIPTION=(TMP=)(VSNNUM=186647040)(ERR=1189)...)", one
 * that allows it answers with its banner ("TNSLSNR for Linux: Version
 * 11.2.0.4.0 - Production").  VSNNUM is the version packed in hex nibbles
 * (0x0B200400 = 11.2.0.4.0).  Nothing else is sent: no RESEND is answered,
 * no redirect is followed.
 *
 * The unit-test replies are built from the TNS packet layout
 * (tests/probes/data/oracle-tns/make_spec.py), not recorded: Debian ships
 * no Oracle listener.
 *
 * The reply is read through the bounded cursor: TNS header (length 8..8192
 * checked against what arrived, type), then the type's own body; the text
 * of the connect data is searched for VSNNUM=, ERR= and the TNSLSNR banner
 * only within its declared length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

#define TNS_HDR		8
#define TNS_MAX		8192
#define TNS_CONNECT	1
#define TNS_ACCEPT	2
#define TNS_REFUSE	4
#define TNS_REDIRECT	5
#define TNS_DATA	6
#define TNS_RESEND	11

static const uint16_t tns_ports[] = { 1521, 1526, 0 };
static const char tns_cmd[] = "(CONNECT_DATA=(COMMAND=VERSION))";

static void
be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int
tns_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const size_t dl = sizeof(tns_cmd) - 1, off = 58, n = off + dl;

	if (ctx->step != 0 || cap < n)
		return -1;
	memset(buf, 0, off);
	be16(buf, (unsigned)n);			/* packet length */
	buf[4] = TNS_CONNECT;
	be16(buf + 8, 314);			/* version */
	be16(buf + 10, 300);			/* lowest compatible version */
	be16(buf + 12, 0);			/* service options */
	be16(buf + 14, 2048);			/* SDU */
	be16(buf + 16, 32767);			/* max TDU */
	be16(buf + 18, 0x7f08);			/* NT protocol characteristics */
	be16(buf + 20, 0);			/* line turnaround */
	buf[22] = 0x01;				/* value of 1 in hardware order */
	buf[23] = 0x00;
	be16(buf + 24, (unsigned)dl);		/* connect data length */
	be16(buf + 26, (unsigned)off);		/* connect data offset */
	/* 28..31 max receivable connect data 0, 32/33 flags 0, 34..57 trace 0 */
	memcpy(buf + off, tns_cmd, dl);
	*len = n;
	return 0;
}

/* VSNNUM decimal -> "a.b.c.d.e" (Oracle's nibble packing). */
static int
tns_vsnnum(const char *t, char *dst, size_t cap)
{
	const char *p = strstr(t, "VSNNUM=");
	unsigned long v = 0;
	int digits = 0;

	if (!p)
		return 0;
	for (p += 7; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (!digits || v > 0xffffffffUL)
		return 0;
	snprintf(dst, cap, "%lu.%lu.%lu.%lu.%lu", v >> 24, (v >> 20) & 0xf, (v >> 12) & 0xff,
		 (v >> 8) & 0xf, v & 0xff);
	return 1;
}

/* The connect / accept data text: fields and version. */
static void
tns_text(const uint8_t *p, size_t n, json_t *o, json_t *out)
{
	char t[1024], ver[48];
	const char *e, *b;

	size_t k;

	/* printable ASCII kept, anything else ends a line (banner lines) */
	for (k = 0; k < n && k + 1 < sizeof(t); k++)
		t[k] = p[k] >= 0x20 && p[k] < 0x7f ? (char)p[k] : '\n';
	t[k] = 0;
	probe_set_str(o, "data", (const uint8_t *)t, k);
	if (tns_vsnnum(t, ver, sizeof(ver))) {
		json_object_set_new(o, "vsnnum_version", json_string(ver));
		json_object_set_new(out, "version", json_string(ver));
	}
	if ((e = strstr(t, "(ERR=")) != NULL)
		json_object_set_new(o, "error", json_integer(strtol(e + 5, NULL, 10) & 0xffffff));
	if ((b = strstr(t, "TNSLSNR for ")) != NULL) {
		const char *v = strstr(b, "Version ");
		probe_set_str(o, "banner", (const uint8_t *)b, strcspn(b, "\n)"));
		k = 0;
		if (v) {
			v += 8;
			while (k < 32 && ((v[k] >= '0' && v[k] <= '9') || v[k] == '.'))
				k++;
			if (k) {
				snprintf(ver, sizeof(ver), "%.*s", (int)k, v);
				json_object_set_new(out, "version", json_string(ver));
			}
		}
	}
}

static const char *
tns_type_name(uint8_t t)
{
	switch (t) {
	case TNS_ACCEPT:	return "accept";
	case TNS_REFUSE:	return "refuse";
	case TNS_REDIRECT:	return "redirect";
	case TNS_RESEND:	return "resend";
	case TNS_DATA:		return "data";
	}
	return "other";
}

static enum probe_verdict
tns_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint16_t plen, csum, dlen, doff, ver;
	uint8_t type, flags, ur, sr;
	struct rd pkt, body;
	json_t *o;

	if (rd_left(in) < TNS_HDR)
		return ctx->eof || (rd_left(in) >= 2 && rd_ptr(in)[0] > TNS_MAX >> 8) ?
		    PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!rd_be16(in, &plen) || !rd_be16(in, &csum) || !rd_u8(in, &type) || !rd_u8(in, &flags) ||
	    !rd_skip(in, 2))
		return PROBE_NO_MATCH;
	if (plen < TNS_HDR || plen > TNS_MAX || csum != 0 ||
	    (type != TNS_ACCEPT && type != TNS_REFUSE && type != TNS_REDIRECT &&
	     type != TNS_RESEND && type != TNS_DATA))
		return PROBE_NO_MATCH;
	if (rd_left(in) < (size_t)plen - TNS_HDR)
		return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	rd_init(&pkt, rd_ptr(in) - TNS_HDR, plen);
	body = pkt;
	rd_skip(&body, TNS_HDR);
	o = json_object();
	json_object_set_new(out, "oracle_tns", o);
	json_object_set_new(out, "service", json_string("oracle"));
	json_object_set_new(out, "product", json_string("Oracle TNS listener"));
	json_object_set_new(o, "reply", json_string(tns_type_name(type)));
	switch (type) {
	case TNS_ACCEPT:
		if (!rd_be16(&body, &ver) || !rd_skip(&body, 8) || !rd_be16(&body, &dlen) ||
		    !rd_be16(&body, &doff))
			return PROBE_MALFORMED;
		json_object_set_new(o, "tns_version", json_integer(ver));
		if (dlen && (doff > plen || dlen > plen - doff))
			return PROBE_MALFORMED;
		if (dlen)
			tns_text(rd_ptr(&pkt) + doff, dlen, o, out);
		break;
	case TNS_REFUSE:
		if (!rd_u8(&body, &ur) || !rd_u8(&body, &sr) || !rd_be16(&body, &dlen))
			return PROBE_MALFORMED;
		json_object_set_new(o, "user_reason", json_integer(ur));
		json_object_set_new(o, "system_reason", json_integer(sr));
		if (dlen > rd_left(&body))
			return PROBE_MALFORMED;
		tns_text(rd_ptr(&body), dlen, o, out);
		break;
	case TNS_REDIRECT:
		if (!rd_be16(&body, &dlen))
			return PROBE_MALFORMED;
		/* the address may follow in a DATA packet: keep what is here */
		tns_text(rd_ptr(&body), dlen < rd_left(&body) ? dlen : rd_left(&body), o, out);
		break;
	case TNS_DATA:
		if (rd_skip(&body, 2))	/* data flags */
			tns_text(rd_ptr(&body), rd_left(&body), o, out);
		break;
	default:
		break;
	}
	return PROBE_MATCH;
}

const struct probe probe_oracle_tns = {
	.name = "oracle-tns",
	.summary = "Oracle TNS listener: CONNECT (COMMAND=VERSION) -> version, refusal",
	.ports = tns_ports,
	.max_reply = TNS_MAX,
	.timeout_ms = 3000,
	.hello = tns_hello,
	.parse = tns_parse,
};
