/*
 * tx.c - the raw sweep backend: probes built with libnet, replies read by
 * rx.c, plus ARP and ICMP echo host discovery.
 *
 * libnet builds every probe (one construction-only context per (family,
 * protocol) keeps its headers built and only the fields that change per
 * probe are rewritten: libnet ptag reuse, zmap's "prepare once, patch per
 * packet"), and our own raw IP sockets (IPPROTO_RAW: the kernel routes
 * them and resolves next-hop MACs itself) send them in batches with one
 * sendmmsg() per batch.  A batch leaves before any wait and at the latest
 * TX_HOLD_NS after its first probe was cleared by the rate limiters; the
 * per-host window learns when each batch has left (ratelimit.h).
 * The source address and interface come from the kernel's route to the
 * first target of each family (connect() on a UDP socket sends nothing),
 * or from --source-ip/--iface.
 * ARP discovery uses a link-layer context on that interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libnet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "reply.h"
#include "rx.h"
#include "ratelimit.h"
#include "sweep_int.h"
#include "scanner/core/log.h"

struct pktctx {
	libnet_t *l;
	libnet_ptag_t l4, ip;
};

#define MAX_BCAST 32

/* Probes queued for one sendmmsg(): at most TX_BATCH, and none longer
 * than TX_HOLD_NS after the rate limiters cleared it (the per-host
 * window counts a queued probe from when it is cleared to a second after
 * its system call returned, so the hold costs no safety, only 250 us of
 * a host's second at worst). */
#define TX_BATCH 32
#define TX_PKT_MAX 1280
#define TX_HOLD_NS (250ULL * 1000ULL)

struct txq {
	int fd;				/* raw socket of one family, or -1 */
	unsigned n;
	uint64_t first_ns;		/* when the oldest queued probe was cleared */
	struct mmsghdr msg[TX_BATCH];
	struct iovec iov[TX_BATCH];
	struct sockaddr_storage to[TX_BATCH];
	uint8_t buf[TX_BATCH][TX_PKT_MAX];
};

struct raw {
	struct pktctx tcp4, udp4, tcp6, udp6, icmp4;
	struct txq q4, q6;
	uint64_t send_errors;		/* probes the kernel did not take */
	struct rx rx;
	struct addr src4, src6;
	int have4, have6;
	char ifname[IF_NAMESIZE];
	struct sweep *s;
	uint32_t bcast[MAX_BCAST];	/* directed broadcasts of our subnets */
	size_t nbcast;
	uint64_t refused;		/* probes the last-line guard stopped */
};

/* --- the last line of defence -------------------------------------------
 *
 * Scope and target planning already refuse these; the sender checks once
 * more, right before a frame is built, so that no code path can put a
 * probe on the wire that every device on the segment receives.
 */
int
sweep_dst_forbidden(const struct addr *dst)
{
	if (addr_is_v4(dst)) {
		uint32_t a = addr_v4(dst);

		return a == 0xffffffffu ||		/* limited broadcast */
		       (a >> 28) == 0xe ||		/* 224/4 multicast */
		       (a >> 28) == 0xf ||		/* 240/4 reserved */
		       (a >> 24) == 0;			/* 0/8 "this network" */
	}
	/* IPv6: ff00::/8 multicast (no broadcast in IPv6), :: unspecified */
	return (uint8_t)(dst->v >> 120) == 0xff || dst->v == 0;
}

int
sweep_mac_is_group(const uint8_t mac[6])
{
	return (mac[0] & 1) != 0;	/* I/G bit: multicast, broadcast */
}

/* The directed broadcast addresses of every IPv4 subnet on this machine. */
static void
load_bcasts(struct raw *w)
{
	struct ifaddrs *ifa, *i;

	w->nbcast = 0;
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i && w->nbcast < MAX_BCAST; i = i->ifa_next) {
		uint32_t a, m;

		if (!i->ifa_addr || !i->ifa_netmask ||
		    i->ifa_addr->sa_family != AF_INET)
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		if (m >= 0xfffffffeu)
			continue;	/* /31, /32: no broadcast address */
		w->bcast[w->nbcast++] = (a & m) | ~m;
	}
	freeifaddrs(ifa);
}

