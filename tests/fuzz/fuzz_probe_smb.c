/*
 * fuzz_probe_smb.c - the smb probe on arbitrary replies: SMB1/SMB2 negotiate responses.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("smb")
