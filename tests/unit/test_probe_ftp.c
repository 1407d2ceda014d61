/*
 * test_probe_ftp.c - FTP greeting: the real vsftpd greeting and its real
 * "500 OOPS" refusal, multi-line 220-, SMTP lookalike, partial lines.
 */
#include "probe_a_util.h"

static enum probe_verdict
ftp_str(const char *s, int eof, json_t *out)
{
	struct probe_ctx c = pa_ctx(0, 21, eof);

	return pa_run("ftp", &c, s, strlen(s), out);
}

Test(probe_ftp, real_vsftpd)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 21, 0);

	cr_assert_eq(pa_run_file("ftp", &c, "ftp", "vsftpd.bin", out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "service", NULL), "ftp");
	cr_assert_str_eq(pa_str(out, "product", NULL), "vsftpd");
	cr_assert_str_eq(pa_str(out, "version", NULL), "3.0.3");
	cr_assert_str_eq(pa_str(out, "ftp", "banner"), "220 (vsFTPd 3.0.3)");
	cr_assert(pa_has_risk(out, "ftp-cleartext"));
	json_decref(out);
}

Test(probe_ftp, real_vsftpd_refusal_is_not_a_greeting)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 21, 1);

	cr_assert_eq(pa_run_file("ftp", &c, "ftp", "vsftpd-500-oops.bin", out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "risks"));
	json_decref(out);
}

Test(probe_ftp, multiline_and_products)
{
	json_t *out = json_object();

	cr_assert_eq(ftp_str("220-Welcome\r\n", 0, out), PROBE_NEED_MORE);
	cr_assert_eq(ftp_str("220-Welcome\r\n220-to the\r\n220 ProFTPD 1.3.8 Server ready.\r\n", 0, out),
		     PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "product", NULL), "ProFTPD");
	cr_assert_str_eq(pa_str(out, "version", NULL), "1.3.8");
	json_decref(out);
	out = json_object();
	cr_assert_eq(ftp_str("220 FTP Server (ZyWALL USG 60) [198.18.1.1]\r\n", 0, out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "product", NULL), "Zyxel ZyWALL ftpd");
	json_decref(out);
}

Test(probe_ftp, smtp_garbage_truncated)
{
	json_t *out = json_object();

	cr_assert_eq(ftp_str("220 mail.example ESMTP Postfix\r\n", 0, out), PROBE_NO_MATCH);
	cr_assert_eq(ftp_str("SSH-2.0-x\r\n", 0, out), PROBE_NO_MATCH);
	cr_assert_eq(ftp_str("22", 0, out), PROBE_NEED_MORE);
	cr_assert_eq(ftp_str("22", 1, out), PROBE_NO_MATCH);
	cr_assert_eq(ftp_str("2200\r\n", 0, out), PROBE_NO_MATCH);
	cr_assert_eq(ftp_str("220 half a gree", 1, out), PROBE_MATCH);
	json_decref(out);
}
