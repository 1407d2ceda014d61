/*
 * fuzz_probe_cascade.c - the any-port cascade (plain) on arbitrary replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("cascade")
