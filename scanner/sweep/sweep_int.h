/*
 * sweep_int.h - what the sweep loop shares with its backends (tx/rx,
 * connect, dry-run).  Not for use outside scanner/sweep/.
 */
#ifndef HEIIKI_SWEEP_INT_H
#define HEIIKI_SWEEP_INT_H

#include "cookie.h"
#include "permute.h"
#include "ratelimit.h"
#include "sweep.h"

enum sweep_state { ST_OPEN, ST_CLOSED, ST_FILTERED };

struct sweep_order {
	uint64_t hosts, nports, h, full, rem, total;
	struct perm host, batch, last;
};

struct pending {
	uint64_t pos;		/* index in the sweep order */
	uint64_t due;		/* ns */
	uint64_t slot;		/* the host's reserved time (rl_hosts_reserve) */
	uint32_t tries;
};

struct ring {
	struct pending *e;
	size_t mask, head, n;
};

struct heap {
	struct pending *e;
	size_t n, cap;
};

struct sweep;

struct sweep_backend {
	const char *name;
	/* set up (s->be_state); -1 with s->err set */
	int (*open)(struct sweep *s);
	/* 1 when one more probe can be sent now */
	int (*can_send)(struct sweep *s);
	/* 0 sent, -1 fatal (err set) */
	int (*send)(struct sweep *s, const struct addr *dst,
		    const struct sweep_port *p);
	/* handle replies, waiting at most wait_ns for one */
	int (*poll)(struct sweep *s, uint64_t wait_ns);
	/* 1 while something is still in flight (connect mode) */
	int (*busy)(struct sweep *s);
	/* smallest order position still in flight, or UINT64_MAX */
	uint64_t (*inflight_min)(struct sweep *s);
	void (*close)(struct sweep *s);
	/* refresh st->pcap_* (raw); NULL when there is no capture */
	void (*counters)(struct sweep *s);
};

struct sweep {
	const struct sweep_conf *c;
	struct results *res;
	struct sweep_stats *st;
	const struct sweep_backend *be;
	void *be_state;
	struct sweep_order order;
	struct ratelimit rl;
	struct rl_hosts hosts;
	struct ring ring;
	struct heap heap;
	uint32_t *answered;	/* 8-way buckets of key fingerprints */
	size_t amask;		/* buckets - 1 */
	uint16_t *port_idx;	/* [proto 0=tcp 1=udp][port] -> index + 1 */
	struct cookie_key key;
	uint64_t cur_pos;	/* position of the probe being sent */
	uint64_t horizon;	/* reserve a host's slot at most this far ahead */
	uint64_t grace;		/* after the last try, before a probe is done */
	size_t cap;		/* ring.n + heap.n never exceeds this */
	size_t defer_cap;	/* cursor probes beyond the horizon: heap.n below */
	unsigned pps;		/* current global rate (cut on capture drops) */
	uint64_t retries_fp;	/* retries sent before the last first try */
	uint64_t last_silent;	/* when the last unanswered probe expired */
	int tail;		/* all taken and sent: answered probes end early */
	size_t redo_i;		/* next of c->redo to take */
	uint64_t *hbuf;		/* checkpoint holes (ring + heap + redo left) */
	size_t hcap;
	char *err;
	size_t errlen;
};

void order_init(struct sweep_order *o, uint64_t hosts, uint64_t nports,
		uint64_t in_flight, uint64_t seed);
void order_at(const struct sweep_order *o, uint64_t i, uint64_t *host,
	      uint64_t *port);

/* A validated reply (or a connect() outcome) for dst:port. */
void sweep_reply(struct sweep *s, const struct addr *dst, uint8_t proto,
		 uint16_t port, enum sweep_state state);
/* A host answered discovery (ARP: mac != NULL). */
void sweep_host_alive(struct sweep *s, const struct addr *a,
		      const uint8_t *mac, const char *how);

extern const struct sweep_backend sweep_dry_backend;
extern const struct sweep_backend sweep_raw_backend;
extern const struct sweep_backend sweep_connect_backend;

/* Raw mode host discovery before the port sweep (tx.c). */
int sweep_discover(struct sweep *s);

#endif
