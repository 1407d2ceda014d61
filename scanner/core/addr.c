/*
 * addr.c - address, CIDR and range parsing and printing (see addr.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int
addr_is_v4(const struct addr *a)
{
	return (a->v >> 32) == 0xffff;
}

struct addr
addr_from_v4(uint32_t h)
{
	struct addr a = { ADDR_V4MAPPED | h };
	return a;
}

uint32_t
addr_v4(const struct addr *a)
{
	return (uint32_t)a->v;
}

void
addr_from_v6(struct addr *a, const uint8_t b[16])
{
	a->v = 0;
	for (int i = 0; i < 16; i++)
		a->v = (a->v << 8) | b[i];
}

void
addr_to_v6(const struct addr *a, uint8_t b[16])
{
	u128 v = a->v;

	for (int i = 15; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

int
addr_cmp(const struct addr *x, const struct addr *y)
{
	return x->v < y->v ? -1 : x->v > y->v;
}

unsigned
addr_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (addr_is_v4(a)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(addr_v4(a));
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		addr_to_v6(a, sin6->sin6_addr.s6_addr);
		return sizeof(*sin6);
	}
}

int
addr_parse(const char *s, struct addr *out)
{
	struct in_addr v4;
	uint8_t v6[16];

	if (!s)
		return -1;
	/* inet_pton accepts only strict dotted quad: no "1.2.3", no octal. */
	if (inet_pton(AF_INET, s, &v4) == 1) {
		*out = addr_from_v4(ntohl(v4.s_addr));
		return 0;
	}
	if (strchr(s, ':') && inet_pton(AF_INET6, s, v6) == 1) {
		addr_from_v6(out, v6);
		return 0;
	}
	return -1;
}

const char *
addr_fmt(const struct addr *a, char buf[ADDR_STRLEN])
{
	uint8_t b[16];

	if (addr_is_v4(a)) {
		uint32_t h = addr_v4(a);
		snprintf(buf, ADDR_STRLEN, "%u.%u.%u.%u", h >> 24, (h >> 16) & 255,
			 (h >> 8) & 255, h & 255);
		return buf;
	}
	addr_to_v6(a, b);
	if (!inet_ntop(AF_INET6, b, buf, ADDR_STRLEN))
		snprintf(buf, ADDR_STRLEN, "?");
	return buf;
}

static u128
host_mask(int bits)
{
	/* low `bits` bits set, 0 <= bits <= 128 */
	if (bits <= 0)
		return 0;
	if (bits >= 128)
		return ~(u128)0;
	return ((u128)1 << bits) - 1;
}

void
cidr_range(const struct cidr *c, struct range *r)
{
	int hostbits = (addr_is_v4(&c->a) ? 32 : 128) - c->plen;

	r->lo = c->a.v & ~host_mask(hostbits);
	r->hi = r->lo | host_mask(hostbits);
}

int
cidr_contains(const struct cidr *c, const struct addr *a)
{
	struct range r;

	cidr_range(c, &r);
	return a->v >= r.lo && a->v <= r.hi;
}

int
cidr_parse(const char *s, struct cidr *out, char *err, size_t errlen)
{
	char tmp[CIDR_STRLEN];
	const char *slash;
	int max, plen;
	struct range r;

	if (!s || strlen(s) >= sizeof(tmp)) {
		snprintf(err, errlen, "'%.60s' is not an address or CIDR", s ? s : "");
		return -1;
	}
	strcpy(tmp, s);
	slash = strchr(s, '/');
	if (slash)
		tmp[slash - s] = '\0';
	if (addr_parse(tmp, &out->a) < 0) {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address or CIDR", s);
		return -1;
	}
	max = addr_is_v4(&out->a) ? 32 : 128;
	plen = max;
	if (slash) {
		char *end;
		long v;

		if (slash[1] < '0' || slash[1] > '9') {
			snprintf(err, errlen, "'%s': prefix length is not a number", s);
			return -1;
		}
		v = strtol(slash + 1, &end, 10);
		if (*end || v < 0 || v > max) {
			snprintf(err, errlen, "'%s': prefix length must be 0-%d", s, max);
			return -1;
		}
		plen = (int)v;
	}
	out->plen = (uint8_t)plen;
	cidr_range(out, &r);
	if (r.lo != out->a.v) {
		struct addr net = { r.lo };
		char nb[ADDR_STRLEN];

		snprintf(err, errlen, "'%s' has host bits set (did you mean %s/%d?)",
			 s, addr_fmt(&net, nb), plen);
		return -1;
	}
	return 0;
}

const char *
cidr_fmt(const struct cidr *c, char buf[CIDR_STRLEN])
{
	char ab[ADDR_STRLEN];

	snprintf(buf, CIDR_STRLEN, "%s/%u", addr_fmt(&c->a, ab), c->plen);
	return buf;
}

int
range_is_v4(const struct range *r)
{
	struct addr a = { r->lo };
	return addr_is_v4(&a);
}

