/*
 * probe_rdp.c - RDP security negotiation (probes.md section 3).
 *
 * Step A (ctx->step 0) sends an X.224 Connection Request with the cookie
 * "mstshash=<scanner id>" and RDP_NEG_REQ offering SSL|HYBRID|HYBRID_EX,
 * and reads the Connection Confirm: the protocol the server picks, or its
 * RDP_NEG_FAILURE code.  Step B (new connection) offers PROTOCOL_RDP only:
 * does the server still accept Standard RDP Security?  Step C (only when A
 * picked CredSSP) offers SSL only: TLS without NLA?  "rdp-no-nla" is set
 * when any non-NLA protocol is accepted.
 *
 * NTLM information (only when ctx->access_check: not on a host with a
 * fragile port, not in a clinical zone or outside every zone): when step A
 * picked CredSSP (HYBRID or HYBRID_EX), the same connection does the TLS
 * handshake (PROBE_NEXT_STEP_TLS) and sends one CredSSP TSRequest (MS-CSSP
 * 2.2.1, version 6) whose negoTokens carry an NTLMSSP NEGOTIATE; the
 * server's TSRequest carries the NTLMSSP CHALLENGE, read by ntlmssp.c:
 * NetBIOS / DNS computer and domain names and the OS version, whose build
 * becomes "os" / "os_build" as on the SMB path (Windows support end in the
 * inventory).  No AUTHENTICATE is ever sent: no logon is attempted.  Steps
 * B and C then follow on new connections (plan key "_rdp_ntlm").
 *
 * Product: "Microsoft Terminal Services" when the challenge carries a
 * Windows build; "xrdp" when A picked TLS although CredSSP was offered,
 * the negotiation flags are EXTENDED_CLIENT_DATA only, and B still accepts
 * Standard RDP Security.  No Windows security-layer setting answers that
 * way (Negotiate picks CredSSP when offered, SSL refuses B, RDP does not
 * pick TLS in A); the real Debian xrdp does (tests/lab/test_probes_f.sh).
 * The Windows replies of the unit tests are built from MS-RDPBCGR, MS-CSSP
 * and MS-NLMP (tests/probes/data/rdp/make_windows_spec.py), not recorded.
 *
 * The reply parser reads the TPKT header, checks its length against what
 * arrived and against 11..1024 (zgrab2's bounds), then the X.224 header
 * inside the length indicator, then optional negotiation data.  Unlike
 * masscan (STYLE.md 1.2) nothing here trusts a length it has not checked:
 * the 12-byte reply with one trailing byte is just "no negotiation data".
 */
#include <string.h>

#include "probe.h"
#include "ntlmssp.h"

#define RDP_PROTO_RDP 0x0
#define RDP_PROTO_SSL 0x1
#define RDP_PROTO_HYBRID 0x2
#define RDP_PROTO_RDSTLS 0x4
#define RDP_PROTO_HYBRID_EX 0x8

static const uint16_t rdp_ports[] = { 3389, 3388, 0 };

static const char *const rdp_failures[] = {
	NULL, "SSL_REQUIRED_BY_SERVER", "SSL_NOT_ALLOWED_BY_SERVER",
	"SSL_CERT_NOT_ON_SERVER", "INCONSISTENT_FLAGS", "HYBRID_REQUIRED_BY_SERVER",
	"SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
};

static const char *
rdp_proto_name(uint32_t p)
{
	switch (p) {
	case RDP_PROTO_RDP:	return "rdp";
	case RDP_PROTO_SSL:	return "tls";
	case RDP_PROTO_HYBRID:	return "credssp";
	case RDP_PROTO_RDSTLS:	return "rdstls";
	case RDP_PROTO_HYBRID_EX: return "credssp-early-auth";
	case 0x10:		return "rdsaad";
	}
	return "unknown";
}

enum rdp_phase { RDP_A, RDP_NTLM, RDP_B, RDP_C, RDP_END };

static enum rdp_phase
rdp_phase(const struct probe_ctx *ctx)
{
	static const enum rdp_phase plain[] = { RDP_A, RDP_B, RDP_C, RDP_END };
	static const enum rdp_phase ntlm[] = { RDP_A, RDP_NTLM, RDP_B, RDP_C };

	if (ctx->step < 0 || ctx->step > 3)
		return RDP_END;
	return json_is_true(json_object_get(ctx->out, "_rdp_ntlm")) ? ntlm[ctx->step] :
	    plain[ctx->step];
}

