/*
 * exits.c - bounded tables of exits, peers, hosts, names and ARP entries
 * (see exits.h), and their rendering into the results document.
 *
 * All tables share one small open-addressing map (struct amap): a key is
 * an address plus a 32-bit tag, the value is the number of a dense entry
 * in the owning table.  Capacity is fixed at creation; the index starts
 * small and doubles whenever it is half full (up to twice the capacity),
 * so probes stay short, memory follows use, and a full table simply
 * refuses new keys.
 *
 * An exit is keyed by the next-hop MAC (stored in the address field, tag
 * 1); a flow export record without MACs but with a next-hop address gives
 * an exit keyed by that address (tag 2); flows seen without either share
 * one exit with no MAC (tag 0).  Distinct hosts and peers per exit are counted through a pair map
 * keyed by (address, exit number * 2 + kind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exits.h"
#include "zmem.h"

#define EXIT_HOSTS_LISTED 64
#define EXIT_ADDRS 4
#define NAME_LEN 128

struct aslot {
	struct addr key;
	uint32_t tag;
	uint32_t idx;		/* entry + 1; 0 = empty */
};

struct amap {
	struct aslot *slots;
	size_t mask, n, cap;
	uint64_t dropped;
};

struct exitp {
	uint8_t mac[6];
	int has_mac, has_gw;
	struct addr gw;		/* next-hop address (flow export) */
	uint64_t bytes_out, bytes_in, pkts;
	uint32_t flows, nhosts, npeers, nlisted;
	int64_t first_us, last_us;
	struct addr hosts[EXIT_HOSTS_LISTED];
};

struct peer {
	struct addr a;
	uint64_t bytes_out, bytes_in, pkts;
	uint32_t flows;
	int exit_no;
	int64_t first_us, last_us;
	const char *remote_access;
};

struct host {
	struct addr a;
	uint8_t mac[6];
	int has_mac;
	const char *zone;
	uint64_t bytes;
};

struct names {
	char n[NAME_SRC_COUNT][NAME_LEN];
};

struct arp {
	struct addr a;
	uint8_t mac[6];
};

struct agg {
	struct amap exit_map, peer_map, host_map, name_map, arp_map, pair_map;
	struct exitp *exits;
	struct peer *peers;
	struct host *hosts;
	struct names *names;
	struct arp *arps;
};

static const char *const name_src_str[NAME_SRC_COUNT] = {
	"dns", "dns_alias", "sni", "http_host",
};

static size_t
cap_at(size_t want, size_t limit)
{
	return want < limit ? want : limit;
}

void
agg_limits_default(struct agg_limits *lim, size_t max_flows)
{
	size_t f = max_flows < 1024 ? 1024 : max_flows;

	lim->max_exits = 256;
	lim->max_peers = cap_at(f, 65536);
	lim->max_hosts = cap_at(f, 65536);
	lim->max_names = cap_at(f, 65536);
	lim->max_arp = cap_at(f, 16384);
	lim->max_pairs = cap_at(4 * f, 262144);
}

#define AMAP_START 1024	/* slots; the index doubles as entries arrive */

static size_t
amap_max_slots(size_t cap)
{
	size_t n = 16;

	while (n < cap * 2)
		n <<= 1;
	return n;
}

static int
amap_init(struct amap *m, size_t cap)
{
	size_t max = amap_max_slots(cap), n = max < AMAP_START ? max : AMAP_START;

	m->slots = zmem_calloc(n, sizeof(*m->slots));
	m->mask = n - 1;
	m->cap = cap;
	return m->slots ? 0 : -1;
}

