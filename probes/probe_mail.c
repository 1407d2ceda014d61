/*
 * probe_mail.c - SMTP, IMAP and POP3 greetings, plain and inside TLS.
 *
 * All three protocols greet first.  Step 0 sends nothing and reads the
 * greeting ("220 ...", "* OK ..."/"* PREAUTH"/"* BYE", "+OK ..."; SMTP
 * multi-line "220-" greetings are read to the last line).  SMTP only:
 * step 1 sends "EHLO <scanner id>" on the same connection and records the
 * extensions (STARTTLS offered, AUTH mechanisms, SIZE) - what every mail
 * client does before anything else; no MAIL FROM, no AUTH, no VRFY.
 * smtps/imaps/pops run the same inside TLS (the runner's handshake
 * records the certificate).  The greeting text goes to <proto>.greeting,
 * where the product rules find Postfix, Exim, Sendmail, Dovecot, Courier,
 * Cyrus, Microsoft Exchange ...  Risk: "mail-cleartext-auth" when a plain
 * SMTP server offers AUTH without TLS.
 */
#include <string.h>
#include <strings.h>

#include "probe.h"

static const uint16_t smtp_ports[] = { 25, 587, 2525, 0 };
static const uint16_t smtps_ports[] = { 465, 0 };
static const uint16_t imap_ports[] = { 143, 0 };
static const uint16_t imaps_ports[] = { 993, 0 };
static const uint16_t pop3_ports[] = { 110, 0 };
static const uint16_t pop3s_ports[] = { 995, 0 };

static int
smtp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	char id[65];
	size_t n = 0;
	int w;

	*len = 0;
	if (ctx->step == 0)
		return 0;
	if (ctx->step != 1)
		return -1;
	for (const char *p = ctx->scanner_id ? ctx->scanner_id : "heiiki"; *p && n < 64; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')
			id[n++] = *p;
	if (!n)
		id[n++] = 'h';
	id[n] = 0;
	w = snprintf((char *)buf, cap, "EHLO %s\r\n", id);
	if (w < 0 || (size_t)w >= cap)
		return -1;
	*len = (size_t)w;
	return 0;
}

/* Read complete SMTP reply lines; returns the code or -1 (need more), -2 bad. */
static int
smtp_reply(const struct probe_ctx *ctx, struct rd *in, json_t *lines)
{
	char line[512];

	for (int i = 0; i < 64; i++) {
		if (rd_find(in, "\n", 1) < 0)
			return ctx->eof && rd_left(in) ? -2 : -1;
		rd_line(in, line, sizeof(line));
		if (strlen(line) < 3 || line[0] < '1' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9' ||
		    (line[3] && line[3] != ' ' && line[3] != '-'))
			return -2;
		json_array_append_new(lines, json_string(line));
		if (line[3] != '-')
			return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	}
	return -2;
}

