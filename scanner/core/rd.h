/*
 * rd.h - bounded read cursor: the ONLY way heiiki touches untrusted bytes.
 *
 * Packets, banners, pcap records and probe replies are read through a
 * struct rd, a {pointer, length} slice in the style of BoringSSL's CBS.
 * Every getter returns 1 and advances on success, and returns 0 without
 * moving when the bytes are not there.  Callers test each result (or chain
 * them with &&) and return MALFORMED / TRUNCATED themselves: nothing here
 * asserts, longjmps or exits on peer-controlled data.
 */
#ifndef HEIIKI_RD_H
#define HEIIKI_RD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	size_t len;
};

static inline void
rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = (const uint8_t *)p;
	r->len = p ? len : 0;
}

static inline size_t
rd_left(const struct rd *r)
{
	return r->len;
}

static inline const uint8_t *
rd_ptr(const struct rd *r)
{
	return r->p;
}

/* Advance past n bytes. */
static inline int
rd_skip(struct rd *r, size_t n)
{
	if (r->len < n)
		return 0;
	r->p += n;
	r->len -= n;
	return 1;
}

/* Point *p at the next n bytes and advance past them (inline: every
 * decoded header goes through here). */
static inline int
rd_bytes(struct rd *r, const uint8_t **p, size_t n)
{
	if (r->len < n)
		return 0;
	*p = r->p;
	r->p += n;
	r->len -= n;
	return 1;
}

int rd_u8(struct rd *r, uint8_t *v);
int rd_be16(struct rd *r, uint16_t *v);
int rd_be24(struct rd *r, uint32_t *v);
int rd_be32(struct rd *r, uint32_t *v);
int rd_be64(struct rd *r, uint64_t *v);
int rd_le16(struct rd *r, uint16_t *v);
int rd_le32(struct rd *r, uint32_t *v);
int rd_le64(struct rd *r, uint64_t *v);
/* Copy the next n bytes into dst. */
int rd_copy(struct rd *r, void *dst, size_t n);
/* Split the next n bytes off into *sub (a child cursor) and advance; on
 * failure *sub is left empty and r does not move. */
int rd_sub(struct rd *r, struct rd *sub, size_t n);
/* Length-prefixed children (TLS/SSH style). */
int rd_u8_prefixed(struct rd *r, struct rd *sub);
int rd_be16_prefixed(struct rd *r, struct rd *sub);
int rd_be24_prefixed(struct rd *r, struct rd *sub);
int rd_be32_prefixed(struct rd *r, struct rd *sub);
/* Peek without advancing. */
int rd_peek_u8(const struct rd *r, size_t off, uint8_t *v);
/* Offset of the first occurrence of needle, or -1. */
long rd_find(const struct rd *r, const void *needle, size_t nlen);
/*
 * Copy up to the next line end (CR or LF, not included) into dst as a
 * printable, NUL-terminated string (non-printable bytes become '.'), and
 * advance past the line end.  Returns 0 when no byte is left.
 */
int rd_line(struct rd *r, char *dst, size_t dstlen);

/*
 * Render untrusted bytes as a printable, NUL-terminated string: printable
 * ASCII is kept, everything else becomes '.', and output stops at dstlen-1.
 */
void rd_printable(const uint8_t *src, size_t n, char *dst, size_t dstlen);

/*
 * Like rd_printable, but well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF) is kept, so Japanese page titles and banners
 * survive; TAB, CR and LF become ' '.  The output is always valid UTF-8 and
 * never ends inside a multi-byte sequence.
 */
void rd_text(const uint8_t *src, size_t n, char *dst, size_t dstlen);

#endif
