/*
 * labels.h - words for identifiers the results document carries: risk
 * flags ("rdp-no-nla"), country codes ("JP") and the health ministry's
 * checklist items per edition, in English and Japanese.
 *
 * The checklist table maps each finding rule to the item number and the
 * exact wording of the ministry's checklists (2023-06 = R5, FY2024 = R6,
 * FY2025 = R7).  Only numbers and wordings verified against the ministry's
 * manuals (see /work/shared/reference/checklist.md and the sources quoted
 * in labels.c) are filled in; an unverified number or wording is NULL, and
 * reports then say so instead of guessing.
 */
#ifndef HEIIKI_REPORT_LABELS_H
#define HEIIKI_REPORT_LABELS_H

#include "i18n.h"

/* Label of a risk flag, or NULL when unknown (print the flag). */
const char *label_risk(enum report_lang lang, const char *flag);
/* Country name of an ISO 3166-1 alpha-2 code, or NULL when unknown. */
const char *label_country(enum report_lang lang, const char *cc);

enum cl_edition { CL_R5, CL_R6, CL_R7, CL_ED_COUNT };
#define CL_DEFAULT CL_R7	/* the newest edition */

/* What heiiki can speak to; one topic per rule. */
enum cl_topic { CLT_SRC, CLT_SVC, CLT_PATCH, CLT_AUTH, CLT_REMOTE, CLT_LEDGER, CLT_COUNT };

struct cl_item {
	const char *num;	/* "2-⑬", "2-(8)"; NULL = not verified */
	const char *text;	/* exact wording; NULL = not verified */
};

/* "r5"/"r6"/"r7" -> edition; -1 when unknown. */
int cl_edition_parse(const char *s, enum cl_edition *out);
/* "r5" ... */
const char *cl_edition_code(enum cl_edition ed);
/* "2023-06 edition (R5)" / "令和5年6月版" */
const char *cl_edition_name(enum report_lang lang, enum cl_edition ed);
/* Topic of a rule id; -1 for a rule the table does not know. */
int cl_topic_of(const char *rule);
/* The item of a topic in an edition (fields may be NULL: not verified). */
const struct cl_item *cl_item(enum cl_edition ed, enum cl_topic t);
/* Short heiiki name of the topic ("接続元制限"). */
const char *cl_topic_name(enum report_lang lang, enum cl_topic t);
/* What heiiki checks for that topic, and what it cannot prove. */
const char *cl_topic_checked(enum report_lang lang, enum cl_topic t);
const char *cl_topic_unproven(enum report_lang lang, enum cl_topic t);
/* Number of rules in the table; the i-th rule id (NULL past the end). */
const char *cl_rule_at(size_t i);
/*
 * The printed label of a rule's item in an edition: "2-⑬ 接続元制限を実施
 * している。", or with what is missing marked ("2-(9) 不要なサービスの停止
 * [wording not verified]").  NULL for an unknown rule.
 */
const char *cl_label(enum report_lang lang, enum cl_edition ed, const char *rule,
		     char *buf, size_t len);

/* Japanese evidence template of a rule (%T target, %Z zone, %X the key's
 * last part), or NULL. */
const char *label_evidence_ja(const char *rule);

#endif
