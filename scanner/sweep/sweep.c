/*
 * sweep.c - the sweep loop (see sweep.h): permute -> recheck -> pace ->
 * send, with bounded retry and defer queues and the dry-run backend.
 *
 * Per iteration the loop picks one candidate: a deferred probe whose host
 * is ready again, else a retry that fell due, else the next index of the
 * permutation.  The global limiter is consulted before picking, so a
 * candidate is never held while waiting for the global rate; the per-host
 * limiter can only defer it (into a small heap).  Everything that grows
 * with the scan (results) lives in the results document; the loop's own
 * memory is fixed at start.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sweep_int.h"
#include "scanner/core/log.h"

#define ANSWERED_WAYS 8
#define PROGRESS_NS (RL_NS)

/* --- order: batches of hosts, permuted inside ------------------------- */

void
order_init(struct sweep_order *o, uint64_t hosts, uint64_t nports,
	   uint64_t in_flight, uint64_t seed)
{
	memset(o, 0, sizeof(*o));
	o->hosts = hosts;
	o->nports = nports;
	o->h = (in_flight == 0 || in_flight > hosts) ? hosts : in_flight;
	o->total = hosts * nports;
	if (o->h == 0)
		return;
	o->full = hosts / o->h;
	o->rem = hosts % o->h;
	perm_init(&o->host, hosts, seed ^ 0x686f737473ULL);
	perm_init(&o->batch, o->h * nports, seed ^ 0x6261746368ULL);
	if (o->rem)
		perm_init(&o->last, o->rem * nports, seed ^ 0x6c617374ULL);
}

void
order_at(const struct sweep_order *o, uint64_t i, uint64_t *host,
	 uint64_t *port)
{
	uint64_t bsz = o->h * o->nports, b = i / bsz, j, h;

	if (b < o->full) {
		j = perm_map(&o->batch, i - b * bsz);
		h = b * o->h + j % o->h;
		*port = j / o->h;
	} else {
		j = perm_map(&o->last, i - o->full * bsz);
		h = o->full * o->h + j % o->rem;
		*port = j / o->rem;
	}
	*host = perm_map(&o->host, h);
}

/* --- retry ring and defer heap ------------------------------------------ */

static int
ring_init(struct ring *r, size_t want)
{
	size_t n = 1024;

	while (n < want && n < (1u << 22))
		n <<= 1;
	r->e = calloc(n, sizeof(*r->e));
	r->mask = n - 1;
	r->head = r->n = 0;
	return r->e ? 0 : -1;
}

static void
ring_push(struct ring *r, const struct pending *p)
{
	r->e[(r->head + r->n) & r->mask] = *p;
	r->n++;
}

static void
heap_push(struct heap *h, const struct pending *p)
{
	size_t i = h->n++;

	while (i) {
		size_t up = (i - 1) / 2;

		if (h->e[up].due <= p->due)
			break;
		h->e[i] = h->e[up];
		i = up;
	}
	h->e[i] = *p;
}

static void
heap_pop(struct heap *h, struct pending *out)
{
	struct pending last = h->e[--h->n];
	size_t i = 0;

	*out = h->e[0];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->e[c + 1].due < h->e[c].due)
			c++;
		if (last.due <= h->e[c].due)
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = last;
}

/* --- answered slots (for retries) ----------------------------------------
 *
 * Replies of the last retry window, so that only silent probes are sent
 * again.  Buckets of eight 32-bit fingerprints (one cache line's half);
 * a full bucket shifts out its oldest.  With at least one bucket per
 * packet-per-second a mark is lost only when eight more fall into its
 * bucket within the retry window and grace; a lost mark costs one
 * redundant retry (or, at the end, a needless cooldown), never a missed
 * port, and a fingerprint clash (about 8 in 2^32) one missed retry.
 */

static uint32_t *
ans_bucket(const struct sweep *s, uint64_t key, uint32_t *fp)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ULL;
	key ^= key >> 29;
	*fp = (uint32_t)(key >> 32) | 1;	/* never 0 (empty) */
	return &s->answered[((size_t)key & s->amask) * ANSWERED_WAYS];
}

static int
answered(const struct sweep *s, uint64_t key)
{
	uint32_t fp, *b;

	if (!s->answered)
		return 0;
	b = ans_bucket(s, key, &fp);
	for (int w = 0; w < ANSWERED_WAYS; w++)
		if (b[w] == fp)
			return 1;
	return 0;
}

