/*
 * fuzz_probe_vnc.c - the vnc probe on arbitrary replies: RFB version and security-type lists.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("vnc")
