/*
 * out_json.c - the results document in canonical form: keys sorted and
 * every top-level array in report order, two-space indentation.  Two
 * runs with the same content give byte-identical files, which makes the
 * JSON usable for golden tests and for 'diff -u' by hand.
 */
#include <stdio.h>

#include "report.h"

static int
json_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	json_t *copy = json_copy(r->root);
	int rc;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_object_set(copy, "hosts", r->hosts);
	json_object_set(copy, "services", r->services);
	json_object_set(copy, "findings", r->findings);
	json_object_set(copy, "flows", r->flows);
	json_object_set(copy, "exits", r->exits);
	json_object_set(copy, "peers", r->peers);
	/* a deep copy, cleaned: the report never re-emits a control or bidi
	 * character (escape.c) */
	{
		json_t *deep = json_deep_copy(copy);

		json_decref(copy);
		if (!deep) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		copy = deep;
	}
	report_clean_json(copy);
	rc = json_dumpf(copy, f, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(copy);
	if (rc < 0) {
		snprintf(err, errlen, "cannot serialise the results");
		return -1;
	}
	fputc('\n', f);
	return 0;
}

const struct report_writer report_json = {
	.name = "json",
	.summary = "the results document, canonical (sorted keys and arrays)",
	.write = json_write,
};
