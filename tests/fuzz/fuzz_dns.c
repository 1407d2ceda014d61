/*
 * fuzz_dns.c - libFuzzer target for dissect_dns(): any bytes as a DNS
 * message; every reported name must be a NUL-terminated string of at most
 * 255 characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/capture/dissect.h"

static void
fuzz_dns_cb(void *ctx, const struct addr *a, const char *qname,
	    const char *owner)
{
	char buf[ADDR_STRLEN];

	(void)ctx;
	addr_fmt(a, buf);
	if (strlen(qname) > 255 || strlen(owner) > 255)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)dissect_dns(data, size, fuzz_dns_cb, NULL);
	return 0;
}
