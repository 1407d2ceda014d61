/*
 * findings.c - run the rule table over a results document.
 *
 * The rules (rules.c) only read; this file owns the output: it builds the
 * finding objects (shape in docs/findings.md), drops duplicate keys, sorts
 * worst-first then by key, and swaps the new list in for the document's old
 * "findings" array, so running check twice gives the same document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "rules.h"

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };

const char *
severity_name(enum severity s)
{
	return (s >= SEV_INFO && s <= SEV_CRITICAL) ? sev_names[s] : "info";
}

int
severity_parse(const char *s)
{
	for (int i = SEV_INFO; i <= SEV_CRITICAL; i++)
		if (s && !strcmp(s, sev_names[i]))
			return i;
	return -1;
}

const char *
finding_zone_of(const struct fctx *c, const char *addr)
{
	const struct zone *z;
	struct addr a;
	json_t *h;

	if (!addr || addr_parse(addr, &a) < 0)
		return "";
	h = results_host(c->res, &a, 0);
	if (h && json_is_string(json_object_get(h, "zone")) &&
	    json_string_length(json_object_get(h, "zone")))
		return json_string_value(json_object_get(h, "zone"));
	z = c->p ? policy_zone_of(c->p, &a) : NULL;
	return z ? z->name : "";
}

int
finding_is_outside(const struct fctx *c, const struct addr *a)
{
	const struct zone *z = c->p ? policy_zone_of(c->p, a) : NULL;

	return !z || z->role == ZONE_EXTERNAL;
}

static void
finding_emitv(struct fctx *c, const struct rule *rule, enum severity sev,
	      const char *addr, const char *proto, long long port, const char *zone,
	      const char *extra, const char *fmt, va_list ap)
{
	char key[512], ev[1024];
	json_t *f;

	snprintf(key, sizeof(key), "%s|%s|%s|%lld|%s", rule->id, addr ? addr : "",
		 proto ? proto : "", port, extra ? extra : "");
	if (json_object_get(c->keys, key))
		return;
	vsnprintf(ev, sizeof(ev), fmt, ap);
	f = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s?, s:I, s:s, "
		      "s:s, s:s, s:s}",
		      "rule", rule->id, "severity", severity_name(sev),
		      "title", "en", rule->title_en, "ja", rule->title_ja,
		      "remedy", "en", rule->remedy_en, "ja", rule->remedy_ja,
		      "checklist", rule->checklist, "addr", addr,
		      "port", (json_int_t)port, "proto", proto ? proto : "",
		      "zone", zone ? zone : "", "evidence", ev, "key", key);
	if (!f || json_array_append_new(c->out, f) < 0 ||
	    json_object_set_new(c->keys, key, json_true()) < 0)
		c->oom = 1;
	snprintf(key, sizeof(key), "%s|%s|%lld", addr ? addr : "", proto ? proto : "", port);
	if (json_object_set_new(c->flagged, key, json_true()) < 0)
		c->oom = 1;
}

int
finding_flagged(const struct fctx *c, const char *addr, const char *proto, long long port)
{
	char key[ADDR_STRLEN + 32];

	snprintf(key, sizeof(key), "%s|%s|%lld", addr, proto, port);
	return json_object_get(c->flagged, key) != NULL;
}

void
finding_emit(struct fctx *c, const struct rule *rule, const char *addr,
	     const char *proto, long long port, const char *zone,
	     const char *extra, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	finding_emitv(c, rule, rule->sev, addr, proto, port, zone, extra, fmt, ap);
	va_end(ap);
}

void
finding_emit_sev(struct fctx *c, const struct rule *rule, enum severity sev,
		 const char *addr, const char *proto, long long port,
		 const char *zone, const char *extra, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	finding_emitv(c, rule, sev, addr, proto, port, zone, extra, fmt, ap);
	va_end(ap);
}

static void
findings_vantage(struct fctx *c)
{
	json_t *v = json_object_get(results_run(c->res), "vantage");
	const char *zone = NULL, *addr = NULL;

	if (json_is_string(v)) {
		zone = json_string_value(v);
	} else if (json_is_object(v)) {
		zone = json_string_value(json_object_get(v, "zone"));
		addr = json_string_value(json_object_get(v, "addr"));
	}
	if (addr && addr_parse(addr, &c->vantage_addr) == 0) {
		c->has_vantage_addr = 1;
		if (!zone && c->p) {
			const struct zone *z = policy_zone_of(c->p, &c->vantage_addr);

			zone = z ? z->name : NULL;
		}
	}
	snprintf(c->vantage_zone, sizeof(c->vantage_zone), "%s", zone ? zone : "");
	vantage_read(v, c->p, c->geo, &c->v);
}

static int
sev_of(json_t *f)
{
	return severity_parse(json_string_value(json_object_get(f, "severity")));
}

static int
finding_cmp(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	int d = sev_of(b) - sev_of(a);

	if (d)
		return d;
	return strcmp(json_string_value(json_object_get(a, "key")),
		      json_string_value(json_object_get(b, "key")));
}

/* Replace the document's findings with c->out sorted. */
static int
findings_store(struct fctx *c)
{
	json_t *dst = results_array(c->res, "findings");
	size_t n = json_array_size(c->out);
	json_t **v;

	if (!dst)
		return -1;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(c->out, i);
	qsort(v, n, sizeof(*v), finding_cmp);	/* keys are unique: order is total */
	json_array_clear(dst);
	for (size_t i = 0; i < n; i++)
		if (json_array_append(dst, v[i]) < 0) {
			free(v);
			return -1;
		}
	free(v);
	return 0;
}

