/*
 * flow.h - the bidirectional flow table of the passive mode.
 *
 * A flow is a 5-tuple (plus the outer VLAN) seen in both directions.  Side
 * 0 is the initiator: the sender of a TCP SYN (or the receiver of a
 * SYN-ACK), otherwise whoever was seen first; a SYN seen later on a flow
 * that started mid-stream swaps the sides.  Counters, TCP flags and link
 * addresses are kept per side.
 *
 * Memory is fixed when the table is made: max_flows flow records in one
 * array plus an open-addressing index (linear probing, 8 bytes a slot
 * holding the flow number and its hash) that doubles as flows are added,
 * up to a power of two at least 1.5 x max_flows.  No allocation happens
 * per packet.  When the table is full the
 * least recently seen of a few sampled flows is evicted (exported with
 * FLOW_EVICTED) and counted.  Flows idle longer than the idle timeout, or
 * open longer than the active timeout, are exported by a sweep that runs
 * as packet time advances; an active-timeout export keeps the flow and
 * restarts its counters, so one long connection can give several records.
 */
#ifndef HEIIKI_FLOW_H
#define HEIIKI_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

enum flow_reason { FLOW_IDLE, FLOW_ACTIVE, FLOW_EVICTED, FLOW_END };

/* flow.flags */
#define FLOW_INIT_SURE 0x01	/* initiator known from SYN / SYN-ACK */
#define FLOW_APP_DONE 0x02	/* payload dissection finished */
#define FLOW_L2_0 0x04		/* mac[0] valid */
#define FLOW_L2_1 0x08		/* mac[1] valid */
#define FLOW_FRAG 0x10		/* fragments were seen */

/* flow.app: what the payload said (set by the dissectors). */
enum flow_app { APP_NONE, APP_DNS, APP_TLS, APP_HTTP, APP_WIREGUARD };

struct flow {
	struct addr addr[2];	/* [0] initiator, [1] responder */
	uint64_t bytes[2];	/* frame bytes sent by each side */
	uint32_t pkts[2];
	uint16_t port[2];
	int64_t first_us, last_us;
	uint32_t hash;
	uint16_t vlan;		/* outer VID, 0 = untagged */
	uint8_t proto;
	uint8_t flags;
	uint8_t tcpf[2];	/* OR of TCP flags sent by each side */
	uint8_t mac[2][6];	/* link address of each side on this segment */
	uint8_t app;
	uint8_t tries;		/* payload packets looked at */
	uint8_t nh[2];		/* flow export: next hop towards each side,
				   1-based in the capture's next-hop list;
				   0 = none (always 0 for packets) */
};

/*
 * One unidirectional record of a flow exporter (NetFlow v9 / IPFIX, as
 * nfdump prints it): src sent pkts packets, bytes IP bytes to dst between
 * first_us and last_us.  src_mac is the link address the exporter saw
 * the packets come from, dst_mac the one they were sent to (the next
 * hop); nh the next-hop number towards dst (0 = none).
 */
struct flow_urec {
	struct addr src, dst;
	uint16_t sport, dport;	/* 0 for protocols without ports */
	uint16_t vlan;
	uint8_t proto;
	uint8_t tcp_flags;	/* OR of the flags of the direction */
	uint8_t has_src_mac, has_dst_mac;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t nh;
	uint64_t pkts, bytes;
	int64_t first_us, last_us;
};

struct flow_table;

typedef void (*flow_export_fn)(void *ctx, const struct flow *f,
			       enum flow_reason why);

struct flow_limits {
	size_t max_flows;
	int64_t idle_us;	/* export after this long without packets */
	int64_t active_us;	/* export (and restart) after this long */
};

/* 0, or -1 with err filled (allocation too large / failed). */
int flow_table_new(struct flow_table **out, const struct flow_limits *lim,
		   flow_export_fn fn, void *ctx, char *err, size_t errlen);
void flow_table_free(struct flow_table *ft);
/* Bytes the table holds regardless of use. */
size_t flow_table_bytes(size_t max_flows);

/*
 * Account one decoded packet (which must carry IP addresses) of wirelen
 * bytes at time ts_us.  Returns the flow (valid until the next call) and
 * sets *dir to 0 when the packet came from the initiator, 1 otherwise.
 */
struct flow *flow_update(struct flow_table *ft, const struct pkt_meta *m,
			 uint32_t wirelen, int64_t ts_us, int *dir);
/*
 * Account one exporter record: the two directions of a connection (two
 * records, in any order) become one flow, whose initiator is the side
 * that sent a SYN the other did not, else the earlier start, else the
 * client-looking port.  Returns the flow (valid until the next call) and
 * sets *dir as flow_update does.  The table's clock is the record's end.
 */
struct flow *flow_record(struct flow_table *ft, const struct flow_urec *r, int *dir);
/* Export every flow idle/active past its limit at now_us. */
void flow_expire(struct flow_table *ft, int64_t now_us);
/* Export every flow (FLOW_END) and empty the table. */
void flow_flush(struct flow_table *ft);

size_t flow_count(const struct flow_table *ft);
uint64_t flow_evictions(const struct flow_table *ft);
uint64_t flow_created(const struct flow_table *ft);

/* "syn_sent", "established", "closed", "reset", "midstream", ... */
const char *flow_tcp_state(const struct flow *f);

/*
 * 1 when the flow never got through: a TCP flow whose initiator sent a
 * SYN that the responder never answered with a SYN (nothing back, or only
 * a RST), or any other flow the responder sent nothing on.  Such a flow is
 * an attempt (evidence that a block works), never a connection.
 */
int flow_is_attempt(const struct flow *f);

#endif
