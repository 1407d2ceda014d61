/*
 * ratelimit.c - GCRA pacing, global and per host (see ratelimit.h).
 */
#include <stdlib.h>
#include <time.h>

#include "ratelimit.h"

void
rl_init(struct ratelimit *rl, uint64_t rate, uint64_t burst)
{
	if (rate == 0)
		rate = 1;
	if (burst == 0)
		burst = 1;
	rl->rate = rate;
	rl->t_ns = RL_NS / rate;
	rl->t_rem = RL_NS % rate;
	rl->tau = (burst - 1) * rl->t_ns;
	rl->tat = 0;
	rl->tat_rem = 0;
}

uint64_t
rl_wait(const struct ratelimit *rl, uint64_t now)
{
	if (now + rl->tau >= rl->tat)
		return 0;
	return rl->tat - rl->tau - now;
}

uint64_t
rl_wait_batch(const struct ratelimit *rl, uint64_t now)
{
	uint64_t w = rl_wait(rl, now);

	return w ? w + rl->tau / 2 : 0;
}

int
rl_take(struct ratelimit *rl, uint64_t now)
{
	if (rl_wait(rl, now))
		return 0;
	if (rl->tat < now) {
		/* idle or stalled: start again from now, no catching up */
		rl->tat = now;
		rl->tat_rem = 0;
	}
	rl->tat += rl->t_ns;
	rl->tat_rem += rl->t_rem;
	if (rl->tat_rem >= rl->rate) {
		rl->tat_rem -= rl->rate;
		rl->tat++;
	}
	return 1;
}

int
rl_hosts_init(struct rl_hosts *h, uint64_t host_pps, size_t nslots)
{
	size_t n = 16;

	while (n < nslots)
		n <<= 1;
	h->slot = calloc(n, sizeof(*h->slot));
	if (!h->slot)
		return -1;
	h->mask = n - 1;
	h->peak = 0;
	/* (1 s + tau + wire margin) / cap, rounded up: with the real-time
	 * tolerance tau a host still never gets more than host_pps in any
	 * second */
	h->t_ns = host_pps ? (RL_HOST_SPAN_NS + host_pps - 1) / host_pps : 0;
	return 0;
}

void
rl_hosts_free(struct rl_hosts *h)
{
	free(h->slot);
	h->slot = NULL;
}

static size_t
slot_of(const struct rl_hosts *h, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & h->mask;
}

uint64_t
rl_hosts_wait(const struct rl_hosts *h, uint64_t key, uint64_t now)
{
	const struct rl_slot *s;

	if (!h->t_ns)
		return 0;
	s = &h->slot[slot_of(h, key)];
	/* same host, or another host still inside its spacing: wait */
	if (s->tat > now)
		return s->tat - now;
	return 0;
}

#define PEAK_MIN 8

static void
run_close(struct rl_hosts *h, const struct rl_slot *s)
{
	double r;

	if (s->count < PEAK_MIN || s->last <= s->first)
		return;
	r = (double)(s->count - 1) * (double)RL_NS / (double)(s->last - s->first);
	if (r > h->peak)
		h->peak = r;
}

/* account one packet to key at t in slot s (a new key starts a new run) */
static void
run_add(struct rl_hosts *h, struct rl_slot *s, uint64_t key, uint64_t t)
{
	if (s->count == 0 || s->key != key) {
		run_close(h, s);
		s->key = key;
		s->first = t;
		s->count = 0;
	}
	s->last = t;
	s->count++;
}

void
rl_hosts_mark(struct rl_hosts *h, uint64_t key, uint64_t now)
{
	struct rl_slot *s;

	if (!h->t_ns)
		return;
	s = &h->slot[slot_of(h, key)];
	run_add(h, s, key, now);
	s->real_tat = (s->real_tat > now ? s->real_tat : now) + h->t_ns;
	s->tat = (s->tat > now ? s->tat : now) + h->t_ns;
}

uint64_t
rl_hosts_tx_hold(struct rl_hosts *h, uint64_t key, uint64_t slot, uint64_t now)
{
	struct rl_slot *s;
	uint64_t real, t;

	if (!h->t_ns)
		return 0;
	s = &h->slot[slot_of(h, key)];
	real = s->real_tat > RL_HOST_TAU_NS ? s->real_tat - RL_HOST_TAU_NS : 0;
	t = slot + s->shift;
	if (real > t) {
		/* departures are behind the schedule (a stall): the rest of
		 * this host's queue slips by as much */
		s->shift = real - slot;
		t = real;
	}
	return t > now ? t - now : 0;
}

void
rl_hosts_tx(struct rl_hosts *h, uint64_t key, uint64_t now)
{
	struct rl_slot *s;

	if (!h->t_ns)
		return;
	s = &h->slot[slot_of(h, key)];
	run_add(h, s, key, now);
	s->real_tat = (s->real_tat > now ? s->real_tat : now) + h->t_ns;
}

uint64_t
rl_hosts_reserve(struct rl_hosts *h, uint64_t key, uint64_t now)
{
	struct rl_slot *s;
	uint64_t t;

	if (!h->t_ns)
		return now;
	s = &h->slot[slot_of(h, key)];
	/* idle: the old slip no longer matters */
	if (s->tat <= now && s->real_tat <= now)
		s->shift = 0;
	/* a slot shared with another host (hash clash) queues behind it:
	 * slower, never faster than the cap */
	t = s->tat > now ? s->tat : now;
	s->tat = t + h->t_ns;
	return t;
}

double
rl_hosts_peak(struct rl_hosts *h)
{
	for (size_t i = 0; h->slot && h->t_ns && i <= h->mask; i++)
		run_close(h, &h->slot[i]);
	return h->peak;
}

uint64_t
rl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RL_NS + (uint64_t)ts.tv_nsec;
}
