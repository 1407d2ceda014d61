/*
 * permute.h - full-period pseudo-random permutation of [0, n).
 *
 * The sweep walks target indices 0, 1, 2, ... and maps each one through
 * perm_map() to the (address, port) slot it probes.  Every slot comes out
 * exactly once, in an order that scatters consecutive probes across hosts
 * and ports, so no fragile clinical subnet sees a burst (STYLE.md §3.7).
 *
 * The permutation is a balanced Feistel network over the smallest even
 * bit width that holds n, with cycle walking to stay inside [0, n), the
 * construction masscan's blackrock uses.  A Feistel network is a bijection
 * whatever its round function is, so correctness never depends on the
 * quality of the mixer; the per-scan seed only changes the order.  State
 * is a few words: memory is O(1) in n.
 */
#ifndef HEIIKI_PERMUTE_H
#define HEIIKI_PERMUTE_H

#include <stdint.h>

#define PERM_ROUNDS 6

struct perm {
	uint64_t n;			/* domain size, >= 1 */
	unsigned half;			/* bits per Feistel half */
	uint64_t mask;			/* (1 << half) - 1 */
	uint64_t key[PERM_ROUNDS];	/* round keys derived from the seed */
};

/* Set up a permutation of [0, n) for seed; n must be >= 1. */
void perm_init(struct perm *p, uint64_t n, uint64_t seed);
/* The image of i (i < n) under the permutation. */
uint64_t perm_map(const struct perm *p, uint64_t i);
/* The inverse: perm_unmap(p, perm_map(p, i)) == i. */
uint64_t perm_unmap(const struct perm *p, uint64_t j);

#endif
