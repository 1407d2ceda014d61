/*
 * udp_cascade.c - the UDP hellos tried, one after another, on a UDP port
 * that has no probe of its own (or whose state is only "open|filtered").
 *
 * A UDP server ignores a datagram it cannot parse (an empty one included),
 * so silence says nothing: the runner (probes/runner.c) sends each of these
 * probes' own first request on a fresh socket, waits a short time for a
 * reply, and stops at the first reply that probe's parse() recognises.
 * Only requests whose reply shape can be told apart and that are
 * read-only: a DNS version.bind query, an NTP mode 3 client request,
 * SNMP get sysDescr (only with a community, see --no-snmp), SIP OPTIONS,
 * a NetBIOS node status request and an RPC portmapper DUMP.  Never on a
 * fragile or careful host (the runner checks); cost per silent port is
 * at most the length of this list times RUN_UDP_CASCADE_WAIT.
 */
#include <stddef.h>

#include "probe.h"

static const char *const udp_cascade_names[] = {
	"dns", "ntp", "snmp", "sip", "netbios", "rpcbind", NULL,
};

size_t
probe_udp_cascade(const struct probe **out, size_t max)
{
	size_t n = 0;

	for (const char *const *p = udp_cascade_names; *p && n < max; p++) {
		const struct probe *x = probe_by_name(*p);

		if (x && (x->flags & PROBE_UDP) && !(x->flags & (PROBE_FRAGILE | PROBE_UDP_NEW_TID)))
			out[n++] = x;
	}
	return n;
}
