/*
 * group.c - the group view (group.h): sites x (last run, open findings by
 * severity, new since the baseline, undeclared exits, expired and
 * expiring vendor exceptions, out-of-support devices), read through the history API only,
 * so SQLite and PostgreSQL give the same table.  With PostgreSQL row-level
 * security a site's role sees its own row only; the reader role sees all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "group.h"
#include "history.h"
#include "report.h"

static const char *const sev_words[] = { "critical", "high", "medium", "low", "info" };
#define NSEV (sizeof(sev_words) / sizeof(sev_words[0]))

/* Rules each count column adds up (scanner/findings/rules.c). */
static const char *const undeclared_rules[] = { "UNDECLARED_EXIT", "UNDECLARED_REMOTE_PATH" };

static int
rule_in(const char *rule, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rule, set[i]))
			return 1;
	return 0;
}

/* Every site's chosen run: {site -> run object}.  history_sites_latest()
 * already gives one run per site; the choice is made again here so the
 * rule (a scan run first) holds for any list of runs, newest first. */
static json_t *
group_pick(json_t *runs)
{
	json_t *pick = json_object(), *any = json_object(), *r;
	const char *site;
	size_t i;

	/* runs are newest first: the first of a site wins */
	json_array_foreach(runs, i, r) {
		site = report_str(r, "site");
		if (!json_object_get(any, site))
			json_object_set(any, site, r);
		if (!strcmp(report_str(r, "kind"), "scan") && !json_object_get(pick, site))
			json_object_set(pick, site, r);
	}
	json_object_foreach(any, site, r)
		if (!json_object_get(pick, site))
			json_object_set(pick, site, r);
	json_decref(any);
	return pick;
}

/* {key -> true} of a stored run's findings; NULL with err. */
static json_t *
group_keys(struct history *h, long long id, char *err, size_t errlen)
{
	json_t *doc = history_document(h, id, err, errlen), *keys, *f;
	size_t i;

	if (!doc)
		return NULL;
	keys = json_object();
	json_array_foreach(json_object_get(doc, "findings"), i, f)
		if (*report_str(f, "key"))
			json_object_set_new(keys, report_str(f, "key"), json_true());
	json_decref(doc);
	return keys;
}

/* "%XX" for every byte but unreserved ones (RFC 3986). */
static void
url_enc(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static json_t *
group_url(const char *tmpl, const char *site, long long id)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	json_t *v;

	if (!m)
		return json_null();
	for (const char *p = tmpl; *p; p++) {
		if (!strncmp(p, "{site}", 6)) {
			url_enc(m, site);
			p += 5;
		} else if (!strncmp(p, "{run}", 5)) {
			fprintf(m, "%lld", id);
			p += 4;
		} else {
			fputc(*p, m);
		}
	}
	fclose(m);
	v = buf ? json_string(buf) : json_null();
	free(buf);
	return v ? v : json_null();
}

/* One site's row from its chosen run; NULL with err. */
static json_t *
group_row(struct history *h, const char *site, json_t *run, const char *tmpl, long long now,
	  char *err, size_t errlen)
{
	long long id = report_int(run, "id", -1), older = 0, t;
	json_t *doc, *row, *open, *prev = NULL, *f;
	long long nsev[NSEV] = { 0 }, undeclared = 0, vendor = 0, expiring = 0, oos = 0, fresh = 0,
		  total = 0;
	size_t i;
	int rc;

	doc = history_document(h, id, err, errlen);
	if (!doc)
		return NULL;
	rc = history_baseline(h, id, &older, err, errlen);
	if (rc < 0 || (rc == 0 && !(prev = group_keys(h, older, err, errlen)))) {
		json_decref(doc);
		return NULL;
	}
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		const char *rule = report_str(f, "rule");
		int rank = report_sev_rank(report_str(f, "severity"));

		total++;
		if (rank >= 0)
			nsev[NSEV - 1 - (size_t)rank]++;
		undeclared += rule_in(rule, undeclared_rules, 2);
		vendor += !strcmp(rule, "VENDOR_EXCEPTION_EXPIRED");
		expiring += !strcmp(rule, "VENDOR_EXCEPTION_EXPIRING");
		oos += !strcmp(rule, "OUT_OF_SUPPORT");
		if (prev && !json_object_get(prev, report_str(f, "key")))
			fresh++;
	}
	open = json_object();
	for (i = 0; i < NSEV; i++)
		json_object_set_new(open, sev_words[i], json_integer(nsev[i]));
	t = report_epoch(report_str(run, "end"));
	if (t < 0)
		t = report_epoch(report_str(run, "start"));
	row = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:I, s:I,"
			" s:I, s:I, s:o}",
			"site", site, "kind", report_str(run, "kind"), "run_id", id,
			"start", report_str(run, "start"), "end", report_str(run, "end"),
			"status", report_str(run, "status"),
			"age_seconds", t >= 0 && now >= t ? json_integer(now - t) : json_null(),
			"open", open, "open_total", total,
			"baseline_id", prev ? json_integer(older) : json_null(),
			"new", prev ? json_integer(fresh) : json_null(),
			"undeclared_exits", undeclared, "vendor_exceptions_expired", vendor,
			"vendor_exceptions_expiring", expiring,
			"out_of_support", oos,
			"url", tmpl && *tmpl ? group_url(tmpl, site, id) : json_null());
	json_decref(prev);
	json_decref(doc);
	if (!row)
		snprintf(err, errlen, "out of memory");
	return row;
}

