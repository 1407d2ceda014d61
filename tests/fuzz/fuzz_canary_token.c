/*
 * fuzz_canary_token.c - the open-proxy canary's request reader
 * (probes/canary.c): whatever a relaying proxy (or anyone) sends to the
 * scanner's one-shot listener.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/canary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tok[9], body[64];

	if (canary_token(data, size, tok)) {
		if (strlen(tok) != 8)
			abort();
		proxy_check_reply(tok, body, sizeof(body));
	}
	return 0;
}
