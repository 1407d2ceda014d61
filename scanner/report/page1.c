/*
 * page1.c - what a hospital director reads first, and what an inspector
 * asks for.
 *
 * Page 1: one sentence that says where the hospital stands; "what to do
 * first" - the three worst findings that are not accepted risks, each
 * with its target (the asset's name from the policy), the owner and
 * maintenance vendor (policy assets:) and a deadline that follows from
 * the severity; the comparison with the previous run (new / fixed / still
 * open / accepted).  The severity summary follows (table.c).
 *
 * Deadlines count from the run's end in the site's time zone: critical
 * the next day, high 7 days, medium 30 days, low and info 90 days.
 *
 * Inspection evidence: one block per checklist topic heiiki can speak to,
 * in the chosen edition: the item, what was checked, when, from where,
 * with which policy (SHA-256), the result, and what heiiki cannot prove.
 */
#include <stdio.h>
#include <string.h>

#include "labels.h"
#include "scanner/input/policy.h"
#include "table.h"

static const int deadline_days[5] = { 90, 90, 30, 7, 1 };

static void
para(FILE *f, const struct table_syntax *sx, const char *open, const char *close,
     const char *s)
{
	fputs(open, f);
	sx->esc(f, s);
	fputs(close, f);
}

/* Findings that are not accepted (expired acceptances count again). */
static void
active_counts(const struct report *r, size_t counts[5], size_t *accepted, size_t *expired)
{
	json_t *fd;
	size_t i;

	memset(counts, 0, 5 * sizeof(counts[0]));
	*accepted = *expired = 0;
	json_array_foreach(r->findings, i, fd) {
		int st = report_accepted(r, fd, NULL), rank = report_sev_rank(report_str(fd, "severity"));

		if (st == 1) {
			(*accepted)++;
			continue;
		}
		if (st == 2)
			(*expired)++;
		if (rank >= 0)
			counts[rank]++;
	}
}

static void
conclusion(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	size_t c[5], acc, exp, rest;
	char buf[1024];
	int ja = r->lang == LANG_JA, off = 0;
	int partial = strcmp(report_str(r->run, "status"), "complete") != 0;

	active_counts(r, c, &acc, &exp);
	rest = c[RSEV_MEDIUM] + c[RSEV_LOW] + c[RSEV_INFO];
	if (c[RSEV_CRITICAL] + c[RSEV_HIGH])
		off = snprintf(buf, sizeof(buf), ja ?
			       "重大 %zu 件・高 %zu 件の、至急対応が必要な問題があります。"
			       "下の「まず対応すべきこと」から着手してください。" :
			       "There are %zu critical and %zu high-severity problems that need "
			       "action now; start with \"What to do first\" below.",
			       c[RSEV_CRITICAL], c[RSEV_HIGH]);
	else if (rest)
		off = snprintf(buf, sizeof(buf), ja ?
			       "至急対応が必要な問題（重大・高）はありません。中・低の %zu 件を"
			       "計画的に対応してください。" :
			       "No critical or high-severity problem; plan the %zu medium and "
			       "low-severity items.", rest);
	else
		off = snprintf(buf, sizeof(buf), "%s", ja ?
			       "ポリシーに反する問題は見つかりませんでした。" :
			       "No problem against the policy was found.");
	if (acc && off > 0 && (size_t)off < sizeof(buf))
		off += snprintf(buf + off, sizeof(buf) - (size_t)off, ja ?
				"（ほかに受容済みのリスクが %zu 件あります。）" :
				" (%zu accepted risks are not counted.)", acc);
	if (partial && off > 0 && (size_t)off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - (size_t)off, "%s", ja ?
			 "ただし今回の実行は未完了のため、見つからなかったことは安全の証明に"
			 "なりません。" :
			 " This run did not complete: what was not found is not proven absent.");
	para(f, sx, sx->lead, sx->lead_end, buf);
}

