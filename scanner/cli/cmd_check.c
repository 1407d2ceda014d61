/*
 * cmd_check.c - 'heiiki check': apply the policy's rules to a results
 * document.
 *
 * Loads the policy and the results, opens the GeoIP databases (policy
 * geoip_db/asn_db, else --db, else the default country database when it
 * exists), runs findings_apply() and writes the document back (in place,
 * or to -o).  Exit 1 when findings at or above --fail-on exist.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "scanner/findings/findings.h"

struct check_opts {
	const char *policy, *in, *out;
	const char *db[GEO_MAX_DB];
	size_t ndb;
	int fail_on;		/* severity, or SEV_CRITICAL + 1 = never */
	time_t today;
};

static void
check_usage(void)
{
	printf("usage: heiiki check --policy FILE [-o OUT] [--fail-on SEVERITY]\n"
	       "                    [--today YYYY-MM-DD] [--db FILE]... RESULTS\n"
	       "\n"
	       "Apply the policy's rules to a results document and add the findings\n"
	       "(previous findings are replaced).\n"
	       "\n"
	       "  --policy FILE       the hospital policy (YAML)\n"
	       "  -o, --output OUT    write here instead of over RESULTS ('-' = stdout)\n"
	       "  --fail-on SEV       exit 1 when findings at or above SEV exist:\n"
	       "                      critical, high (default), medium, low, info, none\n"
	       "  --today DATE        date for expiry checks (a real date; default: today, UTC)\n"
	       "  --db FILE           GeoIP database (repeatable) when the policy names none\n"
	       "  -h, --help          this text\n");
}

static int
parse_day(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	char *end;

	if (strlen(s) != 10)
		return -1;
	struct tm back;
	int y, m, d;

	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		return -1;
	y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday;
	*out = timegm(&tm) + 12 * 3600;	/* midday: clear of day boundaries */
	/* strptime takes 2026-02-30; timegm would roll it to March 2 */
	if (!gmtime_r(out, &back) || back.tm_year != y || back.tm_mon != m || back.tm_mday != d)
		return -1;
	return 0;
}

static int
check_args(int argc, char **argv, struct check_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "today", required_argument, NULL, 't' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->policy = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'f':
			o->fail_on = !strcmp(optarg, "none") ? SEV_CRITICAL + 1 :
				     severity_parse(optarg);
			if (o->fail_on < 0)
				return cli_usage("check", "invalid value '%s' for --fail-on: "
						 "expected critical, high, medium, low, info or none",
						 optarg);
			break;
		case 't':
			if (parse_day(optarg, &o->today) < 0)
				return cli_usage("check", "invalid value '%s' for --today: "
						 "expected YYYY-MM-DD", optarg);
			break;
		case 'd':
			if (o->ndb == GEO_MAX_DB)
				return cli_usage("check", "at most %d --db files", GEO_MAX_DB);
			o->db[o->ndb++] = optarg;
			break;
		case 'h':
			check_usage();
			return -1;
		default:
			return cli_bad_option("check", argv);
		}
	}
	if (!o->policy)
		return cli_usage("check", "--policy FILE is required");
	if (optind != argc - 1)
		return cli_usage("check", "expected exactly one RESULTS file");
	o->in = argv[optind];
	if (!o->out)
		o->out = o->in;
	return 0;
}

/*
 * GeoIP databases: the policy's geoip_db/asn_db followed by any --db,
 * else the default one when it exists.  A named database that cannot be
 * opened is an error; a missing default only disables the geo rules (with
 * a warning when the policy has geo rules).
 */
static int
check_geo(const struct check_opts *o, const struct policy *p, struct geo_db **db,
	  char *err, size_t errlen)
{
	const char *paths[GEO_MAX_DB];
	size_t n = 0;

	*db = NULL;
	if (p->geoip_db[0])
		paths[n++] = p->geoip_db;
	if (p->asn_db[0])
		paths[n++] = p->asn_db;
	for (size_t i = 0; i < o->ndb && n < GEO_MAX_DB; i++)
		paths[n++] = o->db[i];
	if (n == 0) {
		if (access(geo_default_path(), R_OK) < 0) {
			if (p->ngeo)
				fprintf(stderr, "heiiki check: warning: no GeoIP database (%s); "
					"geo rules are not checked (run 'make geoip')\n",
					geo_default_path());
			return 0;
		}
		paths[n++] = geo_default_path();
	}
	return geo_open(db, paths, n, err, errlen);
}

static void
check_summary(struct results *r, struct geo_db *db, time_t today)
{
	static const char *const names[] = { "critical", "high", "medium", "low", "info" };
	size_t prev = 0;
	char ts[32];

	fprintf(stderr, "heiiki check: %zu findings (", findings_count_at(r, SEV_INFO));
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		size_t at = findings_count_at(r, (enum severity)s);

		fprintf(stderr, "%s%s %zu", s == SEV_CRITICAL ? "" : ", ",
			names[SEV_CRITICAL - s], at - prev);
		prev = at;
	}
	fprintf(stderr, ")\n");
	if (db && geo_is_stale(db, today))
		fprintf(stderr, "heiiki check: warning: GeoIP database %s was built %s, "
			"more than %d days ago; update it (make geoip)\n",
			geo_db_path(db, 0), results_time(geo_build_epoch(db), ts),
			GEO_STALE_DAYS);
}

int
cmd_check(int argc, char **argv)
{
	struct check_opts o = { .fail_on = SEV_HIGH };
	struct policy p;
	struct results *r = NULL;
	struct geo_db *db = NULL;
	char err[POLICY_ERR_MAX];
	int rc;

	rc = check_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!o.today)
		o.today = time(NULL);
	if (policy_load(o.policy, &p, err, sizeof(err)) < 0)
		return cli_usage("check", "%s", err);
	if (policy_check_paths(&p, err, sizeof(err)) < 0) {
		rc = cli_usage("check", "%s", err);
		goto out_policy;
	}
	if (results_load(o.in, &r, err, sizeof(err)) < 0) {
		rc = cli_usage("check", "%s", err);
		goto out_policy;
	}
	if (check_geo(&o, &p, &db, err, sizeof(err)) < 0) {
		rc = cli_fail("check", "%s", err);
		goto out_results;
	}
	if (findings_apply(r, &p, db, o.today, err, sizeof(err)) < 0 ||
	    results_write(r, o.out, err, sizeof(err)) < 0) {
		rc = cli_fail("check", "%s", err);
		goto out_geo;
	}
	check_summary(r, db, o.today);
	rc = (o.fail_on <= SEV_CRITICAL &&
	      findings_count_at(r, (enum severity)o.fail_on) > 0) ? EXIT_FINDINGS : 0;
out_geo:
	geo_close(db);
out_results:
	results_free(r);
out_policy:
	policy_free(&p);
	return rc;
}
