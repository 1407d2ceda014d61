/*
 * fuzz_oui.c - libFuzzer target: a random file as the IEEE OUI list.
 */
#include <stdint.h>

#include "scanner/core/oui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oui_db *db;
	char err[128];
	uint8_t mac[6] = { 0, 0, 0x85, 1, 2, 3 };

	if (oui_load_buf((const char *)data, size, &db, err, sizeof(err)) == 0) {
		(void)oui_lookup(db, mac);
		oui_free(db);
	}
	return 0;
}
