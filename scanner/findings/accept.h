/*
 * accept.h - accepted risks: the policy's "accept:" entries.
 *
 * A hospital may decide to live with a finding for a while (a modality
 * whose vendor patches next spring).  The policy names the finding's key,
 * the reason, who approved it and until when.  An accepted finding stays
 * in the results and the reports (marked, with its expiry) but does not
 * make --fail-on fail; the day after "until" it counts again.
 */
#ifndef HEIIKI_ACCEPT_H
#define HEIIKI_ACCEPT_H

#include <jansson.h>
#include <time.h>

#include "scanner/input/policy.h"

/* The accept entry naming that key, expired or not; NULL when none. */
const struct accept_entry *accept_entry_of(const struct policy *p, const char *key);
/*
 * The entry that accepts the finding with that key at time now (until is
 * the end of its day UTC), or NULL: not accepted, or accepted but expired.
 * p may be NULL.
 */
const struct accept_entry *finding_is_accepted(const struct policy *p, const char *key,
					       time_t now);
/* The same for a finding object of a results document ("key" member). */
const struct accept_entry *finding_json_accepted(const struct policy *p,
						 const json_t *finding, time_t now);

#endif
