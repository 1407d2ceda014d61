/*
 * fence_net.c - packet I/O of 'heiiki fence': spoofed SYNs out, SYN-ACKs in.
 *
 * SYNs are built once per probe with libnet at the link layer (Ethernet to
 * the gateway MAC, so the kernel's routing and source checks never see
 * them) and paced by the GCRA limiter of the sweep (never bursts).  Replies
 * are read with libpcap on the same interface and decoded by the shared
 * bounded decoder; a SYN-ACK counts when it comes from the target port to
 * the spoofed source and the unique source port of that probe.  Optionally
 * ARP requests for the spoofed sources are answered with our MAC, so a
 * gateway on the same segment delivers the replies to us.
 *
 * UDP targets (IKE, OpenVPN, SNMP, DNS) get the protocol's own harmless
 * first message from the same spoofed sources (fence_udp_payload(): the
 * read-only probes' hellos, a DNS query for the root's NS); any UDP
 * datagram from the target port back to the spoofed source and its probe's
 * source port counts as an answer - a UDP hole confirmed like a TCP one.
 */
#include <arpa/inet.h>
#include <libnet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fence.h"
#include "probes/probe.h"
#include "scanner/capture/decode.h"
#include "scanner/sweep/ratelimit.h"

struct fnet {
	libnet_t *l, *larp;
	pcap_t *pc;
	int dlt;
	uint8_t mac[6];
	libnet_ptag_t tcp, ip, eth;
	libnet_ptag_t udp, uip, ueth;	/* the UDP packet's own tags */
	struct fence_plan *pl;
	const struct fence_io *io;
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RL_NS + (uint64_t)ts.tv_nsec;
}

static void
fnet_arp_reply(struct fnet *n, const struct pkt_meta *m)
{
	uint32_t spa = htonl(addr_v4(&m->arp_tpa)), tpa = htonl(addr_v4(&m->arp_spa));

	libnet_clear_packet(n->larp);
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REPLY, n->mac,
			     (uint8_t *)&spa, (uint8_t *)m->arp_sha, (uint8_t *)&tpa,
			     NULL, 0, n->larp, 0) == -1 ||
	    libnet_build_ethernet(m->arp_sha, n->mac, ETHERTYPE_ARP, NULL, 0, n->larp, 0) == -1)
		return;
	libnet_write(n->larp);
}

int
fence_udp_payload(uint16_t port, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t dns_root_ns[] = {
		0x48, 0x65, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,	/* id, RD, 1 question */
		0x00, 0x00, 0x02, 0x00, 0x01,			/* ". IN NS" */
	};
	struct probe_ctx ctx = { .step = 0, .port = port, .host = "heiiki-fence",
				 .scanner_id = "heiiki", .snmp_community = "public" };
	const char *name = port == 500 || port == 4500 ? "ike" : port == 1194 ? "openvpn" :
			   port == 161 ? "snmp" : NULL;
	const struct probe *p = name ? probe_by_name(name) : NULL;

	*len = 0;
	if (port == 53) {
		if (cap < sizeof(dns_root_ns))
			return -1;
		memcpy(buf, dns_root_ns, sizeof(dns_root_ns));
		*len = sizeof(dns_root_ns);
		return 0;
	}
	if (!p || !p->hello || p->hello(&ctx, buf, cap, len) != 0 || *len == 0)
		return -1;
	return 0;
}

/* A UDP datagram from a target's port back to a probe's source and port. */
static void
fnet_udp_reply(struct fence_plan *pl, const struct pkt_meta *m)
{
	if (!(m->flags & PKT_PORTS))
		return;
	for (size_t i = 0; i < pl->np; i++) {
		struct fence_probe *pr = &pl->pr[i];
		const struct fence_target *t = &pl->t[pr->target];

		if (t->proto == 17 && pr->sent && pr->sport == m->dport &&
		    pr->src.v == m->dst.v && t->addr.v == m->src.v && t->port == m->sport)
			pr->answered = 1;
	}
}

