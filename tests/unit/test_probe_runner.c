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

/*
 * TFTP through the runner (PROBE_UDP_NEW_TID): a loopback server that
 * reads the RRQ on one port and answers from ANOTHER port, as a TFTP
 * server answers from its new transfer ID.  A connected UDP socket would
 * never see that reply; the runner's unconnected socket must take it
 * because it comes from the target's address.
 */
static void
tftp_new_tid_child(int us)
{
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	uint8_t buf[600];
	static const uint8_t err[] = { 0, 5, 0, 1, 'F', 'i', 'l', 'e', ' ', 'n', 'o', 't', ' ',
				       'f', 'o', 'u', 'n', 'd', 0 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	ssize_t n = recvfrom(us, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &pl);
	int tid = socket(AF_INET, SOCK_DGRAM, 0);

	if (n < 4 || buf[0] != 0 || buf[1] != 1)
		_exit(2);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tid < 0 || bind(tid, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(3);
	if (sendto(tid, err, sizeof(err), 0, (struct sockaddr *)&peer, pl) != (ssize_t)sizeof(err))
		_exit(4);
	_exit(0);
}

static int
udp_loopback(struct sockaddr_in *sa)
{
	socklen_t sl = sizeof(*sa);
	int us = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert_geq(us, 0);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(us, (struct sockaddr *)sa, sizeof(*sa)), 0);
	cr_assert_eq(getsockname(us, (struct sockaddr *)sa, &sl), 0);
	return us;
}

Test(probe_runner, tftp_reply_from_a_new_port_is_taken)
{
	struct sockaddr_in sa;
	struct results *r = results_new("probe");
	struct probe_opts o;
	struct addr a;
	char err[256];
	json_t *s, *risks;
	int us = udp_loopback(&sa), st = -1;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(10);
		tftp_new_tid_child(us);
	}
	close(us);
	cr_assert_eq(addr_parse("127.0.0.1", &a), 0);
	s = results_service(r, &a, "udp", ntohs(sa.sin_port), 1);
	memset(&o, 0, sizeof(o));
	o.only = "tftp";	/* the test port is not 69 */
	cr_assert_geq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server status %d", st);
	cr_expect_str_eq(pa_str(s, "service", NULL), "tftp");
	cr_expect_str_eq(pa_str(s, "probe", "outcome"), "identified");
	cr_expect_str_eq(pa_str(s, "tftp", "error_message"), "File not found");
	risks = json_object_get(s, "risks");
	cr_expect(json_is_array(risks) && json_array_size(risks) == 1 &&
		  !strcmp(json_string_value(json_array_get(risks, 0)), "tftp-open"));
	results_free(r);
}

/*
 * The UDP cascade: a loopback server on a port without a probe of its own
 * that answers nothing but an NTP mode 3 request (it ignores the DNS query
 * sent first).  The runner must try DNS, wait briefly, then NTP, name the
 * service by that step, and mark the open|filtered port open.
 */
static void
ntp_only_child(int us)
{
	for (int k = 0; k < 8; k++) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		uint8_t q[600], a[48];
		ssize_t n = recvfrom(us, q, sizeof(q), 0, (struct sockaddr *)&peer, &pl);

		if (n < 0)
			_exit(2);
		if (n != 48 || (q[0] & 7) != 3)
			continue;	/* not NTP: a UDP server stays silent */
		memset(a, 0, sizeof(a));
		a[0] = 0x24;		/* VN 4, mode 4 */
		a[1] = 3;		/* stratum */
		a[12] = 198, a[13] = 18, a[14] = 0, a[15] = 1;
		memcpy(a + 24, q + 40, 8);	/* origin = the client's transmit */
		_exit(sendto(us, a, sizeof(a), 0, (struct sockaddr *)&peer, pl) == 48 ? 0 : 3);
	}
	_exit(4);
}

Test(probe_runner, udp_cascade_names_an_unlisted_port)
{
	struct sockaddr_in sa;
	struct results *r = results_new("probe");
	struct probe_opts o;
	struct addr a;
	struct timespec t0, t1;
	const struct probe *cas[8];
	char err[256];
	json_t *s;
	int us = udp_loopback(&sa), st = -1;
	long ms;
	pid_t pid;

	cr_assert_geq(probe_udp_cascade(cas, 8), 5);
	cr_assert_str_eq(cas[0]->name, "dns");
	cr_assert_str_eq(cas[1]->name, "ntp");
	for (size_t i = 0; i < probe_udp_cascade(cas, 8); i++)
		cr_assert(cas[i]->flags & PROBE_UDP && !(cas[i]->flags & PROBE_FRAGILE), "%s", cas[i]->name);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(10);
		ntp_only_child(us);
	}
	close(us);
	cr_assert_eq(addr_parse("127.0.0.1", &a), 0);
	s = results_service(r, &a, "udp", ntohs(sa.sin_port), 1);
	json_object_set_new(s, "state", json_string("open|filtered"));
	memset(&o, 0, sizeof(o));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_geq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server status %d", st);
	cr_expect_str_eq(pa_str(s, "service", NULL), "ntp");
	cr_expect_str_eq(pa_str(s, "state", NULL), "open", "a reply proves the port open");
	cr_expect_str_eq(pa_str(s, "probe", "name"), "ntp");
	cr_expect_str_eq(pa_str(s, "probe", "method"), "cascade");
	cr_expect_str_eq(pa_str(s, "probe", "cascade_step"), "udp-hello:ntp");
	cr_expect_geq(ms, 600, "the DNS hello was not given its wait: %ld ms", ms);
	cr_expect_lt(ms, 3000, "each silent hello must wait briefly, once: %ld ms", ms);
	results_free(r);
}

/* A careful host (clinical zone, outside every zone) gets no UDP cascade:
 * no candidate, so nothing is ever sent (no socket is opened). */
static int
careful_dot4(void *arg, const struct addr *a)
{
	(void)arg;
	return (addr_v4(a) & 0xff) == 4;
}

Test(probe_runner, no_udp_cascade_on_careful_or_fragile_hosts)
{
	struct results *r = results_new("probe");
	struct probe_opts o;
	struct addr a, b;
	char err[256];
	json_t *s1, *s2, *p;

	cr_assert_eq(addr_parse("198.18.70.4", &a), 0);
	cr_assert_eq(addr_parse("198.18.70.6", &b), 0);
	s1 = results_service(r, &a, "udp", 40000, 1);
	s2 = results_service(r, &b, "udp", 40000, 1);
	p = results_service(r, &b, "tcp", 9100, 1);	/* raw printing: fragile, excluded */
	memset(&o, 0, sizeof(o));
	o.careful = careful_dot4;
	cr_assert_eq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(pa_str(s1, "probe", "outcome"), "no-probe", "careful host");
	cr_assert_str_eq(pa_str(s2, "probe", "outcome"), "no-probe", "fragile host");
	cr_assert_str_eq(pa_str(p, "probe", "outcome"), "excluded");
	results_free(r);
}
