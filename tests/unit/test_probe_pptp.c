/*
 * test_probe_pptp.c - PPTP probe: Start-Control-Connection-Request bytes,
 * the reply recorded from pptpd 1.4.0, malformed variants.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_pptp;

#define PPTP_HOST "198.18.50.80"

Test(probe_pptp, request_layout)
{
	struct probe_ctx c = pb_ctx(PPTP_HOST, 1723, 0);
	uint8_t buf[256];
	size_t len = 0;

	cr_assert_eq(probe_pptp.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 156);
	cr_assert(!memcmp(buf, "\x00\x9c\x00\x01\x1a\x2b\x3c\x4d\x00\x01", 10));
	cr_assert(!memcmp(buf + 12, "\x01\x00", 2));
	cr_assert_str_eq((const char *)buf + 28, "HEIIKI");
	cr_assert_str_eq((const char *)buf + 92, "heiiki");
	cr_assert_eq(probe_pptp.hello(&c, buf, 155, &len), -1);
}

Test(probe_pptp, pptpd_reply)
{
	struct probe_ctx c = pb_ctx(PPTP_HOST, 1723, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("pptp", "pptpd.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_pptp, &c, b, len, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "pptp");
	cr_assert_str_eq(pb_str(out, "pptp", "protocol_version"), "1.0");
	cr_assert_str_eq(pb_str(out, "pptp", "result"), "success");
	cr_assert_str_eq(pb_str(out, "pptp", "host_name"), "local");
	cr_assert_str_eq(pb_str(out, "pptp", "vendor"), "linux");
	cr_assert_eq(json_integer_value(pb_get(out, "pptp", "firmware_revision")), 1);
	cr_assert(pb_has_risk(out, "pptp-enabled"));
	json_decref(out);
	pb_truncations(&probe_pptp, &c, b, len, 1);
	free(b);
}

Test(probe_pptp, malformed_variants)
{
	struct probe_ctx c = pb_ctx(PPTP_HOST, 1723, 0);
	size_t len;
	uint8_t *b = pb_load("pptp", "pptpd.step0.bin", &len);
	json_t *out = json_object();

	b[1] = 157;			/* length lies */
	cr_assert_eq(pb_parse(&probe_pptp, &c, b, len, out), PROBE_MALFORMED);
	b[1] = 156;
	b[9] = 1;			/* a request, not a reply */
	cr_assert_eq(pb_parse(&probe_pptp, &c, b, len, out), PROBE_MALFORMED);
	b[9] = 2;
	b[4] = 0;			/* bad magic */
	cr_assert_eq(pb_parse(&probe_pptp, &c, b, len, out), PROBE_NO_MATCH);
	b[4] = 0x1a;
	b[14] = 5;			/* result: unsupported version */
	memset(b + 28, 'H', 64);	/* host name without NUL: capped at 64 */
	cr_assert_eq(pb_parse(&probe_pptp, &c, b, len, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "pptp", "result"), "unsupported-version");
	cr_assert_eq(strlen(pb_str(out, "pptp", "host_name")), 64);
	json_decref(out);
	free(b);
	pb_garbage(&probe_pptp, PPTP_HOST, 1723);
}
