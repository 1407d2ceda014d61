/*
 * textproto.h - bounded helpers for the text protocols that look like
 * HTTP (SIP, SSDP): the status line and one header's value, read from a
 * reply of known length (never past it, never trusting a NUL).
 *
 * Static inline so each probe file stays self-contained.
 */
#ifndef HEIIKI_TEXTPROTO_H
#define HEIIKI_TEXTPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/rd.h"

/* Length of the header block (up to and including the blank line), or 0. */
static inline size_t
tp_head_len(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] == '\n' && p[i + 1] == '\n')
			return i + 2;
		if (i + 3 < n && p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' &&
		    p[i + 3] == '\n')
			return i + 4;
	}
	return 0;
}

/*
 * "PROTO NNN reason" status line: proto is the expected prefix (e.g.
 * "SIP/2.0 "); returns the code 100..699 or -1.
 */
static inline int
tp_status(const uint8_t *p, size_t n, const char *proto)
{
	size_t pl = strlen(proto);
	int code = 0;

	if (n < pl + 3 || memcmp(p, proto, pl))
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (p[pl + i] < '0' || p[pl + i] > '9')
			return -1;
		code = code * 10 + (p[pl + i] - '0');
	}
	if (n > pl + 3 && p[pl + 3] != ' ' && p[pl + 3] != '\r' && p[pl + 3] != '\n')
		return -1;
	return code >= 100 && code <= 699 ? code : -1;
}

/*
 * Value of the first header "name" (case-insensitive; alt is an optional
 * second spelling such as SIP's compact form) in the block p[0..n),
 * trimmed and rendered printable into dst.  Returns 1 when found.
 */
static inline int
tp_header(const uint8_t *p, size_t n, const char *name, const char *alt, char *dst,
	  size_t dstlen)
{
	size_t i = 0;

	while (i < n) {
		size_t e = i, nl;

		while (e < n && p[e] != '\n')
			e++;
		nl = e;
		if (nl > i && p[nl - 1] == '\r')
			nl--;
		for (int k = 0; k < 2; k++) {
			const char *h = k ? alt : name;
			size_t hl = h ? strlen(h) : 0;
			size_t v;

			if (!h || nl - i <= hl || p[i + hl] != ':' ||
			    strncasecmp((const char *)p + i, h, hl))
				continue;
			v = i + hl + 1;
			while (v < nl && (p[v] == ' ' || p[v] == '\t'))
				v++;
			while (nl > v && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
				nl--;
			rd_printable(p + v, nl - v, dst, dstlen);
			return 1;
		}
		i = e + 1;
	}
	return 0;
}

/*
 * Product and version from one "Name/1.2.3" or "Name (1.2.3 ...)" or
 * "Name 1.2.3" token at s: product is the leading run of letters, digits,
 * '-', '_' and '.'; version the first digit-led run after it ('/', ' ', '('
 * between).  Either may come back empty.
 */
static inline void
tp_product(const char *s, char *prod, size_t plen, char *ver, size_t vlen)
{
	size_t i = 0, n = 0;

	*prod = *ver = 0;
	if (!plen || !vlen)
		return;
	while (s[i] && (s[i] == '-' || s[i] == '_' || s[i] == '.' ||
			(s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= 'a' && s[i] <= 'z'))) {
		if (n + 1 < plen)
			prod[n++] = s[i];
		i++;
	}
	prod[n] = 0;
	while (s[i] == '/' || s[i] == ' ' || s[i] == '(' || s[i] == 'v' || s[i] == 'V')
		i++;
	n = 0;
	if (s[i] < '0' || s[i] > '9')
		return;
	while (s[i] && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' ||
			(s[i] >= 'a' && s[i] <= 'z') || s[i] == '_')) {
		if (n + 1 < vlen)
			ver[n++] = s[i];
		i++;
	}
	ver[n] = 0;
}

#endif
