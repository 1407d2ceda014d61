/*
 * fuzz_probe_pptp.c - the pptp probe on arbitrary replies: PPTP Start-Control-Connection replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("pptp")
