/*
 * audit.c - 'heiiki audit --vendor NAME' (audit.h): before a vendor
 * connection is opened.
 *
 *   1. what the policy grants: the vendor's sources, window, and every
 *      service rule it may use (vendor: NAME or named in may_reach) with
 *      its zones, ports and until: date (missing or past = no-go);
 *   2. what is reachable: a sweep (pipeline_scan) of the zones the grants
 *      reach plus the vendor-boundary zones, with the probes and rules;
 *   3. what the vendor lands on: RDP without NLA, VPN portals, invalid
 *      admin TLS certificates, services the policy does not list, in
 *      those zones (the vendor's own expired grants are part 1; another
 *      vendor's expired exception is that vendor's audit);
 *   4. a short report (Markdown and HTML, ja/en) ending in a go / no-go
 *      checklist, each line with its evidence.  Exit 0 go, 1 no-go.
 *
 * What an audit from inside cannot prove (that only the vendor's sources
 * get through the firewall) is listed as not checked, with the fence
 * command that checks it, never as passed - unless --evidence gives the
 * documents of 'heiiki fence' runs from outside: a not-allowed source that
 * got through to a service the vendor reaches is no-go, the vendor's own
 * sources answered and every other blocked is go.  Capture and night
 * documents given as evidence add the traffic: an undeclared exit or an
 * undeclared remote-support session of a host in the vendor's zones is
 * no-go (the Osaka pattern).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "scanner/cli/cli.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "scanner/report/report.h"

enum verdict { GO, NOGO, UNCHECKED };

struct line {
	enum verdict v;
	char en[512], ja[512];
};

struct audit {
	const struct audit_opts *o;
	struct policy pol;
	const struct vendor *vendor;
	struct line lines[64];
	size_t nlines;
	char *targets[64];		/* zone names to sweep */
	int ntargets;
};

static void
add_line(struct audit *a, enum verdict v, const char *en, const char *ja, ...)
{
	struct line *l;
	va_list ap;

	if (a->nlines >= sizeof(a->lines) / sizeof(a->lines[0]))
		return;
	l = &a->lines[a->nlines++];
	l->v = v;
	va_start(ap, ja);
	{
		va_list ap2;

		va_copy(ap2, ap);
		vsnprintf(l->en, sizeof(l->en), en, ap);
		vsnprintf(l->ja, sizeof(l->ja), ja, ap2);
		va_end(ap2);
	}
	va_end(ap);
}

static void
add_target(struct audit *a, const char *zone)
{
	for (int i = 0; i < a->ntargets; i++)
		if (!strcmp(a->targets[i], zone))
			return;
	if (a->ntargets < 64 && policy_zone_by_name(&a->pol, zone))
		a->targets[a->ntargets++] = (char *)zone;
}

/* 1. The grants. */
static void
grants(struct audit *a)
{
	const struct vendor *v = a->vendor;
	time_t now = time(NULL);
	char today[16], src[256];
	size_t nrules = 0;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	tset_fmt(&v->sources, src, sizeof(src));
	add_line(a, v->sources.n ? GO : NOGO, "vendor sources declared: %s",
		 "ベンダーの接続元が宣言されている: %s", v->sources.n ? src : "none / なし");
	add_line(a, v->window[0] ? GO : NOGO, "maintenance window declared: %s",
		 "保守時間帯が宣言されている: %s", v->window[0] ? v->window : "none / なし");
	for (size_t i = 0; i < a->pol.nrules; i++) {
		const struct service_rule *r = &a->pol.rules[i];
		int named = !strcmp(r->vendor, v->name);

		for (size_t k = 0; !named && k < v->nmay_reach; k++)
			named = !strcmp(v->may_reach[k], r->name);
		if (!named || r->deny)
			continue;
		nrules++;
		for (size_t z = 0; z < r->nzones; z++)
			add_target(a, r->zones[z]);
		if (!r->until)
			add_line(a, NOGO, "grant %s (%s): no until: date - a vendor exception "
				 "must end", "許可 %s (%s): until: の期限がない - ベンダー例外には"
				 "期限が必要", r->name, r->service);
		else if (r->until < now)
			add_line(a, NOGO, "grant %s (%s): until: %s has passed (today %s)",
				 "許可 %s (%s): 期限 %s は過ぎている (本日 %s)", r->name,
				 r->service, r->until_str, today);
		else
			add_line(a, GO, "grant %s (%s): in force until %s",
				 "許可 %s (%s): %s まで有効", r->name, r->service, r->until_str);
	}
	for (size_t k = 0; k < v->nmay_reach; k++)
		add_target(a, v->may_reach[k]);	/* zone names in may_reach */
	if (!nrules)
		add_line(a, NOGO, "no service rule grants the vendor anything",
			 "ベンダーに許可されたサービス規則がない");
	for (size_t z = 0; z < a->pol.nzones; z++)
		if (a->pol.zones[z].role == ZONE_VENDOR)
			add_target(a, a->pol.zones[z].name);
}

