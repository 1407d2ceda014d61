/*
 * cmd_history.c - 'heiiki history': the run store and "what changed since
 * last night".
 *
 *   heiiki history [--db DB] add [--outbox DIR] RESULTS...
 *   heiiki history [--db DB] list [--limit N] [--format text|json]
 *   heiiki history [--db DB] show ID
 *   heiiki history [--db DB] changes [--since-last] [--kind K]
 *                  [--from ID --to ID] [--format text|json] [--lang en|ja]
 *                  [--fail-on SEV]
 *   heiiki history [--db DB] prune [--keep N] [--older-than DAYS]
 *   heiiki history [--db DB] flush [--outbox DIR]
 *   heiiki history --db PGDB pg-setup [--site NAME --role ROLE] [--reader ROLE]
 *
 * The database is --db, else $HEIIKI_HISTORY, else
 * /var/lib/heiiki/history.sqlite; a PostgreSQL connection string
 * (postgresql://..., service=NAME) selects the PostgreSQL back end.  An
 * 'add' that cannot reach PostgreSQL queues the run in the outbox
 * (outbox.h) and exits 4; 'flush' sends the queue.  'changes' compares the newest run with
 * the newest earlier COMPLETE run of the same kind and site (a partial run
 * is never the baseline) and exits 1 when a new finding is at or above
 * --fail-on (default high): a cron job or systemd unit can alert on that.
 * 'prune' bounds the store for years of nightly runs; the newest run of
 * each kind and site is never removed.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "scanner/core/results.h"
#include "scanner/report/diff.h"
#include "scanner/report/history.h"
#include "scanner/report/outbox.h"
#include "scanner/report/report.h"

static void
history_usage(void)
{
	printf("usage: heiiki history [--db DB] add [--outbox DIR] RESULTS...\n"
	       "       heiiki history [--db DB] list [--limit N] [--format text|json]\n"
	       "       heiiki history [--db DB] show ID\n"
	       "       heiiki history [--db DB] changes [--since-last] [--kind KIND]\n"
	       "                      [--from ID --to ID] [--format text|json]\n"
	       "                      [--lang en|ja] [--fail-on SEV]\n"
	       "       heiiki history [--db DB] prune [--keep N] [--older-than DAYS]\n"
	       "       heiiki history [--db DB] flush [--outbox DIR]\n"
	       "       heiiki history --db PGDB pg-setup [--site NAME --role ROLE]\n"
	       "                      [--reader ROLE]\n"
	       "\n"
	       "Store runs in a history (an SQLite file, or a PostgreSQL database shared\n"
	       "by a group of sites) and show what changed since the last one.\n"
	       "\n"
	       "  --db DB             an SQLite file, or a PostgreSQL connection string:\n"
	       "                      postgresql://USER@HOST/DB?sslmode=verify-full or\n"
	       "                      service=NAME (pg_service.conf); never a password: libpq\n"
	       "                      reads it from ~/.pgpass, $PGPASSFILE or $PGPASSWORD\n"
	       "                      (default $HEIIKI_HISTORY, else\n"
	       "                      " HISTORY_DEFAULT_DB ")\n"
	       "  --outbox DIR        runs waiting for an unreachable PostgreSQL: 'add'\n"
	       "                      queues there (exit 4), 'flush' sends them in order\n"
	       "                      (default $HEIIKI_OUTBOX, else " OUTBOX_DEFAULT_DIR ")\n"
	       "  show ID             print the stored results document of run ID\n"
	       "  --since-last        newest run against the previous complete run of the\n"
	       "                      same kind and site (the default)\n"
	       "  --kind KIND         only consider runs of this kind (scan, capture, ...)\n"
	       "  --from ID --to ID   compare two stored runs by id\n"
	       "  --fail-on SEV       exit 1 when a new finding is at or above SEV:\n"
	       "                      critical, high (default), medium, low, info, none\n"
	       "  --keep N            prune: keep the newest N runs of each kind and site\n"
	       "  --older-than DAYS   prune: remove runs that started more than DAYS days\n"
	       "                      ago (the newest run of each kind and site stays)\n"
	       "  pg-setup            as the owner of the database: create or migrate the\n"
	       "                      schema and row-level security by site; --site NAME\n"
	       "                      --role ROLE makes ROLE a login role that stores and\n"
	       "                      reads only site NAME's runs, --reader ROLE one that\n"
	       "                      reads every site (docs/reports.md, \"Sites\")\n"
	       "  -h, --help          this text\n");
}

/* --outbox DIR before the files of add and flush. */
static int
outbox_opt(int argc, char **argv, const char **dir)
{
	static const struct option opts[] = {
		{ "outbox", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_bad_option("history", argv);
		*dir = optarg;
	}
	return 0;
}

/* PostgreSQL could not be reached: keep the run for 'history flush'. */
static int
queue_run(const char *dir, const char *file, json_t *root, const char *why)
{
	char path[1200], err[1024];

	if (outbox_put(outbox_path(dir), root, path, sizeof(path), err, sizeof(err)) < 0)
		return cli_fail("history", "%s; and it cannot be queued: %s", why, err);
	fprintf(stderr, "heiiki history: %s\n", why);
	printf("%s: queued as %s (the database is unreachable; "
	       "'heiiki history flush' sends it)\n", file, path);
	return EXIT_PARTIAL;
}

/* *hp is NULL when the database could not be reached (open_err says
 * why); it is closed and set NULL when the connection is lost. */
static int
hist_add(struct history **hp, const char *open_err, int argc, char **argv)
{
	struct history *h = *hp;
	const char *dir = NULL;
	char err[1024];
	int rc = 0;

	if (outbox_opt(argc, argv, &dir))
		return EXIT_USAGE;
	if (optind >= argc)
		return cli_usage("history", "add needs at least one RESULTS file");
	for (int i = optind; i < argc; i++) {
		struct results *res;
		long long id;
		int st;

		if (results_load(argv[i], &res, err, sizeof(err)) < 0)
			return cli_usage("history", "%s", err);
		st = h ? history_add(h, results_root(res), &id, err, sizeof(err)) :
		     HISTORY_UNREACHABLE;
		if (st == HISTORY_UNREACHABLE) {
			/* a connection lost half way: this and the rest queue */
			if (h) {
				history_close(h);
				*hp = h = NULL;
				open_err = err;
			}
			rc = queue_run(dir, argv[i], results_root(res), open_err);
			results_free(res);
			if (rc != EXIT_PARTIAL)
				return rc;
			continue;
		}
		results_free(res);
		if (st < 0)
			return cli_fail("history", "%s", err);
		printf(st == 1 ? "%s: already stored as run %lld\n" :
		       st == 2 ? "%s: replaced the earlier partial record of run %lld\n" :
		       "%s: stored as run %lld\n", argv[i], id);
	}
	return rc;
}

static int
hist_flush(const char *loc, int argc, char **argv)
{
	const char *dir = NULL;
	struct outbox_stats st;
	char err[1024];
	int rc;

	if (outbox_opt(argc, argv, &dir))
		return EXIT_USAGE;
	if (optind != argc)
		return cli_usage("history", "flush takes no arguments");
	rc = outbox_flush(outbox_path(dir), loc, &st, err, sizeof(err));
	printf("sent %zu run%s, %zu refused, %zu still queued\n", st.sent,
	       st.sent == 1 ? "" : "s", st.rejected, st.left);
	if (rc == HISTORY_UNREACHABLE) {
		fprintf(stderr, "heiiki history: %s\n", err);
		return EXIT_PARTIAL;
	}
	if (rc < 0)
		return cli_fail("history", "%s", err);
	return st.rejected ? EXIT_RUNTIME : 0;
}

static int
hist_show(struct history *h, int argc, char **argv)
{
	unsigned long long id;
	char err[1024];
	json_t *doc;

	if (argc != 2)
		return cli_usage("history", "show needs one run ID");
	if (cli_uint("history", "ID", argv[1], 1, (1ULL << 62), &id) < 0)
		return EXIT_USAGE;
	doc = history_document(h, (long long)id, err, sizeof(err));
	if (!doc)
		return cli_fail("history", "%s", err);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(doc);
	return fflush(stdout) ? cli_fail("history", "stdout: write error") : 0;
}

static int
hist_pg_setup(struct history *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "role", required_argument, NULL, 'r' },
		{ "reader", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	const char *site = NULL, *role = NULL, *reader = NULL;
	char err[1024];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			site = optarg;
		else if (c == 'r')
			role = optarg;
		else if (c == 'R')
			reader = optarg;
		else
			return cli_bad_option("history", argv);
	}
	if (optind != argc)
		return cli_usage("history", "pg-setup takes no arguments");
	if (!site != !role)
		return cli_usage("history", "--site and --role go together");
	if ((site && !*site) || (role && !*role) || (reader && !*reader))
		return cli_usage("history", "empty --site, --role or --reader");
	if (history_pg_setup(h, site, role, reader, err, sizeof(err)) < 0)
		return cli_fail("history", "%s", err);
	printf("schema %d and row-level security by site are in place", HISTORY_SCHEMA);
	if (site)
		printf("; role %s stores site %s", role, site);
	if (reader)
		printf("; role %s reads every site", reader);
	printf("\n");
	return fflush(stdout) ? cli_fail("history", "stdout: write error") : 0;
}

