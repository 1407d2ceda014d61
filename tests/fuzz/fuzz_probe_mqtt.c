/*
 * fuzz_probe_mqtt.c - the mqtt probe on arbitrary replies: CONNACK codes and the DISCONNECT step.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("mqtt")
