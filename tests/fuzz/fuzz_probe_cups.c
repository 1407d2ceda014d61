/*
 * fuzz_probe_cups.c - the cups probe on arbitrary replies: HTTP answers to GET /admin.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("cups")
