/*
 * dissect.h - application payload readers of the passive mode.
 *
 * Pure functions: bytes in (one transport payload, possibly cut short by
 * the snaplen or by TCP segmentation), fields out.  They read only through
 * the bounded cursor and never allocate.  Each returns 1 when it found what
 * it looks for, 0 when the bytes are not that protocol (or hold nothing of
 * interest), and -1 when they claim to be that protocol but lie about
 * their own structure (malformed).  Names are returned lower-cased and
 * printable (non-printable bytes become '.').
 */
#ifndef HEIIKI_DISSECT_H
#define HEIIKI_DISSECT_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"

#define DISSECT_NAME_MAX 256	/* 253 characters + NUL, rounded */

/*
 * Called once per A/AAAA answer: addr, the name the client asked for (the
 * top of the CNAME chain that leads to the record) and the record's own
 * owner name (equal to qname when there was no CNAME).
 */
typedef void (*dns_answer_fn)(void *ctx, const struct addr *addr,
			      const char *qname, const char *owner);

/*
 * A DNS response message (UDP payload, or TCP payload after the 2-byte
 * length).  Returns the number of addresses reported, 0 for a query or a
 * response without addresses, -1 when malformed.
 */
int dissect_dns(const uint8_t *msg, size_t len, dns_answer_fn fn, void *ctx);

/* server_name of a TLS ClientHello that starts in this payload. */
int dissect_tls_sni(const uint8_t *p, size_t len, char *out, size_t outlen);

/* Host header of an HTTP/1.x request that starts in this payload. */
int dissect_http_host(const uint8_t *p, size_t len, char *out, size_t outlen);

/* 1 when the UDP payload has the shape of a WireGuard message
 * (type 1-4, three reserved zero bytes, the type's fixed length). */
int dissect_wireguard(const uint8_t *p, size_t len);

#endif
