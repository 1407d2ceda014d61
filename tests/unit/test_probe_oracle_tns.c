/*
 * test_probe_oracle_tns.c - TNS CONNECT (COMMAND=VERSION) and the
 * listener's replies, built from the TNS packet layout
 * (tests/probes/data/oracle-tns/make_spec.py; Debian has no Oracle).
 */
#include "probe_c_util.h"

#define TNS "oracle-tns"

Test(probe_oracle_tns, hello_is_connect_with_version_command)
{
	uint8_t b[256];
	long n = pc_hello(TNS, 0, 1521, NULL, b, sizeof(b));

	cr_assert_eq(n, 58 + 32);
	cr_expect_eq(b[0] << 8 | b[1], n, "TNS length");
	cr_expect_eq(b[4], 1, "CONNECT");
	cr_expect_eq(b[8] << 8 | b[9], 314);
	cr_expect_eq(b[24] << 8 | b[25], 32, "connect data length");
	cr_expect_eq(b[26] << 8 | b[27], 58, "connect data offset");
	cr_expect(!memcmp(b + 58, "(CONNECT_DATA=(COMMAND=VERSION))", 32));
	cr_expect_eq(pc_hello(TNS, 1, 1521, NULL, b, sizeof(b)), -1);
	cr_expect_eq(pc_hello(TNS, 0, 1521, NULL, b, 89), -1);
}

static json_t *
run_file(const char *file)
{
	size_t n;
	uint8_t *b = pa_load("oracle-tns", file, &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run(TNS, 0, 1521, 0, b, n, o), PROBE_MATCH, "%s", file);
	cr_expect_str_eq(pc_str(o, "service"), "oracle");
	cr_expect_str_eq(pc_str(o, "product"), "Oracle TNS listener");
	pc_truncations(TNS, 0, 1521, b, n, 1);
	free(b);
	return o;
}

Test(probe_oracle_tns, refuse_carries_vsnnum)
{
	json_t *o = run_file("refuse-11.2.0.4-err1189.bin");

	cr_expect_str_eq(pc_str(o, "oracle_tns.reply"), "refuse");
	cr_expect_str_eq(pc_str(o, "version"), "11.2.0.4.0");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "oracle_tns"), "error")), 1189);
	json_decref(o);
	o = run_file("refuse-19-err1189.bin");
	cr_expect_str_eq(pc_str(o, "version"), "19.0.0.0.0");
	json_decref(o);
}

Test(probe_oracle_tns, accept_banner_redirect_resend)
{
	json_t *o = run_file("accept-9.2-banner.bin");

	cr_expect_str_eq(pc_str(o, "oracle_tns.reply"), "accept");
	cr_expect_str_eq(pc_str(o, "version"), "9.2.0.1.0");
	cr_expect_str_eq(pc_str(o, "oracle_tns.banner"), "TNSLSNR for Linux: Version 9.2.0.1.0 - Production");
	json_decref(o);
	o = run_file("redirect.bin");
	cr_expect_str_eq(pc_str(o, "oracle_tns.reply"), "redirect");
	cr_expect(strstr(pc_str(o, "oracle_tns.data"), "PORT=40000") != NULL);
	cr_expect_null(json_object_get(o, "version"));
	json_decref(o);
	o = run_file("resend.bin");
	cr_expect_str_eq(pc_str(o, "oracle_tns.reply"), "resend");
	json_decref(o);
}

Test(probe_oracle_tns, lies_and_garbage)
{
	size_t n;
	uint8_t *b = pa_load("oracle-tns", "refuse-11.2.0.4-err1189.bin", &n);
	uint8_t *c = malloc(n);
	json_t *o = json_object();

	memcpy(c, b, n);
	c[11] = 0xff;		/* refuse data length past the packet */
	cr_expect_eq(pc_run(TNS, 0, 1521, 1, c, n, o), PROBE_MALFORMED);
	memcpy(c, b, n);
	c[2] = 1;		/* non-zero packet checksum: not TNS as a listener sends it */
	cr_expect_eq(pc_run(TNS, 0, 1521, 1, c, n, o), PROBE_NO_MATCH);
	memcpy(c, b, n);
	c[4] = 9;		/* unknown type */
	cr_expect_eq(pc_run(TNS, 0, 1521, 1, c, n, o), PROBE_NO_MATCH);
	memcpy(c, b, n);
	c[0] = 0x40;		/* length over the cap */
	cr_expect_eq(pc_run(TNS, 0, 1521, 0, c, n, o), PROBE_NO_MATCH);
	memcpy(c, b, n);
	c[1] = (uint8_t)(c[1] + 4);	/* longer than what came */
	cr_expect_eq(pc_run(TNS, 0, 1521, 0, c, n, o), PROBE_NEED_MORE);
	cr_expect_eq(pc_run(TNS, 0, 1521, 1, c, n, o), PROBE_MALFORMED);
	cr_expect_eq(pc_run(TNS, 0, 1521, 1, "SSH-2.0-OpenSSH_9.2\r\n", 21, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run(TNS, 0, 1521, 1, "", 0, o), PROBE_NO_MATCH);
	json_decref(o);
	free(b);
	free(c);
}
