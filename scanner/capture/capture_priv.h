/*
 * capture_priv.h - state shared by the files of scanner/capture/ (not for
 * use outside that folder).
 */
#ifndef HEIIKI_CAPTURE_PRIV_H
#define HEIIKI_CAPTURE_PRIV_H

#include <stdint.h>

#include "capture.h"
#include "exits.h"
#include "flow.h"

enum side_class { SIDE_INTERNAL, SIDE_EXTERNAL, SIDE_LOCAL };
enum flow_dir { DIR_INTERNAL, DIR_OUTBOUND, DIR_INBOUND, DIR_EXTERNAL };

/* A flow as exported, with what its export decided about it. */
struct flow_rec {
	struct flow f;
	const char *zone[2];
	const char *remote_access;
	uint8_t cls[2];
	uint8_t dir;
	uint8_t crossing;
	uint8_t why;
};

/* The largest `cap` records by bytes: a min-heap on total bytes. */
struct recs {
	struct flow_rec *v;
	size_t n, cap;
	uint64_t dropped;
};

struct capture_stats {
	uint64_t packets, bytes, ip, arp, non_ip, truncated, invalid;
	uint64_t unsupported_link, fragments, flow_records, attempts, duplicates;
	uint64_t dns_answers, tls_sni, http_host, app_malformed;
	uint64_t files, files_damaged, files_unreadable;
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop;
	/* flow export (capture --nfdump) */
	uint64_t fx_records, fx_malformed, fx_other, fx_too_long, fx_nh_dropped,
		 fx_times_swapped;
	int interrupted;
};

/* Flow export: the exporters seen and the next hops records named. */
#define CAPTURE_MAX_NH 255
#define CAPTURE_MAX_EXPORTERS 16

struct capture_exporter {
	struct addr a;
	unsigned version;	/* nfdump's %nfv: 9 NetFlow v9, 10 IPFIX; 0 unknown */
	uint64_t records;
};

struct capture_fx {
	struct capture_exporter exp[CAPTURE_MAX_EXPORTERS];
	unsigned nexp;
	uint64_t exp_dropped;	/* records of exporters past the list */
	struct addr nh[CAPTURE_MAX_NH];	/* flow.nh[s] - 1 indexes this */
	unsigned nnh, last_nh;
	char dir[512];
	char first_bad[200];	/* the first malformed record's reason */
};

/* Recently seen IP packets (fingerprint, time), direct-mapped. */
struct dedup_slot {
	uint64_t h;
	int64_t ts;
};

#define DEDUP_SLOTS (1u << 13)

struct capture {
	struct capture_opts o;
	struct dedup_slot *dedup;	/* DEDUP_SLOTS entries, NULL when off */
	struct flow_table *ft;
	struct agg *agg;
	struct recs ordinary, notable;
	struct capture_stats st;
	char warnings[4][160];
	unsigned nwarnings;
	struct capture_fx *fx;		/* flow export input, else NULL */
};

int recs_init(struct recs *rs, size_t cap, char *err, size_t errlen);
void recs_offer(struct recs *rs, const struct flow_rec *r);
int recs_write(struct capture *c, struct results *r, char *err, size_t errlen);
void stats_write(struct capture *c, struct results *r);
void capture_warn(struct capture *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *capture_remote_access(const struct flow *f);
/* capture --nfdump: run.vantage and run.flow_export (nfdump_read.c). */
void capture_fx_write(struct capture *c, struct results *r);

#endif
