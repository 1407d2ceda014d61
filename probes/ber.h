/*
 * ber.h - the BER/DER pieces the probes need (LDAP, Kerberos): a TLV
 * header writer for short requests and a TLV reader over the bounded
 * cursor.  Single-byte tags only (every tag these probes use); lengths
 * in short form or long form of up to four bytes.
 */
#ifndef HEIIKI_PROBES_BER_H
#define HEIIKI_PROBES_BER_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/rd.h"

/* Write a TLV header at b + o for a value of len < 256 bytes (short form,
 * or 0x81 and one byte); returns the offset after it.  The caller sizes
 * b: at most three bytes are written. */
size_t ber_hdr(uint8_t *b, size_t o, uint8_t tag, size_t len);
/* Header and value: dst gets tag, length and the n bytes of in (n < 256);
 * returns the bytes written. */
size_t ber_wrap(uint8_t *dst, uint8_t tag, const uint8_t *in, size_t n);
/*
 * Read one TLV from r: its tag and its value as a sub-cursor.  1 ok, 0
 * the bytes end first (need more), -1 malformed (indefinite length, a
 * length of more than four bytes, or a value longer than max_len).
 */
int ber_tlv(struct rd *r, uint8_t *tag, struct rd *val, uint32_t max_len);

#endif
