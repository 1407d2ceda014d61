/*
 * probe_ike.c - IKE/IPsec responder: IKEv1 and IKEv2, vendor IDs, refusals.
 *
 * Step 0 sends the first IKEv1 Main Mode message (RFC 2408/2409) with
 * one proposal of four transforms (AES-256/SHA2-256/group 14,
 * AES-128/SHA-1/group 14, 3DES/SHA-1/group 2, 3DES/MD5/group 2; all
 * pre-shared key; 200 bytes, reference section 9.2).  Never Aggressive
 * Mode: that makes PSK responders hand out material that can be attacked
 * offline.  Step 1 (a new exchange) sends IKEv2 IKE_SA_INIT (RFC 7296)
 * with SA (AES-CBC-256, HMAC-SHA2-256 PRF/INTEG, MODP-2048), a KE payload
 * of 256 random bytes for group 14 (first byte < 0x80 so it is below the
 * prime) and a 32-byte nonce: a complete, well-formed first message, so a
 * responder answers with SA+KE+Nonce or a notify.  Nothing after the
 * first message is ever sent (no IKE_AUTH, no Main Mode message 3).
 *
 * Any reply with our initiator cookie proves an IKE responder, including
 * NO_PROPOSAL_CHOSEN and INVALID_KE_PAYLOAD notifies.  Vendor ID
 * payloads are listed as hex and matched by prefix against a small table
 * taken from reference section 9.4 (plus MD5-of-name VIDs such as
 * strongSwan's).  On UDP 4500 every datagram carries the 4-byte non-ESP
 * marker (RFC 3948 2.2).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "probe.h"

#define IKE_HDR		28
#define IKE_MAX		4096
#define IKE_MAX_PAYLOADS 32

static const uint16_t ike_ports[] = { 500, 4500, 0 };

struct ike_vid {
	const char *hex;	/* prefix, lower case */
	const char *name;
	int product;		/* names a product, not a capability */
};

static const struct ike_vid ike_vids[] = {
	{ "882fe56d6fd20dbc2251613b2ebe5beb", "strongSwan", 1 },
	{ "1d6e178f6c2c0be284985465450fe9d4", "Fortinet FortiGate", 1 },
	{ "8299031757a36082c6a621de", "Fortinet FortiGate", 1 },
	{ "f4ed19e0c114eb516faaac0ee37daf2807b4381f", "Check Point VPN-1", 1 },
	{ "5b362bc820f60001", "SonicWall", 1 },
	{ "5b362bc820f60003", "SonicWall", 1 },
	{ "5b362bc820f60006", "SonicWall", 1 },
	{ "5b362bc820f60007", "SonicWall", 1 },
	{ "404bf439522ca3f6", "SonicWall", 1 },
	{ "da8e937880010000", "SonicWall", 1 },
	{ "166f932d55eb64d8e4df4fd37e2313f0d0fd8451", "Juniper NetScreen", 1 },
	{ "1e2b516905991c7d7c96fcbfb587e461", "Microsoft Windows", 1 },
	{ "3e984048", "Cisco IOS", 1 },
	{ "12f5f28c457168a9702d9fe274cc", "Cisco Unity", 0 },
	{ "09002689dfd6b712", "XAUTH", 0 },
	{ "afcad71368a1f1c96b8696fc77570100", "Dead Peer Detection v1.0", 0 },
	{ "4a131c81070358455c5728f20e95452f", "RFC 3947 NAT-T", 0 },
	{ "90cb80913ebb696e086381b5ec427b1f", "draft-ietf-ipsec-nat-t-ike-02\\n", 0 },
	{ "cd60464335df21f87cfdb2fc68b6a448", "draft-ietf-ipsec-nat-t-ike-02", 0 },
	{ "7d9419a65310ca6f2c179d9215529d56", "draft-ietf-ipsec-nat-t-ike-03", 0 },
	{ "4485152d18b6bbcd0be8a8469579ddcc", "draft-ietf-ipsec-nat-t-ike-00", 0 },
	{ "4048b7d56ebce88525e7de7f00d6c2d3", "IKE fragmentation", 0 },
};

/* v1 transform: encryption, key length (0 = none), hash, group. */
static const uint16_t ike_v1_transforms[4][4] = {
	{ 7, 256, 4, 14 },
	{ 7, 128, 2, 14 },
	{ 5, 0, 2, 2 },
	{ 5, 0, 1, 2 },
};

static json_t *
ike_obj(json_t *out)
{
	json_t *o = json_object_get(out, "ike");

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "ike", o);
	}
	return o;
}

