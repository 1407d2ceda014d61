/*
 * results.h - the results document: the single currency between stages.
 *
 * Every stage (scan, probes, capture, check, report, diff) reads and/or
 * writes one versioned JSON document, described in docs/results.md.  In
 * memory it is a jansson tree plus lookup indexes so that "get or create
 * the host/service for this address" is O(1).  On disk it is written
 * atomically (temporary file, fsync, rename) with mode 0600.
 *
 * Top-level layout (format "heiiki-results", version RESULTS_VERSION):
 *   { "format", "version", "run": {...}, "hosts": [...], "services": [...],
 *     "flows": [...], "exits": [...], "peers": [...], "findings": [...] }
 */
#ifndef HEIIKI_RESULTS_H
#define HEIIKI_RESULTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define RESULTS_FORMAT "heiiki-results"
#define RESULTS_VERSION 1

struct results;

/* kind: "scan", "capture", "check", "fence", "merge". */
struct results *results_new(const char *kind);
void results_free(struct results *r);
/* Load and validate format/version; -1 with err naming the file. */
int results_load(const char *path, struct results **out, char *err, size_t errlen);
/* Build from an already parsed root (takes a reference). */
struct results *results_from_json(json_t *root, char *err, size_t errlen);
/*
 * The one validator of results documents on input (results_check.c,
 * docs/results.md "Validation"): types, ranges, address/MAC/time syntax,
 * required members, enum values.  0, or -1 with err "path.to.member:
 * message".  results_from_json() calls it.
 */
int results_validate(json_t *root, char *err, size_t errlen);
/* Atomic write, mode 0600; "-" writes to stdout. */
int results_write(struct results *r, const char *path, char *err, size_t errlen);

json_t *results_root(struct results *r);
/* The "run" object: version, kind, policy hash, vantage, start, end,
 * status ("complete"/"partial"), counters {...}. */
json_t *results_run(struct results *r);
void results_set_status(struct results *r, const char *status);
/* Add n to run.counters[name]. */
void results_count(struct results *r, const char *name, json_int_t n);

/* Get (or with create, make) the host object for an address. */
json_t *results_host(struct results *r, const struct addr *a, int create);
/*
 * Get (or make) the service object for (addr, proto, port); proto is
 * "tcp" or "udp".  A new service is {"addr","port","proto","state"} and its
 * host is created too.
 */
json_t *results_service(struct results *r, const struct addr *a,
			const char *proto, unsigned port, int create);
/* Append to a top-level array ("flows", "exits", "peers", "findings");
 * steals the reference. */
int results_append(struct results *r, const char *array, json_t *item);
json_t *results_array(struct results *r, const char *array);

/* Add a risk flag (string) to a service's "risks" array, once. */
void results_add_risk(json_t *service, const char *flag);

/* ISO-8601 UTC "2026-11-22T05:30:00Z" from a time_t. */
const char *results_time(int64_t t, char buf[32]);

#endif
