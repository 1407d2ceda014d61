/* test_probe_redis.c - Redis INFO server on replies recorded from redis-server 7.0.15. */
#include "probe_c_util.h"

Test(probe_redis, hello_is_info_server_only)
{
	uint8_t b[64];

	cr_assert_eq(pc_hello("redis", 0, 6379, NULL, b, sizeof(b)), 13);
	cr_expect(!memcmp(b, "INFO server\r\n", 13));
	cr_expect_eq(pc_hello("redis", 1, 6379, NULL, b, sizeof(b)), -1);
	cr_expect_eq(pc_hello("redis", 0, 6379, NULL, b, 12), -1);
}

Test(probe_redis, no_auth_recorded)
{
	size_t n;
	uint8_t *b = pa_load("redis", "redis7-noauth.bin", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("redis", 0, 6379, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "service"), "redis");
	cr_expect_str_eq(pc_str(o, "redis.redis_version"), "7.0.15");
	cr_expect_str_eq(pc_str(o, "redis.mode"), "standalone");
	cr_expect(pc_has_risk(o, "redis-no-auth"));
	json_decref(o);
	/* complete once the bulk length is there (the final CRLF may lag) */
	pc_truncations("redis", 0, 6379, b, n - 2, 1);
	o = json_object();
	cr_expect_eq(pc_run("redis", 0, 6379, 0, b, n / 2, o), PROBE_NEED_MORE);
	json_decref(o);
	free(b);
}

Test(probe_redis, requirepass_recorded_is_not_flagged)
{
	size_t n;
	uint8_t *b = pa_load("redis", "redis7-requirepass.bin", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("redis", 0, 6379, 0, b, n, o), PROBE_MATCH);
	cr_expect(json_is_true(json_object_get(json_object_get(o, "redis"), "auth_required")));
	cr_expect(!pc_has_risk(o, "redis-no-auth"));
	json_decref(o);
	free(b);
}

Test(probe_redis, lies_and_garbage)
{
	json_t *o = json_object();

	cr_expect_eq(pc_run("redis", 0, 6379, 1, "$99999999999\r\n# Server", 23, o), PROBE_MALFORMED);
	cr_expect_eq(pc_run("redis", 0, 6379, 1, "$x\r\n", 4, o), PROBE_MALFORMED);
	cr_expect_eq(pc_run("redis", 0, 6379, 1, "$5\r\nhello", 9, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("redis", 0, 6379, 1, "-ERR other\r\n", 12, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("redis", 0, 6379, 1, "HTTP/1.1 400\r\n", 14, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("redis", 0, 6379, 1, "", 0, o), PROBE_NO_MATCH);
	cr_expect(!pc_has_risk(o, "redis-no-auth"));
	json_decref(o);
}
