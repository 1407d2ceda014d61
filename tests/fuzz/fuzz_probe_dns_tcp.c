/*
 * fuzz_probe_dns_tcp.c - the dns-tcp probe on arbitrary replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("dns-tcp")
