/*
 * test_probe_ike.c - IKE probe: IKEv1 Main Mode and IKEv2 IKE_SA_INIT
 * request layout, replies recorded from strongSwan 5.9.8 charon (normal
 * proposals; 3DES/MODP-1024 only; no connection loaded; UDP 4500; an
 * IKEv2 COOKIE demand after a few half-open SAs) and
 * malformed and synthetic variants (INVALID_KE, vendor IDs, long chains).
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_ike;

#define IKE_HOST "198.18.50.60"

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

Test(probe_ike, hello_v1_main_mode)
{
	struct probe_ctx c = pb_ctx(IKE_HOST, 500, 0);
	uint8_t buf[1024], again[1024];
	size_t len = 0, len2 = 0;

	cr_assert_eq(probe_ike.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 200);
	cr_assert_eq(be32_at(buf + 24), 200);
	cr_assert_eq(buf[16], 1);		/* SA */
	cr_assert_eq(buf[17], 0x10);
	cr_assert_eq(buf[18], 2);		/* Main Mode, never Aggressive (4) */
	cr_assert(memcmp(buf, "\0\0\0\0\0\0\0\0", 8), "non-zero initiator cookie");
	cr_assert(!memcmp(buf + 8, "\0\0\0\0\0\0\0\0", 8));
	cr_assert_eq((buf[30] << 8) | buf[31], 172);	/* SA length */
	cr_assert_eq(buf[28 + 12 + 7], 4);		/* four transforms */
	cr_assert_eq(probe_ike.hello(&c, again, sizeof(again), &len2), 0);
	cr_assert(!memcmp(buf, again, len), "deterministic per target");
	c.port = 4500;
	cr_assert_eq(probe_ike.hello(&c, again, sizeof(again), &len2), 0);
	cr_assert_eq(len2, 204);
	cr_assert(!memcmp(again, "\0\0\0\0", 4), "non-ESP marker");
	cr_assert_eq(probe_ike.hello(&c, buf, 300, &len), -1);
}

Test(probe_ike, hello_v2_sa_init)
{
	struct probe_ctx c = pb_ctx(IKE_HOST, 500, 1), c0 = pb_ctx(IKE_HOST, 500, 0);
	uint8_t buf[1024], v1[1024];
	size_t len = 0, l1;
	size_t ke;

	cr_assert_eq(probe_ike.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 376);
	cr_assert_eq(be32_at(buf + 24), 376);
	cr_assert_eq(buf[16], 33);
	cr_assert_eq(buf[17], 0x20);
	cr_assert_eq(buf[18], 34);
	cr_assert_eq(buf[19], 0x08);
	ke = 28 + ((buf[30] << 8) | buf[31]);
	cr_assert_eq(buf[28], 34, "SA is followed by KE");
	cr_assert_eq((buf[ke + 2] << 8) | buf[ke + 3], 264);
	cr_assert_eq((buf[ke + 4] << 8) | buf[ke + 5], 14);
	cr_assert(buf[ke + 8] < 0x80, "KE value below the MODP-2048 prime");
	cr_assert_eq(buf[ke], 40, "KE is followed by the nonce");
	cr_assert_eq((buf[ke + 264 + 2] << 8) | buf[ke + 264 + 3], 36);
	cr_assert_eq(probe_ike.hello(&c0, v1, sizeof(v1), &l1), 0);
	cr_assert(memcmp(buf, v1, 8), "v1 and v2 use different initiator SPIs");
}

static json_t *
ike_pair(const char *base, const char *host, uint16_t port)
{
	struct probe_ctx c0 = pb_ctx(host, port, 0), c1 = pb_ctx(host, port, 1);
	json_t *out = json_object();
	char n[80];

	snprintf(n, sizeof(n), "%s.step0.bin", base);
	cr_assert_eq(pb_parse_file(&probe_ike, &c0, "ike", n, out), PROBE_RECONNECT);
	snprintf(n, sizeof(n), "%s.step1.bin", base);
	cr_assert_eq(pb_parse_file(&probe_ike, &c1, "ike", n, out), PROBE_MATCH);
	return out;
}

