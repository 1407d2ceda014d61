/*
 * test_probe_runner.c - the runner's pure parts and its decisions made
 * before any packet: merging a probe's output into a service, the byte cap
 * in probe_run_bytes, probe choice by port, and services that must never
 * be touched (do_not_scan via may_probe, raw printer ports, non-open
 * states).  Those services are excluded or not open, so nothing opens a
 * socket to them (LAB SAFETY); the one socket test at the end talks only to
 * a server it starts on 127.0.0.1 (the cascade through the real runner).
 * Other sockets are exercised by tests/lab/test_probes_{a,c}.sh against
 * real servers in namespaces.
 */
#include "probe_a_util.h"
#include "scanner/core/addr.h"
#include "scanner/input/policy.h"

Test(probe_runner, merge_rules)
{
	json_t *svc = json_pack("{s:s, s:[s], s:s}", "addr", "198.18.1.1", "risks", "old", "service",
				"unknown");
	json_t *out = json_pack("{s:s, s:s, s:[s, s], s:{s:i}, s:[s]}", "service", "rdp", "product",
				"xrdp", "risks", "old", "rdp-no-nla", "rdp", "x", 1, "_plan", "/");

	probe_merge(svc, out);
	cr_assert_str_eq(pa_str(svc, "service", NULL), "rdp");
	cr_assert_str_eq(pa_str(svc, "product", NULL), "xrdp");
	cr_assert_eq(json_array_size(json_object_get(svc, "risks")), 2, "risks merged once each");
	cr_assert_null(json_object_get(svc, "_plan"), "private keys never reach the results");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(svc, "rdp"), "x")), 1);
	json_decref(svc);
	json_decref(out);
	cr_assert_str_eq(probe_verdict_name(PROBE_MATCH), "identified");
	cr_assert_str_eq(probe_verdict_name(PROBE_MALFORMED), "malformed");
}

Test(probe_runner, byte_cap_applies_before_parse)
{
	const struct probe *ssh = probe_by_name("ssh");
	size_t n = 4500 + 12;
	char *b = malloc(n);
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 22, 1);

	cr_assert_not_null(b);
	memset(b, 'a', 4500);
	memcpy(b + 4500, "\nSSH-2.0-x\r\n", 12);
	cr_assert_eq(ssh->max_reply, 4096);
	cr_assert_eq(pa_run("ssh", &c, b, n, out), PROBE_NO_MATCH,
		     "the SSH line lies beyond max_reply and must not be seen");
	cr_assert_eq(pa_run("ssh", &c, b + 4501, 11, out), PROBE_MATCH);
	free(b);
	json_decref(out);
}

Test(probe_runner, probes_by_port)
{
	const struct probe *got[8];
	size_t n;

	n = probe_for_port(3389, 6, got, 8);
	cr_assert_geq(n, 1);
	cr_assert_str_eq(got[0]->name, "rdp");
	n = probe_for_port(443, 6, got, 8);
	cr_assert_geq(n, 2);
	cr_assert_str_eq(got[0]->name, "https");
	cr_assert_str_eq(got[1]->name, "tls");
	cr_assert_str_eq(probe_for_port(22, 6, got, 8) ? got[0]->name : "", "ssh");
	cr_assert_str_eq(probe_for_port(23, 6, got, 8) ? got[0]->name : "", "telnet");
	cr_assert_str_eq(probe_for_port(21, 6, got, 8) ? got[0]->name : "", "ftp");
	cr_assert_str_eq(probe_for_port(80, 6, got, 8) ? got[0]->name : "", "http");
	cr_assert_eq(probe_for_port(22, 17, got, 8), 0, "no UDP ssh");
	cr_assert(probe_by_name("banner") && !probe_by_name("banner")->ports,
		  "banner is the fallback, never chosen by port");
}

static int
deny_odd_hosts(void *arg, const struct addr *a)
{
	(void)arg;
	return (addr_v4(a) & 1) == 0;
}

Test(probe_runner, nothing_is_sent_to_excluded_services)
{
	struct results *r = results_new("probe");
	struct probe_opts o;
	struct addr a1, a2;
	char err[256];
	json_t *s1, *s2, *s3;

	cr_assert_not_null(r);
	cr_assert_eq(addr_parse("198.18.70.1", &a1), 0);	/* odd: do_not_scan */
	cr_assert_eq(addr_parse("198.18.70.2", &a2), 0);
	s1 = results_service(r, &a1, "tcp", 3389, 1);
	s2 = results_service(r, &a2, "tcp", 9100, 1);		/* raw printing */
	s3 = results_service(r, &a2, "tcp", 22, 1);
	json_object_set_new(s3, "state", json_string("closed"));
	memset(&o, 0, sizeof(o));
	o.may_probe = deny_odd_hosts;
	cr_assert_eq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(pa_str(s1, "probe", "outcome"), "excluded");
	cr_assert_str_eq(pa_str(s2, "probe", "outcome"), "excluded");
	cr_assert_null(json_object_get(s3, "probe"), "closed services are not probed");
	cr_assert_null(json_object_get(s1, "service"));
	cr_assert_null(json_object_get(s2, "service"));
	results_free(r);
}

