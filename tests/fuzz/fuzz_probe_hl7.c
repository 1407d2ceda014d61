/*
 * fuzz_probe_hl7.c - the hl7 probe on arbitrary replies: HL7 MLLP frames.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("hl7")