json_t *
group_table(struct history *h, const char *tmpl, long long now, char *err, size_t errlen)
{
	json_t *runs = history_sites_latest(h, err, errlen), *pick, *sites, *names, *name;
	char gen[32];
	time_t tt = (time_t)now;
	struct tm tm;
	size_t i;

	if (!runs)
		return NULL;
	pick = group_pick(runs);
	names = report_keys(pick);	/* sorted */
	sites = json_array();
	json_array_foreach(names, i, name) {
		const char *site = json_string_value(name);
		json_t *row = group_row(h, site, json_object_get(pick, site), tmpl, now, err,
					errlen);

		if (!row) {
			json_decref(sites);
			sites = NULL;
			break;
		}
		json_array_append_new(sites, row);
	}
	json_decref(names);
	json_decref(pick);
	json_decref(runs);
	if (!sites)
		return NULL;
	gmtime_r(&tt, &tm);
	strftime(gen, sizeof(gen), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s, s:i, s:s, s:o}", "format", "heiiki-group", "version", 1,
			 "generated", gen, "sites", sites);
}

/* --- writers ---------------------------------------------------------------- */

enum gcol {
	G_TITLE, G_SITE, G_RUN, G_STATUS, G_START, G_END, G_AGE, G_OPEN, G_NEW,
	G_UNDECLARED, G_VENDOR, G_EXPIRING, G_OOS, G_LINK, G_COMPLETE, G_PARTIAL, G_NONE,
	G_NO_SITES, G_GENERATED, G_NOTE, G_COUNT
};

static const char *const glabels[G_COUNT][LANG_COUNT] = {
	[G_TITLE] = { "heiiki group report", "heiiki グループ報告書" },
	[G_SITE] = { "Site", "施設" },
	[G_RUN] = { "Run", "実行" },
	[G_STATUS] = { "Coverage of the last run", "直近の実行の網羅" },
	[G_START] = { "Start", "開始" },
	[G_END] = { "End", "終了" },
	[G_AGE] = { "Age (hours)", "経過時間 (時間)" },
	[G_OPEN] = { "Open findings", "未対応の指摘" },
	[G_NEW] = { "New since baseline", "前回からの新規" },
	[G_UNDECLARED] = { "Undeclared exits", "未申告の出口" },
	[G_VENDOR] = { "Expired vendor exceptions", "期限切れのベンダー例外" },
	[G_EXPIRING] = { "Vendor exceptions ending within 30 days", "30 日以内に期限が切れるベンダー例外" },
	[G_OOS] = { "Out of support", "サポート終了機器" },
	[G_LINK] = { "Site report", "施設の報告書" },
	[G_COMPLETE] = { "complete", "完了" },
	[G_PARTIAL] = { "partial", "一部のみ" },
	[G_NONE] = { "no baseline", "比較対象なし" },
	[G_NO_SITES] = { "The history holds no run.", "履歴に実行がありません。" },
	[G_GENERATED] = { "Generated", "作成日時" },
	[G_NOTE] = { "One row per site: its newest scan run (what heiiki night stores), "
		     "compared with the previous complete run of the same site.",
		     "施設ごとに1行: 最新のスキャン実行 (heiiki night が保存するもの) を、"
		     "同じ施設の前回の完了した実行と比較しています。" },
};