static uint64_t
amap_hash(const struct addr *k, uint32_t tag)
{
	uint64_t x = (uint64_t)k->v ^ ((uint64_t)(k->v >> 64) * 0x9e3779b97f4a7c15ULL);

	x ^= (uint64_t)tag * 0xc2b2ae3d27d4eb4fULL;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

/*
 * Double the index once it is half full (never past twice the capacity),
 * so its memory follows the entries actually seen: a short capture does
 * not fault in an index sized for the worst case.  0, or -1 when the
 * larger index cannot be had (the old one stays, and still works).
 */
static int
amap_grow(struct amap *m)
{
	size_t n = (m->mask + 1) * 2;
	struct aslot *ns;

	if (n > amap_max_slots(m->cap) || !(ns = zmem_calloc(n, sizeof(*ns))))
		return -1;
	for (size_t i = 0; i <= m->mask; i++) {
		size_t j;

		if (!m->slots[i].idx)
			continue;
		j = amap_hash(&m->slots[i].key, m->slots[i].tag) & (n - 1);
		while (ns[j].idx)
			j = (j + 1) & (n - 1);
		ns[j] = m->slots[i];
	}
	zmem_free(m->slots);
	m->slots = ns;
	m->mask = n - 1;
	return 0;
}

/*
 * Entry number for (k, tag), or with create a new one (*isnew = 1); -1
 * when absent, or when full (then counted as dropped).
 */
static long
amap_get(struct amap *m, const struct addr *k, uint32_t tag, int create,
	 int *isnew)
{
	size_t i = amap_hash(k, tag) & m->mask;

	if (isnew)
		*isnew = 0;
	for (; m->slots[i].idx; i = (i + 1) & m->mask)
		if (m->slots[i].key.v == k->v && m->slots[i].tag == tag)
			return (long)m->slots[i].idx - 1;
	if (!create)
		return -1;
	if (m->n >= m->cap) {
		m->dropped++;
		return -1;
	}
	if ((m->n + 1) * 2 > m->mask + 1) {
		if (amap_grow(m) == 0) {
			for (i = amap_hash(k, tag) & m->mask; m->slots[i].idx;
			     i = (i + 1) & m->mask)
				;
		} else if (m->n + 2 > m->mask) {
			/* no larger index to be had: keep one slot empty */
			m->dropped++;
			return -1;
		}
	}
	m->slots[i].key = *k;
	m->slots[i].tag = tag;
	m->slots[i].idx = (uint32_t)++m->n;
	if (isnew)
		*isnew = 1;
	return (long)m->n - 1;
}

int
agg_new(struct agg **out, const struct agg_limits *lim, char *err,
	size_t errlen)
{
	struct agg *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a)
		goto out_nomem;
	if (amap_init(&a->exit_map, lim->max_exits) ||
	    amap_init(&a->peer_map, lim->max_peers) ||
	    amap_init(&a->host_map, lim->max_hosts) ||
	    amap_init(&a->name_map, lim->max_names) ||
	    amap_init(&a->arp_map, lim->max_arp) ||
	    amap_init(&a->pair_map, lim->max_pairs))
		goto out_free;
	a->exits = calloc(lim->max_exits, sizeof(*a->exits));
	a->peers = calloc(lim->max_peers, sizeof(*a->peers));
	a->hosts = calloc(lim->max_hosts, sizeof(*a->hosts));
	a->names = calloc(lim->max_names, sizeof(*a->names));
	a->arps = calloc(lim->max_arp, sizeof(*a->arps));
	if (!a->exits || !a->peers || !a->hosts || !a->names || !a->arps)
		goto out_free;
	*out = a;
	return 0;

out_free:
	agg_free(a);
out_nomem:
	snprintf(err, errlen, "capture: out of memory for the exit tables");
	return -1;
}

void
agg_free(struct agg *a)
{
	if (!a)
		return;
	zmem_free(a->exit_map.slots);
	zmem_free(a->peer_map.slots);
	zmem_free(a->host_map.slots);
	zmem_free(a->name_map.slots);
	zmem_free(a->arp_map.slots);
	zmem_free(a->pair_map.slots);
	free(a->exits);
	free(a->peers);
	free(a->hosts);
	free(a->names);
	free(a->arps);
	free(a);
}

static struct addr
mac_key(const uint8_t mac[6])
{
	struct addr k = { 0 };

	for (int i = 0; i < 6; i++)
		k.v = (k.v << 8) | mac[i];
	return k;
}

void
agg_arp(struct agg *a, const struct addr *ip, const uint8_t mac[6])
{
	long i = amap_get(&a->arp_map, ip, 0, 1, NULL);

	if (i < 0)
		return;
	a->arps[i].a = *ip;
	memcpy(a->arps[i].mac, mac, 6);
}

void
agg_name(struct agg *a, const struct addr *ip, enum name_src src,
	 const char *name)
{
	long i;

	if (!name[0] || src >= NAME_SRC_COUNT)
		return;
	i = amap_get(&a->name_map, ip, 0, 1, NULL);
	if (i < 0 || a->names[i].n[src][0])
		return;
	snprintf(a->names[i].n[src], NAME_LEN, "%s", name);
}

const char *
agg_best_name(const struct agg *a, const struct addr *ip)
{
	long i = amap_get((struct amap *)&a->name_map, ip, 0, 0, NULL);

	if (i < 0)
		return "";
	for (int s = 0; s < NAME_SRC_COUNT; s++)
		if (a->names[i].n[s][0])
			return a->names[i].n[s];
	return "";
}

