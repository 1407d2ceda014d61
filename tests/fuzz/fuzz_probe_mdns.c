/*
 * fuzz_probe_mdns.c - the mdns probe on arbitrary replies: DNS responses with compressed names.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("mdns")
