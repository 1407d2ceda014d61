/*
 * rx.c - the receive side of the raw sweep: one libpcap handle with a BPF
 * filter narrowed to replies to our probes (TCP/UDP to our source-port
 * range, ICMP errors and echo replies to our addresses, ARP), drained
 * without blocking between sends.  Each frame goes through sweep_decode()
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

int
rx_open(struct rx *x, const char *ifname, const struct addr *src4,
	const struct addr *src6, int arp, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", a4[ADDR_STRLEN], a6[ADDR_STRLEN];
	char filter[1024];
	struct bpf_program prog;
	int n = 0;

	memset(x, 0, sizeof(*x));
	x->pc = pcap_create(ifname, ebuf);
	if (!x->pc)
		goto out_err;
	if (pcap_set_snaplen(x->pc, 128) || pcap_set_immediate_mode(x->pc, 1) ||
	    pcap_set_buffer_size(x->pc, 8 << 20) || pcap_set_promisc(x->pc, 0))
		goto out_geterr;
	if (pcap_activate(x->pc) < 0)
		goto out_geterr;
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

/* Handle what is queued now; then wait up to wait_ns for more (ppoll:
 * nanosecond timeouts, woken early by the first frame). */
int
rx_poll(struct rx *x, uint64_t wait_ns, pcap_handler cb, u_char *arg)
{
	struct pollfd pfd = { .fd = x->fd, .events = POLLIN };
	struct timespec ts = { (time_t)(wait_ns / 1000000000ULL),
			       (long)(wait_ns % 1000000000ULL) };
	int n = pcap_dispatch(x->pc, -1, cb, arg);

	if (n < 0)
		return -1;
	if (n > 0 || wait_ns == 0)
		return 0;
	if (ppoll(&pfd, 1, &ts, NULL) <= 0)
		return 0;
	return pcap_dispatch(x->pc, -1, cb, arg) < 0 ? -1 : 0;
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
