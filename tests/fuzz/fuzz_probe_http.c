/*
 * fuzz_probe_http.c - libFuzzer target for the HTTP response parser, title/cookie extraction and VPN portal fingerprint evaluation.
 *
 * Byte 0 picks the conversation step (bits 0-1), TLS (bit 2), the port
 * (bit 3: the probe's default port or 8080); the rest is the peer's
 * reply.  parse() runs twice (more bytes may come / end of stream) on the
 * same output object, as the runner does, then hello() for the next step
 * runs with that reply as ctx->prev into a heap buffer of exact size, so
 * ASan catches any overrun; LeakSanitizer checks the JSON is released.
 */
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/runner.h"
#include "probes/vpn_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct probe *p = probe_by_name("http");
	struct probe_ctx c;
	json_t *out;
	uint8_t *buf;
	size_t n = 0, cap = 512;
	static struct vpn_db *db;
	static int tried;
	char err[256];

	if (!tried) {
		tried = 1;
		if (vpn_db_load_default(&db, err, sizeof(err)) < 0)
			db = NULL;
	}

	if (!p || size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.step = data[0] & 3;
	c.tls = (data[0] >> 2) & 1;
	c.port = (data[0] & 8) ? 8080 : (p->ports ? p->ports[0] : 1);
	c.scanner_id = "fuzz";
	c.host = "198.18.0.1";
	c.now = 1800000000;
	c.vpn = db;
	out = json_object();
	if (!out)
		return 0;
	c.eof = 0;
	probe_run_bytes(p, &c, data + 1, size - 1, out);
	c.eof = 1;
	probe_run_bytes(p, &c, data + 1, size - 1, out);
	if (p->hello && (buf = malloc(cap))) {
		c.step = (c.step + 1) & 3;
		c.prev = data + 1;
		c.prev_len = size - 1;
		c.out = out;
		if (p->hello(&c, buf, cap, &n) == 0 && n > cap)
			__builtin_trap();
		free(buf);
	}
	json_decref(out);
	return 0;
}
