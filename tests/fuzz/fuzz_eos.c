/*
 * fuzz_eos.c - libFuzzer target for the support-end table loader.
 *
 * Any bytes go through eos_load_buf() (libyaml document API, key checks,
 * date checks, regcomp of every pattern); a loaded table is then matched
 * against a few software strings.  Errors must name the file.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/inventory/eos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eos_table t;
	char err[512] = "";

	if (eos_load_buf("fuzz.yaml", (const char *)data, size, &t, err, sizeof(err)) == 0) {
		(void)eos_match(&t, "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7");
		(void)eos_match(&t, "Windows NT 10.0.19045");
		eos_free(&t);
	} else if (strncmp(err, "fuzz.yaml", 9) != 0) {
		__builtin_trap();
	}
	return 0;
}
