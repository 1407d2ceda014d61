/*
 * test_permute.c - the sweep permutation is a bijection on [0, n).
 *
 * For a spread of domain sizes (1, primes, powers of two and their
 * neighbours, odd bit widths) every index maps into range, no image
 * repeats, and unmap inverts map.  Different seeds give different orders,
 * and the order is not the identity (the point of permuting).
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "scanner/sweep/permute.h"

static void
check_bijection(uint64_t n, uint64_t seed)
{
	struct perm p;
	uint8_t *seen = calloc(n, 1);

	cr_assert_not_null(seen);
	perm_init(&p, n, seed);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t j = perm_map(&p, i);

		cr_assert_lt(j, n, "n=%llu i=%llu -> %llu out of range",
			     (unsigned long long)n, (unsigned long long)i,
			     (unsigned long long)j);
		cr_assert_eq(seen[j], 0, "n=%llu: %llu produced twice",
			     (unsigned long long)n, (unsigned long long)j);
		seen[j] = 1;
		cr_assert_eq(perm_unmap(&p, j), i);
	}
	free(seen);
}

Test(sweep_permute, bijection_small_and_odd_sizes)
{
	static const uint64_t sizes[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17,
		100, 127, 128, 129, 254, 255, 256, 257, 1000, 4095, 4096, 4097,
		65535, 65536, 65537, 100003, 254 * 100 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		check_bijection(sizes[k], 0x1234 + k);
}

Test(sweep_permute, bijection_large_domain)
{
	/* a /16 times 20 ports: 1,310,720 slots */
	check_bijection(65536ULL * 20, 42);
}

Test(sweep_permute, huge_domain_in_range_and_invertible)
{
	struct perm p;
	uint64_t n = (1ULL << 62) + 12345;

	perm_init(&p, n, 7);
	for (uint64_t i = 0; i < 5000; i++) {
		uint64_t j = perm_map(&p, i * 0x9e3779b9ULL % n);

		cr_assert_lt(j, n);
		cr_assert_eq(perm_unmap(&p, j), i * 0x9e3779b9ULL % n);
	}
	perm_init(&p, ~0ULL, 9);
	for (uint64_t i = 0; i < 1000; i++)
		cr_assert_eq(perm_unmap(&p, perm_map(&p, ~0ULL - 1 - i)),
			     ~0ULL - 1 - i);
}

Test(sweep_permute, seed_changes_order_and_scatters)
{
	struct perm a, b;
	uint64_t n = 254 * 10, same = 0, fixed = 0, adjacent = 0;

	perm_init(&a, n, 1);
	perm_init(&b, n, 2);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = perm_map(&a, i), y = perm_map(&b, i);

		same += x == y;
		fixed += x == i;
		if (i && (perm_map(&a, i - 1) + 1 == x))
			adjacent++;
	}
	/* a random permutation has about 1 fixed point; allow slack */
	cr_assert_lt(same, n / 50, "seeds 1 and 2 agree on %llu of %llu",
		     (unsigned long long)same, (unsigned long long)n);
	cr_assert_lt(fixed, n / 50);
	cr_assert_lt(adjacent, n / 50, "order looks sequential");
}

Test(sweep_permute, same_seed_same_order)
{
	struct perm a, b;

	perm_init(&a, 99991, 77);
	perm_init(&b, 99991, 77);
	for (uint64_t i = 0; i < 99991; i += 97)
		cr_assert_eq(perm_map(&a, i), perm_map(&b, i));
}