/* Escaped text padded to width columns (bytes; run fields are ASCII). */
static void
pad_text(const char *s, size_t width)
{
	size_t n = strlen(s);

	report_esc_text(stdout, s);
	do
		putchar(' ');
	while (++n < width);
}

static void
list_text(const json_t *runs)
{
	static const char *const sevs[] = { "critical", "high", "medium", "low", "info" };
	json_t *r;
	size_t i;

	printf("%-5s %-20s %-8s %-8s %4s %4s %4s %4s %4s %8s  %s\n", "ID", "START", "KIND",
	       "STATUS", "CRIT", "HIGH", "MED", "LOW", "INFO", "SERVICES", "SITE");
	json_array_foreach(runs, i, r) {
		json_t *f = json_object_get(r, "findings");

		printf("%-5lld ", report_int(r, "id", 0));
		pad_text(report_str(r, "start"), 21);
		pad_text(report_str(r, "kind"), 9);
		printf("%-8s", !strcmp(report_str(r, "status"), "complete") ? "complete" :
		       "PARTIAL");
		for (size_t k = 0; k < 5; k++)
			printf(" %4lld", report_int(f, sevs[k], 0));
		printf(" %8lld  ", report_int(r, "services", 0));
		report_esc_text(stdout, report_str(r, "site"));
		putchar('\n');
	}
}

