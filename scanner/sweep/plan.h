/*
 * plan.h - the effective target set of a scan.
 *
 *   targets = (requested ∩ scope) − do_not_scan − network/broadcast
 *
 * "requested" is the command line: zone names and address / CIDR / range
 * expressions, or the whole scope when none is given.  An expression that
 * is not entirely inside scope is refused with an error naming it (nothing
 * is sent).  A zone is clipped to scope.  The network and broadcast
 * addresses of every IPv4 zone net and requested CIDR (prefix /30 or
 * shorter) are skipped unless include_net_bcast is set or the address was
 * named on its own.  The same sets are checked again before every packet
 * (sweep.c).
 */
#ifndef HEIIKI_SWEEP_PLAN_H
#define HEIIKI_SWEEP_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "scanner/input/policy.h"
#include "scanner/input/targets.h"

struct plan_stats {
	u128 requested;		/* addresses named (after zone clipping) */
	u128 excluded_dns;	/* removed by do_not_scan */
	u128 excluded_netbcast;	/* network/broadcast addresses skipped */
	u128 targets;		/* what remains */
};

/*
 * Build the frozen target set.  Returns 0, or -1 with err naming the first
 * bad or out-of-scope argument.  Notices (do_not_scan overlaps, clipped
 * zones) are logged with log_info/log_warn.
 */
int plan_targets(const struct policy *p, char *const *args, int nargs,
		 int include_net_bcast, struct tset *out,
		 struct plan_stats *st, char *err, size_t errlen);

/* Decimal text of a 128-bit count. */
const char *plan_u128_fmt(u128 v, char buf[48]);

#endif
