/*
 * ratelimit.c - GCRA pacing, global and per host (see ratelimit.h).
 */
#include <stdlib.h>
#include <string.h>
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
	rl->tat2 = 0;
}

uint64_t
rl_wait(const struct ratelimit *rl, uint64_t now)
{
	uint64_t w = 0, tau2 = rl->tau / 2;

	if (now + rl->tau < rl->tat)
		w = rl->tat - rl->tau - now;
	if (now + tau2 < rl->tat2 && rl->tat2 - tau2 - now > w)
		w = rl->tat2 - tau2 - now;
	return w;
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
	if (rl->tat == 0 || rl->tat + RL_CATCHUP_NS < now) {
		/* first packet, or idle/stalled for longer than the catch-up:
		 * at most RL_CATCHUP_NS of lost sending is made up */
		rl->tat = rl->tat ? now - RL_CATCHUP_NS : now;
		rl->tat_rem = 0;
	}
	/* and made up at no more than twice the rate */
	if (rl->tat2 < now)
		rl->tat2 = now;
	rl->tat2 += (rl->t_ns + 1) / 2;
	rl->tat += rl->t_ns;
	rl->tat_rem += rl->t_rem;
	if (rl->tat_rem >= rl->rate) {
		rl->tat_rem -= rl->rate;
		rl->tat++;
	}
	return 1;
}

int
rl_hosts_init(struct rl_hosts *h, uint64_t host_pps, size_t nslots,
	      uint64_t pps)
{
	size_t n = 16;
	uint64_t nd = 1024, want;

	memset(h, 0, sizeof(*h));
	while (n < nslots)
		n <<= 1;
	h->slot = calloc(n, sizeof(*h->slot));
	if (!h->slot)
		return -1;
	h->mask = n - 1;
	h->cap = host_pps;
	/* exactly 1 s / cap, rounded up: the window check (rl_hosts_tx_hold)
	 * keeps every second at the cap, so no margin is taken here */
	h->t_ns = host_pps ? (RL_NS + host_pps - 1) / host_pps : 0;
	if (!host_pps)
		return 0;
	/* a second (and the wire margin) of departures at the global rate,
	 * its burst and two queues of the sender; more only if the caller
	 * sends faster than it said (rl_hosts_tx grows the ring) */
	want = pps + pps / 8 + 256;
	while (nd < want && nd < (1ULL << 24))
		nd <<= 1;
	h->dep = calloc(nd, sizeof(*h->dep));
	if (!h->dep) {
		free(h->slot);
		h->slot = NULL;
		return -1;
	}
	h->dmask = nd - 1;
	return 0;
}

