/*
 * test_probe_telnet.c - Telnet: the real inetutils telnetd conversation
 * (three recorded steps), the refusals hello() builds (WILL->DON'T,
 * DO->WON'T, never answering WON'T/DON'T, skipping SB), prompts, and
 * truncated or unterminated commands.
 */
#include "probe_a_util.h"

static size_t
refuse(const uint8_t *prev, size_t n, uint8_t *buf, size_t cap)
{
	const struct probe *p = probe_by_name("telnet");
	struct probe_ctx c = pa_ctx(1, 23, 0);
	size_t len = 99;

	c.prev = prev;
	c.prev_len = n;
	cr_assert_eq(p->hello(&c, buf, cap, &len), 0);
	return len;
}

Test(probe_telnet, real_inetutils_conversation)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 23, 0);
	uint8_t *s0, buf[256];
	size_t n0, n;
	static const uint8_t want[] = { 255, 254, 37, 255, 254, 38, 255, 252, 24, 255, 252, 32,
					255, 252, 35, 255, 252, 39, 255, 252, 36 };

	s0 = pa_load("telnet", "inetutils-step0.bin", &n0);
	cr_assert_eq(pa_run("telnet", &c, s0, n0, out), PROBE_NEXT_STEP);
	n = refuse(s0, n0, buf, sizeof(buf));
	cr_assert_eq(n, sizeof(want));
	cr_assert(!memcmp(buf, want, n));
	c = pa_ctx(1, 23, 0);
	cr_assert_eq(pa_run_file("telnet", &c, "telnet", "inetutils-step1.bin", out), PROBE_NEXT_STEP);
	c = pa_ctx(2, 23, 0);
	cr_assert_eq(pa_run_file("telnet", &c, "telnet", "inetutils-step2.bin", out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "service", NULL), "telnet");
	cr_assert_str_eq(pa_str(out, "telnet", "prompt_type"), "login");
	cr_assert_not_null(strstr(pa_str(out, "telnet", "banner_text"), "login:"));
	cr_assert(pa_has_risk(out, "telnet-open"));
	cr_assert_not(pa_has_risk(out, "telnet-unauth-shell"));
	cr_assert_geq(json_array_size(json_object_get(json_object_get(out, "telnet"), "options_do")), 5);
	free(s0);
	json_decref(out);
}

Test(probe_telnet, never_answers_wont_dont_and_skips_sb)
{
	static const uint8_t prev[] = { 255, 252, 1, 255, 254, 3, 255, 250, 24, 1, 255, 240,
					255, 253, 1, 255, 255, 'x' };
	uint8_t buf[64];
	size_t n = refuse(prev, sizeof(prev), buf, sizeof(buf));

	cr_assert_eq(n, 3);
	cr_assert_eq(buf[0], 255);
	cr_assert_eq(buf[1], 252);
	cr_assert_eq(buf[2], 1);
	/* a tiny buffer: refusals stop at the cap */
	cr_assert_eq(refuse(prev, sizeof(prev), buf, 2), 0);
	/* step 0 sends nothing */
	const struct probe *p = probe_by_name("telnet");
	struct probe_ctx c = pa_ctx(0, 23, 0);

	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), 0);
	cr_assert_eq(n, 0);
}

Test(probe_telnet, shell_prompt_is_critical)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 23, 0);
	static const char sh[] = "BusyBox v1.30 built-in shell\r\n/ # ";

	cr_assert_eq(pa_run("telnet", &c, sh, sizeof(sh) - 1, out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "telnet", "prompt_type"), "shell");
	cr_assert(pa_has_risk(out, "telnet-unauth-shell"));
	json_decref(out);
}

Test(probe_telnet, truncated_unterminated_oversize)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 23, 0);
	char big[5000];

	cr_assert_eq(pa_run("telnet", &c, "\xff", 1, out), PROBE_NEED_MORE);
	cr_assert_eq(pa_run("telnet", &c, "\xff\xfb", 2, out), PROBE_NEED_MORE);
	cr_assert_eq(pa_run("telnet", &c, "\xff\xfa\x18\x01" "abc", 7, out), PROBE_NEED_MORE);
	c.eof = 1;
	cr_assert_eq(pa_run("telnet", &c, "\xff\xfa\x18\x01" "abc", 7, out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "telnet", "prompt_type"), "none");
	json_decref(out);
	out = json_object();
	c = pa_ctx(2, 23, 0);
	memset(big, 'A', sizeof(big));
	cr_assert_eq(pa_run("telnet", &c, big, sizeof(big), out), PROBE_MATCH, "1 KiB text cap");
	cr_assert_leq(strlen(pa_str(out, "telnet", "banner_text")), 1024);
	json_decref(out);
}

Test(probe_telnet, plain_text_elsewhere_is_not_telnet)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 8023, 1);

	cr_assert_eq(pa_run("telnet", &c, "hello\r\n", 7, out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "telnet"));
	c.eof = 1;
	cr_assert_eq(pa_run("telnet", &c, "", 0, out), PROBE_NO_MATCH);
	json_decref(out);
}