/*
 * Record which databases judged the document, for reports and audits:
 * run.geoip = {"db": first path, "build_epoch", "build_date", "stale",
 * "dbs": [{"path", "type", "build_date"}, ...]}.
 */
void
findings_record_geo(struct results *r, struct geo_db *geo, time_t today)
{
	json_t *run = results_run(r), *g, *all;
	int64_t e = geo_build_epoch(geo);
	char ts[32];

	if (!geo || !run)
		return;
	g = json_pack("{s:s, s:I, s:s, s:b}", "db", geo_db_path(geo, 0),
		      "build_epoch", (json_int_t)e, "build_date", results_time(e, ts),
		      "stale", geo_is_stale(geo, today ? today : time(NULL)));
	all = json_array();
	for (size_t i = 0; g && all && i < geo_db_count(geo); i++) {
		const char *type = geo_db_type(geo, i);

		json_array_append_new(all, json_pack("{s:s, s:s, s:s}", "path",
						     geo_db_path(geo, i), "type",
						     type ? type : "", "build_date",
						     results_time(geo_db_epoch(geo, i), ts)));
	}
	if (g && all)
		json_object_set_new(g, "dbs", all);
	else
		json_decref(all);
	if (g)
		json_object_set_new(run, "geoip", g);
}

int
findings_apply(struct results *r, const struct policy *p, struct geo_db *geo,
	       time_t today, char *err, size_t errlen)
{
	struct fctx c = { .res = r, .root = results_root(r), .p = p, .geo = geo,
			  .today = today ? today : time(NULL) };
	int rc = -1;

	c.out = json_array();
	c.keys = json_object();
	c.flagged = json_object();
	if (!c.out || !c.keys || !c.flagged || !c.root)
		goto out_nomem;
	findings_vantage(&c);
	for (size_t i = 0; i < nrules; i++)
		rules[i].match(&rules[i], &c);
	if (c.oom || findings_store(&c) < 0)
		goto out_nomem;
	findings_record_geo(r, c.geo, c.today);
	vantage_store(results_run(r), &c.v);
	rc = (int)json_array_size(c.out);
	goto out;
out_nomem:
	snprintf(err, errlen, "findings: out of memory");
out:
	json_decref(c.out);
	json_decref(c.keys);
	json_decref(c.flagged);
	json_decref(c.inv_devices);
	return rc;
}

int
findings_worst(struct results *r)
{
	json_t *arr = results_array(r, "findings"), *f;
	size_t i;
	int worst = -1;

	json_array_foreach(arr, i, f) {
		int s = sev_of(f);

		if (s > worst)
			worst = s;
	}
	return worst;
}

size_t
findings_count_at(struct results *r, enum severity sev)
{
	json_t *arr = results_array(r, "findings"), *f;
	size_t i, n = 0;

	json_array_foreach(arr, i, f)
		if (sev_of(f) >= (int)sev)
			n++;
	return n;
}
