/*
 * runner.h - the one place where probes meet the network.
 *
 * The runner owns every socket, TLS session, timeout and byte cap.  It
 * takes the services marked "open" in a results document, chooses probes
 * by port (probe_for_port, with probe_banner as the fallback for TCP),
 * talks to many hosts in parallel from one poll() event loop, and merges
 * what each probe's parse() wrote into the service object.
 *
 * Politeness rules enforced here, not in the probes:
 *   - at most opts.per_host connections to one host at a time (default 1)
 *     and at least opts.host_gap_ms (>= 200 ms) between successive
 *     connections to the same host;
 *   - a global limit on connections in flight (opts.max_parallel);
 *   - connect 3 s, per read the probe's timeout (<= 5 s), whole probe
 *     15 s; UDP: one datagram hello, 2 s wait, at most 2 tries;
 *   - the probe's max_reply is a hard cap on bytes read per step;
 *   - PROBE_FRAGILE probes send nothing unless opts.allow_fragile, and
 *     raw printer ports 9100-9107 are not touched unless opts.allow_printers.
 */
#ifndef HEIIKI_RUNNER_H
#define HEIIKI_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"
#include "scanner/core/addr.h"
#include "scanner/core/results.h"

struct product_db;

struct probe_opts {
	const char *scanner_id;		/* NULL = "heiiki" */
	const char *snmp_community;	/* NULL = no community-based SNMP */
	unsigned max_parallel;		/* connections in flight; 0 = 64 */
	unsigned per_host;		/* connections per host at once; 0 = 1 */
	unsigned host_gap_ms;		/* 0 = 200; lower values are raised to 200 */
	unsigned connect_ms;		/* 0 = 3000 */
	unsigned read_ms;		/* ceiling for a probe's timeout_ms; 0 = 5000 */
	unsigned probe_ms;		/* whole probe wall clock; 0 = 15000 */
	unsigned udp_wait_ms;		/* 0 = 2000 */
	unsigned udp_tries;		/* 0 = 2 */
	int allow_fragile;		/* let PROBE_FRAGILE probes send payloads */
	int allow_printers;		/* touch TCP 9100-9107 at all */
	const char *only;		/* run only this probe (by name), or NULL */
	const struct vpn_db *vpn;	/* portal fingerprints; NULL: load the default file */
	/* Return 0 to leave an address alone (do_not_scan); NULL = all allowed. */
	int (*may_probe)(void *arg, const struct addr *a);
	void *may_arg;
	volatile sig_atomic_t *stop;	/* set by a signal handler: finish early */
	/* Source address every probe binds to before connect (the sweep's
	 * --source-ip, so identification comes from the same vantage as the
	 * reachability claim); NULL = the kernel's choice.  Used for targets
	 * of its own family. */
	const struct addr *source;
	/*
	 * Connections at once to this host (0 = per_host).  NULL = per_host
	 * for every host.  probe_policy_host_slots() derives it from the
	 * policy's zone role (pass the policy as host_arg).  Hosts with a
	 * printer/OT/DICOM port open always get 1.
	 */
	unsigned (*host_slots)(void *arg, const struct addr *a);
	void *host_arg;
	const struct product_db *products;	/* product rules; NULL: load the default file */
	/*
	 * Let the ftp probe try a read-only anonymous login (USER anonymous,
	 * PASS, QUIT).  Never on a fragile host (a printer/OT/DICOM port open)
	 * nor where careful() says so; careful NULL = every host allowed.
	 */
	int ftp_anonymous;
	int (*careful)(void *arg, const struct addr *a);
	void *careful_arg;
};

/* careful for a struct policy *: 1 for a clinical zone or outside every zone. */
int probe_policy_careful(void *policy, const struct addr *a);

/* host_slots for a struct policy *: clinical 1, management 2, others 4. */
unsigned probe_policy_host_slots(void *policy, const struct addr *a);

/*
 * Run probes for every service with "state":"open" in r and merge the
 * results into each service object ("service", "product", "version",
 * "risks", "<probe>": {...}, and "probe": {"name","outcome","ms"}).
 * Returns the number of services identified, or -1 with err set when the
 * run could not start.  Sets the run status to "partial" when stopped.
 */
int probe_run_results(struct results *r, const struct probe_opts *o,
		      char *err, size_t errlen);

/*
 * Run one probe's parse() on raw bytes, as the runner would (byte cap
 * applied, ctx->eof as given).  For tests, fuzzing and replaying recorded
 * replies; no network.
 */
enum probe_verdict probe_run_bytes(const struct probe *p, const struct probe_ctx *ctx,
				   const uint8_t *buf, size_t len, json_t *out);

/* Copy a probe's output into a service object (the merge rule above). */
void probe_merge(json_t *svc, const json_t *out);

/* "identified", "no-match", ... for a verdict. */
const char *probe_verdict_name(enum probe_verdict v);

#endif
