/*
 * test_probe_http_proxy.c - the open-proxy check (probes/probe_http_proxy.c)
 * and its one-shot canary listener (probes/canary.c).
 *
 * The request names only the canary (the scanner's own address); a reply
 * carrying the canary's answer B proves the relay; a web server echoing the
 * path (token A) does not; refusals name a proxy without the flag.  The
 * socket tests talk only to listeners this test starts on 127.0.0.1.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/canary.h"
#include "probe_a_util.h"
#include "scanner/core/addr.h"

static const struct probe *
hp_probe(void)
{
	const struct probe *p = probe_by_name("http-proxy");

	cr_assert_not_null(p);
	return p;
}

/* The request for 198.18.50.10:3128 through canary at; returns token A. */
static void
hp_request(const char *at, char *req, size_t cap, char tok[9])
{
	struct probe_ctx c = pa_ctx(0, 3128, 0);
	size_t n = 0;

	c.canary = at;
	cr_assert_eq(hp_probe()->hello(&c, (uint8_t *)req, cap - 1, &n), 0);
	req[n] = 0;
	cr_assert(canary_token((const uint8_t *)req, n, tok), "no token in %s", req);
}

static enum probe_verdict
hp_parse(const char *reply, json_t *out, int eof)
{
	struct probe_ctx c = pa_ctx(0, 3128, eof);

	return probe_run_bytes(hp_probe(), &c, (const uint8_t *)reply, strlen(reply), out);
}

Test(http_proxy, request_names_only_the_canary)
{
	struct probe_ctx c = pa_ctx(0, 3128, 0);
	char req[1024], tok[9];
	size_t n = 0;

	cr_assert_eq(hp_probe()->hello(&c, (uint8_t *)req, sizeof(req), &n), -1,
		     "no canary: nothing is sent");
	c.canary = "198.18.50.2:4000/x";
	cr_assert_eq(hp_probe()->hello(&c, (uint8_t *)req, sizeof(req), &n), -1);
	c.canary = "198.18.50.2:4000";
	cr_assert_eq(hp_probe()->hello(&c, (uint8_t *)req, 40, &n), -1, "cap respected");
	hp_request("198.18.50.2:4000", req, sizeof(req), tok);
	cr_expect(!strncmp(req, "GET http://198.18.50.2:4000/heiiki-proxy-check/", 47), "%s", req);
	cr_expect(strstr(req, "\r\nHost: 198.18.50.2:4000\r\n"));
	cr_expect(strstr(req, "\r\nConnection: close\r\n\r\n"));
	cr_expect(hp_probe()->flags & PROBE_CANARY);
}

Test(http_proxy, relayed_canary_page_is_an_open_proxy)
{
	char req[1024], tok[9], b[64], reply[512];
	json_t *out = json_object();

	hp_request("198.18.50.2:4000", req, sizeof(req), tok);
	proxy_check_reply(tok, b, sizeof(b));
	snprintf(reply, sizeof(reply), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		 "Via: 1.1 proxy.hospital.example (squid/5.7)\r\nConnection: close\r\n\r\n%s\n", b);
	cr_assert_eq(hp_parse(reply, out, 0), PROBE_NEED_MORE, "reads until the proxy closes");
	cr_assert_eq(hp_parse(reply, out, 1), PROBE_MATCH);
	cr_expect_str_eq(pa_str(out, "service", NULL), "http");
	cr_expect(json_is_true(json_object_get(json_object_get(out, "http_proxy"), "open")));
	cr_expect_str_eq(pa_str(out, "http_proxy", "via"), "1.1 proxy.hospital.example (squid/5.7)");
	cr_expect_str_eq(pa_str(out, "http_proxy", "evidence"), "canary-page");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(out, "risks"), 0)), "open-proxy");
	json_decref(out);
}

