/*
 * targets.h - target sets: sorted, merged, disjoint address ranges.
 *
 * Memory is O(number of range pieces), never O(number of addresses): a /8
 * is one range.  Lookups (contains, nth) are binary searches, O(log n).
 * A set must be "frozen" (tset_freeze) after the last change and before
 * tset_nth() is used; freezing builds the prefix-count table.
 */
#ifndef HEIIKI_TARGETS_H
#define HEIIKI_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/addr.h"

struct tset {
	struct range *r;	/* sorted by lo, disjoint, non-adjacent */
	size_t n, cap;
	u128 *before;		/* before[i] = addresses in r[0..i-1] (frozen) */
};

void tset_init(struct tset *s);
void tset_free(struct tset *s);
int tset_copy(struct tset *dst, const struct tset *src);
/* Add one range; merges with neighbours.  0 or -1 (out of memory). */
int tset_add(struct tset *s, const struct range *r);
/* Parse and add an address, CIDR or range; -1 with err naming the value. */
int tset_add_str(struct tset *s, const char *expr, char *err, size_t errlen);
int tset_union(struct tset *s, const struct tset *other);
/* s := s \ other */
int tset_subtract(struct tset *s, const struct tset *other);
/* s := s ∩ other */
int tset_intersect(struct tset *s, const struct tset *other);
int tset_contains(const struct tset *s, const struct addr *a);
/* 1 when every address of r is in s. */
int tset_covers(const struct tset *s, const struct range *r);
/* 1 when some address of r is in s. */
int tset_overlaps(const struct tset *s, const struct range *r);
/* Number of addresses (saturates at 2^128-1 for ::/0). */
u128 tset_count(const struct tset *s);
int tset_freeze(struct tset *s);
/* The idx-th address in ascending order; the set must be frozen. */
int tset_nth(const struct tset *s, u128 idx, struct addr *out);
/*
 * The first special block (addr.h: broadcast, multicast, loopback, ...)
 * that some range of s overlaps and allow does not permit, or NULL;
 * *block gets its text.  Target sets from any source are checked with it.
 */
const char *tset_special(const struct tset *s, unsigned allow, const char **block);
/* Print ranges separated by ", " into buf; returns buf. */
const char *tset_fmt(const struct tset *s, char *buf, size_t len);

#endif
