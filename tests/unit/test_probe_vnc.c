/*
 * test_probe_vnc.c - VNC probe: version answer chosen from the greeting,
 * security lists recorded from TigerVNC Xvnc 1.12 (None and VncAuth),
 * RFB 3.3 single-type answers, failure reasons, malformed variants.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_vnc;

#define VNC_HOST "198.18.50.30"

/* Step 0 then step 1 on (greeting, reply); returns step 1's verdict. */
static enum probe_verdict
vnc_conv(const uint8_t *greet, size_t glen, const uint8_t *reply, size_t rlen,
    json_t *out, char sent[13])
{
	struct probe_ctx c0 = pb_ctx(VNC_HOST, 5900, 0), c1 = pb_ctx(VNC_HOST, 5900, 1);
	uint8_t buf[64];
	size_t len = 0;

	cr_assert_eq(probe_vnc.hello(&c0, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 0, "VNC is server-first: nothing sent at step 0");
	cr_assert_eq(pb_parse(&probe_vnc, &c0, greet, glen, out), PROBE_NEXT_STEP);
	c1.prev = greet;
	c1.prev_len = glen;
	cr_assert_eq(probe_vnc.hello(&c1, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 12);
	memcpy(sent, buf, 12);
	sent[12] = '\0';
	return pb_parse(&probe_vnc, &c1, reply, rlen, out);
}

static void
vnc_real(const char *base, json_t *out, char sent[13])
{
	char n0[64], n1[64];
	size_t l0, l1;
	uint8_t *g, *r;

	snprintf(n0, sizeof(n0), "%s.step0.bin", base);
	snprintf(n1, sizeof(n1), "%s.step1.bin", base);
	g = pb_load("vnc", n0, &l0);
	r = pb_load("vnc", n1, &l1);
	cr_assert_eq(vnc_conv(g, l0, r, l1, out, sent), PROBE_MATCH);
	free(g);
	free(r);
}

Test(probe_vnc, tigervnc_none)
{
	json_t *out = json_object();
	char sent[13];

	vnc_real("tigervnc-none", out, sent);
	cr_assert_str_eq(sent, "RFB 003.008\n");
	cr_assert_str_eq(pb_str(out, NULL, "service"), "vnc");
	cr_assert_str_eq(pb_str(out, "vnc", "rfb_version_server"), "003.008");
	cr_assert(json_is_true(pb_get(out, "vnc", "none_offered")));
	cr_assert(pb_has_risk(out, "vnc-no-auth"));
	json_decref(out);
}

Test(probe_vnc, tigervnc_vncauth)
{
	json_t *out = json_object();
	char sent[13];

	vnc_real("tigervnc-vncauth", out, sent);
	cr_assert(json_is_false(pb_get(out, "vnc", "none_offered")));
	cr_assert(!pb_has_risk(out, "vnc-no-auth"));
	cr_assert(pb_has_risk(out, "vnc-password-only"));
	cr_assert_str_eq(pb_str(json_array_get(pb_get(out, "vnc", "security_types"), 0), NULL,
	    "name"), "vnc-auth");
	json_decref(out);
}

Test(probe_vnc, rfb33_server_gets_33_and_u32_type)
{
	json_t *out = json_object();
	char sent[13];
	static const uint8_t none[4] = { 0, 0, 0, 1 }, pw[4] = { 0, 0, 0, 2 };

	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.003\n", 12, none, 4, out, sent),
	    PROBE_MATCH);
	cr_assert_str_eq(sent, "RFB 003.003\n");
	cr_assert(pb_has_risk(out, "vnc-no-auth"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.005\n", 12, pw, 4, out, sent),
	    PROBE_MATCH);
	cr_assert_str_eq(sent, "RFB 003.003\n", "unknown 3.x minors count as 3.3");
	cr_assert(!pb_has_risk(out, "vnc-no-auth"));
	json_decref(out);
}

Test(probe_vnc, version_choice_37_and_apple)
{
	json_t *out = json_object();
	char sent[13];
	static const uint8_t list[3] = { 2, 2, 30 };

	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.007\n", 12, list, 3, out, sent),
	    PROBE_MATCH);
	cr_assert_str_eq(sent, "RFB 003.007\n");
	json_decref(out);
	out = json_object();
	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.889\n", 12, list, 3, out, sent),
	    PROBE_MATCH);
	cr_assert_str_eq(sent, "RFB 003.008\n");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Apple Remote Desktop");
	cr_assert(!pb_has_risk(out, "vnc-password-only"), "Apple type 30 is not VncAuth only");
	json_decref(out);
}

Test(probe_vnc, failure_reason_and_lying_length)
{
	json_t *out = json_object();
	char sent[13];
	uint8_t r[64] = { 0, 0, 0, 0, 26 };

	memcpy(r + 5, "Too many security failures", 26);
	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.008\n", 12, r, 31, out, sent),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "vnc", "failure_reason"), "Too many security failures");
	cr_assert(!pb_has_risk(out, "vnc-no-auth"));
	json_decref(out);
	/* reason length 0xffffffff: refused, not allocated */
	memset(r + 1, 0xff, 4);
	out = json_object();
	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.008\n", 12, r, 31, out, sent),
	    PROBE_MALFORMED);
	json_decref(out);
	/* reason shorter than announced: more needed, then eof keeps the version */
	r[1] = r[2] = r[3] = 0;
	r[4] = 40;
	out = json_object();
	cr_assert_eq(vnc_conv((const uint8_t *)"RFB 003.008\n", 12, r, 31, out, sent),
	    PROBE_NEED_MORE);
	json_decref(out);
}

Test(probe_vnc, not_vnc_and_truncations)
{
	struct probe_ctx c0 = pb_ctx(VNC_HOST, 5900, 0), c1 = pb_ctx(VNC_HOST, 5900, 1);
	json_t *out = json_object();
	size_t len;
	uint8_t *g = pb_load("vnc", "tigervnc-none.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_vnc, &c0, (const uint8_t *)"SSH-2.0-OpenSSH_9.2\r\n", 21,
	    out), PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_vnc, &c0, (const uint8_t *)"RFB 00x.008\n", 12, out),
	    PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_vnc, &c0, (const uint8_t *)"RFB 003.008X", 12, out),
	    PROBE_NO_MATCH);
	json_decref(out);
	pb_truncations(&probe_vnc, &c0, g, len, 1);
	c1.prev = g;
	c1.prev_len = len;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_vnc, &c1, (const uint8_t *)"\x03\x01\x02", 2, out),
	    PROBE_NEED_MORE);
	c1.eof = 1;
	cr_assert_eq(pb_parse(&probe_vnc, &c1, (const uint8_t *)"\x03\x01\x02", 2, out),
	    PROBE_MATCH, "short list at eof: VNC already identified");
	json_decref(out);
	free(g);
	pb_garbage(&probe_vnc, VNC_HOST, 5900);
}
