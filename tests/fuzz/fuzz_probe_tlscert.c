/*
 * fuzz_probe_tlscert.c - libFuzzer target for the certificate field
 * extractor: d2i_X509 on the input, then every field and risk flag
 * (tls_cert.c), and the tls probe's parse() on the same bytes.  Names,
 * SANs and times in a certificate are attacker text; nothing may crash,
 * leak or write non-UTF-8 strings into the JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/runner.h"
#include "probes/tls_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *tls = json_object(), *out = json_object();
	const struct probe *p = probe_by_name("tls");
	struct probe_ctx c;
	char *dump;

	if (!tls || !out)
		goto out;
	if (tls_cert_fields(data, size, 1800000000, tls, out) == 0) {
		dump = json_dumps(tls, 0);
		if (!dump)
			__builtin_trap();	/* every string must be valid JSON text */
		free(dump);
	}
	memset(&c, 0, sizeof(c));
	c.tls = 1;
	c.now = 0;
	if (p)
		probe_run_bytes(p, &c, data, size, out);
out:
	json_decref(tls);
	json_decref(out);
	return 0;
}
