/*
 * fuzz_probe_rustdesk.c - the rustdesk probe on arbitrary replies
 * (BytesCodec framing, protobuf walk).  Harness: fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("rustdesk")
