/*
 * test_probe_rdp_ntlm.c - RDP: CredSSP NTLM information and the product
 * (Windows vs xrdp).  Windows replies are built from MS-RDPBCGR, MS-CSSP
 * and MS-NLMP (tests/probes/data/rdp/make_windows_spec.py, not recorded);
 * the xrdp replies are recorded from the real Debian xrdp.
 */
#include "probe_c_util.h"

static enum probe_verdict
rn_run(int step, int access, int eof, const uint8_t *b, size_t n, json_t *out)
{
	const struct probe *p = probe_by_name("rdp");
	struct probe_ctx c = pa_ctx(step, 3389, eof);

	c.out = out;
	c.access_check = access;
	return probe_run_bytes(p, &c, b, n, out);
}

static long
rn_hello(int step, int access, const json_t *out, uint8_t *buf, size_t cap)
{
	const struct probe *p = probe_by_name("rdp");
	struct probe_ctx c = pa_ctx(step, 3389, 0);
	size_t n = 0;

	c.out = out;
	c.access_check = access;
	if (p->hello(&c, buf, cap, &n) < 0)
		return -1;
	cr_assert_leq(n, cap);
	return (long)n;
}

static enum probe_verdict
rn_file(int step, int access, const char *name, json_t *out)
{
	size_t n;
	uint8_t *b = pa_load("rdp", name, &n);
	enum probe_verdict v = rn_run(step, access, 0, b, n, out);

	free(b);
	return v;
}

Test(probe_rdp_ntlm, windows_credssp_gives_ntlm_info)
{
	json_t *o = json_object();
	uint8_t b[256];
	size_t n;
	uint8_t *r;
	long l;

	cr_assert_eq(rn_file(0, 1, "windows-step-a-hybrid-ex.bin", o), PROBE_NEXT_STEP_TLS);
	cr_expect_str_eq(pc_str(o, "rdp.selected_protocol"), "credssp-early-auth");
	/* step 1: one TSRequest with an NTLM NEGOTIATE, inside TLS */
	l = rn_hello(1, 1, o, b, sizeof(b));
	cr_assert_eq(l, 57);
	cr_expect_eq(b[0], 0x30);
	cr_expect_eq(b[1], 55);
	cr_expect(!memcmp(b + 17, "NTLMSSP\0\1\0\0\0", 12), "NEGOTIATE, never AUTHENTICATE");
	for (size_t cap = 0; cap < 57; cap++)
		cr_expect_eq(rn_hello(1, 1, o, b, cap), -1);
	r = pa_load("rdp", "windows-ntlm-tsrequest-2019.bin", &n);
	for (size_t k = 0; k < n; k++) {
		json_t *x = json_deep_copy(o);

		cr_expect_eq(rn_run(1, 1, 0, r, k, x), PROBE_NEED_MORE, "prefix %zu", k);
		cr_expect_eq(rn_run(1, 1, 1, r, k, x), PROBE_RECONNECT);
		cr_expect_null(json_object_get(x, "os"));
		json_decref(x);
	}
	cr_assert_eq(rn_run(1, 1, 0, r, n, o), PROBE_RECONNECT);
	free(r);
	cr_expect_str_eq(pc_str(o, "rdp.ntlm.netbios_computer"), "EHR01");
	cr_expect_str_eq(pc_str(o, "rdp.ntlm.dns_domain"), "hosp.example.test");
	cr_expect_str_eq(pc_str(o, "rdp.ntlm.os_version"), "10.0.17763");
	cr_expect_str_eq(pc_str(o, "os"), "Windows 10 1809 / Windows Server 2019");
	cr_expect_eq(json_integer_value(json_object_get(o, "os_build")), 17763);
	cr_expect_str_eq(pc_str(o, "product"), "Microsoft Terminal Services");
	/* then B (standard RDP only) and C (TLS only) on new connections */
	l = rn_hello(2, 1, o, b, sizeof(b));
	cr_assert_gt(l, 4);
	cr_expect_eq(b[l - 4], 0x00, "B offers PROTOCOL_RDP only");
	l = rn_hello(3, 1, o, b, sizeof(b));
	cr_assert_gt(l, 4);
	cr_expect_eq(b[l - 4], 0x01, "C offers SSL only");
	json_decref(o);
}

Test(probe_rdp_ntlm, careful_host_skips_ntlm)
{
	json_t *o = json_object();
	uint8_t b[256];

	cr_assert_eq(rn_file(0, 0, "windows-step-a-hybrid-ex.bin", o), PROBE_RECONNECT);
	cr_expect_null(json_object_get(o, "_rdp_ntlm"));
	json_object_set_new(o, "_rdp_ntlm", json_true());
	cr_expect_eq(rn_hello(1, 0, o, b, sizeof(b)), -1, "no TSRequest without access_check");
	json_decref(o);
}

Test(probe_rdp_ntlm, broken_credssp_replies_keep_going)
{
	static const uint8_t lie[] = { 0x30, 0x82, 0x7f, 0xff, 0xa0, 0x03 };
	static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	json_t *o = json_object();
	size_t n;
	uint8_t *r = pa_load("rdp", "windows-ntlm-tsrequest-2019.bin", &n);

	rn_file(0, 1, "windows-step-a-hybrid-ex.bin", o);
	cr_expect_eq(rn_run(1, 1, 1, NULL, 0, o), PROBE_RECONNECT, "TLS failed / no reply");
	cr_expect_str_eq(pc_str(o, "rdp.ntlm_error"), "no CredSSP reply");
	cr_expect_eq(rn_run(1, 1, 1, http, sizeof(http) - 1, o), PROBE_RECONNECT);
	cr_expect_eq(rn_run(1, 1, 0, lie, sizeof(lie), o), PROBE_NEED_MORE);
	cr_expect_eq(rn_run(1, 1, 1, lie, sizeof(lie), o), PROBE_RECONNECT);
	/* a challenge whose TargetInfo offset lies */
	r[0x1b + 40] = 0xff;
	r[0x1b + 41] = 0x7f;
	cr_expect_eq(rn_run(1, 1, 0, r, n, o), PROBE_RECONNECT);
	cr_expect_str_eq(pc_str(o, "rdp.ntlm_error"), "malformed challenge");
	cr_expect_null(json_object_get(o, "os"));
	free(r);
	json_decref(o);
}

Test(probe_rdp_ntlm, real_xrdp_is_named_xrdp)
{
	json_t *o = json_object();

	cr_assert_eq(rn_file(0, 1, "xrdp-step-a.bin", o), PROBE_RECONNECT, "TLS picked: no CredSSP");
	cr_expect_null(json_object_get(o, "_rdp_ntlm"));
	cr_assert_eq(rn_file(1, 1, "xrdp-step-b.bin", o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "product"), "xrdp");
	cr_expect(pc_has_risk(o, "rdp-no-nla"));
	json_decref(o);
	/* Windows answering B with HYBRID_REQUIRED is not xrdp */
	o = json_object();
	rn_file(0, 0, "windows-step-a-hybrid-ex.bin", o);
	{
		static const uint8_t fail[] = { 3, 0, 0, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 3, 0,
						8, 0, 5, 0, 0, 0 };

		cr_expect_eq(rn_run(1, 0, 0, fail, sizeof(fail), o), PROBE_RECONNECT);
		cr_expect_null(json_object_get(o, "product"));
	}
	json_decref(o);
}
