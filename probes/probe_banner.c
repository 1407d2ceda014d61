/*
 * probe_banner.c - bounded banner read for ports without a probe.
 *
 * The "NULL probe" of probes.md section 15: connect, send nothing, wait
 * for the server to speak (the runner's read timeout), keep at most 1 KiB,
 * and classify the first bytes (SSH-, RFB, IAC, 220, +OK, * OK, HTTP/1.,
 * TLS alert/handshake, TPKT, MLLP, Redis).  A complete first line or the
 * end of the wait is enough; nothing is ever sent.
 */
#include <string.h>

#include "probe.h"

#define BANNER_CAP 1024

static const struct {
	const char *prefix;
	size_t n;
	const char *service;
} banner_classes[] = {
	{ "SSH-", 4, "ssh" },
	{ "RFB ", 4, "vnc" },
	{ "\xff\xfb", 2, "telnet" }, { "\xff\xfd", 2, "telnet" },
	{ "\xff\xfc", 2, "telnet" }, { "\xff\xfe", 2, "telnet" },
	{ "+OK", 3, "pop3" },
	{ "* OK", 4, "imap" },
	{ "HTTP/1.", 7, "http" },
	{ "\x15\x03", 2, "tls" }, { "\x16\x03", 2, "tls" },
	{ "\x03\x00", 2, "tpkt" },
	{ "\x0b", 1, "hl7-mllp" },
	{ "-ERR", 4, "redis" }, { "-NOAUTH", 7, "redis" },
	{ NULL, 0, NULL },
};

static const char *
banner_class(const uint8_t *p, size_t n)
{
	for (int i = 0; banner_classes[i].prefix; i++)
		if (n >= banner_classes[i].n && !memcmp(p, banner_classes[i].prefix, banner_classes[i].n))
			return banner_classes[i].service;
	if (n >= 4 && !memcmp(p, "220", 3) && (p[3] == ' ' || p[3] == '-')) {
		struct rd r;

		rd_init(&r, p, n);
		return rd_find(&r, "SMTP", 4) >= 0 ? "smtp" : "ftp";
	}
	return NULL;
}

static enum probe_verdict
banner_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	size_t n = rd_left(in) < BANNER_CAP ? rd_left(in) : BANNER_CAP;
	const uint8_t *p = rd_ptr(in);
	const char *cls;
	char hex[2 * 32 + 1];
	json_t *o;

	if (!n)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!ctx->eof && n < BANNER_CAP && rd_find(in, "\n", 1) < 0)
		return PROBE_NEED_MORE;
	o = json_object();
	probe_set_str(o, "text", p, n);
	for (size_t i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	hex[2 * (n < 32 ? n : 32)] = 0;
	json_object_set_new(o, "first_bytes_hex", json_string(hex));
	json_object_set_new(o, "length", json_integer((json_int_t)n));
	json_object_set_new(out, "banner", o);
	cls = banner_class(p, n);
	json_object_set_new(out, "service", json_string(cls ? cls : "unknown"));
	if (cls && !strcmp(cls, "telnet"))
		probe_risk(out, "telnet-open");
	if (cls && !strcmp(cls, "ftp"))
		probe_risk(out, "ftp-cleartext");
	return PROBE_MATCH;
}

const struct probe probe_banner = {
	.name = "banner",
	.summary = "bounded banner read (1 KiB) for ports without a probe",
	.flags = PROBE_SERVER_FIRST,
	.max_reply = BANNER_CAP,
	.timeout_ms = 5000,
	.parse = banner_parse,
};
