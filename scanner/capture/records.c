/*
 * records.c - which exported flows are kept, and how flows and counters
 * are written into the results document.
 *
 * Kept records live in two bounded min-heaps ordered by total bytes
 * (struct recs): offering a record to a full heap replaces the smallest
 * when the new one is larger, so each heap ends up holding the largest
 * `cap` flows of its kind in O(log cap) per export and fixed memory.  At
 * the end both heaps are written largest first (ties broken by the
 * 5-tuple so output is stable).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/log.h"
#include "capture_priv.h"

static uint64_t
rec_bytes(const struct flow_rec *r)
{
	return r->f.bytes[0] + r->f.bytes[1];
}

int
recs_init(struct recs *rs, size_t cap, char *err, size_t errlen)
{
	rs->n = 0;
	rs->cap = cap;
	rs->dropped = 0;
	rs->v = calloc(cap ? cap : 1, sizeof(*rs->v));
	if (!rs->v) {
		snprintf(err, errlen, "capture: out of memory for %zu flow records",
			 cap);
		return -1;
	}
	return 0;
}

static void
heap_swap(struct flow_rec *a, struct flow_rec *b)
{
	struct flow_rec t = *a;

	*a = *b;
	*b = t;
}

static void
heap_down(struct recs *rs, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < rs->n && rec_bytes(&rs->v[l]) < rec_bytes(&rs->v[m]))
			m = l;
		if (r < rs->n && rec_bytes(&rs->v[r]) < rec_bytes(&rs->v[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(&rs->v[i], &rs->v[m]);
		i = m;
	}
}

void
recs_offer(struct recs *rs, const struct flow_rec *r)
{
	size_t i;

	if (rs->cap == 0) {
		rs->dropped++;
		return;
	}
	if (rs->n == rs->cap) {
		rs->dropped++;
		if (rec_bytes(r) <= rec_bytes(&rs->v[0]))
			return;
		rs->v[0] = *r;
		heap_down(rs, 0);
		return;
	}
	i = rs->n++;
	rs->v[i] = *r;
	while (i > 0 && rec_bytes(&rs->v[(i - 1) / 2]) > rec_bytes(&rs->v[i])) {
		heap_swap(&rs->v[(i - 1) / 2], &rs->v[i]);
		i = (i - 1) / 2;
	}
}

static int
rec_cmp(const void *x, const void *y)
{
	const struct flow_rec *a = x, *b = y;
	uint64_t ba = rec_bytes(a), bb = rec_bytes(b);
	int d;

	if (ba != bb)
		return ba > bb ? -1 : 1;
	for (int s = 0; s < 2; s++) {
		if ((d = addr_cmp(&a->f.addr[s], &b->f.addr[s])) != 0)
			return d;
		if (a->f.port[s] != b->f.port[s])
			return a->f.port[s] < b->f.port[s] ? -1 : 1;
	}
	if (a->f.proto != b->f.proto)
		return a->f.proto < b->f.proto ? -1 : 1;
	if (a->f.first_us != b->f.first_us)
		return a->f.first_us < b->f.first_us ? -1 : 1;
	return 0;
}

static json_t *
proto_json(uint8_t p)
{
	switch (p) {
	case DECODE_TCP:
		return json_string("tcp");
	case DECODE_UDP:
		return json_string("udp");
	case DECODE_ICMP:
		return json_string("icmp");
	case DECODE_ICMP6:
		return json_string("icmp6");
	case DECODE_ESP:
		return json_string("esp");
	}
	return json_integer(p);
}

static const char *const dir_names[] = { "internal", "outbound", "inbound",
					 "external" };
static const char *const why_names[] = { "idle", "active", "evicted", "end" };
static const char *const app_names[] = { NULL, "dns", "tls", "http",
					 "wireguard" };

static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static void
flow_json_sides(json_t *o, const struct flow_rec *r)
{
	static const char *const k_addr[2] = { "src", "dst" };
	static const char *const k_port[2] = { "sport", "dport" };
	static const char *const k_mac[2] = { "src_mac", "dst_mac" };
	static const char *const k_zone[2] = { "src_zone", "dst_zone" };
	char buf[ADDR_STRLEN], mbuf[18];

	for (int s = 0; s < 2; s++) {
		json_object_set_new(o, k_addr[s],
				    json_string(addr_fmt(&r->f.addr[s], buf)));
		if (r->f.proto == DECODE_TCP || r->f.proto == DECODE_UDP)
			json_object_set_new(o, k_port[s],
					    json_integer(r->f.port[s]));
		if (r->f.flags & (s ? FLOW_L2_1 : FLOW_L2_0))
			json_object_set_new(o, k_mac[s], json_string(mac_fmt(
							 r->f.mac[s], mbuf)));
		json_object_set_new(o, k_zone[s], json_string(r->zone[s]));
	}
}

static json_t *
flow_json(struct capture *c, const struct flow_rec *r)
{
	json_t *o = json_object();
	char tbuf[32];
	int ext = r->dir == DIR_INBOUND ? 0 : 1;
	const char *name = agg_best_name(c->agg, &r->f.addr[ext]);
	struct geo g;

	json_object_set_new(o, "proto", proto_json(r->f.proto));
	flow_json_sides(o, r);
	if (r->f.vlan)
		json_object_set_new(o, "vlan", json_integer(r->f.vlan));
	json_object_set_new(o, "direction", json_string(dir_names[r->dir]));
	set_str(o, "state", flow_tcp_state(&r->f));
	if (flow_is_attempt(&r->f))
		json_object_set_new(o, "attempt", json_true());
	set_str(o, "app", app_names[r->f.app]);
	if (r->remote_access)
		json_object_set_new(o, "remote_access",
				    json_string(r->remote_access));
	if (r->dir == DIR_INBOUND && c->o.geo &&
	    geo_lookup(c->o.geo, &r->f.addr[0], &g) == 0 && g.country[0])
		json_object_set_new(o, "src_country", json_string(g.country));
	if (name[0])
		json_object_set_new(o, "peer_name", json_string(name));
	json_object_set_new(o, "packets_out", json_integer(r->f.pkts[0]));
	json_object_set_new(o, "packets_in", json_integer(r->f.pkts[1]));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)r->f.bytes[0]));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)r->f.bytes[1]));
	json_object_set_new(o, "first_seen",
			    json_string(results_time(r->f.first_us / 1000000, tbuf)));
	json_object_set_new(o, "last_seen",
			    json_string(results_time(r->f.last_us / 1000000, tbuf)));
	json_object_set_new(o, "end", json_string(why_names[r->why]));
	if (r->f.flags & FLOW_FRAG)
		json_object_set_new(o, "fragments", json_true());
	return o;
}

int
recs_write(struct capture *c, struct results *r, char *err, size_t errlen)
{
	size_t n = c->notable.n + c->ordinary.n;
	struct flow_rec *all = calloc(n ? n : 1, sizeof(*all));

	if (!all) {
		snprintf(err, errlen, "capture: out of memory writing flows");
		return -1;
	}
	memcpy(all, c->notable.v, c->notable.n * sizeof(*all));
	memcpy(all + c->notable.n, c->ordinary.v, c->ordinary.n * sizeof(*all));
	qsort(all, n, sizeof(*all), rec_cmp);
	for (size_t i = 0; i < n; i++)
		results_append(r, "flows", flow_json(c, &all[i]));
	free(all);
	results_count(r, "flows_written", (json_int_t)n);
	results_count(r, "flows_not_written",
		      (json_int_t)(c->notable.dropped + c->ordinary.dropped));
	return 0;
}

void
capture_warn(struct capture *c, const char *fmt, ...)
{
	va_list ap;
	char msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("capture", "%s", msg);
	if (c->nwarnings < sizeof(c->warnings) / sizeof(c->warnings[0]))
		memcpy(c->warnings[c->nwarnings++], msg, sizeof(msg));
}

void
stats_write(struct capture *c, struct results *r)
{
	const struct capture_stats *s = &c->st;
	const struct {
		const char *name;
		uint64_t v;
	} cnt[] = {
		{ "packets", s->packets }, { "bytes", s->bytes },
		{ "ip_packets", s->ip }, { "arp_packets", s->arp },
		{ "non_ip", s->non_ip }, { "truncated", s->truncated },
		{ "invalid", s->invalid }, { "unsupported_link", s->unsupported_link },
		{ "fragments", s->fragments }, { "flows", flow_created(c->ft) },
		{ "flow_records", s->flow_records },
		{ "attempts", s->attempts },
		{ "duplicates", s->duplicates },
		{ "flows_evicted", flow_evictions(c->ft) },
		{ "dns_answers", s->dns_answers }, { "tls_sni", s->tls_sni },
		{ "http_host", s->http_host }, { "app_malformed", s->app_malformed },
		{ "files", s->files }, { "files_damaged", s->files_damaged },
		{ "files_unreadable", s->files_unreadable },
		{ "pcap_received", s->pcap_recv }, { "pcap_dropped", s->pcap_drop },
		{ "pcap_if_dropped", s->pcap_ifdrop },
	};
	json_t *w;

	for (size_t i = 0; i < sizeof(cnt) / sizeof(cnt[0]); i++)
		results_count(r, cnt[i].name, (json_int_t)cnt[i].v);
	if (c->nwarnings) {
		w = json_array();
		for (unsigned i = 0; i < c->nwarnings; i++)
			json_array_append_new(w, json_string(c->warnings[i]));
		json_object_set_new(results_run(r), "warnings", w);
	}
}
