/*
 * capture.h - the passive mode: packets from a live interface or from
 * pcap/pcapng files, through decode, the flow table and the dissectors,
 * into the results document (flows, exits, peers, hosts).
 *
 * A live NIC and a file both become one pcap_t and are read by the same
 * loop (libpcap's ops-table idea), so the regression pcaps exercise the
 * code a live capture runs.  capture_packet() is the per-packet entry,
 * public so tests and fuzz targets can feed frames without libpcap.
 */
#ifndef HEIIKI_CAPTURE_H
#define HEIIKI_CAPTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "geoip/geo.h"

struct capture_opts {
	size_t max_flows;		/* flow table capacity (default 1,000,000) */
	int64_t idle_us;		/* idle timeout (default 300 s) */
	int64_t active_us;		/* active timeout (default 3600 s) */
	size_t max_flow_records;	/* ordinary flows written (top N by bytes) */
	size_t max_notable_records;	/* remote-access/inbound/cross-zone flows */
	int64_t dedup_us;		/* the same IP packet again within this
					   window (another span) is counted once;
					   0 = off (default 100 ms) */
	unsigned snaplen;		/* live only */
	int promisc;			/* live only */
	const struct policy *policy;	/* zones and declared exits; may be NULL */
	struct geo_db *geo;		/* countries; may be NULL */
};

struct capture;

void capture_opts_default(struct capture_opts *o);
int capture_new(struct capture **out, const struct capture_opts *o, char *err,
		size_t errlen);
void capture_free(struct capture *c);

/* One frame of link type dlt (pcap_datalink numbering). */
void capture_packet(struct capture *c, int dlt, int64_t ts_us,
		    const uint8_t *data, uint32_t caplen, uint32_t wirelen);

/*
 * Read several pcap/pcapng files as one capture: their packets are merged
 * by timestamp (on a tie the earlier file first, as mergecap does), so the
 * result is the same as reading one file merged from them.  A file that
 * cannot be opened is reported through on_err and skipped; a damaged one
 * is read up to the damage.  Returns the number of files read.
 */
size_t capture_files(struct capture *c, const char *const *paths, size_t n,
		     volatile sig_atomic_t *stop,
		     void (*on_err)(void *ctx, const char *msg), void *ctx);
/*
 * Capture live on iface (BPF filter optional) for duration_s seconds (0 =
 * until *stop).  0, or -1 with err filled (interface, permission, filter).
 */
int capture_live(struct capture *c, const char *iface, const char *bpf,
		 unsigned duration_s, volatile sig_atomic_t *stop, char *err,
		 size_t errlen);

/*
 * The same live capture split in steps, for a handle that outlives one
 * struct capture (rotation: one capture per period, see rotate.h).
 * open: warnings go into c.  read: into c until time(NULL) >= deadline
 * (0 = none) or *stop; 0 deadline, 1 stopped, -1 read error (err filled);
 * c gets the kernel receive/drop counts since the previous read.
 */
struct capture_live;
int capture_live_open(struct capture_live **out, struct capture *c,
		      const char *iface, const char *bpf, char *err,
		      size_t errlen);
int capture_live_read(struct capture_live *l, struct capture *c,
		      time_t deadline, volatile sig_atomic_t *stop, char *err,
		      size_t errlen);
void capture_live_close(struct capture_live *l);

/*
 * Capture live on several interfaces at once (several spans) as one
 * capture; the same packet seen on two of them is counted once (see
 * capture_opts.dedup_us).  0, or -1 with err filled.
 */
#define CAPTURE_MAX_IFACES 8
int capture_live_multi(struct capture *c, const char *const *ifaces, size_t n,
		       const char *bpf, unsigned duration_s,
		       volatile sig_atomic_t *stop, char *err, size_t errlen);

/*
 * Flow export: read every nfcapd file under dir (subdirectories too)
 * through the nfdump program (see nfdump.h) into c.  0 done; 1 partial:
 * nfdump reported a problem (a damaged or foreign file) or was stopped or
 * timed out after some records - what was read is kept, err says what and
 * a warning is recorded; -1 nothing read (dir missing, nfdump not
 * installed, no readable record, timed out or stopped), err filled.  The document
 * then records the exporter as run.vantage and run.flow_export.
 */
int capture_nfdump(struct capture *c, const char *dir, unsigned timeout_s,
		   volatile sig_atomic_t *stop, char *err, size_t errlen);
/* One record of nfd_parse_record(), folded in (tests, fuzz target). */
struct nfd_rec;
void capture_flow_record(struct capture *c, const struct nfd_rec *r);

/* Export every flow and write flows/exits/peers/hosts and counters. */
int capture_finish(struct capture *c, struct results *r, char *err,
		   size_t errlen);

/* Stable, sorted text summary of a capture results document. */
void capture_summary(struct results *r, FILE *out);

#endif