static int
fnet_send_udp(struct fnet *n, struct fence_probe *pr)
{
	const struct fence_target *t = &n->pl->t[pr->target];
	uint32_t src = htonl(addr_v4(&pr->src)), dst = htonl(addr_v4(&t->addr));
	uint8_t payload[512];
	size_t plen;

	if (fence_udp_payload(t->port, payload, sizeof(payload), &plen) < 0)
		return -1;
	/* fresh tags: the UDP packet differs in size from the TCP one */
	libnet_clear_packet(n->larp);
	n->udp = libnet_build_udp(pr->sport, t->port, (uint16_t)(LIBNET_UDP_H + plen), 0,
				  payload, (uint32_t)plen, n->larp, 0);
	n->uip = libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + LIBNET_UDP_H + plen), 0,
				   (uint16_t)pr->sport, 0, 64, IPPROTO_UDP, 0, src, dst, NULL, 0,
				   n->larp, 0);
	n->ueth = libnet_build_ethernet(n->io->gw_mac, n->mac, ETHERTYPE_IP, NULL, 0,
					n->larp, 0);
	if (n->udp == -1 || n->uip == -1 || n->ueth == -1 || libnet_write(n->larp) == -1)
		return -1;
	pr->sent = 1;
	return 0;
}

static void
fnet_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct fnet *n = (struct fnet *)user;
	struct fence_plan *pl = n->pl;
	struct pkt_meta m;

	if (decode_packet(n->dlt, bytes, h->caplen, &m) != DEC_OK)
		return;
	if ((m.flags & PKT_ARP) && m.arp_op == 1 && n->io->answer_arp) {
		for (size_t i = 0; i < pl->np; i++)
			if (pl->pr[i].src.v == m.arp_tpa.v) {
				fnet_arp_reply(n, &m);
				break;
			}
		return;
	}
	if (m.proto == DECODE_UDP) {
		fnet_udp_reply(pl, &m);
		return;
	}
	if (m.proto != DECODE_TCP || !(m.flags & PKT_PORTS) ||
	    (m.tcp_flags & (TCPF_SYN | TCPF_ACK)) != (TCPF_SYN | TCPF_ACK))
		return;
	for (size_t i = 0; i < pl->np; i++) {
		struct fence_probe *pr = &pl->pr[i];
		const struct fence_target *t = &pl->t[pr->target];

		if (pr->sent && pr->sport == m.dport && pr->src.v == m.dst.v &&
		    t->addr.v == m.src.v && t->port == m.sport)
			pr->answered = 1;
	}
}

static int
fnet_send(struct fnet *n, struct fence_probe *pr, uint32_t seq)
{
	const struct fence_target *t = &n->pl->t[pr->target];
	uint32_t src = htonl(addr_v4(&pr->src)), dst = htonl(addr_v4(&t->addr));

	/* the guard again, right before the packet (scope, do_not_scan) */
	if (n->io->may_send && !n->io->may_send(n->io->may_arg, &t->addr))
		return 0;
	n->tcp = libnet_build_tcp(pr->sport, t->port, seq, 0, TH_SYN, 29200, 0, 0,
				  LIBNET_TCP_H, NULL, 0, n->l, n->tcp);
	n->ip = libnet_build_ipv4(LIBNET_IPV4_H + LIBNET_TCP_H, 0, (uint16_t)seq, 0, 64,
				  IPPROTO_TCP, 0, src, dst, NULL, 0, n->l, n->ip);
	n->eth = libnet_build_ethernet(n->io->gw_mac, n->mac, ETHERTYPE_IP, NULL, 0,
				       n->l, n->eth);
	if (n->tcp == -1 || n->ip == -1 || n->eth == -1 || libnet_write(n->l) == -1)
		return -1;
	pr->sent = 1;
	return 0;
}

static int
fnet_open(struct fnet *n, const char *iface, char *err, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE], perr[PCAP_ERRBUF_SIZE];
	struct libnet_ether_addr *hw;
	struct bpf_program bpf;

	n->l = libnet_init(LIBNET_LINK, iface, lerr);
	if (!n->l || !(n->larp = libnet_init(LIBNET_LINK, iface, lerr))) {
		snprintf(err, errlen, "fence: libnet on %s: %s", iface, lerr);
		return -1;
	}
	hw = libnet_get_hwaddr(n->l);
	if (!hw) {
		snprintf(err, errlen, "fence: %s has no MAC address: %s", iface,
			 libnet_geterror(n->l));
		return -1;
	}
	memcpy(n->mac, hw->ether_addr_octet, 6);
	n->pc = pcap_open_live(iface, 256, 1, 10, perr);
	if (!n->pc) {
		snprintf(err, errlen, "fence: capture on %s: %s", iface, perr);
		return -1;
	}
	n->dlt = pcap_datalink(n->pc);
	if (pcap_compile(n->pc, &bpf, "arp or (tcp and tcp[13] & 0x12 = 0x12) or udp", 1,
			 PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(n->pc, &bpf) < 0 ||
	    pcap_setnonblock(n->pc, 1, perr) < 0) {
		snprintf(err, errlen, "fence: capture filter on %s: %s", iface,
			 pcap_geterr(n->pc));
		return -1;
	}
	pcap_freecode(&bpf);
	return 0;
}

