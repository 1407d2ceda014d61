/*
 * rules_flow.c - rules over traffic (flows), exits and geography.
 *
 * "Outside" means an address in no zone of the policy, or in a zone with
 * role external.  A flow is read as initiated by its "src": inbound when
 * src is outside and dst inside, outbound the other way round.  Flows
 * between two inside addresses are not about the perimeter and are left to
 * other rules.
 *
 * A flow that never got through (an "attempt": SYNs without a SYN-ACK, or
 * nothing back at all) is not a connection: the rules about traffic that
 * crossed skip it, and BLOCKED_ATTEMPT reports it as evidence that a
 * block works (or, from an allowed source, that an allowed path is broken).
 */
#include <stdlib.h>
#include <string.h>

#include "rules_priv.h"

#define EACH_FLOW(c, i, f) \
	json_array_foreach(json_object_get((c)->root, "flows"), i, f)

/*
 * A host using the exit that sits in a clinical or closed zone (the first
 * one), or NULL: an undeclared way out from a clinical device is critical,
 * from an office PC high.
 */
static const char *
exit_clinical_host(const struct fctx *c, const json_t *e)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(e, "hosts"), i, h) {
		struct addr a;
		const struct zone *z;

		if (!json_is_string(h) || addr_parse(json_string_value(h), &a) < 0 || !c->p)
			continue;
		z = policy_zone_of(c->p, &a);
		if (z && (z->role == ZONE_CLINICAL || z->closed))
			return json_string_value(h);
	}
	return NULL;
}

void
rule_undeclared_exit(const struct rule *self, struct fctx *c)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(c->root, "exits"), i, e) {
		json_t *d = json_object_get(e, "declared");
		const char *gw = rj_str(e, "gateway"), *mac = rj_str(e, "mac");
		struct addr a;
		char buf[ADDR_STRLEN];
		const char *clin;

		if (!d || !json_is_null(d))
			continue;
		if (!*gw)
			gw = rj_str(e, "addr");
		if (!*gw && json_is_string(json_array_get(json_object_get(e, "addrs"), 0)))
			gw = json_string_value(json_array_get(json_object_get(e, "addrs"), 0));
		if (*gw && addr_parse(gw, &a) == 0)
			gw = addr_fmt(&a, buf);
		clin = exit_clinical_host(c, e);
		finding_emit_sev(c, self, clin ? SEV_CRITICAL : self->sev, *gw ? gw : NULL, "",
				 0, *gw ? finding_zone_of(c, gw) : "", mac,
				 "traffic leaves through gateway %s%s%s that no 'exits:' "
				 "entry declares%s%s%s", *gw ? gw : "(unknown address)",
				 *mac ? " MAC " : "", mac, clin ? "; clinical device " : "",
				 clin ? clin : "", clin ? " uses it" : "");
	}
}

/* Zone of an inside address, or NULL when it is outside. */
static const struct zone *
inside_zone(const struct fctx *c, const struct addr *a)
{
	const struct zone *z = c->p ? policy_zone_of(c->p, a) : NULL;

	return (z && z->role != ZONE_EXTERNAL) ? z : NULL;
}

/* A flow across the perimeter: one end inside a zone, the other outside. */
struct xflow {
	struct rflow r;
	const struct zone *z;		/* zone of the inside end */
	int outbound;			/* the inside end initiated it */
	const char *in, *out;		/* the inside and the outside end */
};

/* 1 when f crosses the perimeter (never without a policy), filling x. */
static int
perimeter_flow(const struct fctx *c, const json_t *f, struct xflow *x)
{
	const struct zone *zs, *zd;

	if (!rj_flow(f, &x->r))
		return 0;
	zs = inside_zone(c, &x->r.src);
	zd = inside_zone(c, &x->r.dst);
	if ((zs && zd) || (!zs && !zd))
		return 0;
	x->z = zs ? zs : zd;
	x->outbound = zs != NULL;
	x->in = zs ? x->r.src_s : x->r.dst_s;
	x->out = zs ? x->r.dst_s : x->r.src_s;
	return 1;
}