static int
tx_refuse(struct raw *w, const struct addr *dst)
{
	char b[ADDR_STRLEN];

	if (!sweep_dst_forbidden(dst)) {
		size_t i;

		if (!addr_is_v4(dst))
			return 0;
		for (i = 0; i < w->nbcast; i++)
			if (w->bcast[i] == addr_v4(dst))
				break;
		if (i == w->nbcast)
			return 0;
	}
	if (w->refused++ == 0)
		log_warn("sweep", "refused to send to %s: broadcast or multicast "
			 "destination", addr_fmt(dst, b));
	return 1;
}

/* The kernel's choice of source address (and its interface) for dst. */
static int
route_source(const struct addr *dst, struct addr *src, char *ifname,
	     size_t iflen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct ifaddrs *ifa, *i;
	int v4 = addr_is_v4(dst), fd, rc = -1;

	memset(&ss, 0, sizeof(ss));
	if (v4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(9);
		sin->sin_addr.s_addr = htonl(addr_v4(dst));
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(9);
		addr_to_v6(dst, sin6->sin6_addr.s6_addr);
		sl = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	/* UDP connect() only consults the routing table: nothing is sent */
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		goto out_close;
	if (v4)
		*src = addr_from_v4(ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr));
	else
		addr_from_v6(src, ((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr);
	rc = 0;
	if (ifname && getifaddrs(&ifa) == 0) {
		for (i = ifa; i; i = i->ifa_next) {
			struct addr a;

			if (!i->ifa_addr || i->ifa_addr->sa_family != ss.ss_family)
				continue;
			if (v4)
				a = addr_from_v4(ntohl(((struct sockaddr_in *)
					i->ifa_addr)->sin_addr.s_addr));
			else
				addr_from_v6(&a, ((struct sockaddr_in6 *)
					i->ifa_addr)->sin6_addr.s6_addr);
			if (addr_cmp(&a, src) == 0) {
				snprintf(ifname, iflen, "%s", i->ifa_name);
				break;
			}
		}
		freeifaddrs(ifa);
	}
out_close:
	close(fd);
	return rc;
}

/* First target address of one family, for the route lookup. */
static int
first_of_family(const struct tset *t, int v4, struct addr *out)
{
	for (size_t i = 0; i < t->n; i++) {
		struct addr lo = { t->r[i].lo }, hi = { t->r[i].hi };

		if (addr_is_v4(&lo) == v4) {
			*out = lo;
			return 0;
		}
		if (addr_is_v4(&hi) == v4) {
			*out = hi;
			return 0;
		}
	}
	return -1;
}

static int
ctx_open(struct pktctx *p, int type, char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE] = "";

	p->l = libnet_init(type, NULL, ebuf);
	if (!p->l) {
		snprintf(err, errlen, "libnet: %s", ebuf);
		return -1;
	}
	p->l4 = p->ip = 0;
	return 0;
}

static void
ctx_close(struct pktctx *p)
{
	if (p->l)
		libnet_destroy(p->l);
	p->l = NULL;
}

/* A raw socket of one family whose packets carry their own IP header
 * (IPPROTO_RAW implies IP_HDRINCL, and the IPv6 equivalent). */
static int
txq_open(struct txq *q, int family, char *err, size_t errlen)
{
	int sz = 1 << 20;

	q->n = 0;
	/* what no probe changes, once: each entry's address, buffer, no
	 * control data */
	for (unsigned i = 0; i < TX_BATCH; i++) {
		memset(&q->msg[i], 0, sizeof(q->msg[i]));
		q->iov[i].iov_base = q->buf[i];
		q->msg[i].msg_hdr.msg_name = &q->to[i];
		q->msg[i].msg_hdr.msg_iov = &q->iov[i];
		q->msg[i].msg_hdr.msg_iovlen = 1;
	}
	q->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (q->fd < 0) {
		snprintf(err, errlen, "raw %s socket: %s",
			 family == AF_INET ? "IPv4" : "IPv6", strerror(errno));
		return -1;
	}
	/* room for a few batches; the kernel caps an unprivileged ask */
	if (setsockopt(q->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(q->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	return 0;
}

/* Everything queued goes out now (one sendmmsg per call; a probe the
 * kernel refuses, ENOBUFS or EHOSTUNREACH, is counted and left to the
 * retry that its missing answer brings). */
static void
txq_flush(struct raw *w, struct txq *q)
{
	unsigned done = 0;

	while (done < q->n) {
		int k = sendmmsg(q->fd, q->msg + done, q->n - done, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			/* skip the probe that failed, keep the rest */
			log_debug("sweep", "send: %s", strerror(errno));
			w->send_errors++;
			done++;
			continue;
		}
		done += (unsigned)k;
	}
	q->n = 0;
}

/* Both queues go out together, so the probes leave in the order the
 * rate limiters cleared them; then the per-host window learns that they
 * left (the time after the system calls: never before the wire). */
static void
tx_flush_all(struct raw *w)
{
	if (!w->q4.n && !w->q6.n)
		return;
	if (w->q4.n)
		txq_flush(w, &w->q4);
	if (w->q6.n)
		txq_flush(w, &w->q6);
	rl_hosts_sent(&w->s->hosts, rl_now());
}

static void
txq_close(struct txq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->n = 0;
}

/* The packet libnet has built in p goes into the queue of its family. */
static int
tx_queue(struct raw *w, struct pktctx *p, const struct addr *dst)
{
	int v4 = addr_is_v4(dst);
	struct txq *q = v4 ? &w->q4 : &w->q6;
	uint64_t now = rl_now();
	uint8_t *pkt = NULL;
	uint32_t len = 0;
	unsigned i;

	if (q->n && (q->n == TX_BATCH || now - q->first_ns > TX_HOLD_NS))
		tx_flush_all(w);
	if (libnet_pblock_coalesce(p->l, &pkt, &len) < 0 || !pkt)
		return -1;
	if (len > TX_PKT_MAX) {
		free(pkt);
		snprintf(p->l->err_buf, LIBNET_ERRBUF_SIZE, "probe of %u bytes", len);
		return -1;
	}
	i = q->n++;
	if (i == 0)
		q->first_ns = now;
	memcpy(q->buf[i], pkt, len);
	free(pkt);
	if (v4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&q->to[i];

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(addr_v4(dst));
		q->msg[i].msg_hdr.msg_namelen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&q->to[i];

		memset(sin6, 0, sizeof(*sin6));
		sin6->sin6_family = AF_INET6;
		addr_to_v6(dst, sin6->sin6_addr.s6_addr);
		q->msg[i].msg_hdr.msg_namelen = sizeof(*sin6);
	}
	q->iov[i].iov_len = len;
	if (q->n == TX_BATCH)
		tx_flush_all(w);
	return 0;
}

static struct libnet_in6_addr
ln6(const struct addr *a)
{
	struct libnet_in6_addr r;

	addr_to_v6(a, r.__u6_addr.__u6_addr8);
	return r;
}

/*
 * Every target must leave through the same route as the first one of its
 * family: probes carry one source address and replies are read on one
 * interface, so a target behind another interface would be reported
 * filtered while its replies go unseen.  Each range's first and last
 * address are checked (a range split between two routes is missed when
 * both ends agree).  --source-ip/--iface take the responsibility.
 */
static int
same_route(struct sweep *s, const struct raw *w, const char *ifn)
{
	const struct tset *t = s->c->targets;

	for (size_t i = 0; i < t->n; i++) {
		struct addr ends[2] = { { t->r[i].lo }, { t->r[i].hi } };

		for (int k = 0; k < 2; k++) {
			const struct addr *want = addr_is_v4(&ends[k]) ? &w->src4 : &w->src6;
			char ifo[IF_NAMESIZE] = "", b1[ADDR_STRLEN], b2[ADDR_STRLEN],
			     b3[ADDR_STRLEN];
			struct addr src;

			if (route_source(&ends[k], &src, NULL, 0) < 0) {
				snprintf(s->err, s->errlen, "no route to %s: %s",
					 addr_fmt(&ends[k], b1), strerror(errno));
				return -1;
			}
			/* same route, or the scanner's own address */
			if (addr_cmp(&src, want) == 0 || addr_cmp(&src, &ends[k]) == 0)
				continue;
			(void)route_source(&ends[k], &src, ifo, sizeof(ifo));
			snprintf(s->err, s->errlen,
				 "targets leave through more than one route: %s from %s "
				 "(%s), but the scan sends from %s (%s); scan each part in "
				 "its own run, or give --source-ip and --iface",
				 addr_fmt(&ends[k], b1), addr_fmt(&src, b2),
				 ifo[0] ? ifo : "?", addr_fmt(want, b3), ifn);
			return -1;
		}
	}
	return 0;
}

static int
pick_sources(struct sweep *s, struct raw *w)
{
	const struct sweep_conf *c = s->c;
	struct addr t;
	char ifn[IF_NAMESIZE] = "";

	if (first_of_family(c->targets, 1, &t) == 0) {
		if (c->src4)
			w->src4 = *c->src4;
		else if (route_source(&t, &w->src4, ifn, sizeof(ifn)) < 0)
			goto out_noroute;
		w->have4 = 1;
	}
	if (first_of_family(c->targets, 0, &t) == 0) {
		if (c->src6)
			w->src6 = *c->src6;
		else if (route_source(&t, &w->src6, ifn[0] ? NULL : ifn,
				      sizeof(ifn)) < 0)
			goto out_noroute;
		w->have6 = 1;
	}
	snprintf(w->ifname, sizeof(w->ifname), "%s",
		 c->iface ? c->iface : (ifn[0] ? ifn : "any"));
	if (!c->iface && !c->src4 && !c->src6)
		return same_route(s, w, w->ifname);
	return 0;
out_noroute:
	{
		char b[ADDR_STRLEN];

		snprintf(s->err, s->errlen, "no route to %s: %s",
			 addr_fmt(&t, b), strerror(errno));
	}
	return -1;
}

static int
raw_open(struct sweep *s)
{
	struct raw *w = calloc(1, sizeof(*w));
	char b4[ADDR_STRLEN], b6[ADDR_STRLEN];
	int tcp = 0, udp = 0;

	if (!w) {
		snprintf(s->err, s->errlen, "out of memory");
		return -1;
	}
	w->s = s;
	w->q4.fd = w->q6.fd = -1;
	s->be_state = w;
	if (pick_sources(s, w) < 0)
		return -1;
	/* only the contexts this scan uses; they build packets and open no
	 * socket (LIBNET_NONE), the sockets are ours */
	for (size_t i = 0; i < s->c->nports; i++) {
		if (s->c->ports[i].proto == 6)
			tcp = 1;
		else
			udp = 1;
	}
	if ((w->have4 && (txq_open(&w->q4, AF_INET, s->err, s->errlen) < 0 ||
			  (tcp && ctx_open(&w->tcp4, LIBNET_NONE, s->err, s->errlen) < 0) ||
			  (udp && ctx_open(&w->udp4, LIBNET_NONE, s->err, s->errlen) < 0) ||
			  (s->c->ping && ctx_open(&w->icmp4, LIBNET_NONE, s->err, s->errlen) < 0))) ||
	    (w->have6 && (txq_open(&w->q6, AF_INET6, s->err, s->errlen) < 0 ||
			  (tcp && ctx_open(&w->tcp6, LIBNET_NONE, s->err, s->errlen) < 0) ||
			  (udp && ctx_open(&w->udp6, LIBNET_NONE, s->err, s->errlen) < 0))))
		return -1;
	load_bcasts(w);
	if (rx_open(&w->rx, w->ifname, w->have4 ? &w->src4 : NULL,
		    w->have6 ? &w->src6 : NULL, s->c->arp, s->c->pps, s->err,
		    s->errlen) < 0)
		return -1;
	log_info("sweep", "raw SYN scan on %s from %s%s%s", w->ifname,
		 w->have4 ? addr_fmt(&w->src4, b4) : "",
		 w->have4 && w->have6 ? " and " : "",
		 w->have6 ? addr_fmt(&w->src6, b6) : "");
	return 0;
}

static int
build_ip(struct raw *w, struct pktctx *p, const struct addr *dst,
	 uint8_t proto, uint16_t l4len, uint64_t tag)
{
	unsigned ttl = w->s->c->probe_ttl ? w->s->c->probe_ttl : 64;

	if (addr_is_v4(dst))
		p->ip = libnet_build_ipv4(LIBNET_IPV4_H + l4len, 0,
					  cookie_ipid(tag), 0, (uint8_t)ttl, proto,
					  0, htonl(addr_v4(&w->src4)),
					  htonl(addr_v4(dst)), NULL, 0, p->l, p->ip);
	else
		p->ip = libnet_build_ipv6(0, 0, l4len, proto, (uint8_t)ttl,
					  ln6(&w->src6), ln6(dst), NULL, 0,
					  p->l, p->ip);
	return p->ip < 0 ? -1 : 0;
}

static int
raw_send(struct sweep *s, const struct addr *dst, const struct sweep_port *sp)
{
	struct raw *w = s->be_state;
	int v4 = addr_is_v4(dst);
	const struct addr *src = v4 ? &w->src4 : &w->src6;
	uint64_t tag = cookie_tag(&s->key, src, dst, sp->port, sp->proto);
	struct pktctx *p;
	uint8_t pl[512];
	size_t plen = 0;

	if (tx_refuse(w, dst)) {
		s->st->refused_recheck++;
		return 0;
	}
	if (sp->proto == 6) {
		p = v4 ? &w->tcp4 : &w->tcp6;
		p->l4 = libnet_build_tcp(cookie_sport(tag), sp->port,
					 cookie_seq(tag), 0, TH_SYN, 1024, 0, 0,
					 LIBNET_TCP_H, NULL, 0, p->l, p->l4);
		if (p->l4 < 0 || build_ip(w, p, dst, IPPROTO_TCP, LIBNET_TCP_H, tag) < 0)
			goto out_libnet;
	} else {
		p = v4 ? &w->udp4 : &w->udp6;
		if (s->c->udp_payload)
			s->c->udp_payload(sp->port, pl, sizeof(pl), &plen);
		p->l4 = libnet_build_udp(cookie_sport(tag), sp->port,
					 (uint16_t)(LIBNET_UDP_H + plen), 0,
					 plen ? pl : NULL, (uint32_t)plen, p->l, p->l4);
		if (p->l4 < 0 || build_ip(w, p, dst, IPPROTO_UDP,
					  (uint16_t)(LIBNET_UDP_H + plen), tag) < 0)
			goto out_libnet;
	}
	if (tx_queue(w, p, dst) < 0)
		goto out_libnet;
	return 0;
out_libnet:
	snprintf(s->err, s->errlen, "libnet: %s", libnet_geterror(p->l));
	return -1;
}

static void
on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct raw *w = (struct raw *)arg;
	struct sweep *s = w->s;
	struct sweep_pkt pk;
	struct addr target;
	uint8_t proto = 0;
	uint16_t port = 0;
	enum reply_kind k;

	s->st->received++;
	if (sweep_decode(w->rx.dlt, bytes, h->caplen, &pk) < 0)
		return;
	if (pk.is_arp) {
		/* a reply to us, from an address we asked about */
		if (pk.arp_op == 2)
			sweep_host_alive(s, &pk.arp_spa, pk.arp_sha, "arp");
		return;
	}
	k = sweep_classify(&s->key, &pk, s->c->udp_new_tid, &target, &proto, &port);
	if (k == REPLY_OPEN)
		sweep_reply(s, &target, proto, port, ST_OPEN);
	else if (k == REPLY_CLOSED)
		sweep_reply(s, &target, proto, port, ST_CLOSED);
	else if (k == REPLY_FILTERED)
		sweep_reply(s, &target, proto, port, ST_FILTERED);
	else if (k == REPLY_ALIVE)
		sweep_host_alive(s, &target, NULL, "icmp");
}

static int
raw_poll(struct sweep *s, uint64_t wait_ns)
{
	struct raw *w = s->be_state;

	/* nothing waits in a queue while we wait */
	tx_flush_all(w);
	return rx_poll(&w->rx, wait_ns, on_frame, (u_char *)w);
}

static int
raw_can_send(struct sweep *s)
{
	(void)s;
	return 1;
}

static int
raw_busy(struct sweep *s)
{
	(void)s;
	return 0;
}

static uint64_t
raw_inflight_min(struct sweep *s)
{
	(void)s;
	return UINT64_MAX;
}

static void
raw_counters(struct sweep *s)
{
	struct raw *w = s->be_state;

	if (w)
		rx_stats(&w->rx, &s->st->pcap_recv, &s->st->pcap_drop,
			 &s->st->pcap_ifdrop);
}

static void
raw_close(struct sweep *s)
{
	struct raw *w = s->be_state;

	if (!w)
		return;
	tx_flush_all(w);
	if (w->send_errors)
		log_warn("sweep", "the kernel refused %llu probes (each one was "
			 "retried like an unanswered probe)",
			 (unsigned long long)w->send_errors);
	rx_stats(&w->rx, &s->st->pcap_recv, &s->st->pcap_drop,
		 &s->st->pcap_ifdrop);
	rx_close(&w->rx);
	ctx_close(&w->tcp4);
	ctx_close(&w->udp4);
	ctx_close(&w->icmp4);
	ctx_close(&w->tcp6);
	ctx_close(&w->udp6);
	txq_close(&w->q4);
	txq_close(&w->q6);
	free(w);
	s->be_state = NULL;
}

const struct sweep_backend sweep_raw_backend = {
	"raw", raw_open, raw_can_send, raw_send, raw_poll, raw_busy,
	raw_inflight_min, raw_close, raw_counters,
};

/* --- host discovery ------------------------------------------------------ */

struct disc {
	libnet_t *link;
	libnet_ptag_t arp, eth;
	uint8_t mac[6];
	struct tset onlink;	/* IPv4 subnet of the interface */
};

static int
onlink_subnet(const struct raw *w, struct tset *out)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		uint32_t a, m;
		struct range r;

		if (!i->ifa_addr || !i->ifa_netmask ||
		    i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, w->ifname))
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		if (a != addr_v4(&w->src4))
			continue;
		r.lo = addr_from_v4(a & m).v;
		r.hi = addr_from_v4((a & m) | ~m).v;
		rc = tset_add(out, &r);
	}
	freeifaddrs(ifa);
	return rc;
}

