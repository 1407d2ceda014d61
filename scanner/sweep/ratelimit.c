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
	/* round the spacing up so a host never gets more than host_pps */
	h->t_ns = host_pps ? (RL_NS + host_pps - 1) / host_pps : 0;
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

void
rl_hosts_mark(struct rl_hosts *h, uint64_t key, uint64_t now)
{
	struct rl_slot *s;

	if (!h->t_ns)
		return;
	s = &h->slot[slot_of(h, key)];
	s->key = key;
	s->tat = (s->tat > now ? s->tat : now) + h->t_ns;
}

uint64_t
rl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RL_NS + (uint64_t)ts.tv_nsec;
}
