/*
 * merge.c - one report from several results documents of the same site:
 * 'heiiki report scan.json capture.json'.  The scan brings hosts and
 * services, the capture brings exits, peers and flows; findings are the
 * union by key.  The merged run is kind "merge" with the inputs listed
 * under run.sources, so a report knows that both were measured (a
 * capture that saw no exit then means "none seen", not "not measured").
 * The first document's run (site, vantage, policy hash) stays the run of
 * the report; a later document whose status is not complete makes the
 * merged run partial.  Returns 1 (err holds a warning) when the site
 * names differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Identity of an element for de-duplication. */
static void
ident(const char *arr, const json_t *o, char *buf, size_t len)
{
	if (!strcmp(arr, "findings") && *report_str(o, "key")) {
		snprintf(buf, len, "%s", report_str(o, "key"));
		return;
	}
	if (!strcmp(arr, "hosts")) {
		snprintf(buf, len, "%s", report_str(o, "addr"));
		return;
	}
	if (!strcmp(arr, "services")) {
		snprintf(buf, len, "%s|%s|%lld", report_str(o, "addr"), report_str(o, "proto"),
			 report_int(o, "port", -1));
		return;
	}
	{
		char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

		snprintf(buf, len, "%s", s ? s : "");
		free(s);
	}
}

static int
merge_array(json_t *base, const json_t *other, const char *name)
{
	json_t *dst = json_object_get(base, name), *seen = json_object(), *o;
	const json_t *src = json_object_get(other, name);
	char id[1024];
	size_t i;

	if (!seen)
		return -1;
	if (!json_is_array(dst)) {
		dst = json_array();
		json_object_set_new(base, name, dst);
	}
	json_array_foreach(dst, i, o) {
		ident(name, o, id, sizeof(id));
		json_object_set_new(seen, id, json_true());
	}
	json_array_foreach((json_t *)src, i, o) {
		if (!json_is_object(o))
			continue;
		ident(name, o, id, sizeof(id));
		if (json_object_get(seen, id))
			continue;
		json_object_set_new(seen, id, json_true());
		json_array_append(dst, o);
	}
	json_decref(seen);
	return 0;
}

static json_t *
source_of(const json_t *run)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "kind", report_str(run, "kind"),
			 "start", report_str(run, "start"), "end", report_str(run, "end"),
			 "status", report_str(run, "status"));
}

int
report_merge(json_t *base, const json_t *other, char *err, size_t errlen)
{
	static const char *const arrays[] = { "hosts", "services", "flows", "exits", "peers",
					      "findings", NULL };
	json_t *run = json_object_get(base, "run"), *orun = json_object_get(other, "run");
	json_t *sources;

	if (!json_is_object(run) || !json_is_object(orun)) {
		snprintf(err, errlen, "results document has no \"run\" object");
		return -1;
	}
	int warn = 0;

	if (*report_str(run, "site") && *report_str(orun, "site") &&
	    strcmp(report_str(run, "site"), report_str(orun, "site"))) {
		snprintf(err, errlen, "site names differ ('%s' and '%s'): are these runs of "
			 "the same hospital?", report_str(run, "site"), report_str(orun, "site"));
		warn = 1;
	}
	sources = json_object_get(run, "sources");
	if (!json_is_array(sources)) {
		sources = json_array();
		json_array_append_new(sources, source_of(run));
		json_object_set_new(run, "sources", sources);
	}
	json_array_append_new(sources, source_of(orun));
	for (const char *const *a = arrays; *a; a++)
		if (merge_array(base, other, *a) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	if (strcmp(report_str(orun, "status"), "complete"))
		json_object_set_new(run, "status", json_string("partial"));
	json_object_set_new(run, "kind", json_string("merge"));
	return warn;
}
