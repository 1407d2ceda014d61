/*
 * fuzz_probe_ipmi.c - the ipmi probe on arbitrary replies: RMCP/IPMI capability and cipher-suite replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("ipmi")
