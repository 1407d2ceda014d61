/*
 * checkpoint.h - resumable scans.
 *
 * A sweep is stateless apart from three numbers: the permutation seed,
 * the first index not yet finished, and what has been found.  Every few
 * seconds (and on SIGINT/SIGTERM) the CLI writes them atomically to a
 * checkpoint file together with the original command line and a hash of
 * the configuration that fixes the order (targets, ports, batch size,
 * policy).  "heiiki scan --resume FILE" re-reads the command line,
 * refuses if the configuration hash no longer matches, and continues at
 * the saved index with the saved results, so nothing found is lost and
 * nothing finished is scanned again (SIGKILL loses at most the probes of
 * the last few seconds, which are simply sent again).
 *
 * File (JSON, mode 0600): {"format":"heiiki-checkpoint","version":1,
 *   "argv":[...], "seed":N, "cursor":N, "total":N, "config_hash":"hex",
 *   "holes":[N,...], "results":{ the results document so far }}
 *
 * "holes" (optional, sorted, each below cursor, at most SWEEP_HOLES_MAX)
 * are the positions below cursor that were not finished (in flight,
 * waiting for a retry or for their host's slot): a resume probes them
 * first, then goes on at cursor, so an interruption redoes the unfinished
 * probes only, not everything sent after the oldest of them.
 */
#ifndef HEIIKI_SWEEP_CHECKPOINT_H
#define HEIIKI_SWEEP_CHECKPOINT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/results.h"
#include "scanner/input/targets.h"
#include "sweep.h"

#define CKPT_FORMAT "heiiki-checkpoint"
#define CKPT_MAX_FILE (512UL * 1024 * 1024)

struct ckpt {
	char **argv;		/* NULL-terminated, owned */
	int argc;
	uint64_t seed, cursor, total;
	char config_hash[65];
	uint64_t *holes;	/* owned, sorted, each < cursor */
	size_t nholes;
	json_t *results;	/* owned reference */
};

int ckpt_write(const char *path, int argc, char *const *argv, uint64_t seed,
	       uint64_t cursor, uint64_t total, const char *config_hash,
	       const uint64_t *holes, size_t nholes, struct results *r,
	       char *err, size_t errlen);
int ckpt_read(const char *path, struct ckpt *c, char *err, size_t errlen);
/* The same from a buffer (name for messages); the fuzz target's entry. */
int ckpt_read_buf(const char *name, const char *buf, size_t len, struct ckpt *c, char *err,
		  size_t errlen);
void ckpt_free(struct ckpt *c);

/* SHA-256 (hex) of what fixes the probe order. */
int ckpt_config_hash(const struct tset *t, const struct sweep_port *ports,
		     size_t nports, unsigned in_flight, const char *policy_hash,
		     char out[65]);

#endif
