/*
 * dissect_http.c - the Host header of an HTTP/1.x request (RFC 9112
 * section 3.2), and the WireGuard message shape (WireGuard whitepaper
 * section 5.4: message types 1-4 with three reserved zero bytes).
 *
 * A request is recognised by its method token followed by a space at the
 * very start of the payload; header lines are then read one at a time
 * with rd_line() (bounded copy, non-printables made '.') until the empty
 * line or the end of the captured bytes.  Only the first segment of a
 * request is seen, so a Host header in a later segment is missed.
 */
#include <string.h>
#include <strings.h>

#include "scanner/core/rd.h"
#include "dissect.h"

#define LINE_MAX_LEN 1024
#define MAX_HEADER_LINES 64

static const char *const methods[] = {
	"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ",
	"PATCH ", "TRACE ", "PROPFIND ", NULL,
};

static int
is_request(const uint8_t *p, size_t len)
{
	for (size_t i = 0; methods[i]; i++) {
		size_t n = strlen(methods[i]);
		if (len >= n && memcmp(p, methods[i], n) == 0)
			return 1;
	}
	return 0;
}

static void
host_copy(const char *v, char *out, size_t outlen)
{
	size_t o = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v && o + 1 < outlen; v++) {
		char c = *v;
		if (c == ' ' || c == '\t')
			break;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[o++] = c;
	}
	out[o] = '\0';
}

int
dissect_http_host(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	char line[LINE_MAX_LEN];
	struct rd r;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (!p || !is_request(p, len))
		return 0;
	rd_init(&r, p, len);
	if (!rd_line(&r, line, sizeof(line)))
		return 0;
	for (int i = 0; i < MAX_HEADER_LINES; i++) {
		/* The last line may be cut short by the capture; a Host line
		 * without its end is still taken (it is what was sent). */
		if (!rd_line(&r, line, sizeof(line)) || line[0] == '\0')
			return 0;
		if (strncasecmp(line, "host:", 5) == 0) {
			host_copy(line + 5, out, outlen);
			return out[0] ? 1 : -1;
		}
	}
	return 0;
}

int
dissect_wireguard(const uint8_t *p, size_t len)
{
	struct rd r;
	const uint8_t *h;

	rd_init(&r, p, len);
	if (!rd_bytes(&r, &h, 4) || h[1] || h[2] || h[3])
		return 0;
	switch (h[0]) {
	case 1:		/* handshake initiation */
		return len == 148;
	case 2:		/* handshake response */
		return len == 92;
	case 3:		/* cookie reply */
		return len == 64;
	case 4:		/* transport data: header 16, then 16-byte blocks */
		return len >= 32 && (len - 16) % 16 == 0;
	}
	return 0;
}
