/*
 * vantage.c - a run's vantage from run.vantage, the policy and GeoIP (see
 * vantage.h).
 */
#include <string.h>

#include "vantage.h"

static int
vendor_of(const struct policy *p, const struct addr *a, char *out, size_t len)
{
	for (size_t i = 0; p && i < p->nvendors; i++)
		if (tset_contains(&p->vendors[i].sources, a)) {
			snprintf(out, len, "%s", p->vendors[i].name);
			return 1;
		}
	return 0;
}

void
vantage_read(const json_t *v, const struct policy *p, struct geo_db *geo,
	     struct vantage *out)
{
	const char *zone = NULL, *addr = NULL, *cc = NULL, *role = NULL, *vendor = NULL;
	const struct zone *z = NULL;

	memset(out, 0, sizeof(*out));
	if (json_is_string(v)) {
		zone = json_string_value(v);
	} else if (json_is_object(v)) {
		zone = json_string_value(json_object_get(v, "zone"));
		addr = json_string_value(json_object_get(v, "addr"));
		if (!addr)
			addr = json_string_value(json_array_get(json_object_get(v, "addrs"), 0));
		cc = json_string_value(json_object_get(v, "country"));
		role = json_string_value(json_object_get(v, "role"));
		vendor = json_string_value(json_object_get(v, "vendor"));
		if (geo && cc && !strcmp(json_string_value(json_object_get(v, "country_source")) ?
					 json_string_value(json_object_get(v, "country_source")) : "",
					 "geoip"))
			cc = NULL;	/* looked up last time: look up again */
	}
	if (addr && addr_parse(addr, &out->addr) == 0)
		out->has_addr = 1;
	if (!zone && out->has_addr && p && (z = policy_zone_of(p, &out->addr)) &&
	    z->role != ZONE_EXTERNAL)
		zone = z->name;
	if (zone && p && (z = policy_zone_by_name(p, zone)) && z->role == ZONE_EXTERNAL)
		zone = NULL;	/* an external zone is an outside role, not a zone */
	snprintf(out->zone, sizeof(out->zone), "%s", zone ? zone : "");
	out->known = out->has_addr || out->zone[0];
	if (role && !strcmp(role, "capture")) {
		/* a passive capture: where it listened, not a source that reached anything */
		snprintf(out->role, sizeof(out->role), "capture");
		out->known = 1;
		return;
	}
	if (out->zone[0])
		snprintf(out->role, sizeof(out->role), "inside");
	else if (vendor && *vendor)
		snprintf(out->role, sizeof(out->role), "vendor");
	else if (out->has_addr && vendor_of(p, &out->addr, out->vendor, sizeof(out->vendor)))
		snprintf(out->role, sizeof(out->role), "vendor");
	else if (role && (!strcmp(role, "vendor") || !strcmp(role, "internet")))
		snprintf(out->role, sizeof(out->role), "%s", role);
	else if (out->has_addr)
		snprintf(out->role, sizeof(out->role), "internet");
	if (vendor && *vendor)
		snprintf(out->vendor, sizeof(out->vendor), "%s", vendor);
	out->known = out->known || out->role[0];
	if (cc && strlen(cc) == 2) {
		memcpy(out->country, cc, 3);
		out->country_declared = !json_is_string(json_object_get(v, "country_source")) ||
			strcmp(json_string_value(json_object_get(v, "country_source")), "geoip");
	} else if (!out->zone[0] && out->has_addr) {
		struct geo g;

		if (geo_lookup(geo, &out->addr, &g) == 0 && g.country[0])
			snprintf(out->country, sizeof(out->country), "%.2s", g.country);
	}
}

void
vantage_store(json_t *run, const struct vantage *v)
{
	json_t *o = json_object_get(run, "vantage");

	if (!json_is_object(o) || !v->known)
		return;
	if (v->zone[0])
		json_object_set_new(o, "zone", json_string(v->zone));
	if (v->role[0])
		json_object_set_new(o, "role", json_string(v->role));
	if (v->vendor[0])
		json_object_set_new(o, "vendor", json_string(v->vendor));
	if (v->country[0]) {
		json_object_set_new(o, "country", json_string(v->country));
		json_object_set_new(o, "country_source",
				    json_string(v->country_declared ? "declared" : "geoip"));
	}
}

json_t *
vantage_new(const struct addr *src, const struct policy *p, struct geo_db *geo,
	    const char *declared_country)
{
	json_t *o = json_object(), *run = json_object();
	char buf[ADDR_STRLEN];
	struct vantage v;

	if (!o || !run) {
		json_decref(o);
		json_decref(run);
		return NULL;
	}
	if (src) {
		addr_fmt(src, buf);
		json_object_set_new(o, "addr", json_string(buf));
		json_object_set_new(o, "sources", json_pack("{s:s, s:s, s:s}", "sweep", buf,
							    "probes", buf, "udp", buf));
	}
	if (declared_country && *declared_country)
		json_object_set_new(o, "country", json_string(declared_country));
	vantage_read(o, p, geo, &v);
	json_object_set_new(run, "vantage", o);
	vantage_store(run, &v);
	json_incref(o);
	json_decref(run);
	return o;
}
