/*
 * fuzz_probe_ajp.c - the ajp probe on arbitrary replies: CPong replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("ajp")
