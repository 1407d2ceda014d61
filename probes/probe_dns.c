/*
 * probe_dns.c - DNS over UDP and TCP: version.bind, then one harmless query.
 *
 * Step 0: a query for "version.bind" TXT in class CHAOS (id 0x4845, no
 * recursion desired) - BIND, Unbound, NSD, dnsmasq and PowerDNS answer it
 * with their name/version unless hidden; REFUSED/NOTIMP still proves DNS.
 * Step 1 (same socket/connection): "." NS in class IN, no recursion
 * desired - answered from any server's root hints or refused; the header
 * shows whether the server is authoritative (AA) and offers recursion (RA).
 * Over TCP every message carries the 2-byte length prefix (RFC 1035 4.2.2).
 * Nothing recursive is ever asked, so the server never queries outside.
 * Fields: dns.version_bind (the TXT), dns.rcode, dns.recursion_available,
 * dns.authoritative, dns.root_ns_rcode; the product rules name the server.
 */
#include <string.h>

#include "probe.h"

static const uint16_t dns_ports[] = { 53, 0 };

static int
dns_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len, int tcp)
{
	static const uint8_t vb[] = {
		0x48, 0x45, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0,
		0, 16, 0, 3,
	};
	static const uint8_t root[] = {
		0x48, 0x46, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		0, 0, 2, 0, 1,
	};
	const uint8_t *q = ctx->step == 0 ? vb : root;
	size_t n = ctx->step == 0 ? sizeof(vb) : sizeof(root), o = tcp ? 2 : 0;

	if (ctx->step > 1 || cap < n + o)
		return -1;
	if (tcp) {
		buf[0] = 0;
		buf[1] = (uint8_t)n;
	}
	memcpy(buf + o, q, n);
	*len = n + o;
	return 0;
}

static int
dns_hello_udp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return dns_hello(ctx, buf, cap, len, 0);
}

static int
dns_hello_tcp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return dns_hello(ctx, buf, cap, len, 1);
}

/* Skip a (possibly compressed) domain name; 0 when it is broken. */
static int
dns_skip_name(struct rd *r)
{
	for (int labels = 0; labels < 128; labels++) {
		uint8_t l;

		if (!rd_u8(r, &l))
			return 0;
		if (l == 0)
			return 1;
		if ((l & 0xc0) == 0xc0)
			return rd_skip(r, 1);
		if (l & 0xc0)
			return 0;
		if (!rd_skip(r, l))
			return 0;
	}
	return 0;
}

static const char *
dns_rcode(unsigned rc)
{
	static const char *const n[] = { "noerror", "formerr", "servfail", "nxdomain",
					 "notimp", "refused" };

	return rc < 6 ? n[rc] : "other";
}

static enum probe_verdict
dns_parse_msg(const struct probe_ctx *ctx, struct rd *m, json_t *out)
{
	uint16_t id, flags, qd, an, ns, ar;
	json_t *o = json_object_get(out, "dns");

	if (!rd_be16(m, &id) || !rd_be16(m, &flags) || !rd_be16(m, &qd) || !rd_be16(m, &an) ||
	    !rd_be16(m, &ns) || !rd_be16(m, &ar))
		return PROBE_NO_MATCH;
	if (id != (ctx->step == 0 ? 0x4845 : 0x4846) || !(flags & 0x8000) || qd > 1)
		return PROBE_NO_MATCH;
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "dns", o);
	}
	json_object_set_new(out, "service", json_string("dns"));
	json_object_set_new(o, "recursion_available", json_boolean(flags & 0x0080));
	if (ctx->step == 1) {
		json_object_set_new(o, "root_ns_rcode", json_string(dns_rcode(flags & 15)));
		json_object_set_new(o, "authoritative", json_boolean(flags & 0x0400));
		return PROBE_MATCH;
	}
	json_object_set_new(o, "rcode", json_string(dns_rcode(flags & 15)));
	if (qd && (!dns_skip_name(m) || !rd_skip(m, 4)))
		return PROBE_NEXT_STEP;
	for (unsigned i = 0; i < an && i < 8; i++) {
		uint16_t type, cls, rdlen;
		struct rd rdata, txt;

		if (!dns_skip_name(m) || !rd_be16(m, &type) || !rd_be16(m, &cls) ||
		    !rd_skip(m, 4) || !rd_be16(m, &rdlen) || !rd_sub(m, &rdata, rdlen))
			break;
		if (type == 16 && rd_u8_prefixed(&rdata, &txt)) {
			probe_set_str(o, "version_bind", rd_ptr(&txt), rd_left(&txt));
			break;
		}
	}
	return PROBE_NEXT_STEP;
}

static enum probe_verdict
dns_parse_udp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	enum probe_verdict v;

	if (!rd_left(in))
		return ctx->step ? PROBE_MATCH : ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	v = dns_parse_msg(ctx, in, out);
	if (v == PROBE_NO_MATCH && ctx->step == 1)
		return PROBE_MATCH;	/* keep step 0 */
	return v;
}

static enum probe_verdict
dns_parse_tcp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct rd m;
	enum probe_verdict v;

	if (!rd_left(in) && ctx->step)
		return PROBE_MATCH;
	if (!rd_be16_prefixed(in, &m))
		return ctx->eof ? (ctx->step ? PROBE_MATCH : PROBE_NO_MATCH) : PROBE_NEED_MORE;
	v = dns_parse_msg(ctx, &m, out);
	if (v == PROBE_NO_MATCH && ctx->step == 1)
		return PROBE_MATCH;
	return v;
}

const struct probe probe_dns = {
	.name = "dns",
	.summary = "DNS/UDP: version.bind CHAOS TXT, then . NS without recursion",
	.ports = dns_ports,
	.flags = PROBE_UDP,
	.max_reply = 4096,
	.timeout_ms = 2000,
	.hello = dns_hello_udp,
	.parse = dns_parse_udp,
};

const struct probe probe_dns_tcp = {
	.name = "dns-tcp",
	.summary = "DNS/TCP: version.bind CHAOS TXT, then . NS without recursion",
	.ports = dns_ports,
	.max_reply = 8192,
	.timeout_ms = 3000,
	.hello = dns_hello_tcp,
	.parse = dns_parse_tcp,
};
