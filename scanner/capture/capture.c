/*
 * capture.c - per-packet pipeline of the passive mode and the flow records
 * it writes (see capture.h; the pcap sources are in source.c).
 *
 *   frame -> decode_packet -> ARP table / flow_update -> dissectors
 *   flow export -> zones, direction, remote access -> exits, peers, hosts
 *               -> kept records (bounded heaps) -> results "flows"
 *
 * Zones come from the policy; without one, private and lab ranges
 * (RFC 1918, 100.64/10, 198.18/15, link-local, fc00::/7) count as the
 * zone "internal" and everything else as external.  Multicast, broadcast,
 * loopback and unspecified addresses are "local": never hosts, never
 * peers, never a boundary crossing.
 *
 * Which flows are written: every flow is folded into the exit, peer and
 * host tables, but the "flows" array holds at most max_notable_records
 * notable flows (remote access, inbound from outside, or crossing between
 * two internal zones) and max_flow_records others, in both cases the
 * largest by bytes; the rest are counted as flows_not_written.
 */
#include <stdlib.h>
#include <string.h>

#include "scanner/core/log.h"
#include "capture.h"
#include "capture_priv.h"
#include "dissect.h"

void
capture_opts_default(struct capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_flows = 1000000;
	o->idle_us = 300LL * 1000000;
	o->active_us = 3600LL * 1000000;
	o->max_flow_records = 1000;
	o->max_notable_records = 10000;
	o->snaplen = 1600;
	o->dedup_us = 100000;
	o->promisc = 1;
}

static void flow_exported(void *ctx, const struct flow *f, enum flow_reason why);

