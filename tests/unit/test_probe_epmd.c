/*
 * test_probe_epmd.c - epmd probe: NAMES_REQ bytes, the reply recorded from
 * Erlang/OTP 25 epmd with one node, an empty list, bad lines, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_epmd;

#define EPMD_HOST "198.18.60.50"

Test(probe_epmd, names_request)
{
	struct probe_ctx c = pb_ctx(EPMD_HOST, 4369, 0);
	uint8_t buf[8];
	size_t len = 0;

	cr_assert_eq(probe_epmd.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 3);
	cr_assert_arr_eq(buf, "\0\1n", 3);
	cr_assert_eq(probe_epmd.hello(&c, buf, 2, &len), -1);
}

Test(probe_epmd, otp25_one_node)
{
	struct probe_ctx c = pb_ctx(EPMD_HOST, 4369, 0);
	json_t *out = json_object(), *n;
	size_t len;
	uint8_t *b = pb_load("epmd", "epmd-names.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_epmd, &c, b, len, out), PROBE_NEED_MORE,
	    "epmd closes after the list: wait for eof");
	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_epmd, &c, b, len, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "epmd");
	cr_assert_eq(json_integer_value(pb_get(out, "epmd", "port")), 4369);
	n = json_array_get(pb_get(out, "epmd", "nodes"), 0);
	cr_assert_str_eq(pb_str(n, NULL, "name"), "labnode");
	cr_assert_gt(json_integer_value(json_object_get(n, "port")), 1024);
	json_decref(out);
	free(b);
}

Test(probe_epmd, empty_bad_garbage)
{
	struct probe_ctx c = pb_ctx(EPMD_HOST, 4369, 0);
	json_t *out = json_object();

	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_epmd, &c, (const uint8_t *)"\0\0\x11\x11", 4, out),
	    PROBE_MATCH, "no node registered");
	cr_assert_eq(json_array_size(pb_get(out, "epmd", "nodes")), 0);
	cr_assert_eq(pb_parse(&probe_epmd, &c,
	    (const uint8_t *)"\0\0\x11\x11name x at port 99999\n", 26, out), PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_epmd, &c,
	    (const uint8_t *)"\0\0\x11\x11HTTP/1.0 400\n", 17, out), PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_epmd, &c, (const uint8_t *)"\0\0\0\0", 4, out),
	    PROBE_NO_MATCH, "port 0");
	cr_assert_eq(pb_parse(&probe_epmd, &c, (const uint8_t *)"\0\0", 2, out), PROBE_NO_MATCH);
	json_decref(out);
	pb_garbage(&probe_epmd, EPMD_HOST, 4369);
}
