/*
 * fuzz_probe_rdp_ntlm.c - the rdp probe's CredSSP step (the server's
 * TSRequest with an NTLMSSP CHALLENGE) on arbitrary replies.  The shared
 * harness (fuzz_probe.h) starts from an empty output, where step 1 is the
 * Standard-RDP negotiation; here the plan of a CredSSP server is set first.
 */
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/runner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct probe *p = probe_by_name("rdp");
	struct probe_ctx c;
	json_t *out = json_object();
	uint8_t buf[64];
	size_t n = 0;

	if (!p || !out)
		goto done;
	json_object_set_new(out, "rdp", json_object());
	json_object_set_new(out, "_rdp_ntlm", json_true());
	memset(&c, 0, sizeof(c));
	c.step = 1;
	c.port = 3389;
	c.access_check = 1;
	c.scanner_id = "fuzz";
	c.out = out;
	probe_run_bytes(p, &c, data, size, out);
	c.eof = 1;
	probe_run_bytes(p, &c, data, size, out);
	c.step = 2;
	if (p->hello(&c, buf, sizeof(buf), &n) == 0 && n > sizeof(buf))
		abort();
done:
	json_decref(out);
	return 0;
}
