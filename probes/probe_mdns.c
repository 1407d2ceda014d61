/*
 * probe_mdns.c - one unicast mDNS query to udp/5353 (RFC 6762 6.7).
 *
 * Step 0 sends one standard DNS query from our ephemeral port (a "legacy
 * unicast" query, answered by unicast to that port) with two questions:
 * PTR _services._dns-sd._udp.local (the DNS-SD service type list, RFC 6763
 * 9) and, for an IPv4 target, PTR of its in-addr.arpa name (the responder's
 * own host name).  Never to the multicast group, never a probe or an
 * announcement.  Names are decompressed with the C library's dn_expand();
 * the record framing is read with the bounded cursor.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probe.h"

#define MDNS_MAX 9000
#define MDNS_RRS 64

static const uint16_t mdns_ports[] = { 5353, 0 };

static uint16_t
mdns_id(const struct probe_ctx *ctx)
{
	uint32_t h = 2166136261u;

	for (const char *s = ctx->host ? ctx->host : ""; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (uint16_t)(h ^ (h >> 16));
}

/* Append a dotted name as labels; returns new offset or 0 on overflow. */
static size_t
mdns_name(uint8_t *buf, size_t o, size_t cap, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		if (l == 0 || l > 63 || o + 1 + l + 1 > cap)
			return 0;
		buf[o++] = (uint8_t)l;
		memcpy(buf + o, name, l);
		o += l;
		name += l + (dot ? 1 : 0);
	}
	if (o + 1 > cap)
		return 0;
	buf[o++] = 0;
	return o;
}

/* The reverse name of an IPv4 target, or "" */
static void
mdns_rev(const struct probe_ctx *ctx, char *rev, size_t n)
{
	struct in_addr a;
	const uint8_t *b = (const uint8_t *)&a;

	*rev = 0;
	if (ctx->host && inet_pton(AF_INET, ctx->host, &a) == 1)
		snprintf(rev, n, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
}

static int
mdns_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	char rev[32];
	uint16_t id = mdns_id(ctx);
	size_t o;
	int qd;

	if (ctx->step != 0 || cap < 12)
		return -1;
	mdns_rev(ctx, rev, sizeof(rev));
	qd = *rev ? 2 : 1;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[5] = (uint8_t)qd;
	o = mdns_name(buf, 12, cap, "_services._dns-sd._udp.local");
	if (!o || o + 4 > cap)
		return -1;
	buf[o++] = 0; buf[o++] = 12;	/* PTR */
	buf[o++] = 0; buf[o++] = 1;	/* IN, QU bit clear: legacy unicast */
	if (*rev) {
		o = mdns_name(buf, o, cap, rev);
		if (!o || o + 4 > cap)
			return -1;
		buf[o++] = 0; buf[o++] = 12;
		buf[o++] = 0; buf[o++] = 1;
	}
	*len = o;
	return 0;
}

/* Expand the name at cursor r (inside msg[0..mlen)) and skip it. */
static int
mdns_expand(const uint8_t *msg, size_t mlen, struct rd *r, char *dst, int dlen)
{
	int n;

	if (!rd_left(r))
		return 0;
	n = dn_expand(msg, msg + mlen, rd_ptr(r), dst, dlen);
	if (n <= 0)
		return 0;
	return rd_skip(r, (size_t)n);
}

static void
mdns_add_unique(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	if (json_array_size(arr) < MDNS_RRS)
		json_array_append_new(arr, json_string(s));
}

static enum probe_verdict
mdns_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *msg = rd_ptr(in);
	size_t mlen = rd_left(in);
	uint16_t id, flags, qd, an, ns, ar;
	char name[NS_MAXDNAME], target[NS_MAXDNAME], rev[32], safe[256];
	json_t *o, *services, *hosts;
	unsigned total;

	if (ctx->step != 0 || !rd_be16(in, &id) || !rd_be16(in, &flags) ||
	    !rd_be16(in, &qd) || !rd_be16(in, &an) || !rd_be16(in, &ns) || !rd_be16(in, &ar))
		return PROBE_NO_MATCH;
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0)
		return PROBE_NO_MATCH;	/* not a standard-query response */
	if (id != mdns_id(ctx))
		return PROBE_NO_MATCH;
	if (qd > 8)
		return PROBE_MALFORMED;
	for (unsigned i = 0; i < qd; i++)
		if (!mdns_expand(msg, mlen, in, name, sizeof(name)) || !rd_skip(in, 4))
			return PROBE_MALFORMED;
	mdns_rev(ctx, rev, sizeof(rev));
	services = json_array();
	hosts = json_array();
	total = (unsigned)an + ns + ar;
	for (unsigned i = 0; i < total && i < MDNS_RRS * 2; i++) {
		uint16_t type, cls, rdlen;
		uint32_t ttl;
		struct rd rdata;

		if (!mdns_expand(msg, mlen, in, name, sizeof(name)) || !rd_be16(in, &type) ||
		    !rd_be16(in, &cls) || !rd_be32(in, &ttl) || !rd_be16(in, &rdlen) ||
		    !rd_sub(in, &rdata, rdlen)) {
			json_decref(services);
			json_decref(hosts);
			return PROBE_MALFORMED;
		}
		if (type != 12)
			continue;
		if (!mdns_expand(msg, mlen, &rdata, target, sizeof(target)))
			continue;
		rd_printable((const uint8_t *)target, strlen(target), safe, sizeof(safe));
		if (!strcasecmp(name, "_services._dns-sd._udp.local"))
			mdns_add_unique(services, safe);
		else if (*rev && !strcasecmp(name, rev))
			mdns_add_unique(hosts, safe);
	}
	o = json_object();
	json_object_set_new(o, "services", services);
	json_object_set_new(o, "answers", json_integer(an));
	if (json_array_size(hosts))
		json_object_set(o, "hostname", json_array_get(hosts, 0));
	json_decref(hosts);
	json_object_set_new(out, "mdns", o);
	json_object_set_new(out, "service", json_string("mdns"));
	return PROBE_MATCH;
}

const struct probe probe_mdns = {
	.name = "mdns",
	.summary = "unicast mDNS query: DNS-SD service types and the host's own name",
	.ports = mdns_ports,
	.flags = PROBE_UDP,
	.max_reply = MDNS_MAX,
	.timeout_ms = 2000,
	.hello = mdns_hello,
	.parse = mdns_parse,
};
