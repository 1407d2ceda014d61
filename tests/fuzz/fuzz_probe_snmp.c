/*
 * fuzz_probe_snmp.c - the snmp probe on arbitrary replies: SNMP BER responses.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("snmp")
