/*
 * ratelimit.h - packet pacing: a global rate and a per-host rate.
 *
 * Both limits are the generic cell rate algorithm (GCRA), the exact form
 * of a token bucket: a packet may leave at time t when t >= TAT - tau,
 * and leaving moves the theoretical arrival time TAT to max(TAT, t) + T
 * where T = 1/rate.  Because TAT restarts from "now" after any stall, the
 * limiter never bursts to catch up (masscan main-throttle.c header): a
 * suspended laptop or a slow pcap drain costs time, never a flood.  tau =
 * (burst - 1) * T bounds the back-to-back packets a batch may send.
 *
 * The per-host table is fixed-size (open addressing, one slot per hash):
 * memory does not grow with the number of hosts.  A slot still held by
 * another host that sent less than T ago makes the caller wait, so a hash
 * collision can slow the sweep but never lets a host exceed its rate.
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
};

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
	uint64_t first, last;	/* send times of this key's run */
	uint64_t count;		/* packets in this key's run */
};

struct rl_hosts {
	struct rl_slot *slot;
	size_t mask;
	uint64_t t_ns;		/* spacing between packets to one host */
	double peak;		/* highest per-host rate of a finished run */
};

/* nslots is rounded up to a power of two; -1 on allocation failure. */
int rl_hosts_init(struct rl_hosts *h, uint64_t host_pps, size_t nslots);
void rl_hosts_free(struct rl_hosts *h);
/* Nanoseconds until a packet to host key may leave (0: now). */
uint64_t rl_hosts_wait(const struct rl_hosts *h, uint64_t key, uint64_t now);
/* Record a packet to key at now (call only when rl_hosts_wait said 0). */
void rl_hosts_mark(struct rl_hosts *h, uint64_t key, uint64_t now);

/*
 * Reserve the next send slot of host key at or after now and return its
 * time (now when the host may be sent to at once).  The slot is taken:
 * the caller must send at that time (not earlier), so a host with many
 * queued probes costs one call per probe, never a wait loop, and a late
 * wake-up does not lose rate (later slots stay where they were).
 */
uint64_t rl_hosts_reserve(struct rl_hosts *h, uint64_t key, uint64_t now);
/*
 * Right before a packet reserved for `slot` leaves, the real departure
 * times are checked too: a GCRA in real time with spacing T_h =
 * (1 s + tau + w) / host_pps and tolerance tau = RL_HOST_TAU_NS.  So a
 * wake-up up to 5 ms late costs no rate, and still no host ever gets more
 * than host_pps packets in any one-second window (host_pps + 1 packets
 * span at least host_pps x T_h - tau = 1 s + w, w = RL_HOST_WIRE_NS: a
 * margin for the time between the check and the wire, which the process
 * being preempted there can stretch to milliseconds on a busy machine;
 * 0.5 ms let 26 packets reach a 25 pps host in one second under load
 * 13, so w is a whole tau again); the price is 1 % of the cap.
 * rl_hosts_tx_hold() says how long to hold the packet (0: send now);
 * after a longer stall it shifts the host's schedule by the stall (each
 * queued packet is held once, never polled), and rl_hosts_tx() records
 * the departure.
 */
#define RL_HOST_TAU_NS (5ULL * 1000000ULL)
#define RL_HOST_WIRE_NS RL_HOST_TAU_NS
/* host_pps slots span this long: the spacing is RL_HOST_SPAN_NS / host_pps */
#define RL_HOST_SPAN_NS (RL_NS + RL_HOST_TAU_NS + RL_HOST_WIRE_NS)
uint64_t rl_hosts_tx_hold(struct rl_hosts *h, uint64_t key, uint64_t slot,
			  uint64_t now);
void rl_hosts_tx(struct rl_hosts *h, uint64_t key, uint64_t now);
/*
 * Highest per-host rate seen (packets per second over one host's run of
 * at least 8 packets, from the real send times), 0 when no host had 8.
 */
double rl_hosts_peak(struct rl_hosts *h);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t rl_now(void);

#endif