/* 3. Findings in the swept zones that matter for a vendor connection. */
static void
landing(struct audit *a, json_t *root)
{
	static const struct { const char *rule, *en, *ja; } bad[] = {
		{ "RDP_NO_NLA", "RDP without NLA", "NLA なしの RDP" },
		{ "VPN_PORTAL_EXPOSED", "VPN portal product", "VPN ポータル製品" },
		{ "ADMIN_TLS_CERT_INVALID", "invalid TLS certificate", "不正な TLS 証明書" },
		{ "SERVICE_NOT_EXPECTED", "service the policy does not list",
		  "ポリシーにないサービス" },
	};
	json_t *f;
	size_t i;

	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		int n = 0;

		json_array_foreach(json_object_get(root, "findings"), i, f) {
			if (strcmp(report_str(f, "rule"), bad[b].rule))
				continue;
			n++;
			add_line(a, NOGO, "%s: %s %s/%lld", "%s: %s %s/%lld", bad[b].en,
				 report_str(f, "addr"), report_str(f, "proto"),
				 report_int(f, "port", 0));
			/* the Japanese text of the same line */
			snprintf(a->lines[a->nlines - 1].ja, sizeof(a->lines[0].ja),
				 "%s: %s %s/%lld", bad[b].ja, report_str(f, "addr"),
				 report_str(f, "proto"), report_int(f, "port", 0));
		}
		if (!n)
			add_line(a, GO, "no %s in the reachable zones", "到達可能な範囲に%sなし",
				 bad[b].en);
		if (!n)
			snprintf(a->lines[a->nlines - 1].ja, sizeof(a->lines[0].ja),
				 "到達可能な範囲に%sなし", bad[b].ja);
	}
}

/* 1 when addr lies in one of the zones the audit sweeps. */
static int
in_targets(const struct audit *a, const char *addr)
{
	const struct zone *z;
	struct addr ad;

	if (!addr || addr_parse(addr, &ad) < 0 || !(z = policy_zone_of(&a->pol, &ad)))
		return 0;
	for (int i = 0; i < a->ntargets; i++)
		if (!strcmp(a->targets[i], z->name))
			return 1;
	return 0;
}

/*
 * --evidence: fence documents prove (or break) the source restriction of
 * the services the vendor reaches; capture/night documents show exits and
 * remote-support sessions of the vendor's equipment.  Returns 1 when a
 * fence document covered the vendor's zones (the "not checked" line goes).
 */