static void
span_update(int64_t *first, int64_t *last, const struct flow *f, int isnew)
{
	if (isnew || f->first_us < *first)
		*first = f->first_us;
	if (isnew || f->last_us > *last)
		*last = f->last_us;
}

int
agg_exit(struct agg *a, const uint8_t *mac, const struct addr *gw,
	 const struct flow *f, int in, int ext)
{
	struct addr k = { 0 };
	struct exitp *e;
	int isnew;
	long i;

	if (mac)
		k = mac_key(mac);
	else if (gw)
		k = *gw;
	i = amap_get(&a->exit_map, &k, mac ? 1 : gw ? 2 : 0, 1, &isnew);
	if (i < 0)
		return -1;
	e = &a->exits[i];
	if (isnew && mac) {
		memcpy(e->mac, mac, 6);
		e->has_mac = 1;
	} else if (isnew && gw) {
		e->gw = *gw;
		e->has_gw = 1;
	}
	span_update(&e->first_us, &e->last_us, f, isnew);
	e->flows++;
	e->bytes_out += f->bytes[in];
	e->bytes_in += f->bytes[ext];
	e->pkts += f->pkts[0] + f->pkts[1];
	if (amap_get(&a->pair_map, &f->addr[in], (uint32_t)i * 2, 1, &isnew) >= 0 &&
	    isnew) {
		if (e->nlisted < EXIT_HOSTS_LISTED)
			e->hosts[e->nlisted++] = f->addr[in];
		e->nhosts++;
	}
	if (amap_get(&a->pair_map, &f->addr[ext], (uint32_t)i * 2 + 1, 1,
		     &isnew) >= 0 && isnew)
		e->npeers++;
	return (int)i;
}

void
agg_peer(struct agg *a, const struct flow *f, int ext, int exit_no,
	 const char *remote_access)
{
	struct peer *p;
	int isnew;
	long i = amap_get(&a->peer_map, &f->addr[ext], 0, 1, &isnew);

	if (i < 0)
		return;
	p = &a->peers[i];
	if (isnew) {
		p->a = f->addr[ext];
		p->exit_no = exit_no;
	}
	span_update(&p->first_us, &p->last_us, f, isnew);
	p->flows++;
	p->bytes_in += f->bytes[ext];
	p->bytes_out += f->bytes[!ext];
	p->pkts += f->pkts[0] + f->pkts[1];
	if (remote_access && !p->remote_access)
		p->remote_access = remote_access;
}

void
agg_host(struct agg *a, const struct addr *ip, const uint8_t *mac,
	 const char *zone, uint64_t bytes)
{
	struct host *h;
	int isnew;
	long i = amap_get(&a->host_map, ip, 0, 1, &isnew);

	if (i < 0)
		return;
	h = &a->hosts[i];
	if (isnew) {
		h->a = *ip;
		h->zone = zone;
	}
	if (mac && !h->has_mac) {
		memcpy(h->mac, mac, 6);
		h->has_mac = 1;
	}
	h->bytes += bytes;
}

/* ---- rendering ---------------------------------------------------------- */

static json_t *
js_addr(const struct addr *a)
{
	char buf[ADDR_STRLEN];

	return json_string(addr_fmt(a, buf));
}

static json_t *
js_mac(const uint8_t mac[6])
{
	char buf[18];

	return json_string(mac_fmt(mac, buf));
}

static json_t *
js_time(int64_t us)
{
	char buf[32];

	return json_string(results_time(us / 1000000, buf));
}

static json_t *
names_json(const struct agg *a, const struct addr *ip)
{
	json_t *arr = json_array();
	long i = amap_get((struct amap *)&a->name_map, ip, 0, 0, NULL);

	if (i < 0)
		return arr;
	for (int s = 0; s < NAME_SRC_COUNT; s++) {
		const char *n = a->names[i].n[s];
		int dup = 0;
		if (!n[0])
			continue;
		for (int t = 0; t < s; t++)
			dup |= strcmp(a->names[i].n[t], n) == 0;
		if (!dup)
			json_array_append_new(arr, json_pack("{s:s,s:s}", "name",
							     n, "source",
							     name_src_str[s]));
	}
	return arr;
}

/* Addresses that ARP says own mac. */
static json_t *
exit_addrs(const struct agg *a, const uint8_t mac[6], struct addr *out,
	   size_t *nout)
{
	json_t *arr = json_array();

	*nout = 0;
	for (size_t i = 0; i < a->arp_map.n && *nout < EXIT_ADDRS; i++) {
		if (memcmp(a->arps[i].mac, mac, 6) != 0)
			continue;
		out[(*nout)++] = a->arps[i].a;
		json_array_append_new(arr, js_addr(&a->arps[i].a));
	}
	return arr;
}

