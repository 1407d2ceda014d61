/*
 * test_dissect.c - DNS answers (CNAME chains, compression, loops,
 * truncation), TLS ClientHello SNI, HTTP Host and the WireGuard shape.
 * Each parser is also run on every prefix of a valid message (heap copy
 * of exactly that size, so ASan catches an overread).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/capture/dissect.h"

struct dtest_ans {
	int n;
	char addr[4][ADDR_STRLEN];
	char qname[4][DISSECT_NAME_MAX];
	char owner[4][DISSECT_NAME_MAX];
};

static void
dtest_cb(void *ctx, const struct addr *a, const char *qname, const char *owner)
{
	struct dtest_ans *r = ctx;

	if (r->n >= 4)
		return;
	addr_fmt(a, r->addr[r->n]);
	snprintf(r->qname[r->n], DISSECT_NAME_MAX, "%s", qname);
	snprintf(r->owner[r->n], DISSECT_NAME_MAX, "%s", owner);
	r->n++;
}

static size_t
dtest_name(uint8_t *b, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		b[n++] = (uint8_t)l;
		memcpy(b + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	b[n++] = 0;
	return n;
}

static size_t
dtest_rr(uint8_t *b, const uint8_t *owner, size_t olen, uint16_t type,
	 const uint8_t *rdata, size_t rdlen)
{
	size_t n = 0;

	memcpy(b, owner, olen);
	n = olen;
	memcpy(b + n, (uint8_t[]){ 0, (uint8_t)type, 0, 1, 0, 0, 1, 0x2c, 0,
				   (uint8_t)rdlen }, 10);
	n += 10;
	memcpy(b + n, rdata, rdlen);
	return n + rdlen;
}

/* WWW.Example.ORG CNAME edge.cdn.example (compressed owner) ->
 * edge.cdn.example A 203.0.113.10 (owner points into the CNAME rdata). */
static size_t
dtest_cname_msg(uint8_t *b)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2,
					 0, 0, 0, 0 };
	uint8_t tgt[64], ptr[2] = { 0xc0, 12 };
	size_t n, tlen, tpos;

	memcpy(b, hdr, 12);
	n = 12 + dtest_name(b + 12, "WWW.Example.ORG");
	memcpy(b + n, "\x00\x01\x00\x01", 4);
	n += 4;
	tlen = dtest_name(tgt, "edge.cdn.example");
	tpos = n + 2 + 10;
	n += dtest_rr(b + n, ptr, 2, 5, tgt, tlen);
	uint8_t p2[2] = { 0xc0, (uint8_t)tpos };
	n += dtest_rr(b + n, p2, 2, 1, (const uint8_t *)"\xcb\x00\x71\x0a", 4);
	return n;
}

Test(dissect_dns, cname_chain_names_the_question)
{
	uint8_t b[512];
	size_t n = dtest_cname_msg(b);
	struct dtest_ans r = { 0 };

	cr_assert_eq(dissect_dns(b, n, dtest_cb, &r), 1);
	cr_assert_eq(r.n, 1);
	cr_assert_str_eq(r.addr[0], "203.0.113.10");
	cr_assert_str_eq(r.qname[0], "www.example.org");
	cr_assert_str_eq(r.owner[0], "edge.cdn.example");
}

Test(dissect_dns, every_prefix_is_safe)
{
	uint8_t b[512];
	size_t n = dtest_cname_msg(b);

	for (size_t cut = 0; cut < n; cut++) {
		struct dtest_ans r = { 0 };
		uint8_t *p = malloc(cut ? cut : 1);
		memcpy(p, b, cut);
		int rc = dissect_dns(p, cut, dtest_cb, &r);
		cr_assert(rc == -1 || (rc == 0 && r.n == 0), "cut %zu rc %d", cut, rc);
		free(p);
	}
}