static int
evidence(struct audit *a)
{
	int fenced = 0;

	for (int e = 0; e < a->o->nevidence; e++) {
		const char *path = a->o->evidence[e];
		struct results *r;
		char err[512];
		json_t *root, *x;
		size_t i;

		if (results_load(path, &r, err, sizeof(err)) < 0) {
			add_line(a, UNCHECKED, "evidence %s could not be read: %s",
				 "根拠 %s を読めない: %s", path, err);
			continue;
		}
		root = results_root(r);
		if (!strcmp(report_str(results_run(r), "kind"), "fence")) {
			json_array_foreach(json_object_get(root, "services"), i, x) {
				json_t *fc = json_object_get(x, "fence");
				long long ok = report_int(json_object_get(fc, "allowed"), "open", 0);
				long long bad = report_int(json_object_get(fc, "not_allowed"), "open", 0);
				long long tried = report_int(json_object_get(fc, "not_allowed"), "sent", 0);

				if (!json_is_object(fc) || !in_targets(a, report_str(x, "addr")))
					continue;
				fenced = 1;
				if (bad > 0)
					add_line(a, NOGO, "reachable from a non-vendor source: %s %s/%lld "
						 "(fence %s)", "ベンダー以外の送信元から到達可能: %s %s/%lld "
						 "(fence %s)", report_str(x, "addr"), report_str(x, "proto"),
						 report_int(x, "port", 0), path);
				else if (ok > 0 && tried > 0)
					add_line(a, GO, "only allowed sources get through to %s %s/%lld "
						 "(fence %s)", "許可された送信元だけが %s %s/%lld に到達 "
						 "(fence %s)", report_str(x, "addr"), report_str(x, "proto"),
						 report_int(x, "port", 0), path);
				else
					add_line(a, UNCHECKED, "fence of %s %s/%lld proves nothing: the "
						 "allowed sources got no answer (%s)", "%s %s/%lld の fence "
						 "は判定不能: 許可された送信元にも応答がない (%s)",
						 report_str(x, "addr"), report_str(x, "proto"),
						 report_int(x, "port", 0), path);
			}
		}
		json_array_foreach(json_object_get(root, "findings"), i, x) {
			const char *rule = report_str(x, "rule");

			if (!strcmp(rule, "UNDECLARED_EXIT") || !strcmp(rule, "UNDECLARED_REMOTE_PATH")) {
				json_t *ex, *h;
				size_t k, m;
				int ours = in_targets(a, report_str(x, "addr"));

				/* an exit: the vendor's equipment among the hosts using it */
				json_array_foreach(json_object_get(root, "exits"), k, ex)
					json_array_foreach(json_object_get(ex, "hosts"), m, h)
						if (strstr(report_str(x, "key"), report_str(ex, "mac")) &&
						    *report_str(ex, "mac") && in_targets(a, json_string_value(h)))
							ours = 1;
				if (ours)
					add_line(a, NOGO, "%s seen in the traffic: %s (%s)",
						 "通信に %s を観測: %s (%s)", rule, report_str(x, "evidence"),
						 path);
			}
		}
		results_free(r);
	}
	return fenced;
}

static int
nogo(const struct audit *a)
{
	for (size_t i = 0; i < a->nlines; i++)
		if (a->lines[i].v == NOGO)
			return 1;
	return 0;
}

static const char *
mark(enum verdict v, int ja)
{
	return v == GO ? (ja ? "可" : "GO") : v == NOGO ? (ja ? "不可" : "NO-GO") :
	       (ja ? "未確認" : "not checked");
}

static int
write_reports(struct audit *a, const char *dir, const char *swept)
{
	char path[1024], err[512];
	char *buf;
	size_t len;
	int rc = 0;

	for (int ja = 0; ja <= 1; ja++) {
		for (int html = 0; html <= 1; html++) {
			FILE *f = open_memstream(&buf, &len);

			if (!f)
				return -1;
			if (html) {
				fputs("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>", f);
				report_esc_html(f, a->vendor->name);
				fprintf(f, "</title></head><body><h1>%s: ", ja ?
					"ベンダー接続前の点検" : "Vendor connection audit");
				report_esc_html(f, a->vendor->name);
				fprintf(f, "</h1><p>%s: ", ja ? "走査した範囲" : "Swept");
				report_esc_html(f, swept);
				fprintf(f, "</p><h2>%s: %s</h2><table><tr><th>%s</th><th>%s</th></tr>\n",
					ja ? "判定" : "Verdict", mark(nogo(a) ? NOGO : GO, ja),
					ja ? "結果" : "Result", ja ? "項目と根拠" : "Item and evidence");
				for (size_t i = 0; i < a->nlines; i++) {
					fprintf(f, "<tr><td>%s</td><td>", mark(a->lines[i].v, ja));
					report_esc_html(f, ja ? a->lines[i].ja : a->lines[i].en);
					fputs("</td></tr>\n", f);
				}
				fputs("</table></body></html>\n", f);
			} else {
				fprintf(f, "# %s: ", ja ? "ベンダー接続前の点検" :
					"Vendor connection audit");
				report_esc_md(f, a->vendor->name);
				fprintf(f, "\n\n%s: ", ja ? "走査した範囲" : "Swept");
				report_esc_md(f, swept);
				fprintf(f, "\n\n## %s: %s\n\n| %s | %s |\n|---|---|\n",
					ja ? "判定" : "Verdict", mark(nogo(a) ? NOGO : GO, ja),
					ja ? "結果" : "Result", ja ? "項目と根拠" : "Item and evidence");
				for (size_t i = 0; i < a->nlines; i++) {
					fprintf(f, "| %s | ", mark(a->lines[i].v, ja));
					report_esc_md(f, ja ? a->lines[i].ja : a->lines[i].en);
					fputs(" |\n", f);
				}
			}
			if (fclose(f) != 0)
				return -1;
			snprintf(path, sizeof(path), "%s/audit-%s.%s", dir, ja ? "ja" : "en",
				 html ? "html" : "md");
			if (fs_write_atomic(path, buf, len, 0640, err, sizeof(err)) < 0) {
				fprintf(stderr, "heiiki audit: %s\n", err);
				rc = -1;
			}
			free(buf);
		}
	}
	return rc;
}

