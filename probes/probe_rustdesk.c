/*
 * probe_rustdesk.c - RustDesk's rendezvous server hbbs (TCP 21115 NAT
 * test, 21116 rendezvous).
 *
 * RustDesk frames every TCP message with its BytesCodec (the low two bits
 * of the first byte say how many header bytes follow - 1..4, little
 * endian - and the header >> 2 is the payload length) and the payload is
 * a protobuf RendezvousMessage (libs/hbb_common/protos/rendezvous.proto:
 * one oneof, fields 6..26).  We send one TestNatRequest (field 20) with
 * serial 0 - the empty message every client sends to learn its NAT type:
 * 0c a2 01 00 - and read one framed reply.  A RendezvousMessage back
 * (TestNatResponse, field 21, with the port the server saw and possibly a
 * ConfigUpdate listing rendezvous servers; or any other field of the
 * oneof, e.g. a KeyExchange a newer server sends first) names hbbs.
 * Nothing else is sent: no ID registration, no punch-hole, no relay.
 *
 * The protobuf is walked through the bounded cursor, not a library: only
 * the top-level field tag and, inside a TestNatResponse, its port and
 * ConfigUpdate strings (at most 8) are read; varints are at most 10 bytes,
 * every length is checked against what is left.  The test replies are
 * built from rendezvous.proto and the codec (tests/probes/data/rustdesk/),
 * not recorded: RustDesk is not packaged for Debian.
 */
#include <string.h>

#include "probe.h"

#define RD_MAX		4096

static const uint16_t rustdesk_ports[] = { 21115, 21116, 0 };

static int
rustdesk_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	/* frame header 3 << 2, then field 20 wire type 2 (0xa2 0x01), length 0 */
	static const uint8_t req[] = { 0x0c, 0xa2, 0x01, 0x00 };

	if (ctx->step != 0 || cap < sizeof(req))
		return -1;
	memcpy(buf, req, sizeof(req));
	*len = sizeof(req);
	return 0;
}

static int
pb_varint(struct rd *r, uint64_t *v)
{
	uint8_t b;

	*v = 0;
	for (int i = 0; i < 10; i++) {
		if (!rd_u8(r, &b))
			return 0;
		*v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return 1;
	}
	return 0;
}

/* Skip one field's value of wire type wt; 0 when broken. */
static int
pb_skip(struct rd *r, unsigned wt)
{
	uint64_t v;

	switch (wt) {
	case 0:	return pb_varint(r, &v);
	case 1:	return rd_skip(r, 8);
	case 2:	return pb_varint(r, &v) && v <= rd_left(r) && rd_skip(r, (size_t)v);
	case 5:	return rd_skip(r, 4);
	}
	return 0;
}

/* ConfigUpdate {serial = 1; repeated string rendezvous_servers = 2} */
static int
rustdesk_config(struct rd *m, json_t *o)
{
	json_t *servers = json_array();
	uint64_t tag, v;

	while (rd_left(m)) {
		if (!pb_varint(m, &tag))
			goto bad;
		if (tag == 0x12) {
			struct rd s;

			if (!pb_varint(m, &v) || v > rd_left(m) || !rd_sub(m, &s, (size_t)v))
				goto bad;
			if (json_array_size(servers) < 8) {
				char name[256];

				rd_printable(rd_ptr(&s), rd_left(&s), name, sizeof(name));
				json_array_append_new(servers, json_string(name));
			}
		} else if (!pb_skip(m, (unsigned)(tag & 7))) {
			goto bad;
		}
	}
	json_object_set_new(o, "rendezvous_servers", servers);
	return 1;
bad:
	json_decref(servers);
	return 0;
}

/* TestNatResponse {int32 port = 1; ConfigUpdate cu = 2} */
static int
rustdesk_nat(struct rd *m, json_t *o)
{
	uint64_t tag, v;
	struct rd cu;

	while (rd_left(m)) {
		if (!pb_varint(m, &tag))
			return 0;
		if (tag == 0x08) {
			if (!pb_varint(m, &v))
				return 0;
			json_object_set_new(o, "nat_port_seen", json_integer((json_int_t)(v & 0xffffffff)));
		} else if (tag == 0x12) {
			if (!pb_varint(m, &v) || v > rd_left(m) || !rd_sub(m, &cu, (size_t)v) ||
			    !rustdesk_config(&cu, o))
				return 0;
		} else if (!pb_skip(m, (unsigned)(tag & 7))) {
			return 0;
		}
	}
	return 1;
}

static enum probe_verdict
rustdesk_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t h0, hb;
	size_t hl, n;
	uint64_t tag, mlen;
	struct rd body, msg;
	json_t *o;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	h0 = rd_ptr(in)[0];
	hl = (size_t)(h0 & 3) + 1;
	if (rd_left(in) < hl)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	n = 0;
	for (size_t i = 0; i < hl; i++) {
		if (!rd_u8(in, &hb))
			return PROBE_NO_MATCH;
		n |= (size_t)hb << (8 * i);
	}
	n >>= 2;
	if (n < 3 || n > RD_MAX)
		return PROBE_NO_MATCH;
	if (rd_left(in) < n)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!rd_sub(in, &body, n) || !pb_varint(&body, &tag))
		return PROBE_NO_MATCH;
	/* one field of RendezvousMessage's oneof (6..26), length-delimited,
	 * filling the frame exactly */
	if ((tag & 7) != 2 || (tag >> 3) < 6 || (tag >> 3) > 26 || !pb_varint(&body, &mlen) ||
	    mlen != rd_left(&body) || !rd_sub(&body, &msg, (size_t)mlen))
		return PROBE_NO_MATCH;
	o = json_object();
	json_object_set_new(o, "message_field", json_integer((json_int_t)(tag >> 3)));
	if ((tag >> 3) == 21 && !rustdesk_nat(&msg, o)) {
		json_decref(o);
		return PROBE_NO_MATCH;
	}
	json_object_set_new(out, "rustdesk", o);
	json_object_set_new(out, "service", json_string("rustdesk-hbbs"));
	json_object_set_new(out, "product", json_string("RustDesk server (hbbs)"));
	probe_risk(out, "remote-support-tool");
	return PROBE_MATCH;
}

const struct probe probe_rustdesk = {
	.name = "rustdesk",
	.summary = "RustDesk rendezvous server (hbbs): TestNatRequest -> remote-support tool",
	.ports = rustdesk_ports,
	.flags = PROBE_BY_PORT_ONLY,
	.max_reply = RD_MAX + 4,
	.timeout_ms = 3000,
	.hello = rustdesk_hello,
	.parse = rustdesk_parse,
};