static int
hist_list(struct history *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long limit = 0;
	int c, json_out = 0;
	char err[1024];
	json_t *runs;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n' && cli_uint("history", "--limit", optarg, 1, 1000000, &limit) < 0)
			return EXIT_USAGE;
		else if (c == 'f' && (strcmp(optarg, "text") && strcmp(optarg, "json")))
			return cli_usage("history", "invalid value '%s' for --format: "
					 "expected text or json", optarg);
		else if (c == 'f')
			json_out = !strcmp(optarg, "json");
		else if (c != 'n')
			return cli_bad_option("history", argv);
	}
	if (optind != argc)
		return cli_usage("history", "list takes no arguments");
	runs = history_runs(h, (size_t)limit, err, sizeof(err));
	if (!runs)
		return cli_fail("history", "%s", err);
	if (json_out) {
		json_dumpf(runs, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		list_text(runs);
	}
	json_decref(runs);
	return fflush(stdout) ? cli_fail("history", "stdout: write error") : 0;
}

/* ISO 8601 UTC of now minus days, as runs' start times are written. */
static void
cutoff(unsigned long long days, char *buf, size_t len)
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
hist_prune(struct history *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "older-than", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long keep = 0, days = 0;
	char err[1024], before[32] = "";
	long long removed;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k' && cli_uint("history", "--keep", optarg, 1, 1000000, &keep) < 0)
			return EXIT_USAGE;
		else if (c == 'o' && cli_uint("history", "--older-than", optarg, 1, 100000,
					     &days) < 0)
			return EXIT_USAGE;
		else if (c != 'k' && c != 'o')
			return cli_bad_option("history", argv);
	}
	if (optind != argc)
		return cli_usage("history", "prune takes no arguments");
	if (!keep && !days)
		return cli_usage("history", "prune needs --keep N and/or --older-than DAYS");
	if (days)
		cutoff(days, before, sizeof(before));
	if (history_prune(h, keep, before, &removed, err, sizeof(err)) < 0)
		return cli_fail("history", "%s", err);
	printf("removed %lld run%s\n", removed, removed == 1 ? "" : "s");
	return fflush(stdout) ? cli_fail("history", "stdout: write error") : 0;
}

struct changes_opts {
	const char *kind;
	unsigned long long from, to;
	int json_out, fail_on;
	enum report_lang lang;
};

static int
changes_args(int argc, char **argv, struct changes_opts *o)
{
	static const struct option opts[] = {
		{ "since-last", no_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "from", required_argument, NULL, 'a' },
		{ "to", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			break;
		case 'k':
			if (strcmp(optarg, "scan") && strcmp(optarg, "capture") &&
			    strcmp(optarg, "check") && strcmp(optarg, "fence") &&
			    strcmp(optarg, "merge"))
				return cli_usage("history", "invalid value '%s' for --kind: "
						 "expected scan, capture, check, fence or merge",
						 optarg);
			o->kind = optarg;
			break;
		case 'a':
		case 'b':
			if (cli_uint("history", c == 'a' ? "--from" : "--to", optarg, 1,
				     (1ULL << 62), c == 'a' ? &o->from : &o->to) < 0)
				return EXIT_USAGE;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage("history", "invalid value '%s' for --format: "
						 "expected text or json", optarg);
			o->json_out = !strcmp(optarg, "json");
			break;
		case 'l':
			if (i18n_lang_parse(optarg, &o->lang) < 0)
				return cli_usage("history", "invalid value '%s' for --lang: "
						 "expected en or ja", optarg);
			break;
		case 'F':
			o->fail_on = diff_fail_on_parse(optarg);
			if (o->fail_on < 0)
				return cli_usage("history", "invalid value '%s' for --fail-on: "
						 "expected critical, high, medium, low, info or none",
						 optarg);
			break;
		default:
			return cli_bad_option("history", argv);
		}
	}
	if (optind != argc)
		return cli_usage("history", "changes takes no arguments");
	if (!o->from != !o->to)
		return cli_usage("history", "--from and --to go together");
	return 0;
}

