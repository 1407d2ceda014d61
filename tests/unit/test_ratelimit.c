/*
 * test_ratelimit.c - pacing on a fake clock.
 *
 * Checks that the global limiter delivers exactly the rate over a long
 * window, that a stall is never made up by a burst, that burst bounds the
 * back-to-back packets, and that no host sees more than its cap in any
 * one-second window even when many hosts share hash slots.
 */
#include <criterion/criterion.h>

#include "scanner/sweep/ratelimit.h"

/* Drive the limiter as the sweep does: send when allowed, else jump ahead. */
static uint64_t
run_for(struct ratelimit *rl, uint64_t *now, uint64_t dur)
{
	uint64_t end = *now + dur, sent = 0;

	while (*now < end) {
		uint64_t w = rl_wait(rl, *now);

		if (w) {
			*now += w;
			continue;
		}
		cr_assert_eq(rl_take(rl, *now), 1);
		sent++;
	}
	return sent;
}

Test(sweep_ratelimit, exact_rate_over_ten_seconds)
{
	static const uint64_t rates[] = { 1, 3, 40, 1000, 7919, 100000 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct ratelimit rl;
		uint64_t now = 5 * RL_NS, sent;

		rl_init(&rl, rates[i], 1);
		sent = run_for(&rl, &now, 10 * RL_NS);
		cr_assert(sent >= rates[i] * 10 && sent <= rates[i] * 10 + 1,
			  "rate %llu sent %llu in 10 s",
			  (unsigned long long)rates[i], (unsigned long long)sent);
	}
}

Test(sweep_ratelimit, no_catch_up_after_stall)
{
	struct ratelimit rl;
	uint64_t now = RL_NS, n = 0;

	rl_init(&rl, 1000, 10);
	run_for(&rl, &now, RL_NS);
	/* the process is suspended for 5 s */
	now += 5 * RL_NS;
	while (rl_take(&rl, now))
		n++;
	/* only the burst may leave at once, not 5,000 missed packets */
	cr_assert_leq(n, 10, "sent %llu after stall", (unsigned long long)n);
	cr_assert_geq(n, 1);
	cr_assert_gt(rl_wait(&rl, now), 0);
}

Test(sweep_ratelimit, burst_bounds_back_to_back)
{
	struct ratelimit rl;
	uint64_t now = 10 * RL_NS, n = 0;

	rl_init(&rl, 100000, 50);
	while (rl_take(&rl, now))
		n++;
	cr_assert_eq(n, 50);
	cr_assert_eq(rl_take(&rl, now), 0);
	cr_assert_eq(rl_take(&rl, now + 10000), 1);
}

Test(sweep_ratelimit, per_host_cap_in_every_window)
{
	struct rl_hosts h;
	enum { HOSTS = 300, CAP = 40 };
	static uint64_t times[HOSTS][2000];
	static unsigned cnt[HOSTS];
	uint64_t now = RL_NS, key = 0;

	/* tiny table: 16 slots for 300 hosts forces collisions */
	cr_assert_eq(rl_hosts_init(&h, CAP, 16), 0);
	for (int step = 0; step < 200000; step++) {
		key = (key * 2654435761u + 7) % HOSTS;
		if (rl_hosts_wait(&h, key, now) == 0) {
			rl_hosts_mark(&h, key, now);
			if (cnt[key] < 2000)
				times[key][cnt[key]++] = now;
		}
		now += 50000;	/* 20k attempts per second */
	}
	for (int k = 0; k < HOSTS; k++)
		for (unsigned i = CAP; i < cnt[k]; i++)
			cr_assert_geq(times[k][i] - times[k][i - CAP], RL_NS,
				      "host %d: %d packets within 1 s", k, CAP + 1);
	rl_hosts_free(&h);
}

