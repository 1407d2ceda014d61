/*
 * fuzz_probe_mongodb.c - the mongodb probe on arbitrary replies (OP_MSG /
 * OP_REPLY framing through the bounded cursor, BSON through libbson).
 * Harness: fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("mongodb")
