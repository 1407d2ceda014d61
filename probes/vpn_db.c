/*
 * vpn_db.c - load, validate and evaluate VPN portal fingerprints (data).
 *
 * The fingerprint file is trusted more than a network reply but still
 * validated: every path must be a plain absolute path (no "..", "%", "?",
 * ";", no spaces), every marker needs a known "in", a match operator and a
 * confidence.  A bad file is refused with "file: fingerprint N: ..." so
 * the operator can fix it; nothing half-loaded is ever used.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "probes/vpn_db.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/rd.h"
#include "scanner/core/datafile.h"

#define VPN_DB_MAX_FILE (4u * 1024 * 1024)

long
ci_find(const uint8_t *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);

	if (!nn || nn > hn)
		return nn ? -1 : 0;
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t k = 0;

		while (k < nn && tolower(h[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == nn)
			return (long)i;
	}
	return -1;
}

int
http_header(const uint8_t *hdr, size_t n, const char *name, char *val, size_t vlen)
{
	struct rd r;
	char line[1024];
	size_t nl = strlen(name);

	rd_init(&r, hdr, n);
	while (rd_line(&r, line, sizeof(line))) {
		char *v;

		if (strncasecmp(line, name, nl) || line[nl] != ':')
			continue;
		v = line + nl + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		snprintf(val, vlen, "%s", v);
		for (size_t k = strlen(val); k && (val[k - 1] == ' ' || val[k - 1] == '\t'); k--)
			val[k - 1] = 0;
		return 1;
	}
	return 0;
}

static int
path_ok(const char *p)
{
	if (!p || p[0] != '/' || strlen(p) > 200)
		return 0;
	if (strstr(p, "..") || strpbrk(p, "%?;# \t\r\n\\"))
		return 0;
	return 1;
}

static int
check_marker(json_t *m, char *why, size_t wl)
{
	static const char *const ins[] = { "body", "title", "location", "cookie", "cert-subject",
					   "cert-issuer", NULL };
	const char *in = json_string_value(json_object_get(m, "in"));
	const char *conf = json_string_value(json_object_get(m, "conf"));
	int known = in && !strncmp(in, "header:", 7) && in[7];

	for (int i = 0; in && !known && ins[i]; i++)
		known = !strcmp(in, ins[i]);
	if (!known) {
		snprintf(why, wl, "marker \"in\" missing or unknown");
		return -1;
	}
	if (!conf || (strcmp(conf, "high") && strcmp(conf, "medium") && strcmp(conf, "hint"))) {
		snprintf(why, wl, "marker \"conf\" must be high, medium or hint");
		return -1;
	}
	if (!json_object_get(m, "contains") && !json_object_get(m, "equals") &&
	    !json_object_get(m, "prefix") && !json_object_get(m, "all") &&
	    !json_object_get(m, "any")) {
		snprintf(why, wl, "marker has no contains/equals/prefix/all/any");
		return -1;
	}
	if (json_object_get(m, "path") && !path_ok(json_string_value(json_object_get(m, "path")))) {
		snprintf(why, wl, "marker path is not a plain absolute path");
		return -1;
	}
	return 0;
}

static int
check_fp(json_t *fp, char *why, size_t wl)
{
	json_t *paths = json_object_get(fp, "paths"), *markers = json_object_get(fp, "markers");
	json_t *kev = json_object_get(fp, "kev_cves"), *v;
	size_t i;

	if (!json_is_string(json_object_get(fp, "id")) ||
	    !json_is_string(json_object_get(fp, "vendor")) ||
	    !json_is_string(json_object_get(fp, "product"))) {
		snprintf(why, wl, "needs string id, vendor and product");
		return -1;
	}
	if (!json_is_array(paths) || !json_is_array(markers) || !json_array_size(markers) ||
	    !json_is_array(kev)) {
		snprintf(why, wl, "needs arrays paths, markers (non-empty) and kev_cves");
		return -1;
	}
	json_array_foreach(paths, i, v)
		if (!path_ok(json_string_value(v))) {
			snprintf(why, wl, "path %zu is not a plain absolute path", i);
			return -1;
		}
	json_array_foreach(kev, i, v)
		if (!json_is_string(v) || strncmp(json_string_value(v), "CVE-", 4)) {
			snprintf(why, wl, "kev_cves[%zu] is not a CVE ID", i);
			return -1;
		}
	json_array_foreach(markers, i, v)
		if (check_marker(v, why, wl) < 0)
			return -1;
	return 0;
}

static int
vpn_db_from_json(json_t *root, const char *name, struct vpn_db **out, char *err, size_t errlen)
{
	struct vpn_db *db;
	json_t *fps = json_object_get(root, "fingerprints"), *fp;
	char why[128];
	size_t i;

	if (strcmp(json_string_value(json_object_get(root, "format")) ?
		   json_string_value(json_object_get(root, "format")) : "",
		   "heiiki-vpn-fingerprints") || !json_is_array(fps)) {
		snprintf(err, errlen, "%s: not a heiiki-vpn-fingerprints file", name);
		json_decref(root);
		return -1;
	}
	json_array_foreach(fps, i, fp)
		if (check_fp(fp, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: fingerprint %zu: %s", name, i, why);
			json_decref(root);
			return -1;
		}
	db = calloc(1, sizeof(*db));
	if (!db) {
		snprintf(err, errlen, "out of memory");
		json_decref(root);
		return -1;
	}
	db->root = root;
	db->fps = fps;
	db->admin = json_object_get(root, "admin_titles");
	*out = db;
	return 0;
}

int
vpn_db_load_buf(const char *buf, size_t len, struct vpn_db **out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);

	if (!root) {
		snprintf(err, errlen, "fingerprints:%d:%d: %s", je.line, je.column, je.text);
		return -1;
	}
	return vpn_db_from_json(root, "fingerprints", out, err, errlen);
}

int
vpn_db_load(const char *path, struct vpn_db **out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);

	if (!root) {
		if (je.line > 0)
			snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s", je.text);
		return -1;
	}
	return vpn_db_from_json(root, path, out, err, errlen);
}

int
vpn_db_load_default(struct vpn_db **out, char *err, size_t errlen)
{
	char path[PATH_MAX + 64];

	return vpn_db_load(data_file_path("HEIIKI_VPN_DB", "probes/data/vpn-fingerprints.json",
					  path, sizeof(path)), out, err, errlen);
}

void
vpn_db_free(struct vpn_db *db)
{
	if (!db)
		return;
	json_decref(db->root);
	free(db);
}

int
vpn_path_allowed(const struct vpn_db *db, const char *path)
{
	json_t *fp, *p;
	size_t i, k;

	if (!strcmp(path, "/"))
		return 1;
	if (!db)
		return 0;
	json_array_foreach(db->fps, i, fp)
		json_array_foreach(json_object_get(fp, "paths"), k, p)
			if (!strcmp(json_string_value(p), path))
				return 1;
	return 0;
}

/* The text a marker looks at, as (pointer, length). */
static int
marker_subject(const struct http_view *v, const char *in, const uint8_t **s, size_t *n,
	       char *tmp, size_t tl)
{
	const char *t = NULL;

	if (!strcmp(in, "body")) {
		*s = v->body;
		*n = v->bodylen;
		return 1;
	}
	if (!strcmp(in, "title"))
		t = v->title;
	else if (!strcmp(in, "location"))
		t = v->location;
	else if (!strcmp(in, "cookie"))
		t = v->cookies;
	else if (!strcmp(in, "cert-subject"))
		t = v->cert_subject;
	else if (!strcmp(in, "cert-issuer"))
		t = v->cert_issuer;
	else if (!strncmp(in, "header:", 7) && http_header(v->hdr, v->hdrlen, in + 7, tmp, tl))
		t = tmp;
	if (!t)
		return 0;
	*s = (const uint8_t *)t;
	*n = strlen(t);
	return 1;
}

