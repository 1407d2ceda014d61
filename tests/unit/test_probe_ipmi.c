/*
 * test_probe_ipmi.c - IPMI probe: both session-less requests (checksums),
 * the answers recorded from OpenIPMI ipmi_sim 2.0.33 (anonymous user 1,
 * cipher suites 0-2), capabilities without anonymous bits, no answer to
 * step 1, bad checksums, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_ipmi;

#define IPMI_HOST "198.18.60.110"

Test(probe_ipmi, requests)
{
	struct probe_ctx c = pb_ctx(IPMI_HOST, 623, 0);
	uint8_t buf[64];
	size_t len = 0;
	static const uint8_t caps[] = { 0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
		0x09, 0x20, 0x18, 0xc8, 0x81, 0x00, 0x38, 0x8e, 0x04, 0xb5 };

	cr_assert_eq(probe_ipmi.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, sizeof(caps));
	cr_assert_arr_eq(buf, caps, sizeof(caps), "the well-known request, checksums included");
	c.step = 1;
	cr_assert_eq(probe_ipmi.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 24);
	cr_assert_eq(buf[19], 0x54, "Get Channel Cipher Suites");
	cr_assert_eq((uint8_t)(buf[17] + buf[18] + buf[19] + buf[20] + buf[21] + buf[22] + buf[23]),
	    0, "second checksum");
	cr_assert_eq(probe_ipmi.hello(&c, buf, 20, &len), -1);
	c.step = 2;
	cr_assert_eq(probe_ipmi.hello(&c, buf, sizeof(buf), &len), -1, "two requests at most");
}

Test(probe_ipmi, ipmi_sim_anonymous_cipher_zero)
{
	struct probe_ctx c = pb_ctx(IPMI_HOST, 623, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_ipmi, &c, "ipmi", "ipmi-sim.step0.bin", out),
	    PROBE_NEXT_STEP);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "ipmi");
	cr_assert(json_is_true(pb_get(out, "ipmi", "anonymous_login")));
	cr_assert(json_is_true(pb_get(out, "ipmi", "ipmi20")));
	cr_assert(pb_has_risk(out, "ipmi-anonymous"));
	cr_assert(!pb_has_risk(out, "ipmi-cipher-zero"), "not before the suite list");
	c.step = 1;
	cr_assert_eq(pb_parse_file(&probe_ipmi, &c, "ipmi", "ipmi-sim.step1.bin", out),
	    PROBE_MATCH);
	cr_assert_eq(json_array_size(pb_get(out, "ipmi", "cipher_suites")), 3);
	cr_assert(pb_has_risk(out, "ipmi-cipher-zero"));
	json_decref(out);
}

Test(probe_ipmi, no_anonymous_no_suite_zero)
{
	struct probe_ctx c = pb_ctx(IPMI_HOST, 623, 0);
	json_t *out = json_object();
	size_t l0, l1;
	uint8_t *b0 = pb_load("ipmi", "ipmi-sim.step0.bin", &l0);
	uint8_t *b1 = pb_load("ipmi", "ipmi-sim.step1.bin", &l1);

	/* status byte: only non-null user names; fix the message checksum */
	b0[23] ^= 0x01;
	b0[l0 - 1] = (uint8_t)(b0[l0 - 1] + 0x01);
	cr_assert_eq(pb_parse(&probe_ipmi, &c, b0, l0, out), PROBE_NEXT_STEP);
	cr_assert(json_is_false(pb_get(out, "ipmi", "anonymous_login")));
	cr_assert(!pb_has_risk(out, "ipmi-anonymous"));
	c.step = 1;
	b1[23] = 3;		/* first record: suite 3 instead of 0 */
	cr_assert_eq(pb_parse(&probe_ipmi, &c, b1, l1, out), PROBE_MATCH);
	cr_assert(!pb_has_risk(out, "ipmi-cipher-zero"));
	cr_assert_eq(pb_parse(&probe_ipmi, &c, NULL, 0, out), PROBE_MATCH,
	    "no answer to step 1 keeps step 0");
	json_decref(out);
	free(b0);
	free(b1);
}

Test(probe_ipmi, malformed_truncated)
{
	struct probe_ctx c = pb_ctx(IPMI_HOST, 623, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("ipmi", "ipmi-sim.step0.bin", &len);

	pb_truncations(&probe_ipmi, &c, b, len, 0);
	b[16] ^= 0x10;		/* header checksum wrong */
	cr_assert_eq(pb_parse(&probe_ipmi, &c, b, len, out), PROBE_MALFORMED);
	b[16] ^= 0x10;
	b[13] = 0xff;		/* message length past the datagram */
	cr_assert_eq(pb_parse(&probe_ipmi, &c, b, len, out), PROBE_MALFORMED);
	cr_assert_eq(pb_parse(&probe_ipmi, &c, (const uint8_t *)"\x06\x00\xff\x06", 4, out),
	    PROBE_NO_MATCH, "ASF class, not IPMI");
	cr_assert_null(json_object_get(out, "risks"));
	json_decref(out);
	free(b);
	pb_garbage(&probe_ipmi, IPMI_HOST, 623);
}
