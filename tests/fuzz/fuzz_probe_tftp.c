/*
 * fuzz_probe_tftp.c - the tftp probe on arbitrary replies: TFTP error and data packets.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("tftp")