Test(sweep_ratelimit, per_host_reaches_cap_when_alone)
{
	struct rl_hosts h;
	uint64_t now = RL_NS, sent = 0;

	cr_assert_eq(rl_hosts_init(&h, 40, 1024), 0);
	while (now < 11 * RL_NS) {
		uint64_t w = rl_hosts_wait(&h, 5, now);

		if (w) {
			now += w;
			continue;
		}
		rl_hosts_mark(&h, 5, now);
		sent++;
	}
	/* 10 s at (1 s + 10 ms) / 40 spacing: 396 (the cap less 1 %, ratelimit.h) */
	cr_assert(sent >= 395 && sent <= 401, "sent %llu", (unsigned long long)sent);
	rl_hosts_free(&h);
}

/* A sender that sleeps rl_wait_batch() with the sweep's burst tolerance
 * (rate/100 + 1: 10 ms) and oversleeps by 60 us each time, and by 4 ms
 * every tenth time (a busy machine), still gets the full rate, never
 * more, and wakes once per batch rather than once per packet. */
static void
batch_sleeper(uint64_t pps, uint64_t *sent, uint64_t *wakes)
{
	struct ratelimit rl;
	uint64_t now = RL_NS, end = now + 10 * RL_NS, w;

	rl_init(&rl, pps, pps / 100 + 1);
	*sent = *wakes = 0;
	while (now < end) {
		while (rl_take(&rl, now))
			(*sent)++;
		w = rl_wait_batch(&rl, now);
		cr_assert_gt(w, 0);
		now += w + ((*wakes % 10) == 9 ? 4000000 : 60000);
		(*wakes)++;
	}
}

Test(sweep_ratelimit, batched_sleep_keeps_rate_with_fewer_wakeups)
{
	uint64_t sent, wakes;

	batch_sleeper(10000, &sent, &wakes);
	cr_assert_geq(sent, 99900, "10k pps: %llu in 10 s",
		      (unsigned long long)sent);
	cr_assert_leq(sent, 100000 + 101);
	cr_assert_leq(wakes, sent / 40, "%llu wake-ups for %llu packets",
		      (unsigned long long)wakes, (unsigned long long)sent);
	batch_sleeper(100000, &sent, &wakes);
	cr_assert_geq(sent, 999000);
	cr_assert_leq(sent, 1000000 + 1001);
	cr_assert_leq(wakes, sent / 400);
	batch_sleeper(1000, &sent, &wakes);
	cr_assert_geq(sent, 9990);
	cr_assert_leq(sent, 10000 + 11);
}

Test(sweep_ratelimit, wait_batch_is_zero_when_a_packet_may_leave)
{
	struct ratelimit rl;

	rl_init(&rl, 1000, 1);
	cr_assert_eq(rl_wait_batch(&rl, RL_NS), 0);
	cr_assert(rl_take(&rl, RL_NS));
	/* burst 1: tau 0, the batch wait is the plain wait */
	cr_assert_eq(rl_wait_batch(&rl, RL_NS), rl_wait(&rl, RL_NS));
}

/*
 * Reservations (the sweep's per-host scheduling): a host with a long
 * queue of probes gets slots exactly 1/cap apart however late the caller
 * asks, never two inside one spacing, and a reservation never lies in the
 * past; other hosts are not held up by it (distinct slots).
 */
Test(sweep_ratelimit, reserve_spaces_one_host_exactly)
{
	struct rl_hosts h;
	uint64_t now = RL_NS, prev = 0, t, cap = 5000, spacing;

	cr_assert_eq(rl_hosts_init(&h, cap, 64), 0);
	/* (1 s + 10 ms) / cap: 1 % below the cap (see ratelimit.h) */
	spacing = h.t_ns;
	cr_assert_eq(spacing, (RL_NS + RL_HOST_TAU_NS + RL_HOST_WIRE_NS) / cap);
	for (int i = 0; i < 65535; i++) {
		t = rl_hosts_reserve(&h, 7, now);
		cr_assert(t >= now, "slot in the past");
		rl_hosts_tx(&h, 7, t);
		if (i)
			cr_assert_eq(t - prev, spacing, "probe %d: spacing %llu", i,
				     (unsigned long long)(t - prev));
		prev = t;
		/* the caller wakes up late, by up to 3 spacings */
		if (t > now + 20000000ULL)
			now = t - 20000000ULL + (uint64_t)(i % 4) * spacing;
	}
	/* 65535 probes at 5000 pps: 13.1 s of slots, no time lost to the
	 * caller's lateness */
	cr_assert_eq(prev - RL_NS, 65534 * spacing);
	cr_assert(rl_hosts_peak(&h) > 0.985 * cap && rl_hosts_peak(&h) <= cap,
		  "peak %.1f", rl_hosts_peak(&h));
	/* another host is free at once */
	cr_assert_eq(rl_hosts_reserve(&h, 8, now), now);
	rl_hosts_free(&h);
}