static void
fnet_close(struct fnet *n)
{
	if (n->l)
		libnet_destroy(n->l);
	if (n->larp)
		libnet_destroy(n->larp);
	if (n->pc)
		pcap_close(n->pc);
}

/* Drain captured packets for up to ns nanoseconds. */
static void
fnet_listen(struct fnet *n, uint64_t ns)
{
	uint64_t end = mono_ns() + ns;

	do {
		if (n->io->stop && *n->io->stop)
			return;
		if (pcap_dispatch(n->pc, -1, fnet_packet, (u_char *)n) <= 0) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		}
	} while (mono_ns() < end);
}

int
fence_run(struct fence_plan *pl, const struct fence_io *io, char *err, size_t errlen)
{
	struct fnet n = { .tcp = 0, .ip = 0, .eth = 0, .pl = pl, .io = io };
	struct ratelimit rl;
	uint16_t base;
	uint32_t seed;
	int rc = -1;

	if (fnet_open(&n, io->iface, err, errlen) < 0)
		goto out;
	if (io->after_open && io->after_open(io->ao_arg, err, errlen) != 0)
		goto out;
	libnet_seed_prand(n.l);
	seed = libnet_get_prand(LIBNET_PRu32);
	base = (uint16_t)(32768 + (seed % 16384));
	for (size_t i = 0; i < pl->np; i++)
		pl->pr[i].sport = (uint16_t)(base + i % 16384);
	rl_init(&rl, io->pps ? io->pps : 10, 1);
	for (unsigned tr = 0; tr < (io->tries ? io->tries : 1); tr++) {
		for (size_t i = 0; i < pl->np; i++) {
			uint64_t w;

			if (io->stop && *io->stop) {
				rc = 1;
				goto out;
			}
			if (pl->pr[i].answered)
				continue;
			while ((w = rl_wait(&rl, mono_ns())) > 0)
				fnet_listen(&n, w);
			rl_take(&rl, mono_ns());
			if ((pl->t[pl->pr[i].target].proto == 17 ?
			     fnet_send_udp(&n, &pl->pr[i]) :
			     fnet_send(&n, &pl->pr[i], seed ^ (uint32_t)i)) < 0) {
				snprintf(err, errlen, "fence: send on %s: %s", io->iface,
					 libnet_geterror(n.l));
				goto out;
			}
		}
		fnet_listen(&n, (uint64_t)io->wait_ms * 1000000ULL);
	}
	rc = (io->stop && *io->stop) ? 1 : 0;
out:
	fnet_close(&n);
	return rc;
}

int
fence_gateway_mac(const char *iface, uint8_t mac[6], char *err, size_t errlen)
{
	char line[256], gw[ADDR_STRLEN] = "";
	FILE *f = fopen("/proc/net/route", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line, *tok[4];
		int k = 0;

		for (char *save = NULL; k < 4 && (tok[k] = strtok_r(p, " \t", &save)); k++)
			p = NULL;
		if (k == 4 && !strcmp(tok[0], iface) && !strcmp(tok[1], "00000000")) {
			struct in_addr in = { (in_addr_t)strtoul(tok[2], NULL, 16) };

			inet_ntop(AF_INET, &in, gw, sizeof(gw));
		}
	}
	if (f)
		fclose(f);
	f = *gw ? fopen("/proc/net/arp", "r") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line, *tok[6];
		int k = 0;

		for (char *save = NULL; k < 6 && (tok[k] = strtok_r(p, " \t\n", &save)); k++)
			p = NULL;
		if (k == 6 && !strcmp(tok[0], gw) && !strcmp(tok[5], iface) &&
		    mac_parse(tok[3], mac) == 0 && memcmp(mac, "\0\0\0\0\0\0", 6)) {
			fclose(f);
			return 0;
		}
	}
	if (f)
		fclose(f);
	snprintf(err, errlen, "fence: no default gateway with a known MAC on %s%s%s; "
		 "pass --gateway-mac", iface, *gw ? " (gateway " : "", *gw ? gw : "");
	if (*gw)
		snprintf(err + strlen(err), errlen - strlen(err), ")");
	return -1;
}
