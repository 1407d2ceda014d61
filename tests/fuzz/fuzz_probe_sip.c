/*
 * fuzz_probe_sip.c - the sip probe on arbitrary replies: SIP status lines and headers (UDP).
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("sip")
