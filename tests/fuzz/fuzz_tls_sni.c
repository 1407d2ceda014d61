/*
 * fuzz_tls_sni.c - libFuzzer target for the TCP/UDP payload readers:
 * dissect_tls_sni(), dissect_http_host() and dissect_wireguard().  Names
 * must come back NUL-terminated within the output buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/capture/dissect.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[64];

	memset(out, 'x', sizeof(out));
	if (dissect_tls_sni(data, size, out, sizeof(out)) >= 0 &&
	    !memchr(out, '\0', sizeof(out)))
		__builtin_trap();
	memset(out, 'x', sizeof(out));
	if (dissect_http_host(data, size, out, sizeof(out)) >= 0 &&
	    !memchr(out, '\0', sizeof(out)))
		__builtin_trap();
	(void)dissect_wireguard(data, size);
	return 0;
}
