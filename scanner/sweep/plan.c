/*
 * plan.c - building the effective target set (see plan.h).
 */
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "scanner/core/log.h"

const char *
plan_u128_fmt(u128 v, char buf[48])
{
	char tmp[48];
	int n = 0, o = 0;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v && n < 47);
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return buf;
}

/* 1 when r is an IPv4 CIDR block of at least 4 addresses. */
static int
v4_block(const struct range *r)
{
	u128 size = r->hi - r->lo + 1;

	if (!range_is_v4(r) || size < 4 || (size & (size - 1)))
		return 0;
	return (r->lo & (size - 1)) == 0;
}

static int
add_edges(struct tset *skip, const struct range *r)
{
	struct range e;

	if (!v4_block(r))
		return 0;
	e.lo = e.hi = r->lo;
	if (tset_add(skip, &e) < 0)
		return -1;
	e.lo = e.hi = r->hi;
	return tset_add(skip, &e);
}

/* Every zone net that is a block contributes its first and last address
 * (external zones like "internet: 0.0.0.0/0" are not subnets). */
static int
zone_edges(const struct policy *p, struct tset *skip)
{
	for (size_t z = 0; z < p->nzones; z++) {
		const struct tset *nets = &p->zones[z].nets;

		if (p->zones[z].role == ZONE_EXTERNAL)
			continue;
		for (size_t i = 0; i < nets->n; i++)
			if (add_edges(skip, &nets->r[i]) < 0)
				return -1;
	}
	return 0;
}

static int
in_zone(const struct policy *p, const struct range *r)
{
	for (size_t z = 0; z < p->nzones; z++)
		if (p->zones[z].role != ZONE_EXTERNAL &&
		    tset_overlaps(&p->zones[z].nets, r))
			return 1;
	return 0;
}

static int
add_zone(const struct policy *p, const struct zone *z, struct tset *req,
	 char *err, size_t errlen)
{
	struct tset part;
	u128 before, after;

	if (tset_copy(&part, &z->nets) < 0)
		goto out_nomem;
	before = tset_count(&part);
	if (tset_intersect(&part, &p->scope) < 0)
		goto out_free;
	after = tset_count(&part);
	if (after == 0) {
		tset_free(&part);
		snprintf(err, errlen, "zone '%s' has no address inside scope",
			 z->name);
		return -1;
	}
	if (after != before)
		log_warn("sweep", "zone '%s' is only partly inside scope; "
			 "scanning the part inside", z->name);
	if (tset_union(req, &part) < 0)
		goto out_free;
	tset_free(&part);
	return 0;
out_free:
	tset_free(&part);
out_nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
add_arg(const struct policy *p, const char *arg, struct tset *req,
	struct tset *skip, struct tset *asked, char *err, size_t errlen)
{
	const struct zone *z = policy_zone_by_name(p, arg);
	struct range r;
	char perr[128];

	if (z)
		return add_zone(p, z, req, err, errlen);
	if (range_parse(arg, &r, perr, sizeof(perr)) < 0) {
		snprintf(err, errlen, "'%s' is neither a zone of the policy nor "
			 "an address, CIDR or range (%s)", arg, perr);
		return -1;
	}
	if (!tset_covers(&p->scope, &r)) {
		snprintf(err, errlen, "target %s is outside the policy's scope: "
			 "refusing to scan", arg);
		return -1;
	}
	/* a CIDR inside a zone is not a subnet of its own: the zone's edges
	 * apply; outside every zone, the CIDR is taken as the subnet */
	if (tset_add(req, &r) < 0 ||
	    (r.lo == r.hi ? tset_add(asked, &r) :
	     in_zone(p, &r) ? 0 : add_edges(skip, &r)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (tset_overlaps(&p->dns_set, &r))
		log_warn("sweep", "%s overlaps do_not_scan; those addresses "
			 "are skipped", arg);
	return 0;
}

static int
apply_exclusions(const struct policy *p, int include_nb, struct tset *req,
		 struct tset *skip, const struct tset *asked,
		 struct plan_stats *st)
{
	u128 n0 = tset_count(req), n1;

	if (tset_subtract(req, &p->dns_set) < 0)
		return -1;
	n1 = tset_count(req);
	st->excluded_dns = n0 - n1;
	if (!include_nb) {
		if (zone_edges(p, skip) < 0 || tset_subtract(skip, asked) < 0 ||
		    tset_subtract(req, skip) < 0)
			return -1;
	}
	st->targets = tset_count(req);
	st->excluded_netbcast = n1 - st->targets;
	return 0;
}

int
plan_targets(const struct policy *p, char *const *args, int nargs,
	     int include_net_bcast, struct tset *out, struct plan_stats *st,
	     char *err, size_t errlen)
{
	struct tset skip, asked;
	struct plan_stats dummy;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	tset_init(out);
	tset_init(&skip);
	tset_init(&asked);
	if (nargs == 0 && tset_union(out, &p->scope) < 0)
		goto out_nomem;
	for (int i = 0; i < nargs; i++)
		if (add_arg(p, args[i], out, &skip, &asked, err, errlen) < 0)
			goto out_fail;
	st->requested = tset_count(out);
	if (apply_exclusions(p, include_net_bcast, out, &skip, &asked, st) < 0 ||
	    tset_freeze(out) < 0)
		goto out_nomem;
	tset_free(&skip);
	tset_free(&asked);
	return 0;
out_nomem:
	snprintf(err, errlen, "out of memory");
out_fail:
	tset_free(&skip);
	tset_free(&asked);
	tset_free(out);
	return -1;
}
