/*
 * rules_vantage.c - what an active scan proves from where it stood.
 *
 * A scan from a vantage (run.vantage: an inside zone, or an outside role -
 * a vendor's source, the internet with a country) proves that every open
 * service it found is reachable from that source.  The policy says which
 * sources (services[].from) and which countries (geo: direction inbound)
 * may reach each service in each zone, so:
 *
 *   SOURCE_NOT_ALLOWED_REACHABLE   reachable from a source no rule allows
 *   COUNTRY_NOT_ALLOWED_REACHABLE  reachable from a country no geo rule allows
 *   ALLOWED_PATH_UNREACHABLE       a service the policy lets this vantage
 *                                  reach did not answer (info: a broken path)
 *
 * Services in the vantage's own zone are not judged (no firewall between
 * them).  From inside, a service no rule mentions at all is left to
 * SERVICE_NOT_EXPECTED; from outside, anything reachable that no rule
 * allows from there is a finding.  The vantage is the evidence.
 */
#include <string.h>

#include "rules_priv.h"

#define EACH_SERVICE(c, i, svc) \
	json_array_foreach(json_object_get((c)->root, "services"), i, svc)

static int
sensitive_port(long long port)
{
	static const long long ports[] = { 21, 22, 23, 135, 139, 445, 1433, 1521, 3306,
					   3389, 5432, 5900, 5901, 5985, 5986, 6379, 0 };

	for (const long long *p = ports; *p; p++)
		if (*p == port)
			return 1;
	return 0;
}

/* "vendor acme address 203.0.113.10", "internet (CN) address ...". */
static void
vantage_words(const struct fctx *c, char *buf, size_t len)
{
	char a[ADDR_STRLEN] = "";

	if (c->v.has_addr)
		addr_fmt(&c->v.addr, a);
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", c->v.zone[0] ? "zone " : c->v.role,
		 c->v.zone[0] ? c->v.zone : "", c->v.vendor[0] ? " " : "", c->v.vendor,
		 c->v.country[0] ? " (" : "", c->v.country, c->v.country[0] ? ")" : "",
		 "");
	if (*a) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " address %s", a);
	}
}

/* The inside zone of an open service that this vantage is outside of, or NULL. */
static const struct zone *
judged_zone(const struct fctx *c, const json_t *s)
{
	const char *zn = finding_zone_of(c, rj_str(s, "addr"));
	const struct zone *z = policy_zone_by_name(c->p, zn);

	if (!z || z->role == ZONE_EXTERNAL || !strcmp(z->name, c->v.zone))
		return NULL;
	return z;
}

static const char *
extra_of(const struct fctx *c, char *buf)
{
	if (c->v.has_addr)
		return addr_fmt(&c->v.addr, buf);
	return c->v.zone;
}

