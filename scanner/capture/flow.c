/*
 * flow.c - fixed-size bidirectional flow table (see flow.h).
 *
 * Layout: `flows` is an array of max_flows records; records freed by
 * expiry or eviction are kept on a stack of indexes and reused first,
 * then never-used records are handed out in order (nfresh), so nothing
 * is touched up front.  `slots` is the open-addressing
 * index: each slot holds (flow number + 1, 32-bit hash), 0 meaning empty.
 * Lookup probes linearly from hash & mask and compares the stored hash
 * before touching the flow record, so a miss rarely costs a second cache
 * line.  Removal uses backward-shift deletion (no tombstones), which keeps
 * probe sequences short under churn.
 *
 * The hash does not depend on direction: both endpoints are hashed and
 * combined with a commutative step, then finalised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "zmem.h"

#define EVICT_SAMPLES 8
#define INDEX_START 4096

struct slot {
	uint32_t idx;		/* flow number + 1; 0 = empty */
	uint32_t hash;
};

struct flow_table {
	struct flow *flows;
	uint32_t *freelist;
	size_t nfree;
	size_t nfresh;		/* records never handed out: nfresh..max-1 */
	struct slot *slots;
	size_t mask;
	size_t max_slots;	/* the index never grows past this */
	size_t max;
	size_t count;
	struct flow_limits lim;
	flow_export_fn fn;
	void *ctx;
	int64_t now_us;
	int64_t next_sweep_us;
	int64_t sweep_every_us;
	uint64_t evictions;
	uint64_t created;
	uint64_t rng;
};

static size_t
index_slots(size_t max_flows)
{
	size_t n = 16;

	while (n < max_flows + max_flows / 2)
		n <<= 1;
	return n;
}

size_t
flow_table_bytes(size_t max_flows)
{
	return max_flows * (sizeof(struct flow) + sizeof(uint32_t)) +
	       index_slots(max_flows) * sizeof(struct slot);
}

int
flow_table_new(struct flow_table **out, const struct flow_limits *lim,
	       flow_export_fn fn, void *ctx, char *err, size_t errlen)
{
	struct flow_table *ft;
	size_t nslots;

	*out = NULL;
	if (lim->max_flows == 0 || lim->max_flows > UINT32_MAX / 4) {
		snprintf(err, errlen, "flow table: max flows %zu out of range",
			 lim->max_flows);
		return -1;
	}
	ft = calloc(1, sizeof(*ft));
	if (!ft)
		goto out_nomem;
	ft->max_slots = index_slots(lim->max_flows);
	nslots = ft->max_slots < INDEX_START ? ft->max_slots : INDEX_START;
	/* Zero-filled mappings: pages are touched only as flows are used. */
	ft->flows = zmem_calloc(lim->max_flows, sizeof(*ft->flows));
	ft->freelist = zmem_calloc(lim->max_flows, sizeof(*ft->freelist));
	ft->slots = zmem_calloc(nslots, sizeof(*ft->slots));
	if (!ft->flows || !ft->freelist || !ft->slots)
		goto out_free;
	/* Hand out low indexes first so memory use follows the flow count:
	 * freed records are reused first, then never-used ones in order. */
	ft->nfree = 0;
	ft->nfresh = 0;
	ft->mask = nslots - 1;
	ft->max = lim->max_flows;
	ft->lim = *lim;
	ft->fn = fn;
	ft->ctx = ctx;
	ft->sweep_every_us = lim->idle_us / 4;
	if (ft->sweep_every_us < 1000000)
		ft->sweep_every_us = 1000000;
	ft->next_sweep_us = INT64_MIN;
	ft->rng = 0x9e3779b97f4a7c15ULL;
	*out = ft;
	return 0;

out_free:
	flow_table_free(ft);
out_nomem:
	snprintf(err, errlen, "flow table: cannot allocate %zu flows",
		 lim->max_flows);
	return -1;
}

void
flow_table_free(struct flow_table *ft)
{
	if (!ft)
		return;
	zmem_free(ft->flows);
	zmem_free(ft->freelist);
	zmem_free(ft->slots);
	free(ft);
}

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* One endpoint in one multiply: a v4-mapped address leaves the top 16
 * bits of its low word zero, where the port goes; an IPv6 address's high
 * word is folded in with a second multiply. */
