/*
 * fuzz_ledger.c - libFuzzer target for the ledger reader.
 *
 * Any bytes go through ledger_load_buf(): encoding detection (BOM, strict
 * UTF-8, CP932 through iconv), libcsv, header and column mapping.  A load
 * either succeeds or fails with a message that names the file; every cell
 * read back must be a NUL-terminated string; ledger_free() leaves nothing
 * behind (LeakSanitizer).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/inventory/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger l;
	char err[512] = "";
	size_t total = 0;

	if (ledger_load_buf("fuzz.csv", (const char *)data, size, NULL, &l, err,
			    sizeof(err)) == 0) {
		for (size_t r = 0; r < l.nrows; r++)
			for (int f = 0; f < LF_COUNT; f++)
				total += strlen(ledger_cell(&l, r, f));
		if (total > (size_t)size * 4 + 16)
			__builtin_trap();	/* cells cannot outgrow the decoded input */
		ledger_free(&l);
	} else if (strncmp(err, "fuzz.csv", 8) != 0) {
		__builtin_trap();	/* every error names the file */
	}
	return 0;
}