static const struct exit_decl *
exit_match(const struct policy *p, const struct exitp *e,
	   const struct addr *addrs, size_t naddrs)
{
	if (!p)
		return NULL;
	for (size_t d = 0; d < p->nexits; d++)
		if (p->exits[d].has_mac && e->has_mac &&
		    memcmp(p->exits[d].mac, e->mac, 6) == 0)
			return &p->exits[d];
	for (size_t d = 0; d < p->nexits; d++)
		for (size_t k = 0; k < naddrs; k++)
			if (p->exits[d].has_addr &&
			    p->exits[d].gateway.v == addrs[k].v)
				return &p->exits[d];
	return NULL;
}

/* A seen exit; *matched is set to the declaration it matches, if any. */
static json_t *
exit_json(const struct agg *a, const struct exitp *e, const struct policy *p,
	  const struct exit_decl **matched)
{
	struct addr addrs[EXIT_ADDRS];
	const struct exit_decl *d;
	size_t naddrs = 0;
	json_t *o, *hosts = json_array(), *ad;

	ad = e->has_mac ? exit_addrs(a, e->mac, addrs, &naddrs) : json_array();
	if (e->has_gw) {
		addrs[naddrs++] = e->gw;
		json_array_append_new(ad, js_addr(&e->gw));
	}
	d = exit_match(p, e, addrs, naddrs);
	*matched = d;
	for (uint32_t i = 0; i < e->nlisted; i++)
		json_array_append_new(hosts, js_addr(&e->hosts[i]));
	o = json_object();
	json_object_set_new(o, "mac", e->has_mac ? js_mac(e->mac) : json_null());
	json_object_set_new(o, "addrs", ad);
	json_object_set_new(o, "declared", d ? json_string(d->name) : json_null());
	json_object_set_new(o, "seen", json_true());
	if (d && d->purpose[0])
		json_object_set_new(o, "purpose", json_string(d->purpose));
	json_object_set_new(o, "hosts", hosts);
	json_object_set_new(o, "hosts_count", json_integer(e->nhosts));
	json_object_set_new(o, "peers_count", json_integer(e->npeers));
	json_object_set_new(o, "flows", json_integer(e->flows));
	json_object_set_new(o, "packets", json_integer((json_int_t)e->pkts));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)e->bytes_out));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)e->bytes_in));
	json_object_set_new(o, "first_seen", js_time(e->first_us));
	json_object_set_new(o, "last_seen", js_time(e->last_us));
	return o;
}

/*
 * A declared exit that carried none of the captured traffic: listed with
 * "seen": false and zero counts, so the report and the diagram show the
 * policy's exits that this capture could not confirm (an unused link, or
 * a capture point that does not see it).
 */
static json_t *
exit_unseen_json(const struct exit_decl *d)
{
	json_t *o = json_object(), *ad = json_array();

	if (d->has_addr)
		json_array_append_new(ad, js_addr(&d->gateway));
	json_object_set_new(o, "mac", d->has_mac ? js_mac(d->mac) : json_null());
	json_object_set_new(o, "addrs", ad);
	json_object_set_new(o, "declared", json_string(d->name));
	json_object_set_new(o, "seen", json_false());
	if (d->purpose[0])
		json_object_set_new(o, "purpose", json_string(d->purpose));
	json_object_set_new(o, "hosts", json_array());
	json_object_set_new(o, "hosts_count", json_integer(0));
	json_object_set_new(o, "peers_count", json_integer(0));
	json_object_set_new(o, "flows", json_integer(0));
	json_object_set_new(o, "packets", json_integer(0));
	json_object_set_new(o, "bytes_out", json_integer(0));
	json_object_set_new(o, "bytes_in", json_integer(0));
	json_object_set_new(o, "first_seen", json_null());
	json_object_set_new(o, "last_seen", json_null());
	return o;
}

