/*
 * cmd_diff.c - 'heiiki diff OLD NEW': what changed between two runs.
 *
 * New and closed services, new and resolved findings (by their stable
 * "key"), new and gone hosts, exits and peers (scanner/report/diff.c).
 * Exit 1 when a new finding is at or above --fail-on (default high), so a
 * cron job or systemd unit can alert on it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scanner/core/results.h"
#include "scanner/report/diff.h"
#include "scanner/report/report.h"

static void
diff_usage(void)
{
	printf("usage: heiiki diff [--format text|json] [--lang en|ja] [--fail-on SEV] OLD NEW\n"
	       "\n"
	       "Show what changed between two results documents.\n"
	       "\n"
	       "  --format FMT        text (default) or json\n"
	       "  --lang LANG         en (default) or ja (text only)\n"
	       "  --fail-on SEV       exit 1 when a NEW finding is at or above SEV:\n"
	       "                      critical, high (default), medium, low, info, none\n"
	       "  -h, --help          this text\n");
}

int
cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum report_lang lang = LANG_EN;
	int c, json_out = 0, fail_on = RSEV_HIGH, rc;
	struct results *a = NULL, *b = NULL;
	char err[1024];
	json_t *d;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage("diff", "invalid value '%s' for --format: "
						 "expected text or json", optarg);
			json_out = !strcmp(optarg, "json");
			break;
		case 'l':
			if (i18n_lang_parse(optarg, &lang) < 0)
				return cli_usage("diff", "invalid value '%s' for --lang: "
						 "expected en or ja", optarg);
			break;
		case 'F':
			fail_on = diff_fail_on_parse(optarg);
			if (fail_on < 0)
				return cli_usage("diff", "invalid value '%s' for --fail-on: expected "
						 "critical, high, medium, low, info or none", optarg);
			break;
		case 'h':
			diff_usage();
			return 0;
		default:
			return cli_bad_option("diff", argv);
		}
	}
	if (optind != argc - 2)
		return cli_usage("diff", "expected two results files: OLD NEW");
	if (results_load(argv[optind], &a, err, sizeof(err)) < 0 ||
	    results_load(argv[optind + 1], &b, err, sizeof(err)) < 0) {
		rc = cli_usage("diff", "%s", err);
		goto out;
	}
	d = diff_results(results_root(a), results_root(b), err, sizeof(err));
	if (!d) {
		rc = cli_fail("diff", "%s", err);
		goto out;
	}
	if (diff_print(stdout, d, json_out, lang) < 0)
		rc = cli_fail("diff", "stdout: write error");
	else
		rc = diff_worst_new(d) >= fail_on ? EXIT_FINDINGS : 0;
	json_decref(d);
out:
	results_free(a);
	results_free(b);
	return rc;
}
