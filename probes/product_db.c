/*
 * product_db.c - load, validate and apply product/version rules (data).
 *
 * The rules file is trusted more than a network reply but still checked:
 * a bad file is refused with "file: rules[N].member: problem 'value'" and
 * nothing half-loaded is used.  Patterns are POSIX EREs compiled once
 * (regcomp); back-references are refused so matching stays linear-ish,
 * and the subject is a printable string of at most PDB_TEXT_MAX bytes.
 * Version and CPE templates substitute $1..$9 with captured text filtered
 * to [A-Za-z0-9._+~-] (at most 64 bytes), so a reply cannot inject
 * separators into a CPE.
 */
#include <ctype.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/product_db.h"
#include "scanner/core/datafile.h"

#define PDB_MAX_FILE (2u * 1024 * 1024)
#define PDB_MAX_RULES 2048
#define PDB_TEXT_MAX 1024
#define PDB_PAT_MAX 512
#define PDB_CAP_MAX 64

struct pdb_rule {
	const char *id, *field, *product, *version, *cpe, *service, *when;
	regex_t re;
	json_t *sample;
};

struct product_db {
	json_t *root;
	struct pdb_rule *rules;
	size_t n;
};

size_t
product_db_count(const struct product_db *db)
{
	return db ? db->n : 0;
}

const char *
product_db_rule_id(const struct product_db *db, size_t i)
{
	return db && i < db->n ? db->rules[i].id : NULL;
}

const json_t *
product_db_rule_sample(const struct product_db *db, size_t i)
{
	return db && i < db->n ? db->rules[i].sample : NULL;
}

void
product_db_free(struct product_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		regfree(&db->rules[i].re);
	free(db->rules);
	json_decref(db->root);
	free(db);
}

static int
id_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

static int
field_ok(const char *s)
{
	if (!*s || strlen(s) > 64 || *s == '.')
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int
has_backref(const char *p)
{
	for (; *p; p++)
		if (*p == '\\' && p[1]) {
			if (p[1] >= '1' && p[1] <= '9')
				return 1;
			p++;
		}
	return 0;
}

/* Optional string member: NULL when absent, -1 when not a string. */
static int
opt_str(json_t *o, const char *k, const char **v)
{
	json_t *x = json_object_get(o, k);

	*v = NULL;
	if (!x)
		return 0;
	if (!json_is_string(x))
		return -1;
	*v = json_string_value(x);
	return 0;
}

static int
load_rule(struct product_db *db, json_t *r, size_t i, const char *name, char *err, size_t errlen)
{
	struct pdb_rule *x = &db->rules[db->n];
	const char *pat = NULL, *bad = NULL, *what = NULL;
	int icase = json_is_true(json_object_get(r, "icase")), rc;
	json_t *s;

	memset(x, 0, sizeof(*x));
	if (!json_is_object(r)) {
		snprintf(err, errlen, "%s: rules[%zu]: not an object", name, i);
		return -1;
	}
	if (opt_str(r, "id", &x->id) || !x->id || !id_ok(x->id))
		what = "id", bad = x->id ? x->id : "(missing)";
	else if (opt_str(r, "field", &x->field) || !x->field || !field_ok(x->field))
		what = "field", bad = x->field ? x->field : "(missing)";
	else if (opt_str(r, "match", &pat) || !pat || !*pat || strlen(pat) > PDB_PAT_MAX)
		what = "match", bad = pat ? pat : "(missing)";
	else if (has_backref(pat))
		what = "match", bad = "back-references are not allowed";
	else if (opt_str(r, "product", &x->product) || !x->product || !*x->product)
		what = "product", bad = "(missing)";
	else if (opt_str(r, "version", &x->version) || opt_str(r, "cpe", &x->cpe) ||
		 opt_str(r, "service", &x->service) || opt_str(r, "when_service", &x->when))
		what = "version/cpe/service/when_service", bad = "not a string";
	else if (x->cpe && strncmp(x->cpe, "cpe:2.3:", 8))
		what = "cpe", bad = x->cpe;
	if (what) {
		snprintf(err, errlen, "%s: rules[%zu].%s: invalid '%s'", name, i, what, bad);
		return -1;
	}
	for (size_t k = 0; k < db->n; k++)
		if (!strcmp(db->rules[k].id, x->id)) {
			snprintf(err, errlen, "%s: rules[%zu].id: duplicate '%s'", name, i, x->id);
			return -1;
		}
	s = json_object_get(r, "sample");
	if (!json_is_object(s) || !json_is_string(json_object_get(s, "probe")) ||
	    !json_is_string(json_object_get(s, "file")) ||
	    !json_is_integer(json_object_get(s, "port"))) {
		snprintf(err, errlen, "%s: rules[%zu].sample: need {\"probe\", \"port\", \"file\"} "
			 "(every rule is tested against a recorded reply)", name, i);
		return -1;
	}
	x->sample = s;
	rc = regcomp(&x->re, pat, REG_EXTENDED | (icase ? REG_ICASE : 0));
	if (rc) {
		char m[128];

		regerror(rc, &x->re, m, sizeof(m));
		snprintf(err, errlen, "%s: rules[%zu].match: %s in '%s'", name, i, m, pat);
		return -1;
	}
	db->n++;
	return 0;
}

int
product_db_load_buf(const char *buf, size_t len, const char *name,
		    struct product_db **out, char *err, size_t errlen)
{
	struct product_db *db;
	json_error_t je;
	json_t *rules, *r;
	const char *fmt;
	size_t i;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	db->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!db->root) {
		snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column, je.text);
		goto fail;
	}
	fmt = json_string_value(json_object_get(db->root, "format"));
	if (!fmt || strcmp(fmt, "heiiki-product-rules")) {
		snprintf(err, errlen, "%s: format: expected 'heiiki-product-rules', got '%s'",
			 name, fmt ? fmt : "(missing)");
		goto fail;
	}
	rules = json_object_get(db->root, "rules");
	if (!json_is_array(rules) || json_array_size(rules) > PDB_MAX_RULES) {
		snprintf(err, errlen, "%s: rules: expected an array of at most %u rules", name,
			 PDB_MAX_RULES);
		goto fail;
	}
	db->rules = calloc(json_array_size(rules) + 1, sizeof(*db->rules));
	if (!db->rules) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto fail;
	}
	json_array_foreach(rules, i, r)
		if (load_rule(db, r, i, name, err, errlen) < 0)
			goto fail;
	*out = db;
	return 0;
