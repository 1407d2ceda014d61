/*
 * test_addr.c - address, CIDR, range and MAC parsing and printing.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/core/addr.h"

static void
roundtrip(const char *in, const char *want)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	cr_assert_eq(addr_parse(in, &a), 0, "parse %s", in);
	cr_assert_str_eq(addr_fmt(&a, buf), want);
}

Test(addr, parse_and_print)
{
	roundtrip("198.18.0.1", "198.18.0.1");
	roundtrip("2001:db8::1", "2001:db8::1");
	roundtrip("2001:DB8:0:0::10", "2001:db8::10");
	roundtrip("0.0.0.0", "0.0.0.0");
	roundtrip("255.255.255.255", "255.255.255.255");
}

Test(addr, rejects_junk)
{
	struct addr a;
	const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4x",
			      "abc", "1.2.3.4/24", "::g", "198.18.0.1 ", NULL };

	for (int i = 0; bad[i]; i++)
		cr_assert_eq(addr_parse(bad[i], &a), -1, "'%s' accepted", bad[i]);
	cr_assert_eq(addr_parse(NULL, &a), -1);
}

Test(addr, v4_is_mapped_and_ordered)
{
	struct addr a, b;

	addr_parse("198.18.0.1", &a);
	addr_parse("198.18.0.2", &b);
	cr_assert(addr_is_v4(&a));
	cr_assert_eq(addr_v4(&a), 0xc6120001u);
	cr_assert_lt(addr_cmp(&a, &b), 0);
	addr_parse("::1", &b);
	cr_assert_not(addr_is_v4(&b));
}

Test(addr, cidr_parse_errors_name_the_value)
{
	struct cidr c;
	char err[128];

	cr_assert_eq(cidr_parse("198.18.0.0/15", &c, err, sizeof(err)), 0);
	cr_assert_eq(c.plen, 15);
	cr_assert_eq(cidr_parse("198.18.0.0/33", &c, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'198.18.0.0/33': prefix length must be 0-32");
	cr_assert_eq(cidr_parse("198.18.0.1/24", &c, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'198.18.0.1/24' has host bits set (did you mean 198.18.0.0/24?)");
	cr_assert_eq(cidr_parse("198.18.0.0/", &c, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'198.18.0.0/': prefix length is not a number");
	cr_assert_eq(cidr_parse("nonsense/8", &c, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'nonsense/8' is not an IPv4 or IPv6 address or CIDR");
	cr_assert_eq(cidr_parse("2001:db8::/129", &c, err, sizeof(err)), -1);
	cr_assert_eq(cidr_parse("2001:db8::/32", &c, err, sizeof(err)), 0);
}

Test(addr, cidr_ranges)
{
	struct cidr c;
	struct range r;
	struct addr a;
	char err[128], buf[128];

	cidr_parse("198.18.4.0/22", &c, err, sizeof(err));
	cidr_range(&c, &r);
	cr_assert_str_eq(range_fmt(&r, buf, sizeof(buf)), "198.18.4.0/22");
	addr_parse("198.18.7.255", &a);
	cr_assert(cidr_contains(&c, &a));
	addr_parse("198.18.8.0", &a);
	cr_assert_not(cidr_contains(&c, &a));
	cidr_parse("0.0.0.0/0", &c, err, sizeof(err));
	cidr_range(&c, &r);
	cr_assert_str_eq(range_fmt(&r, buf, sizeof(buf)), "0.0.0.0/0");
	cidr_parse("::/0", &c, err, sizeof(err));
	cidr_range(&c, &r);
	cr_assert_str_eq(range_fmt(&r, buf, sizeof(buf)), "::/0");
}

Test(addr, ranges)
{
	struct range r;
	char err[128], buf[128];

	cr_assert_eq(range_parse("198.18.0.5-198.18.0.9", &r, err, sizeof(err)), 0);
	cr_assert_str_eq(range_fmt(&r, buf, sizeof(buf)), "198.18.0.5-198.18.0.9");
	cr_assert_eq(range_parse("198.18.0.0-198.18.0.255", &r, err, sizeof(err)), 0);
	cr_assert_str_eq(range_fmt(&r, buf, sizeof(buf)), "198.18.0.0/24");
	cr_assert_eq(range_parse("198.18.0.9-198.18.0.5", &r, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'198.18.0.9-198.18.0.5': first address is above the last");
	cr_assert_eq(range_parse("198.18.0.1-2001:db8::1", &r, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'198.18.0.1-2001:db8::1' mixes IPv4 and IPv6");
	cr_assert_eq(range_parse("198.18.0.1", &r, err, sizeof(err)), 0);
	cr_assert(r.lo == r.hi);
	cr_assert(range_is_v4(&r));
	cr_assert_str_eq(range_fmt(&r, buf, sizeof(buf)), "198.18.0.1/32");
}

Test(addr, mac)
{
	uint8_t m[6];
	char buf[18];

	cr_assert_eq(mac_parse("00:1A:2b:3c:4d:5e", m), 0);
	cr_assert_str_eq(mac_fmt(m, buf), "00:1a:2b:3c:4d:5e");
	cr_assert_eq(mac_parse("00-1a-2b-3c-4d-5e", m), 0);
	cr_assert_eq(mac_parse("00:1a-2b:3c:4d:5e", m), -1);
	cr_assert_eq(mac_parse("00:1a:2b:3c:4d", m), -1);
	cr_assert_eq(mac_parse("zz:1a:2b:3c:4d:5e", m), -1);
}

static void
special_is(const char *s, const char *want)
{
	struct addr a;
	const char *got;

	cr_assert_eq(addr_parse(s, &a), 0, "parse %s", s);
	got = addr_special(&a, NULL);
	if (!want)
		cr_assert_null(got, "%s: classed as %s", s, got);
	else
		cr_assert(got && !strcmp(got, want), "%s: want %s, got %s", s, want,
			  got ? got : "(ordinary)");
}

Test(addr, special_classes)
{
	special_is("0.0.0.0", "this-network");
	special_is("0.255.0.1", "this-network");
	special_is("127.0.0.1", "loopback");
	special_is("127.255.255.255", "loopback");
	special_is("169.254.0.1", "link-local");
	special_is("224.0.0.1", "multicast");
	special_is("239.255.255.250", "multicast");
	special_is("240.0.0.1", "reserved");
	special_is("255.255.255.254", "reserved");
	special_is("255.255.255.255", "broadcast");
	special_is("::", "unspecified");
	special_is("::1", "loopback");
	special_is("::2", "reserved");
	special_is("fe80::1", "link-local");
	special_is("febf:ffff::1", "link-local");
	special_is("fec0::1", "reserved");
	special_is("ff02::1", "multicast");
	special_is("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast");
	/* ordinary neighbours of every block */
	special_is("1.0.0.0", NULL);
	special_is("126.255.255.255", NULL);
	special_is("128.0.0.0", NULL);
	special_is("169.253.255.255", NULL);
	special_is("169.255.0.0", NULL);
	special_is("223.255.255.255", NULL);
	special_is("198.18.0.1", NULL);
	special_is("2001:db8::1", NULL);
	special_is("fe7f:ffff::1", NULL);
	special_is("feff:ffff::1", "reserved");
	special_is("fe00::1", NULL);
	special_is("::1:0:0", NULL);	/* just past ::/96 */
}

