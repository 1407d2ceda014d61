/*
 * report_util.c - accessors every writer shares: typed member access,
 * localisation, severity, remote-access classification, zones, bounded
 * flattening of probe fields, overview counts.  Nothing here prints; the
 * writers escape whatever they get from these functions.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "scanner/core/addr.h"
#include "scanner/input/policy.h"

/* --- scalar access ---------------------------------------------------------- */

const char *
report_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

long long
report_int(const json_t *o, const char *key, long long def)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

const char *
report_l10n(const struct report *r, const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_object(v))
		return "";
	s = json_string_value(json_object_get(v, i18n_lang_code(r->lang)));
	if (!s || !*s)
		s = json_string_value(json_object_get(v, "en"));
	if (!s)
		s = json_string_value(json_object_get(v, "ja"));
	return s ? s : "";
}

static const char *const rank_words[] = { "info", "low", "medium", "high", "critical" };

int
report_sev_rank(const char *sev)
{
	for (int i = 0; sev && i <= RSEV_CRITICAL; i++)
		if (!strcmp(sev, rank_words[i]))
			return i;
	return -1;
}

const char *
report_rank_word(int rank)
{
	return rank >= 0 && rank <= RSEV_CRITICAL ? rank_words[rank] : "";
}

const char *
report_sev_label(const struct report *r, const char *sev)
{
	const char *l = i18n_severity(r->lang, sev);

	return l ? l : sev;
}

int
report_has_port(const json_t *o)
{
	return report_int(o, "port", 0) > 0 && *report_str(o, "proto");
}

const char *
report_exit_addr(const json_t *x)
{
	const char *a = report_str(x, "gateway");

	if (!*a)
		a = report_str(x, "addr");
	if (!*a)
		a = json_string_value(json_array_get(json_object_get(x, "addrs"), 0));
	return a ? a : "";
}

const char *
report_exit_name(const json_t *x)
{
	const char *n = report_str(x, "name");

	return *n ? n : report_str(x, "declared");
}

int
report_exit_declared(const json_t *x)
{
	json_t *d = json_object_get(x, "declared");

	return json_is_true(d) || (json_is_string(d) && json_string_length(d));
}

int
report_exit_seen(const json_t *x)
{
	return !json_is_false(json_object_get(x, "seen"));
}

long long
report_total(const json_t *o, const char *key)
{
	char k[64];
	long long v = report_int(o, key, -1), out, in;

	if (v >= 0)
		return v;
	snprintf(k, sizeof(k), "%s_out", key);
	out = report_int(o, k, -1);
	snprintf(k, sizeof(k), "%s_in", key);
	in = report_int(o, k, -1);
	if (out < 0 && in < 0)
		return -1;
	return (out > 0 ? out : 0) + (in > 0 ? in : 0);
}

const char *
report_first(const json_t *o)
{
	return *report_str(o, "first_seen") ? report_str(o, "first_seen") :
	       report_str(o, "first");
}

const char *
report_last(const json_t *o)
{
	return *report_str(o, "last_seen") ? report_str(o, "last_seen") :
	       report_str(o, "last");
}

const char *
report_proto(const json_t *o)
{
	json_t *p = json_object_get(o, "proto");

	if (json_is_string(p))
		return json_string_value(p);
	if (json_is_integer(p))
		return json_integer_value(p) == 6 ? "tcp" : json_integer_value(p) == 17 ?
		       "udp" : "ip";
	return "";
}

const char *
report_flow_service(const json_t *fl)
{
	if (*report_str(fl, "service"))
		return report_str(fl, "service");
	if (*report_str(fl, "remote_access"))
		return report_str(fl, "remote_access");
	return report_str(fl, "app");
}

int
report_svc_open(const json_t *svc)
{
	const char *st = json_string_value(json_object_get(svc, "state"));

	return !st || !strcmp(st, "open") || !strcmp(st, "open|filtered");
}

/* --- remote access ------------------------------------------------------------ */

static const char *const remote_names[] = {
	"rdp", "vnc", "ssh", "telnet", "rlogin", "rsh", "x11", "teamviewer",
	"anydesk", "radmin", "splashtop", "citrix", "ica", "ike", "ipsec",
	"openvpn", "pptp", "l2tp", "wireguard", "sslvpn", NULL,
};

