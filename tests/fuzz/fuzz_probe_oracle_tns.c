/*
 * fuzz_probe_oracle_tns.c - the oracle-tns probe on arbitrary replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("oracle-tns")