static const char *
gl(enum report_lang lang, enum gcol c)
{
	return glabels[c][lang < LANG_COUNT ? lang : LANG_EN];
}

static const char *
status_label(enum report_lang lang, const char *st)
{
	return !strcmp(st, "complete") ? gl(lang, G_COMPLETE) :
	       !strcmp(st, "partial") ? gl(lang, G_PARTIAL) : st;
}

/* Age in whole hours, or -1 when unknown. */
static long long
age_hours(const json_t *row)
{
	json_t *a = json_object_get(row, "age_seconds");

	return json_is_integer(a) ? json_integer_value(a) / 3600 : -1;
}

static const char css[] =
	"body{font-family:\"Noto Sans JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,"
	"sans-serif;margin:2em;color:#222}\n"
	"table{border-collapse:collapse;width:100%;font-size:.92em}\n"
	"th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#eef1f5}td.n{text-align:right}\n"
	".sev-critical{background:#7b0000;color:#fff}.sev-high{background:#d32f2f;color:#fff}\n"
	".sev-medium{background:#f9a825}.sev-low{background:#c5e1a5}"
	".sev-info{background:#e0e0e0}\n"
	".partial{background:#fde2e1;color:#900;font-weight:bold}.risk{color:#b00;"
	"font-weight:bold}.none{color:#777}\n"
	"@media print{body{margin:0}tr{page-break-inside:avoid}}\n";

/* A count cell: class cls when the count is not zero. */
static void
html_count(FILE *f, long long n, const char *cls)
{
	if (n > 0 && cls)
		fprintf(f, "<td class=\"n %s\">%lld</td>", cls, n);
	else
		fprintf(f, "<td class=\"n\">%lld</td>", n);
}

static void
html_th(FILE *f, const char *s)
{
	fputs("<th>", f);
	report_esc_html(f, s);
	fputs("</th>", f);
}

