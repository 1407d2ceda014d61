/*
 * test_probe_cups.c - CUPS probe: the GET /admin request, the fragile flag,
 * answers recorded from CUPS 2.4.2 cupsd with /admin allowed to all (200,
 * administration page) and with the default localhost-only rule (403), a
 * printer's own IPP server, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_cups;

#define CUPS_HOST "198.18.60.160"

Test(probe_cups, request_and_fragile)
{
	struct probe_ctx c = pb_ctx(CUPS_HOST, 631, 0);
	uint8_t buf[512];
	size_t len = 0;

	cr_assert(probe_cups.flags & PROBE_FRAGILE, "printers keep the fragile rule");
	cr_assert_eq(probe_cups.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "GET /admin HTTP/1.1\r\nHost: 198.18.60.160:631\r\n", 46));
	cr_assert_not_null(strstr((char *)buf, "Connection: close\r\n\r\n"));
	cr_assert_eq(probe_cups.hello(&c, buf, 30, &len), -1);
	c.step = 1;
	cr_assert_eq(probe_cups.hello(&c, buf, sizeof(buf), &len), -1, "one request only");
}

Test(probe_cups, admin_open_recorded)
{
	struct probe_ctx c = pb_ctx(CUPS_HOST, 631, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_cups, &c, "cups", "cups-admin-open.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "CUPS");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "2.4");
	cr_assert(json_is_true(pb_get(out, "cups", "admin_page_open")));
	cr_assert(pb_has_risk(out, "cups-admin-open"));
	json_decref(out);
}

Test(probe_cups, admin_locked_recorded)
{
	struct probe_ctx c = pb_ctx(CUPS_HOST, 631, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_cups, &c, "cups", "cups-admin-locked.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_eq(json_integer_value(pb_get(out, "cups", "admin_status")), 403);
	cr_assert(!pb_has_risk(out, "cups-admin-open"));
	json_decref(out);
}

Test(probe_cups, other_servers_truncated_garbage)
{
	struct probe_ctx c = pb_ctx(CUPS_HOST, 631, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("cups", "cups-admin-open.step0.bin", &len);
	static const char printer[] = "HTTP/1.1 200 OK\r\nServer: HP HTTP Server; HP LaserJet\r\n"
		"Content-Length: 36\r\n\r\n<title>Administration - HP</title>";
	static const char notadmin[] = "HTTP/1.1 200 OK\r\nServer: CUPS/2.4 IPP/2.1\r\n"
		"Content-Length: 26\r\n\r\n<title>Home - CUPS</title>";

	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_cups, &c, (const uint8_t *)printer, sizeof(printer) - 1, out),
	    PROBE_NO_MATCH, "a printer's own server is not CUPS");
	cr_assert_eq(pb_parse(&probe_cups, &c, (const uint8_t *)notadmin, sizeof(notadmin) - 1,
	    out), PROBE_MATCH);
	cr_assert(!pb_has_risk(out, "cups-admin-open"), "200 without the admin page");
	json_decref(out);
	c.eof = 0;
	pb_truncations(&probe_cups, &c, b, len, 1);
	free(b);
	pb_garbage(&probe_cups, CUPS_HOST, 631);
}
