/*
 * exits.h - what the passive mode learns beyond single flows: exit points
 * (the L2 next hops that carry traffic to the outside), external peers,
 * internal hosts, names of addresses (DNS answers, TLS SNI, HTTP Host) and
 * the ARP view of the segment.
 *
 * Every table has a capacity fixed at agg_new(); when one is full new keys
 * are dropped and counted (agg_write reports the counts), so memory stays
 * bounded whatever the traffic.  agg_write() turns the tables into the
 * "exits", "peers" and "hosts" parts of the results document, with
 * declared exits matched from the policy and countries from GeoIP.
 */
#ifndef HEIIKI_EXITS_H
#define HEIIKI_EXITS_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "geoip/geo.h"
#include "flow.h"

enum name_src { NAME_DNS, NAME_DNS_ALIAS, NAME_SNI, NAME_HOST, NAME_SRC_COUNT };

struct agg_limits {
	size_t max_exits;	/* distinct next-hop MACs */
	size_t max_peers;	/* distinct external addresses */
	size_t max_hosts;	/* distinct internal addresses */
	size_t max_names;	/* addresses with names */
	size_t max_arp;		/* ARP entries */
	size_t max_pairs;	/* (exit, host|peer) pairs for distinct counts */
};

struct agg;

/* Defaults, scaled down for small flow tables (max_flows). */
void agg_limits_default(struct agg_limits *lim, size_t max_flows);
int agg_new(struct agg **out, const struct agg_limits *lim, char *err,
	    size_t errlen);
void agg_free(struct agg *a);

/* ARP sender (ip, mac) as seen in the traffic. */
void agg_arp(struct agg *a, const struct addr *ip, const uint8_t mac[6]);
/* A name for an address; the first of each source is kept. */
void agg_name(struct agg *a, const struct addr *ip, enum name_src src,
	      const char *name);
/* The name to show for ip ("" when none): DNS, else SNI, else Host. */
const char *agg_best_name(const struct agg *a, const struct addr *ip);

/*
 * Account a flow record that crosses to the outside through the next hop
 * `mac` (NULL when the capture had no link addresses), else through the
 * next-hop address gw (flow export without MACs; NULL when none):
 * internal side in, external side ext.  Returns the exit number or -1.
 */
int agg_exit(struct agg *a, const uint8_t *mac, const struct addr *gw,
	     const struct flow *f, int in, int ext);
void agg_peer(struct agg *a, const struct flow *f, int ext, int exit_no,
	      const char *remote_access);
void agg_host(struct agg *a, const struct addr *ip, const uint8_t *mac,
	      const char *zone, uint64_t bytes);

/* Write exits, peers and hosts into r; counts drops in run.counters. */
int agg_write(struct agg *a, struct results *r, const struct policy *p,
	      struct geo_db *g, char *err, size_t errlen);

#endif
