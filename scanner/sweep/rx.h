/*
 * rx.h - pcap receive handle for the raw sweep (see rx.c).
 */
#ifndef HEIIKI_SWEEP_RX_H
#define HEIIKI_SWEEP_RX_H

#include <pcap/pcap.h>
#include <stdint.h>

#include "scanner/core/addr.h"

struct rx {
	pcap_t *pc;
	int dlt, fd;
};

/* Frames reach us in blocks handed over at least this often. */
#define RX_BLOCK_MS 10

/* Open ifname ("any" for all) filtered to replies to src4/src6 (either may
 * be NULL) and, with arp, ARP; inbound frames only, with a kernel buffer
 * for about two seconds of replies at pps.  -1 with err naming the
 * interface. */
int rx_open(struct rx *x, const char *ifname, const struct addr *src4,
	    const struct addr *src6, int arp, unsigned pps, char *err,
	    size_t errlen);
/* The capture buffer (bytes) rx_open asks for at pps. */
int rx_buffer_for(unsigned pps);
int rx_poll(struct rx *x, uint64_t wait_ns, pcap_handler cb, u_char *arg);
void rx_stats(struct rx *x, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop);
void rx_close(struct rx *x);

#endif