int
pipeline_audit(const struct audit_opts *o)
{
	struct audit *a = calloc(1, sizeof(*a));
	struct scan_outcome so;
	struct scan_opts sopt;
	char err[1024], swept[512] = "", results[1024];
	char *argv[160];
	int argc = 0, rc;

	memset(&so, 0, sizeof(so));
	if (!a)
		return cli_fail("audit", "out of memory");
	a->o = o;
	if (policy_load(o->policy, &a->pol, err, sizeof(err)) < 0) {
		free(a);
		return cli_usage("audit", "%s", err);
	}
	for (size_t i = 0; i < a->pol.nvendors; i++)
		if (!strcmp(a->pol.vendors[i].name, o->vendor))
			a->vendor = &a->pol.vendors[i];
	if (!a->vendor) {
		rc = cli_usage("audit", "%s: no vendor named '%s' in vendors:", o->policy,
			       o->vendor);
		goto out;
	}
	grants(a);
	if (!evidence(a))
		add_line(a, UNCHECKED, "only the vendor's sources get through the firewall: run "
			 "'heiiki fence' from outside with the vendor's and a non-vendor source, "
			 "and give its document with --evidence",
			 "ベンダーの接続元だけが通ること: 外部から 'heiiki fence' をベンダーと"
			 "ベンダー以外の送信元で実行し、その結果を --evidence で渡して確認する");
	/* 2. the sweep of what the vendor may reach */
	snprintf(results, sizeof(results), "%s/audit-results.json", o->out_dir);
	argv[argc++] = "scan";
	argv[argc++] = "--policy";
	argv[argc++] = (char *)o->policy;
	argv[argc++] = "--no-progress";
	argv[argc++] = "-o";
	argv[argc++] = results;
	for (int i = 0; i < o->nscan_args && argc < 90; i++)
		argv[argc++] = o->scan_args[i];
	for (int i = 0; i < a->ntargets && argc < 158; i++) {
		size_t n = strlen(swept);

		argv[argc++] = a->targets[i];
		snprintf(swept + n, sizeof(swept) - n, "%s%s", n ? ", " : "", a->targets[i]);
	}
	argv[argc] = NULL;
	if (!a->ntargets) {
		rc = cli_usage("audit", "the grants of '%s' reach no zone of the policy: "
			       "nothing to sweep", o->vendor);
		goto out;
	}
	if (o->reparse(argc, argv, &sopt) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	sopt.cmd = "audit";
	sopt.keep_results = 1;
	sopt.fail_on = 5;
	rc = pipeline_scan(&sopt, argc, argv, o->reparse, &so);
	if (rc != 0 || !so.res) {
		if (!rc)
			rc = EXIT_RUNTIME;
		goto out;
	}
	landing(a, results_root(so.res));
	if (write_reports(a, o->out_dir, swept) < 0) {
		rc = cli_fail("audit", "the report could not be written");
		goto out;
	}
	for (size_t i = 0; i < a->nlines; i++)
		printf("%-11s %s\n", mark(a->lines[i].v, o->lang == LANG_JA),
		       o->lang == LANG_JA ? a->lines[i].ja : a->lines[i].en);
	printf("%s: %s\n", o->lang == LANG_JA ? "判定" : "verdict",
	       mark(nogo(a) ? NOGO : GO, o->lang == LANG_JA));
	rc = nogo(a) ? EXIT_FINDINGS : 0;
out:
	pipeline_outcome_free(&so);
	policy_free(&a->pol);
	free(a);
	return rc;
}
