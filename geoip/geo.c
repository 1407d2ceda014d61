/*
 * geo.c - country and ASN of an address from one or more MaxMind DB files.
 *
 * Each open database is probed per lookup for a handful of single values
 * (MMDB_get_value on fixed paths), never for whole entry lists: country
 * code from "country.iso_code", "registered_country.iso_code" or the flat
 * "country_code", AS number and organisation from the GeoLite2-ASN keys.
 * The first database that answers a field wins, so "country + ASN" works
 * with any order of files.
 *
 * Answers are kept in a 2-way set-associative cache of GEO_CACHE_SLOTS
 * entries keyed by the 128-bit address: a miss replaces the least recently
 * used way of its set, so memory is fixed at open time.  Errors are never
 * cached.
 *
 * Database contents are file data we did not write: strings are copied
 * with a length bound and made printable, and country codes must be two
 * ASCII letters or they are ignored.
 */
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "geo.h"
#include "scanner/core/rd.h"

struct geo_file {
	MMDB_s mmdb;
	char path[256];
	char type[64];
};

/* Cache slots come in 2-way sets; set[0].victim is the way to replace. */
struct geo_slot {
	u128 key;
	uint8_t used, victim;
	int8_t rc;
	struct geo g;
};

struct geo_db {
	struct geo_file f[GEO_MAX_DB];
	size_t n;
	int cache_on;
	struct geo_slot *cache;
	char err[256];
};

const char *
geo_default_path(void)
{
	const char *e = getenv("HEIIKI_GEOIP_DB");

	return (e && *e) ? e : "/var/lib/heiiki/geoip/country.mmdb";
}

static int
geo_open_one(struct geo_file *f, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int st;
	const char *t;

	snprintf(f->path, sizeof(f->path), "%s", path);
	if (stat(path, &sb) < 0) {
		snprintf(err, errlen, "geoip: %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
		snprintf(err, errlen, "geoip: %s: %s", path,
			 S_ISREG(sb.st_mode) ? "empty file" : "not a regular file");
		return -1;
	}
	st = MMDB_open(path, MMDB_MODE_MMAP, &f->mmdb);
	if (st != MMDB_SUCCESS) {
		if (st == MMDB_IO_ERROR)
			snprintf(err, errlen, "geoip: %s: cannot read: %s", path,
				 errno ? strerror(errno) : MMDB_strerror(st));
		else
			snprintf(err, errlen, "geoip: %s: not a usable MaxMind DB file: %s",
				 path, MMDB_strerror(st));
		return -1;
	}
	t = f->mmdb.metadata.database_type;
	rd_printable((const uint8_t *)(t ? t : ""), t ? strlen(t) : 0, f->type,
		     sizeof(f->type));
	return 0;
}

int
geo_open(struct geo_db **out, const char *const *paths, size_t npaths,
	 char *err, size_t errlen)
{
	struct geo_db *db;

	*out = NULL;
	if (npaths == 0 || npaths > GEO_MAX_DB) {
		snprintf(err, errlen, "geoip: between 1 and %d database files, not %zu",
			 GEO_MAX_DB, npaths);
		return -1;
	}
	db = calloc(1, sizeof(*db));
	if (!db)
		goto out_nomem;
	db->cache = calloc(GEO_CACHE_SLOTS, sizeof(*db->cache));
	if (!db->cache)
		goto out_nomem;
	db->cache_on = 1;
	for (size_t i = 0; i < npaths; i++) {
		errno = 0;
		if (geo_open_one(&db->f[i], paths[i], err, errlen) < 0)
			goto out_close;
		db->n++;
	}
	*out = db;
	return 0;
out_nomem:
	snprintf(err, errlen, "geoip: out of memory");
out_close:
	geo_close(db);
	return -1;
}

void
geo_close(struct geo_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		MMDB_close(&db->f[i].mmdb);
	free(db->cache);
	free(db);
}

/*
 * Read one value at a fixed path.  Returns 1 with *d filled, 0 when the
 * path is absent or of another type, -1 when the data section is corrupt.
 */
static int
geo_get(MMDB_entry_s *e, MMDB_entry_data_s *d, uint32_t type, const char *const *path)
{
	int st = MMDB_aget_value(e, d, path);

	if (st == MMDB_SUCCESS)
		return d->has_data && d->type == type;
	if (st == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	    st == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return 0;
	return -1;
}

static int
geo_country(MMDB_entry_s *e, struct geo *g)
{
	static const char *const p1[] = { "country", "iso_code", NULL };
	static const char *const p2[] = { "country_code", NULL };
	static const char *const p3[] = { "registered_country", "iso_code", NULL };
	static const char *const *const paths[] = { p1, p2, p3 };
	MMDB_entry_data_s d;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int rc = geo_get(e, &d, MMDB_DATA_TYPE_UTF8_STRING, paths[i]);
		char c0, c1;

		if (rc < 0)
			return -1;
		if (rc == 0 || d.data_size != 2)
			continue;
		c0 = (char)(d.utf8_string[0] & 0xdf);
		c1 = (char)(d.utf8_string[1] & 0xdf);
		if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z')
			continue;
		g->country[0] = c0;
		g->country[1] = c1;
		g->country[2] = '\0';
		return 1;
	}
	return 0;
}

static int
geo_asn(MMDB_entry_s *e, struct geo *g)
{
	static const char *const pn[] = { "autonomous_system_number", NULL };
	static const char *const po[] = { "autonomous_system_organization", NULL };
	MMDB_entry_data_s d;
	int rc;

	rc = geo_get(e, &d, MMDB_DATA_TYPE_UINT32, pn);
	if (rc <= 0)
		return rc;
	if (d.uint32 == 0)
		return 0;
	g->asn = d.uint32;
	rc = geo_get(e, &d, MMDB_DATA_TYPE_UTF8_STRING, po);
	if (rc < 0)
		return -1;
	if (rc > 0)
		rd_printable((const uint8_t *)d.utf8_string, d.data_size, g->as_org,
			     sizeof(g->as_org));
	return 1;
}

/* Look a up in one file; *plen gets the matched prefix in 128-bit terms. */
static int
geo_file_lookup(struct geo_db *db, struct geo_file *f, const struct addr *a,
		struct geo *g, unsigned *plen)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa;
	MMDB_lookup_result_s res;
	int mmerr = 0, v4 = addr_is_v4(a);

	if (v4) {
		s4.sin_addr.s_addr = htonl(addr_v4(a));
		sa = (const struct sockaddr *)&s4;
	} else {
		addr_to_v6(a, s6.sin6_addr.s6_addr);
		sa = (const struct sockaddr *)&s6;
	}
	res = MMDB_lookup_sockaddr(&f->mmdb, sa, &mmerr);
	if (mmerr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
		*plen = 0;
		return 0;
	}
	if (mmerr != MMDB_SUCCESS)
		goto out_err;
	/* libmaxminddb reports IPv4 netmasks in IPv4 terms. */
	*plen = res.netmask + ((v4 && res.netmask <= 32) ? 96 : 0);
	if (!res.found_entry)
		return 0;
	if ((!g->country[0] && geo_country(&res.entry, g) < 0) ||
	    (!g->asn && geo_asn(&res.entry, g) < 0)) {
		mmerr = MMDB_INVALID_DATA_ERROR;
		goto out_err;
	}
	return 0;
out_err:
	snprintf(db->err, sizeof(db->err), "geoip: %s: %s", f->path, MMDB_strerror(mmerr));
	return -1;
}