static json_t *
ike_sub(json_t *out, const char *name)
{
	json_t *ike = ike_obj(out), *o = json_object_get(ike, name);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(ike, name, o);
	}
	return o;
}

/*
 * Initiator cookie/SPI: FNV-1a 64 of target, step and the send time
 * (seconds), never zero.  The time matters: responders keep half-open
 * state keyed by our SPI, and a repeated SPI from a new source port is
 * taken as a retransmission and answered to the old port (seen with
 * charon).  parse() recomputes it for the last IKE_WINDOW seconds.
 */
#define IKE_WINDOW 60

static void
ike_cookie_at(const struct probe_ctx *ctx, int64_t t, uint8_t c[8])
{
	uint64_t h = 14695981039346656037ULL;
	const char *s = ctx->host ? ctx->host : "";

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	h = (h ^ ctx->port) * 1099511628211ULL;
	h = (h ^ (unsigned)ctx->step) * 1099511628211ULL;
	h = (h ^ (uint64_t)t) * 1099511628211ULL;
	h |= 1;
	for (int i = 0; i < 8; i++)
		c[i] = (uint8_t)(h >> (56 - 8 * i));
}

static void
ike_cookie(const struct probe_ctx *ctx, uint8_t c[8])
{
	ike_cookie_at(ctx, ctx->now, c);
}

/* Is this one of the cookies we sent in the last IKE_WINDOW seconds? */
static int
ike_cookie_ours(const struct probe_ctx *ctx, const uint8_t c[8])
{
	uint8_t mine[8];

	for (int64_t t = ctx->now; t >= 0 && t > ctx->now - IKE_WINDOW; t--) {
		ike_cookie_at(ctx, t, mine);
		if (!memcmp(mine, c, 8))
			return 1;
	}
	return 0;
}

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

/* ISAKMP header with our cookie; length is patched by the caller. */
static void
ike_header(const struct probe_ctx *ctx, uint8_t *p, uint8_t next, uint8_t ver,
    uint8_t exch, uint8_t flags)
{
	memset(p, 0, IKE_HDR);
	ike_cookie(ctx, p);
	p[16] = next;
	p[17] = ver;
	p[18] = exch;
	p[19] = flags;
}

/* One IKEv1 transform (RFC 2408 3.6) with TV attributes; returns its size. */
static size_t
ike_v1_transform(uint8_t *p, int num, int last)
{
	const uint16_t *t = ike_v1_transforms[num];
	size_t o = 8;

	p[0] = last ? 0 : 3;
	p[1] = 0;
	p[4] = (uint8_t)(num + 1);
	p[5] = 1;		/* KEY_IKE */
	p[6] = p[7] = 0;
	put_be16(p + o, 0x8001); put_be16(p + o + 2, t[0]); o += 4;
	if (t[1]) {
		put_be16(p + o, 0x800e); put_be16(p + o + 2, t[1]); o += 4;
	}
	put_be16(p + o, 0x8002); put_be16(p + o + 2, t[2]); o += 4;
	put_be16(p + o, 0x8003); put_be16(p + o + 2, 1); o += 4;	/* PSK */
	put_be16(p + o, 0x8004); put_be16(p + o + 2, t[3]); o += 4;
	put_be16(p + o, 0x800b); put_be16(p + o + 2, 1); o += 4;	/* seconds */
	put_be16(p + o, 0x000c); put_be16(p + o + 2, 4); o += 4;	/* TLV */
	put_be32(p + o, 28800); o += 4;
	put_be16(p + 2, (uint16_t)o);
	return o;
}

static size_t
ike_hello_v1(const struct probe_ctx *ctx, uint8_t *p)
{
	size_t o = IKE_HDR, sa = o, prop;

	ike_header(ctx, p, 1, 0x10, 2, 0);
	p[o] = 0;
	p[o + 1] = 0;
	put_be32(p + o + 4, 1);		/* DOI IPsec */
	put_be32(p + o + 8, 1);		/* SIT_IDENTITY_ONLY */
	o += 12;
	prop = o;
	p[o] = 0;
	p[o + 1] = 0;
	p[o + 4] = 1;			/* proposal # */
	p[o + 5] = 1;			/* PROTO_ISAKMP */
	p[o + 6] = 0;			/* SPI size */
	p[o + 7] = 4;
	o += 8;
	for (int i = 0; i < 4; i++)
		o += ike_v1_transform(p + o, i, i == 3);
	put_be16(p + prop + 2, (uint16_t)(o - prop));
	put_be16(p + sa + 2, (uint16_t)(o - sa));
	put_be32(p + 24, (uint32_t)o);
	return o;
}

