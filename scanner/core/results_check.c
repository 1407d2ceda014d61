/*
 * results_check.c - the one validator of results documents on input
 * (docs/results.md, section "Validation").
 *
 * Every loader (report, diff, check, history, probe --results, fence,
 * scan --resume) goes through results_from_json(), which calls
 * results_validate() before anything reads the tree.  A document breaking
 * a rule is refused with "path.to.member: message" naming the offending
 * value; results_load() puts the file name in front.
 *
 * The rules are tables: for each member of each object kind its type, and
 * for numbers their range, for strings their syntax (address, MAC, time)
 * or allowed values.  Unknown members are allowed (producers may add
 * fields); missing optional members mean "not known".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "results.h"

enum vtype {
	V_STR,		/* any string */
	V_ENUM,		/* one of a list */
	V_ADDR,		/* IPv4/IPv6 address */
	V_MAC,		/* aa:bb:cc:dd:ee:ff */
	V_TIME,		/* YYYY-MM-DDTHH:MM:SSZ */
	V_INT,		/* integer in [min, max] */
	V_BOOL,
	V_OBJ,
	V_STRS,		/* array of strings */
	V_ADDRS,	/* array of address strings */
	V_STR_OR_INT,	/* flows.proto */
	V_STR_OR_OBJ,	/* run.vantage */
	V_BOOL_OR_STR,	/* services.remote_access */
	V_STR_OR_ARR,	/* peers.names: strings or objects */
	V_LOCALISED,	/* {"en": string, "ja": string, ...} */
};

#define NULLOK 0x1	/* null is accepted ("not known") */
#define REQ 0x2		/* required */

struct vrule {
	const char *name;
	enum vtype type;
	unsigned flags;
	long long min, max;
	const char *const *values;	/* V_ENUM */
};

#define U16 0, 65535
#define NONNEG 0, INT64_MAX
#define INT64_MAX_LL 9223372036854775807LL
#undef NONNEG
#define NONNEG 0, INT64_MAX_LL

static const char *const kinds[] = { "scan", "capture", "check", "fence", "merge", "probe", NULL };
static const char *const statuses[] = { "complete", "partial", NULL };
static const char *const families[] = { "ipv4", "ipv6", NULL };
static const char *const protos[] = { "tcp", "udp", NULL };
static const char *const states[] = { "open", "closed", "filtered", "open|filtered", NULL };
static const char *const severities[] = { "critical", "high", "medium", "low", "info", NULL };
static const char *const directions[] = { "internal", "outbound", "inbound", "external", NULL };
static const char *const fproto[] = { "tcp", "udp", "", NULL };

