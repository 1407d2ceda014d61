/*
 * test_cookie.c - SipHash-2-4 and the probe tag.
 *
 * The hash is checked against the reference vector from the SipHash paper
 * and against OpenSSL's independent implementation on many random
 * inputs, so a slip in our code cannot hide behind a self-made vector.
 */
#include <criterion/criterion.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/sweep/cookie.h"

static void
key_from_bytes(struct cookie_key *k, const uint8_t b[16])
{
	k->k0 = 0;
	k->k1 = 0;
	for (int i = 7; i >= 0; i--) {
		k->k0 = (k->k0 << 8) | b[i];
		k->k1 = (k->k1 << 8) | b[8 + i];
	}
}

static uint64_t
openssl_siphash(const uint8_t key[16], const uint8_t *m, size_t len)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	EVP_MAC_CTX *ctx;
	size_t size = 8, outl = 0;
	uint8_t out[8];
	uint64_t v = 0;
	OSSL_PARAM params[2];

	cr_assert_not_null(mac);
	ctx = EVP_MAC_CTX_new(mac);
	cr_assert_not_null(ctx);
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	cr_assert_eq(EVP_MAC_init(ctx, key, 16, params), 1);
	cr_assert_eq(EVP_MAC_update(ctx, m, len), 1);
	cr_assert_eq(EVP_MAC_final(ctx, out, &outl, sizeof(out)), 1);
	cr_assert_eq(outl, 8);
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | out[i];
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return v;
}

Test(sweep_cookie, paper_vector)
{
	uint8_t kb[16], m[15];
	struct cookie_key k;

	for (int i = 0; i < 16; i++)
		kb[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	key_from_bytes(&k, kb);
	/* Aumasson & Bernstein, "SipHash", appendix A */
	cr_assert_eq(siphash24(&k, m, 15), 0xa129ca6149be45e5ULL);
	cr_assert_eq(siphash24(&k, m, 0), 0x726fdb47dd0e0e31ULL);
}

Test(sweep_cookie, matches_openssl_on_random_inputs)
{
	uint8_t kb[16], m[64];
	struct cookie_key k;

	srand(12345);
	for (int round = 0; round < 300; round++) {
		size_t len = (size_t)(rand() % 64);

		for (int i = 0; i < 16; i++)
			kb[i] = (uint8_t)rand();
		for (size_t i = 0; i < len; i++)
			m[i] = (uint8_t)rand();
		key_from_bytes(&k, kb);
		cr_assert_eq(siphash24(&k, m, len), openssl_siphash(kb, m, len),
			     "length %zu", len);
	}
}

Test(sweep_cookie, tag_depends_on_every_field_and_key)
{
	struct cookie_key k = { 1, 2 }, k2 = { 1, 3 };
	struct addr src, dst, dst2, src6;
	uint64_t t;

	cr_assert_eq(addr_parse("198.18.0.1", &src), 0);
	cr_assert_eq(addr_parse("198.18.1.10", &dst), 0);
	cr_assert_eq(addr_parse("198.18.1.11", &dst2), 0);
	cr_assert_eq(addr_parse("2001:db8::1", &src6), 0);
	t = cookie_tag(&k, &src, &dst, 443, 6);
	cr_assert_eq(t, cookie_tag(&k, &src, &dst, 443, 6));
	cr_assert_neq(t, cookie_tag(&k2, &src, &dst, 443, 6));
	cr_assert_neq(t, cookie_tag(&k, &src, &dst2, 443, 6));
	cr_assert_neq(t, cookie_tag(&k, &src6, &dst, 443, 6));
	cr_assert_neq(t, cookie_tag(&k, &src, &dst, 444, 6));
	cr_assert_neq(t, cookie_tag(&k, &src, &dst, 443, 17));
}

Test(sweep_cookie, sport_in_range_and_spread)
{
	struct cookie_key k;
	struct addr src, dst;
	unsigned lo = 65535, hi = 0, distinct = 0;
	static uint8_t seen[65536];
	char err[128];

	cr_assert_eq(cookie_key_random(&k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(addr_parse("198.18.0.1", &src), 0);
	for (unsigned i = 0; i < 4096; i++) {
		uint16_t sp;

		dst = addr_from_v4(0xc6120000u + i);
		sp = cookie_sport(cookie_tag(&k, &src, &dst, 80, 6));
		lo = sp < lo ? sp : lo;
		hi = sp > hi ? sp : hi;
		distinct += !seen[sp];
		seen[sp] = 1;
	}
	cr_assert_geq(lo, COOKIE_SPORT_BASE);
	cr_assert_lt(hi, COOKIE_SPORT_BASE + COOKIE_SPORT_COUNT);
	/* 4096 draws from 16384 ports: about 3,600 distinct expected */
	cr_assert_gt(distinct, 3000);
}

Test(sweep_cookie, random_keys_differ)
{
	struct cookie_key a, b;
	char err[128];

	cr_assert_eq(cookie_key_random(&a, err, sizeof(err)), 0);
	cr_assert_eq(cookie_key_random(&b, err, sizeof(err)), 0);
	cr_assert(a.k0 != b.k0 || a.k1 != b.k1);
}