static enum probe_verdict
smtp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *o = json_object_get(out, "smtp"), *lines;
	int code;

	if (ctx->step == 0) {
		if (!rd_left(in))
			return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
		if (rd_ptr(in)[0] != '2' && rd_ptr(in)[0] != '4' && rd_ptr(in)[0] != '5')
			return PROBE_NO_MATCH;
		lines = json_array();
		code = smtp_reply(ctx, in, lines);
		if (code == -1) {
			json_decref(lines);
			return PROBE_NEED_MORE;
		}
		if (code < 0 || (code != 220 && code != 421 && code != 554)) {
			json_decref(lines);
			return PROBE_NO_MATCH;
		}
		o = json_object();
		json_object_set_new(o, "code", json_integer(code));
		json_object_set(o, "greeting", json_array_get(lines, 0));
		if (json_array_size(lines) > 1)
			json_object_set_new(o, "greeting_lines", lines);
		else
			json_decref(lines);
		json_object_set_new(out, "smtp", o);
		json_object_set_new(out, "service", json_string(ctx->tls ? "smtps" : "smtp"));
		return code == 220 ? PROBE_NEXT_STEP : PROBE_MATCH;
	}
	if (!json_is_object(o))
		return PROBE_NO_MATCH;
	lines = json_array();
	code = smtp_reply(ctx, in, lines);
	if (code == -1 && !ctx->eof) {
		json_decref(lines);
		return PROBE_NEED_MORE;
	}
	if (code == 250) {
		json_t *ext = json_array(), *l;
		size_t i;

		json_array_foreach(lines, i, l) {
			const char *s = json_string_value(l);

			if (i == 0 || strlen(s) < 5)
				continue;
			json_array_append_new(ext, json_string(s + 4));
			if (!strcasecmp(s + 4, "STARTTLS"))
				json_object_set_new(o, "starttls", json_true());
			if (!strncasecmp(s + 4, "AUTH", 4) && (s[8] == ' ' || s[8] == '=')) {
				json_object_set_new(o, "auth", json_string(s + 9));
				if (!ctx->tls)
					probe_risk(out, "mail-cleartext-auth");
			}
		}
		json_object_set_new(o, "extensions", ext);
		if (!json_object_get(o, "starttls"))
			json_object_set_new(o, "starttls", json_false());
	}
	json_decref(lines);
	return PROBE_MATCH;
}

static enum probe_verdict
line_greeting(const struct probe_ctx *ctx, struct rd *in, json_t *out, const char *proto,
	      const char *svc, const char *const *ok)
{
	char line[512];
	json_t *o;
	int hit = 0;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	for (int i = 0; ok[i] && !hit; i++) {
		size_t n = strlen(ok[i]), m = rd_left(in) < n ? rd_left(in) : n;

		if (memcmp(rd_ptr(in), ok[i], m))
			continue;
		if (m < n)
			return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
		hit = 1;
	}
	if (!hit)
		return PROBE_NO_MATCH;
	if (rd_find(in, "\n", 1) < 0 && !ctx->eof && rd_left(in) < sizeof(line))
		return PROBE_NEED_MORE;
	rd_line(in, line, sizeof(line));
	o = json_object();
	json_object_set_new(o, "greeting", json_string(line));
	json_object_set_new(out, proto, o);
	json_object_set_new(out, "service", json_string(svc));
	return PROBE_MATCH;
}

static enum probe_verdict
imap_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	static const char *const ok[] = { "* OK", "* PREAUTH", "* BYE", NULL };

	return line_greeting(ctx, in, out, "imap", ctx->tls ? "imaps" : "imap", ok);
}

static enum probe_verdict
pop3_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	static const char *const ok[] = { "+OK", "-ERR", NULL };

	return line_greeting(ctx, in, out, "pop3", ctx->tls ? "pop3s" : "pop3", ok);
}

#define MAIL_PROBE(var, nm, sum, prt, fl, hel, par)                             \
	const struct probe var = {                                             \
		.name = nm, .summary = sum, .ports = prt,                      \
		.flags = PROBE_SERVER_FIRST | (fl), .max_reply = 8192,          \
		.timeout_ms = 5000, .hello = hel, .parse = par,                \
	}

MAIL_PROBE(probe_smtp, "smtp", "SMTP greeting + EHLO extensions", smtp_ports, 0, smtp_hello, smtp_parse);
MAIL_PROBE(probe_smtps, "smtps", "SMTP over TLS: greeting + EHLO", smtps_ports, PROBE_TLS, smtp_hello, smtp_parse);
MAIL_PROBE(probe_imap, "imap", "IMAP greeting", imap_ports, 0, NULL, imap_parse);
MAIL_PROBE(probe_imaps, "imaps", "IMAP over TLS: greeting", imaps_ports, PROBE_TLS, NULL, imap_parse);
MAIL_PROBE(probe_pop3, "pop3", "POP3 greeting", pop3_ports, 0, NULL, pop3_parse);
MAIL_PROBE(probe_pop3s, "pop3s", "POP3 over TLS: greeting", pop3s_ports, PROBE_TLS, NULL, pop3_parse);
