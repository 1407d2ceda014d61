/*
 * results.c - the results document (see results.h, docs/results.md).
 *
 * The jansson tree is the document itself; two side objects index hosts
 * and services by key ("addr" and "addr/proto/port") so that stages can
 * get-or-create in O(1).  The indexes are rebuilt on load and never
 * written out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsutil.h"
#include "results.h"

#define RESULTS_MAX_FILE (1024UL * 1024 * 1024)

struct results {
	json_t *root;
	json_t *host_idx;	/* addr -> host object (borrowed) */
	json_t *svc_idx;	/* addr/proto/port -> service object */
};

static const char *const arrays[] = { "hosts", "services", "flows", "exits",
				      "peers", "findings", NULL };

const char *
results_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
	else
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static struct results *
results_alloc(void)
{
	struct results *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->host_idx = json_object();
	r->svc_idx = json_object();
	if (!r->host_idx || !r->svc_idx) {
		json_decref(r->host_idx);
		json_decref(r->svc_idx);
		free(r);
		return NULL;
	}
	return r;
}

struct results *
results_new(const char *kind)
{
	struct results *r = results_alloc();
	char ts[32];

	if (!r)
		return NULL;
	r->root = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s, s:{}}}",
			    "format", RESULTS_FORMAT, "version", RESULTS_VERSION,
			    "run", "kind", kind, "heiiki_version", HEIIKI_VERSION,
			    "start", results_time(time(NULL), ts),
			    "status", "partial", "counters");
	if (!r->root) {
		results_free(r);
		return NULL;
	}
	for (const char *const *a = arrays; *a; a++)
		json_object_set_new(r->root, *a, json_array());
	return r;
}

void
results_free(struct results *r)
{
	if (!r)
		return;
	json_decref(r->root);
	json_decref(r->host_idx);
	json_decref(r->svc_idx);
	free(r);
}

static void
svc_key(char *buf, size_t len, const char *addr, const char *proto, json_int_t port)
{
	snprintf(buf, len, "%s/%s/%lld", addr, proto, (long long)port);
}

struct results *
results_from_json(json_t *root, char *err, size_t errlen)
{
	struct results *r;
	json_t *item;
	size_t i;

	if (results_validate(root, err, errlen) < 0)
		return NULL;
	r = results_alloc();
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->root = json_incref(root);
	for (const char *const *a = arrays; *a; a++)
		if (!json_object_get(root, *a))
			json_object_set_new(root, *a, json_array());
	if (!json_is_object(json_object_get(results_run(r), "counters")))
		json_object_set_new(results_run(r), "counters", json_object());
	json_array_foreach(json_object_get(root, "hosts"), i, item) {
		const char *a = json_string_value(json_object_get(item, "addr"));
		if (a)
			json_object_set(r->host_idx, a, item);
	}
	json_array_foreach(json_object_get(root, "services"), i, item) {
		const char *a = json_string_value(json_object_get(item, "addr"));
		const char *p = json_string_value(json_object_get(item, "proto"));
		json_t *port = json_object_get(item, "port");
		char key[ADDR_STRLEN + 16];

		if (!a || !p || !json_is_integer(port))
			continue;
		svc_key(key, sizeof(key), a, p, json_integer_value(port));
		json_object_set(r->svc_idx, key, item);
	}
	return r;
}

int
results_load(const char *path, struct results **out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	char *buf;
	size_t len;
	char why[256];

	if (fs_read_all(path, RESULTS_MAX_FILE, &buf, &len, err, errlen) < 0)
		return -1;
	root = json_loadb(buf, len, 0, &jerr);
	free(buf);
	if (!root) {
		snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", path, jerr.line,
			 jerr.column, jerr.text);
		return -1;
	}
	*out = results_from_json(root, why, sizeof(why));
	json_decref(root);
	if (!*out) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	return 0;
}

int
results_write(struct results *r, const char *path, char *err, size_t errlen)
{
	char *text;
	int rc;

	text = json_dumps(r->root, JSON_INDENT(1));
	if (!text) {
		snprintf(err, errlen, "%s: cannot serialise results", path);
		return -1;
	}
	if (!strcmp(path, "-")) {
		rc = (fputs(text, stdout) < 0 || fputc('\n', stdout) < 0) ? -1 : 0;
		if (rc < 0)
			snprintf(err, errlen, "stdout: write error");
	} else {
		size_t n = strlen(text);
		char *withnl = malloc(n + 2);

		if (!withnl) {
			free(text);
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		memcpy(withnl, text, n);
		withnl[n] = '\n';
		rc = fs_write_atomic(path, withnl, n + 1, 0600, err, errlen);
		free(withnl);
	}
	free(text);
	return rc;
}

json_t *
results_root(struct results *r)
{
	return r->root;
}

json_t *
results_run(struct results *r)
{
	return json_object_get(r->root, "run");
}

void
results_set_status(struct results *r, const char *status)
{
	char ts[32];

	json_object_set_new(results_run(r), "status", json_string(status));
	json_object_set_new(results_run(r), "end", json_string(results_time(time(NULL), ts)));
}

void
results_count(struct results *r, const char *name, json_int_t n)
{
	json_t *c = json_object_get(results_run(r), "counters");
	json_t *v = json_object_get(c, name);

	json_object_set_new(c, name, json_integer((v ? json_integer_value(v) : 0) + n));
}

json_t *
results_host(struct results *r, const struct addr *a, int create)
{
	char buf[ADDR_STRLEN];
	json_t *h;

	addr_fmt(a, buf);
	h = json_object_get(r->host_idx, buf);
	if (h || !create)
		return h;
	h = json_pack("{s:s, s:s}", "addr", buf, "family", addr_is_v4(a) ? "ipv4" : "ipv6");
	if (!h)
		return NULL;
	json_array_append_new(json_object_get(r->root, "hosts"), h);
	json_object_set(r->host_idx, buf, h);
	return h;
}

json_t *
results_service(struct results *r, const struct addr *a, const char *proto,
		unsigned port, int create)
{
	char abuf[ADDR_STRLEN], key[ADDR_STRLEN + 16];
	json_t *s;

	addr_fmt(a, abuf);
	svc_key(key, sizeof(key), abuf, proto, port);
	s = json_object_get(r->svc_idx, key);
	if (s || !create)
		return s;
	if (!results_host(r, a, 1))
		return NULL;
	s = json_pack("{s:s, s:i, s:s, s:s}", "addr", abuf, "port", (json_int_t)port,
		      "proto", proto, "state", "open");
	if (!s)
		return NULL;
	json_array_append_new(json_object_get(r->root, "services"), s);
	json_object_set(r->svc_idx, key, s);
	return s;
}

int
results_append(struct results *r, const char *array, json_t *item)
{
	json_t *a = json_object_get(r->root, array);

	if (!a) {
		a = json_array();
		json_object_set_new(r->root, array, a);
	}
	return json_array_append_new(a, item);
}

json_t *
results_array(struct results *r, const char *array)
{
	return json_object_get(r->root, array);
}

void
results_add_risk(json_t *service, const char *flag)
{
	json_t *risks = json_object_get(service, "risks");
	json_t *v;
	size_t i;

	if (!risks) {
		risks = json_array();
		json_object_set_new(service, "risks", risks);
	}
	json_array_foreach(risks, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), flag))
			return;
	json_array_append_new(risks, json_string(flag));
}
