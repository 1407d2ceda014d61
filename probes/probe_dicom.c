/*
 * probe_dicom.c - DICOM upper layer: does the node accept any AE title?
 *
 * Step 0 sends one A-ASSOCIATE-RQ (PS3.8 9.3.2) proposing only the
 * Verification SOP class (1.2.840.10008.1.1) with Implicit VR Little
 * Endian, called AE "ANY-SCP" (a title a configured PACS should refuse)
 * and calling AE = the scanner identifier, so staff can attribute the log
 * line.  The reply is an A-ASSOCIATE-AC (accepted: implementation class
 * UID and version name are recorded, and "dicom-any-ae-title" is raised),
 * an A-ASSOCIATE-RJ (result, source, reason decoded) or an A-ABORT.  After
 * an AC, step 1 sends A-RELEASE-RQ on the same connection and waits for
 * A-RELEASE-RP: the association is released at once, never used (no
 * C-ECHO, no C-FIND), and only one called AE title is ever tried.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define DICOM_PDU_MAX	65536
#define DICOM_CALLED	"ANY-SCP"
/* UUID-derived UID (PS3.5 B.2) owned by this project; never another product's. */
#define DICOM_IMPL_UID	"2.25.225364489740582148486224485606685987022"
#define DICOM_IMPL_VER	"HEIIKI_" HEIIKI_VERSION

static const uint16_t dicom_ports[] = { 104, 11112, 4242, 0 };

static const char dicom_app_ctx[] = "1.2.840.10008.3.1.1.1";
static const char dicom_verification[] = "1.2.840.10008.1.1";
static const char dicom_ivrle[] = "1.2.840.10008.1.2";

static json_t *
dicom_obj(json_t *out)
{
	json_t *o = json_object_get(out, "dicom");

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "dicom", o);
	}
	return o;
}

/* Bounded writer for the request: every put checks the remaining room. */
struct dw {
	uint8_t *p;
	size_t len, cap;
};