/* IKEv2 transform substructure (RFC 7296 3.3.2); returns its size. */
static size_t
ike_v2_transform(uint8_t *p, uint8_t type, uint16_t id, uint16_t keylen, int last)
{
	size_t n = keylen ? 12 : 8;

	p[0] = last ? 0 : 3;
	p[1] = 0;
	put_be16(p + 2, (uint16_t)n);
	p[4] = type;
	p[5] = 0;
	put_be16(p + 6, id);
	if (keylen) {
		put_be16(p + 8, 0x800e);
		put_be16(p + 10, keylen);
	}
	return n;
}

static size_t
ike_hello_v2(const struct probe_ctx *ctx, uint8_t *p, const uint8_t rnd[288])
{
	size_t o = IKE_HDR, sa = o, prop;

	ike_header(ctx, p, 33, 0x20, 34, 0x08);
	p[o] = 34;			/* next: KE */
	p[o + 1] = 0;
	o += 4;
	prop = o;
	p[o] = 0;
	p[o + 1] = 0;
	p[o + 4] = 1;
	p[o + 5] = 1;			/* IKE */
	p[o + 6] = 0;
	p[o + 7] = 4;
	o += 8;
	o += ike_v2_transform(p + o, 1, 12, 256, 0);	/* ENCR_AES_CBC-256 */
	o += ike_v2_transform(p + o, 2, 5, 0, 0);	/* PRF_HMAC_SHA2_256 */
	o += ike_v2_transform(p + o, 3, 12, 0, 0);	/* AUTH_HMAC_SHA2_256_128 */
	o += ike_v2_transform(p + o, 4, 14, 0, 1);	/* MODP-2048 */
	put_be16(p + prop + 2, (uint16_t)(o - prop));
	put_be16(p + sa + 2, (uint16_t)(o - sa));
	p[o] = 40;			/* KE, next: Nonce */
	p[o + 1] = 0;
	put_be16(p + o + 2, 8 + 256);
	put_be16(p + o + 4, 14);
	put_be16(p + o + 6, 0);
	memcpy(p + o + 8, rnd, 256);
	p[o + 8] &= 0x7f;
	o += 8 + 256;
	p[o] = 0;			/* Nonce, last */
	p[o + 1] = 0;
	put_be16(p + o + 2, 4 + 32);
	memcpy(p + o + 4, rnd + 256, 32);
	o += 36;
	put_be32(p + 24, (uint32_t)o);
	return o;
}

static int
ike_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	size_t mark = ctx->port == 4500 ? 4 : 0, n;
	uint8_t rnd[288];

	if (cap < mark + 400 || ctx->step < 0 || ctx->step > 1)
		return -1;
	memset(buf, 0, mark);
	if (ctx->step == 0) {
		n = ike_hello_v1(ctx, buf + mark);
	} else {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		n = ike_hello_v2(ctx, buf + mark, rnd);
	}
	*len = mark + n;
	return 0;
}

static void
ike_vendor_id(json_t *out, struct rd *v)
{
	json_t *ike = ike_obj(out), *list = json_object_get(ike, "vendor_ids"), *e;
	size_t n = rd_left(v) > 64 ? 64 : rd_left(v);
	char hex[129];

	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", rd_ptr(v)[i]);
	hex[2 * n] = '\0';
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(ike, "vendor_ids", list);
	}
	e = json_pack("{s:s}", "hex", hex);
	for (size_t i = 0; i < sizeof(ike_vids) / sizeof(ike_vids[0]); i++) {
		const struct ike_vid *k = &ike_vids[i];

		if (strncmp(hex, k->hex, strlen(k->hex)))
			continue;
		json_object_set_new(e, "name", json_string(k->name));
		if (k->product && !json_object_get(out, "product"))
			json_object_set_new(out, "product", json_string(k->name));
		break;
	}
	json_array_append_new(list, e);
}

static const char *
ike_v1_notify_name(uint16_t t)
{
	switch (t) {
	case 1: return "INVALID-PAYLOAD-TYPE";
	case 5: return "INVALID-MAJOR-VERSION";
	case 7: return "INVALID-EXCHANGE-TYPE";
	case 13: return "ATTRIBUTES-NOT-SUPPORTED";
	case 14: return "NO-PROPOSAL-CHOSEN";
	case 16: return "PAYLOAD-MALFORMED";
	default: return NULL;
	}
}