Test(probe_runner, empty_document)
{
	struct results *r = results_new("probe");
	struct probe_opts o;
	char err[256];

	memset(&o, 0, sizeof(o));
	cr_assert_eq(probe_run_results(r, &o, err, sizeof(err)), 0);
	results_free(r);
}

/*
 * The any-port cascade through the real runner, against a loopback server
 * this test starts (127.0.0.1 only): silent until it has read a request,
 * then one HTTP reply.  The port has no probe of its own, so the runner
 * must wait the adaptive greeting time (not the old 5 s banner read), send
 * GET / on the same connection and name the service "http" by the cascade.
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
silent_http_child(int ls)
{
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	char buf[2048];
	size_t got = 0;
	int c = accept(ls, (struct sockaddr *)&peer, &pl);

	if (c < 0)
		_exit(1);
	while (got < sizeof(buf) - 1) {
		ssize_t n = recv(c, buf + got, sizeof(buf) - 1 - got, 0);

		if (n <= 0)
			_exit(2);
		got += (size_t)n;
		buf[got] = 0;
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	if (strncmp(buf, "GET / HTTP/1.0\r\n", 16) || strstr(buf, "Host:"))
		_exit(3);
	if (send(c, "HTTP/1.0 200 OK\r\nServer: loopback-test/1.0\r\n\r\nhello", 51, 0) != 51)
		_exit(4);
	close(c);
	_exit(0);
}

Test(probe_runner, cascade_names_a_silent_http_port_on_loopback)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct results *r = results_new("probe");
	struct probe_opts o;
	struct addr a;
	struct timespec t0, t1;
	char err[256];
	json_t *s;
	int ls = socket(AF_INET, SOCK_STREAM, 0), st = -1;
	long ms;
	pid_t pid;

	cr_assert_geq(ls, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(ls, 4), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(20);
		silent_http_child(ls);
	}
	close(ls);
	cr_assert_eq(addr_parse("127.0.0.1", &a), 0);
	s = results_service(r, &a, "tcp", ntohs(sa.sin_port), 1);
	memset(&o, 0, sizeof(o));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_geq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server saw a bad request (status %d)", st);
	cr_expect_str_eq(pa_str(s, "service", NULL), "http");
	cr_expect_str_eq(pa_str(s, "probe", "name"), "cascade");
	cr_expect_str_eq(pa_str(s, "probe", "method"), "cascade");
	cr_expect_str_eq(pa_str(s, "probe", "cascade_step"), "http");
	cr_expect_str_eq(pa_str(s, "http", "server"), "loopback-test/1.0");
	cr_expect_geq(ms, 1400, "the greeting wait (1.5 s before any greeting) was skipped: %ld ms", ms);
	cr_expect_lt(ms, 4500, "a silent port took %ld ms (the old banner read alone was 5 s)", ms);
	results_free(r);
}

/* The anonymous FTP check is "careful" (never tried) in a clinical zone and
 * outside every zone, allowed in the other roles. */
Test(probe_runner, careful_hosts_by_zone_role)
{
	static const char pol[] =
		"site: x\n"
		"zones:\n"
		"  - {name: servers, role: server, nets: [198.18.10.0/24]}\n"
		"  - {name: clinical, role: clinical, nets: [198.18.20.0/24]}\n"
		"  - {name: office, role: office, nets: [198.18.30.0/24]}\n";
	struct policy p;
	struct addr a;
	char err[256];

	cr_assert_eq(policy_load_buf("t.yaml", pol, sizeof(pol) - 1, &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(p.scan.ftp_anonymous, 1, "on by default");
	cr_assert_eq(addr_parse("198.18.10.5", &a), 0);
	cr_assert_eq(probe_policy_careful(&p, &a), 0);
	cr_assert_eq(addr_parse("198.18.30.5", &a), 0);
	cr_assert_eq(probe_policy_careful(&p, &a), 0);
	cr_assert_eq(addr_parse("198.18.20.5", &a), 0);
	cr_assert_eq(probe_policy_careful(&p, &a), 1, "clinical zone");
	cr_assert_eq(addr_parse("198.18.99.5", &a), 0);
	cr_assert_eq(probe_policy_careful(&p, &a), 1, "outside every zone");
	cr_assert_eq(probe_policy_careful(NULL, &a), 1);
	policy_free(&p);
}
