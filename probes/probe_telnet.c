/*
 * probe_telnet.c - Telnet option negotiation and prompt (probes.md 14).
 *
 * Server speaks first.  Step 0 reads the server's IAC negotiation; when it
 * asked for anything (IAC WILL x / IAC DO x), parse() returns NEXT_STEP
 * and hello() for the next step answers every such request with a polite
 * refusal (IAC DON'T x / IAC WON'T x), built from the previous reply.
 * WON'T/DON'T are never answered (RFC 1143 loop avoidance), subnegotiation
 * is skipped, IAC IAC is a data byte.  Then we read text until a prompt
 * ("login:", "Password:", "#", ">") or the deadline and close.  Nothing
 * else is ever sent: no user name, no line end.
 */
#include <string.h>

#include "probe.h"

#define T_SE 240
#define T_SB 250
#define T_WILL 251
#define T_WONT 252
#define T_DO 253
#define T_DONT 254
#define T_IAC 255
#define TEL_TEXT_MAX 1024

static const uint16_t telnet_ports[] = { 23, 2323, 0 };

struct tel_scan {
	char text[TEL_TEXT_MAX + 1];
	size_t tl;
	int requests;		/* WILL/DO seen (need a refusal) */
	int iac;		/* any IAC command seen */
	int partial;		/* stopped inside a command */
};

static void
tel_add_opt(json_t *o, const char *key, uint8_t opt)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(o, key, a);
	}
	json_array_foreach(a, i, v)
		if (json_integer_value(v) == opt)
			return;
	if (json_array_size(a) < 64)
		json_array_append_new(a, json_integer(opt));
}

/* Walk the bytes: options into o (may be NULL), data into s->text. */
static void
tel_scan(struct rd *in, struct tel_scan *s, json_t *o)
{
	uint8_t b, cmd, opt;

	memset(s, 0, sizeof(*s));
	while (rd_u8(in, &b)) {
		if (b != T_IAC) {
			if (s->tl < TEL_TEXT_MAX && b)
				s->text[s->tl++] = (char)b;
			continue;
		}
		if (!rd_u8(in, &cmd)) {
			s->partial = 1;
			break;
		}
		s->iac = 1;
		if (cmd == T_IAC) {
			if (s->tl < TEL_TEXT_MAX)
				s->text[s->tl++] = (char)0xff;
		} else if (cmd >= T_WILL && cmd <= T_DONT) {
			if (!rd_u8(in, &opt)) {
				s->partial = 1;
				break;
			}
			if (cmd == T_WILL || cmd == T_DO)
				s->requests++;
			if (o)
				tel_add_opt(o, cmd == T_WILL ? "options_will" : cmd == T_DO ?
					    "options_do" : cmd == T_WONT ? "options_wont" :
					    "options_dont", opt);
		} else if (cmd == T_SB) {
			long end = rd_find(in, "\xff\xf0", 2);

			if (end < 0) {
				s->partial = 1;
				break;
			}
			rd_skip(in, (size_t)end + 2);
		}
	}
	s->text[s->tl] = 0;
}

/* Step >= 1: refuse every WILL/DO of the previous reply. */
static int
telnet_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	struct rd in;
	uint8_t b, cmd, opt;
	size_t n = 0;

	*len = 0;
	if (ctx->step == 0)
		return 0;
	rd_init(&in, ctx->prev, ctx->prev_len);
	while (rd_u8(&in, &b)) {
		if (b != T_IAC || !rd_u8(&in, &cmd))
			continue;
		if (cmd == T_SB) {
			long end = rd_find(&in, "\xff\xf0", 2);

			if (end < 0)
				break;
			rd_skip(&in, (size_t)end + 2);
			continue;
		}
		if ((cmd != T_WILL && cmd != T_DO) || !rd_u8(&in, &opt))
			continue;
		if (n + 3 > cap)
			break;
		buf[n++] = T_IAC;
		buf[n++] = cmd == T_WILL ? T_DONT : T_WONT;
		buf[n++] = opt;
	}
	*len = n;
	return 0;
}

/* Prompt class of the last non-empty line, or NULL. */
static const char *
tel_prompt(const char *text)
{
	static const struct { const char *end, *type; } pr[] = {
		{ "login:", "login" }, { "Login:", "login" }, { "Username:", "login" },
		{ "User Name:", "login" }, { "user name:", "login" }, { "Password:", "password" },
		{ "password:", "password" }, { "#", "shell" }, { ">", "shell" }, { "$", "shell" },
	};
	size_t n = strlen(text);

	while (n && (text[n - 1] == ' ' || text[n - 1] == '\r' || text[n - 1] == '\n' ||
		     text[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < sizeof(pr) / sizeof(pr[0]); i++) {
		size_t l = strlen(pr[i].end);

		if (n >= l && !memcmp(text + n - l, pr[i].end, l))
			return pr[i].type;
	}
	return NULL;
}

static void
tel_result(json_t *out, json_t *o, const char *text, const char *prompt)
{
	char safe[TEL_TEXT_MAX + 1];

	rd_printable((const uint8_t *)text, strlen(text), safe, sizeof(safe));
	json_object_set_new(o, "banner_text", json_string(safe));
	json_object_set_new(o, "prompt_type", json_string(prompt ? prompt : "none"));
	json_object_set_new(out, "service", json_string("telnet"));
	probe_risk(out, "telnet-open");
	if (prompt && !strcmp(prompt, "shell"))
		probe_risk(out, "telnet-unauth-shell");
}

static enum probe_verdict
telnet_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct tel_scan s;
	json_t *o = json_object_get(out, "telnet");
	const char *before = json_string_value(json_object_get(out, "_text"));
	char all[2 * TEL_TEXT_MAX + 2];
	const char *prompt;

	if (!rd_left(in)) {
		if (!ctx->eof)
			return PROBE_NEED_MORE;
		if (!json_is_object(o))
			return PROBE_NO_MATCH;
		tel_result(out, o, before ? before : "", tel_prompt(before ? before : ""));
		return PROBE_MATCH;
	}
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "telnet", o);
	}
	tel_scan(in, &s, o);
	snprintf(all, sizeof(all), "%s%s", before ? before : "", s.text);
	if (!s.iac && ctx->step == 0 && ctx->port != 23 && ctx->port != 2323) {
		json_object_del(out, "telnet");
		return PROBE_NO_MATCH;	/* plain text on a non-telnet port */
	}
	if (s.partial && !ctx->eof)
		return PROBE_NEED_MORE;
	if (s.requests && ctx->step < 2 && !ctx->eof) {
		char safe[sizeof(all)];

		rd_printable((const uint8_t *)all, strlen(all), safe, sizeof(safe));
		json_object_set_new(out, "_text", json_string(safe));
		return PROBE_NEXT_STEP;
	}
	prompt = tel_prompt(all);
	if (!prompt && !ctx->eof && strlen(all) < TEL_TEXT_MAX)
		return PROBE_NEED_MORE;
	tel_result(out, o, all, prompt);
	return PROBE_MATCH;
}

const struct probe probe_telnet = {
	.name = "telnet",
	.summary = "Telnet: refuse every option politely, read banner and prompt",
	.ports = telnet_ports,
	.flags = PROBE_SERVER_FIRST,
	.max_reply = 4096,
	.timeout_ms = 5000,
	.hello = telnet_hello,
	.parse = telnet_parse,
};
