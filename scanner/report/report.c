/*
 * report.c - the writer table and the sorted views every writer reads
 * (accessors are in report_util.c, escapers in escape.c).
 *
 * report_init() never changes the document.  It makes arrays that hold
 * references to the document's objects in report order:
 *   hosts     by address (numeric; IPv4 before IPv6)
 *   services  by address, protocol, port; "open" is the open subset
 *   findings  worst severity first, then rule, address, protocol, port, key
 *   flows     by source, destination, protocol, ports
 *   exits     by name, address;  peers by country, address
 * Ties between different objects are broken by their canonical JSON text,
 * so two documents with the same content always give the same report.
 */
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "report.h"
#include "scanner/core/addr.h"
#include "scanner/core/module.h"
#include "scanner/input/policy.h"

const struct report_writer *const report_writers[] = {
	&report_html, &report_md, &report_csv, &report_dot, &report_nmapxml,
	&report_json, NULL,
};

/* out_pdf.c is in heiiki-pdf.so (module.h), or linked in (tests) */
extern const struct report_writer report_pdf __attribute__((weak));

static int
pdf_write_module(FILE *f, const struct report *r, char *err, size_t errlen)
{
	const struct report_writer *w = &report_pdf;

	if (!w && !(w = module_sym("pdf", "report_pdf", err, errlen)))
		return -1;
	return w->write(f, r, err, errlen);
}

static const struct report_writer pdf_module = {
	.name = "pdf",
	.summary = "A4 PDF of the report (cairo + pango; with -o X.pdf the diagram too)",
	.write = pdf_write_module,
};

const struct report_writer *
report_writer_by_name(const char *name)
{
	for (const struct report_writer *const *w = report_writers; *w; w++)
		if (!strcmp((*w)->name, name))
			return *w;
	return !strcmp(name, "pdf") ? &pdf_module : NULL;
}

/* --- sorted views ------------------------------------------------------------------------ */

static int
addr_order(const char *x, const char *y)
{
	struct addr a, b;
	int px = addr_parse(x, &a) == 0, py = addr_parse(y, &b) == 0;

	if (px && py)
		return addr_cmp(&a, &b);
	if (px != py)
		return px ? -1 : 1;	/* parseable addresses first */
	return strcmp(x, y);
}

static int
tiebreak(const json_t *a, const json_t *b)
{
	char *x = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	char *y = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	int c = strcmp(x ? x : "", y ? y : "");

	free(x);
	free(y);
	return c;
}

static int
int_order(long long x, long long y)
{
	return x < y ? -1 : x > y;
}

#define A(p) (*(json_t *const *)(p))

static int
cmp_host(const void *p, const void *q)
{
	int c = addr_order(report_str(A(p), "addr"), report_str(A(q), "addr"));

	return c ? c : tiebreak(A(p), A(q));
}

static int
cmp_service(const void *p, const void *q)
{
	int c = addr_order(report_str(A(p), "addr"), report_str(A(q), "addr"));

	if (!c)
		c = strcmp(report_str(A(p), "proto"), report_str(A(q), "proto"));
	if (!c)
		c = int_order(report_int(A(p), "port", -1), report_int(A(q), "port", -1));
	return c ? c : tiebreak(A(p), A(q));
}

static int
cmp_finding(const void *p, const void *q)
{
	const json_t *a = A(p), *b = A(q);
	int c = int_order(report_sev_rank(report_str(b, "severity")),
			  report_sev_rank(report_str(a, "severity")));

	if (!c)
		c = strcmp(report_str(a, "rule"), report_str(b, "rule"));
	if (!c)
		c = addr_order(report_str(a, "addr"), report_str(b, "addr"));
	if (!c)
		c = strcmp(report_str(a, "proto"), report_str(b, "proto"));
	if (!c)
		c = int_order(report_int(a, "port", -1), report_int(b, "port", -1));
	if (!c)
		c = strcmp(report_str(a, "key"), report_str(b, "key"));
	return c ? c : tiebreak(a, b);
}

static int
cmp_flow(const void *p, const void *q)
{
	const json_t *a = A(p), *b = A(q);
	int c = addr_order(report_str(a, "src"), report_str(b, "src"));

	if (!c)
		c = addr_order(report_str(a, "dst"), report_str(b, "dst"));
	if (!c)
		c = strcmp(report_proto(a), report_proto(b));
	if (!c)
		c = int_order(report_int(a, "dport", -1), report_int(b, "dport", -1));
	if (!c)
		c = int_order(report_int(a, "sport", -1), report_int(b, "sport", -1));
	return c ? c : tiebreak(a, b);
}

static int
cmp_exit(const void *p, const void *q)
{
	int c = strcmp(report_exit_name(A(p)), report_exit_name(A(q)));

	if (!c)
		c = addr_order(report_exit_addr(A(p)), report_exit_addr(A(q)));
	return c ? c : tiebreak(A(p), A(q));
}

