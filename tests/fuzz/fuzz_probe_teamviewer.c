/*
 * fuzz_probe_teamviewer.c - the teamviewer probe on arbitrary replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("teamviewer")