static inline uint64_t
endpoint_hash(const struct addr *a, uint16_t port)
{
	uint64_t lo = (uint64_t)a->v, hi = (uint64_t)(a->v >> 64);

	return (lo ^ ((uint64_t)port << 48) ^ (hi * 0x9e3779b97f4a7c15ULL)) *
	       0xff51afd7ed558ccdULL;
}

/* Direction-free: the two endpoints are combined by addition, then the
 * sum goes through one full finaliser. */
static inline uint32_t
flow_hash(const struct pkt_meta *m, uint16_t sp, uint16_t dp, uint16_t vlan)
{
	uint64_t h = endpoint_hash(&m->src, sp) + endpoint_hash(&m->dst, dp);

	h ^= ((uint64_t)m->proto << 16) | vlan;
	return (uint32_t)(mix64(h) >> 32);
}

/* 0: same direction as the flow's side 0; 1: reverse; -1: not this flow. */
static inline int
flow_match(const struct flow *f, const struct pkt_meta *m, uint16_t sp,
	   uint16_t dp, uint16_t vlan)
{
	if (f->proto != m->proto || f->vlan != vlan)
		return -1;
	if (f->port[0] == sp && f->port[1] == dp && f->addr[0].v == m->src.v &&
	    f->addr[1].v == m->dst.v)
		return 0;
	if (f->port[0] == dp && f->port[1] == sp && f->addr[0].v == m->dst.v &&
	    f->addr[1].v == m->src.v)
		return 1;
	return -1;
}

static void
slot_delete(struct flow_table *ft, size_t i)
{
	size_t j = i;

	/* Backward-shift: pull later members of the cluster into the hole
	 * when their home slot allows it. */
	for (;;) {
		j = (j + 1) & ft->mask;
		if (ft->slots[j].idx == 0)
			break;
		size_t home = ft->slots[j].hash & ft->mask;
		/* Move j to i when home is not cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			ft->slots[i] = ft->slots[j];
			i = j;
		}
	}
	ft->slots[i].idx = 0;
	ft->slots[i].hash = 0;
}

static size_t
slot_find(const struct flow_table *ft, const struct flow *f)
{
	size_t i = f->hash & ft->mask;
	uint32_t want = (uint32_t)(f - ft->flows) + 1;

	while (ft->slots[i].idx != want)
		i = (i + 1) & ft->mask;
	return i;
}

static void
flow_remove(struct flow_table *ft, struct flow *f, enum flow_reason why)
{
	ft->fn(ft->ctx, f, why);
	slot_delete(ft, slot_find(ft, f));
	ft->freelist[ft->nfree++] = (uint32_t)(f - ft->flows);
	ft->count--;
}

static void
flow_evict_one(struct flow_table *ft)
{
	struct flow *victim = NULL;

	for (int s = 0; s < EVICT_SAMPLES; s++) {
		ft->rng = ft->rng * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t i = (size_t)(ft->rng >> 33) & ft->mask;
		/* Walk to the next occupied slot (the table is full, so one
		 * is near). */
		while (ft->slots[i].idx == 0)
			i = (i + 1) & ft->mask;
		struct flow *f = &ft->flows[ft->slots[i].idx - 1];
		if (!victim || f->last_us < victim->last_us)
			victim = f;
	}
	ft->evictions++;
	flow_remove(ft, victim, FLOW_EVICTED);
}

static void
flow_swap_sides(struct flow *f)
{
	struct addr a = f->addr[0];
	uint64_t b = f->bytes[0];
	uint32_t p = f->pkts[0];
	uint16_t port = f->port[0];
	uint8_t t = f->tcpf[0], mac[6];
	uint8_t l2 = f->flags & (FLOW_L2_0 | FLOW_L2_1), nh = f->nh[0];

	f->addr[0] = f->addr[1], f->addr[1] = a;
	f->bytes[0] = f->bytes[1], f->bytes[1] = b;
	f->pkts[0] = f->pkts[1], f->pkts[1] = p;
	f->port[0] = f->port[1], f->port[1] = port;
	f->tcpf[0] = f->tcpf[1], f->tcpf[1] = t;
	f->nh[0] = f->nh[1], f->nh[1] = nh;
	memcpy(mac, f->mac[0], 6);
	memcpy(f->mac[0], f->mac[1], 6);
	memcpy(f->mac[1], mac, 6);
	f->flags &= (uint8_t)~(FLOW_L2_0 | FLOW_L2_1);
	if (l2 & FLOW_L2_0)
		f->flags |= FLOW_L2_1;
	if (l2 & FLOW_L2_1)
		f->flags |= FLOW_L2_0;
}

