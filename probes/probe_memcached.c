/*
 * probe_memcached.c - Memcached text protocol "version".
 *
 * Sends "version\r\n" (TCP).  "VERSION 1.6.18\r\n" -> product Memcached,
 * version, risk "memcached-open": the cache answers commands without SASL,
 * so anyone reaching it can read and overwrite cached data (and, on UDP,
 * it has been a DDoS amplifier).  With SASL on, the text protocol is
 * refused ("CLIENT_ERROR ..."/"ERROR"): service named, no flag.  Nothing
 * else is sent: no stats, no get, no flush.
 */
#include <string.h>

#include "probe.h"

static const uint16_t memcached_ports[] = { 11211, 0 };

static int
memcached_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const char req[] = "version\r\n";

	if (ctx->step != 0 || cap < sizeof(req) - 1)
		return -1;
	memcpy(buf, req, sizeof(req) - 1);
	*len = sizeof(req) - 1;
	return 0;
}

static enum probe_verdict
memcached_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	char line[128];
	json_t *o;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (rd_find(in, "\n", 1) < 0)
		return ctx->eof || rd_left(in) >= sizeof(line) ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	rd_line(in, line, sizeof(line));
	if (!strncmp(line, "VERSION ", 8) && line[8]) {
		o = json_object();
		probe_set_str(o, "version_line", (const uint8_t *)line, strlen(line));
		json_object_set_new(o, "auth_required", json_false());
		json_object_set_new(out, "memcached", o);
		json_object_set_new(out, "service", json_string("memcached"));
		probe_risk(out, "memcached-open");
		return PROBE_MATCH;
	}
	if (!strncmp(line, "CLIENT_ERROR", 12) || !strcmp(line, "ERROR")) {
		o = json_object();
		probe_set_str(o, "error", (const uint8_t *)line, strlen(line));
		json_object_set_new(o, "auth_required", json_true());
		json_object_set_new(out, "memcached", o);
		json_object_set_new(out, "service", json_string("memcached"));
		return PROBE_MATCH;
	}
	return PROBE_NO_MATCH;
}

const struct probe probe_memcached = {
	.name = "memcached",
	.summary = "Memcached version: unauthenticated cache",
	.ports = memcached_ports,
	.max_reply = 256,
	.timeout_ms = 3000,
	.hello = memcached_hello,
	.parse = memcached_parse,
};
