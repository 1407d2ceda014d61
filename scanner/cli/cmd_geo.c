/*
 * cmd_geo.c - 'heiiki geo ADDRESS...': country and ASN of addresses.
 *
 * Opens the databases given with --db (repeatable, e.g. a country and an
 * ASN file) or the default country database, and prints one line per
 * address (addr, country, ASN, organisation) or a JSON document with
 * --json.  A database older than GEO_STALE_DAYS gives a warning on stderr.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "geoip/geo.h"
#include "scanner/core/results.h"

static void
geo_usage(void)
{
	printf("usage: heiiki geo [--db FILE]... [--json] ADDRESS...\n"
	       "\n"
	       "Look up the country and autonomous system of each address.\n"
	       "\n"
	       "  --db FILE   MaxMind DB file (GeoLite2/GeoIP2 Country or City, DB-IP\n"
	       "              Lite, ip-location-db country, or an ASN database);\n"
	       "              repeat to combine a country and an ASN database.\n"
	       "              Default: $HEIIKI_GEOIP_DB or %s\n"
	       "  --json      print JSON instead of text\n"
	       "  -h, --help  this text\n",
	       "/var/lib/heiiki/geoip/country.mmdb");
}

static void
geo_warn_stale(const struct geo_db *db)
{
	time_t now = time(NULL);
	char ts[32];

	for (size_t i = 0; i < geo_db_count(db); i++) {
		int64_t e = geo_db_epoch(db, i);

		if ((int64_t)now - e > (int64_t)GEO_STALE_DAYS * 86400)
			fprintf(stderr, "heiiki geo: warning: %s was built %s, more than "
				"%d days ago; update it (make geoip)\n",
				geo_db_path(db, i), results_time(e, ts), GEO_STALE_DAYS);
	}
}

static json_t *
geo_dbs_json(const struct geo_db *db)
{
	json_t *a = json_array();
	time_t now = time(NULL);
	char ts[32];

	for (size_t i = 0; a && i < geo_db_count(db); i++) {
		int64_t e = geo_db_epoch(db, i);

		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:s, s:b}",
			"path", geo_db_path(db, i), "type", geo_db_type(db, i),
			"build_epoch", (json_int_t)e, "build_date", results_time(e, ts),
			"stale", (int64_t)now - e > (int64_t)GEO_STALE_DAYS * 86400));
	}
	return a;
}

static int
geo_print(struct geo_db *db, int json, int n, char **addrs)
{
	json_t *out = NULL, *list = NULL;
	char buf[ADDR_STRLEN];
	int rc = 0;

	if (json) {
		list = json_array();
		out = json_pack("{s:o, s:o}", "databases", geo_dbs_json(db), "lookups", list);
	}
	for (int i = 0; i < n; i++) {
		struct addr a;
		struct geo g;

		addr_parse(addrs[i], &a);
		if (geo_lookup(db, &a, &g) < 0) {
			rc = cli_fail("geo", "%s", geo_error(db));
			break;
		}
		addr_fmt(&a, buf);
		if (json)
			json_array_append_new(list, json_pack("{s:s, s:s?, s:o?, s:s?}",
				"addr", buf, "country", g.country[0] ? g.country : NULL,
				"asn", g.asn ? json_integer(g.asn) : NULL,
				"org", g.as_org[0] ? g.as_org : NULL));
		else if (g.asn)
			printf("%s\t%s\tAS%u\t%s\n", buf, g.country[0] ? g.country : "-",
			       g.asn, g.as_org[0] ? g.as_org : "-");
		else
			printf("%s\t%s\t-\t-\n", buf, g.country[0] ? g.country : "-");
	}
	if (json && rc == 0) {
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (s)
			puts(s);
		free(s);
	}
	json_decref(out);
	return rc;
}

int
cmd_geo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *paths[GEO_MAX_DB];
	size_t npaths = 0;
	struct geo_db *db;
	char err[512];
	int c, json = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (npaths == GEO_MAX_DB)
				return cli_usage("geo", "at most %d --db files", GEO_MAX_DB);
			paths[npaths++] = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			geo_usage();
			return 0;
		default:
			return cli_bad_option("geo", argv);
		}
	}
	if (optind >= argc)
		return cli_usage("geo", "no address given");
	for (int i = optind; i < argc; i++) {
		struct addr a;

		if (addr_parse(argv[i], &a) < 0)
			return cli_usage("geo", "invalid address '%s'", argv[i]);
	}
	if (npaths == 0)
		paths[npaths++] = geo_default_path();
	if (geo_open(&db, paths, npaths, err, sizeof(err)) < 0)
		return cli_fail("geo", "%s (install the default database with 'make geoip' "
				"or pass --db FILE)", err);
	geo_warn_stale(db);
	rc = geo_print(db, json, argc - optind, argv + optind);
	geo_close(db);
	return rc;
}