static const struct {
	const char *proto;
	unsigned lo, hi;
} remote_ports[] = {
	{ "tcp", 22, 23 }, { "tcp", 512, 514 }, { "tcp", 1494, 1494 },
	{ "tcp", 1723, 1723 }, { "tcp", 1194, 1194 }, { "tcp", 3389, 3389 },
	{ "tcp", 4899, 4899 }, { "tcp", 5900, 5903 }, { "tcp", 5938, 5938 },
	{ "tcp", 6000, 6000 }, { "tcp", 7070, 7070 }, { "udp", 500, 500 },
	{ "udp", 1194, 1194 }, { "udp", 1701, 1701 }, { "udp", 3389, 3389 },
	{ "udp", 4500, 4500 }, { "udp", 51820, 51820 },
};

static int
remote_name(const char *svc)
{
	if (strstr(svc, "vpn"))
		return 1;
	for (const char *const *n = remote_names; *n; n++)
		if (!strcmp(*n, svc))
			return 1;
	return 0;
}

/* A VPN portal recognised by the HTTP probe, or a vpn-* risk flag. */
static int
vpn_evidence(const json_t *item)
{
	json_t *risks = json_object_get(item, "risks"), *v;
	size_t i;

	if (json_object_get(item, "vpn") ||
	    json_object_get(json_object_get(item, "http"), "vpn"))
		return 1;
	json_array_foreach(risks, i, v)
		if (json_is_string(v) && !strncmp(json_string_value(v), "vpn-", 4))
			return 1;
	return 0;
}

int
report_is_remote(const json_t *item)
{
	json_t *flag = json_object_get(item, "remote_access");
	const char *svc = report_str(item, "service");
	const char *proto = report_proto(item);
	long long port = report_int(item, "dport", report_int(item, "port", -1));

	if (json_is_boolean(flag))
		return json_is_true(flag);
	if (json_is_string(flag) && json_string_length(flag))
		return 1;
	if (vpn_evidence(item))
		return 1;
	if (*svc && strcmp(svc, "unknown"))
		return remote_name(svc);
	for (size_t i = 0; i < sizeof(remote_ports) / sizeof(remote_ports[0]); i++)
		if (!strcmp(proto, remote_ports[i].proto) && port >= remote_ports[i].lo &&
		    port <= remote_ports[i].hi)
			return 1;
	return 0;
}

int
report_hot(const struct report *r, const char *addr, const char *proto, long long port)
{
	char key[160];
	json_t *v;

	if (proto)
		snprintf(key, sizeof(key), "%s/%s/%lld", addr, proto, port);
	else
		snprintf(key, sizeof(key), "%s", addr);
	v = json_object_get(r->hot, key);
	return v ? (int)json_integer_value(v) : -1;
}

const char *
report_zone(const struct report *r, const char *addr)
{
	const char *z = json_string_value(json_object_get(r->zone_of, addr));
	const struct zone *pz;
	struct addr a;

	if (z)
		return z;
	/* Not a host of the document (an exit's gateway, a flow end). */
	if (!r->policy || addr_parse(addr, &a) < 0)
		return "";
	pz = policy_zone_of(r->policy, &a);
	return pz && pz->role != ZONE_EXTERNAL ? pz->name : "";
}

const char *
report_site(const struct report *r)
{
	const char *s = report_str(r->run, "site");

	if (!*s && r->policy)
		s = r->policy->site;
	return s;
}

const char *
report_zone_desc(const struct report *r, const char *zone, char *buf, size_t len)
{
	const struct zone *z = r->policy && *zone ? policy_zone_by_name(r->policy, zone) : NULL;
	char nets[512];

	buf[0] = '\0';
	if (z)
		snprintf(buf, len, "%s%s: %s", zone_role_name(z->role), z->closed ? ", closed" : "",
			 tset_fmt(&z->nets, nets, sizeof(nets)));
	return buf;
}

const char *
report_vantage(const struct report *r, char *buf, size_t len)
{
	json_t *v = json_object_get(r->run, "vantage");

	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_object(v)) {
		const char *parts[3] = { report_str(v, "zone"), report_str(v, "addr"),
					 *report_str(v, "iface") ? report_str(v, "iface") :
					 report_str(v, "interface") };
		size_t off = 0;

		buf[0] = '\0';
		for (int i = 0; i < 3 && off < len; i++) {
			if (!*parts[i])
				continue;
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "",
						parts[i]);
		}
	} else {
		buf[0] = '\0';
	}
	return buf;
}

