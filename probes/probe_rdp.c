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
 * The reply parser reads the TPKT header, checks its length against what
 * arrived and against 11..1024 (zgrab2's bounds), then the X.224 header
 * inside the length indicator, then optional negotiation data.  Unlike
 * masscan (STYLE.md 1.2) nothing here trusts a length it has not checked:
 * the 12-byte reply with one trailing byte is just "no negotiation data".
 */
#include <string.h>

#include "probe.h"

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

static int
rdp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint32_t offer[] = { RDP_PROTO_SSL | RDP_PROTO_HYBRID | RDP_PROTO_HYBRID_EX,
					  RDP_PROTO_RDP, RDP_PROTO_SSL };
	char cookie[64];
	size_t cl = 0, n;
	uint32_t req;
	const char *id = ctx->scanner_id ? ctx->scanner_id : "heiiki";

	if (ctx->step < 0 || ctx->step > 2)
		return -1;
	req = offer[ctx->step];
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
rdp_step_a(json_t *out, json_t *o, const struct rdp_cc *cc)
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
	if (cc->value == RDP_PROTO_SSL || cc->value == RDP_PROTO_RDP) {
		json_object_set_new(o, "accepts_tls_without_nla", json_true());
		json_object_set_new(o, "nla_enforced", json_false());
		probe_risk(out, "rdp-no-nla");
	}
	return PROBE_RECONNECT;
}

static enum probe_verdict
rdp_later_step(const struct probe_ctx *ctx, json_t *out, json_t *o, const struct rdp_cc *cc)
{
	const char *key = ctx->step == 1 ? "accepts_standard_rdp" : "accepts_tls_without_nla";
	uint32_t want = ctx->step == 1 ? RDP_PROTO_RDP : RDP_PROTO_SSL;
	int ok = !cc->has_neg || (cc->type == 2 && cc->value == want);
	json_t *sel = json_object_get(o, "selected_protocol_code");
	json_int_t a = json_integer_value(sel);

	json_object_set_new(o, key, json_boolean(ok));
	if (cc->has_neg && cc->type == 3)
		rdp_failure(o, ctx->step == 1 ? "failure_rdp_only" : "failure_tls_only", cc->value);
	if (ok)
		probe_risk(out, "rdp-no-nla");
	/* Step C only matters when A picked CredSSP and B did not already say no-NLA */
	if (ctx->step == 1 && !ok && json_is_integer(sel) &&
	    (a == RDP_PROTO_HYBRID || a == RDP_PROTO_HYBRID_EX) &&
	    !json_object_get(o, "accepts_tls_without_nla"))
		return PROBE_RECONNECT;
	json_object_set_new(o, "nla_enforced", json_boolean(
		!json_is_true(json_object_get(o, "accepts_standard_rdp")) &&
		!json_is_true(json_object_get(o, "accepts_tls_without_nla"))));
	return PROBE_MATCH;
}

static enum probe_verdict
rdp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct rdp_cc cc;
	enum probe_verdict v = rdp_read_cc(in, ctx->eof, &cc);
	json_t *o;

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
		return rdp_step_a(out, o, &cc);
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
