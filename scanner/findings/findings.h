/*
 * findings.h - results x policy x geo -> findings.
 *
 * findings_apply() runs every rule of the table in rules.c over a results
 * document and replaces its "findings" array with what they found, sorted
 * by severity (worst first) and then by key, so that output is stable and
 * history/diff can key on "key".  The finding shape is documented in
 * docs/findings.md.  scan, capture and check all call it.
 */
#ifndef HEIIKI_FINDINGS_H
#define HEIIKI_FINDINGS_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "geoip/geo.h"
#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "vantage.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

struct rule;

/* What every rule's match function sees (read-only) plus the output. */
struct fctx {
	struct results *res;
	json_t *root;			/* the results document */
	const struct policy *p;
	struct geo_db *geo;		/* may be NULL: geo rules find nothing */
	time_t today;
	char vantage_zone[POLICY_NAME_MAX];	/* run.vantage zone, "" unknown */
	struct addr vantage_addr;	/* run.vantage addr */
	int has_vantage_addr;
	struct vantage v;		/* zone or outside role, vendor, country */
	json_t *out;			/* findings emitted so far */
	json_t *keys;			/* key -> true, drops duplicates */
	json_t *flagged;		/* "addr|proto|port" with any finding */
	json_t *inv_devices;		/* inventory devices (rules_inventory.c), lazily */
	int oom;
};

/*
 * Apply every rule.  "today" is the date expiry rules compare with (0 =
 * now).  Returns the number of findings, or -1 with err filled.
 */
int findings_apply(struct results *r, const struct policy *p, struct geo_db *geo,
		   time_t today, char *err, size_t errlen);
/* run.geoip: which GeoIP databases (paths, build dates) judged r. */
void findings_record_geo(struct results *r, struct geo_db *geo, time_t today);
/* Worst severity among r's findings, or -1 when there are none. */
int findings_worst(struct results *r);
/* Number of findings at or above sev. */
size_t findings_count_at(struct results *r, enum severity sev);

const char *severity_name(enum severity s);
/* "critical" -> SEV_CRITICAL; -1 when unknown. */
int severity_parse(const char *s);

/*
 * What the policy expects from vantage v for one service: 1 allowed (some
 * rule allows the source and no inbound geo rule refuses its country), 0
 * not allowed, -1 not a question (the service is outside every inside
 * zone, or in the vantage's own zone).  why gets a short reason.
 */
int findings_expected(const struct policy *p, const struct vantage *v, const char *addr,
		      const char *proto, long long port, const char *service, char *why,
		      size_t whylen);

/* --- helpers for rules.c ------------------------------------------------ */

/*
 * Add a finding of rule for (addr, proto, port) in zone; "extra" makes the
 * key unique when one service can trigger a rule more than once (may be
 * ""); evidence is printf-formatted.  addr may be NULL for findings that
 * are not about one address (port 0, proto "").
 */
void finding_emit(struct fctx *c, const struct rule *rule, const char *addr,
		  const char *proto, long long port, const char *zone,
		  const char *extra, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
/* The same with a severity other than the rule's default. */
void finding_emit_sev(struct fctx *c, const struct rule *rule, enum severity sev,
		      const char *addr, const char *proto, long long port,
		      const char *zone, const char *extra, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));
/* 1 when an earlier rule already reported this service. */
int finding_flagged(const struct fctx *c, const char *addr, const char *proto,
		    long long port);
/* Zone name of an address: hosts[].zone, else the policy's zones, else "". */
const char *finding_zone_of(const struct fctx *c, const char *addr);
/* 1 when the address is outside every non-external zone of the policy. */
int finding_is_outside(const struct fctx *c, const struct addr *a);

#endif