Test(sweep_ratelimit, reserve_never_exceeds_cap_in_any_window)
{
	struct rl_hosts h;
	enum { CAP = 40, HOSTS = 300 };
	uint64_t *t = calloc(HOSTS * 100, sizeof(*t));
	uint64_t now = RL_NS;
	int n[HOSTS] = { 0 };

	cr_assert_not_null(t);
	/* 16 slots for 300 hosts: clashes everywhere */
	cr_assert_eq(rl_hosts_init(&h, CAP, 16), 0);
	for (int i = 0; i < HOSTS * 100; i++) {
		int k = (i * 7919) % HOSTS;

		if (n[k] >= 100)
			continue;
		t[k * 100 + n[k]++] = rl_hosts_reserve(&h, (uint64_t)k, now);
		now += 1000;
	}
	for (int k = 0; k < HOSTS; k++)
		for (int i = CAP; i < n[k]; i++)
			cr_assert(t[k * 100 + i] - t[k * 100 + i - CAP] >= RL_NS - RL_NS / CAP,
				  "host %d: %d packets within 1 s", k, CAP + 1);
	free(t);
	rl_hosts_free(&h);
}

Test(sweep_ratelimit, no_cap_reserves_now)
{
	struct rl_hosts h;

	cr_assert_eq(rl_hosts_init(&h, 0, 16), 0);
	cr_assert_eq(rl_hosts_reserve(&h, 1, 123), 123);
	cr_assert_eq(rl_hosts_reserve(&h, 1, 123), 123);
	cr_assert_eq(rl_hosts_peak(&h), 0.0);
	rl_hosts_free(&h);
}

/* Late wake-ups (0..3 ms, pseudo-random) and one 200 ms stall: never more
 * than the cap in any one-second window, and the time lost is about the
 * stall, not the sum of the wake-up delays. */
Test(sweep_ratelimit, late_wakeups_keep_window_and_rate)
{
	enum { CAP = 1000, N = 20000 };
	struct rl_hosts h;
	uint64_t *t = calloc(N, sizeof(*t)), slot0 = 0;
	uint32_t rnd = 12345;

	cr_assert_not_null(t);
	cr_assert_eq(rl_hosts_init(&h, CAP, 16), 0);
	for (int i = 0; i < N; i++) {
		uint64_t slot = rl_hosts_reserve(&h, 3, RL_NS), now, w;

		if (i == 0)
			slot0 = slot;
		rnd = rnd * 1103515245u + 12345u;
		now = slot + (rnd >> 8) % 3000000u + (i == 5000 ? 200000000u : 0);
		if (i && now < t[i - 1])
			now = t[i - 1];
		while ((w = rl_hosts_tx_hold(&h, 3, slot, now)))
			now += w;
		rl_hosts_tx(&h, 3, now);
		t[i] = now;
	}
	for (int i = CAP; i < N; i++)
		cr_assert(t[i] - t[i - CAP] >= RL_NS, "packets %d..%d within %llu ns",
			  i - CAP, i, (unsigned long long)(t[i] - t[i - CAP]));
	/* 20 s of slots (1 % below the cap); lost: the stall, 3 ms of lateness */
	cr_assert(t[N - 1] - slot0 <= (uint64_t)N * h.t_ns + 200000000ULL + 3000000ULL,
		  "lost %.1f ms", (double)(t[N - 1] - slot0 - (uint64_t)N * h.t_ns) / 1e6);
	free(t);
	rl_hosts_free(&h);
}
