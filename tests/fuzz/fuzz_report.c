/*
 * fuzz_report.c - every report writer and the diff on an arbitrary
 * results document.  Documents are untrusted (a results file from another
 * machine, banners inside it): wrong member types, huge strings, odd
 * severities or missing objects must never crash, hang or leak a writer.
 * The first byte picks the language and the CSV table.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "scanner/core/results.h"
#include "scanner/report/diff.h"
#include "scanner/report/report.h"

static const char *const fz_tables[] = { "findings", "services", "hosts", "exits",
					 "peers", "flows" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	char err[256], *out;
	size_t len;
	json_t *root, *d;
	struct results *r;
	struct report rep;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	root = json_loadb((const char *)data + 1, size - 1, 0, &jerr);
	if (!root)
		return 0;
	r = results_from_json(root, err, sizeof(err));
	json_decref(root);
	if (!r)
		return 0;
	if (report_init(&rep, results_root(r), NULL, sel & 1 ? LANG_JA : LANG_EN, err,
			sizeof(err)) == 0) {
		rep.table = fz_tables[(sel >> 1) % 6];
		for (const struct report_writer *const *w = report_writers; *w; w++)
			if (report_render(*w, &rep, &out, &len, err, sizeof(err)) == 0)
				free(out);
		report_fini(&rep);
	}
	d = diff_results(results_root(r), results_root(r), err, sizeof(err));
	json_decref(d);
	results_free(r);
	return 0;
}
