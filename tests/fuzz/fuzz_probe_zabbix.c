/*
 * fuzz_probe_zabbix.c - the zabbix-agent probe on arbitrary replies: ZBXD framed replies.
 * The harness is shared by every probe: see fuzz_probe.h.
 */
#include "fuzz_probe.h"

FUZZ_PROBE("zabbix-agent")