static int
disc_open(struct raw *w, struct disc *d, char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE] = "";
	struct libnet_ether_addr *e;

	memset(d, 0, sizeof(*d));
	tset_init(&d->onlink);
	if (!w->s->c->arp || !w->have4 || !strcmp(w->ifname, "any"))
		return 0;
	if (onlink_subnet(w, &d->onlink) < 0) {
		log_warn("sweep", "no IPv4 subnet on %s: ARP discovery skipped",
			 w->ifname);
		return 0;
	}
	d->link = libnet_init(LIBNET_LINK, w->ifname, ebuf);
	if (!d->link || !(e = libnet_get_hwaddr(d->link))) {
		snprintf(err, errlen, "libnet on %s: %s", w->ifname,
			 d->link ? libnet_geterror(d->link) : ebuf);
		return -1;
	}
	memcpy(d->mac, e->ether_addr_octet, 6);
	return 0;
}

static void
send_arp(struct raw *w, struct disc *d, const struct addr *a)
{
	static const uint8_t bcast[6] = { 255, 255, 255, 255, 255, 255 };
	static const uint8_t zero[6];
	uint32_t spa = htonl(addr_v4(&w->src4)), tpa = htonl(addr_v4(a));

	d->arp = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST,
				  d->mac, (uint8_t *)&spa, zero, (uint8_t *)&tpa,
				  NULL, 0, d->link, d->arp);
	/* an ARP request is the one frame heiiki sends to the broadcast MAC
	 * (that is how ARP asks; --no-arp turns it off); probes go through
	 * raw IP sockets whose destinations tx_refuse() has checked */
	d->eth = libnet_build_ethernet(bcast, d->mac, ETHERTYPE_ARP, NULL, 0,
				       d->link, d->eth);
	if (d->arp < 0 || d->eth < 0 || libnet_write(d->link) < 0)
		log_debug("sweep", "arp: %s", libnet_geterror(d->link));
}

