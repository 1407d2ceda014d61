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

/* A stall is made up only RL_CATCHUP_NS worth and only at twice the rate:
 * a suspended laptop costs time, never a flood. */
Test(sweep_ratelimit, catch_up_after_stall_is_bounded)
{
	struct ratelimit rl;
	uint64_t now = RL_NS, n = 0, t0, sent, worst = 0;
	uint64_t times[512];

	rl_init(&rl, 1000, 10);
	run_for(&rl, &now, RL_NS);
	/* the process is suspended for 5 s */
	now += 5 * RL_NS;
	while (rl_take(&rl, now))
		n++;
	/* only the burst may leave at once, not 5,000 missed packets */
	cr_assert_leq(n, 10, "sent %llu after stall", (unsigned long long)n);
	/* the next 100 ms: 100 at the rate, plus at most 20 ms (20) caught
	 * up, plus the burst; and it does catch up */
	t0 = now;
	sent = n;
	while (now < t0 + 100000000ULL && sent < 512) {
		uint64_t w = rl_wait(&rl, now);

		if (w) {
			now += w;
			continue;
		}
		cr_assert(rl_take(&rl, now));
		times[sent++] = now;
	}
	cr_assert(sent >= 100 + 15 && sent <= 100 + 20 + 10 + 1, "sent %llu in 100 ms",
		  (unsigned long long)sent);
	/* never faster than twice the rate, beyond the burst: at most 20 + 10
	 * in any 10 ms */
	for (uint64_t i = n, j = n; i < sent; i++) {
		while (times[i] - times[j] >= 10000000ULL)
			j++;
		if (i - j + 1 > worst)
			worst = i - j + 1;
	}
	cr_assert_leq(worst, 30, "%llu packets in 10 ms", (unsigned long long)worst);
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
	cr_assert_eq(rl_hosts_init(&h, CAP, 16, 20000), 0);
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

	cr_assert_eq(rl_hosts_init(&h, 40, 1024, 1000), 0);
	while (now < 11 * RL_NS) {
		uint64_t w = rl_hosts_wait(&h, 5, now);

		if (w) {
			now += w;
			continue;
		}
		rl_hosts_mark(&h, 5, now);
		sent++;
	}
	/* 10 s at 1 s / 40 spacing: the cap, no margin (ratelimit.h) */
	cr_assert(sent >= 400 && sent <= 401, "sent %llu", (unsigned long long)sent);
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

	cr_assert_eq(rl_hosts_init(&h, cap, 64, cap), 0);
	/* 1 s / cap exactly: no margin taken from the cap (ratelimit.h) */
	spacing = h.t_ns;
	cr_assert_eq(spacing, RL_NS / cap);
	for (int i = 0; i < 65535; i++) {
		t = rl_hosts_reserve(&h, 7, now);
		cr_assert(t >= now, "slot in the past");
		rl_hosts_tx(&h, 7, t);
		rl_hosts_sent(&h, t);
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
	cr_assert(rl_hosts_peak(&h) > 0.9999 * cap && rl_hosts_peak(&h) <= cap,
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
	cr_assert_eq(rl_hosts_init(&h, CAP, 16, 20000), 0);
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

	cr_assert_eq(rl_hosts_init(&h, 0, 16, 1000), 0);
	cr_assert_eq(rl_hosts_reserve(&h, 1, 123), 123);
	cr_assert_eq(rl_hosts_reserve(&h, 1, 123), 123);
	cr_assert_eq(rl_hosts_peak(&h), 0.0);
	rl_hosts_free(&h);
}

/* One packet to key reserved for slot, ready at now: held as long as the
 * limiter says, then sent at once; its departure time. */
static uint64_t
depart(struct rl_hosts *h, uint64_t key, uint64_t slot, uint64_t now)
{
	uint64_t w;

	while ((w = rl_hosts_tx_hold(h, key, slot, now)))
		now += w;
	rl_hosts_tx(h, key, now);
	rl_hosts_sent(h, now);
	return now;
}

/* packets cap apart (one host's t[0..n)) are at least a second apart */
static void
assert_cap_per_second(const uint64_t *t, int n, int cap)
{
	for (int i = cap; i < n; i++)
		cr_assert(t[i] - t[i - cap] >= RL_NS, "packets %d..%d within %llu ns",
			  i - cap, i, (unsigned long long)(t[i] - t[i - cap]));
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
	cr_assert_eq(rl_hosts_init(&h, CAP, 16, 20000), 0);
	for (int i = 0; i < N; i++) {
		uint64_t slot = rl_hosts_reserve(&h, 3, RL_NS), now;

		if (i == 0)
			slot0 = slot;
		rnd = rnd * 1103515245u + 12345u;
		now = slot + (rnd >> 8) % 3000000u + (i == 5000 ? 200000000u : 0);
		if (i && now < t[i - 1])
			now = t[i - 1];
		t[i] = depart(&h, 3, slot, now);
	}
	assert_cap_per_second(t, N, CAP);
	/* 20 s of slots at the cap; lost: the stall, 3 ms of lateness once
	 * and the wire margin once a second */
	cr_assert(t[N - 1] - slot0 <= (uint64_t)N * h.t_ns + 200000000ULL + 3000000ULL +
		  (uint64_t)(N / CAP) * RL_HOST_WIRE_NS + 1000000ULL,
		  "lost %.1f ms", (double)(t[N - 1] - slot0 - (uint64_t)N * h.t_ns) / 1e6);
	free(t);
	rl_hosts_free(&h);
}

/*
 * The sweep's order of calls: reserve a slot, tx_hold at the slot, tx
 * (cleared, queued), and rl_hosts_sent when the queue is flushed.  Flushes
 * come 0-250 us after the first queued probe (the batch hold) and, every
 * `every`th flush, after the process was preempted for `stall` ns between
 * the check and the send.  clear[] and sent[] get each packet's two times
 * (its wire time lies between them); returns when the last one was sent.
 */
struct sim {
	int hosts, per;
	uint64_t step, stall;
	unsigned every;
	uint64_t *clear, *sent;
};

static uint64_t
simulate(struct rl_hosts *h, const struct sim *m)
{
	enum { QMAX = 64 };
	int *n = calloc((size_t)m->hosts, sizeof(int)), q[QMAX], qn = 0;
	uint64_t *slot = calloc((size_t)m->hosts, sizeof(uint64_t));
	char *have = calloc((size_t)m->hosts, 1);
	uint64_t now = RL_NS, flush_at = 0, end = RL_NS + 200 * RL_NS;
	uint32_t rnd = 99;
	unsigned flushes = 0;
	long done = 0, total = (long)m->hosts * m->per;

	cr_assert(n && slot && have);
	while (done < total && now < end) {
		for (int k = 0; k < m->hosts && qn < QMAX; k++) {
			if (n[k] >= m->per)
				continue;
			if (!have[k]) {
				slot[k] = rl_hosts_reserve(h, (uint64_t)k, now);
				have[k] = 1;
			}
			if (slot[k] > now || rl_hosts_tx_hold(h, (uint64_t)k, slot[k], now))
				continue;
			rl_hosts_tx(h, (uint64_t)k, now);
			m->clear[k * m->per + n[k]] = now;
			q[qn++] = k * m->per + n[k];
			n[k]++;
			have[k] = 0;
			if (qn == 1) {
				rnd = rnd * 1103515245u + 12345u;
				flush_at = now + (rnd >> 8) % 250000u;
			}
		}
		if (qn && now >= flush_at) {
			if (m->every && ++flushes % m->every == 0)
				now += m->stall;	/* preempted before the send */
			rl_hosts_sent(h, now);
			for (int i = 0; i < qn; i++)
				m->sent[q[i]] = now;
			done += qn;
			qn = 0;
		}
		now += m->step;
	}
	cr_assert_eq(done, total, "sent %ld of %ld", done, total);
	free(n);
	free(slot);
	free(have);
	return now;
}

/* however the wire time falls between the check and the flush, packets
 * cap apart are a second apart: no host gets more than the cap in any
 * one-second window */
static void
assert_window(const struct sim *m, uint64_t cap)
{
	for (int k = 0; k < m->hosts; k++)
		for (int i = (int)cap; i < m->per; i++) {
			uint64_t a = m->sent[k * m->per + i - (int)cap];
			uint64_t b = m->clear[k * m->per + i];

			cr_assert(b >= a + RL_NS, "host %d: packets %d..%d within "
				  "%lld ns", k, i - (int)cap, i,
				  (long long)b - (long long)a);
		}
}

/* The case the old 0.5 ms margin lost under load 13 (26 SYNs to a 25 pps
 * host): preempted for 8 ms between the check and the send, hosts
 * sharing hash slots; the window holds with no margin taken. */
Test(sweep_ratelimit, window_exact_when_preempted_after_the_check)
{
	enum { CAP = 25, HOSTS = 40, PER = 200 };
	struct rl_hosts h;
	struct sim m = { HOSTS, PER, 100000, 8000000, 7, NULL, NULL };

	m.clear = calloc(HOSTS * PER, sizeof(uint64_t));
	m.sent = calloc(HOSTS * PER, sizeof(uint64_t));
	cr_assert(m.clear && m.sent);
	cr_assert_eq(rl_hosts_init(&h, CAP, 16, 1000), 0);
	simulate(&h, &m);
	assert_window(&m, CAP);
	free(m.clear);
	free(m.sent);
	rl_hosts_free(&h);
}

/* One host alone at 5,000 pps for 20 s with batches held up to 250 us:
 * the cap, less the wire margin and the hold once a second (about 0.1 %,
 * where the old margin cost 1 %), and the window still exact. */
Test(sweep_ratelimit, one_host_gets_the_cap_with_batched_sends)
{
	enum { CAP = 5000, PER = 100000 };
	struct rl_hosts h;
	struct sim m = { 1, PER, 20000, 0, 0, NULL, NULL };
	uint64_t took, plan = (uint64_t)PER * (RL_NS / CAP);

	m.clear = calloc(PER, sizeof(uint64_t));
	m.sent = calloc(PER, sizeof(uint64_t));
	cr_assert(m.clear && m.sent);
	cr_assert_eq(rl_hosts_init(&h, CAP, 64, CAP), 0);
	simulate(&h, &m);
	assert_window(&m, CAP);
	took = m.sent[PER - 1] - m.clear[0];
	cr_assert(took <= plan + plan / 500, "%.4f s for %.4f s of slots (%.2f %% over)",
		  (double)took / 1e9, (double)plan / 1e9,
		  100.0 * ((double)took / (double)plan - 1));
	free(m.clear);
	free(m.sent);
	rl_hosts_free(&h);
}

/* One host at 1,000 pps with one stall: 15 ms is caught up (at twice the
 * cap, the window still exact), 200 ms loses all but RL_CATCHUP_NS. */
static uint64_t
lost_after_stall(uint64_t stall)
{
	enum { CAP = 1000, N = 4000 };
	struct rl_hosts h;
	uint64_t *t = calloc(N, sizeof(*t)), slot0 = 0, lost;

	cr_assert_not_null(t);
	cr_assert_eq(rl_hosts_init(&h, CAP, 16, CAP), 0);
	for (int i = 0; i < N; i++) {
		uint64_t slot = rl_hosts_reserve(&h, 3, RL_NS), now;

		if (i == 0)
			slot0 = slot;
		now = rl_hosts_due(&h, 3, slot);
		if (i && now < t[i - 1])
			now = t[i - 1];
		if (i == 1500)
			now += stall;
		t[i] = depart(&h, 3, slot, now);
	}
	assert_cap_per_second(t, N, CAP);
	/* never faster than twice the cap beyond the burst: in any 10 ms at
	 * most 20 + 1 + (tau / 2 at twice the cap: 5) */
	for (int i = 0, j = 0; i < N; i++) {
		while (t[i] - t[j] >= 10000000ULL)
			j++;
		cr_assert_leq(i - j + 1, 26, "%d packets in 10 ms up to packet %d",
			      i - j + 1, i);
	}
	lost = t[N - 1] - slot0 - (uint64_t)(N - 1) * h.t_ns;
	free(t);
	rl_hosts_free(&h);
	return lost;
}

Test(sweep_ratelimit, host_catches_up_a_short_stall_only)
{
	uint64_t none = lost_after_stall(0), s15 = lost_after_stall(15000000ULL),
		 s200 = lost_after_stall(200000000ULL);

	/* the wire margin once a second (4 s) at most, without a stall */
	cr_assert_leq(none, 4 * (RL_HOST_WIRE_NS + 1000000ULL), "lost %.2f ms", none / 1e6);
	cr_assert_leq(s15, none + 2000000ULL, "15 ms stall: lost %.2f ms", s15 / 1e6);
	cr_assert(s200 >= 200000000ULL - RL_CATCHUP_NS - 2000000ULL &&
		  s200 <= 200000000ULL, "200 ms stall: lost %.2f ms", s200 / 1e6);
}
