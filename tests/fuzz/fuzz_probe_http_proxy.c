/*
 * fuzz_probe_http_proxy.c - the open-proxy check on arbitrary replies: a
 * proxy's answer (relayed canary page, refusals, web servers that are no
 * proxy).  The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("http-proxy")
