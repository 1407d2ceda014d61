/*
 * test_probe_http.c - HTTP(S): the request we send, replies recorded from
 * the real nginx (admin page, default page over TLS), partial reads
 * (headers, Content-Length, chunked), cookie names without values, title
 * clean-up, malformed status lines and lying lengths.
 */
#include "probe_a_util.h"

static struct vpn_db *
db_load(void)
{
	struct vpn_db *db = NULL;
	char err[256];

	cr_assert_eq(vpn_db_load_default(&db, err, sizeof(err)), 0, "%s", err);
	return db;
}

static enum probe_verdict
http_str(const char *s, int eof, json_t *out, const struct vpn_db *db)
{
	struct probe_ctx c = pa_ctx(0, 80, eof);

	c.vpn = db;
	return pa_run("http", &c, s, strlen(s), out);
}

Test(probe_http, request_bytes)
{
	const struct probe *p = probe_by_name("https");
	struct probe_ctx c = pa_ctx(0, 8443, 0);
	uint8_t buf[1024];
	size_t n = 0;
	json_t *out = json_object();
	struct vpn_db *db = db_load();

	c.tls = 1;
	c.out = out;
	c.vpn = db;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf) - 1, &n), 0);
	buf[n] = 0;
	cr_assert_str_eq((char *)buf, "GET / HTTP/1.1\r\nHost: 198.18.50.10:8443\r\n"
			 "User-Agent: heiiki/" HEIIKI_VERSION " (heiiki-test)\r\n"
			 "Accept: */*\r\nConnection: close\r\n\r\n");
	c.port = 443;
	c.host = "2001:db8::10";
	cr_assert_eq(p->hello(&c, buf, sizeof(buf) - 1, &n), 0);
	buf[n] = 0;
	cr_assert_not_null(strstr((char *)buf, "Host: [2001:db8::10]\r\n"));
	/* later steps request the planned path, only when it is allowlisted */
	json_object_set_new(out, "_paths", json_pack("[s, s]", "/", "/remote/login"));
	c.step = 1;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf) - 1, &n), 0);
	cr_assert(!memcmp(buf, "GET /remote/login HTTP/1.1\r\n", 28));
	json_object_set_new(out, "_paths", json_pack("[s, s]", "/", "/../etc/passwd"));
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), -1);
	c.step = 3;
	cr_assert_eq(p->hello(&c, buf, sizeof(buf), &n), -1, "at most 3 requests");
	c.step = 0;
	c.scanner_id = "x\r\nCookie: a=b";
	cr_assert_eq(p->hello(&c, buf, sizeof(buf) - 1, &n), 0);
	buf[n] = 0;
	cr_assert_null(strstr((char *)buf, "\r\nCookie"), "no header injection via scanner id");
	cr_assert_eq(p->hello(&c, buf, 40, &n), -1, "respects the buffer cap");
	json_decref(out);
	vpn_db_free(db);
}

Test(probe_http, real_nginx_admin_page)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 80, 0);

	c.vpn = db;
	cr_assert_eq(pa_run_file("http", &c, "http", "nginx-admin.http", out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "service", NULL), "http");
	cr_assert_str_eq(pa_str(out, "product", NULL), "nginx");
	cr_assert_str_eq(pa_str(out, "version", NULL), "1.22.1");
	cr_assert_str_eq(pa_str(out, "http", "title"), "Router Management - Login");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "http"), "status")), 200);
	cr_assert(pa_has_risk(out, "http-admin-interface"));
	cr_assert_null(json_object_get(out, "vpn"));
	json_decref(out);
	vpn_db_free(db);
}

Test(probe_http, real_nginx_default_over_tls)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 8443, 0);

	c.vpn = db;
	c.tls = 1;
	cr_assert_eq(pa_run_file("https", &c, "http", "nginx-default-tls.http", out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "service", NULL), "https");
	cr_assert_str_eq(pa_str(out, "http", "title"), "Welcome to nginx!");
	cr_assert_null(json_object_get(out, "risks"));
	json_decref(out);
	vpn_db_free(db);
}

