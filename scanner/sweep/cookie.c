/*
 * cookie.c - SipHash-2-4 and the probe tag (see cookie.h).
 *
 * SipHash is Aumasson and Bernstein's keyed PRF: short inputs, 64-bit
 * output, and unforgeable without the key, which is what a stateless
 * scanner needs to tell its own replies from spoofed or stale ones.  The
 * test suite checks this implementation against OpenSSL's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cookie.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do {						\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0;		\
		v0 = ROTL(v0, 32);				\
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;		\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;		\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2;		\
		v2 = ROTL(v2, 32);				\
	} while (0)

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t
siphash24(const struct cookie_key *key, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	uint64_t v0 = 0x736f6d6570736575ULL ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ key->k0;
	uint64_t v3 = 0x7465646279746573ULL ^ key->k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t full = len & ~(size_t)7;

	for (size_t i = 0; i < full; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t i = full; i < len; i++)
		b |= (uint64_t)in[i] << (8 * (i - full));
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

int
cookie_key_random(struct cookie_key *key, char *err, size_t errlen)
{
	uint8_t b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	key->k0 = le64(b);
	key->k1 = le64(b + 8);
	return 0;
}

uint64_t
cookie_tag(const struct cookie_key *key, const struct addr *src,
	   const struct addr *dst, uint16_t dport, uint8_t proto)
{
	uint8_t m[35];

	addr_to_v6(dst, m);
	addr_to_v6(src, m + 16);
	m[32] = (uint8_t)(dport >> 8);
	m[33] = (uint8_t)dport;
	m[34] = proto;
	return siphash24(key, m, sizeof(m));
}
