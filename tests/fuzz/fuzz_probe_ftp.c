/*
 * fuzz_probe_ftp.c - the ftp probe on arbitrary replies: the FTP greeting.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("ftp")
