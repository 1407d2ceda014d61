/*
 * rd.c - bounded read cursor (see rd.h).
 */
#include "rd.h"

int
rd_copy(struct rd *r, void *dst, size_t n)
{
	const uint8_t *p;

	if (!rd_bytes(r, &p, n))
		return 0;
	if (n)
		memcpy(dst, p, n);
	return 1;
}

static int
rd_be(struct rd *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;

	if (!rd_bytes(r, &p, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | p[i];
	*v = x;
	return 1;
}

static int
rd_le(struct rd *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;

	if (!rd_bytes(r, &p, n))
		return 0;
	for (size_t i = n; i > 0; i--)
		x = (x << 8) | p[i - 1];
	*v = x;
	return 1;
}

int
rd_u8(struct rd *r, uint8_t *v)
{
	if (r->len < 1)
		return 0;
	*v = r->p[0];
	r->p++;
	r->len--;
	return 1;
}

#define RD_INT(name, fn, n, type)                                              \
	int name(struct rd *r, type *v)                                        \
	{                                                                      \
		uint64_t x;                                                    \
		if (!fn(r, n, &x))                                             \
			return 0;                                              \
		*v = (type)x;                                                  \
		return 1;                                                      \
	}

RD_INT(rd_be16, rd_be, 2, uint16_t)
RD_INT(rd_be24, rd_be, 3, uint32_t)
RD_INT(rd_be32, rd_be, 4, uint32_t)
RD_INT(rd_be64, rd_be, 8, uint64_t)
RD_INT(rd_le16, rd_le, 2, uint16_t)
RD_INT(rd_le32, rd_le, 4, uint32_t)
RD_INT(rd_le64, rd_le, 8, uint64_t)

int
rd_sub(struct rd *r, struct rd *sub, size_t n)
{
	const uint8_t *p;

	if (!rd_bytes(r, &p, n)) {
		rd_init(sub, NULL, 0);
		return 0;
	}
	rd_init(sub, p, n);
	return 1;
}

static int
rd_prefixed(struct rd *r, struct rd *sub, size_t lenbytes)
{
	struct rd save = *r;
	uint64_t n;

	if (!rd_be(r, lenbytes, &n) || n > r->len) {
		*r = save;
		rd_init(sub, NULL, 0);	/* a failed split leaves an empty child */
		return 0;
	}
	return rd_sub(r, sub, (size_t)n);
}

int
rd_u8_prefixed(struct rd *r, struct rd *sub)
{
	return rd_prefixed(r, sub, 1);
}

int
rd_be16_prefixed(struct rd *r, struct rd *sub)
{
	return rd_prefixed(r, sub, 2);
}

int
rd_be24_prefixed(struct rd *r, struct rd *sub)
{
	return rd_prefixed(r, sub, 3);
}

int
rd_be32_prefixed(struct rd *r, struct rd *sub)
{
	return rd_prefixed(r, sub, 4);
}

int
rd_peek_u8(const struct rd *r, size_t off, uint8_t *v)
{
	if (off >= r->len)
		return 0;
	*v = r->p[off];
	return 1;
}

long
rd_find(const struct rd *r, const void *needle, size_t nlen)
{
	if (nlen == 0 || nlen > r->len)
		return -1;
	const uint8_t *hit = memmem(r->p, r->len, needle, nlen);
	return hit ? (long)(hit - r->p) : -1;
}

void
rd_printable(const uint8_t *src, size_t n, char *dst, size_t dstlen)
{
	size_t o = 0;

	if (dstlen == 0)
		return;
	for (size_t i = 0; i < n && o + 1 < dstlen; i++)
		dst[o++] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '.';
	dst[o] = '\0';
}

int
rd_line(struct rd *r, char *dst, size_t dstlen)
{
	size_t n = 0;

	if (r->len == 0)
		return 0;
	while (n < r->len && r->p[n] != '\r' && r->p[n] != '\n')
		n++;
	rd_printable(r->p, n, dst, dstlen);
	r->p += n;
	r->len -= n;
	if (r->len && r->p[0] == '\r') {
		r->p++;
		r->len--;
	}
	if (r->len && r->p[0] == '\n') {
		r->p++;
		r->len--;
	}
	return 1;
}

/* Length of the well-formed UTF-8 sequence at p (2-4), or 0. */
static size_t
utf8_seq(const uint8_t *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	/* C1 controls U+0080-U+009F are not text either */
	if (cp < 0xa0)
		return 0;
	return len;
}

void
rd_text(const uint8_t *src, size_t n, char *dst, size_t dstlen)
{
	size_t o = 0, i = 0;

	if (dstlen == 0)
		return;
	while (i < n && o + 1 < dstlen) {
		size_t len = src[i] >= 0x80 ? utf8_seq(src + i, n - i) : 0;

		if (len) {
			if (o + len >= dstlen)
				break;	/* never split a character */
			memcpy(dst + o, src + i, len);
			o += len;
			i += len;
			continue;
		}
		if (src[i] == '\t' || src[i] == '\r' || src[i] == '\n')
			dst[o++] = ' ';
		else
			dst[o++] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '.';
		i++;
	}
	dst[o] = '\0';
}
