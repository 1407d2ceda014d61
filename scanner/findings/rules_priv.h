/*
 * rules_priv.h - helpers shared by the rule match functions (rules*.c).
 *
 * Reading the results document: tolerant getters that treat a missing or
 * mistyped field as absent.  Reading the policy: "is this service allowed
 * in that zone from that source", the one question most rules ask.
 */
#ifndef HEIIKI_RULES_PRIV_H
#define HEIIKI_RULES_PRIV_H

#include "rules.h"

/* String field or "" ; integer field or -1. */
const char *rj_str(const json_t *o, const char *key);
long long rj_int(const json_t *o, const char *key);
/* state "open" (or "open|filtered" when a probe identified something). */
int rj_svc_open(const json_t *svc);
int rj_has_risk(const json_t *svc, const char *flag);
/* service name equals name, or no name is known and proto/port match. */
int rj_svc_is(const json_t *svc, const char *name, const char *proto, long long port);

/* A flow's endpoints; 0 when the entry lacks addresses. */
struct rflow {
	struct addr src, dst;
	char src_s[ADDR_STRLEN], dst_s[ADDR_STRLEN];
	char proto[8];
	long long dport;
	int attempt;		/* never answered: a blocked attempt, not a connection */
};
int rj_flow(const json_t *f, struct rflow *out);

/* 1 when the service rule covers proto/port (or its service name is svc). */
int rp_rule_port(const struct service_rule *sr, const char *proto, long long port,
		 const char *svc);
/* 1 when the rule applies in zone (no zones listed = everywhere, "*"). */
int rp_rule_zone(const struct service_rule *sr, const char *zone);
/* 1 when src (may be NULL) or src_zone (may be "") is in the rule's from:. */
int rp_source_ok(const struct policy *p, const struct service_rule *sr,
		 const struct addr *src, const char *src_zone);
/*
 * 1 when some allow rule (expired ones included: expiry is its own
 * finding) lets src/src_zone reach proto/port in zone.  With src NULL and
 * src_zone NULL only zone and port are checked.
 */
int rp_allowed(const struct policy *p, const char *zone, const char *proto,
	       long long port, const char *svc, const struct addr *src,
	       const char *src_zone, int check_source);

void rule_closed_zone_egress(const struct rule *self, struct fctx *c);
void rule_geo_not_allowed(const struct rule *self, struct fctx *c);
void rule_inbound_not_allowed(const struct rule *self, struct fctx *c);
void rule_undeclared_exit(const struct rule *self, struct fctx *c);
void rule_blocked_attempt(const struct rule *self, struct fctx *c);
void rule_source_not_allowed(const struct rule *self, struct fctx *c);
void rule_country_not_allowed(const struct rule *self, struct fctx *c);
void rule_allowed_path_unreachable(const struct rule *self, struct fctx *c);
void rule_out_of_support(const struct rule *self, struct fctx *c);
void rule_undeclared_remote_relay(const struct rule *self, struct fctx *c);
void rule_not_in_ledger(const struct rule *self, struct fctx *c);

#endif
