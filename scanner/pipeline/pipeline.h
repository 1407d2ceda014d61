/*
 * pipeline.h - the scan pipeline every workflow shares.
 *
 *   sweep -> probes -> findings (check) -> results document
 *
 * 'heiiki scan', 'heiiki night', 'heiiki audit' and the demo all run a
 * scan through pipeline_scan(); the cmd_*.c files only parse options.
 * pipeline_scan() owns the checkpoint (written before the first packet,
 * during the sweep and after every probe batch, removed only after the
 * final results are durably written), the pre-flight (output and
 * checkpoint writable as the --user, room on the file system, before any
 * packet), SIGINT/SIGTERM (stop sending, write partial results, exit 4)
 * and an optional deadline (--stop-at / --max-duration: the sweep ends
 * cleanly, what was found is probed, the partial result keeps the
 * checkpoint so that the next run resumes where this one stopped).
 */
#ifndef HEIIKI_PIPELINE_H
#define HEIIKI_PIPELINE_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/input/targets.h"

#define PIPE_UNSET (~0ULL)

/* What a scan is asked to do ('heiiki scan' options, see cmd_scan.c). */
struct scan_opts {
	const char *policy, *out, *resume, *ckpt, *iface, *tcp, *udp, *user;
	unsigned long long rate, host_rate, in_flight, retries, cooldown_ms;
	unsigned long long seed, max_probes, ckpt_ms, connect_ms, probe_batch;
	int dry_run, connect, all_states, no_probes, no_arp, ping, include_nb;
	int no_udp, progress, no_findings;
	struct addr src4, src6;
	int have_src4, have_src6;
	char **targets;
	int ntargets;
	int fail_on;			/* scan --fail-on: rank 0..4, 5 = never */
	/* set by callers other than 'scan' */
	const char *cmd;		/* name in messages; NULL = "scan" */
	time_t deadline;		/* 0 = none: stop the sweep cleanly then */
	int keep_results;		/* hand the document back in the outcome */
	struct geo_db *geo;		/* country rules; NULL = not checked */
	const char *force_out;		/* results path, also over a resumed command line */
};

/* Re-parse a checkpoint's saved command line into o (--resume). */
typedef int (*scan_reparse_fn)(int argc, char **argv, struct scan_opts *o);

struct scan_outcome {
	struct results *res;		/* with keep_results: the final document */
	int interrupted;		/* partial (signal or deadline) */
	int deadline_hit;		/* stopped by the deadline */
	int resumed;			/* continued a checkpoint */
	uint64_t cursor, total;		/* sweep coverage: probes done of total */
	char ckpt_path[512];		/* kept when partial */
};

/*
 * Run one scan.  argc/argv are the command line saved in checkpoints;
 * with o->resume the checkpoint's command line is re-parsed with reparse.
 * Returns an exit status: 0, 1 (findings at or above o->fail_on), 2 bad
 * input, 3 runtime failure, 4 partial; messages go to stderr as
 * "heiiki CMD: ...".
 */
int pipeline_scan(struct scan_opts *o, int argc, char **argv, scan_reparse_fn reparse,
		  struct scan_outcome *out);
void pipeline_outcome_free(struct scan_outcome *out);

/* Seconds a sweep of the policy's scope (or targets) takes at the
 * configured rates, for --dry-run, 'targets' and 'night'. */
double pipeline_estimate_seconds(uint64_t hosts, uint64_t nports, unsigned pps,
				 unsigned host_pps, unsigned in_flight);
/* "5 h 58 min", "12 min 3 s", "40 s". */
const char *pipeline_duration_text(double secs, char *buf, size_t len);
/* "# estimated duration: ..." for a target set and port count. */
void pipeline_print_estimate(FILE *f, const struct tset *t, uint64_t nports, unsigned pps,
			     unsigned host_pps, unsigned in_flight);

#endif
