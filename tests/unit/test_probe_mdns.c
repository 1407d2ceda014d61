/*
 * test_probe_mdns.c - unicast mDNS probe: the two-question query, the
 * legacy-unicast answer recorded from avahi-daemon 0.8, compression loops,
 * lying counts, other ids, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_mdns;

#define MDNS_HOST "198.18.60.90"

Test(probe_mdns, query_bytes)
{
	struct probe_ctx c = pb_ctx(MDNS_HOST, 5353, 0);
	uint8_t buf[256];
	size_t len = 0;

	cr_assert_eq(probe_mdns.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(buf[2] | buf[3], 0, "standard query");
	cr_assert_eq(buf[5], 2, "services + reverse name");
	cr_assert_eq(memcmp(buf + 12, "\x09_services\x07_dns-sd\x04_udp\x05local\0\0\x0c\0\x01", 34), 0);
	cr_assert_eq(memcmp(buf + 46, "\00290\00260\00218\003198\007in-addr\004arpa\0", 27), 0);
	cr_assert_eq(len, 46 + 27 + 4);
	cr_assert_eq(probe_mdns.hello(&c, buf, 60, &len), -1, "never past cap");
	c.host = "2001:db8::1";
	cr_assert_eq(probe_mdns.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(buf[5], 1, "IPv6 target: services only");
}

Test(probe_mdns, avahi)
{
	struct probe_ctx c = pb_ctx(MDNS_HOST, 5353, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_mdns, &c, "mdns", "mdns-avahi.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "mdns");
	cr_assert_str_eq(pb_str(out, "mdns", "hostname"), "labmdns.local");
	cr_assert_str_eq(json_string_value(json_array_get(pb_get(out, "mdns", "services"), 0)),
	    "_workstation._tcp.local");
	json_decref(out);
}

Test(probe_mdns, malformed)
{
	struct probe_ctx c = pb_ctx(MDNS_HOST, 5353, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("mdns", "mdns-avahi.step0.bin", &len);
	uint8_t *x = malloc(len);
	/* id of MDNS_HOST, one answer whose name points at itself */
	uint8_t loop[32];

	memcpy(loop, b, 4);
	memcpy(loop + 4, "\0\0\0\1\0\0\0\0\xc0\x0c\0\x0c\0\1\0\0\0\0\0\0", 20);
	cr_assert_eq(pb_parse(&probe_mdns, &c, loop, 24, out), PROBE_MALFORMED,
	    "compression loop");
	memcpy(x, b, len);
	x[0] ^= 1;
	cr_assert_eq(pb_parse(&probe_mdns, &c, x, len, out), PROBE_NO_MATCH, "other id");
	memcpy(x, b, len);
	x[7] = 40;		/* 40 answers announced */
	cr_assert_eq(pb_parse(&probe_mdns, &c, x, len, out), PROBE_MALFORMED);
	memcpy(x, b, len);
	x[2] = 0x00;		/* a query, not a response */
	cr_assert_eq(pb_parse(&probe_mdns, &c, x, len, out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "mdns"));
	json_decref(out);
	pb_truncations(&probe_mdns, &c, b, len, 0);
	free(x);
	free(b);
	pb_garbage(&probe_mdns, MDNS_HOST, 5353);
}
