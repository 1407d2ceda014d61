/*
 * ber.c - BER/DER TLV header writer and bounded reader (see ber.h).
 */
#include <string.h>

#include "ber.h"

size_t
ber_hdr(uint8_t *b, size_t o, uint8_t tag, size_t len)
{
	b[o++] = tag;
	if (len > 127)
		b[o++] = 0x81;
	b[o++] = (uint8_t)len;
	return o;
}

size_t
ber_wrap(uint8_t *dst, uint8_t tag, const uint8_t *in, size_t n)
{
	size_t o = ber_hdr(dst, 0, tag, n);

	memcpy(dst + o, in, n);
	return o + n;
}

int
ber_tlv(struct rd *r, uint8_t *tag, struct rd *val, uint32_t max_len)
{
	uint8_t l;
	uint32_t len = 0;

	if (!rd_u8(r, tag) || !rd_u8(r, &l))
		return 0;
	if (l & 0x80) {
		int n = l & 0x7f;

		if (n == 0 || n > 4)
			return -1;	/* indefinite, or beyond 4 GiB */
		for (int i = 0; i < n; i++) {
			uint8_t b;

			if (!rd_u8(r, &b))
				return 0;
			len = len << 8 | b;
		}
	} else {
		len = l;
	}
	if (len > max_len)
		return -1;
	return rd_sub(r, val, len) ? 1 : 0;
}
