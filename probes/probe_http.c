/*
 * probe_http.c - HTTP(S) status, headers, title and portal fingerprints.
 *
 * Step 0 is "GET /" with Host, a User-Agent naming the scanner and
 * "Connection: close" (probes.md 8).  The reply is read up to the cap:
 * headers (16 KiB) and body (Content-Length, chunked end, or close).  We
 * extract status, Server, Location, Set-Cookie NAMES (never values), ETag,
 * Last-Modified, WWW-Authenticate and <title>, then score the VPN/firewall
 * fingerprints (probes/data/vpn-fingerprints.json, see vpn_db.h).  When a
 * product is only a candidate, parse() plans the next public login page
 * (from the data file's allowlisted paths, or a same-host redirect to one)
 * in out["_paths"] and returns RECONNECT; hello() for that step requests
 * it.  At most HTTP_MAX_REQUESTS GETs per service, never a query string,
 * never a cookie or credential.  probe_https is the same inside TLS.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe.h"
#include "vpn_db.h"
#include "scanner/core/results.h"

#define HTTP_MAX_REQUESTS 3
#define HTTP_HDR_MAX (16u * 1024)
#define HTTP_TITLE_MAX 128

static const uint16_t http_ports[] = { 80, 8080, 8000, 8008, 8081, 8888, 5800, 8090,
				       81, 591, 9080, 0 };
static const uint16_t https_ports[] = { 443, 8443, 10443, 4443, 4433, 4444, 9443, 5443, 0 };

struct http_resp {
	int status;
	const uint8_t *hdr, *body;
	size_t hdrlen, bodylen;
};

static const char *
http_cur_path(const struct probe_ctx *ctx)
{
	json_t *paths = json_object_get(ctx->out, "_paths");
	const char *p = json_string_value(json_array_get(paths, (size_t)ctx->step));

	return ctx->step > 0 && p ? p : "/";
}

static int
http_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *path = http_cur_path(ctx), *host = ctx->host ? ctx->host : "localhost";
	char id[65], hostport[80];
	size_t n = 0;
	int dflt = ctx->port == (ctx->tls ? 443 : 80), w;

	if (ctx->step >= HTTP_MAX_REQUESTS || (ctx->step > 0 && !vpn_path_allowed(ctx->vpn, path)))
		return -1;
	for (const char *p = ctx->scanner_id ? ctx->scanner_id : "heiiki"; *p && n < 64; p++)
		if (*p >= 0x20 && *p < 0x7f)
			id[n++] = *p;
	id[n] = 0;
	if (strchr(host, ':'))
		snprintf(hostport, sizeof(hostport), dflt ? "[%s]" : "[%s]:%u", host, ctx->port);
	else
		snprintf(hostport, sizeof(hostport), dflt ? "%s" : "%s:%u", host, ctx->port);
	w = snprintf((char *)buf, cap,
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: heiiki/%s (%s)\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n",
		     path, hostport, HEIIKI_VERSION, id);
	if (w < 0 || (size_t)w >= cap)
		return -1;
	*len = (size_t)w;
	return 0;
}

/* Is the body complete by Content-Length / chunked framing? */
static int
http_body_complete(const struct http_resp *r)
{
	char v[64];

	if (r->status < 200 || r->status == 204 || r->status == 304)
		return 1;
	if (http_header(r->hdr, r->hdrlen, "Content-Length", v, sizeof(v))) {
		char *end;
		unsigned long long cl = strtoull(v, &end, 10);

		return end != v && r->bodylen >= cl;
	}
	if (http_header(r->hdr, r->hdrlen, "Transfer-Encoding", v, sizeof(v)) &&
	    strcasestr(v, "chunked"))
		return (r->bodylen >= 5 && !memcmp(r->body, "0\r\n\r\n", 5)) ||
		       ci_find(r->body, r->bodylen, "\r\n0\r\n\r\n") >= 0;
	return 0;
}

