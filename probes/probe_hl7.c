/*
 * probe_hl7.c - HL7 v2 MLLP listener detection without sending a message.
 *
 * Choice (reference section 13.2): the only bytes ever sent are an EMPTY
 * MLLP frame, <VT><FS><CR> = 0B 1C 0D.  It carries no segment, so there is
 * nothing an interface engine could route into ADT, orders or results.
 * Sending nothing at all would only find the rare listener that greets
 * first; the empty frame makes MLLP engines answer with an empty frame or
 * a NAK (MSH + MSA|AE/AR), which is what nmap's service match expects.
 *
 * Only header fields are kept: MSH-3..MSH-12 (sending/receiving
 * application and facility, time, message type, control id, processing
 * id, version) and MSA-1.  Any other segment (PID, PV1, ...) is never
 * copied: only its count is reported, with a flag, because such content
 * may be patient data.
 */
#include <string.h>

#include "probe.h"

#define MLLP_VT	0x0b
#define MLLP_FS	0x1c
#define MLLP_CR	0x0d
#define HL7_MAX	8192

static const uint16_t hl7_ports[] = { 2575, 0 };

static const char *const msh_names[] = {
	NULL, NULL, "msh3_sending_application", "msh4_sending_facility",
	"msh5_receiving_application", "msh6_receiving_facility",
	"msh7_datetime", NULL, "msh9_message_type", "msh10_control_id",
	"msh11_processing_id", "msh12_version",
};

static int
hl7_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	if (ctx->step != 0 || cap < 3)
		return -1;
	buf[0] = MLLP_VT;
	buf[1] = MLLP_FS;
	buf[2] = MLLP_CR;
	*len = 3;
	return 0;
}

/* Next segment (up to CR or LF) of the frame body. */
static int
hl7_segment(struct rd *body, struct rd *seg)
{
	size_t n = 0;
	const uint8_t *p;

	while (rd_left(body) && (*rd_ptr(body) == '\r' || *rd_ptr(body) == '\n'))
		rd_skip(body, 1);
	if (!rd_left(body))
		return 0;
	p = rd_ptr(body);
	while (n < rd_left(body) && p[n] != '\r' && p[n] != '\n')
		n++;
	return rd_sub(body, seg, n);
}

/* Split seg on sep and keep the header fields we allow (index 0 = name). */
static void
hl7_fields(struct rd *seg, uint8_t sep, json_t *o, int msh)
{
	size_t idx = 0;

	while (rd_left(seg) || idx == 0) {
		const uint8_t *p = rd_ptr(seg);
		size_t n = 0;

		while (n < rd_left(seg) && p[n] != sep)
			n++;
		if (msh && idx < sizeof(msh_names) / sizeof(msh_names[0]) &&
		    msh_names[idx] && n)
			probe_set_str(o, msh_names[idx], p, n > 64 ? 64 : n);
		if (!msh && idx == 1 && n)
			probe_set_str(o, "msa1_ack_code", p, n > 4 ? 4 : n);
		rd_skip(seg, n);
		if (!rd_left(seg) || !rd_skip(seg, 1))
			break;
		idx++;
	}
}

static void
hl7_message(struct rd *body, json_t *o)
{
	struct rd seg;
	uint8_t sep = '|';
	int other = 0;

	while (hl7_segment(body, &seg)) {
		const uint8_t *p = rd_ptr(&seg);

		if (rd_left(&seg) >= 4 && !memcmp(p, "MSH", 3)) {
			sep = p[3];
			hl7_fields(&seg, sep, o, 1);
		} else if (rd_left(&seg) >= 3 && !memcmp(p, "MSA", 3)) {
			hl7_fields(&seg, sep, o, 0);
		} else if (rd_left(&seg) >= 3 && !memcmp(p, "ERR", 3)) {
			continue;	/* error detail: not kept */
		} else {
			other++;
		}
	}
	if (other) {
		json_object_set_new(o, "other_segments_dropped", json_integer(other));
		json_object_set_new(o, "unexpected_content", json_true());
	}
}

static enum probe_verdict
hl7_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *o;
	long end;
	struct rd body;
	static const uint8_t trailer[2] = { MLLP_FS, MLLP_CR };

	(void)ctx;
	if (!rd_left(in))
		return PROBE_NEED_MORE;
	if (rd_ptr(in)[0] != MLLP_VT)
		return PROBE_NO_MATCH;
	end = rd_find(in, trailer, sizeof(trailer));
	if (end < 0)
		return rd_left(in) >= HL7_MAX ? PROBE_MALFORMED : PROBE_NEED_MORE;
	rd_skip(in, 1);
	if (!rd_sub(in, &body, (size_t)end - 1))
		return PROBE_MALFORMED;
	o = json_object();
	json_object_set_new(out, "hl7", o);
	json_object_set_new(out, "service", json_string("hl7-mllp"));
	if (!rd_left(&body)) {
		json_object_set_new(o, "reply", json_string("empty-frame"));
	} else if (rd_left(&body) >= 4 && !memcmp(rd_ptr(&body), "MSH", 3)) {
		json_object_set_new(o, "reply", json_string("hl7-message"));
		hl7_message(&body, o);
	} else {
		json_object_set_new(o, "reply", json_string("mllp-frame"));
	}
	probe_risk(out, "hl7-mllp-listener");
	return PROBE_MATCH;
}

const struct probe probe_hl7 = {
	.name = "hl7",
	.summary = "HL7 v2 MLLP listener: sends only an empty MLLP frame, keeps MSH/MSA header fields",
	.ports = hl7_ports,
	.flags = 0,		/* --probe hl7 may name site ports */
	.max_reply = HL7_MAX,
	.timeout_ms = 5000,
	.hello = hl7_hello,
	.parse = hl7_parse,
};
