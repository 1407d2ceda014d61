/*
 * fence.c - the fence plan: which services to test, from which sources.
 *
 * Everything here is pure (policy + GeoIP in, plan out) so the plan can be
 * printed with --dry-run and unit-tested without packets.  Sources are
 * chosen deterministically: an address inside each allowed range; outside
 * addresses that no rule allows; and one address per GeoIP database block,
 * walking the outside ranges block by block, that lies in a country the
 * geo rules do not allow.
 *
 * A spoofed source makes the target answer a third party, so only safe
 * sources are ever chosen (fence_source_unsafe): inside what the operator
 * named (the policy's vendor sources and rule ranges, --outside, external
 * zones no larger than a /8) or a documentation range
 * (198.51.100.0/24, 203.0.113.0/24) inside a catch-all
 * external zone; never a special address (addr.h), never an inside zone,
 * never an excluded address (the sensor's own, the segment's gateways and
 * neighbours that answer ARP, --exclude), never the first or last address
 * of a declared range or of any /26 (network and broadcast addresses of
 * the usual subnets) unless the operator named exactly that one address.
 */
#include <stdlib.h>
#include <string.h>

#include "fence.h"
#include "scanner/input/guard.h"
#include "scanner/findings/rules_priv.h"

static const char *const kind_names[FENCE_KINDS] = { "allowed", "not_allowed", "geo" };

void
fence_plan_init(struct fence_plan *pl)
{
	memset(pl, 0, sizeof(*pl));
	tset_init(&pl->outside);
	tset_init(&pl->exclude);
	tset_init(&pl->hosts);
	pl->per_kind = 2;
	pl->geo_sources = 4;
}

void
fence_plan_free(struct fence_plan *pl)
{
	free(pl->pr);
	tset_free(&pl->outside);
	tset_free(&pl->exclude);
	tset_free(&pl->hosts);
	pl->pr = NULL;
	pl->np = 0;
}

/* A geo rule applies to inbound traffic into zone. */
static int
geo_applies(const struct geo_rule *g, const char *zone)
{
	return (g->dir & GEO_INBOUND) && (!strcmp(g->zone, "*") || !strcmp(g->zone, zone));
}

static int
zone_has_geo(const struct policy *p, const char *zone)
{
	for (size_t i = 0; i < p->ngeo; i++)
		if (geo_applies(&p->geo[i], zone))
			return 1;
	return 0;
}

/* Rule names covering proto/port in zone; 1 when the port is protected. */
static int
port_protected(const struct policy *p, const char *zone, uint8_t proto, uint16_t port,
	       char *names, size_t len)
{
	int any_rule = 0, restricted = 0;
	size_t o = 0;

	names[0] = '\0';
	for (size_t i = 0; i < p->nrules; i++) {
		const struct service_rule *sr = &p->rules[i];
		int w;

		if (sr->deny || sr->proto != proto || !rp_rule_zone(sr, zone) ||
		    !rp_rule_port(sr, proto == 17 ? "udp" : "tcp", port, NULL))
			continue;
		any_rule = 1;
		restricted |= !sr->from.any;
		w = snprintf(names + o, len - o, "%s%s", o ? "," : "", sr->name);
		if (w > 0 && (size_t)w < len - o)
			o += (size_t)w;
	}
	return any_rule && (restricted || zone_has_geo(p, zone));
}

static int
add_one(struct fence_plan *pl, const struct addr *a, uint8_t proto, uint16_t port,
	const char *zone, const char *names)
{
	struct fence_target *t;

	for (size_t i = 0; i < pl->nt; i++)
		if (pl->t[i].addr.v == a->v && pl->t[i].port == port && pl->t[i].proto == proto)
			return 0;
	if (pl->nt == FENCE_MAX_TARGETS)
		return -1;
	t = &pl->t[pl->nt++];
	t->addr = *a;
	t->port = port;
	t->proto = proto;
	snprintf(t->zone, sizeof(t->zone), "%s", zone);
	snprintf(t->rules, sizeof(t->rules), "%s", names);
	return 1;
}

/* TCP, or UDP on a port fence has a harmless payload for. */
static int
fence_proto_ok(uint8_t proto, uint16_t port)
{
	uint8_t b[512];
	size_t n;

	return proto == 6 || (proto == 17 && fence_udp_payload(port, b, sizeof(b), &n) == 0);
}

