/*
 * guard.c - scope, do_not_scan and shared-medium checks for every sender
 * (see guard.h).
 */
#include <stdio.h>
#include <string.h>

#include "guard.h"

void
guard_init_policy(struct guard *g, const struct policy *p)
{
	memset(g, 0, sizeof(*g));
	tset_init(&g->own_scope);
	g->pol = p;
	g->scope = &p->scope;
	g->deny = &p->dns_set;
	g->ready = 1;
}

void
guard_init_scope(struct guard *g)
{
	memset(g, 0, sizeof(*g));
	tset_init(&g->own_scope);
	g->scope = &g->own_scope;
	g->ready = 1;
}

int
guard_allow_class(struct guard *g, const char *name, char *err, size_t errlen)
{
	unsigned c = addr_special_class(name);

	if (!c) {
		snprintf(err, errlen,
			 "'%s' cannot be allowed: expected loopback, link-local, this-network or reserved (broadcast and multicast never are)",
			 name);
		return -1;
	}
	g->allow |= c;
	return 0;
}

int
guard_add_scope(struct guard *g, const char *expr, char *err, size_t errlen)
{
	const char *block, *what;
	struct range r;
	char perr[160];

	if (range_parse(expr, &r, perr, sizeof(perr)) < 0) {
		snprintf(err, errlen, "--scope '%s': %s", expr, perr);
		return -1;
	}
	if ((what = range_special(&r, g->allow, &block, NULL))) {
		snprintf(err, errlen, "--scope '%s' overlaps %s %s: refusing it as a target", expr,
			 what, block);
		return -1;
	}
	if (tset_add(&g->own_scope, &r) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
guard_free(struct guard *g)
{
	tset_free(&g->own_scope);
	g->ready = 0;
}

/*
 * The network or broadcast address of an inside zone's IPv4 range (a
 * directed broadcast reaches the whole segment): the zone, or NULL.
 */
static const struct zone *
zone_edge(const struct policy *p, const struct addr *a)
{
	if (!p || !addr_is_v4(a))
		return NULL;
	for (size_t i = 0; i < p->nzones; i++) {
		const struct zone *z = &p->zones[i];

		if (z->role == ZONE_EXTERNAL)
			continue;
		for (size_t k = 0; k < z->nets.n; k++) {
			const struct range *r = &z->nets.r[k];

			if (r->hi - r->lo >= 3 && (a->v == r->lo || a->v == r->hi))
				return z;
		}
	}
	return NULL;
}

int
guard_may(void *arg, const struct addr *a)
{
	const struct guard *g = arg;
	unsigned cls;

	if (!g || !g->ready || !tset_contains(g->scope, a))
		return 0;
	if (g->deny && tset_contains(g->deny, a))
		return 0;
	if (addr_special(a, &cls) && (cls & ADDR_SP_NEVER || !(cls & g->allow)))
		return 0;
	if (g->pol) {
		const struct zone *z = policy_zone_of(g->pol, a);

		if ((z && z->role == ZONE_EXTERNAL) ||
		    (!g->allow_zone_edges && zone_edge(g->pol, a)))
			return 0;
	}
	return 1;
}

int
guard_check_range(const struct guard *g, const struct range *r, const char *what,
		  char *err, size_t errlen)
{
	const char *block, *sp;

	if (!g || !g->ready) {
		snprintf(err, errlen, "%s: no scope: give --policy FILE or --scope CIDR", what);
		return -1;
	}
	if ((sp = range_special(r, g->allow, &block, NULL))) {
		snprintf(err, errlen, "%s is %s%s (%s): refusing to send to it", what,
			 r->lo == r->hi ? "" : "or overlaps ", sp, block);
		return -1;
	}
	if (!tset_covers(g->scope, r)) {
		snprintf(err, errlen, "%s is outside the %s: refusing to send to it", what,
			 g->pol ? "policy's scope" : "--scope");
		return -1;
	}
	if (g->deny && tset_overlaps(g->deny, r)) {
		const struct dns_entry *d = NULL;

		if (g->pol)
			for (size_t i = 0; i < g->pol->ndns && !d; i++)
				if (g->pol->dns[i].r.lo <= r->hi && g->pol->dns[i].r.hi >= r->lo)
					d = &g->pol->dns[i];
		snprintf(err, errlen, "%s is on do_not_scan%s%s%s: refusing to send to it", what,
			 d ? " (" : "", d ? d->reason : "", d ? ")" : "");
		return -1;
	}
	if (g->pol && r->lo == r->hi) {
		struct addr a = { r->lo };
		const struct zone *z = policy_zone_of(g->pol, &a);

		if (z && z->role == ZONE_EXTERNAL) {
			snprintf(err, errlen, "%s is in external zone '%s': refusing to send to it",
				 what, z->name);
			return -1;
		}
		if (!g->allow_zone_edges && (z = zone_edge(g->pol, &a))) {
			snprintf(err, errlen,
				 "%s is the network or broadcast address of zone '%s': refusing to send to it",
				 what, z->name);
			return -1;
		}
	}
	return 0;
}

int
guard_check(const struct guard *g, const struct addr *a, char *err, size_t errlen)
{
	struct range r = { a->v, a->v };
	char buf[ADDR_STRLEN];

	return guard_check_range(g, &r, addr_fmt(a, buf), err, errlen);
}
