/*
 * probe_mongodb.c - MongoDB: hello, buildInfo and (outside careful zones)
 * one unauthenticated-access check.  Wire format: MongoDB Wire Protocol
 * (OP_MSG 2013, legacy OP_QUERY 2004 / OP_REPLY 1), documents in BSON
 * (bsonspec.org 1.1).  The few top-level members we need are found by
 * walking the document through the bounded cursor (bs_find below: every
 * element's size checked against what is left, at most 256 elements,
 * embedded documents skipped by their own checked length).  libbson could
 * do the same, but linking it would add a run-time dependency to every
 * program built from libheiiki.a for four members.
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

/* A tiny BSON writer for our own four commands (fixed, short). */
struct bw {
	uint8_t *p;
	size_t cap, n;
	int err;
};

static void
bw_put(struct bw *w, const void *b, size_t n)
{
	if (w->err || n > w->cap - w->n) {
		w->err = 1;
		return;
	}
	memcpy(w->p + w->n, b, n);
	w->n += n;
}

static void
bw_key(struct bw *w, uint8_t type, const char *key)
{
	bw_put(w, &type, 1);
	bw_put(w, key, strlen(key) + 1);
}

static void
bw_i32(struct bw *w, const char *key, int32_t v)
{
	uint8_t b[4];

	put_le32(b, (uint32_t)v);
	bw_key(w, 0x10, key);
	bw_put(w, b, 4);
}

static void
bw_str(struct bw *w, const char *key, const char *v)
{
	uint8_t b[4];

	put_le32(b, (uint32_t)strlen(v) + 1);
	bw_key(w, 0x02, key);
	bw_put(w, b, 4);
	bw_put(w, v, strlen(v) + 1);
}

/* Start a document (its length is patched by bw_end); returns its offset. */
static size_t
bw_begin(struct bw *w)
{
	size_t at = w->n;

	bw_put(w, "\0\0\0\0", 4);
	return at;
}

static void
bw_end(struct bw *w, size_t at)
{
	bw_put(w, "", 1);
	if (!w->err)
		put_le32(w->p + at, (uint32_t)(w->n - at));
}

/* The command document for cmd (with $db for OP_MSG) into w. */
static void
mongo_command(struct bw *w, const char *cmd, int legacy)
{
	size_t doc = bw_begin(w), filter;
	uint8_t t = 1;

	if (!strcmp(cmd, "listDatabases")) {
		bw_i32(w, "listDatabases", 1);
		bw_key(w, 0x08, "nameOnly");
		bw_put(w, &t, 1);
		bw_key(w, 0x03, "filter");
		filter = bw_begin(w);
		bw_str(w, "name", "heiiki-probe-none");
		bw_end(w, filter);
	} else {
		bw_i32(w, cmd, 1);
	}
	if (!legacy)
		bw_str(w, "$db", "admin");
	bw_end(w, doc);
}

static int
mongo_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	int legacy = json_is_true(json_object_get(ctx->out, "_mongo_legacy"));
	const char *cmd = ctx->step == 0 ? "hello" : mongo_next(ctx->out);
	static const char coll[] = "admin.$cmd";
	struct bw w = { buf, cap, 0, 0 };
	uint8_t h[4];

	if (ctx->step < 0 || ctx->step >= PROBE_MAX_STEPS || (ctx->step == 0 && legacy))
		return -1;
	if (strcmp(cmd, "hello") && strcmp(cmd, "isMaster") && strcmp(cmd, "buildInfo") &&
	    strcmp(cmd, "listDatabases"))
		return -1;
	if (!strcmp(cmd, "listDatabases") && !ctx->access_check)
		return -1;
	bw_put(&w, "\0\0\0\0", 4);			/* messageLength, patched below */
	put_le32(h, MONGO_REQ_ID + (uint32_t)ctx->step);
	bw_put(&w, h, 4);
	bw_put(&w, "\0\0\0\0", 4);			/* responseTo */
	put_le32(h, legacy ? MONGO_OP_QUERY : MONGO_OP_MSG);
	bw_put(&w, h, 4);
	bw_put(&w, "\0\0\0\0", 4);			/* flags */
	if (legacy) {
		bw_put(&w, coll, sizeof(coll));		/* with its NUL */
		bw_put(&w, "\0\0\0\0\xff\xff\xff\xff", 8);	/* skip 0, return -1 */
	} else {
		bw_put(&w, "", 1);			/* section kind 0: body */
	}
	mongo_command(&w, cmd, legacy);
	if (w.err)
		return -1;
	put_le32(buf, (uint32_t)w.n);
	*len = w.n;
	return 0;
}

