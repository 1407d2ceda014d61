/*
 * probe_redis.c - Redis: "INFO server" (read-only) and its answer.
 *
 * Sends one inline command, "INFO server\r\n" (RESP inline form).  A
 * server without authentication answers a bulk string
 * "$<n>\r\n# Server\r\nredis_version:7.0.15\r\n..." -> product Redis, version,
 * mode, OS and risk "redis-no-auth" (anyone reaching the port can read and
 * write every key, and CONFIG SET has been a code-execution path).  A
 * server with requirepass/ACL answers "-NOAUTH ..." (auth required; no
 * flag); protected mode answers "-DENIED ..." (reachable but refusing
 * non-loopback clients without a password; no flag).  Nothing else is
 * sent: no PING loop, no CONFIG, no KEYS.
 */
#include <string.h>

#include "probe.h"

#define REDIS_MAX 16384

static const uint16_t redis_ports[] = { 6379, 6380, 0 };

static int
redis_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const char req[] = "INFO server\r\n";

	if (ctx->step != 0 || cap < sizeof(req) - 1)
		return -1;
	memcpy(buf, req, sizeof(req) - 1);
	*len = sizeof(req) - 1;
	return 0;
}

/* "key:value" line of the INFO text into o[name] (printable). */
static void
redis_info_field(const uint8_t *p, size_t n, const char *key, json_t *o, const char *name)
{
	struct rd r;
	char line[256];
	size_t kl = strlen(key);

	rd_init(&r, p, n);
	while (rd_left(&r) && rd_line(&r, line, sizeof(line)))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			probe_set_str(o, name, (const uint8_t *)line + kl + 1, strlen(line + kl + 1));
			return;
		}
}

static enum probe_verdict
redis_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *p = rd_ptr(in);
	size_t n = rd_left(in);
	long nl = rd_find(in, "\r\n", 2);
	json_t *o;

	if (!n)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (p[0] != '$' && p[0] != '-')
		return PROBE_NO_MATCH;
	if (nl < 0)
		return ctx->eof || n > 512 ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	o = json_object();
	json_object_set_new(out, "redis", o);
	if (p[0] == '-') {
		/* an error line: Redis (or a RESP look-alike) that wants auth */
		probe_set_str(o, "error", p + 1, (size_t)nl - 1);
		if (!memcmp(p, "-NOAUTH", n < 7 ? n : 7) && n >= 7)
			json_object_set_new(o, "auth_required", json_true());
		else if (n >= 7 && !memcmp(p, "-DENIED", 7))
			json_object_set_new(o, "protected_mode", json_true());
		else
			return PROBE_NO_MATCH;
		json_object_set_new(out, "service", json_string("redis"));
		json_object_set_new(out, "product", json_string("Redis"));
		return PROBE_MATCH;
	}
	{
		uint64_t blen = 0;
		size_t i;

		for (i = 1; i < (size_t)nl && p[i] >= '0' && p[i] <= '9' && blen < REDIS_MAX * 10; i++)
			blen = blen * 10 + (p[i] - '0');
		if (i != (size_t)nl || i == 1 || blen > REDIS_MAX * 4)
			return PROBE_MALFORMED;
		if (n - (size_t)nl - 2 < blen && n < REDIS_MAX && !ctx->eof)
			return PROBE_NEED_MORE;
		p += nl + 2;
		n -= (size_t)nl + 2;
		if (n > blen)
			n = (size_t)blen;
		if (n < 8 || memcmp(p, "# Server", 8))
			return PROBE_NO_MATCH;
		redis_info_field(p, n, "redis_version", o, "redis_version");
		redis_info_field(p, n, "redis_mode", o, "mode");
		redis_info_field(p, n, "os", o, "os");
		redis_info_field(p, n, "tcp_port", o, "tcp_port");
		json_object_set_new(out, "service", json_string("redis"));
		json_object_set_new(o, "auth_required", json_false());
		probe_risk(out, "redis-no-auth");
	}
	return PROBE_MATCH;
}

const struct probe probe_redis = {
	.name = "redis",
	.summary = "Redis INFO server: version; unauthenticated access",
	.ports = redis_ports,
	.max_reply = REDIS_MAX,
	.timeout_ms = 3000,
	.hello = redis_hello,
	.parse = redis_parse,
};
