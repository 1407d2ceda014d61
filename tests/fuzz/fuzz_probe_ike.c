/*
 * fuzz_probe_ike.c - the ike probe on arbitrary replies: IKEv1/IKEv2 responses and vendor IDs.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("ike")
