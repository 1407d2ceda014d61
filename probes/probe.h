/*
 * probe.h - one interface for every read-only service probe.
 *
 * A probe is metadata plus two pure functions (curl's scheme/protocol
 * split, zmap's module table):
 *
 *   hello(ctx, buf, cap, &len)   build the request for ctx->step into buf
 *                                (len 0 = send nothing, the server speaks first)
 *   parse(ctx, in, out)          read the reply bytes through a bounded
 *                                cursor and fill the JSON object "out" with
 *                                fields and risk flags
 *
 * Probes never open sockets, never call exit, keep no globals and never
 * assert on peer data.  probes/runner.c owns every socket, TLS session,
 * timeout and byte cap.  The registry (probes/registry.c) is one table;
 * adding a probe is one file plus one line there (docs/ADDING-A-PROBE.md).
 *
 * What parse() writes into "out" (merged into the service object of the
 * results document, see docs/results.md):
 *   "service": short name ("rdp", "ssh", "http", ...)
 *   "product", "version": when known
 *   "<probe name>": an object with the protocol's own fields
 *   "risks": array of risk flag strings (probe_risk())
 */
#ifndef HEIIKI_PROBE_H
#define HEIIKI_PROBE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/rd.h"

enum probe_verdict {
	PROBE_MATCH,		/* identified; stop */
	PROBE_NO_MATCH,		/* not this protocol; runner may try another probe */
	PROBE_NEED_MORE,	/* reply incomplete: read more bytes, parse again */
	PROBE_MALFORMED,	/* protocol recognised but reply lies / is broken */
	PROBE_NEXT_STEP,	/* send hello for ctx->step + 1 on the same connection */
	PROBE_RECONNECT,	/* send hello for ctx->step + 1 on a new connection */
	PROBE_NEXT_STEP_TLS,	/* TLS handshake on this same connection, then
				 * hello for ctx->step + 1 inside it (RDP after
				 * X.224 negotiation picked TLS or CredSSP) */
};

/* probe flags */
#define PROBE_UDP		0x01	/* datagram probe */
#define PROBE_TLS		0x02	/* runner completes a TLS handshake first */
#define PROBE_FRAGILE		0x04	/* printers / OT: no payload unless policy opts in */
#define PROBE_SERVER_FIRST	0x08	/* server greets first; step 0 hello may be empty */
#define PROBE_BY_PORT_ONLY	0x10	/* never tried on ports other than its own */
#define PROBE_UDP_NEW_TID	0x20	/* UDP reply comes from another source port of the
					 * target (TFTP transfer ID): accept it */
#define PROBE_CANARY		0x40	/* runner opens a one-shot listener on the scanner's
					 * own address first (ctx->canary; probes/canary.h) */
#define PROBE_ADAPTIVE		0x80	/* step 0 waits the host's adaptive greeting time */

#define PROBE_MAX_STEPS 4

struct vpn_db;

struct probe_ctx {
	int step;			/* 0, 1, ... conversation step */
	const char *scanner_id;		/* shown where the protocol has a client name */
	const char *snmp_community;	/* "public" unless the policy says otherwise */
	uint16_t port;
	int tls;			/* the connection is inside TLS */
	const char *host;		/* target address as text (HTTP Host, SNI) */
	/*
	 * Added for multi-step probes (all optional; zero/NULL when unused,
	 * so older initialisers keep working):
	 *   eof       no more bytes will come for this step (peer closed,
	 *             byte cap or deadline reached): parse() must return a
	 *             final verdict, NEED_MORE is read as "not this protocol"
	 *   prev      the previous step's reply (hello() may answer it, e.g.
	 *             telnet refusals), prev_len bytes
	 *   out       the probe's output object so far (read-only for hello():
	 *             a probe may keep its plan in keys starting with '_',
	 *             which the runner never copies into the results)
	 *   vpn       VPN/firewall portal fingerprints (probes/vpn_db.h)
	 *   now       wall-clock time (seconds) for certificate validity
	 */
	int eof;
	const uint8_t *prev;
	size_t prev_len;
	const json_t *out;
	const struct vpn_db *vpn;
	int64_t now;
	/*
	 * ftp_anonymous: the ftp probe may try a read-only anonymous login
	 * (USER anonymous, PASS, QUIT; never LIST or a data connection).  0 =
	 * greeting only.  The runner turns it on for hosts outside clinical
	 * zones without a fragile port, unless the policy's scan.ftp_anonymous
	 * is false (probe_opts.ftp_anonymous / careful -> probe_ctx_fill).
	 */
	int ftp_anonymous;
	/*
	 * access_check: a probe may send one read-only command beyond its
	 * hello that only an unauthenticated-access check needs (MongoDB
	 * listDatabases, never a login).  The runner sets it for hosts
	 * without a fragile port that careful() does not protect (clinical
	 * zones, hosts outside every zone); 0 = hello only.
	 */
	int access_check;
	/*
	 * canary: "addr:port" of the scanner's one-shot HTTP listener for a
	 * PROBE_CANARY probe (open-proxy check), NULL when there is none: the
	 * runner starts it only outside careful and fragile hosts.
	 */
	const char *canary;
};

struct probe {
	const char *name;
	const char *summary;
	const uint16_t *ports;		/* default ports, 0-terminated */
	unsigned flags;
	size_t max_reply;		/* hard cap on bytes read per step */
	unsigned timeout_ms;		/* per read */
	int (*hello)(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len);
	enum probe_verdict (*parse)(const struct probe_ctx *ctx, struct rd *in, json_t *out);
};

/* The registry (registry.c). */
extern const struct probe *const probe_table[];
const struct probe *probe_by_name(const char *name);
/* Probes whose default ports include port for proto (6/17), best first.
 * Returns how many were written to out (at most max). */
size_t probe_for_port(uint16_t port, uint8_t proto, const struct probe **out, size_t max);

/* The default ports of the UDP probes whose servers answer from another
 * port (PROBE_UDP_NEW_TID), 0-terminated in out[max]: how many. */
size_t probe_udp_new_tid_ports(uint16_t *out, size_t max);
/* The UDP cascade (udp_cascade.c): probes whose hellos are tried in order
 * on a UDP port without a probe of its own.  Returns how many (<= max). */
size_t probe_udp_cascade(const struct probe **out, size_t max);

/* Helpers for parse(): add a risk flag once; set a printable string field. */
void probe_risk(json_t *out, const char *flag);
void probe_set_str(json_t *obj, const char *key, const uint8_t *s, size_t n);

#endif
