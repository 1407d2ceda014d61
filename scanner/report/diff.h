/*
 * diff.h - what changed between two results documents.
 *
 * Items are matched by stable identities, never by position:
 *   services  "addr/proto/port" among open (and open|filtered) services;
 *             one open in both runs whose "service product version" text
 *             changed is listed in changed_services with "was"
 *   findings  the finding's "key" (rule|addr|proto|port|extra)
 *   hosts     "addr";  peers "addr"
 *   exits     gateway address and MAC (or the declared name)
 * The diff is a JSON object (docs/reports.md) so that 'heiiki diff
 * --format json' and 'heiiki history changes' print the same thing; every
 * list is in report order (report.h) so the output is deterministic.
 */
#ifndef HEIIKI_DIFF_H
#define HEIIKI_DIFF_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "i18n.h"

/*
 * {"old": {run summary}, "new": {...}, "new_findings": [...],
 *  "resolved_findings", "new_services", "closed_services",
 *  "changed_services", "new_hosts",
 *  "gone_hosts", "new_exits", "gone_exits", "new_peers", "gone_peers"}
 * Returns NULL with err set on failure.
 */
json_t *diff_results(json_t *old_root, json_t *new_root, char *err, size_t errlen);
/* Worst severity rank among new findings (0 info .. 4 critical), or -1. */
int diff_worst_new(const json_t *diff);
/* Number of changed items over all lists. */
size_t diff_total(const json_t *diff);
/* Text (diff_write_text) or JSON (sorted keys) and flush; 0 or -1. */
int diff_print(FILE *f, const json_t *diff, int json, enum report_lang lang);
/* --fail-on value: "none" -> 5 (never), else rank 0..4; -1 invalid. */
int diff_fail_on_parse(const char *s);
/* Human-readable text; control characters are neutralised. */
void diff_write_text(FILE *f, const json_t *diff, enum report_lang lang);

#endif