/* Split status line, headers and body; NEED_MORE until complete or eof. */
static enum probe_verdict
http_split(struct rd *in, int eof, struct http_resp *r)
{
	const uint8_t *d = rd_ptr(in);
	size_t n = rd_left(in), hl;
	long e;
	struct rd line;
	char sl[128];

	memset(r, 0, sizeof(*r));
	if (memcmp(d, "HTTP/", n < 5 ? n : 5))
		return PROBE_NO_MATCH;
	if (n < 5)
		return eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	e = rd_find(in, "\r\n\r\n", 4);
	hl = e >= 0 ? (size_t)e + 4 : 0;
	if (e < 0 && (e = rd_find(in, "\n\n", 2)) >= 0)
		hl = (size_t)e + 2;
	if (!hl || hl > HTTP_HDR_MAX) {
		if (!eof && n < HTTP_HDR_MAX)
			return PROBE_NEED_MORE;
		hl = n < HTTP_HDR_MAX ? n : HTTP_HDR_MAX;
		eof = 1;	/* header cap reached: take what we have */
	}
	rd_init(&line, d, hl);
	rd_line(&line, sl, sizeof(sl));
	if (strlen(sl) < 12 || sl[8] != ' ' || sl[9] < '1' || sl[9] > '5' ||
	    sl[10] < '0' || sl[10] > '9' || sl[11] < '0' || sl[11] > '9')
		return PROBE_MALFORMED;
	r->status = (sl[9] - '0') * 100 + (sl[10] - '0') * 10 + (sl[11] - '0');
	r->hdr = rd_ptr(&line);
	r->hdrlen = rd_left(&line);
	r->body = d + hl;
	r->bodylen = n - hl;
	if (!eof && !http_body_complete(r))
		return PROBE_NEED_MORE;
	return PROBE_MATCH;
}

/* <title ...>text</title>, whitespace collapsed, UTF-8 kept, at most 128 bytes. */
static void
http_title(const struct http_resp *r, char *out, size_t outlen)
{
	long a = ci_find(r->body, r->bodylen, "<title"), b;
	const uint8_t *s;
	size_t n, o = 0;
	char raw[HTTP_TITLE_MAX * 4 + 1];

	out[0] = 0;
	if (a < 0)
		return;
	s = memchr(r->body + a, '>', r->bodylen - (size_t)a);
	if (!s)
		return;
	s++;
	n = r->bodylen - (size_t)(s - r->body);
	b = ci_find(s, n, "</title");
	n = b >= 0 ? (size_t)b : n;
	rd_text(s, n < sizeof(raw) - 1 ? n : sizeof(raw) - 1, raw, sizeof(raw));
	/* raw is valid UTF-8: copy whole characters, collapse spaces */
	for (size_t i = 0; raw[i];) {
		uint8_t c = (uint8_t)raw[i];
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (c == ' ' && (o == 0 || out[o - 1] == ' ')) {
			i++;
			continue;
		}
		if (o + len > HTTP_TITLE_MAX || o + len + 1 > outlen)
			break;
		memcpy(out + o, raw + i, len);
		o += len;
		i += len;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
}

/* Set-Cookie names only, space separated; values are never kept. */
static void
http_cookies(const struct http_resp *r, char *out, size_t outlen, json_t *arr)
{
	struct rd rr;
	char line[512];
	size_t o = 0;

	out[0] = 0;
	rd_init(&rr, r->hdr, r->hdrlen);
	while (rd_line(&rr, line, sizeof(line))) {
		char *v, *eq;

		if (strncasecmp(line, "Set-Cookie:", 11))
			continue;
		v = line + 11;
		while (*v == ' ')
			v++;
		eq = strchr(v, '=');
		if (!eq || eq == v)
			continue;
		*eq = 0;
		if (arr && json_array_size(arr) < 32)
			json_array_append_new(arr, json_string(v));
		if (o + strlen(v) + 2 < outlen) {
			o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? " " : "", v);
		}
	}
}

static void
http_set_hdr(json_t *o, const struct http_resp *r, const char *name, const char *key)
{
	char v[512];

	if (http_header(r->hdr, r->hdrlen, name, v, sizeof(v)))
		json_object_set_new(o, key, json_string(v));
}

/* "nginx/1.22.1" -> product nginx, version 1.22.1 */
static void
http_server_product(json_t *out, const char *server)
{
	char p[128];
	const char *slash = strchr(server, '/');
	size_t n;

	if (!server[0] || json_object_get(out, "product"))
		return;
	n = slash ? (size_t)(slash - server) : strcspn(server, " ");
	if (n >= sizeof(p))
		n = sizeof(p) - 1;
	memcpy(p, server, n);
	p[n] = 0;
	json_object_set_new(out, "product", json_string(p));
	if (slash && slash[1]) {
		n = strcspn(slash + 1, " ");
		if (n >= sizeof(p))
			n = sizeof(p) - 1;
		memcpy(p, slash + 1, n);
		p[n] = 0;
		json_object_set_new(out, "version", json_string(p));
	}
}


static int
word_list_hit(json_t *arr, const char *title)
{
	json_t *w;
	size_t i;

	json_array_foreach(arr, i, w)
		if (json_is_string(w) &&
		    ci_find((const uint8_t *)title, strlen(title), json_string_value(w)) >= 0)
			return 1;
	return 0;
}

