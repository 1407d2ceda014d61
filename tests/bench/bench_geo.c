/*
 * bench_geo.c - lookups per second of the GeoIP wrapper (benchmark driver,
 * not a test; run by tests/bench/bench_geo.sh).
 *
 *   bench_geo DB MODE N [POOL]
 *     MODE raw       libmaxminddb MMDB_lookup_sockaddr only (no values read)
 *          uncached  geo_lookup with the cache off
 *          cached    geo_lookup with the cache on
 *     N     number of lookups
 *     POOL  addresses are drawn from POOL random IPv4 addresses (default:
 *           every lookup a new random address)
 *
 * Prints "MODE N SECONDS LOOKUPS_PER_SECOND FOUND".
 */
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "geoip/geo.h"

static uint32_t
xs32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long
run_raw(const char *path, unsigned long n, uint32_t *pool, unsigned long npool)
{
	MMDB_s m;
	unsigned long found = 0;
	uint32_t seed = 2463534242u;

	if (MMDB_open(path, MMDB_MODE_MMAP, &m) != MMDB_SUCCESS)
		exit(3);
	for (unsigned long i = 0; i < n; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int e;
		MMDB_lookup_result_s r;

		sa.sin_addr.s_addr = htonl(npool ? pool[i % npool] : xs32(&seed));
		r = MMDB_lookup_sockaddr(&m, (struct sockaddr *)&sa, &e);
		found += r.found_entry;
	}
	MMDB_close(&m);
	return found;
}

static unsigned long
run_geo(const char *path, int cache, unsigned long n, uint32_t *pool, unsigned long npool)
{
	const char *paths[1] = { path };
	struct geo_db *db;
	unsigned long found = 0;
	uint32_t seed = 2463534242u;
	char err[256];

	if (geo_open(&db, paths, 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(3);
	}
	geo_set_cache(db, cache);
	for (unsigned long i = 0; i < n; i++) {
		struct addr a = addr_from_v4(npool ? pool[i % npool] : xs32(&seed));
		struct geo g;

		found += geo_lookup(db, &a, &g) == 0;
	}
	geo_close(db);
	return found;
}

int
main(int argc, char **argv)
{
	unsigned long n, npool = 0, found;
	uint32_t *pool = NULL, seed = 88172645u;
	double t0, t;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_geo DB raw|uncached|cached N [POOL]\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		npool = strtoul(argv[4], NULL, 10);
	if (npool) {
		pool = calloc(npool, sizeof(*pool));
		if (!pool)
			return 3;
		for (unsigned long i = 0; i < npool; i++)
			pool[i] = xs32(&seed);
	}
	t0 = now();
	if (!strcmp(argv[2], "raw"))
		found = run_raw(argv[1], n, pool, npool);
	else
		found = run_geo(argv[1], !strcmp(argv[2], "cached"), n, pool, npool);
	t = now() - t0;
	printf("%s %lu %.3f %.0f %lu\n", argv[2], n, t, (double)n / t, found);
	free(pool);
	return 0;
}
