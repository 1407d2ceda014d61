/*
 * ratelimit.h - packet pacing: a global rate and a per-host rate.
 *
 * Both limits are the generic cell rate algorithm (GCRA), the exact form
 * of a token bucket: a packet may leave at time t when t >= TAT - tau,
 * and leaving moves the theoretical arrival time TAT to max(TAT, t) + T
 * where T = 1/rate.  tau = (burst - 1) * T bounds the back-to-back packets
 * a batch may send.  A stall (preemption on a busy machine, a slow pcap
 * drain) is made up, but only RL_CATCHUP_NS of it and only at twice the
 * rate (a second GCRA with spacing T/2 and tolerance tau/2: the same
 * back-to-back burst): TAT never lags "now" by more than RL_CATCHUP_NS,
 * so a suspended laptop costs time, never a flood (masscan
 * main-throttle.c makes up nothing; nmap's --max-rate is an average that
 * makes up everything).
 *
 * The per-host table is fixed-size (open addressing, one slot per hash):
 * memory does not grow with the number of hosts.  A slot still held by
 * another host that sent less than T ago makes the caller wait, so a hash
 * collision can slow the sweep but never lets a host exceed its rate.
 * The departures of the last second are kept too (one ring, linked per
 * slot), sized by the global rate: they make the per-host cap exact.
 *
 * Times are nanoseconds on any monotonic clock; tests pass a fake clock.
 */
#ifndef HEIIKI_RATELIMIT_H
#define HEIIKI_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RL_NS 1000000000ULL

struct ratelimit {
	uint64_t t_ns, t_rem;	/* T = t_ns + t_rem / rate */
	uint64_t rate;
	uint64_t tau;		/* burst tolerance, ns */
	uint64_t tat, tat_rem;	/* theoretical arrival time */
	uint64_t tat2;		/* catch-up pace: twice the rate */
};
/* the most lost sending either limiter makes up (at twice its rate) */
#define RL_CATCHUP_NS (20ULL * 1000000ULL)

/* rate >= 1 packets per second, burst >= 1 packets. */
void rl_init(struct ratelimit *rl, uint64_t rate, uint64_t burst);
/* Nanoseconds until a packet may leave (0: now). */
uint64_t rl_wait(const struct ratelimit *rl, uint64_t now);
/*
 * How long a sender with nothing else to do should sleep: 0 when a packet
 * may leave now, else the wait plus half the burst tolerance, so it wakes
 * to about tau/2 worth of packets and sends them back to back (one wake-up
 * per batch instead of per packet; the sleep's own overshoot is absorbed
 * by the other half of tau, so no rate is lost and none is exceeded).
 */
uint64_t rl_wait_batch(const struct ratelimit *rl, uint64_t now);
/* Take one packet slot if allowed now: 1, else 0 (nothing changes). */
int rl_take(struct ratelimit *rl, uint64_t now);

struct rl_slot {
	uint64_t key;
	uint64_t tat;		/* 0: free */
	uint64_t real_tat;	/* GCRA over real departures */
	uint64_t shift;		/* how far the schedule slipped (stalls) */
	uint64_t kept;		/* the part of it never taken back */
	uint64_t first, last;	/* send times of this key's run */
	uint64_t count;		/* packets in this key's run */
	uint64_t whead;		/* its oldest departure in the window (seq) */
	uint64_t wtail;		/* its newest one */
	uint32_t win;		/* its departures in the window */
};

/* One departure in the last second: when it left (RL_PENDING while it
 * waits in the sender's queue), its slot, the slot's next departure. */
struct rl_dep {
	uint64_t t;
	uint64_t next;
	uint32_t slot;
};

struct rl_hosts {
	struct rl_slot *slot;
	size_t mask;
	uint64_t t_ns;		/* spacing between packets to one host */
	uint64_t cap;		/* host_pps */
	double peak;		/* highest per-host rate of a finished run */
	/* departures of the last RL_NS + RL_HOST_WIRE_NS, oldest first, by
	 * sequence number: [head, sent) have left, [sent, tail) are queued */
	struct rl_dep *dep;
	uint64_t dmask, dhead, dsent, dtail;
};

#define RL_PENDING UINT64_MAX

