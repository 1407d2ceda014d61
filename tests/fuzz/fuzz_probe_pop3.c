/*
 * fuzz_probe_pop3.c - the pop3 probe on arbitrary replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("pop3")
