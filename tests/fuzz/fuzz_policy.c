/*
 * fuzz_policy.c - libFuzzer target for the policy loader.
 *
 * Any bytes go through policy_load_buf(): libyaml's reader and parser,
 * the schema walk and every cross-check.  A load must either succeed or
 * fail with a located message, never crash, and policy_free() must leave
 * nothing behind (LeakSanitizer checks it).  The seed corpus holds the
 * example hospital policy, small valid policies and a few invalid ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/input/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[POLICY_ERR_MAX];
	struct policy p;
	struct addr a = addr_from_v4(0xc6120a05);	/* 198.18.10.5 */

	err[0] = '\0';
	if (policy_load_buf("fuzz.yaml", (const char *)data, size, &p, err,
			    sizeof(err)) == 0) {
		/* Exercise the queries on whatever loaded. */
		(void)policy_zone_of(&p, &a);
		(void)policy_may_scan(&p, &a);
		(void)policy_dns_of(&p, &a);
	} else if (strncmp(err, "fuzz.yaml:", 10) != 0) {
		__builtin_trap();	/* every error must be located */
	}
	policy_free(&p);
	return 0;
}