static const char *
ike_v2_notify_name(uint16_t t)
{
	switch (t) {
	case 7: return "INVALID_SYNTAX";
	case 14: return "NO_PROPOSAL_CHOSEN";
	case 17: return "INVALID_KE_PAYLOAD";
	case 16388: return "NAT_DETECTION_SOURCE_IP";
	case 16389: return "NAT_DETECTION_DESTINATION_IP";
	case 16390: return "COOKIE";
	case 16404: return "MULTIPLE_AUTH_SUPPORTED";
	case 16418: return "REDIRECT_SUPPORTED";
	case 16430: return "IKEV2_FRAGMENTATION_SUPPORTED";
	case 16431: return "SIGNATURE_HASH_ALGORITHMS";
	default: return NULL;
	}
}

static void
ike_notify_add(json_t *o, const char *name, uint16_t type)
{
	json_t *list = json_object_get(o, "notify");
	char s[16];

	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(o, "notify", list);
	}
	snprintf(s, sizeof(s), "%u", type);
	json_array_append_new(list, json_string(name ? name : s));
	if (type < 16384 && name && !json_object_get(o, "error"))
		json_object_set_new(o, "error", json_string(name));
}

static const char *
ike_v1_enc(uint16_t v)
{
	return v == 1 ? "DES" : v == 5 ? "3DES" : v == 7 ? "AES-CBC" : "other";
}

static const char *
ike_v1_hash(uint16_t v)
{
	return v == 1 ? "MD5" : v == 2 ? "SHA1" : v == 4 ? "SHA2-256" : "other";
}

/* IKEv1 SA reply: the one transform the responder chose. */
static int
ike_v1_sa(struct rd *sa, json_t *o, json_t *out)
{
	struct rd prop, tr;
	uint8_t spisz, ntr;
	uint16_t enc = 0, hash = 0, group = 0, keylen = 0;

	if (!rd_skip(sa, 8) || !rd_skip(sa, 2) || !rd_be16(sa, &enc) ||
	    enc < 8 || !rd_sub(sa, &prop, enc - 4) || !rd_skip(&prop, 2) ||
	    !rd_u8(&prop, &spisz) || !rd_u8(&prop, &ntr) || !rd_skip(&prop, spisz) ||
	    !rd_skip(&prop, 2) || !rd_be16(&prop, &enc) || enc < 8 ||
	    !rd_sub(&prop, &tr, enc - 4) || !rd_skip(&tr, 4))
		return -1;
	enc = 0;
	while (rd_left(&tr)) {
		uint16_t type, val;
		struct rd skip;

		if (!rd_be16(&tr, &type))
			return -1;
		if (!(type & 0x8000)) {		/* TLV: skip */
			if (!rd_be16_prefixed(&tr, &skip))
				return -1;
			continue;
		}
		if (!rd_be16(&tr, &val))
			return -1;
		switch (type & 0x7fff) {
		case 1: enc = val; break;
		case 2: hash = val; break;
		case 4: group = val; break;
		case 14: keylen = val; break;
		}
	}
	json_object_set_new(o, "transform", json_pack("{s:s,s:i,s:s,s:i}",
	    "encryption", ike_v1_enc(enc), "key_length", keylen,
	    "hash", ike_v1_hash(hash), "group", group));
	if (enc == 1 || hash == 1 || group == 1 || group == 2)
		probe_risk(out, "ike-weak-transform");
	return 0;
}

/* Notification (v1 has a 4-byte DOI first); INVALID_KE carries a group. */
static int
ike_notify(struct rd *n, json_t *o, int v2)
{
	uint8_t proto, spisz;
	uint16_t type, group;

	if ((!v2 && !rd_skip(n, 4)) || !rd_u8(n, &proto) || !rd_u8(n, &spisz) ||
	    !rd_be16(n, &type) || !rd_skip(n, spisz))
		return -1;
	ike_notify_add(o, v2 ? ike_v2_notify_name(type) : ike_v1_notify_name(type),
	    type);
	if (v2 && type == 17 && rd_be16(n, &group))
		json_object_set_new(o, "wants_group", json_integer(group));
	return 0;
}

