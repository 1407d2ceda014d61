/*
 * probe_mongodb.c - MongoDB: hello, buildInfo and (outside careful zones)
 * one unauthenticated-access check.  Wire format: MongoDB Wire Protocol
 * (OP_MSG 2013, legacy OP_QUERY 2004 / OP_REPLY 1), documents in BSON
 * (bsonspec.org 1.1), written and read by libbson.  The wire header is
 * read through the bounded cursor (messageLength and the document's own
 * declared length checked against what arrived, responseTo = ours); the
 * document's exact bytes then go to bson_init_static(), bson_validate()
 * refuses a broken one (every element's size, embedded documents too)
 * and bson_iter_* find the few top-level members we keep.
 *
 * Conversation, all on one connection (a new one only for the legacy
 * fallback), each reply checked for responseTo = our requestID:
 *
 *   step 0  OP_MSG {hello: 1, $db: "admin"}: the handshake every driver
 *           sends; no authentication needed.  -> role (primary /
 *           secondary / mongos), replica set name, min/maxWireVersion
 *           (-> "version_range", e.g. maxWireVersion 21 = 7.0).
 *           A server older than 3.6 does not know OP_MSG and closes: then
 *   (1)     a new connection with OP_QUERY admin.$cmd {isMaster: 1}, and
 *           every later command in OP_QUERY too ("_mongo_legacy").
 *   next    {buildInfo: 1}: the exact version; MongoDB answers it before
 *           authentication (a failure is recorded and ignored).
 *   last    only when ctx->access_check (no fragile port, not a clinical
 *           zone or a host outside every zone): {listDatabases: 1,
 *           nameOnly: true, filter: {name: "heiiki-probe-none"}} - a
 *           read-only command that needs authentication when it is on
 *           (ok:0, code 13 Unauthorized).  The filter names a database
 *           that does not exist, so a server without authentication
 *           answers ok:1 with an empty list: no database name is read or
 *           kept.  ok:1 -> "mongodb-no-auth".
 *
 * Why listDatabases and not connectionStatus: connectionStatus succeeds on
 * every server and shows no authenticated user on any fresh connection,
 * with or without authentication enabled, so it cannot tell them apart.
 * Nothing is written, no credentials are sent, no SASL conversation is
 * started.
 *
 * The unit-test replies are built from those specifications
 * (tests/probes/data/mongodb/make_spec.py), not recorded: Debian ships no
 * MongoDB server.
 *
 * The plan lives in out["_mongo_next"] (the command the reply of this step
 * answers) and out["_mongo_legacy"]: parse() sets them, hello() reads them.
 */
#include <stdio.h>
#include <string.h>

#include <bson/bson.h>

#include "probe.h"

#define MONGO_MAX	65536		/* a hello / buildInfo reply is < 2 KiB */
#define MONGO_HDR	16
#define MONGO_OP_REPLY	1
#define MONGO_OP_QUERY	2004
#define MONGO_OP_MSG	2013
#define MONGO_REQ_ID	0x48450000u	/* + step: "HE" */

static const uint16_t mongo_ports[] = { 27017, 27018, 27019, 0 };

/* maxWireVersion -> the release that introduced it (MongoDB driver specs) */
static const char *
mongo_wire_release(int64_t w)
{
	static const struct { int w; const char *rel; } map[] = {
		{ 0, "< 2.6" }, { 1, "2.6" }, { 2, "2.6" }, { 3, "3.0" }, { 4, "3.2" },
		{ 5, "3.4" }, { 6, "3.6" }, { 7, "4.0" }, { 8, "4.2" }, { 9, "4.4" },
		{ 10, "4.7" }, { 11, "4.8" }, { 12, "4.9" }, { 13, "5.0" }, { 14, "5.1" },
		{ 15, "5.2" }, { 16, "5.3" }, { 17, "6.0" }, { 18, "6.1" }, { 19, "6.2" },
		{ 20, "6.3" }, { 21, "7.0" }, { 22, "7.1" }, { 23, "7.2" }, { 24, "7.3" },
		{ 25, "8.0" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].w == w)
			return map[i].rel;
	return w > 25 ? "> 8.0" : NULL;
}