Test(probe_ike, strongswan_v1_and_v2)
{
	json_t *out = ike_pair("strongswan-500", IKE_HOST, 500), *vids;

	cr_assert_str_eq(pb_str(out, NULL, "service"), "ike");
	cr_assert(json_is_true(json_object_get(pb_get(out, "ike", "v1"), "accepted")));
	cr_assert_str_eq(pb_str(pb_get(out, "ike", "v1"), "transform", "encryption"), "AES-CBC");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(pb_get(out, "ike", "v1"),
	    "transform"), "group")), 14);
	cr_assert(json_is_true(json_object_get(pb_get(out, "ike", "v2"), "accepted")));
	cr_assert_eq(json_integer_value(json_object_get(pb_get(out, "ike", "v2"), "dh_group")), 14);
	vids = pb_get(out, "ike", "vendor_ids");
	cr_assert_eq(json_array_size(vids), 2);
	cr_assert_str_eq(pb_str(json_array_get(vids, 0), NULL, "name"), "XAUTH");
	cr_assert_str_eq(pb_str(json_array_get(vids, 1), NULL, "name"), "Dead Peer Detection v1.0");
	cr_assert(!pb_has_risk(out, "ike-weak-transform"));
	json_decref(out);
	out = ike_pair("strongswan-4500", IKE_HOST, 4500);
	cr_assert(json_is_true(json_object_get(pb_get(out, "ike", "v2"), "accepted")));
	json_decref(out);
}

Test(probe_ike, weak_responder_and_notifies)
{
	json_t *out = ike_pair("strongswan-weak-500", "198.18.50.61", 500);
	struct probe_ctx c = pb_ctx(IKE_HOST, 4500, 1);

	c.now = 2;	/* recorded with RECORD_NOW=2 (a fresh SPI per run) */
	cr_assert_str_eq(pb_str(pb_get(out, "ike", "v1"), "transform", "encryption"), "3DES");
	cr_assert(pb_has_risk(out, "ike-weak-transform"));
	cr_assert_str_eq(pb_str(pb_get(out, "ike", "v2"), NULL, "error"), "NO_PROPOSAL_CHOSEN");
	json_decref(out);
	out = json_object();
	cr_assert_eq(pb_parse_file(&probe_ike, &c, "ike", "strongswan-cookie-4500-now2.step1.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(pb_get(out, "ike", "v2"),
	    "notify"), 0)), "COOKIE");
	json_decref(out);
}