static void
dw_put(struct dw *w, const void *src, size_t n)
{
	if (w->len + n > w->cap) {
		w->cap = 0;	/* poison: caller sees overflow */
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
dw_u8(struct dw *w, uint8_t v)
{
	dw_put(w, &v, 1);
}

static void
dw_be16(struct dw *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	dw_put(w, b, 2);
}

/* Item / sub-item: type, reserved, u16 length, value. */
static void
dw_item(struct dw *w, uint8_t type, const void *val, size_t n)
{
	dw_u8(w, type);
	dw_u8(w, 0);
	dw_be16(w, (uint16_t)n);
	dw_put(w, val, n);
}

/* AE title: printable, no backslash, space-padded to 16. */
static void
dw_ae(struct dw *w, const char *ae)
{
	uint8_t t[16];
	size_t n = 0;

	memset(t, ' ', sizeof(t));
	for (; ae && ae[n] && n < 16; n++)
		t[n] = (ae[n] > 0x20 && ae[n] < 0x7f && ae[n] != '\\') ? ae[n] : '_';
	dw_put(w, t, 16);
}

static int
dicom_hello_rq(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *me = ctx->scanner_id && *ctx->scanner_id ? ctx->scanner_id : "HEIIKI";
	struct dw w = { buf, 0, cap };
	static const uint8_t zero[32];
	const size_t uid = sizeof(DICOM_IMPL_UID) - 1, ver = sizeof(DICOM_IMPL_VER) - 1;
	const size_t pc = 4 + (4 + sizeof(dicom_verification) - 1) +
	    (4 + sizeof(dicom_ivrle) - 1);
	const size_t ui = 8 + (4 + uid) + (4 + ver);
	const size_t pdu = 68 + (4 + sizeof(dicom_app_ctx) - 1) + (4 + pc) + (4 + ui);
	static const uint8_t maxlen[4] = { 0, 0, 0x40, 0 };	/* 16384 */

	dw_u8(&w, 0x01);
	dw_u8(&w, 0);
	dw_be16(&w, (uint16_t)(pdu >> 16));
	dw_be16(&w, (uint16_t)(pdu & 0xffff));
	dw_be16(&w, 0x0001);		/* protocol version */
	dw_be16(&w, 0);
	dw_ae(&w, DICOM_CALLED);
	dw_ae(&w, me);
	dw_put(&w, zero, 32);
	dw_item(&w, 0x10, dicom_app_ctx, sizeof(dicom_app_ctx) - 1);
	dw_u8(&w, 0x20);
	dw_u8(&w, 0);
	dw_be16(&w, (uint16_t)pc);
	dw_u8(&w, 0x01);		/* presentation context id */
	dw_u8(&w, 0);
	dw_u8(&w, 0);
	dw_u8(&w, 0);
	dw_item(&w, 0x30, dicom_verification, sizeof(dicom_verification) - 1);
	dw_item(&w, 0x40, dicom_ivrle, sizeof(dicom_ivrle) - 1);
	dw_u8(&w, 0x50);
	dw_u8(&w, 0);
	dw_be16(&w, (uint16_t)ui);
	dw_item(&w, 0x51, maxlen, 4);
	dw_item(&w, 0x52, DICOM_IMPL_UID, uid);
	dw_item(&w, 0x55, DICOM_IMPL_VER, ver);
	if (w.cap == 0 || w.len != pdu + 6)
		return -1;
	*len = w.len;
	return 0;
}

static int
dicom_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t release[10] = { 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0 };

	if (ctx->step == 0)
		return dicom_hello_rq(ctx, buf, cap, len);
	if (ctx->step != 1 || cap < sizeof(release))
		return -1;
	memcpy(buf, release, sizeof(release));
	*len = sizeof(release);
	return 0;
}

static const char *
dicom_rj_reason(uint8_t source, uint8_t reason)
{
	if (source == 1) {
		switch (reason) {
		case 1: return "no-reason-given";
		case 2: return "application-context-name-not-supported";
		case 3: return "calling-ae-title-not-recognized";
		case 7: return "called-ae-title-not-recognized";
		}
	} else if (source == 2) {
		switch (reason) {
		case 1: return "no-reason-given";
		case 2: return "protocol-version-not-supported";
		}
	} else if (source == 3) {
		switch (reason) {
		case 1: return "temporary-congestion";
		case 2: return "local-limit-exceeded";
		}
	}
	return "unknown";
}

static const char *
dicom_pc_result(uint8_t r)
{
	static const char *const names[] = { "acceptance", "user-rejection",
		"no-reason", "abstract-syntax-not-supported",
		"transfer-syntaxes-not-supported" };

	return r < 5 ? names[r] : "unknown";
}

/* User information sub-items: max length, implementation UID and name. */
static int
dicom_user_info(struct rd *ui, json_t *o, json_t *out)
{
	while (rd_left(ui)) {
		uint8_t t;
		struct rd v;
		uint32_t maxlen;

		if (!rd_u8(ui, &t) || !rd_skip(ui, 1) || !rd_be16_prefixed(ui, &v))
			return -1;
		if (t == 0x51 && rd_be32(&v, &maxlen)) {
			json_object_set_new(o, "max_pdu_length", json_integer(maxlen));
		} else if (t == 0x52 && rd_left(&v) <= 64) {
			probe_set_str(o, "implementation_class_uid", rd_ptr(&v), rd_left(&v));
		} else if (t == 0x55 && rd_left(&v) <= 16) {
			probe_set_str(o, "implementation_version_name", rd_ptr(&v),
			    rd_left(&v));
			probe_set_str(out, "product", rd_ptr(&v), rd_left(&v));
		}
	}
	return 0;
}

static enum probe_verdict
dicom_parse_ac(struct rd *pdu, json_t *out)
{
	json_t *o = dicom_obj(out);

	if (!rd_skip(pdu, 68))
		return PROBE_MALFORMED;
	while (rd_left(pdu)) {
		uint8_t t, id, result;
		struct rd item;

		if (!rd_u8(pdu, &t) || !rd_skip(pdu, 1) || !rd_be16_prefixed(pdu, &item))
			return PROBE_MALFORMED;
		if (t == 0x21) {
			if (!rd_u8(&item, &id) || !rd_skip(&item, 1) ||
			    !rd_u8(&item, &result))
				return PROBE_MALFORMED;
			json_object_set_new(o, "pc_result",
			    json_string(dicom_pc_result(result)));
		} else if (t == 0x50) {
			if (dicom_user_info(&item, o, out) < 0)
				return PROBE_MALFORMED;
		}
	}
	json_object_set_new(o, "outcome", json_string("accepted"));
	json_object_set_new(o, "called_ae_used", json_string(DICOM_CALLED));
	probe_risk(out, "dicom-any-ae-title");
	return PROBE_NEXT_STEP;
}

static enum probe_verdict
dicom_parse_rj(struct rd *pdu, json_t *out, uint8_t type)
{
	json_t *o = dicom_obj(out);
	uint8_t result, source, reason;

	if (!rd_skip(pdu, 1) || !rd_u8(pdu, &result) || !rd_u8(pdu, &source) ||
	    !rd_u8(pdu, &reason))
		return PROBE_MALFORMED;
	json_object_set_new(o, "called_ae_used", json_string(DICOM_CALLED));
	if (type == 0x07) {
		json_object_set_new(o, "outcome", json_string("aborted"));
		json_object_set_new(o, "abort_source", json_integer(source));
		json_object_set_new(o, "abort_reason", json_integer(reason));
		return PROBE_MATCH;
	}
	json_object_set_new(o, "outcome", json_string("rejected"));
	json_object_set_new(o, "rj_result", json_string(result == 1 ?
	    "rejected-permanent" : result == 2 ? "rejected-transient" : "unknown"));
	json_object_set_new(o, "rj_source", json_integer(source));
	json_object_set_new(o, "rj_reason", json_string(dicom_rj_reason(source, reason)));
	return PROBE_MATCH;
}

static enum probe_verdict
dicom_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t type, reserved;
	uint32_t n;
	struct rd pdu;

	if (ctx->step == 1 && ctx->eof && rd_left(in) < 10) {
		/* closed instead of A-RELEASE-RP: the association is gone anyway */
		json_object_set_new(dicom_obj(out), "released", json_false());
		return PROBE_MATCH;
	}
	if (rd_left(in) >= 1 && (rd_ptr(in)[0] < 0x01 || rd_ptr(in)[0] > 0x07))
		return PROBE_NO_MATCH;
	if (!rd_u8(in, &type) || !rd_u8(in, &reserved) || !rd_be32(in, &n))
		return PROBE_NEED_MORE;
	if (n > DICOM_PDU_MAX || (type >= 3 && n != 4) || reserved != 0)
		return ctx->step == 0 ? PROBE_NO_MATCH : PROBE_MALFORMED;
	if (rd_left(in) < n)
		return PROBE_NEED_MORE;
	if (!rd_sub(in, &pdu, n))
		return PROBE_NEED_MORE;
	json_object_set_new(out, "service", json_string("dicom"));
	if (ctx->step == 1) {
		/* A-RELEASE-RP (0x06) expected; anything else ends it too. */
		json_object_set_new(dicom_obj(out), "released", json_boolean(type == 0x06));
		return PROBE_MATCH;
	}
	switch (type) {
	case 0x02:
		return dicom_parse_ac(&pdu, out);
	case 0x03:
	case 0x07:
		return dicom_parse_rj(&pdu, out, type);
	default:
		return PROBE_MALFORMED;
	}
}

const struct probe probe_dicom = {
	.name = "dicom",
	.summary = "DICOM A-ASSOCIATE (Verification only) with an arbitrary called AE; released at once",
	.ports = dicom_ports,
	.flags = 0,		/* --probe dicom may name site ports */
	.max_reply = DICOM_PDU_MAX + 6,
	.timeout_ms = 5000,
	.hello = dicom_hello,
	.parse = dicom_parse,
};