Test(http_proxy, refusing_proxy_is_named_without_the_flag)
{
	json_t *out = json_object();

	cr_assert_eq(hp_parse("HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\n"
			      "X-Squid-Error: ERR_ACCESS_DENIED 0\r\nVia: 1.1 px (squid/5.7)\r\n"
			      "Content-Length: 6\r\n\r\ndenied", out, 1), PROBE_MATCH);
	cr_expect_str_eq(pa_str(out, "service", NULL), "http");
	cr_expect_str_eq(pa_str(out, "http", "server"), "squid/5.7");
	cr_expect_str_eq(pa_str(out, "http_proxy", "error"), "ERR_ACCESS_DENIED 0");
	cr_expect(json_is_false(json_object_get(json_object_get(out, "http_proxy"), "open")));
	cr_expect_null(json_object_get(out, "risks"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(hp_parse("HTTP/1.1 407 Proxy Authentication Required\r\n"
			      "Proxy-Authenticate: Basic realm=\"px\"\r\n\r\n", out, 1), PROBE_MATCH);
	cr_expect(json_is_true(json_object_get(json_object_get(out, "http_proxy"), "auth_required")));
	cr_expect_null(json_object_get(out, "risks"));
	json_decref(out);
}

Test(http_proxy, web_server_echoing_the_path_is_not_a_proxy)
{
	char req[1024], tok[9], reply[512];
	json_t *out = json_object();

	hp_request("198.18.50.2:4000", req, sizeof(req), tok);
	snprintf(reply, sizeof(reply), "HTTP/1.1 404 Not Found\r\nServer: Apache/2.4.71 (Debian)\r\n\r\n"
		 "<p>The requested URL /heiiki-proxy-check/%s was not found. heiiki-canary %s</p>",
		 tok, tok);
	cr_assert_eq(hp_parse(reply, out, 1), PROBE_NO_MATCH, "the http probe must follow");
	cr_expect_null(json_object_get(out, "service"));
	cr_expect_null(json_object_get(out, "http"));
	cr_assert_eq(hp_parse("", out, 1), PROBE_NO_MATCH);
	cr_assert_eq(hp_parse("SSH-2.0-OpenSSH_9.2\r\n", out, 1), PROBE_NO_MATCH);
	cr_assert_eq(hp_parse("HTTP/1.1 2", out, 1), PROBE_NO_MATCH, "truncated status line");
	cr_expect_eq(json_object_size(out), 0);
	json_decref(out);
}

Test(http_proxy, canary_token_reader)
{
	char tok[9];

	cr_assert(canary_token((const uint8_t *)"GET /heiiki-proxy-check/0a1b2c3d HTTP/1.1\r\n", 43, tok));
	cr_assert_str_eq(tok, "0a1b2c3d");
	cr_assert(!canary_token((const uint8_t *)"GET /heiiki-proxy-check/0a1b2c HTTP/1.1\r\n", 41, tok));
	cr_assert(!canary_token((const uint8_t *)"GET /heiiki-proxy-check/0A1B2C3D", 32, tok));
	cr_assert(!canary_token((const uint8_t *)"GET / HTTP/1.0\r\nX: /heiiki-proxy-check/0a1b2c3d\r\n",
				48, tok), "only the request line counts");
	cr_assert(!canary_token((const uint8_t *)"", 0, tok));
}

/* The canary itself on loopback: one request, the derived answer. */
Test(http_proxy, canary_answers_one_request)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct canary *cy = NULL;
	char at[64], resp[512] = "", want[64];
	const char *colon;
	size_t got = 0;
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(canary_start((struct sockaddr_storage *)&sa, sizeof(sa), 3000, at, sizeof(at), &cy), 0);
	cr_assert(!strncmp(at, "127.0.0.1:", 10), "%s", at);
	colon = strchr(at, ':');
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(send(fd, "GET /heiiki-proxy-check/00c0ffee HTTP/1.1\r\nVia: 1.1 px\r\n\r\n", 59, 0), 59);
	for (int k = 0; k < 50 && got < sizeof(resp) - 1; k++) {
		ssize_t n = recv(fd, resp + got, sizeof(resp) - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	resp[got] = 0;
	close(fd);
	proxy_check_reply("00c0ffee", want, sizeof(want));
	cr_expect(!strncmp(resp, "HTTP/1.0 200 OK\r\n", 17), "%s", resp);
	cr_expect(strstr(resp, want), "%s lacks %s", resp, want);
	cr_expect_eq(canary_hits(cy), 1);
	canary_stop(cy);
}

/*
 * Through the real runner: a loopback "proxy" that relays absolute-URI
 * requests (as an allow-all Squid does) to the address in the URL, which
 * must be the runner's canary on 127.0.0.1.
 */
static void
relay_child(int ls)
{
	char req[2048], host[64], path[256], out[2048];
	size_t got = 0;
	unsigned port;
	struct sockaddr_in to = { .sin_family = AF_INET };
	int c = accept(ls, NULL, NULL), u;
	ssize_t n;

	if (c < 0)
		_exit(1);
	while (got < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		n = recv(c, req + got, sizeof(req) - 1 - got, 0);
		if (n <= 0)
			_exit(2);
		got += (size_t)n;
		req[got] = 0;
	}
	if (sscanf(req, "GET http://%63[0-9.]:%u%255s HTTP/1.0", host, &port, path) != 3 ||
	    strcmp(host, "127.0.0.1"))
		_exit(3);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)port);
	u = socket(AF_INET, SOCK_STREAM, 0);
	if (u < 0 || connect(u, (struct sockaddr *)&to, sizeof(to)) < 0)
		_exit(4);
	n = snprintf(out, sizeof(out), "GET %s HTTP/1.1\r\nHost: %s:%u\r\nVia: 1.1 relay\r\n\r\n", path, host, port);
	if (send(u, out, (size_t)n, 0) != n)
		_exit(5);
	got = 0;
	while (got < sizeof(out) && (n = recv(u, out + got, sizeof(out) - got, 0)) > 0)
		got += (size_t)n;
	close(u);
	/* relay the answer, with the proxy's own Via header */
	if (send(c, "HTTP/1.1 200 OK\r\nVia: 1.1 relay (test-proxy/1.0)\r\n", 50, 0) != 50)
		_exit(6);
	{
		char *body = strstr(out, "\r\n");

		if (!body || send(c, body + 2, got - (size_t)(body + 2 - out), 0) < 0)
			_exit(7);
	}
	close(c);
	_exit(0);
}

Test(http_proxy, runner_flags_a_relaying_proxy_on_loopback)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct results *r = results_new("probe");
	struct probe_opts o;
	struct addr a;
	char err[256];
	json_t *s;
	int ls = socket(AF_INET, SOCK_STREAM, 0), st = -1;
	pid_t pid;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(ls, 4), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(10);
		relay_child(ls);
	}
	close(ls);
	cr_assert_eq(addr_parse("127.0.0.1", &a), 0);
	s = results_service(r, &a, "tcp", ntohs(sa.sin_port), 1);
	memset(&o, 0, sizeof(o));
	o.only = "http-proxy";
	cr_assert_geq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "relay status %d", st);
	cr_expect_str_eq(pa_str(s, "service", NULL), "http");
	cr_expect(json_is_true(json_object_get(json_object_get(s, "http_proxy"), "open")));
	cr_expect_str_eq(pa_str(s, "http_proxy", "via"), "1.1 relay (test-proxy/1.0)");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(s, "risks"), 0)), "open-proxy");
	results_free(r);
}

