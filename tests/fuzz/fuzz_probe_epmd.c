/*
 * fuzz_probe_epmd.c - the epmd probe on arbitrary replies: NAMES replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("epmd")
