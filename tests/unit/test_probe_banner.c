/*
 * test_probe_banner.c - bounded banner read: classification of first bytes,
 * the 1 KiB cap, waiting for a line end, silence, binary garbage.
 */
#include "probe_a_util.h"

static const char *
classify(const void *b, size_t n, json_t *out)
{
	struct probe_ctx c = pa_ctx(0, 7001, 1);

	cr_assert_eq(pa_run("banner", &c, b, n, out), PROBE_MATCH);
	return pa_str(out, "service", NULL);
}

Test(probe_banner, classes)
{
	json_t *out = json_object();
	size_t n;
	uint8_t *b;

	cr_assert_str_eq(classify("+OK ready\r\n", 11, out), "pop3");
	cr_assert_str_eq(classify("* OK IMAP4rev1\r\n", 16, out), "imap");
	cr_assert_str_eq(classify("220 mx ESMTP\r\n", 14, out), "smtp");
	cr_assert_str_eq(classify("220 files ready\r\n", 17, out), "ftp");
	cr_assert(pa_has_risk(out, "ftp-cleartext"));
	cr_assert_str_eq(classify("\x15\x03\x01\x00\x02\x02\x28", 7, out), "tls");
	cr_assert_str_eq(classify("\x0b" "MSH|^~\\&|\x1c\r", 13, out), "hl7-mllp");
	cr_assert_str_eq(classify("-NOAUTH Authentication required.\r\n", 34, out), "redis");
	cr_assert_str_eq(classify("\x01\x02\x03", 3, out), "unknown");
	b = pa_load("ssh", "openssh.bin", &n);
	cr_assert_str_eq(classify(b, n, out), "ssh");
	free(b);
	b = pa_load("telnet", "inetutils-step0.bin", &n);
	cr_assert_str_eq(classify(b, n, out), "telnet");
	cr_assert(pa_has_risk(out, "telnet-open"));
	free(b);
	cr_assert_str_eq(pa_str(out, "banner", "first_bytes_hex"), "fffb25fffb26fffd18fffd20fffd23fffd27fffd24");
	json_decref(out);
}

Test(probe_banner, waits_for_line_and_caps)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 7001, 0);
	char big[3000];

	cr_assert_eq(pa_run("banner", &c, "partial", 7, out), PROBE_NEED_MORE);
	cr_assert_eq(pa_run("banner", &c, "", 0, out), PROBE_NEED_MORE);
	memset(big, 'x', sizeof(big));
	cr_assert_eq(pa_run("banner", &c, big, sizeof(big), out), PROBE_MATCH);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "banner"), "length")), 1024);
	c.eof = 1;
	cr_assert_eq(pa_run("banner", &c, "", 0, out), PROBE_NO_MATCH, "silence is not a banner");
	json_decref(out);
}