static int
ike_payload(json_t *out, json_t *o, uint8_t type, struct rd *body, int v2)
{
	if (type == (v2 ? 43 : 13)) {
		ike_vendor_id(out, body);
		return 0;
	}
	if (type == (v2 ? 41 : 11))
		return ike_notify(body, o, v2);
	if (!v2 && type == 1) {
		json_object_set_new(o, "accepted", json_true());
		return ike_v1_sa(body, o, out);
	}
	if (v2 && type == 33)
		json_object_set_new(o, "accepted", json_true());
	if (v2 && type == 34) {
		uint16_t group;

		if (rd_be16(body, &group))
			json_object_set_new(o, "dh_group", json_integer(group));
	}
	return 0;
}

/* Walk the generic payload chain (RFC 2408 3.2 / RFC 7296 3.2). */
static int
ike_walk(json_t *out, json_t *o, uint8_t next, struct rd *msg, int v2)
{
	for (int n = 0; next && n < IKE_MAX_PAYLOADS; n++) {
		uint8_t np, flags;
		uint16_t len;
		struct rd body;

		if (!rd_u8(msg, &np) || !rd_u8(msg, &flags) || !rd_be16(msg, &len) ||
		    len < 4 || !rd_sub(msg, &body, len - 4))
			return -1;
		if (ike_payload(out, o, next, &body, v2) < 0)
			return -1;
		next = np;
	}
	return 0;
}

static enum probe_verdict ike_parse_one(const struct probe_ctx *ctx, struct rd *in,
    json_t *out);

static json_t *
ike_v1_obj(json_t *out)
{
	return json_object_get(json_object_get(out, "ike"), "v1");
}

/*
 * Silence at step 0 still tries IKEv2 (IKEv2-only responders drop IKEv1).
 * Step 1 ending without an answer of ours - silence, or bytes that are
 * not ours - keeps what IKEv1 found: a v1-only responder is a responder.
 */
static enum probe_verdict
ike_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	enum probe_verdict v;

	if (ctx->step == 0 && ctx->eof && !rd_left(in)) {
		/* v1 silent: an IKEv2-only responder may still answer step 1 */
		json_object_set_new(ike_sub(out, "v1"), "responded", json_false());
		return PROBE_RECONNECT;
	}
	v = ike_parse_one(ctx, in, out);
	if (ctx->step == 1 && ctx->eof && (v == PROBE_NO_MATCH || v == PROBE_NEED_MORE) &&
	    json_is_true(json_object_get(ike_v1_obj(out), "responded"))) {
		json_object_set_new(ike_sub(out, "v2"), "responded", json_false());
		return PROBE_MATCH;
	}
	return v;
}

static enum probe_verdict
ike_parse_one(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t icookie[8], rcookie[8], next, ver, exch, flags;
	uint32_t msgid, len;
	struct rd msg;
	json_t *o;
	int v2;

	if (ctx->port == 4500 && !rd_skip(in, 4))
		return PROBE_NO_MATCH;
	if (!rd_copy(in, icookie, 8) || !ike_cookie_ours(ctx, icookie))
		return PROBE_NO_MATCH;
	if (!rd_copy(in, rcookie, 8) || !rd_u8(in, &next) || !rd_u8(in, &ver) ||
	    !rd_u8(in, &exch) || !rd_u8(in, &flags) || !rd_be32(in, &msgid) ||
	    !rd_be32(in, &len))
		return PROBE_MALFORMED;
	if ((ver >> 4) != 1 && (ver >> 4) != 2)
		return PROBE_NO_MATCH;
	if (len < IKE_HDR || len - IKE_HDR > rd_left(in) ||
	    !rd_sub(in, &msg, len - IKE_HDR))
		return PROBE_MALFORMED;
	v2 = (ver >> 4) == 2;
	json_object_set_new(out, "service", json_string("ike"));
	o = ike_sub(out, v2 ? "v2" : "v1");
	json_object_set_new(o, "responded", json_true());
	json_object_set_new(o, "exchange", json_integer(exch));
	/* Encrypted payloads (v1 flag 0x01; v2 SK) are not walked. */
	if (!(!v2 && (flags & 1)) && ike_walk(out, o, next, &msg, v2) < 0)
		return PROBE_MALFORMED;
	return ctx->step == 0 ? PROBE_RECONNECT : PROBE_MATCH;
}

const struct probe probe_ike = {
	.name = "ike",
	.summary = "IKEv1 Main Mode and IKEv2 IKE_SA_INIT first messages; vendor IDs and refusals",
	.ports = ike_ports,
	.flags = PROBE_UDP | PROBE_BY_PORT_ONLY,
	.max_reply = IKE_MAX,
	.timeout_ms = 2000,
	.hello = ike_hello,
	.parse = ike_parse,
};
