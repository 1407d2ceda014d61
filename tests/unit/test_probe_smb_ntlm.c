/*
 * test_probe_smb_ntlm.c - the SMB probe's SESSION_SETUP step: request
 * bytes (SPNEGO-wrapped NTLMSSP NEGOTIATE, never AUTHENTICATE), the three
 * steps recorded from Samba 4.17 smbd (NEGOTIATE, SESSION_SETUP with the
 * CHALLENGE, SMB1), a Windows-shaped CHALLENGE built here (version
 * 10.0.17763 -> os), lying AV pairs and offsets, no answer.
 */
#include "tests/unit/probe_b_util.h"
#include "probes/ntlmssp.h"

extern const struct probe probe_smb;

#define SN_HOST "198.18.60.140"

Test(probe_smb_ntlm, session_setup_request)
{
	struct probe_ctx c = pb_ctx(SN_HOST, 445, 1);
	json_t *plan = json_pack("{s:b}", "_smb_sess", 1);
	uint8_t buf[512];
	size_t len = 0;

	c.out = plan;
	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 4 + 64 + 24 + NTLMSSP_SPNEGO_LEN);
	cr_assert_eq(memcmp(buf + 4, "\xfeSMB", 4), 0);
	cr_assert_eq(buf[4 + 12], 1, "SESSION_SETUP");
	cr_assert_eq(buf[4 + 64], 25);
	cr_assert_eq(buf[4 + 64 + 12], 88, "security buffer right after the body");
	cr_assert_eq(buf[4 + 64 + 24], 0x60, "SPNEGO NegTokenInit");
	cr_assert_eq(memcmp(buf + len - 40, "NTLMSSP\0\1\0\0\0", 12), 0, "NEGOTIATE (type 1)");
	cr_assert_eq(probe_smb.hello(&c, buf, 100, &len), -1);
	c.step = 2;
	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(buf[4], 0xff, "then SMB1 on a new connection");
	c.step = 3;
	cr_assert_eq(probe_smb.hello(&c, buf, sizeof(buf), &len), -1, "nothing after SMB1");
	json_decref(plan);
}

Test(probe_smb_ntlm, samba_three_steps)
{
	static const enum probe_verdict want[3] = { PROBE_NEXT_STEP, PROBE_RECONNECT,
		PROBE_MATCH };
	json_t *out = json_object();
	char name[64];

	for (int s = 0; s < 3; s++) {
		struct probe_ctx c = pb_ctx(SN_HOST, 445, s);

		snprintf(name, sizeof(name), "smb-ntlm.step%d.bin", s);
		cr_assert_eq(pb_parse_file(&probe_smb, &c, "smb", name, out), want[s], "step %d", s);
	}
	cr_assert_str_eq(pb_str(pb_get(out, "smb", "ntlm"), NULL, "netbios_computer"), "LABSMB");
	cr_assert_str_eq(pb_str(pb_get(out, "smb", "ntlm"), NULL, "netbios_domain"), "LABSMB");
	cr_assert_str_eq(pb_str(pb_get(out, "smb", "ntlm"), NULL, "os_version"), "6.1.0");
	cr_assert_null(json_object_get(out, "os"), "build 0: Samba, no Windows name");
	cr_assert(json_is_false(pb_get(out, "smb", "smb1_accepted")));
	json_decref(out);
}

Test(probe_smb_ntlm, session_setup_without_answer_goes_on)
{
	struct probe_ctx c = pb_ctx(SN_HOST, 445, 1);
	json_t *out = json_pack("{s:b}", "_smb_sess", 1);

	cr_assert_eq(pb_parse(&probe_smb, &c, NULL, 0, out), PROBE_NEED_MORE);
	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_smb, &c, NULL, 0, out), PROBE_RECONNECT);
	cr_assert_eq(pb_parse(&probe_smb, &c, (const uint8_t *)"\0\0\0\4\xfeSMB", 8, out),
	    PROBE_RECONNECT, "not a SESSION_SETUP answer");
	json_decref(out);
}

/* A CHALLENGE as Windows Server 2019 sends it. */
static size_t
sn_challenge(uint8_t *m)
{
	static const char *const names[] = { "", "PACS01", "HOSP", "pacs01.hosp.local",
		"hosp.local" };
	size_t o = 56, ti;

	memset(m, 0, 512);
	memcpy(m, "NTLMSSP\0\2\0\0\0", 12);
	m[12] = 8; m[14] = 8; m[16] = 56;		/* TargetName "HOSP" */
	m[20] = 0x05; m[21] = 0x82; m[22] = 0x89; m[23] = 0xa2;	/* flags incl. VERSION */
	m[48] = 10; m[49] = 0; m[50] = 0x63; m[51] = 0x45;	/* 10.0.17763 */
	m[55] = 15;
	memcpy(m + o, "H\0O\0S\0P\0", 8);
	o += 8;
	ti = o;
	for (int id = 1; id <= 4; id++) {
		size_t n = strlen(names[id]);

		m[o] = (uint8_t)id;
		m[o + 2] = (uint8_t)(2 * n);
		o += 4;
		for (size_t k = 0; k < n; k++, o += 2)
			m[o] = (uint8_t)names[id][k];
	}
	o += 4;						/* MsvAvEOL */
	m[40] = (uint8_t)(o - ti);
	m[42] = (uint8_t)(o - ti);
	m[44] = (uint8_t)ti;
	return o;
}

Test(probe_smb_ntlm, windows_challenge_names_os)
{
	uint8_t m[512];
	size_t n = sn_challenge(m);
	json_t *obj = json_object(), *svc = json_object();

	cr_assert_eq(ntlmssp_challenge(m, n, obj, svc), 1);
	cr_assert_str_eq(pb_str(obj, NULL, "target_name"), "HOSP");
	cr_assert_str_eq(pb_str(obj, NULL, "netbios_computer"), "PACS01");
	cr_assert_str_eq(pb_str(obj, NULL, "dns_computer"), "pacs01.hosp.local");
	cr_assert_str_eq(pb_str(obj, NULL, "dns_domain"), "hosp.local");
	cr_assert_str_eq(pb_str(obj, NULL, "os_version"), "10.0.17763");
	cr_assert_str_eq(pb_str(svc, NULL, "os"), "Windows 10 1809 / Windows Server 2019");
	cr_assert_eq(json_integer_value(json_object_get(svc, "os_build")), 17763);
	json_decref(obj);
	json_decref(svc);
}

Test(probe_smb_ntlm, lying_challenges)
{
	uint8_t m[512];
	size_t n = sn_challenge(m);
	json_t *obj = json_object(), *svc = json_object();

	m[44] = 250;		/* TargetInfo offset past the message */
	cr_assert_eq(ntlmssp_challenge(m, n, obj, svc), -1);
	n = sn_challenge(m);
	m[16] = 0xf0;		/* TargetName offset past the message */
	cr_assert_eq(ntlmssp_challenge(m, n, obj, svc), -1);
	n = sn_challenge(m);
	m[64 + 2] = 0xff;	/* first AV pair longer than TargetInfo */
	cr_assert_eq(ntlmssp_challenge(m, n, obj, svc), -1);
	n = sn_challenge(m);
	cr_assert_eq(ntlmssp_challenge(m, 30, obj, svc), -1, "cut inside the header");
	cr_assert_eq(ntlmssp_challenge((const uint8_t *)"no challenge here", 17, obj, svc), 0);
	for (size_t k = 0; k < n; k++)
		(void)ntlmssp_challenge(m, k, obj, svc);	/* every prefix: no crash */
	json_decref(obj);
	json_decref(svc);
}