static const char *
mongo_next(const json_t *out)
{
	const char *s = json_string_value(json_object_get(out, "_mongo_next"));

	return s ? s : "hello";
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * The command document for cmd (with $db for OP_MSG) into b, built by
 * libbson; 0 when it does not fit a BSON document (never, for these).
 */
static int
mongo_command(bson_t *b, const char *cmd, int legacy)
{
	bson_t filter;
	bool ok = true;

	if (!strcmp(cmd, "listDatabases")) {
		ok = BSON_APPEND_INT32(b, "listDatabases", 1) &&
		     BSON_APPEND_BOOL(b, "nameOnly", true) &&
		     BSON_APPEND_DOCUMENT_BEGIN(b, "filter", &filter);
		if (ok) {
			ok = BSON_APPEND_UTF8(&filter, "name", "heiiki-probe-none");
			ok = bson_append_document_end(b, &filter) && ok;
		}
	} else {
		ok = BSON_APPEND_INT32(b, cmd, 1);
	}
	if (ok && !legacy)
		ok = BSON_APPEND_UTF8(b, "$db", "admin");
	return ok;
}

static int
mongo_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	int legacy = json_is_true(json_object_get(ctx->out, "_mongo_legacy"));
	const char *cmd = ctx->step == 0 ? "hello" : mongo_next(ctx->out);
	static const char coll[] = "admin.$cmd";
	bson_t b;
	size_t n, off;
	int rc = -1;

	if (ctx->step < 0 || ctx->step >= PROBE_MAX_STEPS || (ctx->step == 0 && legacy))
		return -1;
	if (strcmp(cmd, "hello") && strcmp(cmd, "isMaster") && strcmp(cmd, "buildInfo") &&
	    strcmp(cmd, "listDatabases"))
		return -1;
	if (!strcmp(cmd, "listDatabases") && !ctx->access_check)
		return -1;
	bson_init(&b);
	if (!mongo_command(&b, cmd, legacy))
		goto out;
	/* header, flags, then OP_QUERY's collection / skip / return or OP_MSG's kind 0 */
	off = MONGO_HDR + 4 + (legacy ? sizeof(coll) + 8 : 1);
	n = off + b.len;
	if (cap < n || n > MONGO_MAX)
		goto out;
	put_le32(buf, (uint32_t)n);			/* messageLength */
	put_le32(buf + 4, MONGO_REQ_ID + (uint32_t)ctx->step);
	put_le32(buf + 8, 0);				/* responseTo */
	put_le32(buf + 12, legacy ? MONGO_OP_QUERY : MONGO_OP_MSG);
	put_le32(buf + 16, 0);				/* flags */
	if (legacy) {
		memcpy(buf + 20, coll, sizeof(coll));	/* with its NUL */
		put_le32(buf + 20 + sizeof(coll), 0);	/* numberToSkip */
		put_le32(buf + 24 + sizeof(coll), 0xffffffffu);	/* numberToReturn -1 */
	} else {
		buf[20] = 0;				/* section kind 0: body */
	}
	memcpy(buf + off, bson_get_data(&b), b.len);
	*len = n;
	rc = 0;
out:
	bson_destroy(&b);
	return rc;
}

/*
 * Read one reply message: header, then the first document of an OP_MSG
 * (section kind 0) or OP_REPLY.  doc and dlen are exactly that document's
 * bytes inside the reply, for libbson.
 */
