/*
 * test_probe_rdp.c - RDP negotiation: hello bytes, replies recorded from
 * the real xrdp (tests/probes/data/rdp/), the spec's test vectors, and
 * malformed replies (truncated, lying TPKT/LI lengths, masscan's 12-byte
 * reply, garbage).
 */
#include "probe_a_util.h"

static const uint8_t nla_sel[] = { 3, 0, 0, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f,
				   8, 0, 2, 0, 0, 0 };
static const uint8_t nla_req[] = { 3, 0, 0, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 3, 0,
				   8, 0, 5, 0, 0, 0 };
static const uint8_t no_neg[] = { 3, 0, 0, 0x0b, 6, 0xd0, 0, 0, 0x12, 0x34, 0 };

Test(probe_rdp, hello_step_a_b_c)
{
	const struct probe *p = probe_by_name("rdp");
	struct probe_ctx c = pa_ctx(0, 3389, 0);
	uint8_t buf[256];
	size_t n = 0;
	const char *cookie = "Cookie: mstshash=heiiki-test\r\n";
	size_t cl = strlen(cookie);

	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert_eq(n, 19 + cl);
	cr_assert_eq(buf[0], 3);
	cr_assert_eq((buf[2] << 8) | buf[3], (int)n);
	cr_assert_eq(buf[4], n - 5);
	cr_assert_eq(buf[5], 0xe0);
	cr_assert(!memcmp(buf + 11, cookie, cl));
	cr_assert_eq(buf[11 + cl], 1);
	cr_assert_eq(buf[15 + cl], 0x0b);
	c.step = 1;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert_eq(buf[15 + cl], 0x00);
	c.step = 2;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert_eq(buf[15 + cl], 0x01);
	c.step = 3;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), -1);
	c.step = 0;
	cr_assert_eq(p->hello(&c, buf, 20, &n), -1, "hello must respect the buffer cap");
}

Test(probe_rdp, cookie_is_sanitised)
{
	const struct probe *p = probe_by_name("rdp");
	struct probe_ctx c = pa_ctx(0, 3389, 0);
	uint8_t buf[256];
	size_t n = 0;

	c.scanner_id = "evil\r\nX: y";
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert(!memcmp(buf + 11, "Cookie: mstshash=evilXy\r\n", 25));
}

Test(probe_rdp, real_xrdp_is_rdp_without_nla)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 0);

	cr_assert_eq(pa_run_file("rdp", &c, "rdp", "xrdp-step-a.bin", out), PROBE_RECONNECT);
	cr_assert_str_eq(pa_str(out, "service", NULL), "rdp");
	cr_assert_str_eq(pa_str(out, "rdp", "selected_protocol"), "tls");
	cr_assert(pa_true(out, "rdp", "accepts_tls_without_nla"));
	cr_assert(pa_has_risk(out, "rdp-no-nla"));
	c = pa_ctx(1, 3389, 0);
	cr_assert_eq(pa_run_file("rdp", &c, "rdp", "xrdp-step-b.bin", out), PROBE_MATCH);
	cr_assert(pa_true(out, "rdp", "accepts_standard_rdp"));
	cr_assert(json_is_false(json_object_get(json_object_get(out, "rdp"), "nla_enforced")));
	json_decref(out);
}

Test(probe_rdp, nla_enforced_windows_vectors)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 0);

	cr_assert_eq(pa_run("rdp", &c, nla_sel, sizeof(nla_sel), out), PROBE_RECONNECT);
	cr_assert_str_eq(pa_str(out, "rdp", "selected_protocol"), "credssp");
	cr_assert_eq(json_array_size(json_object_get(json_object_get(out, "rdp"), "neg_flags")), 5);
	cr_assert_not(pa_has_risk(out, "rdp-no-nla"));
	c = pa_ctx(1, 3389, 0);
	cr_assert_eq(pa_run("rdp", &c, nla_req, sizeof(nla_req), out), PROBE_RECONNECT,
		     "step C is needed after CredSSP was picked");
	cr_assert_str_eq(pa_str(out, "rdp", "failure_rdp_only"), "HYBRID_REQUIRED_BY_SERVER");
	c = pa_ctx(2, 3389, 0);
	cr_assert_eq(pa_run("rdp", &c, nla_req, sizeof(nla_req), out), PROBE_MATCH);
	cr_assert(pa_true(out, "rdp", "nla_enforced"));
	cr_assert_not(pa_has_risk(out, "rdp-no-nla"));
	json_decref(out);
}

