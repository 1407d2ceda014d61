/*
 * eos.c - load and match the support-end table (see eos.h).
 *
 * The file is read with libyaml's document API; every entry's members are
 * checked (known keys only, dates real, regular expressions compile) and
 * errors carry the file:line:column of the offending node.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "eos.h"
#include "inventory.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/datafile.h"

#define EOS_MAX_FILE (4UL * 1024 * 1024)

static const char *
scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static void
at(char *err, size_t errlen, const char *name, yaml_node_t *n, const char *msg,
   const char *val)
{
	snprintf(err, errlen, "%s:%zu:%zu: %s%s%.80s%s", name,
		 n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, msg,
		 val ? " '" : "", val ? val : "", val ? "'" : "");
}

static int
copy_str(char *dst, size_t cap, yaml_node_t *v, const char *name, const char *key,
	 char *err, size_t errlen)
{
	const char *s = scalar(v);
	char msg[96];

	if (!s) {
		snprintf(msg, sizeof(msg), "%s must be a text value", key);
		at(err, errlen, name, v, msg, NULL);
		return -1;
	}
	if (strlen(s) >= cap) {
		snprintf(msg, sizeof(msg), "%s longer than %zu characters:", key, cap - 1);
		at(err, errlen, name, v, msg, s);
		return -1;
	}
	snprintf(dst, cap, "%s", s);
	return 0;
}

static int
entry_parse(yaml_document_t *doc, yaml_node_t *m, const char *name,
	    struct eos_entry *e, char *err, size_t errlen)
{
	char match[1024] = "";
	int rc;

	memset(e, 0, sizeof(*e));
	e->line = (int)m->start_mark.line + 1;
	if (m->type != YAML_MAPPING_NODE) {
		at(err, errlen, name, m, "an entry must be a mapping (id, name, kind, match, end, source)", NULL);
		return -1;
	}
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = scalar(k);

		if (!key) {
			at(err, errlen, name, k, "keys must be text", NULL);
			return -1;
		}
		if (!strcmp(key, "id"))
			rc = copy_str(e->id, sizeof(e->id), v, name, key, err, errlen);
		else if (!strcmp(key, "name"))
			rc = copy_str(e->name, sizeof(e->name), v, name, key, err, errlen);
		else if (!strcmp(key, "kind"))
			rc = copy_str(e->kind, sizeof(e->kind), v, name, key, err, errlen);
		else if (!strcmp(key, "source"))
			rc = copy_str(e->source, sizeof(e->source), v, name, key, err, errlen);
		else if (!strcmp(key, "note"))
			rc = copy_str(e->note, sizeof(e->note), v, name, key, err, errlen);
		else if (!strcmp(key, "match"))
			rc = copy_str(match, sizeof(match), v, name, key, err, errlen);
		else if (!strcmp(key, "end")) {
			rc = copy_str(e->end_str, sizeof(e->end_str), v, name, key, err, errlen);
			if (!rc && (e->end = inv_parse_day(e->end_str)) == (time_t)-1) {
				at(err, errlen, name, v, "end is not a date YYYY-MM-DD:", scalar(v));
				rc = -1;
			}
		} else if (!strcmp(key, "shared_until")) {
			rc = copy_str(e->shared_until_str, sizeof(e->shared_until_str), v, name, key,
				      err, errlen);
			if (!rc && (e->shared_until = inv_parse_day(e->shared_until_str)) == (time_t)-1) {
				at(err, errlen, name, v, "shared_until is not a date YYYY-MM-DD:", scalar(v));
				rc = -1;
			}
		} else {
			at(err, errlen, name, k,
			   "unknown key (id, name, kind, match, end, source, note, shared_until):", key);
			rc = -1;
		}
		if (rc)
			return -1;
	}
	if (!e->id[0] || !e->name[0] || !match[0] || !e->end_str[0] || !e->source[0]) {
		at(err, errlen, name, m, "an entry needs id, name, match, end and source", NULL);
		return -1;
	}
	if (!e->kind[0])
		snprintf(e->kind, sizeof(e->kind), "software");
	if (strcmp(e->kind, "os") && strcmp(e->kind, "firmware") && strcmp(e->kind, "software")) {
		at(err, errlen, name, m, "kind must be os, firmware or software:", e->kind);
		return -1;
	}
	rc = regcomp(&e->re, match, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc) {
		char why[128];

		regerror(rc, &e->re, why, sizeof(why));
		snprintf(err, errlen, "%s:%d: entry %s: bad match pattern: %s", name, e->line,
			 e->id, why);
		return -1;
	}
	return 0;
}

int
eos_load_buf(const char *name, const char *buf, size_t len, struct eos_table *t,
	     char *err, size_t errlen)
{
	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_node_t *root, *entries = NULL;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", name);
	if (!yaml_parser_initialize(&yp)) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&yp, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s", name, yp.problem_mark.line + 1,
			 yp.problem_mark.column + 1, yp.problem ? yp.problem : "YAML error");
		yaml_parser_delete(&yp);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		at(err, errlen, name, root, "the table is a mapping with 'reviewed' and 'entries'", NULL);
		goto out;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		const char *key = scalar(k);

		if (key && !strcmp(key, "reviewed")) {
			if (copy_str(t->reviewed_str, sizeof(t->reviewed_str), v, name, key, err, errlen) ||
			    (t->reviewed = inv_parse_day(t->reviewed_str)) == (time_t)-1) {
				at(err, errlen, name, v, "reviewed is not a date YYYY-MM-DD:", scalar(v));
				goto out;
			}
		} else if (key && !strcmp(key, "entries")) {
			entries = v;
		} else {
			at(err, errlen, name, k, "unknown key (reviewed, entries):", key);
			goto out;
		}
	}
	if (!t->reviewed_str[0] || !entries || entries->type != YAML_SEQUENCE_NODE) {
		at(err, errlen, name, root, "the table needs 'reviewed: YYYY-MM-DD' and an 'entries' list", NULL);
		goto out;
	}
	for (yaml_node_item_t *i = entries->data.sequence.items.start; i < entries->data.sequence.items.top; i++) {
		struct eos_entry *grown;

		if (t->n >= EOS_MAX_ENTRIES) {
			at(err, errlen, name, entries, "more than 2000 entries", NULL);
			goto out;
		}
		grown = realloc(t->e, (t->n + 1) * sizeof(*grown));
		if (!grown) {
			snprintf(err, errlen, "%s: out of memory", name);
			goto out;
		}
		t->e = grown;
		if (entry_parse(&doc, yaml_document_get_node(&doc, *i), name, &t->e[t->n], err, errlen) < 0)
			goto out;
		for (size_t j = 0; j < t->n; j++)
			if (!strcmp(t->e[j].id, t->e[t->n].id)) {
				snprintf(err, errlen, "%s:%d: id '%s' already used at line %d", name,
					 t->e[t->n].line, t->e[j].id, t->e[j].line);
				regfree(&t->e[t->n].re);
				goto out;
			}
		t->n++;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	if (rc)
		eos_free(t);
	return rc;
}

int
eos_load(const char *path, struct eos_table *t, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (fs_read_all(path, EOS_MAX_FILE, &buf, &len, err, errlen) < 0)
		return -1;
	rc = eos_load_buf(path, buf, len, t, err, errlen);
	free(buf);
	return rc;
}

void
eos_free(struct eos_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		regfree(&t->e[i].re);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

const struct eos_entry *
eos_match(const struct eos_table *t, const char *s)
{
	if (!s || !*s)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (regexec(&t->e[i].re, s, 0, NULL, 0) == 0)
			return &t->e[i];
	return NULL;
}

long
eos_age_days(const struct eos_table *t, time_t today)
{
	return (long)((today - t->reviewed) / 86400);
}

const char *
eos_default_path(void)
{
	static char path[PATH_MAX + 64];

	return data_file_path("HEIIKI_EOS_DB", "scanner/inventory/data/support-end.yaml", path,
			      sizeof(path));
}