int
fence_add_target(struct fence_plan *pl, const struct policy *p,
		 const struct addr *a, uint16_t port, char *err, size_t errlen)
{
	const struct zone *z = policy_zone_of(p, a);
	char buf[ADDR_STRLEN], names[160], gerr[256];
	struct guard g;
	int n = 0;

	addr_fmt(a, buf);
	guard_init_policy(&g, p);
	if (guard_check(&g, a, gerr, sizeof(gerr)) < 0) {
		snprintf(err, errlen, "%s", gerr);
		guard_free(&g);
		return -1;
	}
	guard_free(&g);
	if (!addr_is_v4(a)) {
		snprintf(err, errlen, "%s: fence tests IPv4 targets only", buf);
		return -1;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct service_rule *sr = &p->rules[i];

		for (size_t k = 0; k < sr->nports; k++) {
			int rc;

			if (!fence_proto_ok(sr->proto, sr->ports[k]) ||
			    (port && sr->ports[k] != port) ||
			    !port_protected(p, z ? z->name : "", sr->proto, sr->ports[k], names,
					    sizeof(names)))
				continue;
			rc = add_one(pl, a, sr->proto, sr->ports[k], z ? z->name : "", names);
			if (rc < 0) {
				snprintf(err, errlen, "more than %d fence targets", FENCE_MAX_TARGETS);
				return -1;
			}
			n += rc;
		}
	}
	return n;
}

/* Documentation ranges (RFC 5737): safe to spoof inside a catch-all
 * outside zone (nobody real answers them).  192.0.2.0/24 is left out on
 * purpose (some sites number real links from it), and so is the benchmark
 * range 198.18.0.0/15 (often used inside hospitals). */
static const char *const doc_ranges[] = { "198.51.100.0/24", "203.0.113.0/24" };

/* Bigger than an IPv4 /8: a catch-all ("internet: 0.0.0.0/0"), not a name. */
static int
too_wide(const struct range *r)
{
	return r->hi - r->lo >= ((u128)1 << 24);
}

/* Add r to s, or only its documentation ranges when r is a catch-all. */
static int
add_named(struct tset *s, const struct range *r)
{
	if (!too_wide(r))
		return tset_add(s, r);
	for (size_t k = 0; k < sizeof(doc_ranges) / sizeof(doc_ranges[0]); k++) {
		struct range d;
		char e[64];

		if (range_parse(doc_ranges[k], &d, e, sizeof(e)) < 0)
			return -1;
		if (d.hi < r->lo || d.lo > r->hi)
			continue;
		if (d.lo < r->lo)
			d.lo = r->lo;
		if (d.hi > r->hi)
			d.hi = r->hi;
		if (tset_add(s, &d) < 0)
			return -1;
	}
	return 0;
}

int
fence_default_outside(struct fence_plan *pl, const struct policy *p)
{
	for (size_t i = 0; i < p->nzones; i++) {
		const struct tset *n = &p->zones[i].nets;

		for (size_t k = 0; k < n->n; k++)
			if ((p->zones[i].role == ZONE_EXTERNAL ?
			     add_named(&pl->outside, &n->r[k]) : tset_add(&pl->exclude, &n->r[k])) < 0)
				return -1;
	}
	return 0;
}

int
fence_set_outside(struct fence_plan *pl, const char *const *exprs, size_t n,
		  char *err, size_t errlen)
{
	tset_free(&pl->outside);
	for (size_t i = 0; i < n; i++) {
		const char *what, *block;
		struct range r;
		char perr[160];

		if (range_parse(exprs[i], &r, perr, sizeof(perr)) < 0) {
			snprintf(err, errlen, "--outside '%s': %s", exprs[i], perr);
			return -1;
		}
		if (!range_is_v4(&r)) {
			snprintf(err, errlen, "--outside '%s': fence spoofs IPv4 sources only", exprs[i]);
			return -1;
		}
		if (too_wide(&r)) {
			snprintf(err, errlen,
				 "--outside '%s' is larger than a /8: name the outside ranges whose addresses may be spoofed (replies go to them)",
				 exprs[i]);
			return -1;
		}
		if ((what = range_special(&r, 0, &block, NULL))) {
			snprintf(err, errlen, "--outside '%s' overlaps %s %s: never a spoofed source",
				 exprs[i], what, block);
			return -1;
		}
		if (tset_add(&pl->outside, &r) < 0 || (r.lo == r.hi && tset_add(&pl->hosts, &r) < 0)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The first or last address of r, or of the /26 around a (IPv4). */
static int
is_edge(const struct range *r, const struct addr *a)
{
	uint32_t low = addr_v4(a) & 63;

	return (r && r->hi > r->lo && (a->v == r->lo || a->v == r->hi)) || low == 0 || low == 63;
}

/* 1 when a is the edge of a range some declared set holds. */
static int
edge_of(const struct tset *s, const struct addr *a)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].hi > s->r[i].lo && (a->v == s->r[i].lo || a->v == s->r[i].hi))
			return 1;
	return 0;
}

