/*
 * cookie.h - stateless probe validation with a keyed hash.
 *
 * Every probe carries a tag computed from (target address, target port,
 * protocol, our source address) under a 128-bit key drawn at random for
 * each scan: the TCP sequence number is its low 32 bits and the source
 * port is derived from its high bits.  A reply is ours when the tag
 * recomputed from the reply's own addresses matches what it echoes (ack =
 * seq + 1, destination port = our source port).  No per-probe table is
 * kept: memory does not grow with the number of probes (zmap validate.c,
 * masscan syn-cookie.c).  The hash is SipHash-2-4.
 */
#ifndef HEIIKI_COOKIE_H
#define HEIIKI_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"

/* Source ports used by probes: COOKIE_SPORT_BASE .. + COOKIE_SPORT_COUNT - 1. */
#define COOKIE_SPORT_BASE 40960
#define COOKIE_SPORT_COUNT 16384

struct cookie_key {
	uint64_t k0, k1;
};

/* SipHash-2-4 of buf under key (the reference algorithm). */
uint64_t siphash24(const struct cookie_key *key, const void *buf, size_t len);

/* Fill key from the system's random source; -1 with err on failure. */
int cookie_key_random(struct cookie_key *key, char *err, size_t errlen);

/* The tag of a probe from src to dst:dport over proto (6, 17, 1, 58). */
uint64_t cookie_tag(const struct cookie_key *key, const struct addr *src,
		    const struct addr *dst, uint16_t dport, uint8_t proto);

static inline uint32_t
cookie_seq(uint64_t tag)
{
	return (uint32_t)tag;
}

static inline uint16_t
cookie_sport(uint64_t tag)
{
	return (uint16_t)(COOKIE_SPORT_BASE + (tag >> 32) % COOKIE_SPORT_COUNT);
}

/* 16 bits for the IPv4 identification field (quoted back by ICMP errors). */
static inline uint16_t
cookie_ipid(uint64_t tag)
{
	return (uint16_t)(tag >> 48);
}

#endif
