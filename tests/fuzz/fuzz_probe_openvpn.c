/*
 * fuzz_probe_openvpn.c - the openvpn probe on arbitrary replies: OpenVPN hard-reset replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("openvpn")