static json_t *
peer_json(const struct agg *a, const struct peer *p, struct geo_db *g)
{
	struct geo geo = { 0 };
	json_t *o = json_object();

	json_object_set_new(o, "addr", js_addr(&p->a));
	if (g && geo_lookup(g, &p->a, &geo) == 0 && geo.found) {
		json_object_set_new(o, "country", geo.country[0] ?
				    json_string(geo.country) : json_null());
		if (geo.asn)
			json_object_set_new(o, "asn", json_integer(geo.asn));
		if (geo.as_org[0])
			json_object_set_new(o, "as_org", json_string(geo.as_org));
	} else {
		json_object_set_new(o, "country", json_null());
	}
	json_object_set_new(o, "names", names_json(a, &p->a));
	if (p->exit_no >= 0 && a->exits[p->exit_no].has_mac)
		json_object_set_new(o, "exit", js_mac(a->exits[p->exit_no].mac));
	else if (p->exit_no >= 0 && a->exits[p->exit_no].has_gw)
		json_object_set_new(o, "exit", js_addr(&a->exits[p->exit_no].gw));
	if (p->remote_access)
		json_object_set_new(o, "remote_access",
				    json_string(p->remote_access));
	json_object_set_new(o, "flows", json_integer(p->flows));
	json_object_set_new(o, "packets", json_integer((json_int_t)p->pkts));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)p->bytes_out));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)p->bytes_in));
	json_object_set_new(o, "first_seen", js_time(p->first_us));
	json_object_set_new(o, "last_seen", js_time(p->last_us));
	return o;
}

static const uint8_t *
host_mac(const struct agg *a, const struct host *h)
{
	long i = amap_get((struct amap *)&a->arp_map, &h->a, 0, 0, NULL);

	if (i >= 0)
		return a->arps[i].mac;
	return h->has_mac ? h->mac : NULL;
}

static void
hosts_write(const struct agg *a, struct results *r)
{
	for (size_t i = 0; i < a->host_map.n; i++) {
		const struct host *h = &a->hosts[i];
		const uint8_t *mac = host_mac(a, h);
		json_t *o = results_host(r, &h->a, 1);

		if (!o)
			continue;
		if (mac && !json_is_string(json_object_get(o, "mac")))
			json_object_set_new(o, "mac", js_mac(mac));
		if (h->zone && !json_is_string(json_object_get(o, "zone")))
			json_object_set_new(o, "zone", json_string(h->zone));
		/* internal hosts are named from the DNS answers (and SNI/Host)
		 * seen in the capture: the array is made when absent */
		const char *n = agg_best_name(a, &h->a);
		json_t *hn = json_object_get(o, "hostnames");
		if (n[0] && !hn) {
			hn = json_array();
			json_object_set_new(o, "hostnames", hn);
		}
		if (n[0] && json_is_array(hn) && json_array_size(hn) == 0)
			json_array_append_new(hn, json_string(n));
	}
}

static int
peer_cmp(const void *x, const void *y)
{
	const struct peer *const *a = x, *const *b = y;

	return addr_cmp(&(*a)->a, &(*b)->a);
}

int
agg_write(struct agg *a, struct results *r, const struct policy *p,
	  struct geo_db *g, char *err, size_t errlen)
{
	const struct peer **order;
	unsigned char *used = calloc(p && p->nexits ? p->nexits : 1, 1);

	if (!used) {
		snprintf(err, errlen, "capture: out of memory writing exits");
		return -1;
	}
	for (size_t i = 0; i < a->exit_map.n; i++) {
		const struct exit_decl *d;

		results_append(r, "exits", exit_json(a, &a->exits[i], p, &d));
		if (d)
			used[d - p->exits] = 1;
	}
	for (size_t i = 0; p && i < p->nexits; i++)
		if (!used[i])
			results_append(r, "exits", exit_unseen_json(&p->exits[i]));
	free(used);
	/* Peers in address order, so documents of one capture compare. */
	order = calloc(a->peer_map.n + 1, sizeof(*order));
	if (!order) {
		snprintf(err, errlen, "capture: out of memory writing peers");
		return -1;
	}
	for (size_t i = 0; i < a->peer_map.n; i++)
		order[i] = &a->peers[i];
	qsort(order, a->peer_map.n, sizeof(*order), peer_cmp);
	for (size_t i = 0; i < a->peer_map.n; i++)
		results_append(r, "peers", peer_json(a, order[i], g));
	free(order);
	hosts_write(a, r);
	results_count(r, "exits_dropped", (json_int_t)a->exit_map.dropped);
	results_count(r, "peers_dropped", (json_int_t)a->peer_map.dropped);
	results_count(r, "hosts_dropped", (json_int_t)a->host_map.dropped);
	results_count(r, "names_dropped", (json_int_t)a->name_map.dropped);
	results_count(r, "arp_dropped", (json_int_t)a->arp_map.dropped);
	results_count(r, "pairs_dropped", (json_int_t)a->pair_map.dropped);
	return 0;
}
