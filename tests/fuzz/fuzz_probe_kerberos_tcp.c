/*
 * fuzz_probe_kerberos_tcp.c - the kerberos-tcp probe on arbitrary replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("kerberos-tcp")
