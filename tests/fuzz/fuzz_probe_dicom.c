/*
 * fuzz_probe_dicom.c - the dicom probe on arbitrary replies: DICOM association replies (A-ASSOCIATE-AC/RJ, A-ABORT, A-RELEASE-RP).
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("dicom")
