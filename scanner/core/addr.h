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

/*
 * Addresses that are never a single host of the hospital, reached through a
 * shared medium or not at all: every device on a segment receives a frame
 * sent to a broadcast or multicast address, and the others are this host,
 * the link only, or not assignable.
 *
 *   IPv4: 0.0.0.0/8 this-network, 127.0.0.0/8 loopback, 169.254.0.0/16
 *         link-local, 224.0.0.0/4 multicast, 255.255.255.255 broadcast,
 *         240.0.0.0/4 reserved.
 *   IPv6: :: unspecified, ::1 loopback, fe80::/10 link-local, ff00::/8
 *         multicast, ::/96 (IPv4-compatible) and fec0::/10 (site-local)
 *         reserved.
 *
 * Classes as bits, so a caller can allow some explicitly; broadcast and
 * multicast are refused even then (ADDR_SP_NEVER).
 */
enum {
	ADDR_SP_THISNET = 1u << 0,
	ADDR_SP_LOOPBACK = 1u << 1,
	ADDR_SP_LINKLOCAL = 1u << 2,
	ADDR_SP_RESERVED = 1u << 3,
	ADDR_SP_MULTICAST = 1u << 4,
	ADDR_SP_BROADCAST = 1u << 5,
};
#define ADDR_SP_NEVER (ADDR_SP_MULTICAST | ADDR_SP_BROADCAST)
/* The class name ("loopback", ...) of a, or NULL for an ordinary address;
 * *cls (may be NULL) gets its ADDR_SP_ bit. */
const char *addr_special(const struct addr *a, unsigned *cls);
/*
 * The first special block that r overlaps and that allow does not permit
 * (ADDR_SP_NEVER bits in allow are ignored), or NULL.  *block gets the
 * block's text ("224.0.0.0/4"), *cls its bit.
 */
const char *range_special(const struct range *r, unsigned allow, const char **block,
			  unsigned *cls);
/* Class name -> bit ("loopback", "link-local", "reserved", "this-network");
 * 0 for an unknown name or one that can never be allowed. */
unsigned addr_special_class(const char *name);

/* MAC addresses "aa:bb:cc:dd:ee:ff" (also '-' separated). */
int mac_parse(const char *s, uint8_t mac[6]);
const char *mac_fmt(const uint8_t mac[6], char buf[18]);

#endif
