/*
 * names.c - what makes a report readable by people who do not think in
 * addresses and identifiers: asset names from the policy, times in the
 * site's time zone, accepted risks, checklist labels per edition,
 * translated risk flags and country names.
 *
 * Times: the document's UTC times are shown in the policy's
 * site.timezone, else Asia/Tokyo for Japanese and UTC for English.  The
 * conversion uses the system's tz database (TZ set around localtime_r);
 * nothing reads the clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labels.h"
#include "report.h"
#include "scanner/core/addr.h"
#include "scanner/findings/accept.h"
#include "scanner/input/policy.h"

const struct asset *
report_asset(const struct report *r, const char *addr)
{
	struct addr a;
	uint8_t mac[6];
	const json_t *h = NULL, *x;
	size_t i;

	if (!r->policy || !r->policy->nassets || !addr || addr_parse(addr, &a) < 0)
		return NULL;
	json_array_foreach(r->hosts, i, x)
		if (!strcmp(report_str(x, "addr"), addr)) {
			h = x;
			break;
		}
	return policy_asset_of(r->policy, &a,
			       h && mac_parse(report_str(h, "mac"), mac) == 0 ? mac : NULL);
}

const char *
report_addr_label(const struct report *r, const char *addr, char *buf, size_t len)
{
	const struct asset *as = report_asset(r, addr);
	const char *dns = addr && r->dns_of ?
			  json_string_value(json_object_get(r->dns_of, addr)) : NULL;

	if (as)
		snprintf(buf, len, "%s (%s)", as->name, addr);
	else if (dns)
		snprintf(buf, len, "%s (%s)", dns, addr);
	else
		snprintf(buf, len, "%s", addr ? addr : "");
	return buf;
}

/* Format t in the report's zone with fmt. */
static const char *
fmt_tz(const struct report *r, time_t t, const char *fmt, char *buf, size_t len)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	struct tm tm;

	setenv("TZ", *r->tz ? r->tz : "UTC", 1);
	tzset();
	if (!localtime_r(&t, &tm) || !strftime(buf, len, fmt, &tm))
		snprintf(buf, len, "%lld", (long long)t);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	return buf;
}

const char *
report_time(const struct report *r, const char *iso, char *buf, size_t len)
{
	long long t = report_epoch(iso);

	if (t < 0) {
		snprintf(buf, len, "%s", iso ? iso : "");
		return buf;
	}
	return fmt_tz(r, (time_t)t, "%Y-%m-%d %H:%M %Z", buf, len);
}

const char *
report_date(const struct report *r, long long t, char *buf, size_t len)
{
	return fmt_tz(r, (time_t)t, "%Y-%m-%d", buf, len);
}

int
report_accepted(const struct report *r, const json_t *finding, const struct accept_entry **e)
{
	const struct accept_entry *a = accept_entry_of(r->policy, report_str(finding, "key"));

	if (e)
		*e = a;
	if (!a)
		return 0;
	return finding_is_accepted(r->policy, a->key, (time_t)r->now) ? 1 : 2;
}

const char *
report_cl_label(const struct report *r, const json_t *finding, char *buf, size_t len)
{
	if (!cl_label(r->lang, (enum cl_edition)r->edition, report_str(finding, "rule"), buf, len))
		snprintf(buf, len, "%s", report_l10n(r, finding, "checklist"));
	return buf;
}

const char *
report_risks(const struct report *r, const json_t *svc, const char *sep, char *buf, size_t len)
{
	json_t *v;
	size_t i, off = 0;

	if (len)
		buf[0] = '\0';
	json_array_foreach(json_object_get(svc, "risks"), i, v) {
		const char *flag = json_string_value(v), *l = label_risk(r->lang, flag);

		if (!flag || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? sep : "", l ? l : flag);
	}
	if (off >= len && len)
		buf[len - 1] = '\0';
	return buf;
}

const char *
report_country(const struct report *r, const char *cc)
{
	const char *n = label_country(r->lang, cc);

	return n ? n : cc;
}

void
report_set_previous(struct report *r, const json_t *prev_root)
{
	json_t *f;
	size_t i;

	json_decref(r->prev_keys);
	r->prev_keys = json_object();
	json_array_foreach(json_object_get(prev_root, "findings"), i, f)
		if (*report_str(f, "key"))
			json_object_set_new(r->prev_keys, report_str(f, "key"), json_true());
}

const char *
report_evidence(const struct report *r, const json_t *fd, char *buf, size_t len)
{
	const char *raw = report_l10n(r, fd, "evidence"), *t, *a = report_str(fd, "addr");
	const char *key = report_str(fd, "key"), *extra = strrchr(key, '|');
	json_t *ev = json_object_get(fd, "evidence");
	char target[320], name[256];
	size_t off = 0;

	if (r->lang != LANG_JA || (json_is_object(ev) && json_object_get(ev, "ja")) ||
	    !(t = label_evidence_ja(report_str(fd, "rule")))) {
		snprintf(buf, len, "%s", raw);
		return buf;
	}
	extra = extra && extra[1] ? extra + 1 : "?";
	if (report_has_port(fd))
		snprintf(target, sizeof(target), "%s %s/%lld",
			 report_addr_label(r, a, name, sizeof(name)), report_str(fd, "proto"),
			 report_int(fd, "port", -1));
	else
		snprintf(target, sizeof(target), "%s", *a ? report_addr_label(r, a, name, sizeof(name)) : "?");
	buf[0] = '\0';
	for (; *t && off + 1 < len; t++) {
		const char *ins = NULL;

		if (t[0] == '%' && t[1] == 'T')
			ins = target;
		else if (t[0] == '%' && t[1] == 'Z')
			ins = *report_str(fd, "zone") ? report_str(fd, "zone") : report_zone(r, a);
		else if (t[0] == '%' && t[1] == 'X')
			ins = extra;
		if (ins) {
			off += (size_t)snprintf(buf + off, len - off, "%s", ins);
			t++;
		} else {
			buf[off++] = *t;
			buf[off] = '\0';
		}
	}
	if (off < len && *raw)
		snprintf(buf + off, len - off, "（詳細: %s）", raw);
	return buf;
}

/* s without leading and trailing white space, into buf. */
static const char *
trimmed(const char *s, char *buf, size_t len)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(buf, len, "%.*s", (int)n, s);
	return buf;
}

const char *
report_product(const json_t *svc, char *buf, size_t len)
{
	char p[256], v[128];

	trimmed(report_str(svc, "product"), p, sizeof(p));
	trimmed(report_str(svc, "version"), v, sizeof(v));
	snprintf(buf, len, "%s%s%s", p, *p && *v ? " " : "", v);
	return buf;
}
