/*
 * cmd_geo.c - 'heiiki geo ADDRESS...': country and ASN of addresses.
 *
 * Opens the databases given with --db (repeatable, e.g. a country and an
 * ASN file) or the default country database, and prints one line per
 * address (addr, country, ASN, organisation) or a JSON document with
 * --json.  A database older than GEO_STALE_DAYS gives a warning on stderr.
 *
 * 'heiiki geo install FILE.mmdb' puts a database obtained on another
 * machine (GeoLite2, DB-IP Lite, ip-location-db) where heiiki looks for it,
 * with no Node.js and no internet: the file must open with libmaxminddb and
 * answer a lookup; it is copied atomically (temporary file, fsync, rename)
 * to DIR/country.mmdb (DIR/asn.mmdb for an ASN database), and its type and
 * build date are recorded in DIR/NAME.json next to it.  See docs/geoip.md.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "geoip/geo.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"

#define GEO_INSTALL_DIR "/var/lib/heiiki/geoip"
#define GEO_INSTALL_MAX (1024UL * 1024 * 1024)	/* GeoLite2-City is ~70 MB */

static void
geo_usage(void)
{
	printf("usage: heiiki geo [--db FILE]... [--json] ADDRESS...\n"
	       "       heiiki geo install [--dir DIR] [--as country|asn] FILE.mmdb\n"
	       "\n"
	       "Look up the country and autonomous system of each address.\n"
	       "\n"
	       "  --db FILE   MaxMind DB file (GeoLite2/GeoIP2 Country or City, DB-IP\n"
	       "              Lite, ip-location-db country, or an ASN database);\n"
	       "              repeat to combine a country and an ASN database.\n"
	       "              Default: $HEIIKI_GEOIP_DB or %s\n"
	       "  --json      print JSON instead of text\n"
	       "  -h, --help  this text\n"
	       "\n"
	       "install: check FILE with libmaxminddb and install it atomically as\n"
	       "DIR/country.mmdb (an ASN database as DIR/asn.mmdb), recording its build\n"
	       "date in DIR/NAME.json.  DIR: $HEIIKI_GEOIP_DIR or %s.\n",
	       "/var/lib/heiiki/geoip/country.mmdb", GEO_INSTALL_DIR);
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
				"%d days ago; update it (heiiki geo install FILE.mmdb, or make geoip)\n",
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

/* The opened database answers a lookup: a corrupt search tree opens but
 * fails every lookup. */
static int
geo_install_check(struct geo_db *db, const char *file, char *err, size_t errlen)
{
	struct addr a;
	struct geo g;

	addr_parse("198.51.100.1", &a);
	if (geo_lookup(db, &a, &g) < 0) {
		snprintf(err, errlen, "%s: lookups fail: %s", file, geo_error(db));
		return -1;
	}
	return 0;
}

/* Record what was installed next to it (DIR/NAME.json, 0644). */
static int
geo_install_record(const char *dest, const char *src, const struct geo_db *db,
		   char *err, size_t errlen)
{
	char info[PATH_MAX + 8], ts[32], now_ts[32], abs[PATH_MAX];
	int64_t e = geo_db_epoch(db, 0);
	json_t *j;
	char *s;
	int rc;

	if ((size_t)snprintf(info, sizeof(info), "%s.json", dest) >= sizeof(info)) {
		snprintf(err, errlen, "%s: path too long", dest);
		return -1;
	}
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "file", dest,
		      "source", realpath(src, abs) ? abs : src,
		      "database_type", geo_db_type(db, 0), "build_epoch", (json_int_t)e,
		      "build_date", results_time(e, ts),
		      "installed", results_time(time(NULL), now_ts));
	s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = fs_write_atomic(info, s, strlen(s), 0644, err, errlen);
	free(s);
	return rc;
}

static int
geo_install(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = getenv("HEIIKI_GEOIP_DIR"), *as = NULL, *src;
	char dest[PATH_MAX], err[PATH_MAX + 256], ts[32];
	struct geo_db *db = NULL;
	char *data = NULL;
	size_t len;
	int c, rc = 0;

	if (!dir || !*dir)
		dir = GEO_INSTALL_DIR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'a':
			if (strcmp(optarg, "country") && strcmp(optarg, "asn"))
				return cli_usage("geo", "invalid value '%s' for --as: "
						 "expected country or asn", optarg);
			as = optarg;
			break;
		case 'h': geo_usage(); return 0;
		default: return cli_bad_option("geo", argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage("geo", "install: give exactly one FILE.mmdb");
	src = argv[optind];
	/* 1. libmaxminddb must open it and answer a lookup: bad input, exit 2 */
	if (geo_open(&db, &src, 1, err, sizeof(err)) < 0)
		return cli_usage("geo", "install: %s", err);
	if (geo_install_check(db, src, err, sizeof(err)) < 0) {
		geo_close(db);
		return cli_usage("geo", "install: %s", err);
	}
	if (!as)	/* "geo-whois-asn-country" is a country database */
		as = !strcasestr(geo_db_type(db, 0), "country") &&
		     !strcasestr(geo_db_type(db, 0), "city") &&
		     strcasestr(geo_db_type(db, 0), "asn") ? "asn" : "country";
	if ((size_t)snprintf(dest, sizeof(dest), "%s/%s.mmdb", dir, as) >= sizeof(dest)) {
		geo_close(db);
		return cli_usage("geo", "install: --dir too long");
	}
	/* 2. copy atomically into the data directory: runtime errors, exit 3 */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		rc = cli_fail("geo", "install: %s: %s", dir, strerror(errno));
	else if (fs_read_all(src, GEO_INSTALL_MAX, &data, &len, err, sizeof(err)) < 0 ||
		 fs_write_atomic(dest, data, len, 0644, err, sizeof(err)) < 0 ||
		 geo_install_record(dest, src, db, err, sizeof(err)) < 0)
		rc = cli_fail("geo", "install: %s", err);
	free(data);
	if (rc == 0) {
		int64_t e = geo_db_epoch(db, 0);

		printf("geo: installed %s (%s, built %s, %lld days old) from %s\n", dest,
		       geo_db_type(db, 0), results_time(e, ts),
		       (long long)(((int64_t)time(NULL) - e) / 86400), src);
		if (strcmp(dest, geo_default_path()) && !strcmp(as, "country"))
			printf("geo: note: heiiki reads %s by default; set geoip_db: %s "
			       "in the policy or HEIIKI_GEOIP_DB\n", geo_default_path(), dest);
		geo_warn_stale(db);
	}
	geo_close(db);
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

	if (argc > 1 && !strcmp(argv[1], "install"))
		return geo_install(argc - 1, argv + 1);
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
