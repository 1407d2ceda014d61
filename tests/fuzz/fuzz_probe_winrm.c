/*
 * fuzz_probe_winrm.c - the winrm probe on arbitrary replies: HTTP answers to Identify.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("winrm")