/* Obvious admin login page: product title, or a login word plus an admin word. */
static int
http_admin_title(const struct vpn_db *db, const char *title)
{
	json_t *a = db ? db->admin : NULL;

	if (!title[0] || !a)
		return 0;
	if (word_list_hit(json_object_get(a, "products"), title))
		return 1;
	return word_list_hit(json_object_get(a, "login_words"), title) &&
	       word_list_hit(json_object_get(a, "admin_words"), title);
}

/* Same-host redirect target path (no query), or "" when off-site. */
static void
http_location_path(const char *loc, const char *host, char *path, size_t plen)
{
	const char *p = loc;

	path[0] = 0;
	if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8)) {
		size_t hl = host ? strlen(host) : 0;

		p = strstr(p, "://") + 3;
		if (p[0] == '[')
			p++;
		if (!hl || strncmp(p, host, hl) || (p[hl] != '/' && p[hl] != ':' &&
						    p[hl] != ']' && p[hl] != 0))
			return;
		p = strchr(p, '/');
		if (!p)
			p = "/";
	}
	if (p[0] != '/')
		return;
	snprintf(path, plen, "%.*s", (int)strcspn(p, "?#"), p);
}

/*
 * Version hint (vpn-fingerprints.md 3, 6.3): on FortiGate and GlobalProtect
 * pages the ETag ends in 8 hex digits that are the Unix time the page was
 * built.  Reported as a build date, never as a version.
 */
static void
http_etag_build_date(json_t *out, json_t *v)
{
	json_t *http = json_object_get(out, "http"), *req = json_object_get(http, "requests");
	const char *etags[2] = { json_string_value(json_object_get(json_array_get(req,
				 json_array_size(req) ? json_array_size(req) - 1 : 0), "etag")),
				 json_string_value(json_object_get(http, "etag")) };
	char buf[32];

	for (int i = 0; i < 2; i++) {
		const char *e = etags[i], *dash;
		size_t n;
		char hex[9], *end;
		unsigned long t;

		if (!e || !(dash = strrchr(e, '-')))
			continue;
		n = strspn(dash + 1, "0123456789abcdefABCDEF");
		if (n != 8 || (dash[9] && dash[9] != '"'))
			continue;
		memcpy(hex, dash + 1, 8);
		hex[8] = 0;
		t = strtoul(hex, &end, 16);
		if (*end || t < 946684800UL)	/* before 2000: not a build time */
			continue;
		json_object_set_new(v, "build_date", json_string(results_time((int64_t)t, buf)));
		return;
	}
}

static void
http_vpn_identified(json_t *out, json_t *fp)
{
	json_t *v = json_object();

	json_object_set(v, "product", json_object_get(fp, "product"));
	json_object_set(v, "vendor", json_object_get(fp, "vendor"));
	json_object_set(v, "id", json_object_get(fp, "id"));
	json_object_set(v, "kev_cves", json_object_get(fp, "kev_cves"));
	if (json_is_true(json_object_get(fp, "etag_build_date")))
		http_etag_build_date(out, v);
	json_object_set_new(out, "vpn", v);
	json_object_set(out, "product", json_object_get(fp, "product"));
	json_object_del(out, "version");
	probe_risk(out, "vpn-portal-exposed");
	if (json_array_size(json_object_get(fp, "kev_cves")))
		probe_risk(out, "vpn-kev-product");
	if (json_is_true(json_object_get(fp, "admin")))
		probe_risk(out, "http-admin-interface");
}

/* First fingerprint with one high or two medium markers, or NULL. */
static json_t *
http_vpn_winner(const struct vpn_db *db, json_t *state)
{
	json_t *fp;
	size_t i;

	json_array_foreach(db->fps, i, fp) {
		json_t *st = json_object_get(state, json_string_value(json_object_get(fp, "id")));

		if (st && (json_integer_value(json_object_get(st, "high")) > 0 ||
			   json_array_size(json_object_get(st, "medium")) >= 2))
			return fp;
	}
	return NULL;
}

static int
path_requested(json_t *paths, const char *p)
{
	json_t *v;
	size_t i;

	json_array_foreach(paths, i, v)
		if (!strcmp(json_string_value(v), p))
			return 1;
	return 0;
}

/* Next product page to request: a same-host redirect, then candidates' paths. */
static const char *
http_vpn_next(const struct vpn_db *db, json_t *state, json_t *paths, const char *redirect)
{
	json_t *fp, *p;
	size_t i, k;

	if (redirect[0] && vpn_path_allowed(db, redirect) && !path_requested(paths, redirect))
		return redirect;
	json_array_foreach(db->fps, i, fp) {
		if (!json_object_get(state, json_string_value(json_object_get(fp, "id"))))
			continue;
		json_array_foreach(json_object_get(fp, "paths"), k, p)
			if (!path_requested(paths, json_string_value(p)))
				return json_string_value(p);
	}
	return NULL;
}

