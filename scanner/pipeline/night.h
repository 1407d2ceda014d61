/*
 * night.h - 'heiiki night': the scheduled run, in one process and one lock.
 *
 *   pre-flight (state dir, policy, GeoIP, lock) -> scan (pipeline_scan,
 *   resuming last night's checkpoint when the window closed early) ->
 *   history add -> changes since the last complete run -> reports (ja/en
 *   HTML, CSV, DOT) in STATE/runs/YYYY-MM-DD/ (+ "latest" link) -> one
 *   summary line, one syslog line per new finding, JSON-lines events.
 *
 * Exit: 1 when a NEW finding (every open one with fail_on_open) is at or
 * above fail_on, else 4 when the run is partial, else 0; 2 bad input, 3
 * runtime failure or lock held (nothing sent).
 */
#ifndef HEIIKI_NIGHT_H
#define HEIIKI_NIGHT_H

#include <time.h>

#include "pipeline.h"
#include "scanner/report/i18n.h"

#define NIGHT_STATE_DIR "/var/lib/heiiki"

struct night_opts {
	const char *policy;
	const char *state_dir;		/* NULL = NIGHT_STATE_DIR */
	const char *history;		/* NULL = STATE/history.sqlite */
	const char *events;		/* NULL = STATE/events.jsonl */
	const char *syslog_file;	/* NULL = syslog(3); else append lines (tests) */
	const char *syslog_tag;		/* NULL = "heiiki" */
	int syslog_facility;		/* LOG_DAEMON by default */
	const char *geoip;		/* NULL = the default database */
	int allow_no_geoip;		/* run without it although the policy has
					 * country rules (marked not checked) */
	int fail_on;			/* rank 0..4, 5 = never */
	int fail_on_open;		/* judge every open finding, not only new ones */
	time_t deadline;		/* 0 = none */
	enum report_lang lang;		/* the site's language */
	char **scan_args;		/* extra 'scan' options and targets */
	int nscan_args;
	scan_reparse_fn reparse;	/* the 'scan' option parser */
	/* Period documents of 'capture --rotate' (the directory and its
	 * subdirectories, one per interface); NULL = STATE/capture. */
	const char *capture_dir;
};

int pipeline_night(const struct night_opts *o);

#endif
