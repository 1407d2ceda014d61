/*
 * cmd_report_group.c - 'heiiki report --group': the group view of a
 * shared history (scanner/report/group.h).
 *
 *   heiiki report --group [--db DB] [--lang en|ja] [--format html|csv|json]
 *                 [-o OUT] [--site-url TEMPLATE]
 *
 * DB is an SQLite file or a PostgreSQL connection string (history.h);
 * with PostgreSQL, row-level security decides which sites the role sees.
 * OUT is written atomically with mode 0600.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "scanner/core/fsutil.h"
#include "scanner/report/group.h"
#include "scanner/report/history.h"
#include "scanner/report/i18n.h"

static void
group_usage(void)
{
	printf("usage: heiiki report --group [--db DB] [--format html|csv|json] [--lang en|ja]\n"
	       "                     [-o OUT] [--site-url TEMPLATE]\n"
	       "\n"
	       "The group view of a history shared by several sites: one row per site with\n"
	       "its newest scan run (what 'heiiki night' stores), its status, age, open\n"
	       "findings by severity, new findings since the site's previous complete run,\n"
	       "undeclared exits, expired vendor exceptions and out-of-support devices.\n"
	       "\n"
	       "  --db DB             SQLite file or postgresql://... / service=NAME\n"
	       "                      (default $HEIIKI_HISTORY, else " HISTORY_DEFAULT_DB ")\n"
	       "  -f, --format FMT    html (default), csv (UTF-8 with BOM) or json\n"
	       "                      (default from the extension of OUT)\n"
	       "  -l, --lang LANG     en (default) or ja\n"
	       "  -o, --output OUT    output file (default: standard output)\n"
	       "  --site-url TEMPLATE link to each site's report; {site} (URL-encoded) and\n"
	       "                      {run} (run id) are replaced, e.g.\n"
	       "                      https://soc.example/heiiki/{site}/{run}.html\n"
	       "  -h, --help          this text\n"
	       "\n"
	       "Exit status: 0 written, 2 bad option or a database that cannot be opened,\n"
	       "3 PostgreSQL unreachable or a write error.\n");
}

int
report_group_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", no_argument, NULL, 'g' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "site-url", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *format = NULL, *out = NULL, *url = NULL, *loc, *dot;
	enum report_lang lang = LANG_EN;
	struct history *h = NULL;
	char err[1024], *buf = NULL;
	size_t len = 0;
	json_t *t;
	FILE *m;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:l:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			break;
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "html") && strcmp(optarg, "csv") && strcmp(optarg, "json"))
				return cli_usage("report", "invalid value '%s' for --format with "
						 "--group: expected html, csv or json", optarg);
			format = optarg;
			break;
		case 'l':
			if (i18n_lang_parse(optarg, &lang) < 0)
				return cli_usage("report", "invalid value '%s' for --lang: expected "
						 "en or ja", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'h':
			group_usage();
			return 0;
		default:
			return cli_bad_option("report", argv);
		}
	}
	if (optind < argc)
		return cli_usage("report", "--group reads the history (--db), not '%s'",
				 argv[optind]);
	dot = out ? strrchr(out, '.') : NULL;
	if (!format && dot)
		format = !strcasecmp(dot, ".csv") ? "csv" : !strcasecmp(dot, ".json") ? "json" :
			 !strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") ? "html" : NULL;
	if (!format && dot)
		return cli_usage("report", "--group writes html, csv or json: give --format "
				 "for '%s'", out);
	if (!format)
		format = "html";
	loc = history_path(db);
	rc = history_open(loc, HISTORY_READ, &h, err, sizeof(err));
	if (rc == HISTORY_UNREACHABLE)
		return cli_fail("report", "%s", err);
	if (rc < 0)
		return cli_usage("report", "--group: %s", err);
	t = group_table(h, url, (long long)time(NULL), err, sizeof(err));
	history_close(h);
	if (!t)
		return cli_fail("report", "--group: %s", err);
	m = open_memstream(&buf, &len);
	if (!m) {
		json_decref(t);
		return cli_fail("report", "out of memory");
	}
	rc = group_write(m, t, format, lang, err, sizeof(err));
	json_decref(t);
	if (fclose(m) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -1;
	}
	if (rc == 0) {
		if (!out || !strcmp(out, "-")) {
			if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
				snprintf(err, sizeof(err), "stdout: write error");
				rc = -1;
			}
		} else {
			rc = fs_write_atomic(out, buf, len, 0600, err, sizeof(err));
		}
	}
	free(buf);
	return rc < 0 ? cli_fail("report", "%s", err) : 0;
}
