/*
 * vantage.h - where a run stood, as the policy sees it.
 *
 * A run's vantage (run.vantage) is an object: the source address(es) the
 * run used ("addr", and per phase "sources": {"sweep", "probes", "udp"}),
 * the policy zone of that address when it is inside, or its outside role:
 * "vendor" (the address is one of a vendor's declared sources, "vendor"
 * names it) or "internet" with a "country" (declared by the operator, or
 * from GeoIP: "country_source": "declared" / "geoip").  Findings about
 * reachability (allowed sources, allowed countries) are judged against it.
 */
#ifndef HEIIKI_VANTAGE_H
#define HEIIKI_VANTAGE_H

#include <jansson.h>

#include "geoip/geo.h"
#include "scanner/core/addr.h"
#include "scanner/input/policy.h"

struct vantage {
	int known;			/* an address or a zone was given */
	int has_addr;
	struct addr addr;
	char zone[POLICY_NAME_MAX];	/* inside zone, "" when outside */
	char role[16];			/* "inside", "vendor", "internet", "capture", "" */
	char vendor[POLICY_NAME_MAX];
	char country[4];		/* ISO code, "" unknown */
	int country_declared;
};

/*
 * Read run.vantage (object or plain zone string) and work out zone, role,
 * vendor and country from the policy and GeoIP (either may be NULL).
 */
void vantage_read(const json_t *v, const struct policy *p, struct geo_db *geo,
		  struct vantage *out);
/*
 * Write what vantage_read() worked out back into the run.vantage object
 * (role, zone, vendor, country, country_source); a plain string vantage is
 * left as it is.  For scan/capture/check, so that every document says
 * where it was made from.
 */
void vantage_store(json_t *run, const struct vantage *v);
/*
 * A run.vantage object for a scan from source address src (NULL: unknown)
 * with the sources of each phase: the pipeline's one-line hookup.
 */
json_t *vantage_new(const struct addr *src, const struct policy *p, struct geo_db *geo,
		    const char *declared_country);

#endif
