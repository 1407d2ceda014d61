/*
 * targets.c - target sets (see targets.h).
 *
 * The set is a sorted array of disjoint, non-adjacent inclusive ranges.
 * Adding merges in place; subtraction and intersection walk both arrays
 * once.  Sets stay small (one entry per CIDR piece), so an O(n) insert is
 * fine; what must stay O(log n) is the per-packet work: contains and nth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"

void
tset_init(struct tset *s)
{
	memset(s, 0, sizeof(*s));
}

void
tset_free(struct tset *s)
{
	free(s->r);
	free(s->before);
	tset_init(s);
}

static int
tset_reserve(struct tset *s, size_t n)
{
	struct range *nr;
	size_t cap;

	if (n <= s->cap)
		return 0;
	cap = s->cap ? s->cap * 2 : 8;
	while (cap < n)
		cap *= 2;
	nr = realloc(s->r, cap * sizeof(*nr));
	if (!nr)
		return -1;
	s->r = nr;
	s->cap = cap;
	return 0;
}

static void
tset_thaw(struct tset *s)
{
	free(s->before);
	s->before = NULL;
}

int
tset_copy(struct tset *dst, const struct tset *src)
{
	tset_init(dst);
	if (tset_reserve(dst, src->n) < 0)
		return -1;
	if (src->n)
		memcpy(dst->r, src->r, src->n * sizeof(*src->r));
	dst->n = src->n;
	return 0;
}

/* First index whose hi >= v (ranges are sorted, so hi is increasing). */
static size_t
lower_hi(const struct tset *s, u128 v)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->r[mid].hi < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
tset_add(struct tset *s, const struct range *r)
{
	struct range m = *r;
	size_t i, j;

	tset_thaw(s);
	/* first range that ends at or after m.lo - 1 (touching counts) */
	i = lower_hi(s, m.lo ? m.lo - 1 : 0);
	j = i;
	while (j < s->n && (m.hi == ~(u128)0 || s->r[j].lo <= m.hi + 1)) {
		if (s->r[j].lo < m.lo)
			m.lo = s->r[j].lo;
		if (s->r[j].hi > m.hi)
			m.hi = s->r[j].hi;
		j++;
	}
	if (i == j) {
		if (tset_reserve(s, s->n + 1) < 0)
			return -1;
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(*s->r));
		s->n++;
	} else if (j - i > 1) {
		memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(*s->r));
		s->n -= j - i - 1;
	}
	s->r[i] = m;
	return 0;
}

int
tset_add_str(struct tset *s, const char *expr, char *err, size_t errlen)
{
	struct range r;

	if (range_parse(expr, &r, err, errlen) < 0)
		return -1;
	if (tset_add(s, &r) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
tset_union(struct tset *s, const struct tset *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (tset_add(s, &o->r[i]) < 0)
			return -1;
	return 0;
}

int
tset_subtract(struct tset *s, const struct tset *o)
{
	struct tset out;
	size_t j = 0;

	tset_init(&out);
	for (size_t i = 0; i < s->n; i++) {
		u128 lo = s->r[i].lo, hi = s->r[i].hi;
		int alive = 1;

		while (j < o->n && o->r[j].hi < lo)
			j++;
		for (size_t k = j; alive && k < o->n && o->r[k].lo <= hi; k++) {
			if (o->r[k].lo > lo) {
				struct range piece = { lo, o->r[k].lo - 1 };
				if (tset_reserve(&out, out.n + 1) < 0)
					goto out_nomem;
				out.r[out.n++] = piece;
			}
			if (o->r[k].hi >= hi)
				alive = 0;
			else
				lo = o->r[k].hi + 1;
		}
		if (alive) {
			if (tset_reserve(&out, out.n + 1) < 0)
				goto out_nomem;
			out.r[out.n].lo = lo;
			out.r[out.n++].hi = hi;
		}
	}
	tset_free(s);
	*s = out;
	return 0;
out_nomem:
	tset_free(&out);
	return -1;
}

int
tset_intersect(struct tset *s, const struct tset *o)
{
	struct tset out;
	size_t i = 0, j = 0;

	tset_init(&out);
	while (i < s->n && j < o->n) {
		u128 lo = s->r[i].lo > o->r[j].lo ? s->r[i].lo : o->r[j].lo;
		u128 hi = s->r[i].hi < o->r[j].hi ? s->r[i].hi : o->r[j].hi;

		if (lo <= hi) {
			if (tset_reserve(&out, out.n + 1) < 0) {
				tset_free(&out);
				return -1;
			}
			out.r[out.n].lo = lo;
			out.r[out.n++].hi = hi;
		}
		if (s->r[i].hi < o->r[j].hi)
			i++;
		else
			j++;
	}
	tset_free(s);
	*s = out;
	return 0;
}

int
tset_contains(const struct tset *s, const struct addr *a)
{
	size_t i = lower_hi(s, a->v);

	return i < s->n && s->r[i].lo <= a->v;
}

int
tset_covers(const struct tset *s, const struct range *r)
{
	size_t i = lower_hi(s, r->lo);

	return i < s->n && s->r[i].lo <= r->lo && s->r[i].hi >= r->hi;
}

int
tset_overlaps(const struct tset *s, const struct range *r)
{
	size_t i = lower_hi(s, r->lo);

	return i < s->n && s->r[i].lo <= r->hi;
}

u128
tset_count(const struct tset *s)
{
	u128 total = 0;

	for (size_t i = 0; i < s->n; i++) {
		u128 size = s->r[i].hi - s->r[i].lo;
		if (size == ~(u128)0 || total + size + 1 < total)
			return ~(u128)0;
		total += size + 1;
	}
	return total;
}

int
tset_freeze(struct tset *s)
{
	u128 total = 0;

	tset_thaw(s);
	s->before = malloc((s->n + 1) * sizeof(*s->before));
	if (!s->before)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		s->before[i] = total;
		total += s->r[i].hi - s->r[i].lo + 1;
	}
	s->before[s->n] = total;
	return 0;
}

int
tset_nth(const struct tset *s, u128 idx, struct addr *out)
{
	size_t lo = 0, hi = s->n;

	if (!s->before || s->n == 0 || idx >= s->before[s->n])
		return -1;
	/* last i with before[i] <= idx */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->before[mid] <= idx)
			lo = mid;
		else
			hi = mid;
	}
	out->v = s->r[lo].lo + (idx - s->before[lo]);
	return 0;
}

const char *
tset_fmt(const struct tset *s, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n && o + 1 < len; i++) {
		char piece[2 * ADDR_STRLEN + 2];
		int w;

		range_fmt(&s->r[i], piece, sizeof(piece));
		w = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", piece);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

const char *
tset_special(const struct tset *s, unsigned allow, const char **block)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *what = range_special(&s->r[i], allow, block, NULL);

		if (what)
			return what;
	}
	return NULL;
}
