/*
 * fuzz_probe_pacs.c - the pacs probe on arbitrary replies: HTTP responses with JSON bodies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("pacs")
