/*
 * addr.h - IPv4/IPv6 addresses, CIDRs and ranges.
 *
 * One representation for both families: a 128-bit integer in host order.
 * IPv4 a.b.c.d is kept as the IPv4-mapped IPv6 address ::ffff:a.b.c.d, so
 * sets, ranges and comparisons need no family switch.  Printing turns a
 * mapped address back into dotted quad.  Prefix lengths are kept in the
 * family's own terms (0-32 for IPv4, 0-128 for IPv6).
 */
#ifndef HEIIKI_ADDR_H
#define HEIIKI_ADDR_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 u128;

#define ADDR_STRLEN 48		/* fits any IPv6 text form plus NUL */
#define CIDR_STRLEN 56
#define ADDR_V4MAPPED ((u128)0xffff << 32)

struct addr {
	u128 v;
};

struct cidr {
	struct addr a;		/* network address (host bits cleared) */
	uint8_t plen;		/* in the family's terms */
};

struct range {
	u128 lo, hi;		/* inclusive */
};

int addr_is_v4(const struct addr *a);
/* 0 on success, -1 when s is not an IPv4 or IPv6 address. */
int addr_parse(const char *s, struct addr *out);
const char *addr_fmt(const struct addr *a, char buf[ADDR_STRLEN]);
struct addr addr_from_v4(uint32_t host_order);
uint32_t addr_v4(const struct addr *a);	/* host order */
void addr_from_v6(struct addr *a, const uint8_t b[16]);
void addr_to_v6(const struct addr *a, uint8_t b[16]);
int addr_cmp(const struct addr *x, const struct addr *y);
/* Fill a sockaddr_in/in6 for connect()/sendto(); returns its length. */
struct sockaddr_storage;
unsigned addr_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss);

/*
 * Parse "a.b.c.d", "a.b.c.d/n", "v6", "v6/n".  Host bits set below the
 * prefix are an error (a common typo that hides a wrong mask): the message
 * names the value.  Returns 0 or -1 with err filled.
 */
int cidr_parse(const char *s, struct cidr *out, char *err, size_t errlen);
const char *cidr_fmt(const struct cidr *c, char buf[CIDR_STRLEN]);
void cidr_range(const struct cidr *c, struct range *r);
int cidr_contains(const struct cidr *c, const struct addr *a);

/*
 * Parse any target expression: address, CIDR, or "first-last" range (both
 * ends of one family, first <= last).  Returns 0 or -1 with err filled.
 */
int range_parse(const char *s, struct range *out, char *err, size_t errlen);
int range_is_v4(const struct range *r);
/* Print as CIDR when it is one, else "lo-hi". */
const char *range_fmt(const struct range *r, char *buf, size_t len);

/* MAC addresses "aa:bb:cc:dd:ee:ff" (also '-' separated). */
int mac_parse(const char *s, uint8_t mac[6]);
const char *mac_fmt(const uint8_t mac[6], char buf[18]);

#endif
