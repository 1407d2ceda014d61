/*
 * probe_winrm.c - WinRM (WS-Management) unauthenticated Identify.
 *
 * Step 0 sends one "POST /wsman" with the header "WSMANIDENTIFY:
 * unauthenticated" and the WS-Management Identify body (DSP0226 11,
 * 198 bytes): the one request WinRM answers without credentials when
 * unauthenticated Identify is allowed.  The IdentifyResponse names the
 * vendor and "OS: 10.0.17763 SP: 0.0 Stack: 3.0" -> product "Microsoft
 * WinRM", "os" from the build (probes/winver.h).  A 401 with
 * Server: Microsoft-HTTPAPI and WWW-Authenticate Negotiate/Kerberos still
 * names WinRM.  Nothing is enumerated, no shell, no credentials.
 *
 * Only the text of two elements is taken from the XML (ProductVendor,
 * ProductVersion), by bounded search for their closing-tag-terminated
 * content; nothing else of the document is interpreted.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "textproto.h"
#include "winver.h"

#define WINRM_MAX (16 * 1024)

static const uint16_t winrm_ports[] = { 5985, 0 };
static const uint16_t winrms_ports[] = { 5986, 0 };

static const char winrm_body[] =
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
	"xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
	"<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";

static int
winrm_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *host = ctx->host ? ctx->host : "";
	char id[33];
	size_t n = 0;
	int w;

	if (ctx->step != 0 || !*host || strlen(host) > 64 || strpbrk(host, "\r\n /[]"))
		return -1;
	for (const char *p = ctx->scanner_id ? ctx->scanner_id : "heiiki"; *p && n < 32; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			id[n++] = *p;
	id[n] = 0;
	w = snprintf((char *)buf, cap,
		"POST /wsman HTTP/1.1\r\nHost: %s%s%s:%u\r\nUser-Agent: heiiki/%s\r\n"
		"WSMANIDENTIFY: unauthenticated\r\n"
		"Content-Type: application/soap+xml;charset=UTF-8\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
		(unsigned)ctx->port, id, sizeof(winrm_body) - 1, winrm_body);
	if (w < 0 || (size_t)w >= cap)
		return -1;
	*len = (size_t)w;
	return 0;
}

/* Text of the first element whose name ends in "name>" (any prefix). */
static int
winrm_elem(const uint8_t *b, size_t n, const char *name, char *dst, size_t cap)
{
	struct rd r;
	char open[48];
	long at, end;
	size_t ol;

	snprintf(open, sizeof(open), ":%s>", name);
	ol = strlen(open);
	rd_init(&r, b, n);
	at = rd_find(&r, open, ol);
	if (at < 0)
		return 0;
	rd_init(&r, b + at + ol, n - (size_t)at - ol);
	end = rd_find(&r, "</", 2);
	if (end < 0 || end > 200)
		return 0;
	rd_printable(b + at + ol, (size_t)end, dst, cap);
	return 1;
}

static void
winrm_os(const char *ver, json_t *out)
{
	unsigned v[3] = { 0, 0, 0 }, k = 0;
	const char *p = strstr(ver, "OS: ");
	const char *name;

	if (!p)
		return;
	for (p += 4; *p && k < 3; p++) {
		if (*p >= '0' && *p <= '9') {
			if (v[k] < 1000000)
				v[k] = v[k] * 10 + (unsigned)(*p - '0');
		} else if (*p == '.') {
			k++;
		} else {
			break;
		}
	}
	if (k < 2)
		return;
	name = v[2] >= 2195 ? win_build_name(v[0], v[1], v[2]) : NULL;
	if (name) {
		json_object_set_new(out, "os", json_string(name));
		json_object_set_new(out, "os_build", json_integer(v[2]));
	}
}

static enum probe_verdict
winrm_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *p = rd_ptr(in), *body = NULL;
	size_t n = rd_left(in), hl = 0, blen = 0;
	int status = 0, chunked = 0, r;
	char server[128], auth[128], vendor[128], ver[128];
	json_t *o;

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	r = tp_http_split(p, n, ctx->eof, &status, &hl, &body, &blen, &chunked);
	if (r < 0)
		return PROBE_NO_MATCH;
	if (r == 0)
		return PROBE_NEED_MORE;
	o = json_object();
	json_object_set_new(o, "status", json_integer(status));
	if (status == 200 && winrm_elem(body, blen, "ProductVendor", vendor, sizeof(vendor))) {
		json_object_set_new(o, "product_vendor", json_string(vendor));
		json_object_set_new(o, "identify_unauthenticated", json_true());
		if (winrm_elem(body, blen, "ProductVersion", ver, sizeof(ver))) {
			json_object_set_new(o, "product_version", json_string(ver));
			if (strstr(vendor, "Microsoft"))
				winrm_os(ver, out);
		}
		json_object_set_new(out, "product", json_string(strstr(vendor, "Microsoft") ?
		    "Microsoft WinRM" : "WS-Management"));
	} else if (status == 401 && tp_header(p, hl, "Server", NULL, server, sizeof(server)) &&
		   !strncmp(server, "Microsoft-HTTPAPI", 17) &&
		   tp_header(p, hl, "WWW-Authenticate", NULL, auth, sizeof(auth)) &&
		   (strstr(auth, "Negotiate") || strstr(auth, "Kerberos"))) {
		json_object_set_new(out, "product", json_string("Microsoft WinRM"));
		json_object_set_new(o, "identify_unauthenticated", json_false());
	} else {
		json_decref(o);
		return PROBE_NO_MATCH;
	}
	json_object_set_new(out, "winrm", o);
	json_object_set_new(out, "service", json_string("winrm"));
	return PROBE_MATCH;
}

const struct probe probe_winrm = {
	.name = "winrm",
	.summary = "WinRM: unauthenticated WS-Management Identify (POST /wsman)",
	.ports = winrm_ports,
	.max_reply = WINRM_MAX,
	.timeout_ms = 5000,
	.hello = winrm_hello,
	.parse = winrm_parse,
};

const struct probe probe_winrms = {
	.name = "winrms",
	.summary = "WinRM over HTTPS: the same Identify inside TLS",
	.ports = winrms_ports,
	.flags = PROBE_TLS,
	.max_reply = WINRM_MAX,
	.timeout_ms = 5000,
	.hello = winrm_hello,
	.parse = winrm_parse,
};
