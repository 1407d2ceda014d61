/*
 * probe_ssdp.c - SSDP M-SEARCH sent unicast to udp/1900 (UPnP DA 1.1 1.3.2).
 *
 * Step 0 sends one unicast M-SEARCH for "upnp:rootdevice" to the target
 * (HOST: addr:1900, MAN "ssdp:discover"; never to 239.255.255.250) and
 * reads the first answer: "HTTP/1.1 200 OK" with SERVER ("OS/version
 * UPnP/1.x product/version"), LOCATION (the device description URL, not
 * fetched), ST and USN.  Product and version come from the SERVER token
 * after "UPnP/x"; the OS from the first token.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "textproto.h"

static const uint16_t ssdp_ports[] = { 1900, 0 };

static int
ssdp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *host = ctx->host ? ctx->host : "";
	const char *lb = strchr(host, ':') ? "[" : "", *rb = *lb ? "]" : "";
	int n;

	if (ctx->step != 0 || !*host || strlen(host) > 64 || strpbrk(host, "\r\n []"))
		return -1;
	n = snprintf((char *)buf, cap,
		"M-SEARCH * HTTP/1.1\r\n"
		"HOST: %s%s%s:1900\r\n"
		"MAN: \"ssdp:discover\"\r\n"
		"MX: 1\r\n"
		"ST: upnp:rootdevice\r\n"
		"\r\n", lb, host, rb);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	*len = (size_t)n;
	return 0;
}

/* SERVER "Linux/6.1 UPnP/1.0 MiniDLNA/1.3.0": os + product after UPnP/. */
static void
ssdp_server(const char *s, json_t *o, json_t *out)
{
	const char *u = strstr(s, "UPnP/"), *sp;
	char prod[64], ver[32];

	tp_product(s, prod, sizeof(prod), ver, sizeof(ver));
	if (*prod && u != s) {
		char os[96];

		snprintf(os, sizeof(os), "%s%s%s", prod, *ver ? " " : "", ver);
		json_object_set_new(o, "os", json_string(os));
	}
	if (!u)
		return;
	sp = strchr(u, ' ');
	while (sp && *sp == ' ')
		sp++;
	if (!sp || !*sp)
		return;
	tp_product(sp, prod, sizeof(prod), ver, sizeof(ver));
	if (*prod)
		json_object_set_new(out, "product", json_string(prod));
	if (*prod && *ver)
		json_object_set_new(out, "version", json_string(ver));
}

static enum probe_verdict
ssdp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *p = rd_ptr(in);
	size_t n = rd_left(in), hl;
	char v[256];
	json_t *o;
	int code;

	if (ctx->step != 0 || n < 12)
		return PROBE_NO_MATCH;
	code = tp_status(p, n, "HTTP/1.1 ");
	if (code < 0)
		code = tp_status(p, n, "HTTP/1.0 ");
	if (code < 0)
		return PROBE_NO_MATCH;
	hl = tp_head_len(p, n);
	if (!hl)
		return PROBE_MALFORMED;	/* a datagram is complete: header block must end */
	if (code != 200 || !tp_header(p, hl, "USN", NULL, v, sizeof(v)))
		return PROBE_NO_MATCH;	/* an SSDP answer always carries a USN */
	o = json_object();
	json_object_set_new(o, "usn", json_string(v));
	if (tp_header(p, hl, "ST", NULL, v, sizeof(v)))
		json_object_set_new(o, "st", json_string(v));
	if (tp_header(p, hl, "LOCATION", NULL, v, sizeof(v)))
		json_object_set_new(o, "location", json_string(v));
	if (tp_header(p, hl, "SERVER", NULL, v, sizeof(v))) {
		json_object_set_new(o, "server", json_string(v));
		ssdp_server(v, o, out);
	}
	json_object_set_new(out, "ssdp", o);
	json_object_set_new(out, "service", json_string("ssdp"));
	return PROBE_MATCH;
}

const struct probe probe_ssdp = {
	.name = "ssdp",
	.summary = "SSDP M-SEARCH upnp:rootdevice sent unicast -> SERVER, LOCATION, USN",
	.ports = ssdp_ports,
	.flags = PROBE_UDP,
	.max_reply = 2048,
	.timeout_ms = 2000,
	.hello = ssdp_hello,
	.parse = ssdp_parse,
};
