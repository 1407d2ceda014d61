/*
 * fuzz_findings.c - libFuzzer target: any JSON as a results document
 * through the findings engine.
 *
 * Results documents may be edited by hand or come from another version,
 * so every rule must cope with missing fields, wrong types, huge numbers
 * and odd strings.  The input is parsed with jansson, accepted or refused
 * by results_from_json(), then findings_apply() runs every rule twice
 * (the second run replaces the first's findings) against a fixed policy.
 */
#include <stdint.h>
#include <string.h>

#include "scanner/findings/findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fz_policy[] =
	"version: 1\n"
	"site: Fuzz\n"
	"zones:\n"
	"  - {name: servers, role: server, nets: [198.18.10.0/24]}\n"
	"  - {name: clinical, role: clinical, nets: [198.18.20.0/24], closed: true}\n"
	"  - {name: internet, role: external, nets: [203.0.113.0/24]}\n"
	"vendors:\n"
	"  - {name: acme, sources: [203.0.113.10/32]}\n"
	"services:\n"
	"  - {name: rdp-acme, service: rdp, zones: [servers], from: [203.0.113.10],\n"
	"     until: 2020-01-01, vendor: acme, reason: fuzz}\n"
	"  - {name: no-telnet, service: telnet, zones: [clinical], action: deny}\n"
	"geo:\n"
	"  - {zone: \"*\", direction: both, countries: [JP]}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy p;
	static int loaded;
	char err[POLICY_ERR_MAX];
	struct results *r;
	json_t *root;

	if (!loaded) {
		if (policy_load_buf("fuzz", fz_policy, strlen(fz_policy), &p, err,
				    sizeof(err)) < 0)
			__builtin_trap();
		loaded = 1;
	}
	if (size > (1u << 20))
		return 0;
	root = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!root)
		return 0;
	r = results_from_json(root, err, sizeof(err));
	json_decref(root);
	if (!r)
		return 0;
	findings_apply(r, &p, NULL, 1795348800, err, sizeof(err));
	findings_apply(r, &p, NULL, 1795348800, err, sizeof(err));
	findings_worst(r);
	results_free(r);
	return 0;
}
