/*
 * geo.h - thin libmaxminddb wrapper: country and ASN of an address.
 *
 * Several databases may be open at once (a country one and an ASN one);
 * each lookup reads single values with MMDB_get_value, never whole entry
 * lists, and results are cached per address in a fixed-size 2-way
 * set-associative table (no growth).  Setup returns a code and fills a caller errbuf;
 * nothing here exits.  Accepted schemas (docs/geoip.md): GeoLite2/GeoIP2
 * Country and City and DB-IP Lite ("country.iso_code", falling back to
 * "registered_country.iso_code"), ip-location-db ("country_code"), and ASN
 * databases ("autonomous_system_number", "autonomous_system_organization").
 */
#ifndef HEIIKI_GEO_H
#define HEIIKI_GEO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scanner/core/addr.h"

#define GEO_MAX_DB 8
#define GEO_CACHE_SLOTS 8192	/* power of two; 2-way sets */
#define GEO_STALE_DAYS 60	/* older databases give a warning */

struct geo_db;

struct geo {
	int found;		/* 1 when any database knew the address */
	char country[3];	/* ISO 3166-1 alpha-2, "" when unknown */
	uint32_t asn;		/* 0 when unknown */
	char as_org[96];
};

/* Default database path: $HEIIKI_GEOIP_DB, else the installed data dir. */
const char *geo_default_path(void);
/* Open one or more .mmdb files.  0, or -1 with err naming the file. */
int geo_open(struct geo_db **db, const char *const *paths, size_t npaths,
	     char *err, size_t errlen);
/* 0 found, 1 not in any database, -1 error (geo_error() says why). */
int geo_lookup(struct geo_db *db, const struct addr *a, struct geo *out);
/*
 * Like geo_lookup (never cached), and also the last address of the
 * largest block around a that every database answers the same way, so a
 * caller can walk a range network by network.
 */
int geo_lookup_span(struct geo_db *db, const struct addr *a, struct geo *out,
		    struct addr *last);
/* Message of the last lookup error ("" when none). */
const char *geo_error(const struct geo_db *db);
/* Turn the per-address cache on (default) or off (benchmarks). */
void geo_set_cache(struct geo_db *db, int on);
/* Build date of the first database (unix time) for reports. */
int64_t geo_build_epoch(const struct geo_db *db);
/* Per database: count, path, metadata database_type, build epoch. */
size_t geo_db_count(const struct geo_db *db);
const char *geo_db_path(const struct geo_db *db, size_t i);
const char *geo_db_type(const struct geo_db *db, size_t i);
int64_t geo_db_epoch(const struct geo_db *db, size_t i);
/* 1 when the oldest database was built more than GEO_STALE_DAYS before now. */
int geo_is_stale(const struct geo_db *db, time_t now);
void geo_close(struct geo_db *db);

#endif
