/*
 * history.c - the run store's API (history.h): which back end a location
 * names, the checks every document passes before any back end sees it,
 * and the rules both back ends share.  The SQL is in history_sqlite.c and
 * history_pg.c (history_be.h).
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "history_be.h"
#include "report.h"

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

int
history_dsn_check(const char *dsn, char *err, size_t errlen)
{
	PQconninfoOption *opts, *o;
	char *perr = NULL;
	int rc = 0;

	if (strlen(dsn) >= sizeof(((struct history *)0)->loc)) {
		snprintf(err, errlen, "PostgreSQL connection string too long (at most %zu bytes)",
			 sizeof(((struct history *)0)->loc) - 1);
		return -1;
	}
	opts = PQconninfoParse(dsn, &perr);
	if (!opts) {
		size_t n;

		/* libpq's message ends in a newline; it names the bad option,
		 * never a value */
		snprintf(err, errlen, "invalid PostgreSQL connection string: %s",
			 perr ? perr : "out of memory");
		n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		PQfreemem(perr);
		return -1;
	}
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val) {
			snprintf(err, errlen, "the PostgreSQL connection string holds a password: "
				 "remove it and put it in ~/.pgpass, $PGPASSFILE or a service "
				 "file (service=NAME) instead");
			rc = -1;
		}
	PQconninfoFree(opts);
	return rc;
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
	h->ops = history_is_pg(loc) ? &history_pg_ops : &history_sqlite_ops;
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
