/*
 * diff.c - changes between two results documents (see diff.h).
 *
 * Both documents go through report_init() so that lists come out in the
 * same sorted order as in the reports; then each list of the new document
 * is checked against an identity set of the old one and vice versa.
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "report.h"

typedef void (*ident_fn)(const json_t *o, char *buf, size_t len);

static void
id_service(const json_t *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%lld", report_str(o, "addr"), report_str(o, "proto"),
		 report_int(o, "port", -1));
}

static void
id_finding(const json_t *o, char *buf, size_t len)
{
	if (*report_str(o, "key"))
		snprintf(buf, len, "%s", report_str(o, "key"));
	else
		snprintf(buf, len, "%s|%s|%s|%lld|", report_str(o, "rule"),
			 report_str(o, "addr"), report_str(o, "proto"),
			 report_int(o, "port", 0));
}

static void
id_addr(const json_t *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", report_str(o, "addr"));
}

static void
id_exit(const json_t *o, char *buf, size_t len)
{
	const char *a = report_exit_addr(o), *mac = report_str(o, "mac");

	if (*a || *mac)
		snprintf(buf, len, "%s|%s", a, mac);
	else
		snprintf(buf, len, "name:%s", report_exit_name(o));
}

static json_t *
ident_set(const json_t *arr, ident_fn id)
{
	json_t *set = json_object(), *o;
	size_t i;
	char key[1024];

	json_array_foreach((json_t *)arr, i, o) {
		if (!report_exit_seen(o))	/* a declared exit with no traffic */
			continue;
		id(o, key, sizeof(key));
		json_object_set_new(set, key, json_true());
	}
	return set;
}

/* Items of a whose identity is not in b, appended to out[name]. */
static int
only_in(json_t *out, const char *name, const json_t *a, const json_t *b, ident_fn id)
{
	json_t *set = ident_set(b, id), *list = json_array(), *o;
	size_t i;
	char key[1024];

	if (!set || !list) {
		json_decref(set);
		json_decref(list);
		return -1;
	}
	json_array_foreach((json_t *)a, i, o) {
		if (!report_exit_seen(o))
			continue;
		id(o, key, sizeof(key));
		if (!json_object_get(set, key))
			json_array_append(list, o);
	}
	json_decref(set);
	return json_object_set_new(out, name, list);
}