/* Record this response: root fields at step 0, a summary for later steps. */
static json_t *
http_record(const struct probe_ctx *ctx, json_t *out, const struct http_resp *r,
	    const char *path, const char *title, char *cookies, size_t clen)
{
	json_t *o = json_object_get(out, "http"), *arr = json_array();
	char server[256];

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "http", o);
	}
	if (ctx->step == 0) {
		json_object_set_new(o, "status", json_integer(r->status));
		if (title[0])
			json_object_set_new(o, "title", json_string(title));
		http_set_hdr(o, r, "Server", "server");
		http_set_hdr(o, r, "Location", "location");
		http_set_hdr(o, r, "ETag", "etag");
		http_set_hdr(o, r, "Last-Modified", "last_modified");
		http_set_hdr(o, r, "WWW-Authenticate", "www_authenticate");
		http_cookies(r, cookies, clen, arr);
		if (json_array_size(arr))
			json_object_set(o, "cookies", arr);
		json_object_set_new(out, "service", json_string(ctx->tls ? "https" : "http"));
		if (http_header(r->hdr, r->hdrlen, "Server", server, sizeof(server)))
			http_server_product(out, server);
	} else {
		json_t *req = json_object_get(o, "requests");

		if (!json_is_array(req)) {
			req = json_array();
			json_object_set_new(o, "requests", req);
		}
		http_cookies(r, cookies, clen, arr);
		json_t *e = json_pack("{s:s, s:i, s:s}", "path", path, "status", r->status,
				      "title", title);

		http_set_hdr(e, r, "ETag", "etag");
		json_array_append_new(req, e);
	}
	json_decref(arr);
	return o;
}

static enum probe_verdict
http_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct http_resp r;
	enum probe_verdict v = http_split(in, ctx->eof, &r);
	const char *path = http_cur_path(ctx), *next;
	char title[HTTP_TITLE_MAX + 1], cookies[512], loc[512] = "", redirect[256];
	json_t *tls = json_object_get(out, "tls"), *paths, *state, *fp;
	struct http_view view;

	if (v != PROBE_MATCH)
		return ctx->step > 0 && v != PROBE_NEED_MORE ? PROBE_MATCH : v;
	http_title(&r, title, sizeof(title));
	http_record(ctx, out, &r, path, title, cookies, sizeof(cookies));
	http_header(r.hdr, r.hdrlen, "Location", loc, sizeof(loc));
	if (http_admin_title(ctx->vpn, title))
		probe_risk(out, "http-admin-interface");
	if (!ctx->vpn)
		return PROBE_MATCH;
	view = (struct http_view){ .path = path, .status = r.status, .hdr = r.hdr,
		.hdrlen = r.hdrlen, .body = r.body, .bodylen = r.bodylen, .title = title,
		.location = loc, .cookies = cookies,
		.cert_subject = json_string_value(json_object_get(tls, "subject")),
		.cert_issuer = json_string_value(json_object_get(tls, "issuer")) };
	if (!json_is_object(state = json_object_get(out, "_vpn"))) {
		state = json_object();
		json_object_set_new(out, "_vpn", state);
	}
	vpn_db_eval(ctx->vpn, &view, state);
	if ((fp = http_vpn_winner(ctx->vpn, state))) {
		http_vpn_identified(out, fp);
		return PROBE_MATCH;
	}
	if (!json_is_array(paths = json_object_get(out, "_paths"))) {
		paths = json_pack("[s]", "/");
		json_object_set_new(out, "_paths", paths);
	}
	http_location_path(loc, ctx->host, redirect, sizeof(redirect));
	next = http_vpn_next(ctx->vpn, state, paths, redirect);
	if (!next || (size_t)ctx->step + 1 >= HTTP_MAX_REQUESTS ||
	    json_array_size(paths) != (size_t)ctx->step + 1)
		return PROBE_MATCH;
	json_array_append_new(paths, json_string(next));
	return PROBE_RECONNECT;
}

const struct probe probe_http = {
	.name = "http",
	.summary = "HTTP GET /: status, Server, title, redirects, VPN/admin portal fingerprints",
	.ports = http_ports,
	.max_reply = 256 * 1024,
	.timeout_ms = 5000,
	.hello = http_hello,
	.parse = http_parse,
};

const struct probe probe_https = {
	.name = "https",
	.summary = "HTTP over TLS (certificate fields too), with portal fingerprints",
	.ports = https_ports,
	.flags = PROBE_TLS,
	.max_reply = 256 * 1024,
	.timeout_ms = 5000,
	.hello = http_hello,
	.parse = http_parse,
};
