/*
 * probe_mqtt.c - MQTT 3.1.1 CONNECT without credentials, CONNACK code.
 *
 * Step 0 sends one CONNECT (protocol "MQTT" level 4, clean session, keep
 * alive 60 s, no will, no user name, no password; client id "heiiki-"
 * plus the scanner id filtered to [A-Za-z0-9-]) and reads the 4-byte
 * CONNACK (MQTT 3.1.1 section 3.2).  Return code 0 means the broker
 * accepted a client without credentials: risk "mqtt-anonymous".  When it
 * was accepted, step 1 sends DISCONNECT (0xe0 0x00) on the same
 * connection so the broker closes cleanly; nothing is ever subscribed
 * or published.
 */
#include <string.h>

#include "probe.h"

#define MQTT_ID_MAX 23		/* MQTT 3.1.1: servers must accept 1..23 */

static const uint16_t mqtt_ports[] = { 1883, 0 };

static int
mqtt_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t var[] = { 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60 };
	char id[MQTT_ID_MAX + 1] = "heiiki-";
	size_t n = 7, rem, o = 0;

	if (ctx->step == 1) {
		if (cap < 2)
			return -1;
		buf[0] = 0xe0;		/* DISCONNECT */
		buf[1] = 0;
		*len = 2;
		return 0;
	}
	if (ctx->step != 0)
		return -1;
	for (const char *p = ctx->scanner_id ? ctx->scanner_id : ""; *p && n < MQTT_ID_MAX; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-')
			id[n++] = *p;
	id[n] = 0;
	rem = sizeof(var) + 2 + n;
	if (cap < rem + 2)
		return -1;
	buf[o++] = 0x10;		/* CONNECT */
	buf[o++] = (uint8_t)rem;	/* < 128: one length byte */
	memcpy(buf + o, var, sizeof(var));
	o += sizeof(var);
	buf[o++] = 0;
	buf[o++] = (uint8_t)n;
	memcpy(buf + o, id, n);
	*len = o + n;
	return 0;
}

static const char *
mqtt_rc_name(uint8_t rc)
{
	static const char *const names[] = { "accepted", "unacceptable-protocol-version",
		"identifier-rejected", "server-unavailable", "bad-user-name-or-password",
		"not-authorized" };

	return rc < 6 ? names[rc] : "unknown";
}

static enum probe_verdict
mqtt_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint8_t type, rl, flags, rc;
	json_t *o;

	if (ctx->step == 1)		/* after DISCONNECT: the broker closes */
		return ctx->eof ? PROBE_MATCH : PROBE_NEED_MORE;
	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	if (!rd_u8(in, &type))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (type != 0x20)
		return PROBE_NO_MATCH;
	if (!rd_u8(in, &rl))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (rl != 2)
		return PROBE_NO_MATCH;	/* a 3.1.1 CONNACK is exactly 2 bytes */
	if (!rd_u8(in, &flags) || !rd_u8(in, &rc))
		return ctx->eof ? PROBE_MALFORMED : PROBE_NEED_MORE;
	if (flags & 0xfe)
		return PROBE_MALFORMED;	/* reserved bits must be 0 */
	o = json_object();
	json_object_set_new(o, "connack_code", json_integer(rc));
	json_object_set_new(o, "connack", json_string(mqtt_rc_name(rc)));
	json_object_set_new(o, "protocol", json_string("3.1.1"));
	json_object_set_new(out, "mqtt", o);
	json_object_set_new(out, "service", json_string("mqtt"));
	if (rc != 0)
		return PROBE_MATCH;
	probe_risk(out, "mqtt-anonymous");
	return PROBE_NEXT_STEP;		/* DISCONNECT politely */
}

const struct probe probe_mqtt = {
	.name = "mqtt",
	.summary = "MQTT CONNECT without credentials -> CONNACK code, then DISCONNECT",
	.ports = mqtt_ports,
	.max_reply = 64,
	.timeout_ms = 3000,
	.hello = mqtt_hello,
	.parse = mqtt_parse,
};

static const uint16_t mqtts_ports[] = { 8883, 0 };

const struct probe probe_mqtts = {
	.name = "mqtts",
	.summary = "MQTT over TLS: the same CONNECT/CONNACK/DISCONNECT inside TLS",
	.ports = mqtts_ports,
	.flags = PROBE_TLS,
	.max_reply = 64,
	.timeout_ms = 3000,
	.hello = mqtt_hello,
	.parse = mqtt_parse,
};