/* "service product version" of an open service, for comparison and text. */
static void
svc_what(const json_t *o, char *buf, size_t len)
{
	const char *parts[3] = { report_str(o, "service"), report_str(o, "product"),
				 report_str(o, "version") };
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < 3 && n < len; k++) {
		int w;

		if (!*parts[k])
			continue;
		w = snprintf(buf + n, len - n, "%s%s", n ? " " : "", parts[k]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/*
 * Services open in both runs whose service, product or version changed
 * (an appliance upgraded, or downgraded, or something else answering on
 * the port): each new service object, with "was" = the old description.
 */
static int
changed_services(json_t *out, const json_t *newl, const json_t *oldl)
{
	json_t *old = json_object(), *list = json_array(), *o, *prev;
	size_t i;
	char key[1024], a[512], b[512];

	if (!old || !list)
		goto out_oom;
	json_array_foreach((json_t *)oldl, i, o) {
		id_service(o, key, sizeof(key));
		json_object_set(old, key, o);
	}
	json_array_foreach((json_t *)newl, i, o) {
		id_service(o, key, sizeof(key));
		prev = json_object_get(old, key);
		if (!prev)
			continue;
		svc_what(prev, a, sizeof(a));
		svc_what(o, b, sizeof(b));
		/* nothing known before (or now) is not a change of product */
		if (!*a || !*b || !strcmp(a, b))
			continue;
		o = json_deep_copy(o);
		if (!o || json_object_set_new(o, "was", json_string(a)) < 0 ||
		    json_array_append_new(list, o) < 0) {
			json_decref(o);
			goto out_oom;
		}
	}
	json_decref(old);
	return json_object_set_new(out, "changed_services", list);
out_oom:
	json_decref(old);
	json_decref(list);
	return -1;
}

/*
 * Where a run stood, as one comparable text: run.vantage as a zone name,
 * or its zone, role, vendor, country and source address(es).  "" when the
 * run does not say.
 */
static void
vantage_text(const json_t *run, char *buf, size_t len)
{
	const json_t *v = json_object_get(run, "vantage");
	static const char *const keys[] = { "zone", "role", "vendor", "country", "addr",
					    "iface", NULL };
	size_t o = 0;

	buf[0] = '\0';
	if (json_is_string(v)) {
		snprintf(buf, len, "zone=%s", json_string_value(v));
		return;
	}
	if (!json_is_object(v))
		return;
	for (const char *const *k = keys; *k && o < len; k++) {
		const char *val = report_str(v, *k);
		int w;

		if (!*val && !strcmp(*k, "addr"))	/* a capture: its addresses */
			val = json_string_value(json_array_get(json_object_get(v, "addrs"), 0));
		if (!val || !*val)
			continue;
		w = snprintf(buf + o, len - o, "%s%s=%s", o ? " " : "", *k, val);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

static json_t *
run_summary(const struct report *r)
{
	char v[512];

	vantage_text(r->run, v, sizeof(v));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", report_str(r->run, "kind"),
			 "site", report_site(r), "start", report_str(r->run, "start"),
			 "end", report_str(r->run, "end"), "status",
			 report_str(r->run, "status"), "vantage", v);
}

/*
 * Runs from different vantages see different services by design: what the
 * old run reached and the new one does not (and the reverse) says where
 * each stood, not that the network changed.  Those lists move to
 * "vantage_only_old" / "vantage_only_new" (hosts and services) and the
 * diff says "vantages_differ": true.  Findings are still compared: their
 * keys carry the vantage where a rule depends on it.
 */
static int
vantage_split(json_t *d)
{
	static const char *const moved[][2] = {
		{ "closed_services", "not_reached_from_new_vantage" },
		{ "gone_hosts", "hosts_not_seen_from_new_vantage" },
		{ "new_services", "reached_only_from_new_vantage" },
		{ "new_hosts", "hosts_seen_only_from_new_vantage" },
	};
	const char *a = report_str(json_object_get(d, "old"), "vantage");
	const char *b = report_str(json_object_get(d, "new"), "vantage");
	int rc = 0;

	if (!*a || !*b || !strcmp(a, b))
		return json_object_set_new(d, "vantages_differ", json_false());
	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		json_t *l = json_object_get(d, moved[i][0]);

		rc |= json_object_set(d, moved[i][1], l ? l : json_array());
		rc |= json_object_set_new(d, moved[i][0], json_array());
	}
	return rc | json_object_set_new(d, "vantages_differ", json_true());
}

json_t *
diff_results(json_t *old_root, json_t *new_root, char *err, size_t errlen)
{
	struct report o, n;
	json_t *d = NULL;
	int rc = 0;

	if (report_init(&o, old_root, NULL, LANG_EN, err, errlen) < 0)
		return NULL;
	if (report_init(&n, new_root, NULL, LANG_EN, err, errlen) < 0)
		goto out_old;
	d = json_object();
	if (!d)
		goto out_oom;
	rc |= json_object_set_new(d, "old", run_summary(&o));
	rc |= json_object_set_new(d, "new", run_summary(&n));
	rc |= only_in(d, "new_findings", n.findings, o.findings, id_finding);
	rc |= only_in(d, "resolved_findings", o.findings, n.findings, id_finding);
	rc |= only_in(d, "new_services", n.open, o.open, id_service);
	rc |= only_in(d, "closed_services", o.open, n.open, id_service);
	rc |= changed_services(d, n.open, o.open);
	rc |= only_in(d, "new_hosts", n.hosts, o.hosts, id_addr);
	rc |= only_in(d, "gone_hosts", o.hosts, n.hosts, id_addr);
	rc |= only_in(d, "new_exits", n.exits, o.exits, id_exit);
	rc |= only_in(d, "gone_exits", o.exits, n.exits, id_exit);
	rc |= only_in(d, "new_peers", n.peers, o.peers, id_addr);
	rc |= only_in(d, "gone_peers", o.peers, n.peers, id_addr);
	if (rc == 0)
		rc |= vantage_split(d);
	if (rc == 0)
		goto out_new;
out_oom:
	json_decref(d);
	d = NULL;
	snprintf(err, errlen, "out of memory");
out_new:
	report_fini(&n);
out_old:
	report_fini(&o);
	return d;
}

int
diff_worst_new(const json_t *diff)
{
	json_t *f;
	size_t i;
	int worst = -1, rank;

	json_array_foreach(json_object_get(diff, "new_findings"), i, f) {
		rank = report_sev_rank(report_str(f, "severity"));
		if (rank > worst)
			worst = rank;
	}
	return worst;
}

static const struct {
	const char *name;
	enum msg title;
	char sign;
} lists[] = {
	{ "new_findings", MSG_D_NEW_FINDINGS, '+' },
	{ "resolved_findings", MSG_D_RESOLVED_FINDINGS, '-' },
	{ "new_services", MSG_D_NEW_SERVICES, '+' },
	{ "closed_services", MSG_D_CLOSED_SERVICES, '-' },
	{ "changed_services", MSG_D_CHANGED_SERVICES, '~' },
	{ "new_hosts", MSG_D_NEW_HOSTS, '+' },
	{ "gone_hosts", MSG_D_GONE_HOSTS, '-' },
	{ "new_exits", MSG_D_NEW_EXITS, '+' },
	{ "gone_exits", MSG_D_GONE_EXITS, '-' },
	{ "new_peers", MSG_D_NEW_PEERS, '+' },
	{ "gone_peers", MSG_D_GONE_PEERS, '-' },
};

#define NLISTS (sizeof(lists) / sizeof(lists[0]))

size_t
diff_total(const json_t *diff)
{
	size_t n = 0;

	for (size_t i = 0; i < NLISTS; i++)
		n += json_array_size(json_object_get(diff, lists[i].name));
	return n;
}

static void
text(FILE *f, const char *s)
{
	report_esc_text(f, s);
}

static void
item_line(FILE *f, const char *list, const json_t *o, enum report_lang lang)
{
	char buf[512];
	struct report r = { .lang = lang };

	if (strstr(list, "findings")) {
		fputs("[", f);
		text(f, report_sev_label(&r, report_str(o, "severity")));
		fputs("] ", f);
		text(f, report_l10n(&r, o, "title"));
		fputs(" (", f);
		text(f, report_str(o, "key"));
		fputs(")", f);
	} else if (strstr(list, "services")) {
		snprintf(buf, sizeof(buf), "%s %s/%lld", report_str(o, "addr"),
			 report_str(o, "proto"), report_int(o, "port", -1));
		text(f, buf);
		if (*report_str(o, "was")) {
			svc_what(o, buf, sizeof(buf));
			fputs(" ", f);
			text(f, buf);
			fputs(" (", f);
			text(f, i18n(lang, MSG_D_WAS));
			fputs(" ", f);
			text(f, report_str(o, "was"));
			fputs(")", f);
		} else {
			snprintf(buf, sizeof(buf), "%s%s%s%s",
				 *report_str(o, "service") ? " " : "",
				 report_str(o, "service"),
				 *report_str(o, "product") ? " " : "",
				 report_str(o, "product"));
			text(f, buf);
		}
	} else if (strstr(list, "exits")) {
		const char *parts[3] = { report_exit_name(o), report_exit_addr(o),
					 report_str(o, "mac") };
		int first = 1;

		for (int k = 0; k < 3; k++) {
			if (!*parts[k])
				continue;
			if (!first)
				fputc(' ', f);
			text(f, parts[k]);
			first = 0;
		}
	} else {
		text(f, report_str(o, "addr"));
		if (*report_str(o, "zone") || *report_str(o, "country")) {
			fputs(" (", f);
			text(f, *report_str(o, "zone") ? report_str(o, "zone") :
			     report_str(o, "country"));
			fputs(")", f);
		}
		report_join(json_object_get(o, strstr(list, "peers") ? "names" : "hostnames"),
			    ", ", buf, sizeof(buf));
		if (*buf) {
			fputs(" ", f);
			text(f, buf);
		}
	}
	fputc('\n', f);
}

static void
run_line(FILE *f, const json_t *run, enum msg label, enum report_lang lang)
{
	const char *kind = i18n_word(lang, report_str(run, "kind"));
	const char *status = i18n_word(lang, report_str(run, "status"));

	fputs(i18n(lang, label), f);
	fputs(": ", f);
	text(f, kind ? kind : report_str(run, "kind"));
	fputs(" ", f);
	text(f, report_str(run, "start"));
	fputs(" (", f);
	text(f, status ? status : report_str(run, "status"));
	fputs(")\n", f);
}

/* The reachability lists of two different vantages (vantage_split). */
static const struct {
	const char *name, *en, *ja;
	char sign;
} vlists[] = {
	{ "not_reached_from_new_vantage", "Reached from the old vantage only",
	  "前回の観測点からのみ到達", '<' },
	{ "reached_only_from_new_vantage", "Reached from the new vantage only",
	  "今回の観測点からのみ到達", '>' },
	{ "hosts_not_seen_from_new_vantage", "Hosts seen from the old vantage only",
	  "前回の観測点からのみ見えたホスト", '<' },
	{ "hosts_seen_only_from_new_vantage", "Hosts seen from the new vantage only",
	  "今回の観測点からのみ見えたホスト", '>' },
};

static void
vantage_write_text(FILE *f, const json_t *diff, enum report_lang lang)
{
	const char *a = report_str(json_object_get(diff, "old"), "vantage");
	const char *b = report_str(json_object_get(diff, "new"), "vantage");

	fputs(lang == LANG_JA ? "観測点が異なります (前回: " : "Vantages differ (old: ", f);
	text(f, a);
	fputs(lang == LANG_JA ? "、今回: " : "; new: ", f);
	text(f, b);
	fputs(lang == LANG_JA ? ")。到達性の違いはネットワークの変化ではなく観測点の違いです。\n" :
	      "): differences in reachability below are where each run stood, not "
	      "changes of the network.\n", f);
	for (size_t i = 0; i < sizeof(vlists) / sizeof(vlists[0]); i++) {
		json_t *list = json_object_get(diff, vlists[i].name), *o;
		size_t j;

		if (!json_array_size(list))
			continue;
		fprintf(f, "\n%s (%zu):\n", lang == LANG_JA ? vlists[i].ja : vlists[i].en,
			json_array_size(list));
		json_array_foreach(list, j, o) {
			fprintf(f, "  %c ", vlists[i].sign);
			item_line(f, strstr(vlists[i].name, "hosts") ? "hosts" : "services", o,
				  lang);
		}
	}
}

void
diff_write_text(FILE *f, const json_t *diff, enum report_lang lang)
{
	run_line(f, json_object_get(diff, "old"), MSG_D_OLD, lang);
	run_line(f, json_object_get(diff, "new"), MSG_D_NEW, lang);
	if (json_is_true(json_object_get(diff, "vantages_differ")))
		vantage_write_text(f, diff, lang);
	if (strcmp(report_str(json_object_get(diff, "new"), "status"), "complete")) {
		fputs(i18n(lang, MSG_D_NEW_PARTIAL), f);
		fputc('\n', f);
	}
	if (!diff_total(diff)) {
		fputs(i18n(lang, MSG_D_NO_CHANGES), f);
		fputc('\n', f);
		return;
	}
	for (size_t i = 0; i < NLISTS; i++) {
		json_t *list = json_object_get(diff, lists[i].name), *o;
		size_t j;

		if (!json_array_size(list))
			continue;
		fprintf(f, "\n%s (%zu):\n", i18n(lang, lists[i].title), json_array_size(list));
		json_array_foreach(list, j, o) {
			fprintf(f, "  %c ", lists[i].sign);
			item_line(f, lists[i].name, o, lang);
		}
	}
}

int
diff_print(FILE *f, const json_t *diff, int json, enum report_lang lang)
{
	if (json) {
		if (json_dumpf(diff, f, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
			return -1;
		fputc('\n', f);
	} else {
		diff_write_text(f, diff, lang);
	}
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

int
diff_fail_on_parse(const char *s)
{
	if (!strcmp(s, "none"))
		return RSEV_CRITICAL + 1;
	return report_sev_rank(s);
}