static void
answered_mark(struct sweep *s, uint64_t key)
{
	uint32_t fp, *b = ans_bucket(s, key, &fp);

	for (int w = 0; w < ANSWERED_WAYS; w++)
		if (b[w] == fp || b[w] == 0) {
			b[w] = fp;
			return;
		}
	/* full: shift out the oldest (way 0), append */
	memmove(b, b + 1, (ANSWERED_WAYS - 1) * sizeof(*b));
	b[ANSWERED_WAYS - 1] = fp;
}

/* Rank of a in the frozen target set, or -1. */
static int
target_rank(const struct tset *t, const struct addr *a, uint64_t *idx)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->r[mid].hi < a->v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= t->n || t->r[lo].lo > a->v || !t->before)
		return -1;
	*idx = (uint64_t)(t->before[lo] + (a->v - t->r[lo].lo));
	return 0;
}

/* --- replies into the results document ------------------------------------ */

static const char *const state_names[] = { "open", "closed", "filtered" };

void
sweep_reply(struct sweep *s, const struct addr *dst, uint8_t proto,
	    uint16_t port, enum sweep_state state)
{
	const char *pname = proto == 17 ? "udp" : "tcp";
	uint64_t h;
	uint16_t pi = s->port_idx[(proto == 17) * 65536 + port];
	json_t *svc;

	if (!pi || target_rank(s->c->targets, dst, &h) < 0)
		return;
	s->st->valid++;
	if (s->answered)
		answered_mark(s, h * s->c->nports + (pi - 1));
	if (state == ST_CLOSED)
		s->st->closed++;
	else if (state == ST_FILTERED)
		s->st->unreachable++;
	/* an ICMP error says nothing about the host itself (often a router
	 * answers for an absent one): count it, record nothing; with
	 * --all-states a live host's silent ports become "filtered" later */
	if (state == ST_FILTERED || (state == ST_CLOSED && !s->c->all_states))
		return;
	/* a host that only sent RSTs is listed with --all-states; otherwise
	 * the document would hold every address of a segment whose router
	 * or firewall answers for all of them (memory and report noise) */
	svc = results_service(s->res, dst, pname, port, 0);
	if (state == ST_CLOSED) {
		if (!s->c->all_states)
			return;
		results_host(s->res, dst, 1);
		/* open wins over an earlier or later negative answer */
		if (svc)
			return;
	}
	if (state == ST_OPEN) {
		const char *cur = svc ? json_string_value(json_object_get(svc, "state")) : NULL;

		if (cur && !strcmp(cur, "open"))
			return;		/* a duplicate (retry answered too) */
		s->st->open++;		/* distinct open services */
	}
	if (!svc)
		svc = results_service(s->res, dst, pname, port, 1);
	if (!svc)
		return;
	json_object_set_new(svc, "state", json_string(state_names[state]));
}

void
sweep_host_alive(struct sweep *s, const struct addr *a, const uint8_t *mac,
		 const char *how)
{
	json_t *host;
	char buf[18];

	if (!tset_contains(s->c->targets, a))
		return;
	host = results_host(s->res, a, 1);
	if (!host)
		return;
	if (mac)
		json_object_set_new(host, "mac", json_string(mac_fmt(mac, buf)));
	if (!json_object_get(host, "seen_by")) {
		json_object_set_new(host, "seen_by", json_string(how));
		if (mac)
			s->st->hosts_arp++;
		else
			s->st->hosts_ping++;
	}
}

/* --- dry run ------------------------------------------------------------- */

static int
dry_open(struct sweep *s)
{
	(void)s;
	return 0;
}

static uint64_t
dry_inflight_min(struct sweep *s)
{
	(void)s;
	return UINT64_MAX;
}

static int
dry_can_send(struct sweep *s)
{
	(void)s;
	return 1;
}

static int
dry_send(struct sweep *s, const struct addr *dst, const struct sweep_port *p)
{
	char buf[ADDR_STRLEN];

	fprintf(s->c->dry_out, "%s\t%s\t%u\n", p->proto == 17 ? "udp" : "tcp",
		addr_fmt(dst, buf), p->port);
	return 0;
}

static int
dry_poll(struct sweep *s, uint64_t wait_ns)
{
	(void)s;
	(void)wait_ns;
	return 0;
}

static int
dry_busy(struct sweep *s)
{
	(void)s;
	return 0;
}