const char *
fence_source_unsafe(const struct fence_plan *pl, const struct policy *p,
		    const struct addr *a, int named)
{
	const char *sp;

	if (!addr_is_v4(a))
		return "not IPv4";
	if ((sp = addr_special(a, NULL)))
		return sp;
	if (tset_contains(&pl->exclude, a))
		return "excluded (inside zone, this sensor, a gateway or ARP neighbour, --exclude)";
	if (!named && !tset_contains(&pl->outside, a))
		return "not in a range the operator named";
	if (tset_contains(&pl->hosts, a))
		return NULL;	/* exactly this address was named */
	if (is_edge(NULL, a) || edge_of(&pl->outside, a))
		return "a network or broadcast address";
	for (size_t i = 0; p && i < p->nzones; i++)
		if (edge_of(&p->zones[i].nets, a))
			return "a network or broadcast address";
	for (size_t i = 0; p && i < p->nvendors; i++)
		if (edge_of(&p->vendors[i].sources, a))
			return "a network or broadcast address";
	return NULL;
}

/*
 * A usable address inside [lo, hi]: a single address is itself; otherwise
 * off the middle, away from the edges and from /26 boundaries
 * (a /24 gives .157, a /25 its 77th address).
 */
static u128
pick(u128 lo, u128 hi)
{
	u128 n = hi - lo;

	if (n < 3)
		return n ? lo + 1 : lo;
	if (n < 7)
		return lo + 1;
	n += 1;
	return lo + n / 2 + n / 8 - 3;
}

static int
add_probe(struct fence_plan *pl, size_t t, enum fence_kind kind, u128 src,
	  const char *country)
{
	struct addr a = { src };
	struct fence_probe *pr;

	/* allowed sources come from ranges the policy names; the others
	 * must lie in the outside set */
	if (a.v == pl->t[t].addr.v ||
	    fence_source_unsafe(pl, pl->pol, &a, kind == FENCE_ALLOWED)) {
		pl->unsafe++;
		return 0;
	}
	for (size_t i = 0; i < pl->np; i++)
		if (pl->pr[i].target == t && pl->pr[i].src.v == src)
			return 0;
	if (pl->np == FENCE_MAX_PROBES)
		return -1;
	if (pl->np % 64 == 0) {
		void *n = realloc(pl->pr, (pl->np + 64) * sizeof(*pl->pr));

		if (!n)
			return -1;
		pl->pr = n;
	}
	pr = &pl->pr[pl->np++];
	memset(pr, 0, sizeof(*pr));
	pr->target = t;
	pr->kind = kind;
	pr->src = a;
	snprintf(pr->country, sizeof(pr->country), "%s", country ? country : "");
	return 1;
}

static size_t
count_kind(const struct fence_plan *pl, size_t t, enum fence_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->np; i++)
		n += pl->pr[i].target == t && pl->pr[i].kind == k;
	return n;
}

/* One address of each allowed range; a catch-all range only through its
 * documentation ranges; a single named address is remembered as named. */
static int
add_ranges(struct fence_plan *pl, size_t t, const struct tset *s)
{
	struct tset named;
	int rc = 0;

	tset_init(&named);
	for (size_t i = 0; i < s->n; i++) {
		if (add_named(&named, &s->r[i]) < 0 ||
		    (s->r[i].lo == s->r[i].hi && tset_add(&pl->hosts, &s->r[i]) < 0)) {
			tset_free(&named);
			return -1;
		}
	}
	for (size_t i = 0; i < named.n && count_kind(pl, t, FENCE_ALLOWED) < pl->per_kind; i++)
		if (add_probe(pl, t, FENCE_ALLOWED, pick(named.r[i].lo, named.r[i].hi), NULL) < 0) {
			rc = -1;
			break;
		}
	tset_free(&named);
	return rc;
}

