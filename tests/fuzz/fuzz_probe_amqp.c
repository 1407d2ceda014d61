/*
 * fuzz_probe_amqp.c - the amqp probe on arbitrary replies: Connection.Start frames and field tables.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("amqp")
