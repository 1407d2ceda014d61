/*
 * history.c - the run store's API (history.h): which back end a location
 * names, the checks every document passes before any back end sees it,
 * and the rules both back ends share.  The SQL is in history_sqlite.c and
 * history_pg.c (history_be.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "history_be.h"
#include "report.h"
#include "scanner/core/module.h"

const char *
history_path(const char *explicit_path)
{
	const char *env = getenv("HEIIKI_HISTORY");

	if (explicit_path && *explicit_path)
		return explicit_path;
	return env && *env ? env : HISTORY_DEFAULT_DB;
}

int
history_is_pg(const char *loc)
{
	static const char *const prefixes[] = { "postgresql://", "postgres://", "service=",
						"host=", "dbname=" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (loc && !strncmp(loc, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* history_pg.c is in heiiki-pg.so (module.h), or linked in (tests) */
extern const struct history_ops history_pg_ops __attribute__((weak));

static const struct history_ops *
pg_ops(char *err, size_t errlen)
{
	const struct history_ops *o = &history_pg_ops;
	char e[768];

	if (!o && !(o = module_sym("pg", "history_pg_ops", e, sizeof(e))))
		snprintf(err, errlen, "PostgreSQL history: %s", e);
	return o;
}

int
history_dsn_check(const char *dsn, char *err, size_t errlen)
{
	const struct history_ops *o;

	if (strlen(dsn) >= sizeof(((struct history *)0)->loc)) {
		snprintf(err, errlen, "PostgreSQL connection string too long (at most %zu bytes)",
			 sizeof(((struct history *)0)->loc) - 1);
		return -1;
	}
	if (!(o = pg_ops(err, errlen)))
		return -1;
	return o->dsn_check(dsn, err, errlen);
}

int
history_pg_setup(struct history *h, const char *site, const char *site_role,
		 const char *reader_role, char *err, size_t errlen)
{
	if (!h->ops->pg_setup) {
		snprintf(err, errlen, "%s: pg-setup needs a PostgreSQL database "
			 "(postgresql://... or service=NAME)", h->loc);
		return -1;
	}
	return h->ops->pg_setup(h, site, site_role, reader_role, err, errlen);
}

const char *
history_backend(const struct history *h)
{
	return h->ops->name;
}

int
history_stored_better(const char *old_status, const char *old_end, json_t *run)
{
	const char *status = report_str(run, "status");

	if (!old_status || !strcmp(old_status, "complete"))
		return 1;
	return !(!strcmp(status, "complete") ||
		 (old_end && strcmp(report_str(run, "end"), old_end) > 0));
}

void
history_titles(json_t *f, const char **en, const char **ja)
{
	json_t *title = json_object_get(f, "title");

	*en = json_is_object(title) ? report_str(title, "en") :
	      json_string_value(title) ? json_string_value(title) : "";
	*ja = json_is_object(title) ? report_str(title, "ja") : "";
}

const char *
history_hostname(json_t *host)
{
	const char *hn = json_string_value(json_array_get(json_object_get(host, "hostnames"), 0));

	return hn ? hn : "";
}

int
history_open(const char *loc, int mode, struct history **out, char *err, size_t errlen)
{
	struct history *h;
	int rc;

	*out = NULL;
	if (history_is_pg(loc) && history_dsn_check(loc, err, errlen) < 0)
		return -1;
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->ops = history_is_pg(loc) ? pg_ops(err, errlen) : &history_sqlite_ops;
	if (!h->ops) {
		free(h);
		return -1;
	}
	snprintf(h->loc, sizeof(h->loc), "%s", loc);
	rc = h->ops->open(h, mode, err, errlen);
	if (rc < 0) {
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void
history_close(struct history *h)
{
	if (!h)
		return;
	h->ops->close(h, 0);
	free(h);
}

void
history_abandon(struct history *h)
{
	if (!h)
		return;
	h->ops->close(h, 1);
	free(h);
}

int
history_has_kind(struct history *h, const char *kind)
{
	return h->ops->has_kind(h, kind);
}

int
history_add(struct history *h, json_t *root, long long *id, char *err, size_t errlen)
{
	json_t *run = json_object_get(root, "run");
	char *doc;
	int rc;

	*id = -1;
	if (!*report_str(run, "kind") || !*report_str(run, "start")) {
		snprintf(err, errlen, "results document has no run kind or start time");
		return -1;
	}
	doc = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	if (!doc) {
		snprintf(err, errlen, "cannot serialise the results document");
		return -1;
	}
	rc = h->ops->add(h, root, doc, id, err, errlen);
	free(doc);
	return rc;
}

json_t *
history_runs(struct history *h, size_t limit, char *err, size_t errlen)
{
	return h->ops->runs(h, limit, err, errlen);
}

json_t *
history_document(struct history *h, long long id, char *err, size_t errlen)
{
	return h->ops->document(h, id, err, errlen);
}

int
history_last_pair(struct history *h, const char *kind, long long *newer, long long *older,
		  char *err, size_t errlen)
{
	return h->ops->last_pair(h, kind, newer, older, err, errlen);
}

int
history_baseline(struct history *h, long long id, long long *older, char *err, size_t errlen)
{
	*older = 0;
	return h->ops->baseline(h, id, older, err, errlen);
}

int
history_prune(struct history *h, unsigned long long keep, const char *before,
	      long long *removed, char *err, size_t errlen)
{
	return h->ops->prune(h, keep, before, removed, err, errlen);
}

json_t *
history_sites_latest(struct history *h, char *err, size_t errlen)
{
	return h->ops->sites_latest(h, err, errlen);
}

json_t *
history_site_row(const char *const vals[6])
{
	static const char *const cols[] = { "start", "end", "kind", "site", "status" };
	json_t *o = json_pack("{s:I}", "id", (json_int_t)strtoll(vals[0], NULL, 10));

	for (int i = 0; o && i < 5; i++)
		json_object_set_new(o, cols[i], json_string(vals[i + 1] ? vals[i + 1] : ""));
	return o;
}
