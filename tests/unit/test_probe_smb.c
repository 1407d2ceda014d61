/*
 * test_probe_smb.c - SMB probe: request bytes, replies recorded from real
 * Samba 4.17 (server min protocol = NT1, and SMB2-only with mandatory
 * signing; 445 and 139), and malformed variants of them.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_smb;

#define SMB_HOST "198.18.50.20"

static const uint8_t smb1_ref[51] = {
	0x00, 0x00, 0x00, 0x2f, 0xff, 0x53, 0x4d, 0x42, 0x72, 0x00, 0x00, 0x00,
	0x00, 0x18, 0x01, 0xc8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0c, 0x00, 0x02, 0x4e, 0x54, 0x20, 0x4c, 0x4d, 0x20, 0x30, 0x2e,
	0x31, 0x32, 0x00,
};

Test(probe_smb, hello_smb2_negotiate)
{
	struct probe_ctx c = pb_ctx(SMB_HOST, 445, 0);
	uint8_t buf[512];
	size_t len = 0;

	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 178);
	cr_assert_eq(buf[0], 0);
	cr_assert_eq((buf[1] << 16) | (buf[2] << 8) | buf[3], 174);
	cr_assert(!memcmp(buf + 4, "\xfeSMB", 4));
	cr_assert_eq(buf[4 + 64 + 2], 5);		/* DialectCount */
	cr_assert_eq(buf[4 + 64 + 36 + 8], 0x11);	/* 0x0311 last */
	cr_assert_eq(buf[4 + 64 + 36 + 9], 0x03);
	cr_assert_eq(buf[4 + 112], 0x01);		/* preauth context */
	cr_assert_eq(buf[4 + 160], 0x02);		/* encryption context */
	cr_assert_eq(probe_smb.hello(&c, buf, 100, &len), -1);
}

Test(probe_smb, hello_smb1_is_reference_bytes)
{
	struct probe_ctx c = pb_ctx(SMB_HOST, 445, 1);
	uint8_t buf[512];
	size_t len = 0;

	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, sizeof(smb1_ref));
	cr_assert(!memcmp(buf, smb1_ref, sizeof(smb1_ref)));
	c.step = 2;
	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), -1);
}

Test(probe_smb, hello_port_139_session_request)
{
	struct probe_ctx c = pb_ctx(SMB_HOST, 139, 0);
	uint8_t buf[512];
	size_t len = 0;

	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 72);
	cr_assert_eq(buf[0], 0x81);
	cr_assert_eq(buf[3], 68);
	cr_assert_eq(buf[4], 32);
	cr_assert(!memcmp(buf + 5, "CKFDENECFDEFFCFGEFFCCACACACACACA", 32));
	c.step = 3;
	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert(!memcmp(buf, smb1_ref, sizeof(smb1_ref)));
}

Test(probe_smb, samba_nt1_445)
{
	struct probe_ctx c0 = pb_ctx(SMB_HOST, 445, 0), c1 = pb_ctx(SMB_HOST, 445, 2);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_smb, &c0, "smb", "samba-nt1-445.step0.bin", out),
	    PROBE_NEXT_STEP, "SMB2 negotiated: SESSION_SETUP next (test_probe_smb_ntlm.c)");
	cr_assert_str_eq(pb_str(out, NULL, "service"), "smb");
	cr_assert_str_eq(pb_str(out, "smb", "dialect"), "3.1.1");
	cr_assert(json_is_false(pb_get(out, "smb", "signing_required")));
	cr_assert(json_is_true(pb_get(out, "smb", "signing_enabled")));
	cr_assert_str_eq(pb_str(out, "smb", "server_guid"), "2d62616c-6d73-6e62-7431-000000000000");
	cr_assert(pb_has_risk(out, "smb-signing-not-required"));
	cr_assert(!pb_has_risk(out, "smb1-enabled"));
	cr_assert_eq(pb_parse_file(&probe_smb, &c1, "smb", "samba-nt1-445.step1.bin", out),
	    PROBE_MATCH);
	cr_assert(json_is_true(pb_get(out, "smb", "smb1_accepted")));
	cr_assert(pb_has_risk(out, "smb1-enabled"));
	json_decref(out);
}

Test(probe_smb, samba_smb2_only_signing_mandatory)
{
	struct probe_ctx c0 = pb_ctx(SMB_HOST, 445, 0), c1 = pb_ctx(SMB_HOST, 445, 2);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_smb, &c0, "smb", "samba-smb2only-445.step0.bin", out),
	    PROBE_NEXT_STEP, "SMB2 negotiated: SESSION_SETUP next (test_probe_smb_ntlm.c)");
	cr_assert(json_is_true(pb_get(out, "smb", "signing_required")));
	cr_assert_eq(pb_parse_file(&probe_smb, &c1, "smb", "samba-smb2only-445.step1.bin", out),
	    PROBE_MATCH);
	cr_assert(json_is_false(pb_get(out, "smb", "smb1_accepted")));
	cr_assert_str_eq(pb_str(out, "smb", "smb1_evidence"), "NT LM 0.12 refused");
	cr_assert(!pb_has_risk(out, "smb1-enabled"));
	cr_assert(!pb_has_risk(out, "smb-signing-not-required"));
	json_decref(out);
}