static void
dry_close(struct sweep *s)
{
	fflush(s->c->dry_out);
}

const struct sweep_backend sweep_dry_backend = {
	"dry-run", dry_open, dry_can_send, dry_send, dry_poll, dry_busy,
	dry_inflight_min, dry_close, NULL,
};

/* --- the loop -------------------------------------------------------------- */

/* the capture is checked for drops this often; a drop cuts the rate */
#define DROP_CHECK_NS (100ULL * 1000000ULL)
/* a sleep for a host's reserved slot ends on the next multiple of this
 * on the clock, so a fast single-host sweep wakes once per few packets,
 * not once per packet (ratelimit.h: why on a grid) */
#define WAKE_GRID_NS (1000ULL * 1000ULL)
/* replies come in blocks every RX_BLOCK_MS: looking more often is waste */
#define DRAIN_NS (1000ULL * 1000ULL)
#define MIN_BACKOFF_PPS 100

struct loop {
	uint64_t cursor, end;
	uint64_t next_ck, next_progress, last_sent;
	uint64_t next_drop_check, drops_seen, next_drain;
};

/*
 * The checkpoint cursor: the smallest order position not yet done.  A
 * position is in flight from the moment the cursor passes it until its
 * last try's reply window plus a grace has elapsed (its ring entry), or
 * it was answered (the answer is then already in the results); deferred
 * probes sit in the heap.  O(ring + heap), called once per checkpoint.
 */
