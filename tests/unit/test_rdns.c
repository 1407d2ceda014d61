/*
 * test_rdns.c - the reverse names asked and the PTR answers kept
 * (scanner/names/rdns.c).  Replies are the seed files of the fuzz corpus
 * tests/fuzz/corpus/rdns/, built byte by byte (not by a DNS library).  The
 * lookups themselves run against a real unbound in tests/lab/test_names.sh.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/names/rdns.h"

static size_t
seed(const char *name, uint8_t *buf, size_t cap)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	char path[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/rdns/%s", s && *s ? s : ".", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

Test(rdns, ptr_names)
{
	struct addr a;
	char q[96];

	cr_assert_eq(addr_parse("198.18.10.20", &a), 0);
	rdns_ptr_name(&a, q, sizeof(q));
	cr_assert_str_eq(q, "20.10.18.198.in-addr.arpa");
	cr_assert_eq(addr_parse("2001:db8::1", &a), 0);
	rdns_ptr_name(&a, q, sizeof(q));
	cr_assert_str_eq(q, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

Test(rdns, one_ptr_answer)
{
	char names[RDNS_MAX_NAMES][RDNS_NAME_MAX + 1];
	uint8_t buf[512];
	size_t n = seed("ptr-one", buf, sizeof(buf));

	cr_assert_eq(rdns_parse_reply(buf, n, names, RDNS_MAX_NAMES), 1);
	cr_assert_str_eq(names[0], "pacs01.hospital.example", "trailing dot dropped");
}

Test(rdns, two_answers_compressed)
{
	char names[RDNS_MAX_NAMES][RDNS_NAME_MAX + 1];
	uint8_t buf[512];
	size_t n = seed("ptr-two", buf, sizeof(buf));

	cr_assert_eq(rdns_parse_reply(buf, n, names, RDNS_MAX_NAMES), 2);
	cr_assert_str_eq(names[1], "alt.20.10.18.198.in-addr.arpa");
	cr_assert_eq(rdns_parse_reply(buf, n, names, 1), 1, "max is honoured");
}

Test(rdns, nothing_kept)
{
	char names[RDNS_MAX_NAMES][RDNS_NAME_MAX + 1];
	uint8_t buf[512];
	size_t n = seed("nxdomain", buf, sizeof(buf));

	cr_assert_eq(rdns_parse_reply(buf, n, names, RDNS_MAX_NAMES), 0, "NXDOMAIN: no names");
	n = seed("cname-ptr", buf, sizeof(buf));
	cr_assert_eq(rdns_parse_reply(buf, n, names, RDNS_MAX_NAMES), 0,
		     "a CNAME is not a PTR, and a name with a space or '<' is not a host name");
	cr_assert_eq(rdns_parse_reply(buf, 5, names, RDNS_MAX_NAMES), -1, "truncated header");
	cr_assert_eq(rdns_parse_reply(buf, n - 3, names, RDNS_MAX_NAMES), -1, "truncated record");
}
