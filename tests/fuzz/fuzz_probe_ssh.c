/*
 * fuzz_probe_ssh.c - the ssh probe on arbitrary replies: SSH identification strings.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("ssh")