/* CredSSP TSRequest {version 6, negoTokens {{negoToken NTLM NEGOTIATE}}} */
static int
rdp_tsrequest(uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t head[] = {
		0x30, 0x37,				/* TSRequest */
		0xa0, 0x03, 0x02, 0x01, 0x06,		/* version 6 */
		0xa1, 0x30, 0x30, 0x2e, 0x30, 0x2c,	/* negoTokens: NegoData */
		0xa0, 0x2a, 0x04, 0x28,			/* negoToken OCTET STRING (40) */
	};

	if (cap < sizeof(head) + NTLMSSP_NEGOTIATE_LEN)
		return -1;
	memcpy(buf, head, sizeof(head));
	if (ntlmssp_negotiate(buf + sizeof(head), cap - sizeof(head)) < 0)
		return -1;
	*len = sizeof(head) + NTLMSSP_NEGOTIATE_LEN;
	return 0;
}

static int
rdp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint32_t offer[] = { RDP_PROTO_SSL | RDP_PROTO_HYBRID | RDP_PROTO_HYBRID_EX,
					  RDP_PROTO_RDP, RDP_PROTO_SSL };
	char cookie[64];
	size_t cl = 0, n;
	uint32_t req;
	const char *id = ctx->scanner_id ? ctx->scanner_id : "heiiki";

	switch (rdp_phase(ctx)) {
	case RDP_A:	req = offer[0]; break;
	case RDP_B:	req = offer[1]; break;
	case RDP_C:	req = offer[2]; break;
	case RDP_NTLM:	return ctx->access_check ? rdp_tsrequest(buf, cap, len) : -1;
	default:	return -1;
	}
	/* cookie: only token characters, at most 32 of them */
	memcpy(cookie, "Cookie: mstshash=", 17);
	cl = 17;
	for (const char *p = id; *p && cl < 17 + 32; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			cookie[cl++] = *p;
	cookie[cl++] = '\r';
	cookie[cl++] = '\n';
	n = 11 + cl + 8;
	if (cap < n)
		return -1;
	buf[0] = 3;
	buf[1] = 0;
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	buf[4] = (uint8_t)(n - 5);	/* LI: bytes after itself */
	buf[5] = 0xe0;			/* Connection Request */
	memset(buf + 6, 0, 5);		/* DST-REF, SRC-REF, class 0 */
	memcpy(buf + 11, cookie, cl);
	buf[11 + cl] = 0x01;		/* TYPE_RDP_NEG_REQ */
	buf[12 + cl] = 0x00;		/* no flags */
	buf[13 + cl] = 0x08;
	buf[14 + cl] = 0x00;
	buf[15 + cl] = (uint8_t)req;
	buf[16 + cl] = (uint8_t)(req >> 8);
	buf[17 + cl] = (uint8_t)(req >> 16);
	buf[18 + cl] = (uint8_t)(req >> 24);
	*len = n;
	return 0;
}

struct rdp_cc {
	uint16_t srcref;
	int has_neg;
	uint8_t type, flags;
	uint32_t value;
};

/* Parse one Connection Confirm; returns NEED_MORE, NO_MATCH, MALFORMED or MATCH. */
static enum probe_verdict
rdp_read_cc(struct rd *in, int eof, struct rdp_cc *cc)
{
	uint8_t ver, rsv, li, code, cls, nt, nf;
	uint16_t tlen, dst, nlen;
	uint32_t val;
	struct rd pkt, x224;

	if (!rd_left(in))
		return eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (rd_ptr(in)[0] != 3)
		return PROBE_NO_MATCH;
	if (rd_left(in) < 4)
		return eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	if (!rd_u8(in, &ver) || !rd_u8(in, &rsv) || !rd_be16(in, &tlen))
		return PROBE_MALFORMED;
	if (ver != 3)
		return PROBE_NO_MATCH;
	if (tlen < 11 || tlen > 1024)
		return PROBE_MALFORMED;
	if (rd_left(in) < (size_t)tlen - 4)
		return eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	if (!rd_sub(in, &pkt, (size_t)tlen - 4) || !rd_u8(&pkt, &li) || li < 6 ||
	    !rd_sub(&pkt, &x224, li))
		return PROBE_MALFORMED;
	if (!rd_u8(&x224, &code))
		return PROBE_MALFORMED;
	if ((code & 0xf0) != 0xd0)
		return PROBE_NO_MATCH;
	if (!rd_be16(&x224, &dst) || !rd_be16(&x224, &cc->srcref) || !rd_u8(&x224, &cls))
		return PROBE_MALFORMED;
	cc->has_neg = 0;
	if (rd_left(&x224) == 0)
		return PROBE_MATCH;
	if (!rd_u8(&x224, &nt) || !rd_u8(&x224, &nf) || !rd_le16(&x224, &nlen) ||
	    nlen != 8 || !rd_le32(&x224, &val) || (nt != 2 && nt != 3))
		return PROBE_MALFORMED;
	cc->has_neg = 1;
	cc->type = nt;
	cc->flags = nf;
	cc->value = val;
	return PROBE_MATCH;
}

