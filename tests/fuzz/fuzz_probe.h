/*
 * fuzz_probe.h - the one libFuzzer harness every probe shares.
 *
 * A target is two lines:  #include "fuzz_probe.h"  FUZZ_PROBE("ssh")
 *
 * Byte 0 of the input picks the conversation step (bits 0-1), TLS (bit 2),
 * the port (bits 3-4: the probe's first or second default port, 8080, or
 * 104) and the size of the hello() buffer (bits 5-7); the rest is the
 * peer's reply.  The harness then does what the runner does, and more:
 *   1. hello() for the chosen step, with the reply offered as the previous
 *      step's reply, into a heap buffer of exactly the given size;
 *   2. parse() twice on the same output object (more bytes may come, then
 *      end of stream) through probe_run_bytes();
 *   3. hello() for the next step with that output, as multi-step probes do.
 * ASan catches any overrun, LeakSanitizer any JSON left behind.
 */
#ifndef HEIIKI_FUZZ_PROBE_H
#define HEIIKI_FUZZ_PROBE_H

#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/runner.h"
#include "probes/vpn_db.h"

static const size_t fz_caps[8] = { 0, 1, 12, 64, 150, 200, 512, 2048 };

static void
fz_hello(const struct probe *p, struct probe_ctx *c, size_t cap)
{
	uint8_t *buf = malloc(cap ? cap : 1);
	size_t n = 0;

	if (buf && p->hello && p->hello(c, buf, cap, &n) == 0 && n > cap)
		abort();
	free(buf);
}

static int
fuzz_probe_one(const char *name, const uint8_t *data, size_t size)
{
	static struct vpn_db *db;
	static int tried;
	const struct probe *p = probe_by_name(name);
	struct probe_ctx c;
	size_t cap;
	json_t *out;
	char err[256];
	int portsel;

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
	portsel = (data[0] >> 3) & 3;
	c.port = portsel == 2 ? 8080 : portsel == 3 ? 104 :
		 !p->ports ? 1 : (portsel == 1 && p->ports[0] && p->ports[1]) ?
		 p->ports[1] : p->ports[0] ? p->ports[0] : 1;
	cap = fz_caps[data[0] >> 5];
	c.scanner_id = "fuzz";
	c.snmp_community = "public";
	c.host = "198.18.0.1";
	c.now = 1800000000;
	c.vpn = db;
	c.prev = data + 1;
	c.prev_len = size - 1;
	out = json_object();
	if (!out)
		return 0;
	c.out = out;
	fz_hello(p, &c, cap);
	c.eof = 0;
	probe_run_bytes(p, &c, data + 1, size - 1, out);
	c.eof = 1;
	probe_run_bytes(p, &c, data + 1, size - 1, out);
	c.step = (c.step + 1) & 3;
	fz_hello(p, &c, cap);
	json_decref(out);
	return 0;
}

#define FUZZ_PROBE(name)                                                       \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);          \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)           \
	{                                                                      \
		return fuzz_probe_one(name, data, size);                       \
	}

#endif
