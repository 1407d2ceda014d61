/*
 * group.h - the group view (heiiki report --group): one row per site of a
 * shared history (SQLite or PostgreSQL, through history.h only), built
 * from each site's newest run and its baseline.  docs/reports.md,
 * "Group report".
 */
#ifndef HEIIKI_GROUP_H
#define HEIIKI_GROUP_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "i18n.h"

struct history;

/*
 * The table: {"format":"heiiki-group","version":1,"generated":ISO,
 * "sites":[row...]} with rows sorted by site name; each row
 *   {"site","kind","run_id","start","end","status","age_seconds",
 *    "open":{"critical","high","medium","low","info"},"open_total",
 *    "baseline_id" (null when none),"new" (null when no baseline),
 *    "undeclared_exits","vendor_exceptions_expired","out_of_support",
 *    "url" (null without a template)}.
 * A site's row is its newest run of kind "scan" (what 'heiiki night' and
 * 'heiiki scan' store); a site that has no scan run shows its newest run
 * of any kind.  now = unix seconds the age is measured at.  url_template
 * may hold {site} and {run} (the site percent-encoded); NULL = no links.
 * New reference, or NULL with err.
 */
json_t *group_table(struct history *h, const char *url_template, long long now,
		    char *err, size_t errlen);

/* Write the table as "html", "csv" (UTF-8 with BOM) or "json".  0, or -1
 * with err (an unknown format). */
int group_write(FILE *f, const json_t *table, const char *format, enum report_lang lang,
		char *err, size_t errlen);

#endif
