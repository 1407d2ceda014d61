/*
 * fuzz_results.c - a results document from arbitrary bytes: jansson
 * parses, results_from_json validates and indexes; nothing may crash or
 * leak whatever the file holds.
 */
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/results.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	char err[256];
	json_t *root = json_loadb((const char *)data, size, 0, &jerr);
	struct results *r;
	struct addr a;

	if (!root)
		return 0;
	r = results_from_json(root, err, sizeof(err));
	json_decref(root);
	if (!r)
		return 0;
	addr_parse("198.18.0.1", &a);
	results_service(r, &a, "tcp", 22, 1);
	results_count(r, "x", 1);
	results_free(r);
	return 0;
}