static uint64_t
pending_min(struct sweep *s, const struct loop *l)
{
	uint64_t m = l->cursor;

	for (size_t i = 0; i < s->ring.n; i++) {
		const struct pending *p = &s->ring.e[(s->ring.head + i) & s->ring.mask];

		if (p->pos < m)
			m = p->pos;
	}
	for (size_t i = 0; i < s->heap.n; i++)
		if (s->heap.e[i].pos < m)
			m = s->heap.e[i].pos;
	if (s->be->inflight_min(s) < m)
		m = s->be->inflight_min(s);
	return m;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The checkpoint: a cursor below which every position is finished except
 * the holes (s->hbuf, sorted, unique, returned count).  Holes are the
 * unanswered probes of the ring (in flight or waiting for a retry), the
 * deferred ones of the heap and the redo positions not yet taken; the
 * backend's in-flight probes (connect mode) keep the cursor at the first
 * of them.  So a resume redoes only what was unfinished, not every
 * position after the oldest unfinished one.  O(ring + heap + redo).
 */
static size_t
pending_holes(struct sweep *s, const struct loop *l, uint64_t *cursor)
{
	uint64_t m = l->cursor, im = s->be->inflight_min(s);
	size_t n = 0, k = 0, need = s->cap + s->c->nredo;

	if (im < m)
		m = im;
	if (s->hcap < need) {
		uint64_t *nb = realloc(s->hbuf, need * sizeof(*nb));

		if (!nb) {
			*cursor = pending_min(s, l);	/* no memory: the old, safe way */
			return 0;
		}
		s->hbuf = nb;
		s->hcap = need;
	}
	for (size_t i = s->redo_i; i < s->c->nredo; i++)
		if (s->c->redo[i] < m)
			s->hbuf[n++] = s->c->redo[i];
	for (size_t i = 0; i < s->ring.n && n < s->hcap; i++) {
		const struct pending *p = &s->ring.e[(s->ring.head + i) & s->ring.mask];
		uint64_t h, pi;

		if (p->pos >= m)
			continue;
		order_at(&s->order, p->pos, &h, &pi);
		if (!answered(s, h * s->c->nports + pi))
			s->hbuf[n++] = p->pos;
	}
	for (size_t i = 0; i < s->heap.n && n < s->hcap; i++)
		if (s->heap.e[i].pos < m)
			s->hbuf[n++] = s->heap.e[i].pos;
	qsort(s->hbuf, n, sizeof(*s->hbuf), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || s->hbuf[k - 1] != s->hbuf[i])
			s->hbuf[k++] = s->hbuf[i];
	if (k > SWEEP_HOLES_MAX) {
		m = s->hbuf[SWEEP_HOLES_MAX];
		k = SWEEP_HOLES_MAX;
	}
	*cursor = m;
	return k;
}

/* A retry that fell due (not answered, tries left), or 0. */
static int
ring_due(struct sweep *s, uint64_t now, struct pending *out)
{
	while (s->ring.n) {
		struct pending p = s->ring.e[s->ring.head];
		uint64_t h, pi;
		int ans;

		order_at(&s->order, p.pos, &h, &pi);
		ans = answered(s, h * s->c->nports + pi);
		/* at the tail (nothing left to take) an answered probe is done
		 * at once: the sweep ends when the last reply is in */
		if (p.due > now && !(s->tail && ans))
			return 0;
		s->ring.head = (s->ring.head + 1) & s->ring.mask;
		s->ring.n--;
		if (ans)
			continue;
		if (p.tries > s->c->retries) {
			/* done: reply window and grace are over, no answer */
			s->last_silent = now;
			continue;
		}
		*out = p;
		return 1;
	}
	return 0;
}

static uint64_t
host_of(const struct sweep *s, uint64_t pos)
{
	uint64_t h, pi;

	order_at(&s->order, pos, &h, &pi);
	return h;
}

/*
 * Reserve the host's next slot for p: 1 when that is now (send it),
 * else p goes into the heap, due at its slot, and 0.  One call per probe
 * whatever the shape: a host held by its cap is never polled again.
 */
static int
schedule(struct sweep *s, struct pending *p, uint64_t now)
{
	uint64_t t, h;

	if (s->c->mode == SWEEP_DRYRUN)
		return 1;
	h = host_of(s, p->pos);
	p->slot = rl_hosts_reserve(&s->hosts, h, now);
	/* due when the host's schedule, as far as it has slipped, says */
	t = rl_hosts_due(&s->hosts, h, p->slot);
	if (t <= now)
		return 1;
	p->due = t;
	heap_push(&s->heap, p);
	return 0;
}

/*
 * The next probe to send now: 1 (in out), 0 nothing now (*wait set; 0 =
 * look again at once), -1 all done.  Order: a retry that fell due, a
 * reserved slot that fell due, the next index -- taken while its host's
 * next slot is within the horizon or only a few probes (defer_cap: 4 per
 * host in flight) wait in the heap, so a one-host sweep keeps a few
 * milliseconds of reservations, not the whole port range.
 */
static int
pick(struct sweep *s, struct loop *l, uint64_t now, struct pending *out,
     uint64_t *wait)
{
	uint64_t due = UINT64_MAX;
	struct pending p;

	*wait = 0;
	s->tail = l->cursor >= l->end && s->heap.n == 0 && s->redo_i >= s->c->nredo;
	/* the ring first: it retires finished probes (the checkpoint cursor
	 * waits for them) and a host's busy slots must not starve it */
	if (s->ring.n && (s->ring.e[s->ring.head].due <= now || s->tail) &&
	    s->heap.n < s->heap.cap && ring_due(s, now, &p)) {
		if (!schedule(s, &p, now))
			return 0;
		*out = p;
		return 1;
	}
	if (s->heap.n && s->heap.e[0].due <= now) {
		heap_pop(&s->heap, out);
		return 1;
	}
	/* a resumed checkpoint's holes before anything new */
	if (s->redo_i < s->c->nredo && s->ring.n + s->heap.n < s->cap) {
		p.pos = s->c->redo[s->redo_i++];
		p.due = p.slot = 0;
		p.tries = 0;
		if (!schedule(s, &p, now))
			return 0;
		*out = p;
		return 1;
	}
	if (l->cursor < l->end && s->ring.n + s->heap.n < s->cap) {
		uint64_t w = s->c->mode == SWEEP_DRYRUN ? 0 :
			rl_hosts_wait(&s->hosts, host_of(s, l->cursor), now);

		/* beyond the horizon only while few probes wait: no head-of-
		 * line blocking behind one busy host of a batch, and no queue
		 * of a whole port range behind the only host */
		if (w <= s->horizon || s->heap.n < s->defer_cap) {
			p.pos = l->cursor++;
			p.due = p.slot = 0;
			p.tries = 0;
			if (!schedule(s, &p, now))
				return 0;
			*out = p;
			return 1;
		}
		due = now + w - s->horizon;
	}
	if (s->heap.n && s->heap.e[0].due < due)
		due = s->heap.e[0].due;
	if (s->ring.n && s->ring.e[s->ring.head].due < due)
		due = s->ring.e[s->ring.head].due;
	if (due == UINT64_MAX)
		return l->cursor < l->end || s->redo_i < s->c->nredo ? 0 : -1;
	/* wake on the grid: at most one timer wake-up per grid step, and
	 * what falls due meanwhile goes out together, late by less than a
	 * step, which both limiters' tolerances absorb (one wake-up per
	 * probe cost more kernel time than the probe itself at 5,000 pps on
	 * one host).  A packet's lateness then depends on where its time
	 * falls within a step, so a host's packets a second apart are
	 * equally late and its exact one-second window (ratelimit.h) does
	 * not hold the next second back by the jitter of this one */
	due = (due / WAKE_GRID_NS + 1) * WAKE_GRID_NS;
	*wait = due > now ? due - now : 0;
	return 0;
}

static int
send_one(struct sweep *s, const struct pending *p, uint64_t now)
{
	const struct sweep_conf *c = s->c;
	struct pending next = *p;
	uint64_t h, pi;
	struct addr a;

	order_at(&s->order, p->pos, &h, &pi);
	if (tset_nth(c->targets, h, &a) < 0)
		return 0;
	/* the last word on safety: scope and do_not_scan, right before tx */
	if (c->may_send ? !c->may_send(c->may_arg, &a) :
	    (!tset_contains(c->scope, &a) || tset_contains(c->deny, &a))) {
		s->st->refused_recheck++;
		return 0;
	}
	if (c->mode != SWEEP_DRYRUN) {
		uint64_t w = rl_hosts_tx_hold(&s->hosts, h, p->slot, now);

		if (w) {
			/* the host's real departures are behind its schedule
			 * (a stall): this one slips by as much, held once */
			next.due = now + w;
			heap_push(&s->heap, &next);
			return 0;
		}
		rl_take(&s->rl, now);
		rl_hosts_tx(&s->hosts, h, now);
	}
	s->cur_pos = p->pos;
	if (s->be->send(s, &a, &c->ports[pi]) < 0)
		return -1;
	/* connect(): the SYN left inside the call (the raw backend says so
	 * when its queue is flushed) */
	if (c->mode == SWEEP_CONNECT)
		rl_hosts_sent(&s->hosts, rl_now());
	s->st->sent++;
	if (!s->st->first_send_ns)
		s->st->first_send_ns = now;
	s->st->last_send_ns = now;
	if (p->tries)
		s->st->retries++;
	else {
		s->st->last_first_ns = now;
		s->retries_fp = s->st->retries;
	}
	if (c->mode == SWEEP_RAW) {
		next.tries = p->tries + 1;
		next.due = now + (uint64_t)c->retry_ms * 1000000ULL;
		/* after the last try the entry stays until its reply window
		 * and a grace are over: the checkpoint cursor waits for it */
		if (next.tries > c->retries)
			next.due += s->grace;
		ring_push(&s->ring, &next);
	}
	return 0;
}

static void
progress(struct sweep *s, struct loop *l, uint64_t now, int final)
{
	const struct sweep_conf *c = s->c;
	uint64_t span = l->end - c->start, done = l->cursor - c->start;
	double pct = span ? 100.0 * (double)done / (double)span : 100.0;
	double rate = (double)(s->st->sent - l->last_sent);
	double eta = rate > 0 ? (double)(span - done) / rate : 0;

	if (c->progress)
		fprintf(stderr, "\rsent %llu  %.0f pps  %.1f%% done  ETA %.0fs  "
			"open %llu   %s", (unsigned long long)s->st->sent, rate,
			pct, eta, (unsigned long long)s->st->open,
			final ? "\n" : "");
	l->last_sent = s->st->sent;
	l->next_progress = now + PROGRESS_NS;
}

/*
 * Capture drops mean replies were lost: cut the global rate by a quarter
 * (not below MIN_BACKOFF_PPS) and count it; the run is then reported as
 * not complete by the caller (pcap_drop > 0).
 */
static void
check_drops(struct sweep *s, struct loop *l, uint64_t now)
{
	unsigned np;

	l->next_drop_check = now + DROP_CHECK_NS;
	if (!s->be->counters)
		return;
	s->be->counters(s);
	if (s->st->pcap_drop + s->st->pcap_ifdrop <= l->drops_seen)
		return;
	l->drops_seen = s->st->pcap_drop + s->st->pcap_ifdrop;
	np = s->pps - s->pps / 4;
	if (np < MIN_BACKOFF_PPS)
		np = s->pps < MIN_BACKOFF_PPS ? s->pps : MIN_BACKOFF_PPS;
	s->st->rx_backoffs++;
	log_warn("sweep", "capture dropped %llu replies so far: rate cut "
		 "from %u to %u pps", (unsigned long long)l->drops_seen,
		 s->pps, np);
	s->pps = np;
	rl_init(&s->rl, np, np / 100 + 1);
}

/* Handle every reply already queued (bounded: the queue is finite). */
static void
drain(struct sweep *s)
{
	s->be->poll(s, 0);
}

static void
housekeeping(struct sweep *s, struct loop *l, uint64_t now)
{
	if (now >= l->next_progress)
		progress(s, l, now, 0);
	if (now >= l->next_drop_check)
		check_drops(s, l, now);
	if (s->c->checkpoint && now >= l->next_ck) {
		/* replies already captured go into the found-set first */
		uint64_t cur;
		size_t nh;

		drain(s);
		nh = pending_holes(s, l, &cur);
		s->c->checkpoint(s->c->ck_arg, cur, s->hbuf, nh, 0);
		l->next_ck = rl_now() + (uint64_t)s->c->checkpoint_ms * 1000000ULL;
	}
}

static int
loop(struct sweep *s, struct loop *l)
{
	const struct sweep_conf *c = s->c;

	for (;;) {
		uint64_t now, wait = 0;
		struct pending p;
		int k;

		if (c->stop && *c->stop) {
			s->st->interrupted = 1;
			break;
		}
		/* the receive side first: replies are matched before their
		 * retries fall due, whatever the send side is doing */
		now = rl_now();
		if (c->mode == SWEEP_RAW && now >= l->next_drain) {
			drain(s);
			l->next_drain = now + DRAIN_NS;
		}
		housekeeping(s, l, now);
		if (c->mode != SWEEP_DRYRUN &&
		    (wait = rl_wait_batch(&s->rl, now))) {
			s->be->poll(s, wait);
			continue;
		}
		if (!s->be->can_send(s)) {
			s->be->poll(s, 1000000);
			continue;
		}
		k = pick(s, l, now, &p, &wait);
		if (k < 0)
			break;
		if (k == 0) {
			if (wait)
				s->be->poll(s, wait);
			continue;
		}
		if (send_one(s, &p, now) < 0)
			return -1;
	}
	return 0;
}

static void
cooldown(struct sweep *s, struct loop *l)
{
	const struct sweep_conf *c = s->c;
	uint64_t ms = c->cooldown_ms, end, now;

	/* connect mode: sockets in flight time out by themselves */
	while (s->be->busy(s) && !(c->stop && *c->stop)) {
		housekeeping(s, l, rl_now());
		s->be->poll(s, 10000000);
	}
	if (c->mode != SWEEP_RAW)
		return;
	if (c->stop && *c->stop) {
		/* interrupted: a short wait for late replies */
		end = rl_now() + (ms > 1000 ? 1000 : ms) * 1000000ULL;
	} else {
		/* late replies can only answer probes that got none: wait
		 * `cooldown` after the last of them expired; when every probe
		 * was answered there is nothing to wait for */
		if (!s->last_silent)
			return;
		end = s->last_silent + ms * 1000000ULL;
	}
	while ((now = rl_now()) < end) {
		housekeeping(s, l, now);
		s->be->poll(s, end - now);
	}
}

/*
 * --all-states: a live host's probed ports that never answered are
 * "filtered" (TCP) or "open|filtered" (UDP, where silence is ambiguous).
 * Only hosts known to be alive get them, so absent addresses add nothing.
 */
static void
mark_silent(struct sweep *s)
{
	const struct sweep_conf *c = s->c;
	json_t *hosts = results_array(s->res, "hosts");
	size_t n = json_array_size(hosts);

	for (size_t i = 0; i < n; i++) {
		const char *as = json_string_value(
			json_object_get(json_array_get(hosts, i), "addr"));
		struct addr a;

		if (!as || addr_parse(as, &a) < 0 || !tset_contains(c->targets, &a))
			continue;
		for (size_t k = 0; k < c->nports; k++) {
			const char *pn = c->ports[k].proto == 17 ? "udp" : "tcp";
			json_t *svc;

			if (results_service(s->res, &a, pn, c->ports[k].port, 0))
				continue;
			svc = results_service(s->res, &a, pn, c->ports[k].port, 1);
			if (svc)
				json_object_set_new(svc, "state", json_string(
					c->ports[k].proto == 17 ? "open|filtered"
								: "filtered"));
		}
	}
}

static const struct sweep_backend *
backend_for(enum sweep_mode m)
{
	if (m == SWEEP_RAW)
		return &sweep_raw_backend;
	if (m == SWEEP_CONNECT)
		return &sweep_connect_backend;
	return &sweep_dry_backend;
}

static int
setup_tables(struct sweep *s)
{
	const struct sweep_conf *c = s->c;
	uint64_t want;
	uint64_t t_host = c->host_pps ? RL_NS / c->host_pps : 0;

	/* the cursor waits this long after a probe's last try for its reply
	 * (the capture hands replies over in blocks of RX_BLOCK_MS) */
	s->grace = 250ULL * 1000000ULL;
	want = (uint64_t)c->pps * (c->retry_ms + 450) / 1000 + 1024;
	/* reservations ahead of time: 20 ms, or two slots of a slow host */
	s->horizon = 20ULL * 1000000ULL;
	if (2 * t_host > s->horizon)
		s->horizon = 2 * t_host;
	s->pps = c->pps ? c->pps : 1;
	s->port_idx = calloc(2 * 65536, sizeof(*s->port_idx));
	if (!s->port_idx || ring_init(&s->ring, want) < 0)
		return -1;
	s->cap = s->ring.mask + 1;
	s->heap.cap = s->cap;
	s->heap.e = calloc(s->heap.cap, sizeof(*s->heap.e));
	s->defer_cap = 64 + 4 * (size_t)(s->order.h < s->cap ? s->order.h : s->cap);
	if (!s->heap.e ||
	    rl_hosts_init(&s->hosts, c->host_pps,
			  2 * (size_t)(s->order.h < 65536 ? s->order.h : 65536),
			  s->pps) < 0)
		return -1;
	for (size_t i = 0; i < c->nports; i++)
		s->port_idx[(c->ports[i].proto == 17) * 65536 + c->ports[i].port] =
			(uint16_t)(i + 1);
	if (c->mode == SWEEP_RAW) {
		size_t nb = 4096;

		/* one bucket of eight per packet-per-second or more: a mark
		 * is lost when eight more land in its bucket within the retry
		 * window (Poisson, mean <= 1.25: < 5e-5 per probe at the
		 * worst rate, ~1e-6 typical).  Four ways of two buckets per
		 * pps, the same memory, lost about one mark in 4,000: 10-20
		 * needless retries in a one-host full-port sweep, and now and
		 * then a false "silent" probe that cost the cooldown */
		while (nb < (size_t)c->pps && nb < (1u << 19))
			nb <<= 1;
		s->answered = calloc(nb * ANSWERED_WAYS, sizeof(*s->answered));
		s->amask = nb - 1;
		if (!s->answered)
			return -1;
	}
	/* burst tolerance 10 ms: the sender sleeps ~5 ms between batches, and
	 * a late wake-up of up to 5 ms more (a busy machine) costs no rate */
	rl_init(&s->rl, c->pps ? c->pps : 1, c->pps / 100 + 1);
	return 0;
}

static void
teardown(struct sweep *s)
{
	free(s->port_idx);
	free(s->hbuf);
	free(s->heap.e);
	free(s->ring.e);
	free(s->answered);
	rl_hosts_free(&s->hosts);
}

static int
check_space(const struct sweep_conf *c, u128 hosts, char *err, size_t errlen)
{
	if (c->nports == 0 || c->nports > 2 * 65536) {
		snprintf(err, errlen, "no ports to scan");
		return -1;
	}
	if (hosts > (u128)(UINT64_MAX / c->nports)) {
		snprintf(err, errlen, "target set too large: more than 2^64 "
			 "(address, port) pairs; narrow the targets");
		return -1;
	}
	if (c->start > (uint64_t)hosts * c->nports) {
		snprintf(err, errlen, "resume index beyond the end of the scan");
		return -1;
	}
	return 0;
}

void
sweep_estimate(const struct sweep_conf *c, uint64_t hosts, uint64_t probes,
	       struct sweep_estimate *e)
{
	double pps = c->pps ? c->pps : 1, secs, hp;
	uint64_t h = (c->hosts_in_flight == 0 || c->hosts_in_flight > hosts) ?
		hosts : c->hosts_in_flight;
	uint64_t full, rem;

	e->pps = pps;
	e->seconds = (double)probes / pps;
	e->bound_by = "rate";
	if (!hosts || !h || !c->nports || !c->host_pps)
		return;
	full = hosts / h;
	rem = hosts % h;
	/* a host gets its cap (ratelimit.h), a batch of k hosts at most k
	 * times that */
	hp = (double)c->host_pps;
	secs = (double)full * (double)h * (double)c->nports /
		fmin(pps, (double)h * hp);
	if (rem)
		secs += (double)rem * (double)c->nports /
			fmin(pps, (double)rem * hp);
	e->pps = (double)hosts * (double)c->nports / secs;
	e->seconds = (double)probes / e->pps;
	if (e->pps < 0.99 * pps)
		e->bound_by = "host_rate";
}

/* Achieved rates and the overrun verdict (see sweep.h). */
static void
finish_stats(struct sweep *s)
{
	struct sweep_stats *st = s->st;
	uint64_t firsts = st->sent - st->retries;
	double plan;

	st->final_pps = s->pps;
	if (s->c->mode == SWEEP_DRYRUN || !st->first_send_ns)
		return;
	st->first_pass_s = (double)(st->last_first_ns - st->first_send_ns) / 1e9;
	st->achieved_pps = st->first_pass_s > 0 ?
		(double)(firsts > 1 ? firsts - 1 : 0) / st->first_pass_s : 0;
	st->host_peak_pps = rl_hosts_peak(&s->hosts);
	/* the plan: every packet of the first pass (retries sent during it
	 * included) at the expected rate */
	plan = st->expected_pps > 0 ?
		(double)(firsts + s->retries_fp) / st->expected_pps : 0;
	/* raw mode only: a connect() scan is paced by its timeouts */
	if (!st->interrupted && s->c->mode == SWEEP_RAW &&
	    st->first_pass_s > plan * (1 + SWEEP_OVERRUN_FRAC) + SWEEP_OVERRUN_S)
		st->overrun = 1;
}

int
sweep_run(const struct sweep_conf *c, struct results *r,
	  struct sweep_stats *st, char *err, size_t errlen)
{
	struct sweep s;
	struct loop l;
	u128 hosts = tset_count(c->targets);
	size_t nholes = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (check_space(c, hosts, err, errlen) < 0)
		return -1;
	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	s.c = c;
	s.res = r;
	s.st = st;
	s.err = err;
	s.errlen = errlen;
	s.be = backend_for(c->mode);
	order_init(&s.order, (uint64_t)hosts, c->nports, c->hosts_in_flight, c->seed);
	st->total = s.order.total;
	l.cursor = c->start;
	l.end = c->max_probes && c->max_probes < st->total - c->start ?
		c->start + c->max_probes : st->total;
	if (setup_tables(&s) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out_free;
	}
	{
		struct sweep_estimate e;

		sweep_estimate(c, (uint64_t)hosts, l.end - l.cursor, &e);
		st->expected_pps = e.pps;
		st->est_seconds = e.seconds;
		st->bound_by = e.bound_by;
	}
	if (cookie_key_random(&s.key, err, errlen) < 0 || s.be->open(&s) < 0)
		goto out_close;
	/* discovery opens its link-layer handle itself: before any drop */
	if (c->mode == SWEEP_RAW && (c->arp || c->ping) && sweep_discover(&s) < 0)
		goto out_close;
	if (c->after_open && c->after_open(c->ao_arg, err, errlen) != 0)
		goto out_close;
	l.next_progress = rl_now() + PROGRESS_NS;
	l.next_ck = rl_now() + (uint64_t)c->checkpoint_ms * 1000000ULL;
	if (loop(&s, &l) < 0)
		goto out_close;
	cooldown(&s, &l);
	finish_stats(&s);
	if (c->all_states && c->mode != SWEEP_DRYRUN && !st->interrupted)
		mark_silent(&s);
	nholes = 0;
	if (st->interrupted)
		nholes = pending_holes(&s, &l, &st->cursor);
	else
		st->cursor = l.end;
	st->holes = nholes;
	progress(&s, &l, rl_now(), 1);
	rc = 0;
out_close:
	s.be->close(&s);
	if (rc == 0 && c->checkpoint)
		c->checkpoint(c->ck_arg, st->cursor, s.hbuf, nholes, 1);
out_free:
	teardown(&s);
	return rc;
}

int
sweep_have_raw(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}
