/*
 * probe_http_proxy.c - is this HTTP proxy open (does it relay for anyone)?
 *
 * One read-only request, never to the internet: the runner opens a one-shot
 * listener on the scanner's own address (probes/canary.c; the address the
 * proxy already sees us from) and passes it as ctx->canary.  Step 0 asks
 * the proxy for
 *
 *     GET http://<canary>/heiiki-proxy-check/<A> HTTP/1.0
 *
 * A proxy that relays connects back to the scanner; the canary answers
 * 200 with the text "heiiki-canary <B>", B derived from A
 * (proxy_check_reply()).  B in the reply proves the relay: risk
 * "open-proxy".  A web server that is no proxy answers with its own page
 * (a 404 page may echo the path and A, never B): not our protocol, the
 * http probe follows.  A proxy that refuses (403 with X-Squid-Error, 407
 * Proxy-Authenticate, a Via header) is named http with http_proxy.open
 * false.  A proxy that accepted and TRIED to relay but could not reach the
 * canary (a host firewall on the scanner: Squid's ERR_CONNECT_FAIL /
 * ERR_READ_TIMEOUT / ERR_CONNECT_TIMEOUT; a bare 502/503/504 is not taken,
 * a reverse proxy in front of a broken backend sends those) is open too:
 * evidence "relay-attempted" instead of "canary-page".  Like
 * nmap's http-open-proxy, but the page fetched is our own.
 *
 * No canary (careful or fragile host, or the check is off): hello fails
 * and the runner moves on to the next probe, nothing is sent.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probe.h"
#include "probes/canary.h"

extern const struct probe probe_http;

static const uint16_t proxy_ports[] = { 3128, 3129, 8080, 8118, 8123, 0 };

#define PROXY_PATH "/heiiki-proxy-check/"

static uint32_t
fnv(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* A: the request token, from the target (replayable in tests). */
static void
proxy_token(const struct probe_ctx *ctx, char *buf, size_t cap)
{
	char port[8];

	snprintf(port, sizeof(port), "%u", (unsigned)ctx->port);
	snprintf(buf, cap, "%08x", fnv(fnv(2166136261u, ctx->host ? ctx->host : ""), port));
}

void
proxy_check_reply(const char *token, char *buf, size_t cap)
{
	snprintf(buf, cap, "heiiki-canary %08x", fnv(fnv(2166136261u, "canary-reply:"), token));
}

static int
proxy_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	char a[16];
	int w;

	if (ctx->step != 0 || !ctx->canary || !*ctx->canary || strpbrk(ctx->canary, " \r\n/"))
		return -1;
	proxy_token(ctx, a, sizeof(a));
	w = snprintf((char *)buf, cap, "GET http://%s" PROXY_PATH "%s HTTP/1.0\r\nHost: %s\r\n"
		     "User-Agent: heiiki/%s\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		     ctx->canary, a, ctx->canary, HEIIKI_VERSION);
	if (w < 0 || (size_t)w >= cap)
		return -1;
	*len = (size_t)w;
	return 0;
}

/* A header that only proxies send; its value (printable) into val. */
static int
proxy_header(const uint8_t *d, size_t n, const char *name, char *val, size_t cap)
{
	struct rd r;
	char line[512];
	size_t k = strlen(name);

	rd_init(&r, d, n);
	while (rd_line(&r, line, sizeof(line))) {
		if (!line[0])
			break;		/* end of headers */
		if (!strncasecmp(line, name, k) && line[k] == ':') {
			const char *v = line + k + 1;

			while (*v == ' ')
				v++;
			snprintf(val, cap, "%s", v);
			return 1;
		}
	}
	return 0;
}

static enum probe_verdict
proxy_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct probe_ctx c = *ctx;
	struct rd copy = *in;
	char a[16], b[48], via[256] = "", err[128] = "", pa[256] = "";
	enum probe_verdict v;
	int relayed, proxyish, attempted;
	json_int_t status;
	json_t *o;

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	if (!ctx->eof)
		return PROBE_NEED_MORE;	/* Connection: close: the whole reply */
	c.vpn = NULL;		/* one request: no portal follow-ups */
	v = probe_http.parse(&c, &copy, out);
	if (v != PROBE_MATCH)
		return v == PROBE_MALFORMED ? PROBE_NO_MATCH : v;
	json_object_del(out, "_paths");
	json_object_del(out, "_vpn");
	proxy_token(ctx, a, sizeof(a));
	proxy_check_reply(a, b, sizeof(b));
	relayed = rd_find(in, b, strlen(b)) >= 0;
	proxy_header(rd_ptr(in), rd_left(in), "Via", via, sizeof(via));
	proxy_header(rd_ptr(in), rd_left(in), "X-Squid-Error", err, sizeof(err));
	proxy_header(rd_ptr(in), rd_left(in), "Proxy-Authenticate", pa, sizeof(pa));
	status = json_integer_value(json_object_get(json_object_get(out, "http"), "status"));
	proxyish = relayed || via[0] || err[0] || pa[0] || status == 407;
	/* it accepted our request and failed upstream: it relays for us */
	attempted = !relayed && proxyish && !pa[0] &&
		    (!strncmp(err, "ERR_CONNECT_FAIL", 16) || !strncmp(err, "ERR_READ_TIMEOUT", 16) ||
		     !strncmp(err, "ERR_CONNECT_TIMEOUT", 19));
	if (!proxyish) {
		/* a web server answering with its own page: the http probe follows */
		json_object_del(out, "http");
		json_object_del(out, "service");
		json_object_del(out, "product");
		json_object_del(out, "version");
		json_object_del(out, "risks");
		return PROBE_NO_MATCH;
	}
	o = json_object();
	json_object_set_new(o, "open", json_boolean(relayed || attempted));
	if (relayed || attempted)
		json_object_set_new(o, "evidence", json_string(relayed ? "canary-page" : "relay-attempted"));
	if (via[0])
		probe_set_str(o, "via", (const uint8_t *)via, strlen(via));
	if (err[0])
		probe_set_str(o, "error", (const uint8_t *)err, strlen(err));
	if (pa[0] || status == 407)
		json_object_set_new(o, "auth_required", json_true());
	json_object_set_new(out, "http_proxy", o);
	json_object_set_new(out, "service", json_string("http"));
	if (relayed) {
		/* the reply's other fields are our canary's page: drop them */
		json_object_del(json_object_get(out, "http"), "title");
	}
	if (relayed || attempted)
		probe_risk(out, "open-proxy");
	return PROBE_MATCH;
}

const struct probe probe_http_proxy = {
	.name = "http-proxy",
	.summary = "HTTP proxy: asks it to fetch a page from the scanner's own one-shot listener",
	.ports = proxy_ports,
	.flags = PROBE_CANARY,
	.max_reply = 64 * 1024,
	.timeout_ms = 4000,
	.hello = proxy_hello,
	.parse = proxy_parse,
};