Test(probe_http, partial_reads)
{
	json_t *out = json_object();
	static const char hdr[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n<title>abc</title>";
	static const char chunk[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				    "5\r\n<b>x<\r\n0\r\n\r\n";

	cr_assert_eq(http_str("HTT", 0, out, NULL), PROBE_NEED_MORE);
	cr_assert_eq(http_str("HTTP/1.1 200 OK\r\nServer: x", 0, out, NULL), PROBE_NEED_MORE);
	cr_assert_eq(http_str(hdr, 0, out, NULL), PROBE_NEED_MORE, "2 body bytes missing");
	cr_assert_eq(http_str(hdr, 1, out, NULL), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "http", "title"), "abc");
	cr_assert_eq(http_str(chunk, 0, out, NULL), PROBE_MATCH);
	cr_assert_eq(http_str("HTTP/1.1 200 OK\r\n\r\nno length", 0, out, NULL), PROBE_NEED_MORE);
	cr_assert_eq(http_str("HTTP/1.1 204 No Content\r\n\r\n", 0, out, NULL), PROBE_MATCH);
	json_decref(out);
}

Test(probe_http, cookie_names_only_and_title_cleanup)
{
	json_t *out = json_object(), *ck;
	char resp[1024];

	snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nSet-Cookie: SESSION=secretvalue; path=/\r\n"
		 "set-cookie: lang=ja\r\nContent-Length: 0\r\n\r\n");
	cr_assert_eq(http_str(resp, 1, out, NULL), PROBE_MATCH);
	ck = json_object_get(json_object_get(out, "http"), "cookies");
	cr_assert_eq(json_array_size(ck), 2);
	cr_assert_str_eq(json_string_value(json_array_get(ck, 0)), "SESSION");
	char *dump = json_dumps(out, 0);

	cr_assert_null(strstr(dump, "secretvalue"), "cookie values are never stored");
	free(dump);
	json_decref(out);
	out = json_object();
	cr_assert_eq(http_str("HTTP/1.0 200 OK\r\n\r\n<TITLE lang=en>\r\n  Multi\r\n\tline   title\r\n"
			      "</TITLE>", 1, out, NULL), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "http", "title"), "Multi line title");
	json_decref(out);
	out = json_object();
	char longt[600] = "HTTP/1.0 200 OK\r\n\r\n<title>";

	memset(longt + strlen(longt), 'T', 400);
	cr_assert_eq(http_str(longt, 1, out, NULL), PROBE_MATCH, "unterminated long title");
	cr_assert_eq(strlen(pa_str(out, "http", "title")), 128);
	json_decref(out);
}

Test(probe_http, malformed_and_lying)
{
	json_t *out = json_object();

	cr_assert_eq(http_str("HTTP/1.1 abc\r\n\r\n", 1, out, NULL), PROBE_MALFORMED);
	cr_assert_eq(http_str("HTTP/1.1 999 What\r\n\r\n", 1, out, NULL), PROBE_MALFORMED);
	cr_assert_eq(http_str("SSH-2.0-x\r\n", 0, out, NULL), PROBE_NO_MATCH);
	cr_assert_eq(http_str("", 1, out, NULL), PROBE_NO_MATCH);
	cr_assert_eq(http_str("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nabc", 0, out, NULL),
		     PROBE_NEED_MORE);
	cr_assert_eq(http_str("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nabc", 1, out, NULL),
		     PROBE_MATCH, "a lying length ends at eof/cap");
	cr_assert_eq(http_str("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", 0, out, NULL),
		     PROBE_NEED_MORE);
	/* headers never terminated: 20 KiB of header lines */
	size_t n = 20 * 1024;
	char *big = malloc(n + 1);

	cr_assert_not_null(big);
	memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
	memset(big + 17, 'h', n - 17);
	big[n] = 0;
	cr_assert_eq(http_str(big, 0, out, NULL), PROBE_MATCH, "16 KiB header cap");
	free(big);
	json_decref(out);
}

Test(probe_http, japanese_title_is_kept_and_capped_on_a_character)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	char resp[1024], want[200];
	const char *t;
	size_t n;

	snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
		 "Content-Length: 60\r\n\r\n<html><title>電子カルテ\r\n  ログイン</title></html>");
	cr_assert_eq(http_str(resp, 1, out, db), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "http", "title"), "電子カルテ ログイン");
	json_decref(out);

	/* 60 three-byte characters = 180 bytes: cut at 126 bytes (42 chars), never mid-character */
	out = json_object();
	n = (size_t)snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\n\r\n<title>");
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(resp + n, sizeof(resp) - n, "病");
	snprintf(resp + n, sizeof(resp) - n, "</title>");
	for (size_t i = 0, w = 0; i < 42; i++)
		w += (size_t)snprintf(want + w, sizeof(want) - w, "病");
	cr_assert_eq(http_str(resp, 1, out, db), PROBE_MATCH);
	t = pa_str(out, "http", "title");
	cr_assert_str_eq(t, want);
	json_decref(out);
	vpn_db_free(db);
}
