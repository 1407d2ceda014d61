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

/* Open ifname ("any" for all) filtered to replies to src4/src6 (either may
 * be NULL) and, with arp, ARP.  -1 with err naming the interface. */
int rx_open(struct rx *x, const char *ifname, const struct addr *src4,
	    const struct addr *src6, int arp, char *err, size_t errlen);
int rx_poll(struct rx *x, uint64_t wait_ns, pcap_handler cb, u_char *arg);
void rx_stats(struct rx *x, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop);
void rx_close(struct rx *x);

#endif
