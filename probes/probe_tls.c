/*
 * probe_tls.c - TLS certificate probe (probes.md section 7).
 *
 * The runner completes the TLS handshake (OpenSSL, verification off so
 * bad certificates are seen, security level 0 for old devices) and
 * records version and cipher.  Because this probe has no hello(), the
 * runner hands parse() the peer's leaf certificate in DER instead of a
 * reply; parse() extracts subject, issuer, SANs, validity, key and
 * signature (tls_cert.c) and sets "tls-self-signed", "tls-expired",
 * "tls-weak-key".  No application data is ever sent.
 */
#include "probe.h"
#include "tls_cert.h"

static const uint16_t tls_ports[] = { 443, 8443, 10443, 4443, 4433, 636, 993, 995,
				      465, 2762, 5061, 8883, 3269, 0 };

static enum probe_verdict
tls_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *tls = json_object_get(out, "tls");
	int fresh = 0;

	if (!json_is_object(tls)) {
		tls = json_object();
		fresh = 1;
	}
	if (tls_cert_fields(rd_ptr(in), rd_left(in), ctx->now, tls, out) < 0) {
		if (fresh)
			json_decref(tls);
		return ctx->tls ? PROBE_MATCH : PROBE_NO_MATCH;	/* TLS without a certificate */
	}
	if (fresh)
		json_object_set_new(out, "tls", tls);
	if (!json_object_get(out, "service"))
		json_object_set_new(out, "service", json_string("tls"));
	return PROBE_MATCH;
}

const struct probe probe_tls = {
	.name = "tls",
	.summary = "TLS handshake: version, cipher, certificate fields and risks",
	.ports = tls_ports,
	.flags = PROBE_TLS,
	.max_reply = 65536,
	.timeout_ms = 5000,
	.parse = tls_parse,
};
