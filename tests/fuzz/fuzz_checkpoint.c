/*
 * fuzz_checkpoint.c - libFuzzer target for ckpt_read_buf(): a checkpoint
 * file as --resume reads it (jansson parses; the checks on argv, cursor,
 * total, config hash and holes are ours).  An accepted checkpoint's holes
 * must be sorted, unique and below its cursor, the cursor at most total.
 */
#include <stddef.h>
#include <stdint.h>

#include "scanner/sweep/checkpoint.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckpt c;
	char err[512];

	if (ckpt_read_buf("fuzz", (const char *)data, size, &c, err, sizeof(err)) == 0) {
		if (c.cursor > c.total || c.nholes > SWEEP_HOLES_MAX)
			__builtin_trap();
		for (size_t i = 0; i < c.nholes; i++)
			if (c.holes[i] >= c.cursor || (i && c.holes[i] <= c.holes[i - 1]))
				__builtin_trap();
		ckpt_free(&c);
	}
	return 0;
}
