/*
 * canary.c - one-shot HTTP listener for the open-proxy check (canary.h).
 *
 * One thread per check, bounded in time (wait_ms), connections
 * (CANARY_MAX_CONNS) and bytes (CANARY_REQ_MAX per request).  The request
 * is read through the bounded cursor only to find the token.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probes/canary.h"
#include "scanner/core/rd.h"

#define CANARY_REQ_MAX 4096
#define CANARY_SLICE_MS 100

struct canary {
	int lfd;
	unsigned wait_ms;
	atomic_int stop;
	atomic_int hits;
	pthread_t th;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
canary_token(const uint8_t *req, size_t n, char tok[9])
{
	static const char mark[] = "/heiiki-proxy-check/";
	struct rd r, line;
	long at;
	size_t k;

	tok[0] = 0;
	rd_init(&r, req, n);
	at = rd_find(&r, "\n", 1);
	rd_init(&line, req, at >= 0 ? (size_t)at : n);	/* the request line only */
	at = rd_find(&line, mark, sizeof(mark) - 1);
	if (at < 0 || !rd_skip(&line, (size_t)at + sizeof(mark) - 1))
		return 0;
	for (k = 0; k < 8; k++) {
		uint8_t c;

		if (!rd_u8(&line, &c) || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
		tok[k] = (char)c;
	}
	tok[8] = 0;
	return 1;
}

/* Read one request (bounded), answer it, close. */
static void
canary_serve(struct canary *c, int fd, int64_t end)
{
	uint8_t req[CANARY_REQ_MAX];
	size_t got = 0;
	char tok[9], body[64], resp[256];
	int n;

	while (got < sizeof(req) && !atomic_load(&c->stop) && mono_ms() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t k;

		if (poll(&p, 1, CANARY_SLICE_MS) <= 0)
			continue;
		k = recv(fd, req + got, sizeof(req) - got, 0);
		if (k <= 0)
			break;
		got += (size_t)k;
		if (memmem(req, got, "\r\n\r\n", 4) || memmem(req, got, "\n\n", 2))
			break;
	}
	if (canary_token(req, got, tok)) {
		atomic_fetch_add(&c->hits, 1);
		proxy_check_reply(tok, body, sizeof(body));
		n = snprintf(resp, sizeof(resp), "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
			     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
			     strlen(body) + 1, body);
		if (n > 0 && (size_t)n < sizeof(resp) &&
		    send(fd, resp, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			(void)errno;
	}
	close(fd);
}

static void *
canary_main(void *arg)
{
	struct canary *c = arg;
	int64_t end = mono_ms() + c->wait_ms;

	for (int served = 0; served < CANARY_MAX_CONNS && !atomic_load(&c->stop) &&
	     mono_ms() < end;) {
		struct pollfd p = { .fd = c->lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, CANARY_SLICE_MS) <= 0)
			continue;
		fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		served++;
		canary_serve(c, fd, end);
	}
	return NULL;
}

int
canary_start(const struct sockaddr_storage *local, socklen_t ll, unsigned wait_ms,
	     char *hostport, size_t cap, struct canary **out)
{
	struct sockaddr_storage ss = *local;
	socklen_t sl = ll;
	char a[INET6_ADDRSTRLEN];
	struct canary *c;
	uint16_t port;

	*out = NULL;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	else
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->wait_ms = wait_ms;
	c->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&ss, sl) < 0 || listen(c->lfd, 4) < 0 ||
	    getsockname(c->lfd, (struct sockaddr *)&ss, &sl) < 0)
		goto fail;
	if (ss.ss_family == AF_INET) {
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
		snprintf(hostport, cap, "%s:%u", a, (unsigned)port);
	} else {
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
		snprintf(hostport, cap, "[%s]:%u", a, (unsigned)port);
	}
	if (pthread_create(&c->th, NULL, canary_main, c))
		goto fail;
	*out = c;
	return 0;
fail:
	if (c->lfd >= 0)
		close(c->lfd);
	free(c);
	return -1;
}

int
canary_hits(const struct canary *c)
{
	return c ? atomic_load(&((struct canary *)c)->hits) : 0;
}

void
canary_stop(struct canary *c)
{
	if (!c)
		return;
	atomic_store(&c->stop, 1);
	pthread_join(c->th, NULL);
	close(c->lfd);
	free(c);
}