Test(probe_ike, not_our_cookie_and_truncations)
{
	struct probe_ctx c = pb_ctx("198.18.50.99", 500, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("ike", "strongswan-500.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_ike, &c, b, len, out), PROBE_NO_MATCH);
	json_decref(out);
	c.host = IKE_HOST;
	pb_truncations(&probe_ike, &c, b, len, 0);
	/* first payload length below 4, then past the end */
	out = json_object();
	b[28 + 2] = 0;
	b[28 + 3] = 3;
	cr_assert_eq(pb_parse(&probe_ike, &c, b, len, out), PROBE_MALFORMED);
	b[28 + 2] = 0xff;
	cr_assert_eq(pb_parse(&probe_ike, &c, b, len, out), PROBE_MALFORMED);
	/* header length past the datagram */
	b[27]++;
	cr_assert_eq(pb_parse(&probe_ike, &c, b, len, out), PROBE_MALFORMED);
	json_decref(out);
	free(b);
	pb_garbage(&probe_ike, IKE_HOST, 500);
	pb_garbage(&probe_ike, IKE_HOST, 4500);
}

/* IKEv2 reply with our SPI: one notify or VID payload chain built here. */
static size_t
v2_reply(uint8_t *r, const struct probe_ctx *c1, const uint8_t *payloads, size_t plen,
    uint8_t first)
{
	uint8_t hello[1024];
	size_t hl;

	cr_assert_eq(probe_ike.hello(c1, hello, sizeof(hello), &hl), 0);
	memcpy(r, hello, 28);
	memset(r + 8, 0x11, 8);
	r[16] = first;
	r[19] = 0x20;
	memcpy(r + 28, payloads, plen);
	r[24] = 0;
	r[25] = 0;
	r[26] = (uint8_t)((28 + plen) >> 8);
	r[27] = (uint8_t)(28 + plen);
	return 28 + plen;
}

Test(probe_ike, invalid_ke_and_vendor_table)
{
	struct probe_ctx c1 = pb_ctx(IKE_HOST, 500, 1);
	static const uint8_t ke[] = { 43, 0, 0, 10, 1, 0, 0, 17, 0, 19,
		0, 0, 0, 20, 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc, 0x22, 0x51,
		0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb };
	uint8_t r[256];
	size_t n = v2_reply(r, &c1, ke, sizeof(ke), 41);
	json_t *out = json_object();

	cr_assert_eq(pb_parse(&probe_ike, &c1, r, n, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(pb_get(out, "ike", "v2"), NULL, "error"), "INVALID_KE_PAYLOAD");
	cr_assert_eq(json_integer_value(json_object_get(pb_get(out, "ike", "v2"), "wants_group")), 19);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "strongSwan");
	json_decref(out);
}

Test(probe_ike, long_payload_chain_is_bounded)
{
	struct probe_ctx c1 = pb_ctx(IKE_HOST, 500, 1);
	uint8_t pl[4 * 200], r[1024];
	size_t n;
	json_t *out = json_object();

	for (int i = 0; i < 200; i++) {
		pl[4 * i] = 43;		/* next: another (empty) vendor ID */
		pl[4 * i + 1] = 0;
		pl[4 * i + 2] = 0;
		pl[4 * i + 3] = 4;
	}
	n = v2_reply(r, &c1, pl, sizeof(pl), 43);
	cr_assert_eq(pb_parse(&probe_ike, &c1, r, n, out), PROBE_MATCH);
	cr_assert_eq(json_array_size(pb_get(out, "ike", "vendor_ids")), 32);
	json_decref(out);
}

Test(probe_ike, unconfigured_charon_refuses_both)
{
	json_t *out = ike_pair("strongswan-noconfig-4500", IKE_HOST, 4500);

	cr_assert_eq(json_integer_value(json_object_get(pb_get(out, "ike", "v1"), "exchange")), 5);
	cr_assert_str_eq(pb_str(pb_get(out, "ike", "v1"), NULL, "error"), "NO-PROPOSAL-CHOSEN");
	cr_assert_str_eq(pb_str(pb_get(out, "ike", "v2"), NULL, "error"), "NO_PROPOSAL_CHOSEN");
	cr_assert_str_eq(pb_str(out, NULL, "service"), "ike");
	json_decref(out);
}

Test(probe_ike, cookie_changes_with_time_and_window)
{
	struct probe_ctx c = pb_ctx(IKE_HOST, 500, 1);
	uint8_t a[1024], r[64];
	size_t la, n;
	json_t *out;

	c.now = 1000;
	cr_assert_eq(probe_ike.hello(&c, a, sizeof(a), &la), 0);
	n = v2_reply(r, &c, (const uint8_t *)"\0\0\0\x08\x01\0\0\x0e", 8, 41);
	c.now = 1000 + 30;	/* reply parsed 30 s later: still ours */
	out = json_object();
	cr_assert_eq(pb_parse(&probe_ike, &c, r, n, out), PROBE_MATCH);
	json_decref(out);
	c.now = 1000 + 61;	/* outside the window: not ours */
	out = json_object();
	cr_assert_eq(pb_parse(&probe_ike, &c, r, n, out), PROBE_NO_MATCH);
	json_decref(out);
	{
		uint8_t b[1024];
		size_t lb;

		c.now = 1001;
		cr_assert_eq(probe_ike.hello(&c, b, sizeof(b), &lb), 0);
		cr_assert(memcmp(a, b, 8), "a new second gives a new initiator SPI");
	}
}

Test(probe_ike, one_version_silent)
{
	struct probe_ctx c0 = pb_ctx(IKE_HOST, 500, 0), c1 = pb_ctx(IKE_HOST, 500, 1);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_ike, &c0, "ike", "strongswan-500.step0.bin", out),
	    PROBE_RECONNECT);
	c1.eof = 1;	/* the runner's "no reply" for step 1 */
	cr_assert_eq(pb_parse(&probe_ike, &c1, NULL, 0, out), PROBE_MATCH);
	cr_assert(json_is_false(json_object_get(pb_get(out, "ike", "v2"), "responded")));
	cr_assert(json_is_true(json_object_get(pb_get(out, "ike", "v1"), "accepted")));
	json_decref(out);
	/* silent at both steps: not a match; silent v1 then v2 answers: match */
	out = json_object();
	c0.eof = 1;
	cr_assert_eq(pb_parse(&probe_ike, &c0, NULL, 0, out), PROBE_RECONNECT);
	cr_assert_eq(pb_parse(&probe_ike, &c1, NULL, 0, out), PROBE_NO_MATCH);
	c1.eof = 0;
	cr_assert_eq(pb_parse_file(&probe_ike, &c1, "ike", "strongswan-500.step1.bin", out),
	    PROBE_MATCH);
	cr_assert(json_is_false(json_object_get(pb_get(out, "ike", "v1"), "responded")));
	cr_assert(json_is_true(json_object_get(pb_get(out, "ike", "v2"), "accepted")));
	json_decref(out);
}