static int
geo_lookup_all(struct geo_db *db, const struct addr *a, struct geo *out,
	       unsigned *maxplen)
{
	unsigned plen;

	memset(out, 0, sizeof(*out));
	*maxplen = 0;
	for (size_t i = 0; i < db->n; i++) {
		if (geo_file_lookup(db, &db->f[i], a, out, &plen) < 0) {
			memset(out, 0, sizeof(*out));
			return -1;
		}
		if (plen > *maxplen)
			*maxplen = plen;
	}
	out->found = out->country[0] || out->asn;
	return out->found ? 0 : 1;
}

/* First slot of the 2-way set for an address. */
static size_t
geo_set_of(const struct addr *a)
{
	uint64_t h = (uint64_t)a->v ^ ((uint64_t)(a->v >> 64) * 0x9e3779b97f4a7c15ULL);

	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 32;
	return (size_t)(h & (GEO_CACHE_SLOTS / 2 - 1)) * 2;
}

int
geo_lookup(struct geo_db *db, const struct addr *a, struct geo *out)
{
	struct geo_slot *set, *s;
	unsigned plen;
	int rc;

	if (!db) {
		memset(out, 0, sizeof(*out));
		return 1;
	}
	if (!db->cache_on)
		return geo_lookup_all(db, a, out, &plen);
	set = &db->cache[geo_set_of(a)];
	for (int w = 0; w < 2; w++)
		if (set[w].used && set[w].key == a->v) {
			set[0].victim = (uint8_t)!w;
			*out = set[w].g;
			return set[w].rc;
		}
	rc = geo_lookup_all(db, a, out, &plen);
	if (rc >= 0) {
		s = &set[set[0].victim];
		set[0].victim = (uint8_t)!set[0].victim;
		s->used = 1;
		s->key = a->v;
		s->rc = (int8_t)rc;
		s->g = *out;
	}
	return rc;
}

int
geo_lookup_span(struct geo_db *db, const struct addr *a, struct geo *out,
		struct addr *last)
{
	unsigned plen;
	int rc;

	last->v = a->v;
	if (!db) {
		memset(out, 0, sizeof(*out));
		return 1;
	}
	rc = geo_lookup_all(db, a, out, &plen);
	if (rc >= 0 && plen > 0 && plen <= 128) {
		u128 host = plen == 128 ? 0 : (((u128)1 << (128 - plen)) - 1);

		last->v = a->v | host;
	}
	return rc;
}

const char *
geo_error(const struct geo_db *db)
{
	return db ? db->err : "";
}

void
geo_set_cache(struct geo_db *db, int on)
{
	if (!db)
		return;
	db->cache_on = on;
	memset(db->cache, 0, GEO_CACHE_SLOTS * sizeof(*db->cache));
}

int64_t
geo_build_epoch(const struct geo_db *db)
{
	return (db && db->n) ? (int64_t)db->f[0].mmdb.metadata.build_epoch : 0;
}

size_t
geo_db_count(const struct geo_db *db)
{
	return db ? db->n : 0;
}

const char *
geo_db_path(const struct geo_db *db, size_t i)
{
	return (db && i < db->n) ? db->f[i].path : "";
}

const char *
geo_db_type(const struct geo_db *db, size_t i)
{
	return (db && i < db->n) ? db->f[i].type : "";
}

int64_t
geo_db_epoch(const struct geo_db *db, size_t i)
{
	return (db && i < db->n) ? (int64_t)db->f[i].mmdb.metadata.build_epoch : 0;
}

int
geo_is_stale(const struct geo_db *db, time_t now)
{
	if (!db)
		return 0;
	for (size_t i = 0; i < db->n; i++) {
		int64_t e = (int64_t)db->f[i].mmdb.metadata.build_epoch;

		if ((int64_t)now - e > (int64_t)GEO_STALE_DAYS * 86400)
			return 1;
	}
	return 0;
}
