/*
 * rules.h - the findings rule table.
 *
 * Each rule is one row: a stable id (history and diff key on it), a
 * severity, a title and a remedy in English and Japanese, the health
 * ministry checklist item it evidences, and one pure match function that
 * reads the results document, the policy and the GeoIP databases through
 * struct fctx and reports what it found with finding_emit().  Adding a rule
 * is one function plus one row, a positive and a negative unit test
 * (tests/unit/test_rules.c) and a paragraph in docs/findings.md.
 */
#ifndef HEIIKI_RULES_H
#define HEIIKI_RULES_H

#include "findings.h"

struct rule {
	const char *id;
	enum severity sev;
	const char *title_en, *title_ja;
	const char *remedy_en, *remedy_ja;
	const char *checklist;		/* health ministry checklist item */
	void (*match)(const struct rule *self, struct fctx *c);
};

extern const struct rule rules[];
extern const size_t nrules;

const struct rule *rule_by_id(const char *id);

#endif
