/*
 * probe_cascade.c - the identification cascade for a port without a
 * dedicated probe (or whose dedicated probes did not recognise it).
 *
 * Two probes, tried in this order by the runner (probes/runner.c):
 *
 *   cascade      plain TCP.  Step 0 sends nothing and reads with the
 *                host's adaptive wait (runner: PROBE_ADAPTIVE): a greeting
 *                is classified like the banner probe (SSH, FTP/SMTP, POP3,
 *                IMAP, MySQL/MariaDB, VNC, Telnet, ...) and the product
 *                rules name it.  Silence: step 1 sends "GET /" on the SAME
 *                connection (probe_http's request).  An HTTP reply is
 *                parsed by probe_http; a Redis "-ERR" or Memcached "ERROR"
 *                reply names those; a TLS alert or a close ends this probe
 *                so the runner tries the next one.
 *   cascade-tls  the runner completes a TLS handshake first (certificate
 *                fields as for every TLS probe), then the same two steps
 *                inside TLS: a greeting (IMAPS, POP3S, SMTPS, ...) or
 *                "GET /" (HTTPS on any port).  A handshake that works but
 *                nothing more: service "tls".
 *
 * When the reply shape names Redis or Memcached (both keep the connection
 * open after an error line), step 2 sends that probe's own first request
 * (INFO server / version) on the same connection and parses it with that
 * probe: version and risk flags as on the default port.
 *
 * out["cascade_step"] records which step named the service: "greeting",
 * "http", "reply-shape", "hello:<probe>", "tls-greeting", "tls-http" or
 * "tls".  Nothing is
 * sent beyond one GET per connection; no credentials, no commands.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

extern const struct probe probe_banner, probe_http;

static int
cascade_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	*len = 0;
	if (ctx->step == 0)
		return 0;		/* server first */
	if (ctx->step == 2) {
		/* the reply shape named a protocol: its own probe's first request */
		const char *nx = json_string_value(json_object_get(ctx->out, "_next"));
		const struct probe *p = nx ? probe_by_name(nx) : NULL;
		struct probe_ctx c = *ctx;

		if (!p || !p->hello)
			return -1;
		c.step = 0;
		return p->hello(&c, buf, cap, len);
	}
	if (ctx->step != 1)
		return -1;
	/* HTTP/1.0 without a Host header: every HTTP server answers it, and a
	 * line-oriented server (Redis, Memcached) answers the first line with
	 * an error instead of closing on a "Host:" line (Redis does). */
	{
		char id[65];
		size_t n = 0;
		int w;

		for (const char *p = ctx->scanner_id ? ctx->scanner_id : "heiiki"; *p && n < 64; p++)
			if (*p >= 0x20 && *p < 0x7f)
				id[n++] = *p;
		id[n] = 0;
		w = snprintf((char *)buf, cap, "GET / HTTP/1.0\r\nUser-Agent: heiiki/%s (%s)\r\n"
			     "Accept: */*\r\n\r\n", HEIIKI_VERSION, id);
		if (w < 0 || (size_t)w >= cap)
			return -1;
		*len = (size_t)w;
		return 0;
	}
}

static void
cascade_mark(json_t *out, const char *step)
{
	json_object_set_new(out, "cascade_step", json_string(step));
}

/* Greeting bytes: the banner probe's fields and class; TLS names mapped. */
static enum probe_verdict
cascade_greeting(const struct probe_ctx *ctx, struct rd *in, json_t *out, const char *step)
{
	struct probe_ctx c = *ctx;
	enum probe_verdict v;
	const char *svc;

	c.eof = 1;
	v = probe_banner.parse(&c, in, out);
	if (v != PROBE_MATCH)
		return v;
	svc = json_string_value(json_object_get(out, "service"));
	if (ctx->tls && svc) {
		static const char *const map[][2] = {
			{ "imap", "imaps" }, { "pop3", "pop3s" }, { "smtp", "smtps" },
			{ "ftp", "ftps" }, { "unknown", "tls" }, { "http", "https" },
		};

		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(svc, map[i][0])) {
				json_object_set_new(out, "service", json_string(map[i][1]));
				break;
			}
	}
	cascade_mark(out, step);
	return PROBE_MATCH;
}

static int
starts(const struct rd *in, const char *s)
{
	size_t n = strlen(s);

	return rd_left(in) >= n && !memcmp(rd_ptr(in), s, n);
}

