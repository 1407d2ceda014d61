/*
 * rules.h - the findings rule table.
 *
 * Each rule is one row: a stable id (history and diff key on it), a
 * severity, a title and a remedy in English and Japanese, the health
 * ministry checklist item it evidences, and one pure match function that
 * reads the results document, the policy and the GeoIP databases through
 * struct fctx and reports what it found with finding_emit().  A rule that
 * judges each service on its own has match each_service and a svc
 * function; rules of one shape (a risk flag, a named service, a fence
 * result) share that function and differ only in arg, what and port.
 * Adding a rule is one row (plus a function when no shape fits), a
 * positive and a negative unit test (tests/unit/test_rules.c) and a
 * paragraph in docs/findings.md.
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
	/* With match each_service: what to do with one service (or NULL). */
	void (*svc)(const struct rule *self, struct fctx *c, const json_t *svc);
	/* For the shared service functions; unused (NULL, 0) otherwise. */
	const char *arg;		/* risk flag, service name or fence kind */
	const char *what;		/* what was found, for the evidence */
	long long port;			/* well-known port of a named service */
};

extern const struct rule rules[];
extern const size_t nrules;

const struct rule *rule_by_id(const char *id);

#endif
