/*
 * tls_cert.h - X.509 certificate fields for the TLS probe and the runner.
 *
 * Parsing is OpenSSL's (d2i_X509); this file only turns a parsed
 * certificate into the JSON fields of probes.md section 7.2 and the risk
 * flags "tls-self-signed", "tls-expired", "tls-not-yet-valid",
 * "tls-weak-key" and "tls-weak-signature".  Pure: bytes and a clock in,
 * JSON out.
 */
#ifndef HEIIKI_TLS_CERT_H
#define HEIIKI_TLS_CERT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode one DER certificate and add its fields to the object tls
 * ("subject", "issuer", "cn", "san", "not_before", "not_after",
 * "self_signed", "expired", "key_type", "key_bits", "sig_alg", "serial",
 * "sha256"); risk flags go to out (may be the same object or NULL).
 * now is the wall-clock time in seconds.  Returns 0, or -1 when der is not
 * a certificate (tls is left untouched).
 */
int tls_cert_fields(const uint8_t *der, size_t len, int64_t now, json_t *tls, json_t *out);

#endif