Test(probe_rdp, eleven_byte_cc_is_legacy)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 0);

	cr_assert_eq(pa_run("rdp", &c, no_neg, sizeof(no_neg), out), PROBE_MATCH);
	cr_assert(pa_true(out, "rdp", "accepts_standard_rdp"));
	cr_assert(pa_has_risk(out, "rdp-no-nla"));
	json_decref(out);
}

Test(probe_rdp, masscan_twelve_byte_reply)
{
	/* TPKT length 12, LI 6, CC, one trailing byte: aborted masscan */
	static const uint8_t r12[] = { 3, 0, 0, 12, 6, 0xd0, 0, 0, 0x12, 0x34, 0, 0x00 };
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 1);

	cr_assert_eq(pa_run("rdp", &c, r12, sizeof(r12), out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "service", NULL), "rdp");
	json_decref(out);
}

Test(probe_rdp, ssl_not_allowed_means_standard_only)
{
	uint8_t r[19];
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 0);

	memcpy(r, nla_req, sizeof(r));
	r[15] = 2;
	cr_assert_eq(pa_run("rdp", &c, r, sizeof(r), out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "rdp", "failure"), "SSL_NOT_ALLOWED_BY_SERVER");
	cr_assert(pa_has_risk(out, "rdp-no-nla"));
	json_decref(out);
}

Test(probe_rdp, truncated_and_lying)
{
	size_t n;
	uint8_t *real = pa_load("rdp", "xrdp-step-a.bin", &n), bad[19];
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 0);

	for (size_t k = 1; k < n; k++) {
		c.eof = 0;
		cr_assert_eq(pa_run("rdp", &c, real, k, out), PROBE_NEED_MORE, "prefix %zu", k);
		c.eof = 1;
		cr_assert_eq(pa_run("rdp", &c, real, k, out), PROBE_MALFORMED, "prefix %zu at eof", k);
	}
	c.eof = 0;
	memcpy(bad, real, n);
	bad[2] = 0xff;
	bad[3] = 0xff;		/* TPKT length 65535 */
	cr_assert_eq(pa_run("rdp", &c, bad, n, out), PROBE_MALFORMED);
	bad[2] = 0;
	bad[3] = 5;		/* below the minimum */
	cr_assert_eq(pa_run("rdp", &c, bad, n, out), PROBE_MALFORMED);
	memcpy(bad, real, n);
	bad[4] = 0x40;		/* LI past the packet */
	cr_assert_eq(pa_run("rdp", &c, bad, n, out), PROBE_MALFORMED);
	memcpy(bad, real, n);
	bad[13] = 9;		/* negotiation length must be 8 */
	cr_assert_eq(pa_run("rdp", &c, bad, n, out), PROBE_MALFORMED);
	memcpy(bad, real, n);
	bad[11] = 7;		/* unknown negotiation type */
	cr_assert_eq(pa_run("rdp", &c, bad, n, out), PROBE_MALFORMED);
	free(real);
	json_decref(out);
}

Test(probe_rdp, garbage_is_not_rdp)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 3389, 1);
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	static const uint8_t data_tpdu[] = { 3, 0, 0, 11, 6, 0xf0, 0, 0, 0, 0, 0 };

	cr_assert_eq(pa_run("rdp", &c, http, sizeof(http) - 1, out), PROBE_NO_MATCH);
	cr_assert_eq(pa_run("rdp", &c, data_tpdu, sizeof(data_tpdu), out), PROBE_NO_MATCH);
	cr_assert_eq(pa_run("rdp", &c, "", 0, out), PROBE_NO_MATCH);
	c.eof = 0;
	cr_assert_eq(pa_run("rdp", &c, "", 0, out), PROBE_NEED_MORE);
	json_decref(out);
}
