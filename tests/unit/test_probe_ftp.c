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

/* ---- the read-only anonymous login check (ctx.ftp_anonymous) --------------- */

/* hello of step with prev as the previous step's reply, as text. */
static const char *
ftp_hello_str(int step, const char *prev)
{
	static char buf[128];
	struct probe_ctx c = pa_ctx(step, 21, 0);
	const struct probe *p = probe_by_name("ftp");
	size_t n = 0;

	c.ftp_anonymous = 1;
	c.scanner_id = "heiiki";
	c.prev = (const uint8_t *)prev;
	c.prev_len = prev ? strlen(prev) : 0;
	cr_assert_eq(p->hello(&c, (uint8_t *)buf, sizeof(buf) - 1, &n), 0);
	buf[n] = '\0';
	return buf;
}

static enum probe_verdict
ftp_step(int step, const char *prev, const char *reply, json_t *out)
{
	struct probe_ctx c = pa_ctx(step, 21, 0);

	c.ftp_anonymous = 1;
	c.prev = (const uint8_t *)prev;
	c.prev_len = prev ? strlen(prev) : 0;
	return pa_run("ftp", &c, reply, strlen(reply), out);
}

Test(probe_ftp, anonymous_check_is_off_unless_enabled)
{
	struct probe_ctx c = pa_ctx(1, 21, 0);
	const struct probe *p = probe_by_name("ftp");
	uint8_t buf[64];
	size_t n = 1;
	json_t *out = json_object();

	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert_eq(n, 0, "nothing is sent without ftp_anonymous");
	cr_assert_eq(ftp_str("220 (vsFTPd 3.0.3)\r\n", 0, out), PROBE_MATCH);
	json_decref(out);
}

Test(probe_ftp, anonymous_accepted_user_pass_quit_and_nothing_listed)
{
	json_t *out = json_object();

	cr_assert_str_eq(ftp_hello_str(0, NULL), "");
	cr_assert_eq(ftp_step(0, NULL, "220 (vsFTPd 3.0.3)\r\n", out), PROBE_NEXT_STEP);
	cr_assert_str_eq(ftp_hello_str(1, "220 (vsFTPd 3.0.3)\r\n"), "USER anonymous\r\n");
	cr_assert_eq(ftp_step(1, "220 x\r\n", "331 Please specify the password.\r\n", out),
		     PROBE_NEXT_STEP);
	cr_assert_str_eq(ftp_hello_str(2, "331 Please specify the password.\r\n"),
			 "PASS heiiki@\r\n");
	cr_assert_eq(ftp_step(2, "331 Please specify the password.\r\n",
			      "230-Welcome\r\n230 Login successful.\r\n", out), PROBE_NEXT_STEP);
	cr_assert(pa_has_risk(out, "ftp-anonymous"));
	cr_assert_str_eq(pa_str(out, "ftp", "anonymous"), "accepted");
	cr_assert_str_eq(ftp_hello_str(3, "230 Login successful.\r\n"), "QUIT\r\n");
	cr_assert_eq(ftp_step(3, "230 Login successful.\r\n", "221 Goodbye.\r\n", out), PROBE_MATCH);
	json_decref(out);
}

Test(probe_ftp, anonymous_refused_or_without_password)
{
	json_t *out = json_object();

	cr_assert_eq(ftp_step(1, "220 x\r\n", "331 Password.\r\n", out), PROBE_NEXT_STEP);
	cr_assert_eq(ftp_step(2, "331 Password.\r\n", "530 Login incorrect.\r\n", out),
		     PROBE_NEXT_STEP);
	cr_assert_str_eq(pa_str(out, "ftp", "anonymous"), "refused");
	cr_assert(!pa_has_risk(out, "ftp-anonymous"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(ftp_step(1, "220 x\r\n", "230 in\r\n", out), PROBE_NEXT_STEP);
	cr_assert(pa_has_risk(out, "ftp-anonymous"));
	cr_assert_str_eq(ftp_hello_str(2, "230 in\r\n"), "QUIT\r\n", "no PASS once in");
	cr_assert_eq(ftp_step(2, "230 in\r\n", "221 bye\r\n", out), PROBE_MATCH);
	cr_assert_eq(ftp_step(1, "220 x\r\n", "331 Pass", out), PROBE_NEED_MORE, "partial line");
	json_decref(out);
}
