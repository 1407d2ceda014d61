/*
 * test_ber.c - the BER TLV reader and header writer shared by the LDAP
 * and Kerberos probes (probes/ber.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "probes/ber.h"

static int
tlv(const uint8_t *b, size_t n, uint32_t max, uint8_t *tag, size_t *vlen)
{
	struct rd r, v;
	int k;

	rd_init(&r, b, n);
	k = ber_tlv(&r, tag, &v, max);
	if (k == 1)
		*vlen = rd_left(&v);
	return k;
}

Test(ber, reads_short_and_long_forms)
{
	static const uint8_t s[] = { 0x04, 0x03, 'a', 'b', 'c', 0xff };
	static const uint8_t l[] = { 0x30, 0x82, 0x01, 0x00 };
	uint8_t big[4 + 256], tag = 0;
	size_t n = 0;

	cr_assert_eq(tlv(s, sizeof(s), 100, &tag, &n), 1);
	cr_assert_eq(tag, 0x04);
	cr_assert_eq(n, 3);
	memset(big, 0, sizeof(big));
	memcpy(big, l, sizeof(l));
	cr_assert_eq(tlv(big, sizeof(big), 1000, &tag, &n), 1);
	cr_assert_eq(tag, 0x30);
	cr_assert_eq(n, 256);
}

Test(ber, short_input_needs_more)
{
	static const uint8_t a[] = { 0x04 };
	static const uint8_t b[] = { 0x04, 0x82, 0x01 };
	static const uint8_t c[] = { 0x04, 0x05, 'a' };
	uint8_t tag;
	size_t n;

	cr_assert_eq(tlv(a, sizeof(a), 100, &tag, &n), 0);
	cr_assert_eq(tlv(b, sizeof(b), 1000, &tag, &n), 0);
	cr_assert_eq(tlv(c, sizeof(c), 100, &tag, &n), 0);
}

Test(ber, malformed_lengths_are_refused)
{
	static const uint8_t indef[] = { 0x30, 0x80, 0, 0 };
	static const uint8_t five[] = { 0x30, 0x85, 0, 0, 0, 0, 1, 0 };
	static const uint8_t over[] = { 0x04, 0x82, 0x10, 0x00 };
	uint8_t tag;
	size_t n;

	cr_assert_eq(tlv(indef, sizeof(indef), 100, &tag, &n), -1);
	cr_assert_eq(tlv(five, sizeof(five), 100, &tag, &n), -1);
	/* 4096 > max 4095: refused before the bytes are even looked for */
	cr_assert_eq(tlv(over, sizeof(over), 4095, &tag, &n), -1);
}

Test(ber, writer_round_trips)
{
	uint8_t in[200], out[300], tag;
	size_t w, n;

	memset(in, 'x', sizeof(in));
	w = ber_wrap(out, 0x04, in, 5);
	cr_assert_eq(w, 7);
	cr_assert_eq(tlv(out, w, 100, &tag, &n), 1);
	cr_assert_eq(n, 5);
	w = ber_wrap(out, 0x30, in, sizeof(in));
	cr_assert_eq(w, 3 + sizeof(in));
	cr_assert_eq(out[1], 0x81);
	cr_assert_eq(tlv(out, w, 1000, &tag, &n), 1);
	cr_assert_eq(tag, 0x30);
	cr_assert_eq(n, sizeof(in));
}
