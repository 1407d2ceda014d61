/*
 * connect.c - the unprivileged sweep backend: non-blocking connect() with
 * epoll, for users without CAP_NET_RAW.
 *
 * Each probe is a TCP connect() on a non-blocking socket, at most
 * connect_parallel of them in flight.  Established -> open (closed at once
 * with an RST, SO_LINGER 0, so no service sees a half-open session);
 * ECONNREFUSED -> closed; timeout or unreachable -> filtered.  The kernel
 * retransmits an unanswered SYN after about a second, which gives the
 * same "one retry" the raw sweep does.  UDP cannot be told apart without
 * raw sockets, so UDP ports are skipped here (the CLI says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sweep_int.h"

struct conn {
	int fd;			/* -1: free */
	uint64_t pos, deadline;
	struct addr dst;
	uint16_t port;
};

struct cstate {
	int ep;
	struct conn *c;
	size_t n, used;
	size_t *freelist;
	size_t nfree;
};

static int
conn_open(struct sweep *s)
{
	struct cstate *cs = calloc(1, sizeof(*cs));
	size_t n = s->c->connect_parallel ? s->c->connect_parallel : 256;

	if (!cs)
		goto out_nomem;
	s->be_state = cs;
	cs->ep = epoll_create1(EPOLL_CLOEXEC);
	cs->c = calloc(n, sizeof(*cs->c));
	cs->freelist = calloc(n, sizeof(*cs->freelist));
	if (cs->ep < 0 || !cs->c || !cs->freelist)
		goto out_nomem;
	cs->n = n;
	for (size_t i = 0; i < n; i++) {
		cs->c[i].fd = -1;
		cs->freelist[cs->nfree++] = n - 1 - i;
	}
	return 0;
out_nomem:
	snprintf(s->err, s->errlen, "connect scan: %s", strerror(errno));
	return -1;
}

static void
finish(struct sweep *s, struct cstate *cs, size_t i, enum sweep_state st)
{
	struct conn *c = &cs->c[i];
	struct linger lg = { 1, 0 };

	sweep_reply(s, &c->dst, 6, c->port, st);
	if (st == ST_OPEN)
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	epoll_ctl(cs->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	cs->freelist[cs->nfree++] = i;
	cs->used--;
}

static int
conn_can_send(struct sweep *s)
{
	return ((struct cstate *)s->be_state)->nfree > 0;
}

static int
conn_send(struct sweep *s, const struct addr *dst, const struct sweep_port *p)
{
	struct cstate *cs = s->be_state;
	struct sockaddr_storage ss;
	socklen_t sl = addr_sockaddr(dst, p->port, &ss);
	struct epoll_event ev = { .events = EPOLLOUT };
	unsigned ms = s->c->connect_ms ? s->c->connect_ms : 2500;
	size_t i;
	int fd;

	if (p->proto != 6 || !cs->nfree)
		return 0;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(s->err, s->errlen, "socket: %s", strerror(errno));
		return -1;
	}
	i = cs->freelist[--cs->nfree];
	cs->used++;
	cs->c[i] = (struct conn){ fd, s->cur_pos, rl_now() + ms * 1000000ULL,
				  *dst, p->port };
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		finish(s, cs, i, ST_OPEN);
		return 0;
	}
	if (errno != EINPROGRESS) {
		finish(s, cs, i, errno == ECONNREFUSED ? ST_CLOSED : ST_FILTERED);
		return 0;
	}
	ev.data.u64 = i;
	if (epoll_ctl(cs->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		finish(s, cs, i, ST_FILTERED);
		return 0;
	}
	return 0;
}

static void
expire(struct sweep *s, struct cstate *cs)
{
	uint64_t now = rl_now();

	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].fd >= 0 && cs->c[i].deadline <= now)
			finish(s, cs, i, ST_FILTERED);
}

static int
conn_poll(struct sweep *s, uint64_t wait_ns)
{
	struct cstate *cs = s->be_state;
	struct epoll_event ev[64];
	int ms = (int)(wait_ns / 1000000), n;

	n = epoll_wait(cs->ep, ev, 64, cs->used ? ms : 0);
	for (int k = 0; k < n; k++) {
		size_t i = (size_t)ev[k].data.u64;
		int e = 0;
		socklen_t el = sizeof(e);

		if (cs->c[i].fd < 0)
			continue;
		getsockopt(cs->c[i].fd, SOL_SOCKET, SO_ERROR, &e, &el);
		if (e == 0)
			finish(s, cs, i, ST_OPEN);
		else
			finish(s, cs, i, e == ECONNREFUSED ? ST_CLOSED : ST_FILTERED);
	}
	if (!cs->used && wait_ns >= 1000) {
		struct timespec ts = { (time_t)(wait_ns / 1000000000ULL),
				       (long)(wait_ns % 1000000000ULL) };

		nanosleep(&ts, NULL);
	}
	expire(s, cs);
	return 0;
}

static int
conn_busy(struct sweep *s)
{
	return ((struct cstate *)s->be_state)->used > 0;
}

static uint64_t
conn_inflight_min(struct sweep *s)
{
	struct cstate *cs = s->be_state;
	uint64_t m = UINT64_MAX;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].fd >= 0 && cs->c[i].pos < m)
			m = cs->c[i].pos;
	return m;
}

static void
conn_close(struct sweep *s)
{
	struct cstate *cs = s->be_state;

	if (!cs)
		return;
	for (size_t i = 0; cs->c && i < cs->n; i++)
		if (cs->c[i].fd >= 0)
			close(cs->c[i].fd);
	if (cs->ep >= 0)
		close(cs->ep);
	free(cs->c);
	free(cs->freelist);
	free(cs);
	s->be_state = NULL;
}

const struct sweep_backend sweep_connect_backend = {
	"connect", conn_open, conn_can_send, conn_send, conn_poll, conn_busy,
	conn_inflight_min, conn_close, NULL,
};
