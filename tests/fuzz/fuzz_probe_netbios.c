/*
 * fuzz_probe_netbios.c - the netbios probe on arbitrary replies: node status responses.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("netbios")
