/*
 * probe_kerberos.c - Kerberos 5 AS-REQ for a principal that does not exist.
 *
 * Sends one AS-REQ (RFC 4120 5.4.1) without pre-authentication: client
 * "heiiki-probe-<8 hex>" (fresh per run), realm "HEIIKI.INVALID", server
 * krbtgt/HEIIKI.INVALID, etypes AES256/AES128/RC4, nonce from the clock.
 * No KDC can issue anything for it; the answer is a KRB-ERROR (RFC 4120
 * 5.9.1) whose error code (WRONG_REALM, C_PRINCIPAL_UNKNOWN,
 * S_PRINCIPAL_UNKNOWN, ...), server time, realm and e-text identify a
 * Kerberos KDC (MIT, Heimdal, Active Directory domain controller).  MIT
 * (lab: krb5kdc 1.20) answers C_PRINCIPAL_UNKNOWN with e-text
 * "CLIENT_NOT_FOUND" and echoes our realm, so its own realm stays unknown
 * (realm_echoed); a KDC that answers WRONG_REALM with its realm gives it.
 * Over TCP the message carries the 4-byte length prefix (RFC 4120 7.2.2).
 * Fields: kerberos.error_code, error_name, realm / realm_echoed, stime, e_text.  The
 * parser reads DER with the bounded cursor and only the KRB-ERROR fields.
 */
#include <string.h>

#include "ber.h"
#include "probe.h"

static const uint16_t krb_ports[] = { 88, 0 };

#define KRB_REALM "HEIIKI.INVALID"
/* no field of a KRB-ERROR is longer than the reply (at most 8 KiB) */
#define KRB_MAX_TLV 0xffffffu

/* GeneralString (0x1b) inside a SEQUENCE OF: name components. */
static size_t
der_pname(uint8_t *dst, int type, const char *const *parts)
{
	uint8_t seq[128], inner[160], tmp[200];
	size_t s = 0, n;

	for (int i = 0; parts[i]; i++) {
		size_t l = strlen(parts[i]);

		s = ber_hdr(seq, s, 0x1b, l);
		memcpy(seq + s, parts[i], l);
		s += l;
	}
	n = 0;
	inner[n++] = 0xa0; inner[n++] = 3; inner[n++] = 2; inner[n++] = 1; inner[n++] = (uint8_t)type;
	{
		size_t k = ber_wrap(tmp, 0x30, seq, s);

		n += ber_wrap(inner + n, 0xa1, tmp, k);
	}
	return ber_wrap(dst, 0x30, inner, n);
}

static int
krb_asreq(const struct probe_ctx *ctx, uint8_t *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t body[400], tmp[220], req[480];
	char user[32];
	const char *cn[] = { user, NULL }, *sn[] = { "krbtgt", KRB_REALM, NULL };
	uint32_t nonce = (uint32_t)(ctx->now > 0 ? ctx->now : 1) * 2654435761u;
	size_t b = 0, k, r = 0;

	memcpy(user, "heiiki-probe-", 13);
	for (int i = 0; i < 8; i++)
		user[13 + i] = hex[(nonce >> (28 - 4 * i)) & 15];
	user[21] = 0;
	/* kdc-options [0] BIT STRING 0 */
	memcpy(body + b, "\xa0\x07\x03\x05\x00\x00\x00\x00\x00", 9);
	b += 9;
	k = der_pname(tmp, 1, cn);
	b += ber_wrap(body + b, 0xa1, tmp, k);
	k = ber_wrap(tmp, 0x1b, (const uint8_t *)KRB_REALM, strlen(KRB_REALM));
	b += ber_wrap(body + b, 0xa2, tmp, k);
	k = der_pname(tmp, 2, sn);
	b += ber_wrap(body + b, 0xa3, tmp, k);
	memcpy(body + b, "\xa5\x11\x18\x0f" "20370913024805Z", 19);
	b += 19;
	body[b++] = 0xa7; body[b++] = 6; body[b++] = 2; body[b++] = 4;
	body[b++] = (uint8_t)(nonce >> 24 & 0x7f);
	body[b++] = (uint8_t)(nonce >> 16);
	body[b++] = (uint8_t)(nonce >> 8);
	body[b++] = (uint8_t)nonce;
	memcpy(body + b, "\xa8\x0b\x30\x09\x02\x01\x12\x02\x01\x11\x02\x01\x17", 13);
	b += 13;
	/* KDC-REQ { pvno [1] 5, msg-type [2] 10, req-body [4] } */
	memcpy(req, "\xa1\x03\x02\x01\x05\xa2\x03\x02\x01\x0a", 10);
	r = 10;
	k = ber_wrap(tmp, 0x30, body, b);
	if (k > sizeof(tmp))
		return -1;
	r += ber_wrap(req + r, 0xa4, tmp, k);
	k = ber_wrap(tmp, 0x30, req, r);
	if (k > 250 || cap < k + 3)
		return -1;
	return (int)ber_wrap(out, 0x6a, tmp, k);
}