static void
rdp_flags(json_t *o, uint8_t f)
{
	static const char *const names[] = { "extended_client_data", "dynvc_gfx",
		"reserved", "restricted_admin", "redirected_auth" };
	json_t *a = json_array();

	for (int i = 0; i < 5; i++)
		if (f & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	json_object_set_new(o, "neg_flags", a);
}

static void
rdp_failure(json_t *o, const char *key, uint32_t code)
{
	char buf[24];

	if (code < sizeof(rdp_failures) / sizeof(rdp_failures[0]) && rdp_failures[code])
		json_object_set_new(o, key, json_string(rdp_failures[code]));
	else {
		snprintf(buf, sizeof(buf), "code-%u", code);
		json_object_set_new(o, key, json_string(buf));
	}
}

/* Step A: which protocol does the server pick among SSL|HYBRID|HYBRID_EX? */
static enum probe_verdict
rdp_step_a(const struct probe_ctx *ctx, json_t *out, json_t *o, const struct rdp_cc *cc)
{
	/*
	 * SRC-REF 0x1234 is what Windows sends (RDPBCGR 3.3.5.3.2), but xrdp
	 * 0.9.x sends it too (recorded in tests/probes/data/rdp/), so it is
	 * only a hint and no product is claimed from it.
	 */
	json_object_set_new(o, "implementation_hint", json_string(cc->srcref == 0x1234 ?
			    "microsoft-or-xrdp" : "xrdp-or-other"));
	if (!cc->has_neg) {
		/* pre-negotiation server: Standard RDP Security only */
		json_object_set_new(o, "selected_protocol", json_string("rdp"));
		json_object_set_new(o, "negotiation", json_false());
		json_object_set_new(o, "accepts_standard_rdp", json_true());
		json_object_set_new(o, "nla_enforced", json_false());
		probe_risk(out, "rdp-no-nla");
		return PROBE_MATCH;
	}
	json_object_set_new(o, "negotiation", json_true());
	if (cc->type == 3) {
		rdp_failure(o, "failure", cc->value);
		if (cc->value == 2) {	/* SSL not allowed: only Standard RDP */
			json_object_set_new(o, "accepts_standard_rdp", json_true());
			json_object_set_new(o, "nla_enforced", json_false());
			probe_risk(out, "rdp-no-nla");
			return PROBE_MATCH;
		}
		return PROBE_RECONNECT;
	}
	json_object_set_new(o, "selected_protocol", json_string(rdp_proto_name(cc->value)));
	json_object_set_new(o, "selected_protocol_code", json_integer(cc->value));
	rdp_flags(o, cc->flags);
	json_object_set_new(out, "_rdp_neg_flags", json_integer(cc->flags));
	if (cc->value == RDP_PROTO_SSL || cc->value == RDP_PROTO_RDP) {
		json_object_set_new(o, "accepts_tls_without_nla", json_true());
		json_object_set_new(o, "nla_enforced", json_false());
		probe_risk(out, "rdp-no-nla");
	}
	if ((cc->value == RDP_PROTO_HYBRID || cc->value == RDP_PROTO_HYBRID_EX) && ctx->access_check) {
		/* CredSSP: TLS on this connection, then the NTLM NEGOTIATE */
		json_object_set_new(out, "_rdp_ntlm", json_true());
		return PROBE_NEXT_STEP_TLS;
	}
	return PROBE_RECONNECT;
}

/* xrdp: TLS picked although CredSSP was offered, flags EXTENDED_CLIENT_DATA
 * only, and Standard RDP Security still accepted (see the header). */
static void
rdp_product(json_t *out, json_t *o)
{
	json_int_t sel = json_integer_value(json_object_get(o, "selected_protocol_code"));

	if (json_object_get(out, "product"))
		return;
	if (json_is_integer(json_object_get(o, "selected_protocol_code")) && sel == RDP_PROTO_SSL &&
	    json_integer_value(json_object_get(out, "_rdp_neg_flags")) == 0x01 &&
	    json_is_true(json_object_get(o, "accepts_standard_rdp"))) {
		json_object_set_new(out, "product", json_string("xrdp"));
		json_object_set_new(o, "implementation_hint", json_string("xrdp"));
	}
}

static enum probe_verdict
rdp_later_step(const struct probe_ctx *ctx, json_t *out, json_t *o, const struct rdp_cc *cc)
{
	int b = rdp_phase(ctx) == RDP_B;
	const char *key = b ? "accepts_standard_rdp" : "accepts_tls_without_nla";
	uint32_t want = b ? RDP_PROTO_RDP : RDP_PROTO_SSL;
	int ok = !cc->has_neg || (cc->type == 2 && cc->value == want);
	json_t *sel = json_object_get(o, "selected_protocol_code");
	json_int_t a = json_integer_value(sel);

	json_object_set_new(o, key, json_boolean(ok));
	if (cc->has_neg && cc->type == 3)
		rdp_failure(o, b ? "failure_rdp_only" : "failure_tls_only", cc->value);
	if (ok)
		probe_risk(out, "rdp-no-nla");
	/* Step C only matters when A picked CredSSP and B did not already say no-NLA */
	if (b && !ok && json_is_integer(sel) &&
	    (a == RDP_PROTO_HYBRID || a == RDP_PROTO_HYBRID_EX) &&
	    !json_object_get(o, "accepts_tls_without_nla"))
		return PROBE_RECONNECT;
	json_object_set_new(o, "nla_enforced", json_boolean(
		!json_is_true(json_object_get(o, "accepts_standard_rdp")) &&
		!json_is_true(json_object_get(o, "accepts_tls_without_nla"))));
	rdp_product(out, o);
	return PROBE_MATCH;
}

/*
 * The server's TSRequest after our NTLM NEGOTIATE: one DER SEQUENCE whose
 * length is checked before the challenge inside it is read.  Whatever
 * happens, steps B and C follow (PROBE_RECONNECT).
 */
static enum probe_verdict
rdp_ntlm(const struct probe_ctx *ctx, struct rd *in, json_t *out, json_t *o)
{
	struct rd r = *in;
	uint8_t tag, l0, l1, l2;
	size_t total;
	json_t *n;
	int rc;

	if (!rd_left(in)) {
		if (!ctx->eof)
			return PROBE_NEED_MORE;
		json_object_set_new(o, "ntlm_error", json_string("no CredSSP reply"));
		return PROBE_RECONNECT;
	}
	if (!rd_u8(&r, &tag) || !rd_u8(&r, &l0))
		return ctx->eof ? PROBE_RECONNECT : PROBE_NEED_MORE;
	if (tag != 0x30) {
		json_object_set_new(o, "ntlm_error", json_string("not a TSRequest"));
		return PROBE_RECONNECT;
	}
	if (l0 < 0x80) {
		total = 2 + (size_t)l0;
	} else if (l0 == 0x81 && rd_u8(&r, &l1)) {
		total = 3 + (size_t)l1;
	} else if (l0 == 0x82 && rd_u8(&r, &l1) && rd_u8(&r, &l2)) {
		total = 4 + ((size_t)l1 << 8 | l2);
	} else {
		if (!ctx->eof && (l0 == 0x81 || l0 == 0x82))
			return PROBE_NEED_MORE;
		json_object_set_new(o, "ntlm_error", json_string("bad TSRequest length"));
		return PROBE_RECONNECT;
	}
	if (rd_left(in) < total) {
		if (!ctx->eof)
			return PROBE_NEED_MORE;
		json_object_set_new(o, "ntlm_error", json_string("truncated TSRequest"));
		return PROBE_RECONNECT;
	}
	n = json_object();
	rc = ntlmssp_challenge(rd_ptr(in), total, n, out);
	if (rc == 1) {
		json_object_set_new(o, "ntlm", n);
		if (json_object_get(out, "os"))
			json_object_set_new(out, "product", json_string("Microsoft Terminal Services"));
	} else {
		json_decref(n);
		json_object_set_new(o, "ntlm_error", json_string(rc < 0 ? "malformed challenge" :
								 "no challenge in the TSRequest"));
	}
	return PROBE_RECONNECT;
}

static enum probe_verdict
rdp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct rdp_cc cc;
	enum probe_verdict v;
	json_t *o;

	if (rdp_phase(ctx) == RDP_NTLM) {
		o = json_object_get(out, "rdp");
		if (!json_is_object(o))
			return PROBE_NO_MATCH;
		return rdp_ntlm(ctx, in, out, o);
	}
	v = rdp_read_cc(in, ctx->eof, &cc);
	if (v != PROBE_MATCH) {
		if (ctx->step > 0 && (v == PROBE_NO_MATCH || v == PROBE_MALFORMED) && ctx->eof)
			return PROBE_MATCH;	/* A already identified RDP; keep it */
		if (v == PROBE_MALFORMED)
			json_object_set_new(out, "service", json_string("rdp"));
		return v;
	}
	o = json_object_get(out, "rdp");
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "rdp", o);
	}
	json_object_set_new(out, "service", json_string("rdp"));
	if (ctx->step == 0)
		return rdp_step_a(ctx, out, o, &cc);
	return rdp_later_step(ctx, out, o, &cc);
}

const struct probe probe_rdp = {
	.name = "rdp",
	.summary = "RDP security negotiation: TLS / CredSSP (NLA) / standard RDP",
	.ports = rdp_ports,
	.max_reply = 1024,
	.timeout_ms = 5000,
	.hello = rdp_hello,
	.parse = rdp_parse,
};
