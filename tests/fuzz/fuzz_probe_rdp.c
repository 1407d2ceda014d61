/*
 * fuzz_probe_rdp.c - the rdp probe on arbitrary replies: RDP X.224 Connection Confirm and negotiation replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("rdp")
