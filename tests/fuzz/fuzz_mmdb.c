/*
 * fuzz_mmdb.c - libFuzzer target: a random file as a GeoIP database.
 *
 * The input is written to a memfd and opened through geo_open() (which
 * runs libmaxminddb's metadata and tree checks), then a few IPv4 and IPv6
 * addresses are looked up so that the wrapper's value readers (country,
 * registered country, flat country_code, ASN number and organisation)
 * walk whatever data section the input describes.  Any crash, leak or
 * unbounded allocation is a bug in the wrapper or the library.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "geoip/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = { "203.0.113.5", "203.0.113.200", "198.51.100.1",
					     "0.0.0.0", "255.255.255.255", "2001:db8:1::1",
					     "::1", NULL };
	char path[64], err[256];
	const char *paths[1] = { path };
	struct geo_db *db;
	int fd;

	if (size == 0 || size > (1u << 20))
		return 0;
	fd = memfd_create("fuzz_mmdb", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (geo_open(&db, paths, 1, err, sizeof(err)) == 0) {
		for (int pass = 0; pass < 2; pass++)	/* second pass: cache hits */
			for (const char *const *s = addrs; *s; s++) {
				struct addr a, last;
				struct geo g;

				if (addr_parse(*s, &a) == 0) {
					geo_lookup(db, &a, &g);
					geo_lookup_span(db, &a, &g, &last);
				}
			}
		geo_close(db);
	}
out:
	close(fd);
	return 0;
}
