/*
 * fuzz_product_rules.c - the product rules on arbitrary replies.
 *
 * The input is a peer's reply: it goes through the banner probe (as the
 * cascade does for an unknown port) and then through every rule of the
 * shipped probes/data/product-rules.json, also as an SSH and FTP reply.
 * ASan catches an overrun in the template expansion, LSan JSON left behind.
 */
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/product_db.h"
#include "probes/runner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct product_db *db;
	static int tried;
	static const char *const names[] = { "banner", "ssh", "ftp", "http" };
	char err[256];

	if (!tried) {
		tried = 1;
		if (product_db_load_default(&db, err, sizeof(err)) < 0)
			db = NULL;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct probe *p = probe_by_name(names[i]);
		struct probe_ctx c;
		json_t *out = json_object();

		if (!p || !out)
			continue;
		memset(&c, 0, sizeof(c));
		c.eof = 1;
		c.port = 1;
		c.host = "198.18.0.1";
		c.scanner_id = "fuzz";
		probe_run_bytes(p, &c, data, size, out);
		product_db_apply(db, out);
		json_decref(out);
	}
	return 0;
}
