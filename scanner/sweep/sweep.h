/*
 * sweep.h - the active port sweep: permute -> recheck -> pace -> send.
 *
 * One loop drives every mode.  Target index i in [start, total) is mapped
 * by a seeded full-period permutation to a (host, port) slot; the host's
 * address comes from the frozen target set with tset_nth(), so memory
 * stays O(pieces) whatever the size of the set.  Right before a packet
 * leaves, the address is checked again against scope and do_not_scan.
 * The global and per-host limiters (ratelimit.h) pace every packet,
 * retries included.
 *
 * Modes:
 *   SWEEP_DRYRUN   print "proto<TAB>address<TAB>port" per probe to dry_out,
 *                  send nothing (no pacing, no retries)
 *   SWEEP_RAW      TCP SYN / UDP built with libnet, replies from libpcap,
 *                  validated statelessly by cookie (tx.c, rx.c)
 *   SWEEP_CONNECT  non-blocking connect() with epoll for users without
 *                  CAP_NET_RAW (connect.c); UDP is not possible there
 *
 * Hosts are taken in batches of hosts_in_flight (the order of hosts is
 * itself permuted), and inside a batch every (host, port) slot of the
 * batch is permuted, so at most about hosts_in_flight hosts see probes at
 * one time and consecutive probes still scatter across them.
 *
 * Retries (SWEEP_RAW) are stateless in the sense that matters: a bounded
 * ring holds what was sent in the last retry_ms, and a probe is sent again
 * only if no reply for its slot arrived by then.
 */
#ifndef HEIIKI_SWEEP_H
#define HEIIKI_SWEEP_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/input/targets.h"

enum sweep_mode { SWEEP_DRYRUN, SWEEP_RAW, SWEEP_CONNECT };

struct sweep_port {
	uint16_t port;
	uint8_t proto;		/* 6 or 17 */
};

struct sweep_conf {
	const struct tset *targets;	/* frozen effective set */
	const struct tset *scope;	/* re-checked before each packet */
	const struct tset *deny;	/* do_not_scan, re-checked */
	/* the shared send guard (scanner/input/guard.h), asked right before
	 * each probe instead of scope/deny alone; NULL = scope and deny */
	int (*may_send)(void *arg, const struct addr *a);
	void *may_arg;
	const struct sweep_port *ports;
	size_t nports;
	enum sweep_mode mode;
	uint64_t seed;
	unsigned pps;			/* global packets per second */
	unsigned host_pps;		/* per host; 0 = no per-host cap */
	unsigned hosts_in_flight;	/* 0 = all */
	unsigned retries;		/* extra tries for unanswered probes */
	unsigned retry_ms;		/* wait before a retry */
	unsigned cooldown_ms;		/* wait for late replies at the end */
	unsigned connect_ms;		/* connect mode: per attempt */
	unsigned connect_parallel;	/* connect mode: sockets in flight */
	uint64_t start;			/* first index (resume) */
	/* Positions below start a resumed checkpoint left undone (its holes,
	 * sorted, unique, at most SWEEP_HOLES_MAX): probed first.  May be NULL. */
	const uint64_t *redo;
	size_t nredo;
	uint64_t max_probes;		/* stop after this many indices; 0 = all */
	FILE *dry_out;
	int all_states;			/* record closed/filtered services too */
	int progress;			/* progress line on stderr */
	int arp;			/* ARP discovery of on-link IPv4 targets */
	int ping;			/* ICMP echo discovery */
	const char *iface;		/* NULL: from the route to the targets */
	const struct addr *src4, *src6;	/* NULL: from the route */
	unsigned probe_ttl;		/* 0 = 64 */
	/*
	 * Called every checkpoint_ms and once at the end (final = 1): every
	 * position below cursor is finished (answered, or silent after its
	 * last try's reply window) except holes[0..nholes), sorted - the
	 * probes in flight, waiting for a retry or for their host's slot.
	 * holes is valid during the call only.
	 */
	void (*checkpoint)(void *arg, uint64_t cursor, const uint64_t *holes, size_t nholes,
			   int final);
	void *ck_arg;
	unsigned checkpoint_ms;
	/* called once the capture and injection handles are open (drop
	 * privileges here); non-zero aborts the sweep with err set */
	int (*after_open)(void *arg, char *err, size_t errlen);
	void *ao_arg;
	/* UDP payload for a port (may set *len 0); NULL = empty datagrams */
	void (*udp_payload)(uint16_t port, uint8_t *buf, size_t cap, size_t *len);
	/* UDP ports whose servers answer from another port (0-terminated,
	 * or NULL): such an answer to our probe counts for the port */
	const uint16_t *udp_new_tid;
	volatile sig_atomic_t *stop;	/* set by SIGINT/SIGTERM */
};