/* (a) sources some covering rule allows: its ranges, zones and vendor. */
static int
plan_allowed(struct fence_plan *pl, const struct policy *p, size_t t)
{
	const struct fence_target *ft = &pl->t[t];

	for (size_t i = 0; i < p->nrules; i++) {
		const struct service_rule *sr = &p->rules[i];

		if (sr->deny || sr->proto != (ft->proto ? ft->proto : 6) ||
		    !rp_rule_zone(sr, ft->zone) ||
		    !rp_rule_port(sr, fence_proto_name(ft), ft->port, NULL) || sr->from.any)
			continue;
		if (add_ranges(pl, t, &sr->from.nets) < 0)
			return -1;
		for (size_t z = 0; z < sr->from.nzones; z++) {
			const struct zone *zz = policy_zone_by_name(p, sr->from.zones[z]);

			if (zz && add_ranges(pl, t, &zz->nets) < 0)
				return -1;
		}
		for (size_t v = 0; v < p->nvendors; v++)
			if (!strcmp(p->vendors[v].name, sr->vendor) &&
			    add_ranges(pl, t, &p->vendors[v].sources) < 0)
				return -1;
	}
	return 0;
}

static int
src_allowed(const struct policy *p, const struct fence_target *ft, const struct addr *a)
{
	const struct zone *z = policy_zone_of(p, a);

	return rp_allowed(p, ft->zone, fence_proto_name(ft), ft->port, NULL, a,
			  z ? z->name : "", 1);
}

/* a is named by a restricted rule's from: (not merely covered by "any"). */
static int
src_named(const struct policy *p, const struct fence_target *ft, const struct addr *a)
{
	const struct zone *z = policy_zone_of(p, a);

	for (size_t i = 0; i < p->nrules; i++) {
		const struct service_rule *sr = &p->rules[i];

		if (!sr->deny && !sr->from.any && sr->proto == (ft->proto ? ft->proto : 6) &&
		    rp_rule_zone(sr, ft->zone) &&
		    rp_rule_port(sr, fence_proto_name(ft), ft->port, NULL) &&
		    rp_source_ok(p, sr, a, z ? z->name : ""))
			return 1;
	}
	return 0;
}

/* (b) outside addresses no rule allows. */
static int
plan_not_allowed(struct fence_plan *pl, const struct policy *p, size_t t)
{
	const struct fence_target *ft = &pl->t[t];

	for (int c = 0; c < 3; c++) {
		for (size_t i = 0; i < pl->outside.n; i++) {
			const struct range *r = &pl->outside.r[i];
			struct addr a;

			if (count_kind(pl, t, FENCE_NOT_ALLOWED) >= pl->per_kind)
				return 0;
			a.v = c == 0 ? pick(r->lo, r->hi) : c == 1 ? r->lo + 1 : r->hi - 1;
			if (a.v < r->lo || a.v > r->hi || src_allowed(p, ft, &a))
				continue;
			if (add_probe(pl, t, FENCE_NOT_ALLOWED, a.v, NULL) < 0)
				return -1;
		}
	}
	return 0;
}

static int
country_disallowed(const struct policy *p, const char *zone, const char *cc)
{
	for (size_t i = 0; i < p->ngeo; i++) {
		const struct geo_rule *g = &p->geo[i];
		int listed = 0;

		if (!geo_applies(g, zone))
			continue;
		for (size_t k = 0; k < g->ncountries; k++)
			listed |= !strcmp(g->countries[k], cc);
		if (!listed)
			return 1;
	}
	return 0;
}

/* (c) one address per database block in a country the zone may not hear from. */
static int
plan_geo(struct fence_plan *pl, const struct policy *p, struct geo_db *geo, size_t t)
{
	const struct fence_target *ft = &pl->t[t];
	unsigned walked = 0;

	if (!geo || !zone_has_geo(p, ft->zone))
		return 0;
	for (size_t i = 0; i < pl->outside.n; i++) {
		const struct range *r = &pl->outside.r[i];
		struct addr a = { r->lo }, last;

		while (a.v <= r->hi && walked++ < FENCE_GEO_WALK_MAX) {
			struct geo g;
			u128 end;
			struct addr cand;
			int rc = geo_lookup_span(geo, &a, &g, &last);

			if (rc < 0)
				return -1;
			end = last.v < r->hi ? last.v : r->hi;
			cand.v = pick(a.v, end);
			if (rc == 0 && g.country[0] && country_disallowed(p, ft->zone, g.country) &&
			    !src_named(p, ft, &cand) &&
			    add_probe(pl, t, FENCE_GEO, cand.v, g.country) < 0)
				return -1;
			if (count_kind(pl, t, FENCE_GEO) >= pl->geo_sources || end == r->hi)
				break;
			a.v = end + 1;
		}
	}
	return 0;
}

