/*
 * probe_cups.c - CUPS web interface: is the administration page open?
 *
 * Step 0 sends one "GET /admin" (HTTP/1.1, Host, User-Agent naming the
 * scanner, Connection: close) to tcp/631 and reads the answer: 200 with
 * the CUPS administration page (title "Administration - CUPS") means
 * anyone on the network reaches the page that adds printers and changes
 * the server's settings -> "cups-admin-open".  403 (the default:
 * <Location /admin> allows localhost only) or 401 is the locked state.
 * Product and version from the Server header ("CUPS/2.4 IPP/2.1").
 *
 * tcp/631 is also IPP on printers, where the fragile rule applies: the
 * probe is PROBE_FRAGILE, so it sends nothing unless the policy opts in
 * (scan.probe_ot) or the operator passes --allow-fragile.  Lifting that for
 * hosts known not to be printers needs the runner to know the host class.
 */
#include <string.h>

#include "probe.h"
#include "textproto.h"

#define CUPS_MAX (32 * 1024)

static const uint16_t cups_ports[] = { 631, 0 };

static int
cups_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	if (ctx->step != 0)
		return -1;
	return tp_http_get(buf, cap, len, "/admin", ctx->host, ctx->port, ctx->scanner_id,
			   "text/html");
}

/* <title>...</title> contains needle (case-insensitive tag, bounded). */
static int
cups_title_has(const uint8_t *b, size_t n, const char *needle)
{
	struct rd r;
	long at, end;
	char t[128];

	rd_init(&r, b, n);
	at = rd_find(&r, "<TITLE>", 7);
	if (at < 0)
		at = rd_find(&r, "<title>", 7);
	if (at < 0)
		return 0;
	rd_init(&r, b + at + 7, n - (size_t)at - 7);
	end = rd_find(&r, "</", 2);
	if (end < 0)
		return 0;
	rd_printable(b + at + 7, (size_t)end, t, sizeof(t));
	return strstr(t, needle) != NULL;
}

static enum probe_verdict
cups_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *p = rd_ptr(in), *body = NULL;
	size_t n = rd_left(in), hl = 0, blen = 0;
	int status = 0, chunked = 0, r;
	char server[128], prod[32], ver[32];
	json_t *o;

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	r = tp_http_split(p, n, ctx->eof, &status, &hl, &body, &blen, &chunked);
	if (r < 0)
		return PROBE_NO_MATCH;
	if (r == 0)
		return PROBE_NEED_MORE;
	if (!tp_header(p, hl, "Server", NULL, server, sizeof(server)) ||
	    strncmp(server, "CUPS/", 5))
		return PROBE_NO_MATCH;	/* a printer's own IPP server, or other */
	o = json_object();
	json_object_set_new(o, "admin_status", json_integer(status));
	json_object_set_new(out, "cups", o);
	json_object_set_new(out, "service", json_string("ipp"));
	json_object_set_new(out, "product", json_string("CUPS"));
	tp_product(server, prod, sizeof(prod), ver, sizeof(ver));
	if (*ver)
		json_object_set_new(out, "version", json_string(ver));
	if (status == 200 && cups_title_has(body, blen, "Administration")) {
		json_object_set_new(o, "admin_page_open", json_true());
		probe_risk(out, "cups-admin-open");
	} else {
		json_object_set_new(o, "admin_page_open", json_false());
	}
	return PROBE_MATCH;
}

const struct probe probe_cups = {
	.name = "cups",
	.summary = "CUPS GET /admin: is the administration page open? (fragile: printers)",
	.ports = cups_ports,
	.flags = PROBE_FRAGILE,
	.max_reply = CUPS_MAX,
	.timeout_ms = 5000,
	.hello = cups_hello,
	.parse = cups_parse,
};
