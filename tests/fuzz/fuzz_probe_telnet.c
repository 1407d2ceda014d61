/*
 * fuzz_probe_telnet.c - the telnet probe on arbitrary replies: Telnet option negotiation and prompts.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("telnet")