/* "PACS サーバ (198.18.10.20) tcp/3389" */
static const char *
target(const struct report *r, const json_t *fd, char *buf, size_t len)
{
	char name[256];
	const char *a = report_str(fd, "addr");

	if (!*a) {
		snprintf(buf, len, "%s", *report_str(fd, "zone") ? report_str(fd, "zone") : "-");
		return buf;
	}
	report_addr_label(r, a, name, sizeof(name));
	if (report_has_port(fd))
		snprintf(buf, len, "%s %s/%lld", name, report_str(fd, "proto"),
			 report_int(fd, "port", -1));
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

static const char *
owner(const struct report *r, const json_t *fd, char *buf, size_t len)
{
	const struct asset *as = report_asset(r, report_str(fd, "addr"));

	if (!as || (!*as->owner && !*as->vendor))
		return i18n(r->lang, MSG_OWNER_UNSET);
	snprintf(buf, len, "%s%s%s", as->owner, *as->owner && *as->vendor ? " / " : "",
		 as->vendor);
	return buf;
}

static void
actions(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_SEVERITY, MSG_ACTION, MSG_TARGET, MSG_OWNER,
					 MSG_DEADLINE };
	json_t *fd;
	size_t i, n = 0;
	char tgt[512], own[300], date[32];

	sx->subheading(f, r, MSG_ACTIONS);
	json_array_foreach(r->findings, i, fd) {
		int rank = report_sev_rank(report_str(fd, "severity"));

		if (n == 3 || report_accepted(r, fd, NULL) == 1 || rank < RSEV_LOW)
			continue;
		if (!n++)
			sx->header(f, r, cols, 5);
		fputs(sx->row, f);
		fputs(sx->td, f);
		sx->sev(f, r, report_str(fd, "severity"));
		fputs(sx->td_end, f);
		table_cell(f, sx, report_l10n(r, fd, "remedy"));
		table_cell(f, sx, target(r, fd, tgt, sizeof(tgt)));
		table_cell(f, sx, owner(r, fd, own, sizeof(own)));
		if (r->now >= 0)
			report_date(r, r->now + 86400LL * deadline_days[rank], date, sizeof(date));
		else
			snprintf(date, sizeof(date), "-");
		table_cell(f, sx, date);
		fputs(sx->row_end, f);
	}
	if (n)
		fputs(sx->table_end, f);
	else
		table_none(f, r, sx, MSG_NO_ACTIONS);
}

static void
compare(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	static const enum msg cols[] = { MSG_C_NEW, MSG_C_FIXED, MSG_C_OPEN, MSG_C_ACCEPTED,
					 MSG_C_EXPIRED };
	size_t c[5], acc, exp, nnew = 0, nopen = 0, nfixed = 0;
	json_t *fd, *cur = json_object();
	const char *k;
	void *tmp;
	size_t i;

	active_counts(r, c, &acc, &exp);
	json_array_foreach(r->findings, i, fd) {
		const char *key = report_str(fd, "key");

		json_object_set_new(cur, key, json_true());
		if (!r->prev_keys)
			continue;
		if (json_object_get(r->prev_keys, key))
			nopen++;
		else
			nnew++;
	}
	json_object_foreach_safe(r->prev_keys, tmp, k, fd)
		if (!json_object_get(cur, k))
			nfixed++;
	json_decref(cur);
	sx->subheading(f, r, MSG_COMPARE);
	sx->header(f, r, cols, 5);
	fputs(sx->row, f);
	table_num(f, sx, r->prev_keys ? (long long)nnew : -1);
	table_num(f, sx, r->prev_keys ? (long long)nfixed : -1);
	table_num(f, sx, r->prev_keys ? (long long)nopen : -1);
	table_num(f, sx, (long long)acc);
	table_num(f, sx, (long long)exp);
	fputs(sx->row_end, f);
	fputs(sx->table_end, f);
	if (!r->prev_keys)
		table_none(f, r, sx, MSG_NO_PREVIOUS);
}

void
table_page1(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	char when[64], vant[256], line[512];

	sx->section(f, r, "page1", MSG_CONCLUSION);
	conclusion(f, r, sx);
	actions(f, r, sx);
	compare(f, r, sx);
	fputs(sx->kv_table, f);
	table_kv(f, sx, i18n(r->lang, MSG_KIND),
		 i18n_word(r->lang, report_str(r->run, "kind")) ?
		 i18n_word(r->lang, report_str(r->run, "kind")) : report_str(r->run, "kind"));
	report_time(r, report_str(r->run, "end"), when, sizeof(when));
	table_kv(f, sx, i18n(r->lang, MSG_END), when);
	table_kv(f, sx, i18n(r->lang, MSG_VANTAGE), report_vantage(r, vant, sizeof(vant)));
	snprintf(line, sizeof(line), "%s", cl_edition_name(r->lang, (enum cl_edition)r->edition));
	table_kv(f, sx, i18n(r->lang, MSG_EDITION), line);
	fputs(sx->table_end, f);
	fputs(sx->section_end, f);
}

