/*
 * guard.h - the one gate every packet-sending command passes (scan,
 * probe, fence): what heiiki may send to.
 *
 * A guard is built from a loaded policy (its scope and do_not_scan, and
 * external zones are never targets) or from an explicit --scope list that
 * is then the whole scope (nothing is on do_not_scan).  Without either,
 * guard_init_* is never called and the command must refuse to run.
 *
 * Checked twice: when targets are built (guard_check_range: the whole
 * range must be allowed, with a message naming why not) and again right
 * before each packet or connection (guard_may: O(log n), no allocation,
 * the shape of probe_opts.may_probe and of a sweep's recheck).
 *
 * Never allowed, whatever the scope: the network and broadcast address of
 * an inside zone's IPv4 ranges (directed broadcast); broadcast and multicast; loopback,
 * link-local, this-network and reserved addresses unless the command's
 * documented flag (--allow-special CLASS) named that class.
 */
#ifndef HEIIKI_GUARD_H
#define HEIIKI_GUARD_H

#include <stddef.h>

#include "policy.h"
#include "targets.h"

struct guard {
	const struct policy *pol;	/* NULL with --scope */
	struct tset own_scope;		/* --scope CIDR ... */
	const struct tset *scope, *deny;
	unsigned allow;			/* ADDR_SP_ classes explicitly allowed */
	int allow_zone_edges;		/* network/broadcast of a zone asked for (scan
					 * --include-net-bcast, skip_net_bcast: false) */
	int ready;
};

/* From a loaded policy (kept by pointer: it must outlive the guard). */
void guard_init_policy(struct guard *g, const struct policy *p);
/*
 * From --scope arguments: each an address, CIDR or range; a special
 * block (addr.h) not in allow is refused.  0, or -1 with err naming the
 * value.  Call guard_add_scope once per argument after guard_init_scope.
 */
void guard_init_scope(struct guard *g);
int guard_add_scope(struct guard *g, const char *expr, char *err, size_t errlen);
/* Parse an --allow-special CLASS value into g->allow; -1 with err. */
int guard_allow_class(struct guard *g, const char *name, char *err, size_t errlen);
void guard_free(struct guard *g);

/* 1 when a packet or connection to a may go out now; 0 otherwise.  The
 * callback shape: arg is a const struct guard *. */
int guard_may(void *arg, const struct addr *a);
/*
 * 0 when every address of r may be sent to; -1 with err saying why not
 * ("198.18.1.5 is on do_not_scan (infusion pump)", "... outside scope",
 * "... is multicast (224.0.0.0/4)").  what names the value in the message.
 */
int guard_check_range(const struct guard *g, const struct range *r, const char *what,
		      char *err, size_t errlen);
int guard_check(const struct guard *g, const struct addr *a, char *err, size_t errlen);

#endif
