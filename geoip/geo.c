/*
 * geo.c - placeholder until the GeoIP issue lands.
 */
#include <stdio.h>
#include <stdlib.h>

#include "geo.h"

const char *
geo_default_path(void)
{
	const char *e = getenv("HEIIKI_GEOIP_DB");
	return e ? e : "/var/lib/heiiki/geoip/country.mmdb";
}

int
geo_open(struct geo_db **db, const char *const *paths, size_t npaths, char *err,
	 size_t errlen)
{
	(void)paths;
	(void)npaths;
	*db = NULL;
	snprintf(err, errlen, "geoip: not implemented yet");
	return -1;
}

int
geo_lookup(struct geo_db *db, const struct addr *a, struct geo *out)
{
	(void)db;
	(void)a;
	out->found = 0;
	return 1;
}

int64_t
geo_build_epoch(const struct geo_db *db)
{
	(void)db;
	return 0;
}

void
geo_close(struct geo_db *db)
{
	(void)db;
}
