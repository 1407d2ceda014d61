/*
 * i18n.h - every fixed string of the reports, in English and Japanese.
 *
 * Reports are read by hospital management and inspectors, so the labels
 * are real Japanese, not transliterations.  Strings coming from the
 * results document (finding titles, remedies) carry their own "en"/"ja"
 * pair and are picked by report_l10n(); this table only holds what the
 * writers print themselves.  One enum, one table: adding a label is one
 * line in each.
 */
#ifndef HEIIKI_I18N_H
#define HEIIKI_I18N_H

#include <stddef.h>

enum report_lang { LANG_EN, LANG_JA, LANG_COUNT };

enum msg {
	MSG_TITLE, MSG_DIAGRAM_TITLE, MSG_SITE, MSG_RUN, MSG_KIND, MSG_START,
	MSG_END, MSG_STATUS, MSG_COMPLETE, MSG_PARTIAL, MSG_PARTIAL_WARN,
	MSG_HVERSION, MSG_POLICY_HASH, MSG_VANTAGE, MSG_COUNTERS,
	MSG_SUMMARY, MSG_SEVERITY, MSG_COUNT, MSG_TOTAL,
	MSG_FINDINGS, MSG_NO_FINDINGS, MSG_FTITLE, MSG_TARGET, MSG_EVIDENCE,
	MSG_REMEDY, MSG_CHECKLIST, MSG_RULE, MSG_KEY,
	MSG_HOSTS, MSG_ZONE, MSG_HOST, MSG_ADDR, MSG_FAMILY, MSG_MAC,
	MSG_VENDOR, MSG_NAMES, MSG_PORT, MSG_PROTO, MSG_STATE, MSG_SERVICE,
	MSG_PRODUCT, MSG_VERSION, MSG_RISKS, MSG_DETAILS, MSG_NO_SERVICES,
	MSG_NO_HOSTS, MSG_UNZONED, MSG_OPEN_PORTS,
	MSG_EXITS, MSG_NAME, MSG_DECLARED, MSG_PURPOSE, MSG_YES, MSG_NO,
	MSG_NO_EXITS,
	MSG_PEERS, MSG_COUNTRY, MSG_ASN, MSG_ASORG, MSG_DIRECTION, MSG_FLOWS_N,
	MSG_BYTES, MSG_NO_PEERS, MSG_UNKNOWN_COUNTRY,
	MSG_RA_FLOWS, MSG_SRC, MSG_DST, MSG_PACKETS, MSG_FIRST, MSG_LAST,
	MSG_NO_RA, MSG_OUTSIDE, MSG_GENERATED,
	MSG_REMOTE, MSG_WARNINGS, MSG_NO_PLAIN,
	MSG_OVERVIEW, MSG_N_HOSTS, MSG_N_OPEN, MSG_N_REMOTE, MSG_N_EXITS,
	MSG_N_UNDECLARED, MSG_N_PEERS, MSG_N_COUNTRIES, MSG_N_RA_FLOWS,
	MSG_CHECKLIST_SUMMARY, MSG_WORST,
	MSG_D_NEW_SERVICES, MSG_D_CLOSED_SERVICES, MSG_D_NEW_FINDINGS,
	MSG_D_RESOLVED_FINDINGS, MSG_D_NEW_HOSTS, MSG_D_GONE_HOSTS,
	MSG_D_NEW_EXITS, MSG_D_GONE_EXITS, MSG_D_NEW_PEERS, MSG_D_GONE_PEERS,
	MSG_D_NO_CHANGES, MSG_D_OLD, MSG_D_NEW, MSG_D_NEW_PARTIAL,
	MSG_NOT_SEEN, MSG_X_HOSTS, MSG_D_CHANGED_SERVICES, MSG_D_WAS,
	/* page 1, accepted risks, inspection evidence (page1.c) */
	MSG_CONCLUSION, MSG_ACTIONS, MSG_ACTION, MSG_OWNER, MSG_DEADLINE,
	MSG_OWNER_UNSET, MSG_NO_ACTIONS, MSG_COMPARE, MSG_C_NEW, MSG_C_FIXED,
	MSG_C_OPEN, MSG_C_ACCEPTED, MSG_C_EXPIRED, MSG_NO_PREVIOUS,
	MSG_NOT_MEASURED, MSG_APPENDIX, MSG_ACCEPTED_UNTIL, MSG_ACCEPT_EXPIRED,
	MSG_EV_SECTION, MSG_EV_CHECKED, MSG_EV_WHEN, MSG_EV_RESULT,
	MSG_EV_UNPROVEN, MSG_EV_NONE, MSG_EDITION, MSG_GENERATED_TZ,
	MSG_APPROVED_BY, MSG_REASON, MSG_EV_NOT_MEASURED, MSG_EV_INTRO,
	MSG_SUPPORT, MSG_NO_SUPPORT, MSG_SOFTWARE, MSG_SUPPORT_END,
	MSG_SUPPORTED, MSG_OUT_OF_SUPPORT, MSG_REMOTE_PATHS, MSG_NO_REMOTE_PATHS,
	MSG_PATH, MSG_VIA, MSG_UNTIL, MSG_DEVICE, MSG_INV_NOT_ASSESSED, MSG_EDITION_DEPENDENT,
	MSG_COUNT_
};

/* The label in that language (never NULL). */
const char *i18n(enum report_lang lang, enum msg m);
/* "en" / "ja" -> lang; -1 when unknown. */
int i18n_lang_parse(const char *s, enum report_lang *out);
const char *i18n_lang_code(enum report_lang lang);
/*
 * Label of a severity ("critical".."info"), or NULL when sev is not one
 * of the five (the caller then prints the raw value, escaped).
 */
const char *i18n_severity(enum report_lang lang, const char *sev);
/* Label of a run counter name, or NULL for an unknown counter. */
const char *i18n_counter(enum report_lang lang, const char *name);
/* The n-th known counter name in report order, NULL past the end. */
const char *i18n_counter_name(size_t n);
/* "inbound"/"outbound"/"internal" and "complete"/"partial", or NULL. */
const char *i18n_word(enum report_lang lang, const char *word);

#endif
