/*
 * summary.c - `heiiki capture --summary`: a stable text view of a capture
 * results document, one line per counter, flow, exit, peer and host,
 * sorted within each section.  The pcap regression tests (tests/pcap/)
 * compare this text exactly, so it prints no times, no run metadata and
 * nothing that depends on the order packets were hashed in.
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"

#define LINE_LEN 1024

struct lines {
	char **v;
	size_t n, cap;
};

static void
lines_add(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(s);
	if (l->v[l->n])
		l->n++;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lines_flush(struct lines *l, FILE *out)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), str_cmp);
	for (size_t i = 0; i < l->n; i++) {
		fprintf(out, "%s\n", l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const char *
s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "-";
}

static long long
i(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* Join an array of strings (or of {"name":...} objects), sorted. */
static void
join(json_t *arr, char *buf, size_t len)
{
	struct lines l = { 0 };
	size_t o = 0;
	json_t *v;
	size_t k;

	buf[0] = '\0';
	json_array_foreach(arr, k, v) {
		const char *str = json_is_object(v) ?
			json_string_value(json_object_get(v, "name")) :
			json_string_value(v);
		if (str)
			lines_add(&l, str);
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), str_cmp);
	for (k = 0; k < l.n; k++) {
		int w = snprintf(buf + o, len - o, "%s%s", k ? "," : "", l.v[k]);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
		free(l.v[k]);
	}
	for (; k < l.n; k++)
		free(l.v[k]);
	free(l.v);
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void
flow_line(json_t *f, char *buf, size_t len)
{
	char sp[8] = "", dp[8] = "";

	if (json_object_get(f, "sport"))
		snprintf(sp, sizeof(sp), ":%lld", i(f, "sport"));
	if (json_object_get(f, "dport"))
		snprintf(dp, sizeof(dp), ":%lld", i(f, "dport"));
	snprintf(buf, len, "flow %s %s%s > %s%s vlan=%lld dir=%s zones=%s>%s "
		 "state=%s app=%s ra=%s src_cc=%s name=%s pkts=%lld/%lld "
		 "bytes=%lld/%lld mac=%s>%s%s",
		 json_is_string(json_object_get(f, "proto")) ? s(f, "proto") : "ip",
		 s(f, "src"), sp, s(f, "dst"), dp, i(f, "vlan"),
		 s(f, "direction"), s(f, "src_zone"), s(f, "dst_zone"),
		 s(f, "state"), s(f, "app"), s(f, "remote_access"),
		 s(f, "src_country"), s(f, "peer_name"), i(f, "packets_out"), i(f, "packets_in"),
		 i(f, "bytes_out"), i(f, "bytes_in"), s(f, "src_mac"),
		 s(f, "dst_mac"), json_is_true(json_object_get(f, "attempt")) ?
		 " attempt" : "");
}

static void
exit_line(json_t *e, char *buf, size_t len)
{
	char addrs[256], hosts[512];

	join(json_object_get(e, "addrs"), addrs, sizeof(addrs));
	join(json_object_get(e, "hosts"), hosts, sizeof(hosts));
	snprintf(buf, len, "exit %s addrs=%s declared=%s%s hosts=%s "
		 "hosts_count=%lld peers_count=%lld flows=%lld bytes=%lld/%lld",
		 s(e, "mac"), addrs, s(e, "declared"),
		 json_is_false(json_object_get(e, "seen")) ? " seen=no" : "", hosts,
		 i(e, "hosts_count"), i(e, "peers_count"), i(e, "flows"),
		 i(e, "bytes_out"), i(e, "bytes_in"));
}

static void
peer_line(json_t *p, char *buf, size_t len)
{
	char names[512];

	join(json_object_get(p, "names"), names, sizeof(names));
	snprintf(buf, len, "peer %s country=%s asn=%lld names=%s exit=%s "
		 "ra=%s flows=%lld bytes=%lld/%lld",
		 s(p, "addr"), s(p, "country"), i(p, "asn"), names, s(p, "exit"),
		 s(p, "remote_access"), i(p, "flows"), i(p, "bytes_out"),
		 i(p, "bytes_in"));
}

static void
section(json_t *arr, const char *prefix,
	void (*fmt)(json_t *, char *, size_t), FILE *out)
{
	struct lines l = { 0 };
	char buf[LINE_LEN];
	json_t *v;
	size_t k;

	json_array_foreach(arr, k, v) {
		if (fmt) {
			fmt(v, buf, sizeof(buf));
		} else {
			char names[256];

			join(json_object_get(v, "hostnames"), names, sizeof(names));
			snprintf(buf, sizeof(buf), "%s %s mac=%s zone=%s%s%s", prefix,
				 s(v, "addr"), s(v, "mac"), s(v, "zone"),
				 strcmp(names, "-") ? " names=" : "",
				 strcmp(names, "-") ? names : "");
		}
		lines_add(&l, buf);
	}
	lines_flush(&l, out);
}

void
capture_summary(struct results *r, FILE *out)
{
	json_t *root = results_root(r), *run = results_run(r), *v;
	struct lines l = { 0 };
	char buf[LINE_LEN];
	const char *k;
	size_t n;

	json_object_foreach(json_object_get(run, "counters"), k, v) {
		snprintf(buf, sizeof(buf), "counter %s %lld", k,
			 (long long)json_integer_value(v));
		lines_add(&l, buf);
	}
	lines_flush(&l, out);
	json_array_foreach(json_object_get(run, "warnings"), n, v)
		fprintf(out, "warning %s\n", json_string_value(v));
	section(json_object_get(root, "flows"), "flow", flow_line, out);
	section(json_object_get(root, "exits"), "exit", exit_line, out);
	section(json_object_get(root, "peers"), "peer", peer_line, out);
	section(json_object_get(root, "hosts"), "host", NULL, out);
	json_array_foreach(json_object_get(root, "findings"), n, v) {
		snprintf(buf, sizeof(buf), "finding %s %s", s(v, "severity"), s(v, "key"));
		lines_add(&l, buf);
	}
	lines_flush(&l, out);
}
