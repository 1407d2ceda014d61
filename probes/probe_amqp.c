/*
 * probe_amqp.c - AMQP 0-9-1 protocol header -> Connection.Start.
 *
 * Step 0 sends the 8-byte protocol header "AMQP" 0 0 9 1 (AMQP 0-9-1
 * section 4.2.2) and reads the server's first frame, Connection.Start
 * (class 10, method 10): version, server-properties (product, version,
 * platform, cluster_name), mechanisms and locales.  We never answer
 * Start-Ok: the runner closes, no login is attempted.  A server that
 * speaks another AMQP version answers with its own protocol header and
 * closes; that is recorded as "header_reply".
 */
#include <string.h>

#include "probe.h"

#define AMQP_FRAME_MAX 8192
#define AMQP_DEPTH 4

static const uint16_t amqp_ports[] = { 5672, 0 };

static int
amqp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t hdr[8] = { 'A', 'M', 'Q', 'P', 0, 0, 9, 1 };

	if (ctx->step != 0 || cap < sizeof(hdr))
		return -1;
	memcpy(buf, hdr, sizeof(hdr));
	*len = sizeof(hdr);
	return 0;
}

/* Skip one field value of type t (0-9-1 field types, RabbitMQ's list). */
static int
amqp_skip_value(struct rd *r, uint8_t t, int depth)
{
	struct rd sub;

	switch (t) {
	case 't': case 'b': case 'B': return rd_skip(r, 1);
	case 's': case 'u': return rd_skip(r, 2);
	case 'I': case 'i': case 'f': return rd_skip(r, 4);
	case 'l': case 'L': case 'd': case 'T': return rd_skip(r, 8);
	case 'D': return rd_skip(r, 5);
	case 'V': return 1;
	case 'S': case 'x': return rd_be32_prefixed(r, &sub);
	case 'F': case 'A':
		if (depth >= AMQP_DEPTH || !rd_be32_prefixed(r, &sub))
			return 0;
		while (rd_left(&sub)) {
			uint8_t k;
			struct rd key;

			if (t == 'F' && !rd_u8_prefixed(&sub, &key))
				return 0;
			if (!rd_u8(&sub, &k) || !amqp_skip_value(&sub, k, depth + 1))
				return 0;
		}
		return 1;
	default: return 0;	/* unknown type: cannot know its length */
	}
}

/* server-properties: keep the string values we know. */
static int
amqp_props(struct rd *tbl, json_t *o, json_t *out)
{
	while (rd_left(tbl)) {
		struct rd key, val;
		uint8_t t;
		char k[32];

		if (!rd_u8_prefixed(tbl, &key) || !rd_u8(tbl, &t))
			return 0;
		rd_printable(rd_ptr(&key), rd_left(&key), k, sizeof(k));
		if (t != 'S') {
			if (!amqp_skip_value(tbl, t, 1))
				return 0;
			continue;
		}
		if (!rd_be32_prefixed(tbl, &val))
			return 0;
		if (!strcmp(k, "product") || !strcmp(k, "version") || !strcmp(k, "platform") ||
		    !strcmp(k, "cluster_name") || !strcmp(k, "copyright")) {
			size_t n = rd_left(&val) > 200 ? 200 : rd_left(&val);

			probe_set_str(o, k, rd_ptr(&val), n);
			if (!strcmp(k, "product") || !strcmp(k, "version"))
				probe_set_str(out, k, rd_ptr(&val), n);
		}
	}
	return 1;
}

static enum probe_verdict
amqp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t type, vmaj, vmin, end;
	uint16_t ch, cls, meth;
	uint32_t size;
	struct rd pl, tbl, s;
	json_t *o;

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	if (rd_left(in) >= 4 && !memcmp(rd_ptr(in), "AMQP", 4)) {
		if (rd_left(in) < 8)
			return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
		o = json_object();
		json_object_set_new(o, "header_reply", json_pack("[iiii]", rd_ptr(in)[4],
		    rd_ptr(in)[5], rd_ptr(in)[6], rd_ptr(in)[7]));
		json_object_set_new(out, "amqp", o);
		json_object_set_new(out, "service", json_string("amqp"));
		return PROBE_MATCH;
	}
	if (!rd_u8(in, &type))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (type != 1)
		return PROBE_NO_MATCH;
	if (!rd_be16(in, &ch) || !rd_be32(in, &size))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (ch != 0 || size < 6 || size > AMQP_FRAME_MAX)
		return PROBE_NO_MATCH;
	if (!rd_sub(in, &pl, size) || !rd_u8(in, &end))
		return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	if (end != 0xce || !rd_be16(&pl, &cls) || !rd_be16(&pl, &meth))
		return PROBE_MALFORMED;
	if (cls != 10 || meth != 10)
		return PROBE_NO_MATCH;
	if (!rd_u8(&pl, &vmaj) || !rd_u8(&pl, &vmin) || !rd_be32_prefixed(&pl, &tbl))
		return PROBE_MALFORMED;
	o = json_object();
	json_object_set_new(out, "amqp", o);
	json_object_set_new(o, "version_major", json_integer(vmaj));
	json_object_set_new(o, "version_minor", json_integer(vmin));
	if (!amqp_props(&tbl, o, out))
		return PROBE_MALFORMED;
	if (rd_be32_prefixed(&pl, &s))
		probe_set_str(o, "mechanisms", rd_ptr(&s), rd_left(&s) > 200 ? 200 : rd_left(&s));
	json_object_set_new(out, "service", json_string("amqp"));
	return PROBE_MATCH;
}

const struct probe probe_amqp = {
	.name = "amqp",
	.summary = "AMQP 0-9-1 protocol header -> Connection.Start product/version (no Start-Ok)",
	.ports = amqp_ports,
	.max_reply = AMQP_FRAME_MAX + 8,
	.timeout_ms = 5000,
	.hello = amqp_hello,
	.parse = amqp_parse,
};