static enum probe_verdict
cascade_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	int tls = ctx->tls;

	if (ctx->step == 0) {
		if (!rd_left(in))
			return ctx->eof ? PROBE_NEXT_STEP : PROBE_NEED_MORE;	/* silent: GET / */
		/* a line, or whatever came within the wait */
		if (!ctx->eof && rd_find(in, "\n", 1) < 0 && rd_left(in) < 1024)
			return PROBE_NEED_MORE;
		return cascade_greeting(ctx, in, out, tls ? "tls-greeting" : "greeting");
	}
	if (ctx->step == 2) {
		const char *nx = json_string_value(json_object_get(out, "_next"));
		const struct probe *p = nx ? probe_by_name(nx) : NULL;
		struct probe_ctx c = *ctx;
		enum probe_verdict v;
		char step[48];

		if (!p)
			return PROBE_MATCH;
		c.step = 0;
		v = p->parse(&c, in, out);
		if (v == PROBE_NEED_MORE)
			return v;
		if (v == PROBE_MATCH) {
			snprintf(step, sizeof(step), "hello:%s", p->name);
			cascade_mark(out, step);
		}
		return PROBE_MATCH;	/* keep what the reply shape showed */
	}
	if (ctx->step != 1)
		return PROBE_NO_MATCH;
	if (starts(in, "HTTP/") || (!ctx->eof && rd_left(in) < 5 &&
				    !memcmp(rd_ptr(in), "HTTP/", rd_left(in)))) {
		struct probe_ctx c = *ctx;
		enum probe_verdict v;

		c.step = 0;
		v = probe_http.parse(&c, in, out);
		if (v == PROBE_NEED_MORE || v == PROBE_NO_MATCH)
			return v;
		/* no portal follow-ups from the cascade: one GET is enough */
		json_object_del(out, "_paths");
		cascade_mark(out, tls ? "tls-http" : "http");
		return PROBE_MATCH;
	}
	if (!rd_left(in)) {
		if (!ctx->eof)
			return PROBE_NEED_MORE;
		if (tls) {
			if (!json_object_get(out, "service"))
				json_object_set_new(out, "service", json_string("tls"));
			cascade_mark(out, "tls");
			return PROBE_MATCH;
		}
		return PROBE_NO_MATCH;	/* closed or silent: try TLS */
	}
	if (!tls && (starts(in, "\x15\x03") || starts(in, "\x16\x03")))
		return PROBE_NO_MATCH;	/* a TLS server complained: the TLS step follows */
	if (!ctx->eof && rd_find(in, "\n", 1) < 0 && rd_left(in) < 1024)
		return PROBE_NEED_MORE;
	{
		/* Memcached answers an unknown command line with exactly this */
		int mc = starts(in, "ERROR\r\n") || starts(in, "CLIENT_ERROR");

		const char *svc;

		if (cascade_greeting(ctx, in, out, "reply-shape") != PROBE_MATCH)
			return PROBE_NO_MATCH;
		if (mc)
			json_object_set_new(out, "service", json_string("memcached"));
		/* Redis / Memcached keep the connection open after an error
		 * line: ask them their own first question for the version */
		svc = json_string_value(json_object_get(out, "service"));
		if (!tls && svc && (!strcmp(svc, "redis") || !strcmp(svc, "memcached"))) {
			json_object_set_new(out, "_next", json_string(svc));
			return PROBE_NEXT_STEP;
		}
		return PROBE_MATCH;
	}
}

const struct probe probe_cascade = {
	.name = "cascade",
	.summary = "any port: greeting (adaptive wait), else GET / on the same connection",
	.flags = PROBE_SERVER_FIRST | PROBE_ADAPTIVE,
	.max_reply = 64 * 1024,
	.timeout_ms = 3000,
	.hello = cascade_hello,
	.parse = cascade_parse,
};

const struct probe probe_cascade_tls = {
	.name = "cascade-tls",
	.summary = "any port: TLS handshake, then greeting or GET / inside TLS",
	.flags = PROBE_TLS | PROBE_SERVER_FIRST | PROBE_ADAPTIVE,
	.max_reply = 64 * 1024,
	.timeout_ms = 3000,
	.hello = cascade_hello,
	.parse = cascade_parse,
};
