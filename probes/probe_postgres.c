/*
 * probe_postgres.c - PostgreSQL: SSLRequest, then the startup error.
 *
 * Step 0 sends SSLRequest (8 bytes: length 8, code 80877103) and reads one
 * byte: 'S' (TLS offered) or 'N' (no TLS) - a protocol-level fingerprint
 * no other service gives.  Step 1, on a NEW connection, sends a protocol
 * 3.0 StartupMessage for user "<scanner id>-probe" and database
 * "heiiki-probe" (a role that does not exist, so trust authentication
 * cannot log us in) and reads the answer: an ErrorResponse ('E': severity,
 * SQLSTATE, message, and the server's source routine, e.g.
 * "ClientAuthentication" / "auth_failed" / "InitPostgres") or an
 * authentication request ('R': which method the server wants).  We never
 * answer an authentication request; the connection is closed.
 * Fields go to postgresql.*; the product rules name PostgreSQL.
 */
#include <string.h>

#include "probe.h"

static const uint16_t pg_ports[] = { 5432, 5433, 0 };

static int
pg_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t sslreq[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	char user[48];
	size_t n = 0, o;

	if (ctx->step == 0) {
		if (cap < sizeof(sslreq))
			return -1;
		memcpy(buf, sslreq, sizeof(sslreq));
		*len = sizeof(sslreq);
		return 0;
	}
	if (ctx->step != 1)
		return -1;
	for (const char *p = ctx->scanner_id ? ctx->scanner_id : "heiiki"; *p && n < 32; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
			user[n++] = *p;
	memcpy(user + n, "-probe", 7);
	n += 6;
	/* length(4) version(4) "user\0" user\0 "database\0" "heiiki-probe\0" "\0" */
	o = 8 + 5 + n + 1 + 9 + 13 + 1;
	if (cap < o)
		return -1;
	buf[0] = 0; buf[1] = 0; buf[2] = (uint8_t)(o >> 8); buf[3] = (uint8_t)o;
	buf[4] = 0; buf[5] = 3; buf[6] = 0; buf[7] = 0;
	memcpy(buf + 8, "user", 5);
	memcpy(buf + 13, user, n + 1);
	memcpy(buf + 14 + n, "database", 9);
	memcpy(buf + 23 + n, "heiiki-probe", 13);
	buf[36 + n] = 0;
	*len = o;
	return 0;
}

static const char *
pg_auth_name(uint32_t m)
{
	switch (m) {
	case 0:  return "ok";
	case 3:  return "cleartext-password";
	case 5:  return "md5";
	case 7:  return "gss";
	case 9:  return "sspi";
	case 10: return "sasl";
	default: return "other";
	}
}

static enum probe_verdict
pg_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *o = json_object_get(out, "postgresql");
	uint8_t t;
	uint32_t mlen;
	struct rd body;

	if (ctx->step == 0) {
		if (!rd_u8(in, &t))
			return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
		if ((t != 'S' && t != 'N') || rd_left(in))
			return PROBE_NO_MATCH;
		o = json_object();
		json_object_set_new(o, "ssl", json_boolean(t == 'S'));
		json_object_set_new(out, "postgresql", o);
		json_object_set_new(out, "service", json_string("postgresql"));
		return PROBE_RECONNECT;
	}
	if (!json_is_object(o))
		return PROBE_NO_MATCH;
	if (!rd_u8(in, &t))
		return PROBE_MATCH;	/* keep what the SSLRequest showed */
	if (!rd_be32(in, &mlen))
		return ctx->eof ? PROBE_MATCH : PROBE_NEED_MORE;
	if (mlen < 4 || mlen > 4096)
		return PROBE_MALFORMED;
	if (!rd_sub(in, &body, mlen - 4))
		return ctx->eof ? PROBE_MATCH : PROBE_NEED_MORE;
	if (t == 'R') {
		uint32_t m;

		if (!rd_be32(&body, &m))
			return PROBE_MALFORMED;
		json_object_set_new(o, "auth_method", json_string(pg_auth_name(m)));
		return PROBE_MATCH;
	}
	if (t != 'E')
		return PROBE_MATCH;
	while (rd_left(&body)) {
		uint8_t f;
		long z;
		const char *key = NULL;

		if (!rd_u8(&body, &f) || f == 0)
			break;
		z = rd_find(&body, "\0", 1);
		if (z < 0)
			return PROBE_MALFORMED;
		switch (f) {
		case 'S': key = "severity"; break;
		case 'C': key = "sqlstate"; break;
		case 'M': key = "message"; break;
		case 'R': key = "routine"; break;
		case 'F': key = "file"; break;
		}
		if (key)
			probe_set_str(o, key, rd_ptr(&body), (size_t)z);
		rd_skip(&body, (size_t)z + 1);
	}
	return PROBE_MATCH;
}

const struct probe probe_postgres = {
	.name = "postgresql",
	.summary = "PostgreSQL SSLRequest + startup error (no login)",
	.ports = pg_ports,
	.max_reply = 4096,
	.timeout_ms = 5000,
	.hello = pg_hello,
	.parse = pg_parse,
};
