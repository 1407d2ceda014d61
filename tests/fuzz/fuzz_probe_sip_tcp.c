/*
 * fuzz_probe_sip_tcp.c - the sip-tcp probe on arbitrary replies: SIP status lines and headers (TCP).
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("sip-tcp")