int
capture_new(struct capture **out, const struct capture_opts *o, char *err,
	    size_t errlen)
{
	struct flow_limits lim = { o->max_flows, o->idle_us, o->active_us };
	struct agg_limits alim;
	struct capture *c;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "capture: out of memory");
		return -1;
	}
	c->o = *o;
	agg_limits_default(&alim, o->max_flows);
	if (flow_table_new(&c->ft, &lim, flow_exported, c, err, errlen) < 0 ||
	    agg_new(&c->agg, &alim, err, errlen) < 0 ||
	    recs_init(&c->ordinary, o->max_flow_records, err, errlen) < 0 ||
	    recs_init(&c->notable, o->max_notable_records, err, errlen) < 0 ||
	    (o->dedup_us > 0 &&
	     !(c->dedup = calloc(DEDUP_SLOTS, sizeof(*c->dedup))))) {
		if (!err[0])
			snprintf(err, errlen, "capture: out of memory");
		capture_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
capture_free(struct capture *c)
{
	if (!c)
		return;
	flow_table_free(c->ft);
	agg_free(c->agg);
	free(c->ordinary.v);
	free(c->notable.v);
	free(c->dedup);
	free(c->fx);
	free(c);
}

/* ---- payload dissection -------------------------------------------------- */

static void
dns_seen(void *ctx, const struct addr *a, const char *qname, const char *owner)
{
	struct capture *c = ctx;

	c->st.dns_answers++;
	agg_name(c->agg, a, NAME_DNS, qname);
	if (strcmp(qname, owner) != 0)
		agg_name(c->agg, a, NAME_DNS_ALIAS, owner);
}

static void
dissect_dns_payload(struct capture *c, const struct pkt_meta *m)
{
	const uint8_t *p = m->payload;
	size_t n = m->payload_len;

	if (m->proto == DECODE_TCP) {	/* RFC 1035 4.2.2 length prefix */
		if (n < 2)
			return;
		p += 2;
		n -= 2;
	}
	if (dissect_dns(p, n, dns_seen, c) < 0)
		c->st.app_malformed++;
}

static void
dissect_flow_payload(struct capture *c, struct flow *f, int dir,
		     const struct pkt_meta *m)
{
	char name[DISSECT_NAME_MAX];
	int rc;

	if (++f->tries >= 4)
		f->flags |= FLOW_APP_DONE;
	if (m->proto == DECODE_UDP) {
		if (dissect_wireguard(m->payload, m->payload_len)) {
			f->app = APP_WIREGUARD;
			f->flags |= FLOW_APP_DONE;
		}
		return;
	}
	if (m->proto != DECODE_TCP || dir != 0)
		return;
	rc = dissect_tls_sni(m->payload, m->payload_len, name, sizeof(name));
	if (rc == 0 && m->payload[0] == 22)
		f->app = APP_TLS;	/* a ClientHello without SNI */
	if (rc == 0)
		rc = dissect_http_host(m->payload, m->payload_len, name,
				       sizeof(name)) > 0 ? 2 : 0;
	if (rc < 0) {
		c->st.app_malformed++;
		return;
	}
	if (rc == 1) {
		c->st.tls_sni++;
		f->app = APP_TLS;
		agg_name(c->agg, &f->addr[1], NAME_SNI, name);
	} else if (rc == 2) {
		c->st.http_host++;
		f->app = APP_HTTP;
		agg_name(c->agg, &f->addr[1], NAME_HOST, name);
	} else {
		return;
	}
	f->flags |= FLOW_APP_DONE;
}

/* ---- per packet ------------------------------------------------------------ */

static void
count_status(struct capture *c, enum decode_status st,
	     const struct pkt_meta *m)
{
	if (st == DEC_TRUNCATED)
		c->st.truncated++;
	else if (st == DEC_INVALID)
		c->st.invalid++;
	else if (st == DEC_UNSUPPORTED && !m->ipver)
		c->st.non_ip++;
}

/* Whether the flow table takes this packet (see capture_apply). */
static int
flow_wanted(const struct pkt_meta *m, enum decode_status st)
{
	if (m->flags & PKT_ARP || !m->ipver)
		return 0;
	/* Later fragments carry no ports, a header cut before the ports
	 * would make a bogus port-0 flow, and a lying header is not a flow:
	 * all three are only counted. */
	if ((m->flags & PKT_FRAG_LATER) || st == DEC_INVALID)
		return 0;
	if ((m->proto == DECODE_TCP || m->proto == DECODE_UDP) &&
	    !(m->flags & PKT_PORTS))
		return 0;
	return 1;
}

/* Everything after decoding, for one frame. */
static void
capture_apply(struct capture *c, const struct pkt_meta *m, uint32_t wirelen,
	      int64_t ts_us, int want_flow)
{
	struct flow *f;
	int dir;

	if (m->flags & PKT_ARP) {
		c->st.arp++;
		if (addr_v4(&m->arp_spa) != 0)
			agg_arp(c->agg, &m->arp_spa, m->arp_sha);
		return;
	}
	if (!m->ipver)
		return;
	c->st.ip++;
	if (m->flags & PKT_FRAG)
		c->st.fragments++;
	if (!want_flow)
		return;
	f = flow_update(c->ft, m, wirelen, ts_us, &dir);
	if (m->payload_len == 0)
		return;
	if ((m->flags & PKT_PORTS) && (m->sport == 53 || m->sport == 5353))
		dissect_dns_payload(c, m);
	if (!(f->flags & FLOW_APP_DONE))
		dissect_flow_payload(c, f, dir, m);
}

/*
 * 1 when this IP packet was already seen within dedup_us: the same packet
 * captured on a second span.  The fingerprint covers the IP packet from
 * its header on (at most 128 bytes, and the length the header claims),
 * leaving out what a router changes: IPv4 TTL and checksum, IPv6 hop
 * limit.  Link addresses and VLAN tags are not part of it.
 */
static int
capture_duplicate(struct capture *c, const struct pkt_meta *m, int64_t ts_us)
{
	size_t n = m->l3_len < m->ip_len ? m->l3_len : m->ip_len;
	uint64_t w[8] = { 0 }, h = 0x9e3779b97f4a7c15ULL ^ m->ip_len;
	uint8_t *b = (uint8_t *)w;
	struct dedup_slot *s;

	if (!c->dedup || !m->l3)
		return 0;
	if (n > sizeof(w))
		n = sizeof(w);
	memcpy(b, m->l3, n);
	if (m->ipver == 4) {
		b[8] = 0;		/* TTL */
		b[10] = b[11] = 0;	/* header checksum */
	} else {
		b[7] = 0;		/* hop limit */
	}
	/* word at a time: a multiply-xorshift per 8 bytes */
	for (size_t i = 0; i < (n + 7) / 8; i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	s = &c->dedup[(h ^ (h >> 29)) & (DEDUP_SLOTS - 1)];
	/* live spans are read in turns: the second copy may carry an
	 * earlier time than the first */
	if (s->h == h && (ts_us >= s->ts ? ts_us - s->ts : s->ts - ts_us) <= c->o.dedup_us)
		return 1;
	s->h = h;
	s->ts = ts_us;
	return 0;
}

void
capture_packet(struct capture *c, int dlt, int64_t ts_us, const uint8_t *data,
	       uint32_t caplen, uint32_t wirelen)
{
	struct pkt_meta m;
	enum decode_status st;

	c->st.packets++;
	c->st.bytes += wirelen;
	if (!decode_supported(dlt)) {
		c->st.unsupported_link++;
		return;
	}
	st = decode_packet(dlt, data, caplen, &m);
	if (m.ipver && st != DEC_INVALID && capture_duplicate(c, &m, ts_us)) {
		c->st.duplicates++;
		return;
	}
	count_status(c, st, &m);
	capture_apply(c, &m, wirelen, ts_us, flow_wanted(&m, st));
}

/* ---- zones and classification -------------------------------------------- */

static int
addr_is_local(const struct addr *a)
{
	if (addr_is_v4(a)) {
		uint32_t v = addr_v4(a);
		return v == 0 || v == 0xffffffffu || (v >> 28) == 0xe ||
		       (v >> 24) == 127;
	}
	/* ff00::/8 multicast, ::, ::1 */
	return (uint8_t)(a->v >> 120) == 0xff || a->v == 0 || a->v == 1;
}

static int
addr_is_private(const struct addr *a)
{
	if (addr_is_v4(a)) {
		uint32_t v = addr_v4(a);
		return (v >> 24) == 10 || (v >> 20) == (172u << 4 | 1) ||
		       (v >> 16) == (192u << 8 | 168) ||
		       (v >> 17) == (198u << 7 | 9) ||	/* 198.18/15 */
		       (v >> 22) == (100u << 2 | 1) ||	/* 100.64/10 */
		       (v >> 16) == (169u << 8 | 254);
	}
	return (uint8_t)(a->v >> 121) == (0xfc >> 1) ||
	       (uint16_t)(a->v >> 118) == (0xfe80 >> 6);
}

/* Zone of a: name, and class SIDE_INTERNAL / SIDE_EXTERNAL / SIDE_LOCAL. */
static const char *
side_zone(const struct capture *c, const struct addr *a, int *cls)
{
	const struct zone *z;

	if (addr_is_local(a)) {
		*cls = SIDE_LOCAL;
		return "local";
	}
	if (!c->o.policy) {
		*cls = addr_is_private(a) ? SIDE_INTERNAL : SIDE_EXTERNAL;
		return *cls == SIDE_INTERNAL ? "internal" : "external";
	}
	z = policy_zone_of(c->o.policy, a);
	if (z && z->role != ZONE_EXTERNAL) {
		*cls = SIDE_INTERNAL;
		return z->name;
	}
	*cls = SIDE_EXTERNAL;
	return z ? z->name : "external";
}

static int
port_in(uint16_t p, const uint16_t *list)
{
	for (; *list; list++)
		if (p == *list)
			return 1;
	return 0;
}

static const char *
remote_access_port(uint8_t proto, uint16_t port, uint8_t app)
{
	static const uint16_t sslvpn[] = { 943, 4433, 4443, 8443, 10443, 0 };

	if (port == 3389)
		return "rdp";
	if (proto == DECODE_TCP && port >= 5900 && port <= 5909)
		return "vnc";
	if (proto == DECODE_TCP && port == 22)
		return "ssh";
	if (proto == DECODE_TCP && port == 23)
		return "telnet";
	if (port == 5938)
		return "teamviewer";
	if (port == 7070)
		return "anydesk";
	if (proto == DECODE_UDP && (port == 500 || port == 4500))
		return "ipsec";
	if (port == 1194)
		return "openvpn";
	if (proto == DECODE_UDP && port == 51820)
		return "wireguard";
	if (proto == DECODE_TCP && app == APP_TLS && port_in(port, sslvpn))
		return "sslvpn";
	return NULL;
}

/* Remote-access or VPN protocol of a flow, or NULL. */
const char *
capture_remote_access(const struct flow *f)
{
	const char *ra;

	if (f->proto == DECODE_ESP)
		return "ipsec";
	if (f->app == APP_WIREGUARD)
		return "wireguard";
	if (f->proto != DECODE_TCP && f->proto != DECODE_UDP)
		return NULL;
	ra = remote_access_port(f->proto, f->port[1], f->app);
	/* Without a SYN the initiator is a guess: try the other port. */
	if (!ra && !(f->flags & FLOW_INIT_SURE))
		ra = remote_access_port(f->proto, f->port[0], f->app);
	return ra;
}

/* ---- flow export ------------------------------------------------------------ */

static void
classify(const struct capture *c, const struct flow *f, struct flow_rec *r)
{
	int c0, c1;

	r->zone[0] = side_zone(c, &f->addr[0], &c0);
	r->zone[1] = side_zone(c, &f->addr[1], &c1);
	r->cls[0] = (uint8_t)c0;
	r->cls[1] = (uint8_t)c1;
	if (c0 == SIDE_EXTERNAL && c1 == SIDE_EXTERNAL)
		r->dir = DIR_EXTERNAL;
	else if (c0 == SIDE_EXTERNAL && c1 == SIDE_INTERNAL)
		r->dir = DIR_INBOUND;
	else if (c0 == SIDE_INTERNAL && c1 == SIDE_EXTERNAL)
		r->dir = DIR_OUTBOUND;
	else
		r->dir = DIR_INTERNAL;
	r->crossing = (r->dir == DIR_INBOUND || r->dir == DIR_OUTBOUND ||
		       (c0 == SIDE_INTERNAL && c1 == SIDE_INTERNAL &&
			strcmp(r->zone[0], r->zone[1]) != 0));
	r->remote_access = r->crossing ? capture_remote_access(f) : NULL;
}

static void
fold_flow(struct capture *c, const struct flow *f, const struct flow_rec *r)
{
	const uint8_t *mac;
	const struct addr *gw;
	int ext, in, exit_no;

	if (r->dir == DIR_INBOUND || r->dir == DIR_OUTBOUND) {
		ext = r->dir == DIR_INBOUND ? 0 : 1;
		in = !ext;
		mac = (f->flags & (ext ? FLOW_L2_1 : FLOW_L2_0)) ? f->mac[ext] : NULL;
		/* flow export without MACs: the next hop's address */
		gw = !mac && c->fx && f->nh[ext] ? &c->fx->nh[f->nh[ext] - 1] : NULL;
		exit_no = agg_exit(c->agg, mac, gw, f, in, ext);
		agg_peer(c->agg, f, ext, exit_no, r->remote_access);
		agg_host(c->agg, &f->addr[in],
			 (f->flags & (in ? FLOW_L2_1 : FLOW_L2_0)) ? f->mac[in] : NULL,
			 r->zone[in], f->bytes[0] + f->bytes[1]);
		return;
	}
	for (int s = 0; s < 2; s++)
		if (r->cls[s] == SIDE_INTERNAL)
			agg_host(c->agg, &f->addr[s], NULL, r->zone[s],
				 f->bytes[0] + f->bytes[1]);
}

static void
flow_exported(void *ctx, const struct flow *f, enum flow_reason why)
{
	struct capture *c = ctx;
	struct flow_rec r;

	memset(&r, 0, sizeof(r));
	r.f = *f;
	r.why = (uint8_t)why;
	classify(c, f, &r);
	c->st.flow_records++;
	if (flow_is_attempt(f))
		c->st.attempts++;
	fold_flow(c, f, &r);
	if (r.remote_access || r.dir == DIR_INBOUND ||
	    (r.crossing && r.dir == DIR_INTERNAL))
		recs_offer(&c->notable, &r);
	else
		recs_offer(&c->ordinary, &r);
}

int
capture_finish(struct capture *c, struct results *r, char *err, size_t errlen)
{
	flow_flush(c->ft);
	if (recs_write(c, r, err, errlen) < 0)
		return -1;
	if (agg_write(c->agg, r, c->o.policy, c->o.geo, err, errlen) < 0)
		return -1;
	stats_write(c, r);
	if (c->fx)
		capture_fx_write(c, r);
	return 0;
}
