/*
 * test_targets.c - target sets (scanner/input/targets.c).
 *
 * Hand-picked edge cases (whole address spaces, adjacent and overlapping
 * merges, IPv6, nth across pieces) plus a randomised model check: random
 * add / union / subtract / intersect on a 512-address universe compared,
 * address by address, with a plain bitmap.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/input/targets.h"

static void
add(struct tset *s, const char *e)
{
	char err[128];

	cr_assert_eq(tset_add_str(s, e, err, sizeof(err)), 0, "%s: %s", e, err);
}

static struct addr
A(const char *s)
{
	struct addr a;

	cr_assert_eq(addr_parse(s, &a), 0, "%s", s);
	return a;
}

static const char *
fmt(const struct tset *s)
{
	static char buf[1024];

	return tset_fmt(s, buf, sizeof(buf));
}

Test(sweep_targets, adjacent_and_overlapping_merge)
{
	struct tset s;

	tset_init(&s);
	add(&s, "198.18.0.128/25");
	add(&s, "198.18.0.0/25");
	cr_assert_eq(s.n, 1, "%s", fmt(&s));
	cr_assert_str_eq(fmt(&s), "198.18.0.0/24");
	add(&s, "198.18.2.0/24");
	cr_assert_eq(s.n, 2);
	/* fills the gap exactly: all three become one */
	add(&s, "198.18.1.0/24");
	cr_assert_eq(s.n, 1, "%s", fmt(&s));
	add(&s, "198.18.0.5-198.18.0.9");	/* already inside */
	cr_assert_eq(s.n, 1);
	cr_assert_eq((uint64_t)tset_count(&s), 768);
	tset_free(&s);
}

Test(sweep_targets, bridging_many_pieces)
{
	struct tset s;

	tset_init(&s);
	for (int i = 0; i < 20; i += 2) {
		char e[32];

		snprintf(e, sizeof(e), "198.18.%d.0/24", i);
		add(&s, e);
	}
	cr_assert_eq(s.n, 10);
	add(&s, "198.18.1.7-198.18.16.3");
	/* 1.0-1.6 stays a gap; 2.0 .. 16.0 are swallowed */
	cr_assert_eq(s.n, 3, "%s", fmt(&s));
	cr_assert_str_eq(fmt(&s),
			 "198.18.0.0/24, 198.18.1.7-198.18.16.255, 198.18.18.0/24");
	add(&s, "198.18.1.0-198.18.1.6");
	add(&s, "198.18.17.0/24");
	cr_assert_eq(s.n, 1, "%s", fmt(&s));
	cr_assert_eq((uint64_t)tset_count(&s), 19 * 256);
	tset_free(&s);
}

Test(sweep_targets, whole_ipv4_space)
{
	struct tset s, o;
	struct addr a;

	tset_init(&s);
	tset_init(&o);
	add(&s, "0.0.0.0/0");
	cr_assert_eq((uint64_t)tset_count(&s), 1ULL << 32);
	cr_assert(tset_contains(&s, &(struct addr){ A("0.0.0.0").v }));
	cr_assert(tset_contains(&s, &(struct addr){ A("255.255.255.255").v }));
	cr_assert_not(tset_contains(&s, &(struct addr){ A("::1").v }));
	cr_assert_eq(tset_freeze(&s), 0);
	cr_assert_eq(tset_nth(&s, (1ULL << 32) - 1, &a), 0);
	cr_assert_eq(addr_cmp(&a, &(struct addr){ A("255.255.255.255").v }), 0);
	cr_assert_eq(tset_nth(&s, 1ULL << 32, &a), -1);
	/* subtract the middle: two pieces, count drops by exactly 256 */
	add(&o, "198.18.5.0/24");
	cr_assert_eq(tset_subtract(&s, &o), 0);
	cr_assert_eq(s.n, 2);
	cr_assert_eq((uint64_t)tset_count(&s), (1ULL << 32) - 256);
	cr_assert_not(tset_contains(&s, &(struct addr){ A("198.18.5.77").v }));
	cr_assert(tset_contains(&s, &(struct addr){ A("198.18.6.0").v }));
	cr_assert(tset_contains(&s, &(struct addr){ A("198.18.4.255").v }));
	tset_free(&s);
	tset_free(&o);
}