static enum probe_verdict
mongo_read(const struct probe_ctx *ctx, struct rd *in, const uint8_t **doc, uint32_t *dlen)
{
	uint32_t mlen, req, resp, op, flags, dl;
	uint8_t kind;
	struct rd msg, body;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (rd_left(in) < MONGO_HDR)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!rd_le32(in, &mlen) || !rd_le32(in, &req) || !rd_le32(in, &resp) || !rd_le32(in, &op))
		return PROBE_NO_MATCH;
	/* responseTo names our request: this is what tells MongoDB from noise */
	if (resp != MONGO_REQ_ID + (uint32_t)ctx->step ||
	    (op != MONGO_OP_MSG && op != MONGO_OP_REPLY))
		return PROBE_NO_MATCH;
	if (mlen < MONGO_HDR + 5 || mlen > MONGO_MAX)
		return PROBE_MALFORMED;
	if (rd_left(in) < mlen - MONGO_HDR)
		return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	if (!rd_sub(in, &msg, mlen - MONGO_HDR) || !rd_le32(&msg, &flags))
		return PROBE_MALFORMED;
	if (op == MONGO_OP_REPLY) {
		if (!rd_skip(&msg, 8 + 4 + 4))	/* cursorID, startingFrom, numberReturned */
			return PROBE_MALFORMED;
	} else if (!rd_u8(&msg, &kind) || kind != 0) {
		return PROBE_MALFORMED;
	}
	/* the document's declared length (it counts itself) against the message */
	body = msg;
	if (!rd_le32(&body, &dl) || dl < 5 || !rd_bytes(&msg, doc, dl))
		return PROBE_MALFORMED;
	*dlen = dl;
	return PROBE_MATCH;
}

/* A numeric member (double, int32, int64 or bool) of b, or 0 when absent. */
static int
bnum(const bson_t *b, const char *key, double *v)
{
	bson_iter_t it;
	double f;

	if (!bson_iter_init_find(&it, b, key))
		return 0;
	switch (bson_iter_type(&it)) {
	case BSON_TYPE_DOUBLE:
		f = bson_iter_double(&it);
		if (f != f)
			return 0;	/* NaN */
		*v = f;
		return 1;
	case BSON_TYPE_INT32:
		*v = bson_iter_int32(&it);
		return 1;
	case BSON_TYPE_INT64:
		*v = (double)bson_iter_int64(&it);
		return 1;
	case BSON_TYPE_BOOL:
		*v = bson_iter_bool(&it);
		return 1;
	default:
		return 0;
	}
}

/* A string member into o[name] (printable, bounded); 1 when set. */
static int
bstr(const bson_t *b, const char *key, json_t *o, const char *name)
{
	bson_iter_t it;
	const char *s;
	uint32_t n = 0;

	if (!bson_iter_init_find(&it, b, key) || bson_iter_type(&it) != BSON_TYPE_UTF8)
		return 0;
	s = bson_iter_utf8(&it, &n);
	if (!s)
		return 0;
	probe_set_str(o, name, (const uint8_t *)s, n);
	return 1;
}

static json_t *
mongo_obj(json_t *out)
{
	json_t *o = json_object_get(out, "mongodb");

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "mongodb", o);
	}
	return o;
}

static void
mongo_error(const bson_t *b, json_t *o, const char *key)
{
	double code;
	json_t *e = json_object();

	if (bnum(b, "code", &code))
		json_object_set_new(e, "code", json_integer((json_int_t)code));
	bstr(b, "codeName", e, "code_name");
	bstr(b, "errmsg", e, "errmsg");
	json_object_set_new(o, key, e);
}

/* hello / isMaster: role, set name, wire versions. */
static void
mongo_handshake(const bson_t *b, json_t *out, json_t *o, double ok)
{
	double v;
	const char *rel;

	json_object_set_new(out, "service", json_string("mongodb"));
	json_object_set_new(out, "product", json_string("MongoDB"));
	if (ok != 1) {
		mongo_error(b, o, "hello_error");
		return;
	}
	if (bnum(b, "isWritablePrimary", &v) || bnum(b, "ismaster", &v))
		json_object_set_new(o, "primary", json_boolean(v != 0));
	if (bnum(b, "secondary", &v))
		json_object_set_new(o, "secondary", json_boolean(v != 0));
	bstr(b, "setName", o, "set_name");
	if (bstr(b, "msg", o, "msg") &&
	    !strcmp(json_string_value(json_object_get(o, "msg")), "isdbgrid"))
		json_object_set_new(o, "mongos", json_true());
	if (bnum(b, "minWireVersion", &v) && v >= 0 && v < 1000)
		json_object_set_new(o, "min_wire_version", json_integer((json_int_t)v));
	if (bnum(b, "maxWireVersion", &v) && v >= 0 && v < 1000) {
		json_object_set_new(o, "max_wire_version", json_integer((json_int_t)v));
		rel = mongo_wire_release((int64_t)v);
		if (rel)
			json_object_set_new(o, "version_range", json_string(rel));
	}
	if (bnum(b, "readOnly", &v))
		json_object_set_new(o, "read_only", json_boolean(v != 0));
}