void
rule_closed_zone_egress(const struct rule *self, struct fctx *c)
{
	struct xflow x;
	json_t *f;
	size_t i;

	EACH_FLOW(c, i, f) {
		if (!perimeter_flow(c, f, &x) || !x.z->closed || x.r.attempt)
			continue;
		finding_emit(c, self, x.in, x.r.proto, x.r.dport, x.z->name, x.out,
			     "%s in closed zone %s %s %s (%s port %lld)", x.in, x.z->name,
			     x.outbound ? "sent traffic to" : "received traffic from", x.out,
			     x.r.proto, x.r.dport);
	}
}

static int
country_listed(const struct geo_rule *g, const char *cc)
{
	for (size_t i = 0; i < g->ncountries; i++)
		if (!strcmp(g->countries[i], cc))
			return 1;
	return 0;
}

/* The first geo rule that applies and does not list cc, or NULL. */
static const struct geo_rule *
geo_refuses(const struct policy *p, const char *zone, enum geo_dir dir, const char *cc)
{
	for (size_t k = 0; k < p->ngeo; k++) {
		const struct geo_rule *gr = &p->geo[k];

		if (!(gr->dir & dir) || (strcmp(gr->zone, "*") && strcmp(gr->zone, zone)))
			continue;
		if (!country_listed(gr, cc))
			return gr;
	}
	return NULL;
}

static void
geo_flows(const struct rule *self, struct fctx *c, json_t *seen)
{
	struct xflow x;
	json_t *f;
	size_t i;

	EACH_FLOW(c, i, f) {
		const struct geo_rule *gr;
		struct geo g;
		char extra[ADDR_STRLEN + 8];

		if (!perimeter_flow(c, f, &x))
			continue;
		if (geo_lookup(c->geo, x.outbound ? &x.r.dst : &x.r.src, &g) != 0 ||
		    !g.country[0])
			continue;	/* unknown country: no claim either way */
		json_object_set_new(seen, x.out, json_true());
		if (x.r.attempt)
			continue;	/* blocked: BLOCKED_ATTEMPT reports it */
		gr = geo_refuses(c->p, x.z->name, x.outbound ? GEO_OUTBOUND : GEO_INBOUND,
				 g.country);
		if (!gr)
			continue;
		snprintf(extra, sizeof(extra), "%s|%s", x.out, x.outbound ? "out" : "in");
		finding_emit(c, self, x.in, x.r.proto, x.r.dport, x.z->name, extra,
			     "%s %s %s (country %s%s%s) over %s port %lld; geo rule at "
			     "policy line %d does not allow %s for zone %s", x.in,
			     x.outbound ? "sent traffic to" : "accepted traffic from",
			     x.out, g.country, g.as_org[0] ? ", " : "", g.as_org, x.r.proto,
			     x.r.dport, gr->line, g.country, x.z->name);
	}
}

/*
 * Peers (the capture's per-address summary) carry no inside address or
 * direction, so only rules for every zone ("*") and both directions
 * judge them, and only peers no flow already covered.
 */
static void
geo_peers(const struct rule *self, struct fctx *c, json_t *seen)
{
	json_t *pe;
	size_t i;

	json_array_foreach(json_object_get(c->root, "peers"), i, pe) {
		const struct geo_rule *gr = NULL;
		char buf[ADDR_STRLEN];
		struct addr a;
		struct geo g;

		if (addr_parse(rj_str(pe, "addr"), &a) < 0 || inside_zone(c, &a))
			continue;
		addr_fmt(&a, buf);
		if (json_object_get(seen, buf) || geo_lookup(c->geo, &a, &g) != 0 || !g.country[0])
			continue;
		for (size_t k = 0; k < c->p->ngeo && !gr; k++)
			if (!strcmp(c->p->geo[k].zone, "*") && c->p->geo[k].dir == GEO_BOTH &&
			    !country_listed(&c->p->geo[k], g.country))
				gr = &c->p->geo[k];
		if (!gr)
			continue;
		finding_emit(c, self, buf, "", 0, "", "peer", "the capture saw traffic with "
			     "%s (country %s%s%s, %lld flows); geo rule at policy line %d does "
			     "not allow %s", buf, g.country, g.as_org[0] ? ", " : "", g.as_org,
			     rj_int(pe, "flows"), gr->line, g.country);
	}
}

void
rule_geo_not_allowed(const struct rule *self, struct fctx *c)
{
	json_t *seen;

	if (!c->p || !c->geo || c->p->ngeo == 0)
		return;
	seen = json_object();
	if (!seen) {
		c->oom = 1;
		return;
	}
	geo_flows(self, c, seen);
	geo_peers(self, c, seen);
	json_decref(seen);
}