Test(sweep_targets, whole_ipv6_space_saturates)
{
	struct tset s, o;

	tset_init(&s);
	tset_init(&o);
	add(&s, "::/0");
	cr_assert_eq(tset_count(&s), ~(u128)0);
	cr_assert(tset_contains(&s, &(struct addr){ A("::").v }));
	cr_assert(tset_contains(&s, &(struct addr){ A("198.18.0.1").v }));
	cr_assert(tset_contains(&s, &(struct addr){
		A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").v }));
	add(&o, "::/0");
	cr_assert_eq(tset_subtract(&s, &o), 0);
	cr_assert_eq(s.n, 0);
	cr_assert_eq((uint64_t)tset_count(&s), 0);
	tset_free(&s);
	tset_free(&o);
}

Test(sweep_targets, ipv6_nth_and_intersect)
{
	struct tset s, o;
	struct addr a;
	char buf[ADDR_STRLEN];

	tset_init(&s);
	tset_init(&o);
	add(&s, "2001:db8::/126");
	add(&s, "2001:db8:1::10-2001:db8:1::11");
	add(&s, "198.18.0.1");
	cr_assert_eq((uint64_t)tset_count(&s), 7);
	cr_assert_eq(tset_freeze(&s), 0);
	/* IPv4-mapped sorts below 2001:db8::/32 */
	cr_assert_eq(tset_nth(&s, 0, &a), 0);
	cr_assert_str_eq(addr_fmt(&a, buf), "198.18.0.1");
	cr_assert_eq(tset_nth(&s, 4, &a), 0);
	cr_assert_str_eq(addr_fmt(&a, buf), "2001:db8::3");
	cr_assert_eq(tset_nth(&s, 6, &a), 0);
	cr_assert_str_eq(addr_fmt(&a, buf), "2001:db8:1::11");
	add(&o, "2001:db8::2-2001:db8:1::10");
	cr_assert_eq(tset_intersect(&s, &o), 0);
	cr_assert_eq((uint64_t)tset_count(&s), 3);
	cr_assert_str_eq(fmt(&s), "2001:db8::2/127, 2001:db8:1::10/128");
	tset_free(&s);
	tset_free(&o);
}

Test(sweep_targets, covers_and_overlaps)
{
	struct tset s;
	struct range r;
	char err[64];

	tset_init(&s);
	add(&s, "198.18.0.0/24");
	add(&s, "198.18.2.0/24");
	cr_assert_eq(range_parse("198.18.0.10-198.18.0.20", &r, err, sizeof(err)), 0);
	cr_assert(tset_covers(&s, &r));
	cr_assert(tset_overlaps(&s, &r));
	cr_assert_eq(range_parse("198.18.0.0/23", &r, err, sizeof(err)), 0);
	cr_assert_not(tset_covers(&s, &r));
	cr_assert(tset_overlaps(&s, &r));
	cr_assert_eq(range_parse("198.18.1.0/24", &r, err, sizeof(err)), 0);
	cr_assert_not(tset_overlaps(&s, &r));
	cr_assert_eq(range_parse("198.18.0.0/22", &r, err, sizeof(err)), 0);
	cr_assert_not(tset_covers(&s, &r));
	cr_assert_eq(range_parse("198.18.3.0/24", &r, err, sizeof(err)), 0);
	cr_assert_not(tset_overlaps(&s, &r));
	cr_assert_eq(range_parse("198.18.2.255", &r, err, sizeof(err)), 0);
	cr_assert(tset_covers(&s, &r));
	tset_free(&s);
}

Test(sweep_targets, empty_set_and_bad_input)
{
	struct tset s;
	struct addr a;
	char err[128];

	tset_init(&s);
	cr_assert_eq((uint64_t)tset_count(&s), 0);
	cr_assert_not(tset_contains(&s, &(struct addr){ A("198.18.0.1").v }));
	cr_assert_eq(tset_freeze(&s), 0);
	cr_assert_eq(tset_nth(&s, 0, &a), -1);
	cr_assert_eq(tset_add_str(&s, "198.18.0.1/33", err, sizeof(err)), -1);
	cr_assert_eq(tset_add_str(&s, "198.18.0.300", err, sizeof(err)), -1);
	cr_assert_eq(tset_add_str(&s, "198.18.0.9-198.18.0.1", err, sizeof(err)), -1);
	cr_assert_eq(s.n, 0);
	tset_free(&s);
}

Test(sweep_targets, copy_is_independent)
{
	struct tset s, c;

	tset_init(&s);
	add(&s, "198.18.0.0/30");
	cr_assert_eq(tset_copy(&c, &s), 0);
	add(&s, "198.18.9.0/24");
	cr_assert_eq(c.n, 1);
	cr_assert_eq((uint64_t)tset_count(&c), 4);
	tset_free(&s);
	tset_free(&c);
}

/* --- model check against a bitmap ---------------------------------------- */

enum { U = 512 };

static void
rand_set(struct tset *s, uint8_t *bits, unsigned *rng)
{
	int pieces = 1 + (int)(rand_r(rng) % 6);

	tset_init(s);
	memset(bits, 0, U);
	for (int k = 0; k < pieces; k++) {
		unsigned lo = (unsigned)rand_r(rng) % U;
		unsigned len = 1 + (unsigned)rand_r(rng) % 64;
		unsigned hi = lo + len - 1 < U ? lo + len - 1 : U - 1;
		struct range r = { A("198.18.0.0").v + lo, A("198.18.0.0").v + hi };

		cr_assert_eq(tset_add(s, &r), 0);
		memset(bits + lo, 1, hi - lo + 1);
	}
}

static void
check_model(struct tset *s, const uint8_t *bits)
{
	uint64_t want = 0, k = 0;
	u128 base = A("198.18.0.0").v;

	for (unsigned i = 0; i < U; i++)
		want += bits[i];
	cr_assert_eq((uint64_t)tset_count(s), want);
	/* invariants: sorted, disjoint, non-adjacent */
	for (size_t i = 1; i < s->n; i++)
		cr_assert_gt(s->r[i].lo, s->r[i - 1].hi + 1);
	cr_assert_eq(tset_freeze(s), 0);
	for (unsigned i = 0; i < U; i++) {
		struct addr a = { base + i };

		cr_assert_eq(tset_contains(s, &a), bits[i], "addr +%u", i);
		if (bits[i]) {
			struct addr n;

			cr_assert_eq(tset_nth(s, k++, &n), 0);
			cr_assert_eq(addr_cmp(&n, &a), 0, "nth(%llu)",
				     (unsigned long long)k - 1);
		}
	}
}

Test(sweep_targets, random_ops_match_bitmap)
{
	unsigned rng = 2026;
	uint8_t ab[U], bb[U];

	for (int round = 0; round < 400; round++) {
		struct tset a, b;
		int op = round % 3;

		rand_set(&a, ab, &rng);
		rand_set(&b, bb, &rng);
		if (op == 0)
			cr_assert_eq(tset_union(&a, &b), 0);
		else if (op == 1)
			cr_assert_eq(tset_subtract(&a, &b), 0);
		else
			cr_assert_eq(tset_intersect(&a, &b), 0);
		for (unsigned i = 0; i < U; i++) {
			if (op == 0)
				ab[i] = ab[i] | bb[i];
			else if (op == 1)
				ab[i] = ab[i] && !bb[i];
			else
				ab[i] = ab[i] && bb[i];
		}
		check_model(&a, ab);
		tset_free(&a);
		tset_free(&b);
	}
}

Test(targets, special_blocks_in_a_set)
{
	struct tset s;
	char err[128];
	const char *block = NULL;

	tset_init(&s);
	cr_assert_eq(tset_add_str(&s, "198.18.0.0/15", err, sizeof(err)), 0);
	cr_assert_eq(tset_add_str(&s, "2001:db8::/32", err, sizeof(err)), 0);
	cr_assert_null(tset_special(&s, 0, &block));
	cr_assert_eq(tset_add_str(&s, "127.0.0.1", err, sizeof(err)), 0);
	cr_assert_str_eq(tset_special(&s, 0, &block), "loopback");
	cr_assert_str_eq(block, "127.0.0.0/8");
	cr_assert_null(tset_special(&s, ADDR_SP_LOOPBACK, &block));
	cr_assert_eq(tset_add_str(&s, "ff02::1", err, sizeof(err)), 0);
	cr_assert_str_eq(tset_special(&s, ~0u, &block), "multicast");
	cr_assert_str_eq(block, "ff00::/8");
	tset_free(&s);
	tset_init(&s);
	cr_assert_eq(tset_add_str(&s, "0.0.0.0/0", err, sizeof(err)), 0);
	cr_assert_str_eq(tset_special(&s, 0, &block), "broadcast");
	cr_assert_str_eq(tset_special(&s, ADDR_SP_THISNET, &block), "broadcast");
	tset_free(&s);
}
