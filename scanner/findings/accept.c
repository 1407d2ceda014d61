/*
 * accept.c - accepted risks (see accept.h).  Keys are compared exactly:
 * a finding key names the rule, address, protocol, port and what makes it
 * unique, so an acceptance cannot silently cover a new finding.
 */
#include <string.h>

#include "accept.h"

const struct accept_entry *
accept_entry_of(const struct policy *p, const char *key)
{
	if (!p || !key || !*key)
		return NULL;
	for (size_t i = 0; i < p->naccepts; i++)
		if (!strcmp(p->accepts[i].key, key))
			return &p->accepts[i];
	return NULL;
}

const struct accept_entry *
finding_is_accepted(const struct policy *p, const char *key, time_t now)
{
	const struct accept_entry *a = accept_entry_of(p, key);

	return a && now <= a->until ? a : NULL;
}

const struct accept_entry *
finding_json_accepted(const struct policy *p, const json_t *finding, time_t now)
{
	const json_t *k = json_object_get(finding, "key");

	return json_is_string(k) ? finding_is_accepted(p, json_string_value(k), now) : NULL;
}