static int
hist_changes(struct history *h, int argc, char **argv)
{
	struct changes_opts o = { .fail_on = RSEV_HIGH, .lang = LANG_EN };
	long long newer = 0, older = 0;
	json_t *a = NULL, *b = NULL, *d = NULL;
	char err[1024];
	int rc;

	rc = changes_args(argc, argv, &o);
	if (rc)
		return rc;
	if (o.from) {
		older = (long long)o.from;
		newer = (long long)o.to;
	} else {
		if (o.kind && history_has_kind(h, o.kind) == 0) {
			printf("no run of kind %s is stored: nothing to compare\n", o.kind);
			return 0;
		}
		rc = history_last_pair(h, o.kind, &newer, &older, err, sizeof(err));
		if (rc < 0)
			return cli_fail("history", "%s", err);
		if (rc == 2) {
			printf("history is empty: nothing to compare\n");
			return 0;
		}
		if (rc == 1) {
			printf("run %lld has no earlier complete run of the same kind and site "
			       "to compare with\n", newer);
			return 0;
		}
	}
	a = history_document(h, older, err, sizeof(err));
	b = a ? history_document(h, newer, err, sizeof(err)) : NULL;
	d = b ? diff_results(a, b, err, sizeof(err)) : NULL;
	if (!d) {
		rc = cli_fail("history", "%s", err);
		goto out;
	}
	if (!o.json_out)
		printf("run %lld -> run %lld\n", older, newer);
	if (diff_print(stdout, d, o.json_out, o.lang) < 0)
		rc = cli_fail("history", "stdout: write error");
	else
		rc = diff_worst_new(d) >= o.fail_on ? EXIT_FINDINGS : 0;
out:
	json_decref(a);
	json_decref(b);
	json_decref(d);
	return rc;
}

int
cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbpath = NULL, *sub, *loc;
	struct history *h = NULL;
	char err[1024];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'd') {
			dbpath = optarg;
		} else if (c == 'h') {
			history_usage();
			return 0;
		} else {
			return cli_usage("history", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("history", "missing subcommand: add, list, show, changes, prune, "
				 "flush or pg-setup");
	sub = argv[optind];
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "changes") &&
	    strcmp(sub, "prune") && strcmp(sub, "show") && strcmp(sub, "flush") &&
	    strcmp(sub, "pg-setup"))
		return cli_usage("history", "unknown subcommand '%s' (expected add, list, show, "
				 "changes, prune, flush or pg-setup)", sub);
	loc = history_path(dbpath);
	if (history_is_pg(loc) && history_dsn_check(loc, err, sizeof(err)) < 0)
		return cli_usage("history", "%s", err);
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "flush"))
		return hist_flush(loc, argc, argv);
	if (!strcmp(sub, "pg-setup") && !history_is_pg(loc))
		return cli_usage("history", "pg-setup needs --db postgresql://... or "
				 "service=NAME");
	rc = history_open(loc, !strcmp(sub, "add") || !strcmp(sub, "pg-setup") ?
			  HISTORY_CREATE : !strcmp(sub, "prune") ? HISTORY_WRITE : HISTORY_READ,
			  &h, err, sizeof(err));
	if (rc == HISTORY_UNREACHABLE && !strcmp(sub, "add"))
		return hist_add(&h, err, argc, argv);
	if (rc < 0)
		return cli_fail("history", "%s", err);
	if (!strcmp(sub, "add"))
		rc = hist_add(&h, NULL, argc, argv);
	else if (!strcmp(sub, "list"))
		rc = hist_list(h, argc, argv);
	else if (!strcmp(sub, "show"))
		rc = hist_show(h, argc, argv);
	else if (!strcmp(sub, "prune"))
		rc = hist_prune(h, argc, argv);
	else if (!strcmp(sub, "pg-setup"))
		rc = hist_pg_setup(h, argc, argv);
	else
		rc = hist_changes(h, argc, argv);
	if (rc == EXIT_RUNTIME || (rc == EXIT_USAGE && !strcmp(sub, "add")))
		history_abandon(h);	/* no empty database after a failed add */
	else
		history_close(h);
	return rc;
}