/* Squid accepted our request but could not reach the canary (a firewall on
 * the scanner): it relays for anyone all the same.  A bare 503 with Via (a
 * reverse proxy with a broken backend) is not taken as proof. */
Test(http_proxy, relay_attempt_without_canary_page)
{
	json_t *out = json_object();

	cr_assert_eq(hp_parse("HTTP/1.1 503 Service Unavailable\r\nServer: squid/5.7\r\n"
			      "X-Squid-Error: ERR_CONNECT_FAIL 111\r\nVia: 1.1 px (squid/5.7)\r\n"
			      "Connection: close\r\n\r\n", out, 1), PROBE_MATCH);
	cr_expect(json_is_true(json_object_get(json_object_get(out, "http_proxy"), "open")));
	cr_expect_str_eq(pa_str(out, "http_proxy", "evidence"), "relay-attempted");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(out, "risks"), 0)), "open-proxy");
	json_decref(out);
	out = json_object();
	cr_assert_eq(hp_parse("HTTP/1.1 503 Backend fetch failed\r\nVia: 1.1 varnish (Varnish/7.1)\r\n"
			      "Connection: close\r\n\r\n", out, 1), PROBE_MATCH);
	cr_expect(json_is_false(json_object_get(json_object_get(out, "http_proxy"), "open")));
	cr_expect_null(json_object_get(out, "risks"));
	json_decref(out);
}