static void
send_echo(struct raw *w, const struct addr *a)
{
	struct pktctx *p = &w->icmp4;
	uint16_t id, seq;

	if (tx_refuse(w, a))
		return;
	sweep_echo_ids(&w->s->key, &w->src4, a, &id, &seq);
	p->l4 = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, id, seq, NULL, 0,
					 p->l, p->l4);
	if (p->l4 < 0 || build_ip(w, p, a, IPPROTO_ICMP, LIBNET_ICMPV4_ECHO_H, 0) < 0 ||
	    tx_queue(w, p, a) < 0)
		log_debug("sweep", "echo: %s", libnet_geterror(p->l));
}

static void
disc_pace(struct sweep *s)
{
	uint64_t now, wt;

	while ((wt = rl_wait(&s->rl, now = rl_now())))
		s->be->poll(s, wt);
	rl_take(&s->rl, now);
}

/* ARP (on-link IPv4) and/or ICMP echo to every target host, in permuted
 * order, paced by the global limiter; then a short wait for replies. */
int
sweep_discover(struct sweep *s)
{
	struct raw *w = s->be_state;
	const struct sweep_conf *c = s->c;
	struct disc d;
	struct perm pm;
	uint64_t n = s->order.hosts, end;

	if (disc_open(w, &d, s->err, s->errlen) < 0)
		goto out_fail;
	perm_init(&pm, n ? n : 1, c->seed ^ 0x646973ULL);
	for (uint64_t i = 0; i < n && !(c->stop && *c->stop); i++) {
		struct addr a;

		if (tset_nth(c->targets, perm_map(&pm, i), &a) < 0 ||
		    !addr_is_v4(&a) || !tset_contains(c->scope, &a) ||
		    tset_contains(c->deny, &a))
			continue;
		if (d.link && tset_contains(&d.onlink, &a)) {
			disc_pace(s);
			send_arp(w, &d, &a);
		}
		if (c->ping) {
			disc_pace(s);
			send_echo(w, &a);
		}
	}
	end = rl_now() + 1000000000ULL;
	for (uint64_t now; (now = rl_now()) < end;)
		s->be->poll(s, end - now);
	if (d.link)
		libnet_destroy(d.link);
	tset_free(&d.onlink);
	return 0;
out_fail:
	if (d.link)
		libnet_destroy(d.link);
	tset_free(&d.onlink);
	return -1;
}

int
sweep_route_source(const struct addr *dst, struct addr *src)
{
	return route_source(dst, src, NULL, 0);
}
