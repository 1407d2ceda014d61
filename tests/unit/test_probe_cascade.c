/*
 * test_probe_cascade.c - the any-port cascade (probes/probe_cascade.c):
 * greeting -> GET / on the same connection -> TLS -> greeting / GET inside.
 */
#include <criterion/criterion.h>

#include "probe_a_util.h"

static json_t *
cz_run(const char *name, int step, int tls, int eof, const void *b, size_t n, enum probe_verdict want)
{
	const struct probe *p = probe_by_name(name);
	struct probe_ctx c = pa_ctx(step, 40022, eof);
	json_t *out = json_object();
	enum probe_verdict v;

	cr_assert_not_null(p);
	c.tls = tls;
	v = probe_run_bytes(p, &c, b, n, out);
	cr_assert_eq(v, want, "%s step %d: verdict %s, want %s", name, step,
		     probe_verdict_name(v), probe_verdict_name(want));
	return out;
}

static const char *
cz_str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

Test(probe_cascade, greeting_is_classified_and_recorded)
{
	size_t len;
	uint8_t *b = pa_load("ssh", "openssh.bin", &len);
	json_t *o = cz_run("cascade", 0, 0, 0, b, len, PROBE_MATCH);

	cr_expect_str_eq(cz_str(o, "service"), "ssh");
	cr_expect_str_eq(cz_str(o, "cascade_step"), "greeting");
	json_decref(o);
	free(b);
}

Test(probe_cascade, partial_line_waits_then_silence_sends_get)
{
	const struct probe *p = probe_by_name("cascade");
	struct probe_ctx c = pa_ctx(1, 8042, 0);
	uint8_t buf[512];
	size_t n = 0;
	json_t *o;

	o = cz_run("cascade", 0, 0, 0, "220 ready", 9, PROBE_NEED_MORE);
	json_decref(o);
	o = cz_run("cascade", 0, 0, 1, "", 0, PROBE_NEXT_STEP);
	json_decref(o);
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert_gt(n, 20);
	cr_expect(!memcmp(buf, "GET / HTTP/1.0\r\nUser-Agent: heiiki/", 35));
	cr_expect(!memmem(buf, n, "Host:", 5), "no Host line: Redis would close");
	c.step = 0;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_expect_eq(n, 0, "step 0 sends nothing");
	c.step = 2;
	cr_expect_lt(p->hello(&c, buf, sizeof(buf), &n), 0, "no third request");
	c.step = 1;
	cr_expect_lt(p->hello(&c, buf, 10, &n), 0, "never past cap");
}

Test(probe_cascade, http_reply_after_get)
{
	size_t len;
	uint8_t *b = pa_load("http", "nginx-default-tls.http", &len);
	json_t *o = cz_run("cascade", 1, 0, 1, b, len, PROBE_MATCH);

	cr_expect_str_eq(cz_str(o, "service"), "http");
	cr_expect_str_eq(cz_str(o, "cascade_step"), "http");
	cr_expect_str_eq(cz_str(json_object_get(o, "http"), "server"), "nginx/1.22.1");
	cr_expect_null(json_object_get(o, "_paths"));
	json_decref(o);
	o = cz_run("cascade-tls", 1, 1, 1, b, len, PROBE_MATCH);
	cr_expect_str_eq(cz_str(o, "cascade_step"), "tls-http");
	json_decref(o);
	o = cz_run("cascade", 1, 0, 0, "HTT", 3, PROBE_NEED_MORE);
	json_decref(o);
	free(b);
}

Test(probe_cascade, tls_alert_or_close_moves_to_tls)
{
	json_t *o = cz_run("cascade", 1, 0, 1, "\x15\x03\x01\x00\x02\x02\x46", 7, PROBE_NO_MATCH);

	json_decref(o);
	o = cz_run("cascade", 1, 0, 1, "", 0, PROBE_NO_MATCH);
	json_decref(o);
	/* inside TLS, a working handshake alone still names it */
	o = cz_run("cascade-tls", 1, 1, 1, "", 0, PROBE_MATCH);
	cr_expect_str_eq(cz_str(o, "service"), "tls");
	cr_expect_str_eq(cz_str(o, "cascade_step"), "tls");
	json_decref(o);
}

