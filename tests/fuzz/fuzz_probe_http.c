/*
 * fuzz_probe_http.c - the http probe on arbitrary replies: HTTP responses, titles, cookies and VPN portal fingerprints.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("http")