/*
 * Read one reply message: header, then the first document of an OP_MSG
 * (section kind 0) or OP_REPLY.  doc and dlen point into the reply.
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
	body = msg;
	if (!rd_le32(&body, &dl) || dl < 5 || dl > rd_left(&msg))
		return PROBE_MALFORMED;
	*doc = rd_ptr(&msg);
	*dlen = dl;
	return PROBE_MATCH;
}

/* A document's bytes (doc[0..len), its own length checked by the caller). */
struct bdoc {
	const uint8_t *p;
	size_t len;
};

/* Size of an element's value of BSON type t at the start of r; 0 = unknown. */
static int
bs_value_len(uint8_t t, const struct rd *r, size_t *n)
{
	struct rd c = *r;
	uint32_t l;
	long z;

	switch (t) {
	case 0x01: case 0x09: case 0x11: case 0x12: *n = 8; return 1;
	case 0x10: *n = 4; return 1;
	case 0x08: *n = 1; return 1;
	case 0x07: *n = 12; return 1;
	case 0x13: *n = 16; return 1;
	case 0x06: case 0x0a: case 0x7f: case 0xff: *n = 0; return 1;
	case 0x02: case 0x0d: case 0x0e:		/* string: int32 length, bytes, NUL */
		if (!rd_le32(&c, &l) || l < 1 || l > rd_left(&c))
			return 0;
		*n = 4 + (size_t)l;
		return 1;
	case 0x03: case 0x04:				/* document: its length counts itself */
		if (!rd_le32(&c, &l) || l < 5 || l > rd_left(r))
			return 0;
		*n = l;
		return 1;
	case 0x05:					/* binary: length, subtype, bytes */
		if (!rd_le32(&c, &l) || l > rd_left(&c) || rd_left(&c) - l < 1)
			return 0;
		*n = 5 + (size_t)l;
		return 1;
	case 0x0b:					/* regex: two C strings */
		z = rd_find(&c, "", 1);
		if (z < 0 || !rd_skip(&c, (size_t)z + 1) || (z = rd_find(&c, "", 1)) < 0)
			return 0;
		*n = rd_left(r) - rd_left(&c) + (size_t)z + 1;
		return 1;
	}
	return 0;
}

/*
 * Find the top-level member key of d: its type and value bytes.  Returns 1
 * when found, 0 when absent or when the document is broken before it.
 */
static int
bs_find(const struct bdoc *d, const char *key, uint8_t *type, struct rd *val)
{
	struct rd r;
	uint32_t len;
	size_t kl = strlen(key);

	rd_init(&r, d->p, d->len);
	if (!rd_le32(&r, &len) || len != d->len || len < 5 || d->p[len - 1] != 0)
		return 0;
	for (int i = 0; i < 256; i++) {
		uint8_t t;
		long z;
		size_t vn;
		const uint8_t *name;

		if (!rd_u8(&r, &t) || t == 0)
			return 0;
		z = rd_find(&r, "", 1);
		if (z < 0 || !rd_bytes(&r, &name, (size_t)z + 1))
			return 0;
		if (!bs_value_len(t, &r, &vn) || !rd_sub(&r, val, vn))
			return 0;
		if ((size_t)z == kl && !memcmp(name, key, kl)) {
			*type = t;
			return 1;
		}
	}
	return 0;
}

/* A numeric member (double, int32, int64 or bool) of d, or 0 when absent. */
static int
bnum(const struct bdoc *d, const char *key, double *v)
{
	struct rd val;
	uint8_t t, b;
	uint32_t i;
	uint64_t q;
	double f;

	if (!bs_find(d, key, &t, &val))
		return 0;
	switch (t) {
	case 0x01:
		if (!rd_le64(&val, &q))
			return 0;
		memcpy(&f, &q, sizeof(f));
		if (f != f)
			return 0;	/* NaN */
		*v = f;
		return 1;
	case 0x10:
		if (!rd_le32(&val, &i))
			return 0;
		*v = (int32_t)i;
		return 1;
	case 0x12:
		if (!rd_le64(&val, &q))
			return 0;
		*v = (double)(int64_t)q;
		return 1;
	case 0x08:
		if (!rd_u8(&val, &b))
			return 0;
		*v = b != 0;
		return 1;
	}
	return 0;
}

/* A string member into o[name] (printable, bounded); 1 when set. */
static int
bstr(const struct bdoc *d, const char *key, json_t *o, const char *name)
{
	struct rd val;
	uint8_t t;

	if (!bs_find(d, key, &t, &val) || t != 0x02 || !rd_skip(&val, 4) || !rd_left(&val))
		return 0;
	probe_set_str(o, name, rd_ptr(&val), rd_left(&val) - 1);	/* without the NUL */
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
mongo_error(const struct bdoc *b, json_t *o, const char *key)
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
mongo_handshake(const struct bdoc *b, json_t *out, json_t *o, double ok)
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
	struct bdoc b;
	struct rd okv;
	uint8_t okt;
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
	b.p = doc;
	b.len = dlen;
	if (!bs_find(&b, "ok", &okt, &okv))
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
