/*
 * permute.c - Feistel permutation with cycle walking (see permute.h).
 *
 * Domain: the smallest even width w = 2h with 2^w >= n (w >= 2).  One
 * round maps (L, R) to (R, L ^ F_k(R)) on h-bit halves; six rounds with
 * independent keys.  Because 2^w < 4n, cycle walking (re-encrypting until
 * the value falls below n) takes fewer than four steps on average, and
 * since encryption is a bijection on [0, 2^w) the walk always ends and
 * the restriction to [0, n) is itself a bijection.
 */
#include "permute.h"

/* splitmix64 finaliser: a fast 64-bit mixer used as the round function. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void
perm_init(struct perm *p, uint64_t n, uint64_t seed)
{
	unsigned bits = 2;
	uint64_t s = seed;

	p->n = n ? n : 1;
	while (bits < 64 && (p->n - 1) >> bits)
		bits++;
	if (bits & 1)
		bits++;
	p->half = bits / 2;
	p->mask = (p->half == 64) ? ~0ULL : ((1ULL << p->half) - 1);
	for (unsigned r = 0; r < PERM_ROUNDS; r++) {
		s += 0x9e3779b97f4a7c15ULL;
		p->key[r] = mix64(s);
	}
}

static uint64_t
round_f(const struct perm *p, unsigned r, uint64_t x)
{
	return mix64(x ^ p->key[r]) & p->mask;
}

static uint64_t
encrypt(const struct perm *p, uint64_t x)
{
	uint64_t l = (x >> p->half) & p->mask, r = x & p->mask;

	for (unsigned i = 0; i < PERM_ROUNDS; i++) {
		uint64_t t = l ^ round_f(p, i, r);

		l = r;
		r = t;
	}
	return (l << p->half) | r;
}

static uint64_t
decrypt(const struct perm *p, uint64_t x)
{
	uint64_t l = (x >> p->half) & p->mask, r = x & p->mask;

	for (unsigned i = PERM_ROUNDS; i-- > 0;) {
		uint64_t t = r ^ round_f(p, i, l);

		r = l;
		l = t;
	}
	return (l << p->half) | r;
}

uint64_t
perm_map(const struct perm *p, uint64_t i)
{
	uint64_t x = i;

	do
		x = encrypt(p, x);
	while (x >= p->n);
	return x;
}

uint64_t
perm_unmap(const struct perm *p, uint64_t j)
{
	uint64_t x = j;

	do
		x = decrypt(p, x);
	while (x >= p->n);
	return x;
}
