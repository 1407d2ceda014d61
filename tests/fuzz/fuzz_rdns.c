/*
 * fuzz_rdns.c - libFuzzer target for rdns_parse_reply(): a resolver's reply
 * to a PTR query (libresolv parses the message; the names kept must be
 * NUL-terminated, at most RDNS_NAME_MAX characters and plausible).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/names/rdns.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char names[RDNS_MAX_NAMES][RDNS_NAME_MAX + 1];
	int n;

	memset(names, 'x', sizeof(names));
	n = rdns_parse_reply(data, size, names, RDNS_MAX_NAMES);
	if (n > RDNS_MAX_NAMES)
		__builtin_trap();
	for (int i = 0; i < n; i++) {
		size_t l = strnlen(names[i], sizeof(names[i]));

		if (l == 0 || l > RDNS_NAME_MAX || strchr(names[i], ' ') || strchr(names[i], '<'))
			__builtin_trap();
	}
	return 0;
}
