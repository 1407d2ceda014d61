/* test_probe_memcached.c - Memcached "version" on a reply recorded from memcached 1.6.18. */
#include "probe_c_util.h"

Test(probe_memcached, recorded_version_is_open)
{
	size_t n;
	uint8_t *b = pa_load("memcached", "memcached-1.6.bin", &n), h[32];
	json_t *o = json_object();

	cr_assert_eq(pc_hello("memcached", 0, 11211, NULL, h, sizeof(h)), 9);
	cr_expect(!memcmp(h, "version\r\n", 9));
	cr_assert_eq(pc_run("memcached", 0, 11211, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "memcached.version_line"), "VERSION 1.6.18");
	cr_expect(pc_has_risk(o, "memcached-open"));
	json_decref(o);
	pc_truncations("memcached", 0, 11211, b, n, 1);
	free(b);
}

Test(probe_memcached, sasl_refusal_and_garbage)
{
	json_t *o = json_object();

	cr_assert_eq(pc_run("memcached", 0, 11211, 0, "CLIENT_ERROR unauthenticated\r\n", 30, o), PROBE_MATCH);
	cr_expect(!pc_has_risk(o, "memcached-open"));
	cr_expect_eq(pc_run("memcached", 0, 11211, 1, "VERSION \r\n", 10, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("memcached", 0, 11211, 1, "SSH-2.0-x\r\n", 11, o), PROBE_NO_MATCH);
	json_decref(o);
}