/* --- bounded text building ------------------------------------------------------ */

struct sb {
	char *p;
	size_t len, cap;	/* cap includes the NUL; room kept for an ellipsis */
	int full;
};

/* Append n bytes, cutting on a UTF-8 character boundary when full. */
static void
sb_add(struct sb *b, const char *s, size_t n)
{
	size_t room;

	if (b->full || b->cap < 5)
		return;
	room = b->cap - 4 - b->len;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		b->full = 1;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	if (b->full) {
		memcpy(b->p + b->len, "\xE2\x80\xA6", 3);	/* U+2026 */
		b->len += 3;
	}
	b->p[b->len] = '\0';
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_scalar(struct sb *b, const json_t *v);

/* An object inside an array (an IKE transform): "(enc=aes128 hash=sha1)",
 * members sorted, one level deep. */
static void
sb_brief(struct sb *b, const json_t *o)
{
	json_t *keys = report_keys(o), *k;
	size_t i;

	sb_str(b, "(");
	json_array_foreach(keys, i, k) {
		const json_t *v = json_object_get(o, json_string_value(k));

		if (i)
			sb_str(b, " ");
		sb_str(b, json_string_value(k));
		sb_str(b, "=");
		if (json_is_object(v) || json_is_array(v))
			sb_str(b, "...");
		else
			sb_scalar(b, v);
	}
	sb_str(b, ")");
	json_decref(keys);
}

/* HTML entities a page title may carry (&nbsp; and the five basic ones)
 * decoded, so the report shows the text and escapes it once. */
static void
sb_title(struct sb *b, const char *s)
{
	static const char *const ents[][2] = {
		{ "&nbsp;", " " }, { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" }, { "&#160;", " " },
	};

	while (*s) {
		size_t k;

		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (!strncmp(s, ents[k][0], strlen(ents[k][0])))
				break;
		if (k < sizeof(ents) / sizeof(ents[0])) {
			sb_str(b, ents[k][1]);
			s += strlen(ents[k][0]);
		} else {
			/* a whole run up to the next '&': truncation stays on a
			 * character boundary */
			const char *amp = strchr(s + 1, '&');
			size_t n = amp ? (size_t)(amp - s) : strlen(s);

			sb_add(b, s, n);
			s += n;
		}
	}
}

static void
sb_scalar(struct sb *b, const json_t *v)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		sb_add(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(num, sizeof(num), "true");
		break;
	case JSON_FALSE:
		snprintf(num, sizeof(num), "false");
		break;
	case JSON_NULL:
		snprintf(num, sizeof(num), "null");
		break;
	case JSON_ARRAY: {
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e) {
			if (i)
				sb_str(b, ",");
			if (json_is_string(json_object_get(e, "name")))
				sb_str(b, json_string_value(json_object_get(e, "name")));
			else if (json_is_object(e))
				sb_brief(b, e);
			else if (json_is_array(e))
				sb_str(b, "[...]");
			else
				sb_scalar(b, e);
		}
		return;
	}
	default:
		snprintf(num, sizeof(num), "{...}");
		break;
	}
	sb_str(b, num);
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *
report_keys(const json_t *obj)
{
	json_t *keys = json_array(), *v;
	const char *k;
	size_t n;
	const char **tmp;

	if (!keys)
		return NULL;
	n = json_object_size(obj);
	tmp = calloc(n ? n : 1, sizeof(*tmp));
	if (!tmp)
		return keys;
	n = 0;
	json_object_foreach((json_t *)obj, k, v)
		tmp[n++] = k;
	qsort(tmp, n, sizeof(*tmp), cmp_strp);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(keys, json_string(tmp[i]));
	free(tmp);
	return keys;
}

json_t *
report_counter_keys(const struct report *r)
{
	json_t *c = json_object_get(r->run, "counters"), *all = report_keys(c), *k;
	json_t *out = json_array();
	const char *name;
	size_t i;

	for (size_t n = 0; (name = i18n_counter_name(n)); n++)
		if (json_object_get(c, name))
			json_array_append_new(out, json_string(name));
	json_array_foreach(all, i, k)		/* unknown counters only when non-zero */
		if (!i18n_counter(LANG_EN, json_string_value(k)) &&
		    report_int(c, json_string_value(k), 1) != 0)
			json_array_append(out, k);
	json_decref(all);
	return out;
}

/* Keys of a service object that every writer already shows in a column. */
static const char *const svc_known[] = {
	"addr", "port", "proto", "state", "service", "product", "version",
	"risks", "zone", "remote_access", "probe", NULL,
};

static int
svc_is_known(const char *k)
{
	for (const char *const *p = svc_known; *p; p++)
		if (!strcmp(*p, k))
			return 1;
	return 0;
}

static void
details_member(struct sb *b, const char *k, const json_t *v)
{
	json_t *keys, *kv;
	size_t i;

	if (!json_is_object(v)) {
		if (b->len)
			sb_str(b, "; ");
		sb_str(b, k);
		sb_str(b, "=");
		sb_scalar(b, v);
		return;
	}
	keys = report_keys(v);
	json_array_foreach(keys, i, kv) {
		const char *sub = json_string_value(kv);

		if (b->len)
			sb_str(b, "; ");
		sb_str(b, k);
		sb_str(b, ".");
		sb_str(b, sub);
		sb_str(b, "=");
		if (!strcmp(sub, "title") && json_is_string(json_object_get(v, sub)))
			sb_title(b, json_string_value(json_object_get(v, sub)));
		else
			sb_scalar(b, json_object_get(v, sub));
	}
	json_decref(keys);
}

const char *
report_details(const json_t *svc, char *buf, size_t len)
{
	struct sb b = { buf, 0, len, 0 };
	json_t *keys, *kv;
	size_t i;

	if (len)
		buf[0] = '\0';
	keys = report_keys(svc);
	json_array_foreach(keys, i, kv) {
		const char *k = json_string_value(kv);

		if (!svc_is_known(k))
			details_member(&b, k, json_object_get(svc, k));
	}
	json_decref(keys);
	return buf;
}

const char *
report_name_at(const json_t *arr, size_t i)
{
	json_t *v = json_array_get(arr, i);

	if (json_is_object(v))
		v = json_object_get(v, "name");
	return json_string_value(v);
}

const char *
report_join(const json_t *arr, const char *sep, char *buf, size_t len)
{
	struct sb b = { buf, 0, len, 0 };
	json_t *v;
	size_t i;

	if (len)
		buf[0] = '\0';
	json_array_foreach((json_t *)arr, i, v) {
		if (b.len)
			sb_str(&b, sep);
		if (json_is_string(json_object_get(v, "name")))
			sb_str(&b, json_string_value(json_object_get(v, "name")));
		else
			sb_scalar(&b, v);
	}
	return buf;
}

size_t
report_sev_counts(const struct report *r, size_t counts[5])
{
	json_t *f;
	size_t i, total = 0;

	memset(counts, 0, 5 * sizeof(counts[0]));
	json_array_foreach(r->findings, i, f) {
		int rank = report_sev_rank(report_str(f, "severity"));

		if (rank >= 0)
			counts[rank]++;
		total++;
	}
	return total;
}

void
report_overview(const struct report *r, struct report_overview *o)
{
	json_t *countries = json_object(), *v;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->hosts = json_array_size(r->hosts);
	o->open = json_array_size(r->open);
	json_array_foreach(r->open, i, v)
		o->remote += report_is_remote(v) != 0;
	json_array_foreach(r->exits, i, v) {
		o->exits += report_exit_seen(v) != 0;
		o->undeclared += !report_exit_declared(v);
	}
	o->peers = json_array_size(r->peers);
	json_array_foreach(r->peers, i, v)
		if (*report_str(v, "country"))
			json_object_set_new(countries, report_str(v, "country"), json_true());
	o->countries = json_object_size(countries);
	json_decref(countries);
	json_array_foreach(r->flows, i, v)
		o->ra_flows += report_is_remote(v) != 0;
}

long long
report_epoch(const char *iso)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (!iso || !*iso)
		return -1;
	end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end != 'Z' && *end != '\0'))
		return -1;
	return (long long)timegm(&tm);
}