void
rule_inbound_not_allowed(const struct rule *self, struct fctx *c)
{
	struct xflow x;
	json_t *f;
	size_t i;

	EACH_FLOW(c, i, f) {
		const struct rflow *r = &x.r;
		const struct zone *zsrc;

		if (!perimeter_flow(c, f, &x) || x.outbound || !r->dport || r->attempt ||
		    (strcmp(r->proto, "tcp") && strcmp(r->proto, "udp")))
			continue;
		zsrc = policy_zone_of(c->p, &r->src);
		if (rp_allowed(c->p, x.z->name, r->proto, r->dport, NULL, &r->src,
			       zsrc ? zsrc->name : "", 1))
			continue;
		finding_emit(c, self, x.in, r->proto, r->dport, x.z->name, x.out,
			     "%s connected to %s %s/%lld in zone %s; no service rule allows "
			     "that source", x.out, x.in, r->proto, r->dport, x.z->name);
	}
}

/* Attempts grouped by inside address, protocol, port and direction. */
struct attempt_group {
	char in[ADDR_STRLEN], out[3][ADDR_STRLEN];
	const struct zone *z;
	char proto[8];
	long long port, n, allowed;
	int outbound;
};

static void
attempt_emit(const struct rule *self, struct fctx *c, const struct attempt_group *g)
{
	char who[3 * (ADDR_STRLEN + 2) + 8] = "";
	size_t o = 0;

	for (int k = 0; k < 3 && g->out[k][0]; k++) {
		int w = snprintf(who + o, sizeof(who) - o, "%s%s", k ? ", " : "", g->out[k]);

		if (w > 0 && (size_t)w < sizeof(who) - o)
			o += (size_t)w;
	}
	finding_emit(c, self, g->in, g->proto, g->port, g->z->name,
		     g->outbound ? "out" : "in", "%lld %s flow%s %s %s %s/%lld (%s%s) "
		     "never got an answer: %s", g->n, g->outbound ? "outbound" : "inbound",
		     g->n == 1 ? "" : "s", g->outbound ? "from" : "to", g->in, g->proto,
		     g->port, g->outbound ? "to " : "from ", who,
		     g->allowed ? "a source the policy allows was not answered; check "
		     "that the allowed path works" : !strcmp(g->proto, "tcp") ?
		     "no SYN-ACK came back, the block works" :
		     "no reply came back (blocked, or nothing answers)");
}

void
rule_blocked_attempt(const struct rule *self, struct fctx *c)
{
	struct attempt_group *g = NULL;
	size_t ng = 0, cap = 0;
	struct xflow x;
	json_t *f;
	size_t i;

	EACH_FLOW(c, i, f) {
		struct attempt_group *e = NULL;
		const struct zone *zsrc;

		if (!perimeter_flow(c, f, &x) || !x.r.attempt)
			continue;
		for (size_t k = 0; k < ng && !e; k++)
			if (!strcmp(g[k].in, x.in) && !strcmp(g[k].proto, x.r.proto) &&
			    g[k].port == x.r.dport && g[k].outbound == x.outbound)
				e = &g[k];
		if (!e) {
			if (ng == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct attempt_group *ngp = realloc(g, nc * sizeof(*g));

				if (!ngp) {
					c->oom = 1;
					break;
				}
				g = ngp;
				cap = nc;
			}
			e = &g[ng++];
			memset(e, 0, sizeof(*e));
			memcpy(e->in, x.in, sizeof(e->in));
			memcpy(e->proto, x.r.proto, sizeof(e->proto));
			e->port = x.r.dport;
			e->z = x.z;
			e->outbound = x.outbound;
		}
		e->n++;
		for (int k = 0; k < 3; k++) {
			if (!strcmp(e->out[k], x.out))
				break;
			if (!e->out[k][0]) {
				memcpy(e->out[k], x.out, sizeof(e->out[k]));
				break;
			}
		}
		zsrc = policy_zone_of(c->p, &x.r.src);
		if (!x.outbound && x.r.dport &&
		    rp_allowed(c->p, x.z->name, x.r.proto, x.r.dport, NULL, &x.r.src,
			       zsrc ? zsrc->name : "", 1))
			e->allowed = 1;
	}
	for (size_t k = 0; k < ng; k++)
		attempt_emit(self, c, &g[k]);
	free(g);
}