Test(probe_smb, samba_nt1_139_four_steps)
{
	static const enum probe_verdict want[4] = { PROBE_NEXT_STEP, PROBE_RECONNECT,
		PROBE_NEXT_STEP, PROBE_MATCH };
	json_t *out = json_object();
	char name[64];

	for (int s = 0; s < 4; s++) {
		struct probe_ctx c = pb_ctx(SMB_HOST, 139, s);

		snprintf(name, sizeof(name), "samba-nt1-139.step%d.bin", s);
		cr_assert_eq(pb_parse_file(&probe_smb, &c, "smb", name, out), want[s], "step %d", s);
	}
	cr_assert(json_is_true(pb_get(out, "smb", "smb1_accepted")));
	cr_assert_str_eq(pb_str(out, "smb", "dialect"), "3.1.1");
	json_decref(out);
}

Test(probe_smb, smb1_closed_without_reply_keeps_smb2)
{
	struct probe_ctx c0 = pb_ctx(SMB_HOST, 445, 0), c1 = pb_ctx(SMB_HOST, 445, 2);
	json_t *out = json_object();

	pb_parse_file(&probe_smb, &c0, "smb", "samba-smb2only-445.step0.bin", out);
	cr_assert_eq(pb_parse(&probe_smb, &c1, NULL, 0, out), PROBE_NEED_MORE);
	c1.eof = 1;
	cr_assert_eq(pb_parse(&probe_smb, &c1, NULL, 0, out), PROBE_MATCH);
	cr_assert(json_is_false(pb_get(out, "smb", "smb1_accepted")));
	cr_assert_str_eq(pb_str(out, "smb", "dialect"), "3.1.1");
	json_decref(out);
}

Test(probe_smb, truncated_replies_need_more)
{
	static const char *const files[] = { "samba-nt1-445.step0.bin",
		"samba-nt1-445.step1.bin", "samba-smb2only-445.step1.bin" };
	static const int steps[] = { 0, 1, 1 };

	for (int i = 0; i < 3; i++) {
		struct probe_ctx c = pb_ctx(SMB_HOST, 445, steps[i]);
		size_t len;
		uint8_t *b = pb_load("smb", files[i], &len);

		pb_truncations(&probe_smb, &c, b, len, 1);
		free(b);
	}
}

Test(probe_smb, lying_lengths_and_garbage)
{
	struct probe_ctx c = pb_ctx(SMB_HOST, 445, 0);
	size_t len;
	uint8_t *b = pb_load("smb", "samba-nt1-445.step0.bin", &len);
	json_t *out;

	/* transport length far past the cap */
	b[1] = 0xff;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_smb, &c, b, len, out), PROBE_NO_MATCH);
	json_decref(out);
	/* transport length one byte longer than what arrived */
	b[1] = 0;
	b[3]++;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_smb, &c, b, len, out), PROBE_NEED_MORE);
	json_decref(out);
	b[3]--;
	/* NEGOTIATE response StructureSize not 65 */
	b[4 + 64] = 66;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_smb, &c, b, len, out), PROBE_MALFORMED);
	json_decref(out);
	b[4 + 64] = 65;
	/* SMB2 header StructureSize not 64 */
	b[8] = 63;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_smb, &c, b, len, out), PROBE_MALFORMED);
	json_decref(out);
	free(b);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_smb, &c, (const uint8_t *)"HTTP/1.1 400 Bad", 16, out),
	    PROBE_NO_MATCH);
	json_decref(out);
	pb_garbage(&probe_smb, SMB_HOST, 445);
	pb_garbage(&probe_smb, SMB_HOST, 139);
}

Test(probe_smb, smb1_dialect_refused_by_index)
{
	/* NT LM 0.12 response with WordCount 1 and DialectIndex 0xFFFF */
	uint8_t r[4 + 35] = { 0, 0, 0, 35, 0xff, 'S', 'M', 'B', 0x72 };
	struct probe_ctx c = pb_ctx(SMB_HOST, 445, 1);
	json_t *out = json_object();

	r[4 + 32] = 1;
	r[4 + 33] = 0xff;
	r[4 + 34] = 0xff;
	cr_assert_eq(pb_parse(&probe_smb, &c, r, sizeof(r), out), PROBE_MATCH);
	cr_assert(json_is_false(pb_get(out, "smb", "smb1_accepted")));
	cr_assert(!pb_has_risk(out, "smb1-enabled"));
	json_decref(out);
}