/* Double the index; 0 on success, -1 when it cannot grow. */
static int
flow_grow(struct flow_table *ft)
{
	size_t n = (ft->mask + 1) * 2;
	struct slot *ns;

	if (n > ft->max_slots)
		return -1;
	ns = zmem_calloc(n, sizeof(*ns));
	if (!ns)
		return -1;
	for (size_t i = 0; i <= ft->mask; i++) {
		size_t j;

		if (ft->slots[i].idx == 0)
			continue;
		for (j = ft->slots[i].hash & (n - 1); ns[j].idx; j = (j + 1) & (n - 1))
			;
		ns[j] = ft->slots[i];
	}
	zmem_free(ft->slots);
	ft->slots = ns;
	ft->mask = n - 1;
	return 0;
}

static struct flow *
flow_create(struct flow_table *ft, const struct pkt_meta *m, uint16_t sp,
	    uint16_t dp, uint16_t vlan, uint32_t h, int64_t ts_us, int *dir)
{
	struct flow *f;
	size_t i;

	if ((ft->count + 1) * 2 > ft->mask + 1 && flow_grow(ft) < 0 &&
	    (ft->count + 1) * 4 > (ft->mask + 1) * 3)
		flow_evict_one(ft);	/* index cannot grow: keep it <= 3/4 */
	else if (ft->count >= ft->max)
		flow_evict_one(ft);
	if (ft->nfree)
		f = &ft->flows[ft->freelist[--ft->nfree]];
	else
		f = &ft->flows[ft->nfresh++];
	memset(f, 0, sizeof(*f));
	f->addr[0] = m->src;
	f->addr[1] = m->dst;
	f->port[0] = sp;
	f->port[1] = dp;
	f->proto = m->proto;
	f->vlan = vlan;
	f->hash = h;
	f->first_us = ts_us;
	*dir = 0;
	if (m->proto == DECODE_TCP && (m->tcp_flags & TCPF_SYN)) {
		f->flags |= FLOW_INIT_SURE;
		if (m->tcp_flags & TCPF_ACK) {	/* SYN-ACK: sender responds */
			flow_swap_sides(f);
			*dir = 1;
		}
	}
	for (i = h & ft->mask; ft->slots[i].idx != 0; i = (i + 1) & ft->mask)
		;
	ft->slots[i].idx = (uint32_t)(f - ft->flows) + 1;
	ft->slots[i].hash = h;
	ft->count++;
	ft->created++;
	return f;
}

static void
flow_account(struct flow *f, const struct pkt_meta *m, uint32_t wirelen,
	     int64_t ts_us, int dir)
{
	f->pkts[dir]++;
	f->bytes[dir] += wirelen;
	if (ts_us > f->last_us)
		f->last_us = ts_us;
	f->tcpf[dir] |= m->tcp_flags;
	if (m->flags & PKT_FRAG)
		f->flags |= FLOW_FRAG;
	/* The sender's link address is the src MAC; the receiver's is the
	 * dst MAC.  SLL gives only the source. */
	if (m->flags & PKT_L2) {
		memcpy(f->mac[dir], m->src_mac, 6);
		memcpy(f->mac[!dir], m->dst_mac, 6);
		f->flags |= FLOW_L2_0 | FLOW_L2_1;
	} else if (m->flags & PKT_SRC_MAC) {
		memcpy(f->mac[dir], m->src_mac, 6);
		f->flags |= dir ? FLOW_L2_1 : FLOW_L2_0;
	}
}

/* Advance the table's clock to ts_us, running the expiry sweep when due. */
static void
flow_clock(struct flow_table *ft, int64_t ts_us)
{
	if (ts_us > ft->now_us)
		ft->now_us = ts_us;
	if (ft->now_us >= ft->next_sweep_us) {
		if (ft->next_sweep_us != INT64_MIN)
			flow_expire(ft, ft->now_us);
		ft->next_sweep_us = ft->now_us + ft->sweep_every_us;
	}
}

