/*
 * probe_tftp.c - TFTP read request for a name that does not exist.
 *
 * Step 0 sends one RRQ (RFC 1350) for "heiiki-probe-XXXXXXXX.nonexistent"
 * (XXXXXXXX derived from the target, never a real file name) in octet mode
 * and reads the answer: an ERROR packet (opcode 5: code + message, e.g.
 * "File not found") proves a TFTP server answers anyone without
 * authentication -> risk "tftp-open".  If the name did exist (DATA,
 * opcode 3) we record that and never ACK, so no transfer happens.
 *
 * The server answers from a new port (its transfer ID, RFC 1350 4):
 * the runner must accept the reply from any source port of the target
 * (PROBE_UDP_NEW_TID).
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

static const uint16_t tftp_ports[] = { 69, 0 };

static void
tftp_name(const struct probe_ctx *ctx, char *buf, size_t cap)
{
	uint32_t h = 2166136261u;

	for (const char *s = ctx->host ? ctx->host : ""; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	snprintf(buf, cap, "heiiki-probe-%08x.nonexistent", h);
}

static int
tftp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	char name[48];
	size_t nl, o = 0;

	if (ctx->step != 0)
		return -1;
	tftp_name(ctx, name, sizeof(name));
	nl = strlen(name);
	if (cap < 2 + nl + 1 + 6)
		return -1;
	buf[o++] = 0;
	buf[o++] = 1;			/* RRQ */
	memcpy(buf + o, name, nl + 1);
	o += nl + 1;
	memcpy(buf + o, "octet", 6);
	*len = o + 6;
	return 0;
}

static enum probe_verdict
tftp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint16_t op, code;
	json_t *o;

	if (ctx->step != 0 || !rd_be16(in, &op))
		return PROBE_NO_MATCH;
	if (op == 5) {
		const uint8_t *msg = rd_ptr(in) + 2;
		size_t n;

		if (!rd_be16(in, &code) || code > 8)
			return PROBE_NO_MATCH;
		/* message: NUL-terminated text filling the datagram */
		for (n = 0; n < rd_left(in) && msg[n]; n++)
			;
		if (n == rd_left(in))
			return PROBE_MALFORMED;	/* no terminating NUL */
		o = json_object();
		json_object_set_new(o, "error_code", json_integer(code));
		probe_set_str(o, "error_message", msg, n > 200 ? 200 : n);
	} else if (op == 3) {
		uint16_t block;

		if (!rd_be16(in, &block) || block != 1 || rd_left(in) > 512)
			return PROBE_NO_MATCH;
		o = json_object();
		json_object_set_new(o, "file_exists", json_true());
	} else if (op == 6) {	/* OACK: we sent no options */
		return PROBE_NO_MATCH;
	} else {
		return PROBE_NO_MATCH;
	}
	json_object_set_new(out, "tftp", o);
	json_object_set_new(out, "service", json_string("tftp"));
	probe_risk(out, "tftp-open");
	return PROBE_MATCH;
}

const struct probe probe_tftp = {
	.name = "tftp",
	.summary = "TFTP read request for a random non-existent name -> error packet",
	.ports = tftp_ports,
	.flags = PROBE_UDP | PROBE_UDP_NEW_TID,
	.max_reply = 600,
	.timeout_ms = 2000,
	.hello = tftp_hello,
	.parse = tftp_parse,
};
