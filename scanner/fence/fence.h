/*
 * fence.h - active verification of source restrictions ("heiiki fence").
 *
 * From a sensor outside (or on the vendor side of) a firewall, send TCP
 * SYNs to the services the policy protects, with spoofed source addresses
 * of three kinds, and see which kinds get a SYN-ACK back:
 *
 *   FENCE_ALLOWED      sources the service rules allow (should get through)
 *   FENCE_NOT_ALLOWED  outside addresses no rule allows (must not)
 *   FENCE_GEO          outside addresses the GeoIP database places in a
 *                      country the geo rules do not allow (must not)
 *
 * The plan (targets and sources) is pure and unit-tested; fence_run() does
 * the packet I/O (libnet link layer towards the gateway MAC, libpcap on the
 * same interface), strictly rate-limited.  docs/fence.md says where the
 * sensor must sit for replies to come back, and when not to use this.
 */
#ifndef HEIIKI_FENCE_H
#define HEIIKI_FENCE_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "geoip/geo.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"

#define FENCE_MAX_TARGETS 256
#define FENCE_MAX_PROBES 4096
#define FENCE_GEO_WALK_MAX (1u << 20)	/* database blocks looked at, at most */

enum fence_kind { FENCE_ALLOWED, FENCE_NOT_ALLOWED, FENCE_GEO, FENCE_KINDS };

struct fence_target {
	struct addr addr;
	uint16_t port;
	uint8_t proto;			/* 6 TCP (SYN), 17 UDP (the protocol's own hello) */
	char zone[POLICY_NAME_MAX];
	char rules[160];		/* names of the covering service rules */
};

struct fence_probe {
	size_t target;
	enum fence_kind kind;
	struct addr src;
	char country[3];		/* FENCE_GEO: where the database puts src */
	uint16_t sport;
	int sent, answered;		/* answered: SYN-ACK seen */
};

struct fence_plan {
	struct fence_target t[FENCE_MAX_TARGETS];
	size_t nt;
	struct fence_probe *pr;
	size_t np;
	struct tset outside;		/* where spoofed sources come from */
	struct tset exclude;		/* never used as a source */
	struct tset hosts;		/* single addresses the operator named */
	const struct policy *pol;	/* set by fence_plan_sources */
	size_t unsafe;			/* candidate sources refused as unsafe */
	unsigned per_kind;		/* allowed / not-allowed sources per target */
	unsigned geo_sources;		/* geo sources per target */
};

void fence_plan_init(struct fence_plan *pl);
void fence_plan_free(struct fence_plan *pl);
/*
 * Add the protected services on one address: every TCP port of an allow
 * rule for the address's zone whose "from:" is restricted or that a geo
 * rule covers (port 0), or just that port.  Refuses addresses outside
 * scope or on do_not_scan.  Returns the number of targets added (0: the
 * policy protects nothing there) or -1 with err.
 */
int fence_add_target(struct fence_plan *pl, const struct policy *p,
		     const struct addr *a, uint16_t port, char *err, size_t errlen);
/*
 * Outside ranges: the policy's external zones (a catch-all zone bigger
 * than a /8 contributes only the documentation ranges inside it); inside
 * zones go to exclude.  Call before fence_set_outside and the sources.
 */
int fence_default_outside(struct fence_plan *pl, const struct policy *p);
/* --outside: these ranges replace the outside set (each at most a /8, no
 * special block).  0, or -1 with err naming the value. */
int fence_set_outside(struct fence_plan *pl, const char *const *exprs, size_t n,
		      char *err, size_t errlen);
/*
 * Why a must never be a spoofed source, or NULL when it is safe (fence.c
 * lists the rules).  named: a comes from a range the policy names (an
 * allowed source), so it need not lie in the outside set.
 */
const char *fence_source_unsafe(const struct fence_plan *pl, const struct policy *p,
				const struct addr *a, int named);
/* Choose the spoofed sources of every kind for every target; -1 with err
 * also when targets exist but no safe source does. */
int fence_plan_sources(struct fence_plan *pl, const struct policy *p,
		       struct geo_db *geo, char *err, size_t errlen);
/* Human-readable plan ("would send") on f. */
void fence_plan_print(const struct fence_plan *pl, FILE *f);

struct fence_io {
	const char *iface;
	uint8_t gw_mac[6];
	unsigned pps;			/* packets per second, ceiling */
	unsigned tries;			/* SYNs per probe */
	unsigned wait_ms;		/* listen after the last SYN */
	int answer_arp;			/* answer ARP for the spoofed sources */
	volatile sig_atomic_t *stop;	/* set (by a signal handler) to stop early */
	/* called once the raw handles are open, before anything is sent
	 * (privilege drop); non-zero stops the run with err */
	int (*after_open)(void *arg, char *err, size_t errlen);
	void *ao_arg;
	/* checked before every packet (guard_may); 0 = not sent; NULL = all */
	int (*may_send)(void *arg, const struct addr *a);
	void *may_arg;
};

/* "tcp" or "udp". */
static inline const char *
fence_proto_name(const struct fence_target *t)
{
	return t->proto == 17 ? "udp" : "tcp";
}

/*
 * UDP ports fence can test, each with the protocol's own harmless first
 * message (fence_net.c): IKE 500/4500 (an IKE_SA_INIT / Main Mode offer,
 * as the ike probe sends), OpenVPN 1194 (HARD_RESET_CLIENT_V2), SNMP 161
 * (GetRequest sysDescr.0, community "public"), DNS 53 (a query for the
 * root's NS).  Fills buf (cap bytes) and *len; -1 for any other port.
 */
int fence_udp_payload(uint16_t port, uint8_t *buf, size_t cap, size_t *len);

/* Send and capture; fills probe.sent/answered.  0 done, 1 stopped early
 * by io->stop, -1 with err. */
int fence_run(struct fence_plan *pl, const struct fence_io *io, char *err, size_t errlen);
/* Gateway MAC of iface from the kernel's route and neighbour tables. */
int fence_gateway_mac(const char *iface, uint8_t mac[6], char *err, size_t errlen);
/* The plan's outcome as service objects with a "fence" member. */
int fence_to_results(const struct fence_plan *pl, struct results *r);

#endif
