/*
 * fuzz_probe_ssdp.c - the ssdp probe on arbitrary replies: M-SEARCH answers.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("ssdp")