/*
 * nslots is rounded up to a power of two; pps is the highest global rate
 * (it sizes the window of departures: a second of them at pps, its
 * burst and the sender's queues).  -1 on allocation failure.
 */
int rl_hosts_init(struct rl_hosts *h, uint64_t host_pps, size_t nslots,
		  uint64_t pps);
void rl_hosts_free(struct rl_hosts *h);
/* Nanoseconds until a packet to host key may leave (0: now). */
uint64_t rl_hosts_wait(const struct rl_hosts *h, uint64_t key, uint64_t now);
/* Record a packet to key at now (call only when rl_hosts_wait said 0);
 * the schedule alone, for callers that keep no departures. */
void rl_hosts_mark(struct rl_hosts *h, uint64_t key, uint64_t now);

/*
 * Reserve the next send slot of host key and return its time in the
 * host's schedule (at most now when the host may be sent to at once;
 * rl_hosts_tx_hold adds how far the schedule slipped).  Slots are spaced
 * exactly 1 s / host_pps.  The slot is taken: the caller must send at
 * that time (not earlier), so a host with many queued probes costs one
 * call per probe, never a wait loop, and a late wake-up does not lose
 * rate (later slots stay where they were).
 */
uint64_t rl_hosts_reserve(struct rl_hosts *h, uint64_t key, uint64_t now);
/* When a packet reserved for `slot` is due in real time (the slot plus
 * how far the host's schedule has slipped so far). */
uint64_t rl_hosts_due(const struct rl_hosts *h, uint64_t key, uint64_t slot);
/*
 * Right before a packet reserved for `slot` leaves, two checks on real
 * departures:
 *  - the one-second window, exactly: the packet may be cleared only when
 *    fewer than host_pps of its host's departures are younger than 1 s +
 *    RL_HOST_WIRE_NS.  A departure's time is taken when the sender's
 *    system call has returned (rl_hosts_sent), an upper bound on when it
 *    reached the wire, and the packet being cleared reaches the wire
 *    after `now`; so however long the process is preempted between the
 *    check and the send, or a batch is held, no host ever gets more than
 *    host_pps packets in any one-second window, with no margin taken
 *    from the cap.  RL_HOST_WIRE_NS covers a queue in the interface's
 *    qdisc and driver after the system call returned.
 *  - burst smoothing: a GCRA in real time with spacing 1 s / (2 x
 *    host_pps) and tolerance RL_HOST_TAU_NS / 2: a host late on its
 *    schedule catches up at no more than twice its cap (and its window
 *    still holds it to host_pps in every second), back to back at most
 *    RL_HOST_TAU_NS worth of packets at the cap.  A host more than
 *    RL_CATCHUP_NS behind its schedule (a long stall) slips by the rest.
 * rl_hosts_tx_hold() says how long to hold the packet (0: send now);
 * when either check holds it, the host's schedule slips by as much, so
 * the rest of its queue is not held one by one (rl_hosts_due() gives
 * the slipped time), and each departure takes back half a slot of the
 * slip.  rl_hosts_tx() records the packet as cleared and queued;
 * rl_hosts_sent() says every queued one has left.  The price at the cap:
 * a host's packets one second apart must be 1 s + RL_HOST_WIRE_NS + the
 * system call apart, which on the sender's 1 ms wake-up grid is 1.001 s:
 * 0.1 % (the 1 % margin before cost 1.3 % at 5,000 pps on one host).
 */
#define RL_HOST_TAU_NS (5ULL * 1000000ULL)
#define RL_HOST_WIRE_NS (250ULL * 1000ULL)
/* a departure still queued when its window is full: look again after */
#define RL_HOST_QUEUED_NS (1000000ULL)
uint64_t rl_hosts_tx_hold(struct rl_hosts *h, uint64_t key, uint64_t slot,
			  uint64_t now);
void rl_hosts_tx(struct rl_hosts *h, uint64_t key, uint64_t now);
void rl_hosts_sent(struct rl_hosts *h, uint64_t now);
/*
 * Highest per-host rate seen (packets per second over one host's run of
 * at least 8 packets, from the real send times), 0 when no host had 8.
 */
double rl_hosts_peak(struct rl_hosts *h);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t rl_now(void);

#endif
