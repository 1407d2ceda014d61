/*
 * test_probe_ajp.c - AJP CPING/CPONG: request bytes, the CPong (authored
 * from the AJP13 specification: a constant, see data/ajp/README), other
 * replies, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_ajp;

#define AJP_HOST "198.18.60.120"

Test(probe_ajp, cping_cpong)
{
	struct probe_ctx c = pb_ctx(AJP_HOST, 8009, 0);
	json_t *out = json_object();
	uint8_t buf[16];
	size_t len = 0;
	uint8_t *b;

	cr_assert_eq(probe_ajp.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 5);
	cr_assert_arr_eq(buf, "\x12\x34\x00\x01\x0a", 5);
	cr_assert_eq(probe_ajp.hello(&c, buf, 4, &len), -1);
	cr_assert_eq(pb_parse_file(&probe_ajp, &c, "ajp", "cpong-spec.bin", out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "ajp13");
	cr_assert(pb_has_risk(out, "ajp-open"));
	json_decref(out);
	b = pb_load("ajp", "cpong-spec.bin", &len);
	pb_truncations(&probe_ajp, &c, b, len, 1);
	free(b);
}

Test(probe_ajp, not_ajp)
{
	struct probe_ctx c = pb_ctx(AJP_HOST, 8009, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse(&probe_ajp, &c, (const uint8_t *)"AB\x00\x02\x09\x00", 6, out),
	    PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_ajp, &c, (const uint8_t *)"HTTP/1.1 400", 12, out),
	    PROBE_NO_MATCH);
	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_ajp, &c, (const uint8_t *)"AB", 2, out), PROBE_NO_MATCH);
	cr_assert(!pb_has_risk(out, "ajp-open"));
	json_decref(out);
	pb_garbage(&probe_ajp, AJP_HOST, 8009);
}