/* The command to send after this reply, or NULL when done. */
static const char *
mongo_after(const struct probe_ctx *ctx, const char *cmd)
{
	if (!strcmp(cmd, "hello") || !strcmp(cmd, "isMaster"))
		return "buildInfo";
	if (!strcmp(cmd, "buildInfo") && ctx->access_check)
		return "listDatabases";
	return NULL;
}

static enum probe_verdict
mongo_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const char *cmd = ctx->step == 0 ? "hello" : mongo_next(ctx->out ? ctx->out : out);
	const char *next;
	const uint8_t *doc = NULL;
	uint32_t dlen = 0;
	enum probe_verdict v;
	bson_t b;
	bson_iter_t okit;
	double ok = 0;
	json_t *o;
	char cmdcopy[16];

	snprintf(cmdcopy, sizeof(cmdcopy), "%s", cmd);
	cmd = cmdcopy;
	v = mongo_read(ctx, in, &doc, &dlen);
	if (v != PROBE_MATCH) {
		if (v == PROBE_NEED_MORE)
			return v;
		if (ctx->step == 0 && ctx->eof && !rd_left(in) && v == PROBE_NO_MATCH) {
			/* closed without a word: maybe a server older than OP_MSG */
			json_object_set_new(out, "_mongo_legacy", json_true());
			json_object_set_new(out, "_mongo_next", json_string("isMaster"));
			return PROBE_RECONNECT;
		}
		if (json_object_get(out, "mongodb"))
			return PROBE_MATCH;	/* an earlier step named it: keep that */
		if (v == PROBE_MALFORMED)
			json_object_set_new(out, "service", json_string("mongodb"));
		return v;
	}
	/*
	 * The document's bytes, its declared length checked by mongo_read:
	 * libbson checks its structure (every element's size, embedded
	 * documents too) before any member is read.
	 */
	if (!bson_init_static(&b, doc, dlen) || !bson_validate(&b, BSON_VALIDATE_NONE, NULL) ||
	    !bson_iter_init_find(&okit, &b, "ok"))
		return json_object_get(out, "mongodb") ? PROBE_MATCH : PROBE_MALFORMED;
	bnum(&b, "ok", &ok);
	o = mongo_obj(out);
	if (!strcmp(cmd, "hello") || !strcmp(cmd, "isMaster")) {
		json_object_set_new(o, "handshake", json_string(
			json_is_true(json_object_get(out, "_mongo_legacy")) ?
			"OP_QUERY isMaster" : "OP_MSG hello"));
		mongo_handshake(&b, out, o, ok);
	} else if (!strcmp(cmd, "buildInfo")) {
		if (ok == 1 && bstr(&b, "version", o, "version"))
			json_object_set(out, "version", json_object_get(o, "version"));
		else if (ok != 1)
			mongo_error(&b, o, "build_info_error");
		bstr(&b, "gitVersion", o, "git_version");
	} else if (!strcmp(cmd, "listDatabases")) {
		if (ok == 1) {
			json_object_set_new(o, "auth_required", json_false());
			probe_risk(out, "mongodb-no-auth");
		} else {
			double code = 0;

			mongo_error(&b, o, "list_databases_error");
			if (bnum(&b, "code", &code) && (code == 13 || code == 18))
				json_object_set_new(o, "auth_required", json_true());
		}
		json_object_set_new(o, "access_check", json_string("listDatabases nameOnly, filter on a database that does not exist"));
	} else {
		return PROBE_MATCH;
	}
	next = mongo_after(ctx, cmd);
	if (!next)
		return PROBE_MATCH;
	json_object_set_new(out, "_mongo_next", json_string(next));
	return PROBE_NEXT_STEP;
}

const struct probe probe_mongodb = {
	.name = "mongodb",
	.summary = "MongoDB hello / buildInfo: version; unauthenticated access",
	.ports = mongo_ports,
	.max_reply = MONGO_MAX,
	.timeout_ms = 3000,
	.hello = mongo_hello,
	.parse = mongo_parse,
};