/* --- inspection evidence ----------------------------------------------------------------- */

static int
topic_measured(const struct report *r, enum cl_topic t)
{
	if (t == CLT_REMOTE)
		return r->measured_traffic;
	if (t == CLT_LEDGER)	/* only where the policy names a ledger */
		return json_object_get(json_object_get(r->root, "inventory"), "ledger") != NULL;
	if (t == CLT_SRC)
		return r->measured_hosts || r->measured_traffic;
	return r->measured_hosts;
}

static void
evidence_result(const struct report *r, enum cl_topic t, char *buf, size_t len)
{
	json_t *fd;
	size_t i, n = 0, acc = 0;
	int worst = -1, ja = r->lang == LANG_JA;

	if (!topic_measured(r, t)) {
		snprintf(buf, len, "%s", i18n(r->lang, MSG_EV_NOT_MEASURED));
		return;
	}
	json_array_foreach(r->findings, i, fd) {
		int rank = report_sev_rank(report_str(fd, "severity"));

		if (cl_topic_of(report_str(fd, "rule")) != (int)t)
			continue;
		if (report_accepted(r, fd, NULL) == 1) {
			acc++;
			continue;
		}
		n++;
		if (rank > worst)
			worst = rank;
	}
	if (!n && !acc)
		snprintf(buf, len, "%s", i18n(r->lang, MSG_EV_NONE));
	else if (!n)
		snprintf(buf, len, ja ? "指摘なし（受容済み %zu 件）" : "no finding (%zu accepted)", acc);
	else
		snprintf(buf, len, ja ? "いいえ: 指摘 %zu 件（最も高い重大度: %s）%s" :
			 "no: %zu finding(s), worst %s%s", n,
			 report_sev_label(r, report_rank_word(worst)),
			 acc ? (ja ? "、ほかに受容済みあり" : ", others accepted") : "");
}

void
table_evidence(FILE *f, const struct report *r, const struct table_syntax *sx)
{
	char item[512], when[160], t0[64], t1[64], vant[256], res[256];
	const char *hash = report_str(r->run, "policy_hash");

	sx->section(f, r, "evidence", MSG_EV_SECTION);
	table_none(f, r, sx, MSG_EV_INTRO);
	report_time(r, report_str(r->run, "start"), t0, sizeof(t0));
	report_time(r, report_str(r->run, "end"), t1, sizeof(t1));
	snprintf(when, sizeof(when), "%s – %s", t0, t1);
	for (int t = 0; t < CLT_COUNT; t++) {
		const struct cl_item *it = cl_item((enum cl_edition)r->edition, (enum cl_topic)t);

		if (it->num && it->text)
			snprintf(item, sizeof(item), "%s %s", it->num, it->text);
		else if (it->num)
			snprintf(item, sizeof(item), "%s %s %s", it->num,
				 cl_topic_name(r->lang, (enum cl_topic)t),
				 r->lang == LANG_JA ? "［文言未確認］" : "[wording not verified]");
		else
			snprintf(item, sizeof(item), "%s %s", cl_topic_name(r->lang, (enum cl_topic)t),
				 r->lang == LANG_JA ? "［この版の項目番号は未確認］" :
				 "[item number in this edition not verified]");
		evidence_result(r, (enum cl_topic)t, res, sizeof(res));
		fputs(sx->kv_table, f);
		table_kv(f, sx, i18n(r->lang, MSG_CHECKLIST), item);
		table_kv(f, sx, i18n(r->lang, MSG_EV_CHECKED),
			 cl_topic_checked(r->lang, (enum cl_topic)t));
		table_kv(f, sx, i18n(r->lang, MSG_EV_WHEN), when);
		table_kv(f, sx, i18n(r->lang, MSG_VANTAGE), report_vantage(r, vant, sizeof(vant)));
		table_kv(f, sx, i18n(r->lang, MSG_POLICY_HASH), *hash ? hash : "-");
		table_kv(f, sx, i18n(r->lang, MSG_EV_RESULT), res);
		table_kv(f, sx, i18n(r->lang, MSG_EV_UNPROVEN),
			 cl_topic_unproven(r->lang, (enum cl_topic)t));
		fputs(sx->table_end, f);
	}
	fputs(sx->section_end, f);
}
