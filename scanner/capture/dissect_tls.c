/*
 * dissect_tls.c - server_name from a TLS ClientHello (RFC 8446 4.1.2,
 * RFC 6066 section 3).
 *
 *   record:      type(1)=22 version(2)=3.x length(2)
 *   handshake:   type(1)=1 length(3)
 *   ClientHello: version(2) random(32) session_id<0..32> (u8 prefix)
 *                cipher_suites (u16 prefix) compression (u8 prefix)
 *                extensions (u16 prefix): type(2) data (u16 prefix)
 *   server_name: list (u16 prefix) of name_type(1)=0 host_name (u16 prefix)
 *
 * Only the bytes of this one payload are read: a ClientHello cut by TCP
 * segmentation or snaplen is parsed as far as it goes, and a length that
 * runs past the captured bytes shortens the view instead of failing (that
 * is truncation, not a lie).  A length that contradicts its parent's
 * length is malformed.
 */
#include <string.h>

#include "scanner/core/rd.h"
#include "dissect.h"

/* Cursor of n bytes, or of what is left when fewer were captured. */
static void
rd_sub_avail(struct rd *r, struct rd *sub, size_t n)
{
	if (n > rd_left(r))
		n = rd_left(r);
	rd_sub(r, sub, n);
}

static int
sni_from_ext(struct rd *ext, char *out, size_t outlen)
{
	struct rd list, name;
	uint8_t type;

	if (!rd_be16_prefixed(ext, &list))
		return -1;
	while (rd_left(&list)) {
		if (!rd_u8(&list, &type) || !rd_be16_prefixed(&list, &name))
			return -1;
		if (type != 0 || rd_left(&name) == 0)
			continue;
		size_t n = rd_left(&name), o = 0;
		for (size_t i = 0; i < n && o + 1 < outlen; i++) {
			uint8_t c = rd_ptr(&name)[i];
			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			out[o++] = (c > 0x20 && c < 0x7f) ? (char)c : '.';
		}
		out[o] = '\0';
		return 1;
	}
	return 0;
}

static int
tls_client_hello(struct rd *ch, char *out, size_t outlen)
{
	struct rd sid, suites, comp, exts, ext;
	uint16_t type, elen;

	if (!rd_skip(ch, 2 + 32) || !rd_u8_prefixed(ch, &sid) ||
	    !rd_be16_prefixed(ch, &suites) || !rd_u8_prefixed(ch, &comp))
		return 0;	/* cut short before the extensions */
	if (rd_left(&sid) > 32)
		return -1;
	if (!rd_be16(ch, &elen))
		return 0;
	rd_sub_avail(ch, &exts, elen);
	while (rd_left(&exts) >= 4) {
		if (!rd_be16(&exts, &type) || !rd_be16(&exts, &elen))
			return 0;
		if (elen > rd_left(&exts))
			return 0;	/* extension continues past capture */
		rd_sub(&exts, &ext, elen);
		if (type == 0)
			return sni_from_ext(&ext, out, outlen);
	}
	return 0;
}

int
dissect_tls_sni(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	struct rd r, rec, hs;
	const uint8_t *h;
	uint32_t hlen;
	uint16_t rlen;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	rd_init(&r, p, len);
	if (!rd_bytes(&r, &h, 3) || h[0] != 22 || h[1] != 3)
		return 0;
	if (!rd_be16(&r, &rlen))
		return 0;
	if (rlen < 4 || rlen > 16384 + 2048)
		return -1;
	rd_sub_avail(&r, &rec, rlen);
	if (!rd_bytes(&rec, &h, 1))
		return 0;
	if (h[0] != 1)		/* not a ClientHello */
		return 0;
	if (!rd_be24(&rec, &hlen))
		return 0;
	if (hlen < 2 + 32 + 1 + 2 + 1)
		return -1;
	rd_sub_avail(&rec, &hs, hlen);
	return tls_client_hello(&hs, out, outlen);
}
