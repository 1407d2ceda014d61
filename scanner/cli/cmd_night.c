/*
 * cmd_night.c - 'heiiki night': options of the scheduled run; the run
 * itself is scanner/pipeline/night.c.
 *
 *   heiiki night --policy FILE [options] [-- SCAN-OPTIONS TARGETS...]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "cli.h"
#include "scanner/pipeline/night.h"
#include "scanner/report/diff.h"
#include "scanner/report/history.h"
#include "scanner/report/report.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: heiiki night --policy FILE [options] [-- SCAN-OPTIONS TARGETS...]\n"
"The scheduled run in one process and one lock: scan (resuming what the last\n"
"window left), history, changes since the last complete run, reports (ja/en\n"
"HTML, CSV, DOT) in STATE/runs/YYYY-MM-DD/ with a 'latest' link, one summary\n"
"line, a syslog line per new finding and JSON-lines events.\n"
"  -P, --policy FILE        site policy\n"
"      --state-dir DIR      state directory (default " NIGHT_STATE_DIR ")\n"
"      --history DB         history database: a file (default\n"
"                           STATE/history.sqlite) or a PostgreSQL connection\n"
"                           string (postgresql://..., service=NAME; no password\n"
"                           in it); runs that cannot reach it wait in\n"
"                           STATE/outbox and are sent first the next night\n"
"      --events FILE        JSON-lines events (default STATE/events.jsonl)\n"
"      --capture-dir DIR    capture --rotate period documents to merge: those\n"
"                           started since the last night, each exactly once\n"
"                           (DIR and its subdirectories; default STATE/capture)\n"
"      --fail-on SEV        exit 1 when a NEW finding is at or above SEV:\n"
"                           critical, high (default), medium, low, info, none\n"
"      --fail-on-open       judge every open finding, not only new ones\n"
"      --stop-at HH:MM      end the sweep cleanly at this local time (partial\n"
"                           result; the next night continues where it stopped)\n"
"      --max-duration DUR   the same after DUR (30m, 4h)\n"
"      --lang ja|en         language of the summary line (default ja)\n"
"      --geoip FILE         GeoIP country database (default: the installed one);\n"
"                           missing with country rules in the policy: exit 3\n"
"      --allow-no-geoip     run anyway, country rules reported as not checked\n"
"      --syslog-tag TAG     syslog tag (default heiiki)\n"
"      --syslog-facility F  daemon (default), user, local0 .. local7\n"
"      --syslog-file FILE   append the syslog lines to FILE instead (tests)\n"
"  -h, --help               this text\n"
"Exit: 0 nothing at or above --fail-on, 1 found, 2 bad input, 3 runtime\n"
"failure (also: another night holds the lock), 4 partial (window closed).\n"
"Options after '--' are 'heiiki scan' options (rates, ports) and targets.\n");
}

static int
facility(const char *v, int *out)
{
	static const struct { const char *name; int f; } t[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcasecmp(v, t[i].name)) {
			*out = t[i].f;
			return 0;
		}
	return -1;
}

/* The next local HH:MM from now. */
static int
stop_at(const char *v, time_t *out)
{
	time_t now = time(NULL), t;
	unsigned h, m;
	struct tm tm;

	if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' || v[1] < '0' ||
	    v[1] > '9' || v[3] < '0' || v[3] > '5' || v[4] < '0' || v[4] > '9')
		return -1;
	h = (unsigned)(v[0] - '0') * 10 + (unsigned)(v[1] - '0');
	m = (unsigned)(v[3] - '0') * 10 + (unsigned)(v[4] - '0');
	if (h > 23)
		return -1;
	localtime_r(&now, &tm);
	tm.tm_hour = (int)h;
	tm.tm_min = (int)m;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t <= now)
		t += 86400;
	*out = t;
	return 0;
}

int
cmd_night(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "history", required_argument, NULL, 'H' },
		{ "events", required_argument, NULL, 'E' },
		{ "capture-dir", required_argument, NULL, 'C' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "fail-on-open", no_argument, NULL, 'A' },
		{ "stop-at", required_argument, NULL, 'T' },
		{ "max-duration", required_argument, NULL, 'D' },
		{ "lang", required_argument, NULL, 'L' },
		{ "geoip", required_argument, NULL, 'G' },
		{ "allow-no-geoip", no_argument, NULL, 'N' },
		{ "syslog-tag", required_argument, NULL, 't' },
		{ "syslog-facility", required_argument, NULL, 'f' },
		{ "syslog-file", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct night_opts o;
	unsigned long long secs;
	char dsn_err[512];
	time_t t;
	int ch;

	memset(&o, 0, sizeof(o));
	o.fail_on = RSEV_HIGH;
	o.lang = LANG_JA;
	o.syslog_facility = LOG_DAEMON;
	o.reparse = scan_parse_opts;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "P:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'P': o.policy = optarg; break;
		case 'S': o.state_dir = optarg; break;
		case 'H': o.history = optarg; break;
		case 'E': o.events = optarg; break;
		case 'C': o.capture_dir = optarg; break;
		case 'G': o.geoip = optarg; break;
		case 't': o.syslog_tag = optarg; break;
		case 's': o.syslog_file = optarg; break;
		case 'A': o.fail_on_open = 1; break;
		case 'N': o.allow_no_geoip = 1; break;
		case 'h': usage(stdout); return 0;
		case 'F':
			o.fail_on = diff_fail_on_parse(optarg);
			if (o.fail_on < 0)
				return cli_usage("night", "invalid value '%s' for --fail-on: "
						 "expected critical, high, medium, low, info or "
						 "none", optarg);
			break;
		case 'f':
			if (facility(optarg, &o.syslog_facility) < 0)
				return cli_usage("night", "invalid value '%s' for "
						 "--syslog-facility: expected daemon, user or "
						 "local0 .. local7", optarg);
			break;
		case 'L':
			if (i18n_lang_parse(optarg, &o.lang) < 0)
				return cli_usage("night", "invalid value '%s' for --lang: "
						 "expected en or ja", optarg);
			break;
		case 'T':
			if (stop_at(optarg, &t) < 0)
				return cli_usage("night", "invalid value '%s' for --stop-at: "
						 "expected HH:MM (local time)", optarg);
			if (!o.deadline || t < o.deadline)
				o.deadline = t;
			break;
		case 'D':
			if (cli_duration("night", "--max-duration", optarg, &secs) < 0)
				return EXIT_USAGE;
			t = time(NULL) + (time_t)secs;
			if (!o.deadline || t < o.deadline)
				o.deadline = t;
			break;
		default:
			return cli_bad_option("night", argv);
		}
	}
	if (!o.policy)
		return cli_usage("night", "--policy FILE is required");
	if (o.history && history_is_pg(o.history) &&
	    history_dsn_check(o.history, dsn_err, sizeof(dsn_err)) < 0)
		return cli_usage("night", "--history: %s", dsn_err);
	o.scan_args = argv + optind;
	o.nscan_args = argc - optind;
	return pipeline_night(&o);
}
