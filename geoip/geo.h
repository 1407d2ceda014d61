/*
 * geo.h - thin libmaxminddb wrapper: country and ASN of an address.
 *
 * Several databases may be open at once (a country one and an ASN one);
 * each lookup reads single values with MMDB_get_value, never whole entry
 * lists, and results are cached per address.  Setup returns a code and
 * fills a caller errbuf; nothing here exits.
 */
#ifndef HEIIKI_GEO_H
#define HEIIKI_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"

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
/* 0 found, 1 not in any database, -1 error (err filled). */
int geo_lookup(struct geo_db *db, const struct addr *a, struct geo *out);
/* Build date of the first database (unix time) for reports. */
int64_t geo_build_epoch(const struct geo_db *db);
void geo_close(struct geo_db *db);

#endif