static const struct vrule run_rules[] = {
	{ "kind", V_ENUM, 0, 0, 0, kinds },
	{ "heiiki_version", V_STR, 0, 0, 0, NULL },
	{ "start", V_TIME, 0, 0, 0, NULL },
	{ "end", V_TIME, NULLOK, 0, 0, NULL },
	{ "status", V_ENUM, 0, 0, 0, statuses },
	{ "policy_hash", V_STR, 0, 0, 0, NULL },
	{ "site", V_STR, 0, 0, 0, NULL },
	{ "id", V_STR, 0, 0, 0, NULL },
	{ "vantage", V_STR_OR_OBJ, NULLOK, 0, 0, NULL },
	{ "counters", V_OBJ, 0, 0, 0, NULL },
	{ "warnings", V_STRS, 0, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule host_rules[] = {
	{ "addr", V_ADDR, REQ, 0, 0, NULL },
	{ "family", V_ENUM, 0, 0, 0, families },
	{ "mac", V_MAC, NULLOK, 0, 0, NULL },
	{ "vendor", V_STR, NULLOK, 0, 0, NULL },
	{ "zone", V_STR, NULLOK, 0, 0, NULL },
	{ "hostnames", V_STRS, 0, 0, 0, NULL },
	{ "seen_by", V_STR, 0, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule service_rules[] = {
	{ "addr", V_ADDR, REQ, 0, 0, NULL },
	{ "port", V_INT, REQ, 1, 65535, NULL },
	{ "proto", V_ENUM, REQ, 0, 0, protos },
	{ "state", V_ENUM, 0, 0, 0, states },
	{ "service", V_STR, NULLOK, 0, 0, NULL },
	{ "product", V_STR, NULLOK, 0, 0, NULL },
	{ "version", V_STR, NULLOK, 0, 0, NULL },
	{ "risks", V_STRS, 0, 0, 0, NULL },
	{ "probe", V_OBJ, 0, 0, 0, NULL },
	{ "remote_access", V_BOOL_OR_STR, NULLOK, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule flow_rules[] = {
	{ "proto", V_STR_OR_INT, 0, 0, 255, NULL },
	{ "src", V_ADDR, 0, 0, 0, NULL },
	{ "dst", V_ADDR, 0, 0, 0, NULL },
	{ "sport", V_INT, 0, U16, NULL },
	{ "dport", V_INT, 0, U16, NULL },
	{ "src_mac", V_MAC, NULLOK, 0, 0, NULL },
	{ "dst_mac", V_MAC, NULLOK, 0, 0, NULL },
	{ "src_zone", V_STR, NULLOK, 0, 0, NULL },
	{ "dst_zone", V_STR, NULLOK, 0, 0, NULL },
	{ "vlan", V_INT, 0, 0, 4095, NULL },
	{ "direction", V_ENUM, 0, 0, 0, directions },
	{ "state", V_STR, 0, 0, 0, NULL },
	{ "app", V_STR, NULLOK, 0, 0, NULL },
	{ "remote_access", V_STR, NULLOK, 0, 0, NULL },
	{ "service", V_STR, NULLOK, 0, 0, NULL },
	{ "src_country", V_STR, NULLOK, 0, 0, NULL },
	{ "peer_name", V_STR, NULLOK, 0, 0, NULL },
	{ "packets_out", V_INT, 0, NONNEG, NULL },
	{ "packets_in", V_INT, 0, NONNEG, NULL },
	{ "bytes_out", V_INT, 0, NONNEG, NULL },
	{ "bytes_in", V_INT, 0, NONNEG, NULL },
	{ "packets", V_INT, 0, NONNEG, NULL },
	{ "bytes", V_INT, 0, NONNEG, NULL },
	{ "first_seen", V_TIME, NULLOK, 0, 0, NULL },
	{ "last_seen", V_TIME, NULLOK, 0, 0, NULL },
	{ "end", V_STR, 0, 0, 0, NULL },
	{ "fragments", V_BOOL, 0, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule exit_rules[] = {
	{ "mac", V_MAC, NULLOK, 0, 0, NULL },
	{ "addrs", V_ADDRS, 0, 0, 0, NULL },
	{ "gateway", V_ADDR, NULLOK, 0, 0, NULL },
	{ "addr", V_ADDR, NULLOK, 0, 0, NULL },
	{ "declared", V_STR, NULLOK, 0, 0, NULL },
	{ "seen", V_BOOL, 0, 0, 0, NULL },
	{ "name", V_STR, NULLOK, 0, 0, NULL },
	{ "purpose", V_STR, NULLOK, 0, 0, NULL },
	{ "zone", V_STR, NULLOK, 0, 0, NULL },
	{ "hosts", V_ADDRS, 0, 0, 0, NULL },
	{ "hosts_count", V_INT, 0, NONNEG, NULL },
	{ "peers_count", V_INT, 0, NONNEG, NULL },
	{ "flows", V_INT, 0, NONNEG, NULL },
	{ "packets", V_INT, 0, NONNEG, NULL },
	{ "bytes_out", V_INT, 0, NONNEG, NULL },
	{ "bytes_in", V_INT, 0, NONNEG, NULL },
	{ "first_seen", V_TIME, NULLOK, 0, 0, NULL },
	{ "last_seen", V_TIME, NULLOK, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule peer_rules[] = {
	{ "addr", V_ADDR, REQ, 0, 0, NULL },
	{ "country", V_STR, NULLOK, 0, 0, NULL },
	{ "asn", V_INT, NULLOK, 0, 4294967295LL, NULL },
	{ "as_org", V_STR, NULLOK, 0, 0, NULL },
	{ "names", V_STR_OR_ARR, 0, 0, 0, NULL },
	{ "exit", V_STR, NULLOK, 0, 0, NULL },
	{ "remote_access", V_STR, NULLOK, 0, 0, NULL },
	{ "flows", V_INT, 0, NONNEG, NULL },
	{ "packets", V_INT, 0, NONNEG, NULL },
	{ "bytes_out", V_INT, 0, NONNEG, NULL },
	{ "bytes_in", V_INT, 0, NONNEG, NULL },
	{ "first_seen", V_TIME, NULLOK, 0, 0, NULL },
	{ "last_seen", V_TIME, NULLOK, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule finding_rules[] = {
	{ "rule", V_STR, REQ, 0, 0, NULL },
	{ "severity", V_ENUM, REQ, 0, 0, severities },
	{ "title", V_LOCALISED, 0, 0, 0, NULL },
	{ "remedy", V_LOCALISED, 0, 0, 0, NULL },
	{ "checklist", V_STR, NULLOK, 0, 0, NULL },
	{ "addr", V_ADDR, 0, 0, 0, NULL },
	{ "proto", V_ENUM, 0, 0, 0, fproto },
	{ "port", V_INT, 0, U16, NULL },
	{ "zone", V_STR, NULLOK, 0, 0, NULL },
	{ "evidence", V_STR, 0, 0, 0, NULL },
	{ "key", V_STR, 0, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

/* inventory.support[] and inventory.remote_paths[] (rules_inventory.c) */
static const struct vrule support_rules[] = {
	{ "device", V_STR, 0, 0, 0, NULL },
	{ "addr", V_ADDR, 0, 0, 0, NULL },
	{ "evidence", V_STR, 0, 0, 0, NULL },
	{ "entry", V_STR, 0, 0, 0, NULL },
	{ "name", V_STR, 0, 0, 0, NULL },
	{ "kind", V_STR, 0, 0, 0, NULL },
	{ "support_end", V_STR, 0, 0, 0, NULL },
	{ "status", V_STR, 0, 0, 0, NULL },
	{ "days_out", V_INT, 0, 0, INT32_MAX, NULL },
	{ "source", V_STR, 0, 0, 0, NULL },
	{ "note", V_STR, 0, 0, 0, NULL },
	{ "shared_until", V_STR, 0, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

static const struct vrule remote_rules[] = {
	{ "device", V_STR, 0, 0, 0, NULL },
	{ "addr", V_ADDR, 0, 0, 0, NULL },
	{ "path", V_STR, 0, 0, 0, NULL },
	{ "kind", V_STR, 0, 0, 0, NULL },
	{ "via", V_STR, 0, 0, 0, NULL },
	{ "evidence", V_STR, 0, 0, 0, NULL },
	{ "declared", V_BOOL, 0, 0, 0, NULL },
	{ "vendor", V_STR, 0, 0, 0, NULL },
	{ "last_seen", V_STR, 0, 0, 0, NULL },
	{ "until", V_STR, 0, 0, 0, NULL },
	{ "policy_rule", V_STR, 0, 0, 0, NULL },
	{ "window", V_STR, 0, 0, 0, NULL },
	{ NULL, V_STR, 0, 0, 0, NULL },
};

/* An optional member that, when present, is an array of such objects. */
struct varray {
	const char *name;
	const struct vrule *rules;
};

static const struct varray inv_arrays[] = {
	{ "support", support_rules }, { "remote_paths", remote_rules },
};

static const struct varray arrays[] = {
	{ "hosts", host_rules }, { "services", service_rules }, { "flows", flow_rules },
	{ "exits", exit_rules }, { "peers", peer_rules }, { "findings", finding_rules },
};

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Quote a string value for a message: printable ASCII only, capped. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++)
		buf[o++] = (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f ? *s : '?';
	if (*s && o + 4 <= len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

static int
fail(char *err, size_t errlen, const char *path, const char *fmt, const char *a,
     const char *b)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a, b);
	snprintf(err, errlen, "%s: %s", path, msg);
	return -1;
}

static int
is_time(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	int mo, d, h, mi, se;

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return 0;
	mo = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	h = (s[11] - '0') * 10 + s[12] - '0';
	mi = (s[14] - '0') * 10 + s[15] - '0';
	se = (s[17] - '0') * 10 + s[18] - '0';
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 60;
}

static int
check_value(const struct vrule *r, json_t *v, const char *path, char *err, size_t errlen)
{
	char b1[80], b2[64];
	struct addr a;
	uint8_t mac[6];

	if (json_is_null(v)) {
		if (r->flags & NULLOK)
			return 0;
		return fail(err, errlen, path, "is null%s%s", r->flags & REQ ?
			    " (required)" : "", "");
	}
	switch (r->type) {
	case V_STR:
		if (!json_is_string(v))
			return fail(err, errlen, path, "expected a string, got %s%s", jtype(v), "");
		return 0;
	case V_ENUM: {
		const char *s = json_string_value(v);
		size_t o = 0;

		if (!s)
			return fail(err, errlen, path, "expected a string, got %s%s", jtype(v), "");
		for (const char *const *e = r->values; *e; e++)
			if (!strcmp(s, *e))
				return 0;
		b2[0] = '\0';
		for (const char *const *e = r->values; *e && o + 1 < sizeof(b2); e++)
			o += (size_t)snprintf(b2 + o, sizeof(b2) - o, "%s%s", o ? ", " : "",
					      **e ? *e : "\"\"");
		return fail(err, errlen, path, "'%s' is not one of: %s", shown(s, b1, sizeof(b1)),
			    b2);
	}
	case V_ADDR:
		if (!json_is_string(v))
			return fail(err, errlen, path, "expected an address string, got %s%s",
				    jtype(v), "");
		if (addr_parse(json_string_value(v), &a) < 0)
			return fail(err, errlen, path, "'%s' is not an IPv4 or IPv6 address%s",
				    shown(json_string_value(v), b1, sizeof(b1)), "");
		return 0;
	case V_MAC:
		if (!json_is_string(v))
			return fail(err, errlen, path, "expected a MAC address string, got %s%s",
				    jtype(v), "");
		if (mac_parse(json_string_value(v), mac) < 0)
			return fail(err, errlen, path, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)%s",
				    shown(json_string_value(v), b1, sizeof(b1)), "");
		return 0;
	case V_TIME:
		if (!json_is_string(v))
			return fail(err, errlen, path, "expected a time string, got %s%s", jtype(v), "");
		if (!is_time(json_string_value(v)))
			return fail(err, errlen, path,
				    "'%s' is not a UTC time YYYY-MM-DDTHH:MM:SSZ%s",
				    shown(json_string_value(v), b1, sizeof(b1)), "");
		return 0;
	case V_INT:
		if (!json_is_integer(v))
			return fail(err, errlen, path, "expected an integer, got %s%s", jtype(v), "");
		if (json_integer_value(v) < r->min || json_integer_value(v) > r->max) {
			snprintf(b1, sizeof(b1), "%lld", (long long)json_integer_value(v));
			snprintf(b2, sizeof(b2), "%lld-%lld", r->min, r->max);
			if (r->max == INT64_MAX_LL)
				snprintf(b2, sizeof(b2), "0 or more");
			return fail(err, errlen, path, "%s is out of range (%s)", b1, b2);
		}
		return 0;
	case V_BOOL:
		if (!json_is_boolean(v))
			return fail(err, errlen, path, "expected true or false, got %s%s", jtype(v), "");
		return 0;
	case V_OBJ:
		if (!json_is_object(v))
			return fail(err, errlen, path, "expected an object, got %s%s", jtype(v), "");
		return 0;
	case V_STRS:
	case V_ADDRS: {
		size_t i;
		json_t *it;

		if (!json_is_array(v))
			return fail(err, errlen, path, "expected an array, got %s%s", jtype(v), "");
		json_array_foreach(v, i, it) {
			char sub[200];
			struct vrule er = { r->name, r->type == V_ADDRS ? V_ADDR : V_STR, 0, 0, 0, NULL };

			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (check_value(&er, it, sub, err, errlen) < 0)
				return -1;
		}
		return 0;
	}
	case V_STR_OR_INT:
		if (json_is_string(v))
			return 0;
		if (!json_is_integer(v))
			return fail(err, errlen, path, "expected a string or an integer, got %s%s",
				    jtype(v), "");
		if (json_integer_value(v) < r->min || json_integer_value(v) > r->max) {
			snprintf(b1, sizeof(b1), "%lld", (long long)json_integer_value(v));
			snprintf(b2, sizeof(b2), "%lld-%lld", r->min, r->max);
			return fail(err, errlen, path, "%s is out of range (%s)", b1, b2);
		}
		return 0;
	case V_STR_OR_OBJ:
		if (!json_is_string(v) && !json_is_object(v))
			return fail(err, errlen, path, "expected a string or an object, got %s%s",
				    jtype(v), "");
		return 0;
	case V_BOOL_OR_STR:
		if (!json_is_string(v) && !json_is_boolean(v))
			return fail(err, errlen, path, "expected true, false or a string, got %s%s",
				    jtype(v), "");
		return 0;
	case V_STR_OR_ARR: {
		size_t i;
		json_t *it;

		if (!json_is_array(v))
			return fail(err, errlen, path, "expected an array, got %s%s", jtype(v), "");
		json_array_foreach(v, i, it) {
			char sub[200];

			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (!json_is_string(it) &&
			    !(json_is_object(it) && json_is_string(json_object_get(it, "name"))))
				return fail(err, errlen, sub,
					    "expected a string or {\"name\": string, ...}, got %s%s",
					    jtype(it), "");
		}
		return 0;
	}
	case V_LOCALISED: {
		const char *k;
		json_t *it;

		if (!json_is_object(v))
			return fail(err, errlen, path, "expected an object {\"en\": ..., \"ja\": ...}, got %s%s",
				    jtype(v), "");
		json_object_foreach(v, k, it) {
			char sub[200];

			snprintf(sub, sizeof(sub), "%s.%s", path, shown(k, b1, sizeof(b1)));
			if (!json_is_string(it))
				return fail(err, errlen, sub, "expected a string, got %s%s", jtype(it), "");
		}
		return 0;
	}
	}
	return 0;
}

static int
check_object(const struct vrule *rules, json_t *o, const char *path, char *err, size_t errlen)
{
	char sub[200];

	if (!json_is_object(o))
		return fail(err, errlen, path, "expected an object, got %s%s", jtype(o), "");
	for (const struct vrule *r = rules; r->name; r++) {
		json_t *v = json_object_get(o, r->name);

		snprintf(sub, sizeof(sub), "%s.%s", path, r->name);
		if (!v) {
			if (r->flags & REQ)
				return fail(err, errlen, sub, "is missing (required)%s%s", "", "");
			continue;
		}
		if (check_value(r, v, sub, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* parent.name (prefix names parent in messages): absent, or an array
 * whose every element passes the rules. */
static int
check_array(const struct varray *va, json_t *parent, const char *prefix, char *err,
	    size_t errlen)
{
	json_t *v = json_object_get(parent, va->name), *it;
	char path[96];
	size_t i;

	if (!v)
		return 0;
	snprintf(path, sizeof(path), "%s%s", prefix, va->name);
	if (!json_is_array(v))
		return fail(err, errlen, path, "expected an array, got %s%s", jtype(v), "");
	json_array_foreach(v, i, it) {
		snprintf(path, sizeof(path), "%s%s[%zu]", prefix, va->name, i);
		if (check_object(va->rules, it, path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
results_validate(json_t *root, char *err, size_t errlen)
{
	json_t *v, *it;
	const char *k;
	char b[80];

	if (!json_is_object(root))
		return fail(err, errlen, "(document)", "expected an object, got %s%s", jtype(root), "");
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), RESULTS_FORMAT))
		return fail(err, errlen, "format", "not a heiiki results document (expected \"%s\")%s",
			    RESULTS_FORMAT, "");
	v = json_object_get(root, "version");
	if (!v)
		return fail(err, errlen, "version", "is missing (required)%s%s", "", "");
	if (!json_is_integer(v))
		return fail(err, errlen, "version", "expected an integer, got %s%s", jtype(v), "");
	if (json_integer_value(v) != RESULTS_VERSION) {
		snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(v));
		return fail(err, errlen, "version", "unsupported results version %s (this heiiki reads 1)%s",
			    b, "");
	}
	v = json_object_get(root, "run");
	if (!v)
		return fail(err, errlen, "run", "is missing (required)%s%s", "", "");
	if (check_object(run_rules, v, "run", err, errlen) < 0)
		return -1;
	json_object_foreach(json_object_get(v, "counters"), k, it) {
		char sub[200];

		snprintf(sub, sizeof(sub), "run.counters.%s", shown(k, b, sizeof(b)));
		if (!json_is_integer(it))
			return fail(err, errlen, sub, "expected an integer, got %s%s", jtype(it), "");
		if (json_integer_value(it) < 0) {
			char n[32];

			snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(it));
			return fail(err, errlen, sub, "%s is out of range (0 or more)%s", n, "");
		}
	}
	for (size_t a = 0; a < sizeof(arrays) / sizeof(arrays[0]); a++)
		if (check_array(&arrays[a], root, "", err, errlen) < 0)
			return -1;
	v = json_object_get(root, "inventory");
	if (v && !json_is_object(v))
		return fail(err, errlen, "inventory", "expected an object, got %s%s", jtype(v), "");
	for (size_t a = 0; v && a < sizeof(inv_arrays) / sizeof(inv_arrays[0]); a++)
		if (check_array(&inv_arrays[a], v, "inventory.", err, errlen) < 0)
			return -1;
	if (v && json_object_get(v, "support_table_reviewed") &&
	    !json_is_string(json_object_get(v, "support_table_reviewed")))
		return fail(err, errlen, "inventory.support_table_reviewed", "expected a string%s%s",
			    "", "");
	return 0;
}