/* Does one marker hold for this response? */
static int
marker_match(json_t *m, const struct http_view *v)
{
	const char *in = json_string_value(json_object_get(m, "in"));
	const char *path = json_string_value(json_object_get(m, "path"));
	const char *s;
	const uint8_t *txt;
	size_t n, i;
	char tmp[1024];
	json_t *a, *x;
	int any = 0;

	if (path && strcmp(path, v->path))
		return 0;
	if (!marker_subject(v, in, &txt, &n, tmp, sizeof(tmp)))
		return 0;
	if ((s = json_string_value(json_object_get(m, "contains"))) && ci_find(txt, n, s) < 0)
		return 0;
	if ((s = json_string_value(json_object_get(m, "equals"))) &&
	    (strlen(s) != n || ci_find(txt, n, s) != 0))
		return 0;
	if ((s = json_string_value(json_object_get(m, "prefix"))) &&
	    (n < strlen(s) || strncasecmp((const char *)txt, s, strlen(s))))
		return 0;
	json_array_foreach((a = json_object_get(m, "all")), i, x)
		if (!json_is_string(x) || ci_find(txt, n, json_string_value(x)) < 0)
			return 0;
	if (!(a = json_object_get(m, "any")))
		return 1;
	json_array_foreach(a, i, x)
		any |= json_is_string(x) && ci_find(txt, n, json_string_value(x)) >= 0;
	return any;
}

void
vpn_db_eval(const struct vpn_db *db, const struct http_view *v, json_t *state)
{
	json_t *fp, *m;
	size_t i, k;

	if (!db)
		return;
	json_array_foreach(db->fps, i, fp) {
		const char *id = json_string_value(json_object_get(fp, "id"));
		json_t *st = json_object_get(state, id);

		json_array_foreach(json_object_get(fp, "markers"), k, m) {
			const char *conf = json_string_value(json_object_get(m, "conf"));

			if (!marker_match(m, v))
				continue;
			if (!st) {
				st = json_pack("{s:i, s:[], s:i}", "high", 0, "medium", "hint", 0);
				json_object_set_new(state, id, st);
			}
			if (!strcmp(conf, "medium")) {
				json_t *med = json_object_get(st, "medium"), *x;
				size_t q;
				int seen = 0;

				json_array_foreach(med, q, x)
					seen |= json_integer_value(x) == (json_int_t)k;
				if (!seen)
					json_array_append_new(med, json_integer((json_int_t)k));
			} else {
				json_t *c = json_object_get(st, conf);

				json_object_set_new(st, conf, json_integer(json_integer_value(c) + 1));
			}
		}
	}
}