void
rl_hosts_free(struct rl_hosts *h)
{
	free(h->slot);
	free(h->dep);
	h->slot = NULL;
	h->dep = NULL;
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

/* Departures older than the window leave it (oldest first). */
static void
dep_expire(struct rl_hosts *h, uint64_t now)
{
	while (h->dhead < h->dsent) {
		const struct rl_dep *d = &h->dep[h->dhead & h->dmask];
		struct rl_slot *s = &h->slot[d->slot];

		if (d->t + RL_NS + RL_HOST_WIRE_NS > now)
			break;
		/* the globally oldest is also its slot's oldest */
		s->win--;
		s->whead = d->next;
		h->dhead++;
	}
}

/* When departure seq leaves the window (now + RL_HOST_QUEUED_NS while it
 * is still queued: the sender flushes before it waits). */
static uint64_t
dep_free_at(const struct rl_hosts *h, uint64_t seq, uint64_t now)
{
	if (seq >= h->dsent)
		return now + RL_HOST_QUEUED_NS;
	return h->dep[seq & h->dmask].t + RL_NS + RL_HOST_WIRE_NS;
}

uint64_t
rl_hosts_tx_hold(struct rl_hosts *h, uint64_t key, uint64_t slot, uint64_t now)
{
	struct rl_slot *s;
	uint64_t real, t, w;

	if (!h->t_ns)
		return 0;
	dep_expire(h, now);
	s = &h->slot[slot_of(h, key)];
	/* more than RL_CATCHUP_NS behind its schedule (a long stall): that
	 * much is caught up (at twice the cap, below), the rest is lost */
	if (now > slot + s->shift + RL_CATCHUP_NS)
		s->shift = s->kept = now - RL_CATCHUP_NS - slot;
	/* the pace: twice the cap, tolerance tau / 2 (the same back-to-back
	 * burst as tau at the cap) */
	real = s->real_tat > RL_HOST_TAU_NS / 2 ? s->real_tat - RL_HOST_TAU_NS / 2 : 0;
	/* host_pps departures within the window: wait for the oldest */
	if (s->win >= h->cap && (w = dep_free_at(h, s->whead, now)) > real)
		real = w;
	/* the ring of departures is full (a caller faster than it said) */
	if (h->dtail - h->dhead > h->dmask &&
	    (w = dep_free_at(h, h->dhead, now)) > real)
		real = w;
	t = slot + s->shift;
	if (real > t) {
		/* departures are behind the schedule (a stall): the rest of
		 * this host's queue slips by as much */
		s->shift = real - slot;
		t = real;
	}
	return t > now ? t - now : 0;
}

/* Twice the ring; live entries keep their sequence numbers. */
static int
dep_grow(struct rl_hosts *h)
{
	uint64_t n = (h->dmask + 1) * 2;
	struct rl_dep *d;

	if (n > (1ULL << 26))
		return -1;	/* bounded memory: 1.5 GiB is no scan's need */
	d = calloc(n, sizeof(*d));
	if (!d)
		return -1;
	for (uint64_t q = h->dhead; q < h->dtail; q++)
		d[q & (n - 1)] = h->dep[q & h->dmask];
	free(h->dep);
	h->dep = d;
	h->dmask = n - 1;
	return 0;
}

void
rl_hosts_tx(struct rl_hosts *h, uint64_t key, uint64_t now)
{
	struct rl_slot *s;
	size_t i;
	struct rl_dep *d;

	if (!h->t_ns)
		return;
	i = slot_of(h, key);
	s = &h->slot[i];
	run_add(h, s, key, now);
	s->real_tat = (s->real_tat > now ? s->real_tat : now) + (h->t_ns + 1) / 2;
	/* a slipped schedule comes back half a slot per packet: the host
	 * catches up at twice its cap, which its one-second window still
	 * bounds */
	s->shift -= s->shift - s->kept < h->t_ns / 2 ? s->shift - s->kept : h->t_ns / 2;
	dep_expire(h, now);
	if (h->dtail - h->dhead > h->dmask && dep_grow(h) < 0) {
		/* no memory: the oldest departure's record is lost, which
		 * only makes its slot's window look emptier for at most a
		 * second; a caller that asks rl_hosts_tx_hold() first never
		 * fills the ring */
		struct rl_dep *o = &h->dep[h->dhead & h->dmask];

		h->slot[o->slot].win--;
		h->slot[o->slot].whead = o->next;
		if (h->dsent == h->dhead)
			h->dsent++;
		h->dhead++;
	}
	d = &h->dep[h->dtail & h->dmask];
	d->t = RL_PENDING;
	d->next = RL_PENDING;
	d->slot = (uint32_t)i;
	if (s->win)
		h->dep[s->wtail & h->dmask].next = h->dtail;
	else
		s->whead = h->dtail;
	s->wtail = h->dtail;
	s->win++;
	h->dtail++;
}

void
rl_hosts_sent(struct rl_hosts *h, uint64_t now)
{
	for (; h->dsent < h->dtail; h->dsent++)
		h->dep[h->dsent & h->dmask].t = now;
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
		s->shift = s->kept = 0;
	/* slots are in the host's schedule, which runs `shift` behind real
	 * time after a stall (rl_hosts_tx_hold): "now" there is now - shift,
	 * or every probe reserved after the schedule fell behind would be
	 * held by the whole shift again.  A slot shared with another host
	 * (hash clash) queues behind it: slower, never faster than the cap */
	t = now > s->shift ? now - s->shift : 0;
	if (s->tat > t)
		t = s->tat;
	s->tat = t + h->t_ns;
	return t;
}

uint64_t
rl_hosts_due(const struct rl_hosts *h, uint64_t key, uint64_t slot)
{
	if (!h->t_ns)
		return slot;
	return slot + h->slot[slot_of(h, key)].shift;
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
