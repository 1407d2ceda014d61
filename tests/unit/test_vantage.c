/*
 * test_vantage.c - a run's vantage: probes leave from the sweep's source
 * address (probe_opts.source), so what identifies a service comes from
 * the same place as the reachability claim.  Loopback only: a listener on
 * 127.0.0.1 and probes bound to 127.0.0.2.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probes/runner.h"

static int
vt_listen(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	sa.sin_addr.s_addr = htonl(0x7f000001);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Probe 127.0.0.1:port (nothing answers: the listener never accepts)
 * with source src, or the kernel's choice when src is NULL; return the
 * address the listener saw the connection come from. */
static uint32_t
vt_probe_from(const char *src)
{
	struct results *r = results_new("scan");
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	struct probe_opts o;
	struct addr a, s;
	uint16_t port;
	char err[256];
	int lfd = vt_listen(&port), cfd;
	json_t *svc;

	cr_assert_eq(addr_parse("127.0.0.1", &a), 0);
	svc = results_service(r, &a, "tcp", port, 1);
	json_object_set_new(svc, "state", json_string("open"));
	memset(&o, 0, sizeof(o));
	o.only = "ssh";
	o.read_ms = 300;
	o.probe_ms = 600;
	o.connect_ms = 500;
	if (src) {
		cr_assert_eq(addr_parse(src, &s), 0);
		o.source = &s;
	}
	cr_assert_geq(probe_run_results(r, &o, err, sizeof(err)), 0, "%s", err);
	cfd = accept(lfd, (struct sockaddr *)&peer, &pl);
	cr_assert_geq(cfd, 0, "the probe connected");
	close(cfd);
	close(lfd);
	results_free(r);
	return ntohl(peer.sin_addr.s_addr);
}

Test(vantage, probes_bind_to_the_sweep_source)
{
	cr_assert_eq(vt_probe_from("127.0.0.2"), 0x7f000002, "bound to the given source");
	cr_assert_eq(vt_probe_from(NULL), 0x7f000001, "without one, the kernel's choice");
}
