/*
 * probe_anydesk.c - AnyDesk's direct-connection ports (7070, 6568).
 *
 * AnyDesk speaks TLS there with a self-signed certificate whose subject
 * is CN=AnyDesk Client.  The runner completes the TLS handshake (nothing
 * else is ever sent: this probe has no hello) and hands parse() the
 * peer's leaf certificate in DER, as for the tls probe; the certificate
 * fields land in out.tls (tls_cert.c).  A subject CN "AnyDesk Client" ->
 * service "anydesk", product "AnyDesk", risk "remote-support-tool"; any
 * other certificate is not AnyDesk (NO_MATCH: the cascade takes over).
 * The unit test certificate is generated with that subject
 * (tests/probes/data/anydesk/), not recorded from a real AnyDesk.
 */
#include <string.h>

#include "probe.h"
#include "tls_cert.h"

static const uint16_t anydesk_ports[] = { 7070, 6568, 0 };

static enum probe_verdict
anydesk_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *tls = json_object_get(out, "tls"), *mine = NULL;
	const char *cn;

	if (!json_is_object(tls) || !json_object_get(tls, "cn")) {
		/* replayed bytes (tests, fuzzing): read the certificate here */
		mine = json_object();
		if (tls_cert_fields(rd_ptr(in), rd_left(in), ctx->now, mine, NULL) < 0) {
			json_decref(mine);
			return PROBE_NO_MATCH;
		}
		tls = mine;
	}
	cn = json_string_value(json_object_get(tls, "cn"));
	if (!cn || strcmp(cn, "AnyDesk Client")) {
		json_decref(mine);
		return PROBE_NO_MATCH;
	}
	if (mine)
		json_object_set_new(out, "tls", mine);
	json_object_set_new(out, "service", json_string("anydesk"));
	json_object_set_new(out, "product", json_string("AnyDesk"));
	probe_risk(out, "remote-support-tool");
	return PROBE_MATCH;
}

const struct probe probe_anydesk = {
	.name = "anydesk",
	.summary = "AnyDesk: TLS certificate subject \"AnyDesk Client\" -> remote-support tool",
	.ports = anydesk_ports,
	.flags = PROBE_TLS | PROBE_BY_PORT_ONLY,
	.max_reply = 65536,
	.timeout_ms = 5000,
	.parse = anydesk_parse,
};
