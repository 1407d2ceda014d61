/*
 * fuzz_ntlmssp.c - the NTLMSSP CHALLENGE reader (probes/ntlmssp.c) on
 * arbitrary bytes: the SMB and RDP probes hand it security buffers.
 */
#include <stdint.h>
#include <stdlib.h>

#include "probes/ntlmssp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_object(), *svc = json_object();

	if (obj && svc)
		(void)ntlmssp_challenge(data, size, obj, svc);
	json_decref(obj);
	json_decref(svc);
	return 0;
}