static void
group_html(FILE *f, const json_t *t, enum report_lang lang)
{
	const json_t *row;
	size_t i, s;
	char cls[32];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'\">\n<title>", lang == LANG_JA ? "ja" : "en");
	report_esc_html(f, gl(lang, G_TITLE));
	fprintf(f, "</title>\n<style>\n%s</style></head><body>\n<h1>", css);
	report_esc_html(f, gl(lang, G_TITLE));
	fputs("</h1>\n<p>", f);
	report_esc_html(f, gl(lang, G_GENERATED));
	fputs(": ", f);
	report_esc_html(f, report_str(t, "generated"));
	fputs("</p>\n<p>", f);
	report_esc_html(f, gl(lang, G_NOTE));
	fputs("</p>\n", f);
	if (!json_array_size(json_object_get(t, "sites"))) {
		fputs("<p class=\"none\">", f);
		report_esc_html(f, gl(lang, G_NO_SITES));
		fputs("</p>\n</body></html>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr>", f);
	html_th(f, gl(lang, G_SITE));
	html_th(f, gl(lang, G_RUN));
	html_th(f, gl(lang, G_STATUS));
	html_th(f, gl(lang, G_END));
	html_th(f, gl(lang, G_AGE));
	for (s = 0; s < NSEV; s++)
		html_th(f, i18n_severity(lang, sev_words[s]));
	html_th(f, gl(lang, G_NEW));
	html_th(f, gl(lang, G_UNDECLARED));
	html_th(f, gl(lang, G_VENDOR));
	html_th(f, gl(lang, G_EXPIRING));
	html_th(f, gl(lang, G_OOS));
	html_th(f, gl(lang, G_LINK));
	fputs("</tr></thead>\n<tbody>\n", f);
	json_array_foreach(json_object_get(t, "sites"), i, row) {
		const char *st = report_str(row, "status"), *url = report_str(row, "url");
		json_t *nw = json_object_get(row, "new");

		fputs("<tr><td>", f);
		report_esc_html(f, report_str(row, "site"));
		fprintf(f, "</td><td class=\"n\">%lld</td><td%s>",
			report_int(row, "run_id", 0), strcmp(st, "complete") ? " class=\"partial\"" : "");
		report_esc_html(f, status_label(lang, st));
		fputs("</td><td>", f);
		report_esc_html(f, *report_str(row, "end") ? report_str(row, "end") :
				report_str(row, "start"));
		if (age_hours(row) >= 0)
			fprintf(f, "</td><td class=\"n\">%lld</td>", age_hours(row));
		else
			fputs("</td><td></td>", f);
		for (s = 0; s < NSEV; s++) {
			snprintf(cls, sizeof(cls), "sev-%s", sev_words[s]);
			html_count(f, report_int(json_object_get(row, "open"), sev_words[s], 0), cls);
		}
		if (json_is_integer(nw)) {
			html_count(f, json_integer_value(nw), "risk");
		} else {
			fputs("<td class=\"none\">", f);
			report_esc_html(f, gl(lang, G_NONE));
			fputs("</td>", f);
		}
		html_count(f, report_int(row, "undeclared_exits", 0), "risk");
		html_count(f, report_int(row, "vendor_exceptions_expired", 0), "risk");
		html_count(f, report_int(row, "vendor_exceptions_expiring", 0), "risk");
		html_count(f, report_int(row, "out_of_support", 0), "risk");
		fputs("<td>", f);
		if (*url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7) ||
			     !strchr(url, ':'))) {
			fputs("<a href=\"", f);
			report_esc_html(f, url);
			fputs("\">", f);
			report_esc_html(f, gl(lang, G_LINK));
			fputs("</a>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</body></html>\n", f);
}

static void
csv_num(FILE *f, const json_t *v)
{
	fputc(',', f);
	if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
}

static void
group_csv(FILE *f, const json_t *t, enum report_lang lang)
{
	static const enum gcol heads[] = { G_SITE, G_RUN, G_STATUS, G_START, G_END, G_AGE };
	static const enum gcol tail[] = { G_NEW, G_UNDECLARED, G_VENDOR, G_EXPIRING, G_OOS, G_LINK };
	const json_t *row;
	size_t i, s;

	fputs("\xEF\xBB\xBF", f);	/* UTF-8 BOM, like every heiiki CSV with text */
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		if (i)
			fputc(',', f);
		report_csv_cell(f, gl(lang, heads[i]));
	}
	for (s = 0; s < NSEV; s++) {
		fputc(',', f);
		report_csv_cell(f, i18n_severity(lang, sev_words[s]));
	}
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++) {
		fputc(',', f);
		report_csv_cell(f, gl(lang, tail[i]));
	}
	fputs("\r\n", f);
	json_array_foreach(json_object_get(t, "sites"), i, row) {
		report_csv_cell(f, report_str(row, "site"));
		csv_num(f, json_object_get(row, "run_id"));
		fputc(',', f);
		report_csv_cell(f, status_label(lang, report_str(row, "status")));
		fputc(',', f);
		report_csv_cell(f, report_str(row, "start"));
		fputc(',', f);
		report_csv_cell(f, report_str(row, "end"));
		fputc(',', f);
		if (age_hours(row) >= 0)
			fprintf(f, "%lld", age_hours(row));
		for (s = 0; s < NSEV; s++)
			csv_num(f, json_object_get(json_object_get(row, "open"), sev_words[s]));
		csv_num(f, json_object_get(row, "new"));
		csv_num(f, json_object_get(row, "undeclared_exits"));
		csv_num(f, json_object_get(row, "vendor_exceptions_expired"));
		csv_num(f, json_object_get(row, "vendor_exceptions_expiring"));
		csv_num(f, json_object_get(row, "out_of_support"));
		fputc(',', f);
		report_csv_cell(f, report_str(row, "url"));
		fputs("\r\n", f);
	}
}

int
group_write(FILE *f, const json_t *t, const char *format, enum report_lang lang, char *err,
	    size_t errlen)
{
	if (!strcmp(format, "html")) {
		group_html(f, t, lang);
	} else if (!strcmp(format, "csv")) {
		group_csv(f, t, lang);
	} else if (!strcmp(format, "json")) {
		json_t *copy = json_deep_copy(t);

		report_clean_json(copy);
		json_dumpf(copy, f, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', f);
		json_decref(copy);
	} else {
		snprintf(err, errlen, "--group writes html, csv or json, not '%s'", format);
		return -1;
	}
	return 0;
}
