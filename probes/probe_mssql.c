/*
 * probe_mssql.c - Microsoft SQL Server: TDS PRELOGIN (MS-TDS 2.2.6.5).
 *
 * Sends one PRELOGIN packet (TDS type 0x12, status EOM) with the options
 * VERSION (client 0.0.0.0), ENCRYPTION = ENCRYPT_OFF, INSTOPT = "" (the
 * default instance), THREADID = 0 and MARS = off, and reads the server's
 * PRELOGIN response (TDS type 0x04): its VERSION option (major, minor,
 * build big-endian, sub-build) and ENCRYPTION option.  That is the first
 * message of every client connection; no LOGIN7 is ever sent, so no logon
 * is attempted and nothing is written to the server's failed-logon log.
 *
 * Output: service "mssql" (the policy's service name), product "Microsoft SQL Server", version
 * "major.minor.build", mssql.release ("SQL Server 2019" from the major
 * version, 10.50 = 2008 R2), mssql.encryption ("off": only the login is
 * encrypted, "on", "not-supported": everything in clear text, "required"),
 * mssql.instance_match, mssql.mars.
 *
 * The unit-test replies are built from MS-TDS 2.2.6.5
 * (tests/probes/data/mssql/make_spec.py), not recorded: Debian ships no
 * SQL Server.
 *
 * The option table is walked through the bounded cursor: at most 16
 * tokens, each (offset, length) checked against the payload.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define TDS_HDR		8
#define TDS_MAX		4096
#define TDS_PRELOGIN	0x12
#define TDS_REPLY	0x04

static const uint16_t mssql_ports[] = { 1433, 0 };

static int
mssql_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t req[] = {
		TDS_PRELOGIN, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01, 0x00,	/* header, 47 bytes */
		0x00, 0x00, 0x1a, 0x00, 0x06,	/* VERSION    at 26, 6 bytes */
		0x01, 0x00, 0x20, 0x00, 0x01,	/* ENCRYPTION at 32, 1 byte */
		0x02, 0x00, 0x21, 0x00, 0x01,	/* INSTOPT    at 33, 1 byte */
		0x03, 0x00, 0x22, 0x00, 0x04,	/* THREADID   at 34, 4 bytes */
		0x04, 0x00, 0x26, 0x00, 0x01,	/* MARS       at 38, 1 byte */
		0xff,				/* terminator */
		0, 0, 0, 0, 0, 0,		/* client version 0.0.0.0 */
		0x00,				/* ENCRYPT_OFF */
		0x00,				/* instance "" (default) */
		0, 0, 0, 0,			/* thread id */
		0x00,				/* MARS off */
	};

	if (ctx->step != 0 || cap < sizeof(req))
		return -1;
	memcpy(buf, req, sizeof(req));
	*len = sizeof(req);
	return 0;
}

static const char *
mssql_release(unsigned major, unsigned minor)
{
	switch (major) {
	case 7:		return "SQL Server 7.0";
	case 8:		return "SQL Server 2000";
	case 9:		return "SQL Server 2005";
	case 10:	return minor >= 50 ? "SQL Server 2008 R2" : "SQL Server 2008";
	case 11:	return "SQL Server 2012";
	case 12:	return "SQL Server 2014";
	case 13:	return "SQL Server 2016";
	case 14:	return "SQL Server 2017";
	case 15:	return "SQL Server 2019";
	case 16:	return "SQL Server 2022";
	case 17:	return "SQL Server 2025";
	}
	return NULL;
}

static const char *
mssql_encryption(uint8_t e)
{
	switch (e) {
	case 0:		return "off";
	case 1:		return "on";
	case 2:		return "not-supported";
	case 3:		return "required";
	}
	return "unknown";
}

/* One option's value; fields into o / out. */
static int
mssql_option(uint8_t token, struct rd *v, json_t *o, json_t *out)
{
	uint8_t maj, min, b;
	uint16_t build, sub;
	char s[48];
	const char *rel;

	switch (token) {
	case 0x00:		/* VERSION */
		if (!rd_u8(v, &maj) || !rd_u8(v, &min) || !rd_be16(v, &build) || !rd_be16(v, &sub))
			return -1;
		snprintf(s, sizeof(s), "%u.%u.%u", maj, min, build);
		json_object_set_new(out, "version", json_string(s));
		json_object_set_new(o, "version", json_string(s));
		json_object_set_new(o, "sub_build", json_integer(sub));
		rel = mssql_release(maj, min);
		if (rel)
			json_object_set_new(o, "release", json_string(rel));
		return 1;
	case 0x01:		/* ENCRYPTION */
		if (!rd_u8(v, &b))
			return -1;
		json_object_set_new(o, "encryption", json_string(mssql_encryption(b)));
		return 0;
	case 0x02:		/* INSTOPT: 0 = our instance name matched */
		if (rd_u8(v, &b))
			json_object_set_new(o, "instance_match", json_boolean(b == 0));
		return 0;
	case 0x04:		/* MARS */
		if (rd_u8(v, &b))
			json_object_set_new(o, "mars", json_boolean(b == 1));
		return 0;
	}
	return 0;
}

static enum probe_verdict
mssql_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t type, status, token;
	uint16_t plen, off, olen;
	struct rd pay, opts, v;
	json_t *o;
	int have_version = 0, r;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (rd_ptr(in)[0] != TDS_REPLY)
		return PROBE_NO_MATCH;
	if (rd_left(in) < TDS_HDR)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!rd_u8(in, &type) || !rd_u8(in, &status) || !rd_be16(in, &plen) || !rd_skip(in, 4))
		return PROBE_NO_MATCH;
	if (status > 0x1f || plen < TDS_HDR + 1 || plen > TDS_MAX)
		return PROBE_NO_MATCH;	/* not a TDS header: leave it to other probes */
	if (rd_left(in) < (size_t)plen - TDS_HDR)
		return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	if (!rd_sub(in, &pay, (size_t)plen - TDS_HDR))
		return PROBE_MALFORMED;
	o = json_object();
	opts = pay;
	for (int i = 0; i < 16; i++) {
		if (!rd_u8(&opts, &token))
			goto bad;
		if (token == 0xff)
			break;
		if (!rd_be16(&opts, &off) || !rd_be16(&opts, &olen) ||
		    off > rd_left(&pay) || olen > rd_left(&pay) - off)
			goto bad;
		rd_init(&v, rd_ptr(&pay) + off, olen);
		r = mssql_option(token, &v, o, out);
		if (r < 0)
			goto bad;
		have_version |= r;
		if (i == 15)
			goto bad;	/* no terminator within 16 options */
	}
	if (!have_version)
		goto bad;
	json_object_set_new(out, "service", json_string("mssql"));
	json_object_set_new(out, "product", json_string("Microsoft SQL Server"));
	json_object_set_new(out, "mssql", o);
	return PROBE_MATCH;
bad:
	json_decref(o);
	json_object_del(out, "version");
	return PROBE_NO_MATCH;
}

const struct probe probe_mssql = {
	.name = "mssql",
	.summary = "MS-SQL TDS PRELOGIN: version, release, encryption",
	.ports = mssql_ports,
	.max_reply = TDS_MAX,
	.timeout_ms = 3000,
	.hello = mssql_hello,
	.parse = mssql_parse,
};