Test(dissect_dns, queries_and_loops)
{
	uint8_t b[64] = { 0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	struct dtest_ans r = { 0 };
	size_t n = 12 + dtest_name(b + 12, "example.org");

	memcpy(b + n, "\x00\x01\x00\x01", 4);
	cr_assert_eq(dissect_dns(b, n + 4, dtest_cb, &r), 0, "a query");
	/* Response whose question name points at itself. */
	b[2] = 0x81;
	b[12] = 0xc0, b[13] = 12;
	cr_assert_eq(dissect_dns(b, 18, dtest_cb, &r), -1);
	/* Forward pointer. */
	b[13] = 40;
	cr_assert_eq(dissect_dns(b, 48, dtest_cb, &r), -1);
	cr_assert_eq(r.n, 0);
}

Test(dissect_dns, aaaa_and_long_name_cap)
{
	uint8_t b[1024] = { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
	uint8_t ptr[2] = { 0xc0, 12 }, v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct dtest_ans r = { 0 };
	size_t n = 12 + dtest_name(b + 12, "v6.example");

	memcpy(b + n, "\x00\x1c\x00\x01", 4);
	n += 4;
	v6[15] = 1;
	n += dtest_rr(b + n, ptr, 2, 28, v6, 16);
	cr_assert_eq(dissect_dns(b, n, dtest_cb, &r), 1);
	cr_assert_str_eq(r.addr[0], "2001:db8::1");
	/* 5 labels of 63 = 320 > 255: refused */
	n = 12;
	for (int i = 0; i < 5; i++) {
		b[n++] = 63;
		memset(b + n, 'a', 63);
		n += 63;
	}
	b[n++] = 0;
	cr_assert_eq(dissect_dns(b, n + 4, dtest_cb, &r), -1);
}

static size_t
dtest_hello(uint8_t *b, const char *sni)
{
	size_t sl = strlen(sni), n = 0, ext = 9 + sl;
	size_t body = 2 + 32 + 1 + 4 + 2 + 2 + ext;

	b[n++] = 22, b[n++] = 3, b[n++] = 1;
	b[n++] = (uint8_t)((body + 4) >> 8), b[n++] = (uint8_t)(body + 4);
	b[n++] = 1, b[n++] = 0;
	b[n++] = (uint8_t)(body >> 8), b[n++] = (uint8_t)body;
	b[n++] = 3, b[n++] = 3;
	memset(b + n, 0, 32);
	n += 32;
	b[n++] = 0;				/* session id */
	memcpy(b + n, "\x00\x02\x13\x01", 4);	/* cipher suites */
	n += 4;
	b[n++] = 1, b[n++] = 0;			/* compression */
	b[n++] = (uint8_t)(ext >> 8), b[n++] = (uint8_t)ext;
	b[n++] = 0, b[n++] = 0;			/* server_name */
	b[n++] = (uint8_t)((sl + 5) >> 8), b[n++] = (uint8_t)(sl + 5);
	b[n++] = (uint8_t)((sl + 3) >> 8), b[n++] = (uint8_t)(sl + 3);
	b[n++] = 0;
	b[n++] = (uint8_t)(sl >> 8), b[n++] = (uint8_t)sl;
	memcpy(b + n, sni, sl);
	return n + sl;
}

Test(dissect_tls, sni)
{
	uint8_t b[512];
	char out[DISSECT_NAME_MAX];
	size_t n = dtest_hello(b, "PACS.Vendor.example");

	cr_assert_eq(dissect_tls_sni(b, n, out, sizeof(out)), 1);
	cr_assert_str_eq(out, "pacs.vendor.example");
	cr_assert_eq(dissect_tls_sni((const uint8_t *)"GET /", 5, out,
				     sizeof(out)), 0);
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);
		memcpy(p, b, cut);
		cr_assert_neq(dissect_tls_sni(p, cut, out, sizeof(out)), 1,
			      "cut %zu", cut);
		free(p);
	}
	b[3] = 0xff;	/* record length beyond the TLS maximum */
	cr_assert_eq(dissect_tls_sni(b, n, out, sizeof(out)), -1);
}

Test(dissect_http, host)
{
	const char *req = "GET /index.html HTTP/1.1\r\nUser-Agent: x\r\n"
			  "HOST:  Emr.Example.JP:8080 \r\n\r\n";
	char out[DISSECT_NAME_MAX];

	cr_assert_eq(dissect_http_host((const uint8_t *)req, strlen(req), out,
				       sizeof(out)), 1);
	cr_assert_str_eq(out, "emr.example.jp:8080");
	cr_assert_eq(dissect_http_host((const uint8_t *)"HTTP/1.1 200 OK\r\n",
				       17, out, sizeof(out)), 0);
	cr_assert_eq(dissect_http_host((const uint8_t *)"GET / HTTP/1.0\r\n\r\n"
				       "Host: late\r\n", 30, out, sizeof(out)), 0);
	cr_assert_eq(dissect_http_host((const uint8_t *)"GET / HTTP/1.1\r\nHost:\r\n",
				       23, out, sizeof(out)), -1);
}

Test(dissect_wg, shapes)
{
	uint8_t b[160] = { 1, 0, 0, 0 };

	cr_assert(dissect_wireguard(b, 148));
	cr_assert_not(dissect_wireguard(b, 147));
	b[0] = 2;
	cr_assert(dissect_wireguard(b, 92));
	b[0] = 4;
	cr_assert(dissect_wireguard(b, 48));
	cr_assert_not(dissect_wireguard(b, 40));
	b[1] = 1;
	cr_assert_not(dissect_wireguard(b, 48));
	cr_assert_not(dissect_wireguard(b, 2));
}
