/*
 * test_probe_tftp.c - TFTP probe: the RRQ bytes, the error recorded from
 * tftpd-hpa 5.2 ("File not found"), DATA for an existing name, malformed
 * and foreign datagrams.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_tftp;

#define TFTP_HOST "198.18.60.30"

Test(probe_tftp, rrq_bytes)
{
	struct probe_ctx c = pb_ctx(TFTP_HOST, 69, 0);
	uint8_t buf[128];
	size_t len = 0;

	cr_assert_eq(probe_tftp.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(buf[0], 0);
	cr_assert_eq(buf[1], 1, "opcode RRQ, never WRQ");
	cr_assert_eq(memcmp(buf + 2, "heiiki-probe-", 13), 0);
	cr_assert_eq(memcmp(buf + len - 6, "octet", 6), 0);
	cr_assert_eq(strlen((char *)buf + 2) + 2 + 1 + 6, len);
	cr_assert_eq(probe_tftp.hello(&c, buf, 20, &len), -1, "never past cap");
	cr_assert(probe_tftp.flags & PROBE_UDP_NEW_TID);
}

Test(probe_tftp, tftpd_hpa_not_found)
{
	struct probe_ctx c = pb_ctx(TFTP_HOST, 69, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_tftp, &c, "tftp", "tftp-hpa.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "tftp");
	cr_assert_eq(json_integer_value(pb_get(out, "tftp", "error_code")), 1);
	cr_assert_str_eq(pb_str(out, "tftp", "error_message"), "File not found");
	cr_assert(pb_has_risk(out, "tftp-open"));
	json_decref(out);
}

Test(probe_tftp, data_and_malformed)
{
	struct probe_ctx c = pb_ctx(TFTP_HOST, 69, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("tftp", "tftp-hpa.step0.bin", &len);
	uint8_t data[600] = { 0, 3, 0, 1, 'x' };

	cr_assert_eq(pb_parse(&probe_tftp, &c, data, 5, out), PROBE_MATCH);
	cr_assert(json_is_true(pb_get(out, "tftp", "file_exists")));
	cr_assert(pb_has_risk(out, "tftp-open"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_tftp, &c, data, 520, out), PROBE_NO_MATCH,
	    "DATA longer than 512 bytes is not TFTP");
	data[3] = 2;
	cr_assert_eq(pb_parse(&probe_tftp, &c, data, 5, out), PROBE_NO_MATCH, "block 2 first");
	cr_assert_eq(pb_parse(&probe_tftp, &c, (const uint8_t *)"\0\5\0\11x\0", 6, out),
	    PROBE_NO_MATCH, "error code 9 does not exist");
	cr_assert_eq(pb_parse(&probe_tftp, &c, (const uint8_t *)"\0\5\0\1no-nul", 10, out),
	    PROBE_MALFORMED, "message without NUL");
	cr_assert_eq(pb_parse(&probe_tftp, &c, (const uint8_t *)"\0\6blksize\0", 10, out),
	    PROBE_NO_MATCH, "OACK to options we never sent");
	cr_assert(!pb_has_risk(out, "tftp-open"));
	json_decref(out);
	pb_truncations(&probe_tftp, &c, b, len, 0);
	free(b);
	pb_garbage(&probe_tftp, TFTP_HOST, 69);
}