/* A checkpoint lists at most this many unfinished positions below its
 * cursor; beyond that the cursor stays at the first one not listed. */
#define SWEEP_HOLES_MAX 65536

struct sweep_stats {
	uint64_t total;			/* index space: hosts x ports */
	uint64_t cursor;		/* first index not yet finished */
	uint64_t holes;			/* unfinished positions below cursor */
	uint64_t sent, retries, received, valid;
	uint64_t open, closed, unreachable, refused_recheck;
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop;
	uint64_t hosts_arp, hosts_ping;
	uint64_t first_send_ns, last_send_ns;	/* monotonic, for the achieved rate */
	uint64_t last_first_ns;		/* the last first try (not a retry) */
	/* honest rates: what the caps allow, what was achieved */
	double expected_pps;		/* min(pps, what the per-host cap allows) */
	double est_seconds;		/* first tries at expected_pps */
	const char *bound_by;		/* "rate" or "host_rate" */
	double achieved_pps;		/* first tries / first-pass time */
	double host_peak_pps;		/* highest rate seen by one host */
	double first_pass_s;		/* first send to the last first try */
	uint64_t rx_backoffs;		/* rate cuts after capture drops */
	unsigned final_pps;		/* global rate at the end (after cuts) */
	int overrun;			/* first pass beyond plan + margin */
	int interrupted;
};

/*
 * What the caps allow: hosts are swept in batches of hosts_in_flight, and
 * a batch of h hosts cannot go faster than h x host_pps, so the expected
 * rate is min(pps, h x host_pps) per batch.  bound_by is "host_rate" when
 * the per-host caps keep the scan more than 1 % below --rate.
 */
struct sweep_estimate {
	double pps, seconds;
	const char *bound_by;
};
void sweep_estimate(const struct sweep_conf *c, uint64_t hosts,
		    uint64_t probes, struct sweep_estimate *e);

/* Margin of the "overrun" verdict: the first pass took longer than
 * estimate x (1 + SWEEP_OVERRUN_FRAC) + SWEEP_OVERRUN_S. */
#define SWEEP_OVERRUN_FRAC 0.5
#define SWEEP_OVERRUN_S 2.0

/* 1 when dst must never be sent to: IPv4 limited broadcast, multicast
 * (224/4), 0.0.0.0/8, 240/4, IPv6 multicast (ff00::/8) and unspecified.
 * The raw sender's last line of defence (tx.c). */
int sweep_dst_forbidden(const struct addr *dst);
/* 1 when an Ethernet destination is a group address (multicast bit,
 * broadcast included): never the destination of a probe frame. */
int sweep_mac_is_group(const uint8_t mac[6]);

/*
 * Run the sweep, recording open ports (and closed/filtered ones with
 * all_states) and live hosts into r.  Returns 0 (also when interrupted:
 * st->interrupted is set), or -1 with err set when it could not run (no
 * interface, no permission, index space too large).
 */
int sweep_run(const struct sweep_conf *c, struct results *r,
	      struct sweep_stats *st, char *err, size_t errlen);

/* The kernel's source address for packets to dst (nothing is sent). */
int sweep_route_source(const struct addr *dst, struct addr *src);

/* 1 when this process may open raw sockets (CAP_NET_RAW). */
int sweep_have_raw(void);

#endif