int
range_parse(const char *s, struct range *out, char *err, size_t errlen)
{
	const char *dash = strchr(s, '-');
	struct cidr c;

	if (dash && !strchr(s, '/')) {
		char lo[ADDR_STRLEN], hi[ADDR_STRLEN];
		struct addr a, b;
		size_t n = (size_t)(dash - s);

		if (n >= sizeof(lo) || strlen(dash + 1) >= sizeof(hi)) {
			snprintf(err, errlen, "'%.60s' is not a valid range", s);
			return -1;
		}
		memcpy(lo, s, n);
		lo[n] = '\0';
		strcpy(hi, dash + 1);
		if (addr_parse(lo, &a) < 0 || addr_parse(hi, &b) < 0) {
			snprintf(err, errlen,
				 "'%s' is not a valid range (expected FIRST-LAST addresses)", s);
			return -1;
		}
		if (addr_is_v4(&a) != addr_is_v4(&b)) {
			snprintf(err, errlen, "'%s' mixes IPv4 and IPv6", s);
			return -1;
		}
		if (a.v > b.v) {
			snprintf(err, errlen, "'%s': first address is above the last", s);
			return -1;
		}
		out->lo = a.v;
		out->hi = b.v;
		return 0;
	}
	if (cidr_parse(s, &c, err, errlen) < 0)
		return -1;
	cidr_range(&c, out);
	return 0;
}

const char *
range_fmt(const struct range *r, char *buf, size_t len)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	struct addr lo = { r->lo }, hi = { r->hi };
	int max = addr_is_v4(&lo) ? 32 : 128;
	u128 size = r->hi - r->lo;

	/* A CIDR is an aligned block whose size is a power of two. */
	if ((size & (size + 1)) == 0 && (r->lo & size) == 0) {
		int hostbits = 0;

		while (hostbits < 128 && (size >> hostbits) & 1)
			hostbits++;
		if (hostbits <= max) {
			snprintf(buf, len, "%s/%d", addr_fmt(&lo, a), max - hostbits);
			return buf;
		}
	}
	snprintf(buf, len, "%s-%s", addr_fmt(&lo, a), addr_fmt(&hi, b));
	return buf;
}

/* --- special (shared-medium, non-unicast) blocks --------------------- */

#define V4(a, b, c, d) (ADDR_V4MAPPED | ((u128)(a) << 24) | ((u128)(b) << 16) | \
			((u128)(c) << 8) | (u128)(d))
#define V6HI(h) ((u128)(h) << 112)

static const struct special {
	u128 lo, hi;
	unsigned cls;
	const char *name, *block;
} specials[] = {
	/* the most specific first: addr_special returns the first match */
	{ V4(255, 255, 255, 255), V4(255, 255, 255, 255), ADDR_SP_BROADCAST,
	  "broadcast", "255.255.255.255" },
	{ V4(0, 0, 0, 0), V4(0, 255, 255, 255), ADDR_SP_THISNET, "this-network", "0.0.0.0/8" },
	{ V4(127, 0, 0, 0), V4(127, 255, 255, 255), ADDR_SP_LOOPBACK, "loopback", "127.0.0.0/8" },
	{ V4(169, 254, 0, 0), V4(169, 254, 255, 255), ADDR_SP_LINKLOCAL, "link-local",
	  "169.254.0.0/16" },
	{ V4(224, 0, 0, 0), V4(239, 255, 255, 255), ADDR_SP_MULTICAST, "multicast", "224.0.0.0/4" },
	{ V4(240, 0, 0, 0), V4(255, 255, 255, 254), ADDR_SP_RESERVED, "reserved", "240.0.0.0/4" },
	{ 0, 0, ADDR_SP_THISNET, "unspecified", "::" },
	{ 1, 1, ADDR_SP_LOOPBACK, "loopback", "::1" },
	{ 2, ((u128)1 << 32) - 1, ADDR_SP_RESERVED, "reserved", "::/96" },
	{ V6HI(0xfe80), V6HI(0xfebf) | (((u128)1 << 112) - 1), ADDR_SP_LINKLOCAL, "link-local",
	  "fe80::/10" },
	{ V6HI(0xfec0), V6HI(0xfeff) | (((u128)1 << 112) - 1), ADDR_SP_RESERVED, "reserved",
	  "fec0::/10" },
	{ V6HI(0xff00), ~(u128)0, ADDR_SP_MULTICAST, "multicast", "ff00::/8" },
};

const char *
addr_special(const struct addr *a, unsigned *cls)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (a->v >= specials[i].lo && a->v <= specials[i].hi) {
			if (cls)
				*cls = specials[i].cls;
			return specials[i].name;
		}
	if (cls)
		*cls = 0;
	return NULL;
}

const char *
range_special(const struct range *r, unsigned allow, const char **block, unsigned *cls)
{
	allow &= ~(unsigned)ADDR_SP_NEVER;
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		const struct special *s = &specials[i];

		if (s->cls & allow || r->hi < s->lo || r->lo > s->hi)
			continue;
		if (block)
			*block = s->block;
		if (cls)
			*cls = s->cls;
		return s->name;
	}
	return NULL;
}

unsigned
addr_special_class(const char *name)
{
	if (!strcmp(name, "this-network") || !strcmp(name, "unspecified"))
		return ADDR_SP_THISNET;
	if (!strcmp(name, "loopback"))
		return ADDR_SP_LOOPBACK;
	if (!strcmp(name, "link-local"))
		return ADDR_SP_LINKLOCAL;
	if (!strcmp(name, "reserved"))
		return ADDR_SP_RESERVED;
	return 0;
}

int
mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char sep = 0;

	if (!s || strlen(s) != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		char hex[3] = { s[i * 3], s[i * 3 + 1], 0 };
		char *end;

		if (i < 5) {
			char c = s[i * 3 + 2];
			if ((c != ':' && c != '-') || (sep && c != sep))
				return -1;
			sep = c;
		}
		if (!strchr("0123456789abcdefABCDEF", hex[0]) || !hex[0] ||
		    !strchr("0123456789abcdefABCDEF", hex[1]) || !hex[1])
			return -1;
		v[i] = (unsigned)strtoul(hex, &end, 16);
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

const char *
mac_fmt(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}
