/*
 * history_be.h - the back ends of the run store (history.h), in the shape
 * of libpcap's pcap-int.h: history.c holds the API and what every back end
 * shares (which back end a location names, the run's identity, which of
 * two records of a run is the better one); history_sqlite.c and
 * history_pg.c each fill one ops table.  Nothing outside scanner/report/
 * (and scanner/core/module.c, for the tables' shape) includes this file.
 */
#ifndef HEIIKI_HISTORY_BE_H
#define HEIIKI_HISTORY_BE_H

#include <jansson.h>
#include <stddef.h>

struct history;

struct history_ops {
	const char *name;	/* "sqlite", "postgresql" */
	/* h->loc is set; fill h->be.  0, -1 with err, or HISTORY_UNREACHABLE. */
	int (*open)(struct history *h, int mode, char *err, size_t errlen);
	/* abandon: a failed first write, drop what this handle created */
	void (*close)(struct history *h, int abandon);
	int (*has_kind)(struct history *h, const char *kind);
	/* history_add() after the shared checks; doc = the serialised root */
	int (*add)(struct history *h, json_t *root, const char *doc, long long *id,
		   char *err, size_t errlen);
	json_t *(*runs)(struct history *h, size_t limit, char *err, size_t errlen);
	json_t *(*document)(struct history *h, long long id, char *err, size_t errlen);
	int (*last_pair)(struct history *h, const char *kind, long long *newer,
			 long long *older, char *err, size_t errlen);
	int (*baseline)(struct history *h, long long id, long long *older, char *err,
			size_t errlen);
	int (*prune)(struct history *h, unsigned long long keep, const char *before,
		     long long *removed, char *err, size_t errlen);
	json_t *(*sites_latest)(struct history *h, char *err, size_t errlen);
	/* history_pg_setup(); NULL: the back end has no roles */
	int (*pg_setup)(struct history *h, const char *site, const char *site_role,
			const char *reader_role, char *err, size_t errlen);
	/* history_dsn_check() after the length check; NULL: not a DSN store */
	int (*dsn_check)(const char *dsn, char *err, size_t errlen);
};

/*
 * history_sites_latest(): one standard query both back ends run as it is
 * (no parameters; window functions: SQLite 3.25+, PostgreSQL 8.4+).
 * Columns: id, start, end, kind, site, status.
 */
#define HISTORY_SQL_SITES_LATEST \
	"SELECT id, start, \"end\", kind, site, status FROM (SELECT id, start, \"end\"," \
	" kind, site, status, ROW_NUMBER() OVER (PARTITION BY site ORDER BY" \
	" CASE WHEN kind = 'scan' THEN 0 ELSE 1 END, start DESC, id DESC) AS rn" \
	" FROM runs) AS t WHERE rn = 1"
/* A row of that query as a JSON object (vals[0..5] as text). */
json_t *history_site_row(const char *const vals[6]);

struct history {
	const struct history_ops *ops;
	char loc[512];		/* file path or connection string (no password) */
	void *be;		/* the back end's own state */
};

extern const struct history_ops history_sqlite_ops;
/* history_pg_ops is in heiiki-pg.so (scanner/core/module.h): history.c
 * finds it */

/*
 * Is the stored record of a run (its status and end) at least as good as
 * the new document's run object?  Complete beats partial; of two partial
 * records (a resume interrupted again) the later end wins.
 */
int history_stored_better(const char *old_status, const char *old_end, json_t *run);
/* The English and Japanese titles of a finding ("" when absent). */
void history_titles(json_t *f, const char **en, const char **ja);
/* The first DNS name of a host, or "". */
const char *history_hostname(json_t *host);

#endif