int
fence_plan_sources(struct fence_plan *pl, const struct policy *p,
		   struct geo_db *geo, char *err, size_t errlen)
{
	pl->pol = p;
	for (size_t t = 0; t < pl->nt; t++) {
		if (plan_allowed(pl, p, t) < 0 || plan_not_allowed(pl, p, t) < 0)
			goto out_err;
		if (plan_geo(pl, p, geo, t) < 0) {
			snprintf(err, errlen, "fence: %s", geo_error(geo));
			return -1;
		}
	}
	if (pl->nt && pl->np == 0) {
		char buf[512];

		snprintf(err, errlen,
			 "fence: no safe source address to spoof (outside ranges: %s); name outside ranges whose addresses may receive the replies with --outside CIDR, or declare vendor sources in the policy",
			 pl->outside.n ? tset_fmt(&pl->outside, buf, sizeof(buf)) : "none");
		return -1;
	}
	return 0;
out_err:
	snprintf(err, errlen, "fence: more than %d probes, or out of memory", FENCE_MAX_PROBES);
	return -1;
}

void
fence_plan_print(const struct fence_plan *pl, FILE *f)
{
	char a[ADDR_STRLEN], s[ADDR_STRLEN], buf[512];

	fprintf(f, "# spoofed sources only from: %s (and the policy's allowed sources)\n",
		pl->outside.n ? tset_fmt(&pl->outside, buf, sizeof(buf)) : "no outside range");
	if (pl->unsafe)
		fprintf(f, "# %zu candidate source(s) skipped as unsafe (special, inside, "
			"gateway/neighbour, network/broadcast, not named)\n", pl->unsafe);
	for (size_t i = 0; i < pl->np; i++) {
		const struct fence_probe *pr = &pl->pr[i];
		const struct fence_target *t = &pl->t[pr->target];

		fprintf(f, "%s %s -> %s:%u  %-11s %s%s\n", t->proto == 17 ? "UDP" : "SYN",
			addr_fmt(&pr->src, s), addr_fmt(&t->addr, a), t->port, kind_names[pr->kind],
			pr->country[0] ? "country " : "", pr->country);
	}
}

static json_t *
kind_json(const struct fence_plan *pl, size_t t, enum fence_kind k)
{
	json_t *o, *through = json_array(), *sources = json_array();
	char buf[ADDR_STRLEN];
	long long sent = 0, open = 0;

	for (size_t i = 0; i < pl->np; i++) {
		const struct fence_probe *pr = &pl->pr[i];

		if (pr->target != t || pr->kind != k)
			continue;
		addr_fmt(&pr->src, buf);
		json_array_append_new(sources, json_string(buf));
		sent++;
		if (pr->answered) {
			open++;
			json_array_append_new(through, json_string(buf));
		}
	}
	o = json_pack("{s:I, s:I, s:o, s:o}", "sent", (json_int_t)sent, "open", (json_int_t)open,
		      "sources", sources, "through", through);
	return o;
}

int
fence_to_results(const struct fence_plan *pl, struct results *r)
{
	for (size_t t = 0; t < pl->nt; t++) {
		json_t *s = results_service(r, &pl->t[t].addr, fence_proto_name(&pl->t[t]),
					    pl->t[t].port, 1), *fe;
		int any_open = 0;

		if (!s)
			return -1;
		fe = json_pack("{s:s}", "rules", pl->t[t].rules);
		for (int k = 0; fe && k < FENCE_KINDS; k++)
			json_object_set_new(fe, kind_names[k], kind_json(pl, t, (enum fence_kind)k));
		for (size_t i = 0; i < pl->np; i++)
			any_open |= pl->pr[i].target == t && pl->pr[i].answered;
		json_object_set_new(s, "state", json_string(any_open ? "open" : "filtered"));
		if (!fe || json_object_set_new(s, "fence", fe) < 0)
			return -1;
	}
	return 0;
}
