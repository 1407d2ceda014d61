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
#include <stdio.h>
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

/*
 * "GET path HTTP/1.1" with Host, a User-Agent naming the scanner (safe
 * characters only), Accept and Connection: close.  Returns 0 or -1 when
 * cap is short or host/path carry characters that could split the request.
 */
static inline int
tp_http_get(uint8_t *buf, size_t cap, size_t *len, const char *path, const char *host,
	    uint16_t port, const char *id, const char *accept)
{
	char sid[33];
	size_t n = 0;
	int w;

	if (!host || strpbrk(host, "\r\n /") || strpbrk(path, "\r\n ") || strlen(host) > 64)
		return -1;
	for (const char *p = id ? id : "heiiki"; *p && n < 32; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			sid[n++] = *p;
	sid[n] = 0;
	w = snprintf((char *)buf, cap, "GET %s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
		     "User-Agent: heiiki/%s\r\nAccept: %s\r\nConnection: close\r\n\r\n",
		     path, strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
		     (unsigned)port, sid, accept);
	if (w < 0 || (size_t)w >= cap)
		return -1;
	*len = (size_t)w;
	return 0;
}

/*
 * An HTTP/1.x response in p[0..n): status, header block and body.  Returns
 * 1 when complete (Content-Length reached, or eof), 0 when more bytes are
 * needed, -1 when it is not HTTP.  A chunked body is returned raw
 * (*chunked set; complete at its last chunk or eof); callers treat it as
 * opaque text.
 */
static inline int
tp_http_split(const uint8_t *p, size_t n, int eof, int *status, size_t *hl,
	      const uint8_t **body, size_t *blen, int *chunked)
{
	char v[64];

	if (n < 12)
		return eof || (n >= 5 && memcmp(p, "HTTP/", 5)) ? -1 : 0;
	*status = tp_status(p, n, "HTTP/1.1 ");
	if (*status < 0)
		*status = tp_status(p, n, "HTTP/1.0 ");
	if (*status < 0)
		return -1;
	*hl = tp_head_len(p, n);
	if (!*hl)
		return eof ? -1 : 0;
	*body = p + *hl;
	*blen = n - *hl;
	*chunked = tp_header(p, *hl, "Transfer-Encoding", NULL, v, sizeof(v)) &&
		   !strcasecmp(v, "chunked");
	/* a chunked body is complete at its last-chunk "0" CRLF CRLF */
	if (*chunked && *blen >= 5 && !memcmp(*body + *blen - 5, "0\r\n\r\n", 5) &&
	    (*blen == 5 || (*blen >= 7 && !memcmp(*body + *blen - 7, "\r\n", 2))))
		return 1;
	if (!*chunked && tp_header(p, *hl, "Content-Length", NULL, v, sizeof(v))) {
		size_t cl = 0;

		for (const char *q = v; *q >= '0' && *q <= '9' && cl < 100000000; q++)
			cl = cl * 10 + (size_t)(*q - '0');
		if (*blen >= cl) {
			*blen = cl;
			return 1;
		}
		return eof ? 1 : 0;
	}
	return eof ? 1 : 0;
}

#endif
