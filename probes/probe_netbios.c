/*
 * probe_netbios.c - NetBIOS node status (NBSTAT) request, udp/137.
 *
 * Step 0 sends one unicast NODE STATUS REQUEST (RFC 1002 4.2.17) for the
 * wildcard name "*" and reads the NODE STATUS RESPONSE (4.2.18): the node's
 * registered names (15 characters + suffix + flags) and the unit ID
 * (usually the MAC address).  Hostname = first unique name with suffix
 * 0x00, workgroup/domain = first group name with suffix 0x00; 0x20 means
 * the file server service.  Never a broadcast, never a registration.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define NB_MAX 1500
#define NB_NAMES 64

static const uint16_t nb_ports[] = { 137, 0 };

static uint16_t
nb_id(const struct probe_ctx *ctx)
{
	uint32_t h = 2166136261u;

	for (const char *s = ctx->host ? ctx->host : ""; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (uint16_t)(h ^ (h >> 16) ^ 0x4e42);
}

static int
nb_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	uint16_t id = nb_id(ctx);
	size_t o = 0;

	if (ctx->step != 0 || cap < 50)
		return -1;
	buf[o++] = (uint8_t)(id >> 8);
	buf[o++] = (uint8_t)id;
	memset(buf + o, 0, 10);
	buf[5] = 1;			/* QDCOUNT */
	o += 10;
	buf[o++] = 32;			/* "*" + 15 NULs, first-level encoded */
	buf[o++] = 'C';
	buf[o++] = 'K';
	memset(buf + o, 'A', 30);
	o += 30;
	buf[o++] = 0;
	buf[o++] = 0; buf[o++] = 0x21;	/* NBSTAT */
	buf[o++] = 0; buf[o++] = 0x01;	/* IN */
	*len = o;
	return 0;
}

/* Skip the RR name: a 32-byte encoded label or a compression pointer. */
static int
nb_skip_name(struct rd *r)
{
	uint8_t l;

	for (int i = 0; i < 8; i++) {
		if (!rd_u8(r, &l))
			return 0;
		if (l == 0)
			return 1;
		if ((l & 0xc0) == 0xc0)
			return rd_skip(r, 1);
		if (l > 63 || !rd_skip(r, l))
			return 0;
	}
	return 0;
}

static enum probe_verdict
nb_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint16_t id, flags, qd, an, type, cls, rdlen;
	uint32_t ttl;
	uint8_t count;
	struct rd rdata;
	json_t *names, *o;
	const char *host = NULL, *group = NULL;

	if (ctx->step != 0 || !rd_be16(in, &id) || !rd_be16(in, &flags))
		return PROBE_NO_MATCH;
	if (id != nb_id(ctx) || !(flags & 0x8000))
		return PROBE_NO_MATCH;
	if (!rd_be16(in, &qd) || !rd_be16(in, &an) || !rd_skip(in, 4))
		return PROBE_MALFORMED;
	if (an == 0)
		return PROBE_NO_MATCH;	/* negative answer */
	if (qd != 0 || !nb_skip_name(in) || !rd_be16(in, &type) || !rd_be16(in, &cls) ||
	    !rd_be32(in, &ttl) || !rd_be16(in, &rdlen) || !rd_sub(in, &rdata, rdlen))
		return PROBE_MALFORMED;
	if (type != 0x21 || cls != 1)
		return PROBE_NO_MATCH;
	if (!rd_u8(&rdata, &count) || rd_left(&rdata) < (size_t)count * 18)
		return PROBE_MALFORMED;
	names = json_array();
	for (unsigned i = 0; i < count && i < NB_NAMES; i++) {
		const uint8_t *e;
		char nm[16];
		size_t n = 15;
		int grp;
		json_t *v;

		if (!rd_bytes(&rdata, &e, 18))
			break;
		while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == 0))
			n--;
		rd_printable(e, n, nm, sizeof(nm));
		grp = (e[16] & 0x80) != 0;
		v = json_pack("{s:s,s:i,s:b,s:b}", "name", nm, "suffix", e[15],
		    "group", grp, "active", (e[16] & 0x04) != 0);
		json_array_append_new(names, v);
		if (e[15] == 0 && !grp && !host)
			host = json_string_value(json_object_get(v, "name"));
		if (e[15] == 0 && grp && !group)
			group = json_string_value(json_object_get(v, "name"));
	}
	o = json_object();
	json_object_set_new(o, "names", names);
	if (host)
		json_object_set_new(o, "hostname", json_string(host));
	if (group)
		json_object_set_new(o, "workgroup", json_string(group));
	if (count <= NB_NAMES && rd_left(&rdata) >= 6) {
		const uint8_t *m = rd_ptr(&rdata);
		char mac[18];

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    m[0], m[1], m[2], m[3], m[4], m[5]);
		json_object_set_new(o, "mac", json_string(mac));
	}
	json_object_set_new(out, "netbios", o);
	json_object_set_new(out, "service", json_string("netbios-ns"));
	return PROBE_MATCH;
}

const struct probe probe_netbios = {
	.name = "netbios",
	.summary = "NetBIOS node status request (unicast) -> names, workgroup, MAC",
	.ports = nb_ports,
	.flags = PROBE_UDP,
	.max_reply = NB_MAX,
	.timeout_ms = 2000,
	.hello = nb_hello,
	.parse = nb_parse,
};