static int
krb_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len, int tcp)
{
	uint8_t m[300];
	int n;

	if (ctx->step != 0)
		return -1;
	n = krb_asreq(ctx, m, sizeof(m));
	if (n < 0 || cap < (size_t)n + (tcp ? 4 : 0))
		return -1;
	if (tcp) {
		buf[0] = 0; buf[1] = 0; buf[2] = (uint8_t)(n >> 8); buf[3] = (uint8_t)n;
	}
	memcpy(buf + (tcp ? 4 : 0), m, (size_t)n);
	*len = (size_t)n + (tcp ? 4 : 0);
	return 0;
}

static int
krb_hello_udp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return krb_hello(ctx, buf, cap, len, 0);
}

static int
krb_hello_tcp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return krb_hello(ctx, buf, cap, len, 1);
}

static const char *
krb_err_name(int64_t c)
{
	switch (c) {
	case 6:  return "KDC_ERR_C_PRINCIPAL_UNKNOWN";
	case 7:  return "KDC_ERR_S_PRINCIPAL_UNKNOWN";
	case 14: return "KDC_ERR_ETYPE_NOSUPP";
	case 24: return "KDC_ERR_PREAUTH_FAILED";
	case 25: return "KDC_ERR_PREAUTH_REQUIRED";
	case 37: return "KRB_AP_ERR_SKEW";
	case 60: return "KRB_ERR_GENERIC";
	case 68: return "KDC_ERR_WRONG_REALM";
	default: return "other";
	}
}

static enum probe_verdict
krb_error(struct rd *m, json_t *out)
{
	uint8_t t;
	struct rd app, seq, f;
	json_t *o;
	int r = ber_tlv(m, &t, &app, KRB_MAX_TLV);

	if (r <= 0)
		return r < 0 ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (t != 0x7e && t != 0x6b)		/* KRB-ERROR, AS-REP */
		return PROBE_NO_MATCH;
	if (ber_tlv(&app, &t, &seq, KRB_MAX_TLV) != 1 || t != 0x30)
		return PROBE_NO_MATCH;
	o = json_object();
	json_object_set_new(out, "kerberos", o);
	json_object_set_new(out, "service", json_string("kerberos"));
	for (int i = 0; i < 16 && rd_left(&seq); i++) {
		struct rd v;
		uint8_t vt;

		if (ber_tlv(&seq, &t, &f, KRB_MAX_TLV) != 1 || ber_tlv(&f, &vt, &v, KRB_MAX_TLV) != 1)
			break;
		if (t == 0xa6 && vt == 0x02) {			/* error-code */
			int64_t c = 0;
			uint8_t b;

			if (rd_left(&v) > 4)
				break;
			while (rd_u8(&v, &b))
				c = c << 8 | b;
			json_object_set_new(o, "error_code", json_integer(c));
			json_object_set_new(o, "error_name", json_string(krb_err_name(c)));
		} else if (t == 0xa4 && vt == 0x18) {		/* stime */
			probe_set_str(o, "stime", rd_ptr(&v), rd_left(&v));
		} else if ((t == 0xa9 || t == 0xa7) && vt == 0x1b) {	/* realm, crealm */
			/* MIT and Heimdal echo the realm we asked for; a KDC that
			 * names its own (WRONG_REALM referrals) tells us the realm */
			if (rd_left(&v) == strlen(KRB_REALM) && !memcmp(rd_ptr(&v), KRB_REALM, rd_left(&v)))
				json_object_set_new(o, "realm_echoed", json_true());
			else
				probe_set_str(o, "realm", rd_ptr(&v), rd_left(&v));
		} else if (t == 0xab && vt == 0x1b) {		/* e-text */
			probe_set_str(o, "e_text", rd_ptr(&v), rd_left(&v));
		}
	}
	return PROBE_MATCH;
}

static enum probe_verdict
krb_parse_udp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	enum probe_verdict v;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	v = krb_error(in, out);
	return v == PROBE_NEED_MORE ? PROBE_NO_MATCH : v;
}

static enum probe_verdict
krb_parse_tcp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint32_t len;
	struct rd m;
	enum probe_verdict v;

	if (!rd_be32(in, &len))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (len < 4 || len > 65536)
		return PROBE_NO_MATCH;
	if (!rd_sub(in, &m, len))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	v = krb_error(&m, out);
	return v == PROBE_NEED_MORE ? PROBE_NO_MATCH : v;
}

const struct probe probe_kerberos = {
	.name = "kerberos",
	.summary = "Kerberos AS-REQ for a made-up principal over UDP: KRB-ERROR fields",
	.ports = krb_ports,
	.flags = PROBE_UDP,
	.max_reply = 4096,
	.timeout_ms = 2000,
	.hello = krb_hello_udp,
	.parse = krb_parse_udp,
};

const struct probe probe_kerberos_tcp = {
	.name = "kerberos-tcp",
	.summary = "Kerberos AS-REQ for a made-up principal over TCP: KRB-ERROR fields",
	.ports = krb_ports,
	.max_reply = 8192,
	.timeout_ms = 3000,
	.hello = krb_hello_tcp,
	.parse = krb_parse_tcp,
};