static int
cmp_peer(const void *p, const void *q)
{
	int c = strcmp(report_str(A(p), "country"), report_str(A(q), "country"));

	if (!c)
		c = addr_order(report_str(A(p), "addr"), report_str(A(q), "addr"));
	return c ? c : tiebreak(A(p), A(q));
}

#undef A

/* A new array with the objects of arr (non-objects dropped), sorted. */
static json_t *
sorted_view(const json_t *arr, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(arr), m = 0;
	json_t **v, *out;

	v = calloc(n ? n : 1, sizeof(*v));
	out = json_array();
	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (json_is_object(json_array_get(arr, i)))
			v[m++] = json_array_get(arr, i);
	qsort(v, m, sizeof(*v), cmp);
	for (size_t i = 0; i < m; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static void
zone_add(json_t *zones, json_t *seen, const char *name)
{
	if (json_object_get(seen, name))
		return;
	json_object_set_new(seen, name, json_true());
	json_array_append_new(zones, json_string(name));
}

/* addr -> zone from the hosts, then the policy; zone order: policy first. */
static int
build_zones(struct report *r)
{
	json_t *seen = json_object(), *h, *extra;
	size_t i;

	if (!seen)
		return -1;
	json_array_foreach(r->hosts, i, h) {
		const char *a = report_str(h, "addr"), *z = report_str(h, "zone");
		struct addr ad;

		if (!*z && r->policy && addr_parse(a, &ad) == 0) {
			const struct zone *pz = policy_zone_of(r->policy, &ad);

			z = pz ? pz->name : "";
		}
		json_object_set_new(r->zone_of, a, json_string(z));
	}
	for (size_t k = 0; r->policy && k < r->policy->nzones; k++)
		zone_add(r->zones, seen, r->policy->zones[k].name);
	extra = json_object();
	json_array_foreach(r->hosts, i, h) {
		const char *z = report_zone(r, report_str(h, "addr"));

		if (*z && !json_object_get(seen, z))
			json_object_set_new(extra, z, json_true());
	}
	{
		json_t *keys = report_keys(extra), *k;

		json_array_foreach(keys, i, k)
			zone_add(r->zones, seen, json_string_value(k));
		json_decref(keys);
	}
	json_decref(extra);
	json_array_foreach(r->hosts, i, h)
		if (!*report_zone(r, report_str(h, "addr")))
			zone_add(r->zones, seen, "");
	json_decref(seen);
	return 0;
}

static void
hot_mark(json_t *hot, const char *key, int rank)
{
	json_t *v = json_object_get(hot, key);

	if (!v || json_integer_value(v) < rank)
		json_object_set_new(hot, key, json_integer(rank));
}

static void
build_hot(struct report *r)
{
	json_t *f;
	size_t i;
	char key[160];

	json_array_foreach(r->findings, i, f) {
		int rank = report_sev_rank(report_str(f, "severity"));
		const char *a = report_str(f, "addr");

		if (rank < 0 || !*a)
			continue;
		hot_mark(r->hot, a, rank);
		if (report_has_port(f)) {
			snprintf(key, sizeof(key), "%s/%s/%lld", a, report_str(f, "proto"),
				 report_int(f, "port", -1));
			hot_mark(r->hot, key, rank);
		}
	}
}

static void
index_service(struct report *r, json_t *s)
{
	const char *a = report_str(s, "addr");
	json_t *list = json_object_get(r->by_addr, a);

	json_array_append(r->open, s);
	if (!list) {
		list = json_array();
		json_object_set_new(r->by_addr, a, list);
	}
	json_array_append(list, s);
}

static void
index_finding(struct report *r, json_t *f)
{
	const char *a = report_str(f, "addr");
	json_t *list = json_object_get(r->fnd_of, a);

	if (!list) {
		list = json_array();
		json_object_set_new(r->fnd_of, a, list);
	}
	json_array_append(list, f);
}

/* Edition, time zone, the run's time, what the document measured. */
static void
report_init_extra(struct report *r)
{
	const char *kind = report_str(r->run, "kind");
	long long t = report_epoch(report_str(r->run, "end"));
	json_t *src;
	size_t i;

	r->edition = CL_DEFAULT;
	snprintf(r->tz, sizeof(r->tz), "%s", r->policy && *r->policy->timezone ?
		 r->policy->timezone : r->lang == LANG_JA ? "Asia/Tokyo" : "UTC");
	r->now = t >= 0 ? t : report_epoch(report_str(r->run, "start"));
	r->measured_hosts = strcmp(kind, "capture") != 0 || json_array_size(r->hosts) ||
			    json_array_size(r->services);
	r->measured_traffic = !strcmp(kind, "capture") || !strcmp(kind, "merge") ||
			      json_array_size(r->flows) || json_array_size(r->exits) ||
			      json_array_size(r->peers);
	/* a night's scan with capture periods merged in: measured, even quiet */
	json_array_foreach(json_object_get(r->run, "sources"), i, src)
		r->measured_traffic |= !strcmp(report_str(src, "kind"), "capture");
}

int
report_init(struct report *r, json_t *root, const struct policy *policy,
	    enum report_lang lang, char *err, size_t errlen)
{
	json_t *s;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->root = json_incref(root);
	r->run = json_object_get(root, "run");
	r->policy = policy;
	r->lang = lang;
	r->table = "findings";
	r->hosts = sorted_view(json_object_get(root, "hosts"), cmp_host);
	r->services = sorted_view(json_object_get(root, "services"), cmp_service);
	r->findings = sorted_view(json_object_get(root, "findings"), cmp_finding);
	r->flows = sorted_view(json_object_get(root, "flows"), cmp_flow);
	r->exits = sorted_view(json_object_get(root, "exits"), cmp_exit);
	r->peers = sorted_view(json_object_get(root, "peers"), cmp_peer);
	r->open = json_array();
	r->zone_of = json_object();
	r->zones = json_array();
	r->hot = json_object();
	r->by_addr = json_object();
	r->peer_of = json_object();
	r->fnd_of = json_object();
	r->dns_of = json_object();
	if (!r->by_addr || !r->peer_of || !r->fnd_of || !r->dns_of ||
	    !r->hosts || !r->services || !r->findings || !r->flows || !r->exits ||
	    !r->peers || !r->open || !r->zone_of || !r->zones || !r->hot ||
	    !json_is_object(r->run) || build_zones(r) < 0) {
		snprintf(err, errlen, "%s", json_is_object(r->run) ?
			 "out of memory" : "results document has no \"run\" object");
		report_fini(r);
		return -1;
	}
	json_array_foreach(r->services, i, s)
		if (report_svc_open(s))
			index_service(r, s);
	json_array_foreach(r->peers, i, s)
		if (!json_object_get(r->peer_of, report_str(s, "addr")))
			json_object_set(r->peer_of, report_str(s, "addr"), s);
	json_array_foreach(r->findings, i, s)
		index_finding(r, s);
	/* a host's first DNS name (PTR from the site resolver, DNS answers in a
	 * capture) names it where the policy's assets: do not */
	json_array_foreach(r->hosts, i, s) {
		const char *n = json_string_value(json_array_get(json_object_get(s, "hostnames"), 0));

		if (n && *n && *report_str(s, "addr"))
			json_object_set_new(r->dns_of, report_str(s, "addr"), json_string(n));
	}
	build_hot(r);
	report_init_extra(r);
	return 0;
}

void
report_fini(struct report *r)
{
	json_t **all[] = { &r->root, &r->hosts, &r->services, &r->open, &r->findings,
			   &r->flows, &r->exits, &r->peers, &r->zone_of, &r->zones,
			   &r->hot, &r->by_addr, &r->peer_of, &r->fnd_of, &r->prev_keys,
			   &r->dns_of };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		json_decref(*all[i]);
		*all[i] = NULL;
	}
}

int
report_render(const struct report_writer *w, const struct report *r, char **out,
	      size_t *outlen, char *err, size_t errlen)
{
	FILE *f;
	int rc;

	*out = NULL;
	*outlen = 0;
	f = open_memstream(out, outlen);
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = w->write(f, r, err, errlen);
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: write error", w->name);
		rc = -1;
	}
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: out of memory", w->name);
		rc = -1;
	}
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*outlen = 0;
	}
	return rc;
}

static int
cmp_item(const void *p, const void *q)
{
	const json_t *a = *(json_t *const *)p, *b = *(json_t *const *)q;
	int c = int_order(report_int(b, "worst", -1), report_int(a, "worst", -1));

	return c ? c : strcmp(report_str(a, "item"), report_str(b, "item"));
}

json_t *
report_checklist(const struct report *r)
{
	json_t *by = json_object(), *f, *e, *list;
	const char *k;
	size_t i;

	json_array_foreach(r->findings, i, f) {
		char buf[512];
		const char *item = report_cl_label(r, f, buf, sizeof(buf));
		int rank = report_sev_rank(report_str(f, "severity"));

		e = json_object_get(by, item);
		if (!e) {
			e = json_pack("{s:s, s:i, s:i}", "item", item, "count", 0, "worst", -1);
			json_object_set_new(by, item, e);
		}
		json_object_set_new(e, "count", json_integer(report_int(e, "count", 0) + 1));
		if (rank > report_int(e, "worst", -1))
			json_object_set_new(e, "worst", json_integer(rank));
	}
	list = json_array();
	json_object_foreach(by, k, e)
		json_array_append(list, e);
	json_decref(by);
	e = sorted_view(list, cmp_item);
	json_decref(list);
	return e;
}
