/*
 * canary.h - the scanner's one-shot HTTP listener for the open-proxy check.
 *
 * The runner starts one on the scanner's own address of a connection to a
 * suspected proxy, hands "addr:port" to probe_http_proxy as ctx->canary,
 * and stops it when that connection closes.  A thread accepts at most
 * CANARY_MAX_CONNS connections within wait_ms, reads one request line, and
 * answers 200 with proxy_check_reply() of the token in the path.  It never
 * connects anywhere itself.
 */
#ifndef HEIIKI_CANARY_H
#define HEIIKI_CANARY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CANARY_MAX_CONNS 4

struct canary;

int canary_start(const struct sockaddr_storage *local, socklen_t ll, unsigned wait_ms,
		 char *hostport, size_t cap, struct canary **out);
/* connections that asked for a check path (for logs and tests) */
int canary_hits(const struct canary *c);
void canary_stop(struct canary *c);

/* The token after "/heiiki-proxy-check/" in an HTTP request (8 hex digits
 * into tok[9]); 0 when the request carries none.  Pure; fuzzed. */
int canary_token(const uint8_t *req, size_t n, char tok[9]);
/* The body the canary answers for token (probe_http_proxy.c). */
void proxy_check_reply(const char *token, char *buf, size_t cap);

#endif