void
rule_source_not_allowed(const struct rule *self, struct fctx *c)
{
	const struct addr *src = c->v.has_addr ? &c->v.addr : NULL;
	int outside = c->v.known && !c->v.zone[0];
	char who[256], xb[ADDR_STRLEN];
	json_t *s;
	size_t i;

	if (!c->p || !c->v.known || !strcmp(c->v.role, "capture"))
		return;
	vantage_words(c, who, sizeof(who));
	EACH_SERVICE(c, i, s) {
		const char *a = rj_str(s, "addr"), *proto = rj_str(s, "proto");
		const char *name = rj_str(s, "service");
		long long port = rj_int(s, "port");
		const struct zone *z;
		int covered;

		if (!rj_svc_open(s) || !(z = judged_zone(c, s)) ||
		    finding_flagged(c, a, proto, port))
			continue;
		if (rp_allowed(c->p, z->name, proto, port, name, src, c->vantage_zone, 1))
			continue;
		covered = rp_allowed(c->p, z->name, proto, port, name, NULL, NULL, 0);
		if (!outside && !covered)
			continue;	/* SERVICE_NOT_EXPECTED speaks for it */
		finding_emit_sev(c, self, outside && sensitive_port(port) ? SEV_CRITICAL :
				 outside || sensitive_port(port) ? SEV_HIGH : SEV_MEDIUM,
				 a, proto, port, z->name, extra_of(c, xb),
				 "%s/%lld%s%s on %s (zone %s) answered a scan from %s; %s", proto,
				 port, *name ? " " : "", name, a, z->name, who,
				 covered ? "the policy's service rules allow it only from other "
				 "sources" : "no service rule allows it from outside");
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

void
rule_country_not_allowed(const struct rule *self, struct fctx *c)
{
	char who[256];
	json_t *s;
	size_t i;

	if (!c->p || !c->v.known || c->v.zone[0] || !c->v.country[0] || c->p->ngeo == 0 ||
	    !strcmp(c->v.role, "capture"))
		return;
	vantage_words(c, who, sizeof(who));
	EACH_SERVICE(c, i, s) {
		const char *a = rj_str(s, "addr"), *proto = rj_str(s, "proto");
		const struct geo_rule *gr = NULL;
		const struct zone *z;

		if (!rj_svc_open(s) || !(z = judged_zone(c, s)))
			continue;
		for (size_t k = 0; k < c->p->ngeo && !gr; k++) {
			const struct geo_rule *g = &c->p->geo[k];

			if ((g->dir & GEO_INBOUND) && (!strcmp(g->zone, "*") ||
						       !strcmp(g->zone, z->name)) &&
			    !country_listed(g, c->v.country))
				gr = g;
		}
		if (!gr)
			continue;
		finding_emit(c, self, a, proto, rj_int(s, "port"), z->name, c->v.country,
			     "%s/%lld on %s (zone %s) answered a scan from %s (country %s, %s); "
			     "geo rule at policy line %d does not allow %s", proto,
			     rj_int(s, "port"), a, z->name, who, c->v.country,
			     c->v.country_declared ? "declared for the vantage" : "from GeoIP",
			     gr->line, c->v.country);
	}
}

/*
 * filtered/closed only: a UDP port left "open|filtered" (no answer) proves
 * nothing either way.  Expected means allowed by a service rule and by the
 * geo rules for the vantage's country (findings_expected()).
 */
void
rule_allowed_path_unreachable(const struct rule *self, struct fctx *c)
{
	char who[256], xb[ADDR_STRLEN], why[96];
	json_t *s;
	size_t i;

	if (!c->p || !c->v.known || !strcmp(c->v.role, "capture"))
		return;
	vantage_words(c, who, sizeof(who));
	EACH_SERVICE(c, i, s) {
		const char *a = rj_str(s, "addr"), *proto = rj_str(s, "proto");
		const char *st = rj_str(s, "state");
		const struct zone *z;

		if ((strcmp(st, "filtered") && strcmp(st, "closed")) || !(z = judged_zone(c, s)) ||
		    findings_expected(c->p, &c->v, a, proto, rj_int(s, "port"),
				      rj_str(s, "service"), why, sizeof(why)) != 1)
			continue;
		finding_emit(c, self, a, proto, rj_int(s, "port"), z->name, extra_of(c, xb),
			     "the policy lets %s reach %s/%lld on %s (zone %s), but the scan "
			     "found it %s", who, proto, rj_int(s, "port"), a, z->name, st);
	}
}

int
findings_expected(const struct policy *p, const struct vantage *v, const char *addr,
		  const char *proto, long long port, const char *service, char *why,
		  size_t whylen)
{
	const struct zone *z, *vz = NULL;
	struct addr a;

	snprintf(why, whylen, "-");
	if (!p || addr_parse(addr, &a) < 0 || !(z = policy_zone_of(p, &a)) ||
	    z->role == ZONE_EXTERNAL || !strcmp(z->name, v->zone))
		return -1;
	if (v->has_addr)
		vz = policy_zone_of(p, &v->addr);
	if (!rp_allowed(p, z->name, proto, port, service, v->has_addr ? &v->addr : NULL,
			v->zone[0] ? v->zone : vz ? vz->name : "", 1)) {
		snprintf(why, whylen, "%s", rp_allowed(p, z->name, proto, port, service, NULL,
						       NULL, 0) ?
			 "source not allowed" : "no rule allows it");
		return 0;
	}
	for (size_t k = 0; v->country[0] && !v->zone[0] && k < p->ngeo; k++) {
		const struct geo_rule *g = &p->geo[k];

		if ((g->dir & GEO_INBOUND) && (!strcmp(g->zone, "*") || !strcmp(g->zone, z->name)) &&
		    !country_listed(g, v->country)) {
			snprintf(why, whylen, "country %s not allowed (line %d)", v->country, g->line);
			return 0;
		}
	}
	snprintf(why, whylen, "allowed");
	return 1;
}
