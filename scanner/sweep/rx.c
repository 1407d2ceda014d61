/*
 * rx.c - the receive side of the raw sweep: one libpcap handle with a BPF
 * filter narrowed to replies to our probes (TCP/UDP to our source-port
 * range, ICMP errors and echo replies to our addresses, ARP), inbound
 * only (pcap_setdirection: our own probes are never seen), drained
 * before every send decision.  Frames arrive in blocks (TPACKET_V3,
 * handed over when full or after RX_BLOCK_MS), so a fast sweep costs one
 * wake-up per block, not per reply; the buffer holds about two seconds of
 * replies at the scan's rate.  Each frame goes through sweep_decode()
 * and sweep_classify() (reply.c); only validated answers reach the
 * results.  pcap's own counters (received, dropped by us, dropped by the
 * interface) end up in the run metadata.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rx.h"
#include "reply.h"
#include "scanner/core/log.h"

/* What one reply takes in the TPACKET_V3 ring: the 48-byte tpacket3_hdr
 * and the sockaddr_ll, aligned, plus the frame (a RST is 54-60 bytes, a
 * SYN-ACK with options about 74, an ICMP error up to the 128-byte snap):
 * 160-208 bytes.  Was 512, which at 100,000 pps made a 100 MB ring (the
 * whole ring is touched as blocks rotate: 137 MiB peak RSS). */
#define RX_FRAME_BYTES 208

int
rx_buffer_for(unsigned pps)
{
	uint64_t b = (uint64_t)pps * 2 * RX_FRAME_BYTES;

	if (b < (8u << 20))
		b = 8u << 20;
	if (b > (256u << 20))
		b = 256u << 20;
	return (int)b;
}

int
rx_open(struct rx *x, const char *ifname, const struct addr *src4,
	const struct addr *src6, int arp, unsigned pps, char *err,
	size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", a4[ADDR_STRLEN], a6[ADDR_STRLEN];
	char filter[1024];
	struct bpf_program prog;
	int n = 0;

	memset(x, 0, sizeof(*x));
	x->pc = pcap_create(ifname, ebuf);
	if (!x->pc)
		goto out_err;
	if (pcap_set_snaplen(x->pc, 128) || pcap_set_timeout(x->pc, RX_BLOCK_MS) ||
	    pcap_set_buffer_size(x->pc, rx_buffer_for(pps)) ||
	    pcap_set_promisc(x->pc, 0))
		goto out_geterr;
	if (pcap_activate(x->pc) < 0)
		goto out_geterr;
	/* inbound only; the BPF below also wants our address as destination */
	if (pcap_setdirection(x->pc, PCAP_D_IN) < 0)
		log_debug("sweep", "pcap_setdirection on %s: %s", ifname,
			  pcap_geterr(x->pc));
	x->dlt = pcap_datalink(x->pc);
	filter[0] = '\0';
	if (src4)
		n += snprintf(filter + n, sizeof(filter) - (size_t)n,
			      "(dst host %s and ((tcp or udp) and dst portrange "
			      "%u-%u or icmp))", addr_fmt(src4, a4),
			      COOKIE_SPORT_BASE,
			      COOKIE_SPORT_BASE + COOKIE_SPORT_COUNT - 1);
	if (src6)
		n += snprintf(filter + n, sizeof(filter) - (size_t)n,
			      "%s(dst host %s and ((tcp or udp) and dst portrange "
			      "%u-%u or icmp6))", n ? " or " : "",
			      addr_fmt(src6, a6), COOKIE_SPORT_BASE,
			      COOKIE_SPORT_BASE + COOKIE_SPORT_COUNT - 1);
	if (arp && n)
		snprintf(filter + n, sizeof(filter) - (size_t)n, " or arp");
	if (pcap_compile(x->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		goto out_geterr;
	if (pcap_setfilter(x->pc, &prog) < 0) {
		pcap_freecode(&prog);
		goto out_geterr;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(x->pc, 1, ebuf) < 0)
		goto out_err;
	x->fd = pcap_get_selectable_fd(x->pc);
	log_debug("sweep", "pcap on %s, filter: %s", ifname, filter);
	return 0;
out_geterr:
	snprintf(ebuf, sizeof(ebuf), "%s", pcap_geterr(x->pc));
out_err:
	snprintf(err, errlen, "cannot capture on %s: %s", ifname, ebuf);
	if (x->pc)
		pcap_close(x->pc);
	x->pc = NULL;
	return -1;
}

/* Everything queued now (one dispatch hands over one block; bounded). */
static int
rx_drain(struct rx *x, pcap_handler cb, u_char *arg)
{
	int n = 0, k;

	for (int i = 0; i < 4096; i++) {
		k = pcap_dispatch(x->pc, -1, cb, arg);
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		n += k;
	}
	return n;
}

/* Wait up to wait_ns for a block (ppoll: nanosecond timeouts, at once when
 * one is ready), then handle everything queued; wait_ns 0 only drains. */
int
rx_poll(struct rx *x, uint64_t wait_ns, pcap_handler cb, u_char *arg)
{
	struct pollfd pfd = { .fd = x->fd, .events = POLLIN };
	struct timespec ts = { (time_t)(wait_ns / 1000000000ULL),
			       (long)(wait_ns % 1000000000ULL) };

	if (wait_ns && ppoll(&pfd, 1, &ts, NULL) <= 0)
		return 0;
	return rx_drain(x, cb, arg) < 0 ? -1 : 0;
}

void
rx_stats(struct rx *x, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop)
{
	struct pcap_stat ps;

	if (x->pc && pcap_stats(x->pc, &ps) == 0) {
		*recv = ps.ps_recv;
		*drop = ps.ps_drop;
		*ifdrop = ps.ps_ifdrop;
	}
}

void
rx_close(struct rx *x)
{
	if (x->pc)
		pcap_close(x->pc);
	x->pc = NULL;
}
