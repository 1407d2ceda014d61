/*
 * record_b.c - lab recorder for probe engineer B's probes.
 *
 * Runs ONE probe's conversation against ONE lab address with blocking
 * sockets, exactly as hello()/parse() dictate (NEXT_STEP on the same
 * connection, RECONNECT on a new one), saves every step's raw reply as
 * <prefix>.step<N>.bin and prints the probe's JSON output.  It is a test
 * tool, run only inside a lab network namespace by
 * tests/lab/test_probes_b.sh; the product's runner is probes/runner.c.
 *
 *   record_b PROBE ADDR PORT PREFIX [SCANNER_ID] [COMMUNITY]
 *
 * A PROBE_UDP_NEW_TID probe (TFTP) gets its reply from another port of the
 * target: after the hello the socket is disconnected and replies from the
 * target's address on any port are taken.
 *
 * RECORD_NOW=N sets ctx->now (default 0, so recorded IKE cookies are
 * reproducible in unit tests; vary it to send fresh cookies).
 *
 * Build: cc -std=c17 -D_GNU_SOURCE -I. tests/probes/record_b.c \
 *        build/libheiiki.a -ljansson $(pkg-config --libs libbson-1.0) \
 *        -lssl -lcrypto -lm -lpthread -o record_b
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "probes/probe.h"

#define REC_MAX (256 * 1024)

static struct in_addr rec_target;	/* for PROBE_UDP_NEW_TID replies */

static int
rec_connect(const char *addr, uint16_t port, int udp)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = udp ? 2 : 3 };
	int fd;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
rec_save(const char *prefix, int step, const uint8_t *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.step%d.bin", prefix, step);
	f = fopen(path, "wb");
	if (!f)
		return;
	if (n)
		fwrite(b, 1, n, f);
	fclose(f);
}

/* Read until parse() gives a verdict other than NEED_MORE, or EOF/timeout. */
static enum probe_verdict
rec_read(const struct probe *p, struct probe_ctx *ctx, int fd, uint8_t *buf,
    size_t *len, json_t *out)
{
	size_t cap = p->max_reply < REC_MAX ? p->max_reply : REC_MAX;
	enum probe_verdict v = PROBE_NEED_MORE;
	struct rd in;

	*len = 0;
	for (int tries = 0;; tries++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf + *len, cap - *len, 0, (struct sockaddr *)&from, &fl);

		if (n > 0 && (p->flags & PROBE_UDP_NEW_TID) && tries < 16 &&
		    (fl < sizeof(from) || from.sin_family != AF_INET ||
		     from.sin_addr.s_addr != rec_target.s_addr))
			continue;	/* not from the target: ignore */

		if (n > 0)
			*len += (size_t)n;
		ctx->eof = n <= 0 || *len >= cap;
		if (n <= 0 && *len == 0 && (p->flags & PROBE_UDP))
			return PROBE_NO_MATCH;
		rd_init(&in, buf, *len);
		v = p->parse(ctx, &in, out);
		if (v != PROBE_NEED_MORE)
			return v;
		if (ctx->eof)
			return PROBE_NO_MATCH;
	}
}

int
main(int argc, char **argv)
{
	const struct probe *p;
	struct probe_ctx ctx = { 0 };
	static uint8_t buf[REC_MAX], prev[REC_MAX], tx[4096];
	size_t len = 0, txlen;
	json_t *out = json_object();
	enum probe_verdict v = PROBE_RECONNECT;
	int fd = -1, udp;

	if (argc < 5 || !(p = probe_by_name(argv[1]))) {
		fprintf(stderr, "usage: record_b PROBE ADDR PORT PREFIX [ID] [COMMUNITY]\n");
		return 2;
	}
	udp = (p->flags & PROBE_UDP) != 0;
	ctx.host = argv[2];
	ctx.port = (uint16_t)strtoul(argv[3], NULL, 10);
	ctx.scanner_id = argc > 5 ? argv[5] : "HEIIKI";
	ctx.snmp_community = argc > 6 ? argv[6] : "public";
	ctx.out = out;
	/* ctx->now salts IKE cookies; 0 keeps recordings reproducible */
	ctx.now = getenv("RECORD_NOW") ? strtoll(getenv("RECORD_NOW"), NULL, 10) : 0;
	for (ctx.step = 0; ctx.step < PROBE_MAX_STEPS; ctx.step++) {
		if (ctx.step > 0) {
			memcpy(prev, buf, len);
			ctx.prev = prev;
			ctx.prev_len = len;
		}
		if (v == PROBE_RECONNECT) {
			if (fd >= 0)
				close(fd);
			usleep(200 * 1000);
			if ((fd = rec_connect(argv[2], ctx.port, udp)) < 0) {
				fprintf(stderr, "connect: %s\n", strerror(errno));
				break;
			}
		}
		if (p->hello(&ctx, tx, sizeof(tx), &txlen) < 0)
			break;
		if (p->flags & PROBE_UDP_NEW_TID) {
			/* unconnected: disconnecting would drop the auto-bound port */
			struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(ctx.port) };

			close(fd);
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd < 0 || inet_pton(AF_INET, argv[2], &to.sin_addr) != 1)
				break;
			rec_target = to.sin_addr;
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 2 },
			    sizeof(struct timeval));
			if (txlen && sendto(fd, tx, txlen, 0, (struct sockaddr *)&to, sizeof(to)) !=
			    (ssize_t)txlen)
				break;
		} else if (txlen && send(fd, tx, txlen, 0) != (ssize_t)txlen)
			break;
		v = rec_read(p, &ctx, fd, buf, &len, out);
		rec_save(argv[4], ctx.step, buf, len);
		fprintf(stderr, "step %d: %zu bytes, verdict %d\n", ctx.step, len, v);
		if (v != PROBE_NEXT_STEP && v != PROBE_RECONNECT)
			break;
	}
	if (fd >= 0)
		close(fd);
	json_dumpf(out, stdout, JSON_SORT_KEYS | JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	return v == PROBE_MATCH || v == PROBE_NEXT_STEP || v == PROBE_RECONNECT ? 0 : 1;
}
