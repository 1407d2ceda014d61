/*
 * fuzz_rd.c - the bounded cursor under arbitrary nesting of length
 * prefixes, lines and finds: no read may leave the input.
 */
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/rd.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r, sub;
	uint8_t op;
	char line[32];
	uint32_t u32;

	rd_init(&r, data, size);
	while (rd_u8(&r, &op)) {
		sub.p = NULL;	/* poison: a failed split must not leave it dangling */
		sub.len = 12345;
		switch (op % 9) {
		case 0: if (rd_u8_prefixed(&r, &sub)) (void)rd_find(&sub, "ab", 2); break;
		case 1: rd_be16_prefixed(&r, &sub); (void)rd_find(&sub, "ab", 2); break;
		case 2: rd_be24_prefixed(&r, &sub); break;
		case 3: rd_be32_prefixed(&r, &sub); break;
		case 4: rd_line(&r, line, sizeof(line)); break;
		case 5: rd_le32(&r, &u32); break;
		case 6: rd_skip(&r, op >> 3); break;
		case 7: rd_printable(rd_ptr(&r), rd_left(&r), line, sizeof(line)); break;
		default: rd_text(rd_ptr(&r), rd_left(&r), line, sizeof(line)); break;
		}
	}
	return 0;
}