fail:
	product_db_free(db);
	return -1;
}

int
product_db_load(const char *path, struct product_db **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	*out = NULL;
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	buf = malloc(PDB_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, PDB_MAX_FILE + 1, f);
	fclose(f);
	if (n > PDB_MAX_FILE) {
		free(buf);
		snprintf(err, errlen, "%s: larger than %u bytes", path, PDB_MAX_FILE);
		return -1;
	}
	rc = product_db_load_buf(buf, n, path, out, err, errlen);
	free(buf);
	return rc;
}

int
product_db_load_default(struct product_db **out, char *err, size_t errlen)
{
	char path[PATH_MAX + 64];

	return product_db_load(data_file_path("HEIIKI_PRODUCT_RULES",
					      "probes/data/product-rules.json", path,
					      sizeof(path)), out, err, errlen);
}

/* out's string at a dotted path ("ssh.banner"), or NULL. */
static const char *
field_get(const json_t *out, const char *path)
{
	char part[72];
	const json_t *v = out;

	while (*path && json_is_object(v)) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		v = json_object_get(v, part);
		path += n + (dot != NULL);
	}
	return json_string_value(v);
}

/* Expand $1..$9 of tpl with safe captured text; "" when a capture is empty. */
static void
expand(const char *tpl, const char *text, const regmatch_t *m, char *dst, size_t cap, int star)
{
	size_t o = 0;

	for (const char *p = tpl; *p && o + 1 < cap; p++) {
		if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			const regmatch_t *g = &m[p[1] - '0'];
			size_t k = 0;

			p++;
			if (g->rm_so < 0 || g->rm_eo <= g->rm_so) {
				if (star)	/* CPE: unknown version is "*" */
					dst[o++] = '*';
				continue;
			}
			for (regoff_t i = g->rm_so; i < g->rm_eo && k < PDB_CAP_MAX && o + 1 < cap; i++) {
				char c = text[i];

				if (isalnum((unsigned char)c) || c == '.' || c == '_' || c == '+' ||
				    c == '~' || c == '-') {
					dst[o++] = c;
					k++;
				}
			}
			continue;
		}
		dst[o++] = *p;
	}
	dst[o] = 0;
}

const char *
product_db_apply(const struct product_db *db, json_t *out)
{
	const char *svc;

	if (!db || !json_is_object(out))
		return NULL;
	svc = json_string_value(json_object_get(out, "service"));
	for (size_t i = 0; i < db->n; i++) {
		const struct pdb_rule *x = &db->rules[i];
		const char *v = field_get(out, x->field), *old;
		char text[PDB_TEXT_MAX + 1], buf[256];
		regmatch_t m[10];
		json_t *why;

		if (!v || (x->when && (!svc || strcmp(svc, x->when))))
			continue;
		snprintf(text, sizeof(text), "%s", v);
		if (regexec(&x->re, text, 10, m, 0))
			continue;
		old = json_string_value(json_object_get(out, "product"));
		if (old && strcmp(old, x->product))
			json_object_del(out, "version");
		json_object_set_new(out, "product", json_string(x->product));
		if (x->version) {
			expand(x->version, text, m, buf, sizeof(buf), 0);
			if (buf[0])
				json_object_set_new(out, "version", json_string(buf));
		}
		if (x->cpe) {
			expand(x->cpe, text, m, buf, sizeof(buf), 1);
			json_object_set_new(out, "cpe", json_string(buf));
		}
		if (x->service && (!svc || !strcmp(svc, "unknown")))
			json_object_set_new(out, "service", json_string(x->service));
		why = json_object();
		if (why) {
			size_t n = m[0].rm_eo - m[0].rm_so < 200 ? (size_t)(m[0].rm_eo - m[0].rm_so) : 200;
			char hit[201];

			memcpy(hit, text + m[0].rm_so, n);
			hit[n] = 0;
			json_object_set_new(why, "id", json_string(x->id));
			json_object_set_new(why, "field", json_string(x->field));
			json_object_set_new(why, "text", json_string(hit));
			json_object_set_new(out, "product_rule", why);
		}
		return x->id;
	}
	return NULL;
}