/* The flow of (m, sp, dp, vlan) with hash h, or NULL; *d as flow_match. */
static struct flow *
flow_lookup(struct flow_table *ft, const struct pkt_meta *m, uint16_t sp,
	    uint16_t dp, uint16_t vlan, uint32_t h, int *d)
{
	for (size_t i = h & ft->mask; ft->slots[i].idx; i = (i + 1) & ft->mask) {
		struct flow *f;

		if (ft->slots[i].hash != h)
			continue;
		f = &ft->flows[ft->slots[i].idx - 1];
		*d = flow_match(f, m, sp, dp, vlan);
		if (*d >= 0)
			return f;
	}
	*d = 0;
	return NULL;
}

struct flow *
flow_update(struct flow_table *ft, const struct pkt_meta *m, uint32_t wirelen,
	    int64_t ts_us, int *dir)
{
	uint16_t sp = 0, dp = 0, vlan = m->nvlan ? m->vlan[0] : 0;
	uint32_t h;
	struct flow *f;
	int d = 0;

	flow_clock(ft, ts_us);
	if (m->flags & PKT_PORTS) {
		sp = m->sport;
		dp = m->dport;
	}
	h = flow_hash(m, sp, dp, vlan);
	f = flow_lookup(ft, m, sp, dp, vlan, h, &d);
	if (!f) {
		f = flow_create(ft, m, sp, dp, vlan, h, ts_us, &d);
	} else if (d == 1 && !(f->flags & FLOW_INIT_SURE) &&
		   m->proto == DECODE_TCP &&
		   (m->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN) {
		/* Mid-stream start, then a fresh SYN from the other side. */
		flow_swap_sides(f);
		f->flags |= FLOW_INIT_SURE;
		d = 0;
	}
	flow_account(f, m, wirelen, ts_us, d);
	*dir = d;
	return f;
}

/* ---- records of a flow exporter (NetFlow v9 / IPFIX via nfdump) ---------- */

/* 1 when port p looks like the service end (the lower, or a well-known one). */
static int
service_port(uint16_t p, uint16_t other)
{
	if ((p < 1024) != (other < 1024))
		return p < 1024;
	return p < other;
}

/*
 * 1 when the record r (going from flow side `from`) should make its
 * sender the initiator of f although f was created the other way round.
 * Exporters OR the TCP flags of a direction, so SYN alone tells nothing
 * (both directions of a handshake carry it): a side that sent SYN while
 * the other did not is the initiator; otherwise the earlier start is, and
 * on a tie (millisecond timestamps) the side whose peer port looks like
 * the service.
 */
static int
record_initiates(const struct flow *f, const struct flow_urec *r)
{
	int r_syn = r->tcp_flags & TCPF_SYN, f_syn = f->tcpf[0] & TCPF_SYN;

	if (f->proto == DECODE_TCP && r_syn != f_syn)
		return r_syn != 0;
	if (r->first_us != f->first_us)
		return r->first_us < f->first_us;
	return service_port(r->dport, r->sport) && !service_port(f->port[1], f->port[0]);
}

static void
record_account(struct flow *f, const struct flow_urec *r, int dir)
{
	uint64_t p = (uint64_t)f->pkts[dir] + r->pkts;

	f->pkts[dir] = p > UINT32_MAX ? UINT32_MAX : (uint32_t)p;
	f->bytes[dir] += r->bytes;
	if (r->first_us < f->first_us)
		f->first_us = r->first_us;
	if (r->last_us > f->last_us)
		f->last_us = r->last_us;
	f->tcpf[dir] |= r->tcp_flags;
	if (r->has_src_mac) {
		memcpy(f->mac[dir], r->src_mac, 6);
		f->flags |= dir ? FLOW_L2_1 : FLOW_L2_0;
	}
	if (r->has_dst_mac) {
		memcpy(f->mac[!dir], r->dst_mac, 6);
		f->flags |= dir ? FLOW_L2_0 : FLOW_L2_1;
	}
	if (r->nh)
		f->nh[!dir] = r->nh;
}

struct flow *
flow_record(struct flow_table *ft, const struct flow_urec *r, int *dir)
{
	struct pkt_meta m;
	uint32_t h;
	struct flow *f;
	int d = 0;

	memset(&m, 0, sizeof(m));
	m.src = r->src;
	m.dst = r->dst;
	m.proto = r->proto;
	flow_clock(ft, r->last_us);
	h = flow_hash(&m, r->sport, r->dport, r->vlan);
	f = flow_lookup(ft, &m, r->sport, r->dport, r->vlan, h, &d);
	if (!f) {
		f = flow_create(ft, &m, r->sport, r->dport, r->vlan, h, r->first_us, &d);
		f->last_us = r->first_us;
		if (r->proto == DECODE_TCP && (r->tcp_flags & TCPF_SYN))
			f->flags |= FLOW_INIT_SURE;
	} else if (d == 1 && record_initiates(f, r)) {
		flow_swap_sides(f);
		d = 0;
	}
	if (r->proto == DECODE_TCP && ((f->tcpf[0] | f->tcpf[1] | r->tcp_flags) & TCPF_SYN))
		f->flags |= FLOW_INIT_SURE;
	record_account(f, r, d);
	*dir = d;
	return f;
}

void
flow_expire(struct flow_table *ft, int64_t now_us)
{
	for (size_t i = 0; i <= ft->mask; i++) {
		if (ft->slots[i].idx == 0)
			continue;
		struct flow *f = &ft->flows[ft->slots[i].idx - 1];
		if (ft->lim.idle_us > 0 && now_us - f->last_us > ft->lim.idle_us) {
			flow_remove(ft, f, FLOW_IDLE);
			/* A later entry may have shifted into slot i. */
			i--;
			continue;
		}
		if (ft->lim.active_us > 0 &&
		    now_us - f->first_us > ft->lim.active_us) {
			ft->fn(ft->ctx, f, FLOW_ACTIVE);
			f->bytes[0] = f->bytes[1] = 0;
			f->pkts[0] = f->pkts[1] = 0;
			f->first_us = now_us;
		}
	}
}

void
flow_flush(struct flow_table *ft)
{
	for (size_t i = 0; i <= ft->mask; i++) {
		if (ft->slots[i].idx == 0)
			continue;
		ft->fn(ft->ctx, &ft->flows[ft->slots[i].idx - 1], FLOW_END);
		ft->slots[i].idx = 0;
		ft->slots[i].hash = 0;
	}
	ft->nfree = 0;
	ft->nfresh = 0;
	ft->count = 0;
}

size_t
flow_count(const struct flow_table *ft)
{
	return ft->count;
}

uint64_t
flow_evictions(const struct flow_table *ft)
{
	return ft->evictions;
}

uint64_t
flow_created(const struct flow_table *ft)
{
	return ft->created;
}

const char *
flow_tcp_state(const struct flow *f)
{
	uint8_t a = f->tcpf[0], b = f->tcpf[1];

	if (f->proto != DECODE_TCP)
		return NULL;
	if ((a | b) & TCPF_RST)
		return (b & TCPF_SYN) || (a & TCPF_ACK && b & TCPF_ACK) ?
			       "reset" : "rejected";
	if ((a & TCPF_FIN) && (b & TCPF_FIN))
		return "closed";
	if (!(a & TCPF_SYN) && !(b & TCPF_SYN))
		return (a | b) & TCPF_FIN ? "closing" : "midstream";
	if ((a | b) & TCPF_FIN)
		return "closing";
	if ((b & TCPF_SYN) && (b & TCPF_ACK) && (a & TCPF_ACK))
		return "established";
	if (b & TCPF_SYN)
		return "syn_received";
	return "syn_sent";
}

int
flow_is_attempt(const struct flow *f)
{
	if (f->proto == DECODE_TCP && (f->flags & FLOW_INIT_SURE) &&
	    (f->tcpf[0] & TCPF_SYN))
		return !(f->tcpf[1] & TCPF_SYN);
	if (f->proto == DECODE_TCP && !(f->flags & FLOW_INIT_SURE))
		return 0;	/* mid-stream: it got through before we looked */
	return f->pkts[1] == 0;
}