Test(probe_cascade, reply_shapes)
{
	json_t *o = cz_run("cascade", 1, 0, 1, "ERROR\r\n", 7, PROBE_NEXT_STEP);

	cr_expect_str_eq(cz_str(o, "service"), "memcached");
	cr_expect_str_eq(cz_str(o, "cascade_step"), "reply-shape");
	cr_expect_str_eq(cz_str(o, "_next"), "memcached");
	json_decref(o);
	o = cz_run("cascade", 1, 0, 1, "-ERR wrong number of arguments for 'get' command\r\n", 50,
		   PROBE_NEXT_STEP);
	cr_expect_str_eq(cz_str(o, "service"), "redis");
	json_decref(o);
	/* inside TLS no follow-up */
	o = cz_run("cascade-tls", 1, 1, 1, "ERROR\r\n", 7, PROBE_MATCH);
	json_decref(o);
}

/* Redis on an unlisted port, recorded: the GET's error lines, then INFO
 * server on the same connection, parsed by the redis probe. */
Test(probe_cascade, redis_reply_shape_then_info)
{
	const struct probe *p = probe_by_name("cascade");
	size_t n1, n2;
	uint8_t *b1 = pa_load("cascade", "redis-after-get.step1.bin", &n1);
	uint8_t *b2 = pa_load("redis", "redis7-noauth.bin", &n2), h[64];
	struct probe_ctx c = pa_ctx(1, 16379, 1);
	json_t *o = json_object();
	size_t hl = 0;

	c.out = o;
	cr_assert_eq(probe_run_bytes(p, &c, b1, n1, o), PROBE_NEXT_STEP);
	c.step = 2;
	cr_assert_eq(p->hello(&c, h, sizeof(h), &hl), 0);
	cr_expect(hl == 13 && !memcmp(h, "INFO server\r\n", 13));
	c.eof = 0;
	cr_assert_eq(probe_run_bytes(p, &c, b2, n2, o), PROBE_MATCH);
	cr_expect_str_eq(cz_str(o, "cascade_step"), "hello:redis");
	cr_expect_str_eq(cz_str(json_object_get(o, "redis"), "redis_version"), "7.0.15");
	cr_expect_eq(json_array_size(json_object_get(o, "risks")), 1);
	/* a silent or closed follow-up keeps the reply-shape result */
	json_decref(o);
	o = json_object();
	c.out = o;
	c.step = 1;
	c.eof = 1;
	cr_assert_eq(probe_run_bytes(p, &c, b1, n1, o), PROBE_NEXT_STEP);
	c.step = 2;
	cr_expect_eq(probe_run_bytes(p, &c, (const uint8_t *)"", 0, o), PROBE_MATCH);
	cr_expect_str_eq(cz_str(o, "service"), "redis");
	cr_expect_str_eq(cz_str(o, "cascade_step"), "reply-shape");
	json_decref(o);
	free(b1);
	free(b2);
}

Test(probe_cascade, greeting_inside_tls_maps_names)
{
	static const char imap[] = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
				   "LITERAL+ AUTH=PLAIN] Dovecot (Debian) ready.\r\n";
	json_t *o = cz_run("cascade-tls", 0, 1, 0, imap, sizeof(imap) - 1, PROBE_MATCH);

	cr_expect_str_eq(cz_str(o, "service"), "imaps");
	cr_expect_str_eq(cz_str(o, "cascade_step"), "tls-greeting");
	json_decref(o);
	o = cz_run("cascade-tls", 0, 1, 0, "+OK Dovecot (Debian) ready.\r\n", 29, PROBE_MATCH);
	cr_expect_str_eq(cz_str(o, "service"), "pop3s");
	json_decref(o);
}

Test(probe_cascade, garbage_and_truncations_never_crash)
{
	static const uint8_t junk[] = { 0, 0xff, 0x16, 0x03, 'H', 'T', 'T', 'P', '/', 0x0a, 0x80 };

	for (int step = 0; step < 4; step++)
		for (size_t n = 0; n <= sizeof(junk); n++)
			for (int eof = 0; eof < 2; eof++) {
				const struct probe *p = probe_by_name(step & 1 ? "cascade-tls" : "cascade");
				struct probe_ctx c = pa_ctx(step, 1, eof);
				json_t *o = json_object();

				probe_run_bytes(p, &c, junk, n, o);
				json_decref(o);
			}
}
