/*
 * probe_ntp.c - NTP mode 3 (client) request; never mode 6 or 7.
 *
 * Sends one 48-byte NTPv4 client packet (LI 0, VN 4, mode 3, transmit
 * timestamp = now) - exactly what any time client sends; mode 6 (control,
 * "readvar") and mode 7 (monlist, the amplifier) are never sent.  A mode 4
 * reply gives the server's version, stratum, reference id (a clock name
 * like "GPS"/"LOCL" for stratum 1, an IPv4 address or hash above), poll,
 * precision and whether it is synchronised (LI 3 = alarm).  The reply's
 * origin timestamp must echo ours.  Fields go to ntp.*.
 */
#include <string.h>

#include "probe.h"

#define NTP_UNIX_OFFSET 2208988800ull

static const uint16_t ntp_ports[] = { 123, 0 };

static void
ntp_xmit(const struct probe_ctx *ctx, uint8_t ts[8])
{
	uint64_t s = (uint64_t)(ctx->now > 0 ? ctx->now : 0) + NTP_UNIX_OFFSET;

	for (int i = 0; i < 4; i++)
		ts[i] = (uint8_t)(s >> (24 - 8 * i));
	memcpy(ts + 4, "HKI1", 4);	/* fraction: our marker, echoed as origin */
}

static int
ntp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	if (ctx->step != 0 || cap < 48)
		return -1;
	memset(buf, 0, 48);
	buf[0] = 0x23;			/* LI 0, VN 4, mode 3 */
	ntp_xmit(ctx, buf + 40);
	*len = 48;
	return 0;
}

static enum probe_verdict
ntp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *p = rd_ptr(in);
	uint8_t ts[8];
	char ref[32];
	json_t *o;
	int li, vn, mode;

	if (rd_left(in) < 48)
		return !rd_left(in) && !ctx->eof ? PROBE_NEED_MORE : PROBE_NO_MATCH;
	li = p[0] >> 6;
	vn = (p[0] >> 3) & 7;
	mode = p[0] & 7;
	ntp_xmit(ctx, ts);
	if (mode != 4 || vn < 1 || vn > 4 || memcmp(p + 24 + 4, ts + 4, 4))
		return PROBE_NO_MATCH;
	o = json_object();
	json_object_set_new(o, "version", json_integer(vn));
	json_object_set_new(o, "stratum", json_integer(p[1]));
	json_object_set_new(o, "poll", json_integer(p[2]));
	json_object_set_new(o, "precision", json_integer((int8_t)p[3]));
	json_object_set_new(o, "synchronized", json_boolean(li != 3 && p[1] > 0 && p[1] < 16));
	if (p[1] <= 1) {
		probe_set_str(o, "refid", p + 12, strnlen((const char *)p + 12, 4));
	} else {
		snprintf(ref, sizeof(ref), "%u.%u.%u.%u", p[12], p[13], p[14], p[15]);
		json_object_set_new(o, "refid", json_string(ref));
	}
	json_object_set_new(out, "ntp", o);
	json_object_set_new(out, "service", json_string("ntp"));
	return PROBE_MATCH;
}

const struct probe probe_ntp = {
	.name = "ntp",
	.summary = "NTP mode 3 client request (never mode 6/7)",
	.ports = ntp_ports,
	.flags = PROBE_UDP,
	.max_reply = 1024,
	.timeout_ms = 2000,
	.hello = ntp_hello,
	.parse = ntp_parse,
};