Test(addr, range_special_and_allow)
{
	struct range r;
	char err[128];
	const char *block = NULL;
	unsigned cls = 0;

	cr_assert_eq(range_parse("198.18.0.0/15", &r, err, sizeof(err)), 0);
	cr_assert_null(range_special(&r, 0, &block, &cls));
	cr_assert_eq(range_parse("223.255.255.0-224.0.0.3", &r, err, sizeof(err)), 0);
	cr_assert_str_eq(range_special(&r, 0, &block, &cls), "multicast");
	cr_assert_str_eq(block, "224.0.0.0/4");
	cr_assert_eq(cls, ADDR_SP_MULTICAST);
	/* multicast and broadcast can never be allowed */
	cr_assert_str_eq(range_special(&r, ~0u, &block, &cls), "multicast");
	cr_assert_eq(range_parse("255.255.255.255", &r, err, sizeof(err)), 0);
	cr_assert_str_eq(range_special(&r, ~0u, &block, &cls), "broadcast");
	cr_assert_eq(range_parse("127.0.0.1", &r, err, sizeof(err)), 0);
	cr_assert_str_eq(range_special(&r, 0, &block, &cls), "loopback");
	cr_assert_null(range_special(&r, ADDR_SP_LOOPBACK, &block, &cls));
	cr_assert_eq(addr_special_class("loopback"), ADDR_SP_LOOPBACK);
	cr_assert_eq(addr_special_class("multicast"), 0);
	cr_assert_eq(addr_special_class("broadcast"), 0);
	cr_assert_eq(addr_special_class("nosuch"), 0);
}
