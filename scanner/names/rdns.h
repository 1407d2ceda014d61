/*
 * rdns.h - host names from the site's own DNS resolver (PTR lookups).
 *
 * A scan learns addresses; staff know hosts by name ("pacs01").  When the
 * policy names the site resolver (scan.dns_resolver), the pipeline asks it,
 * after the sweep, for the PTR record of every live host and adds the
 * answers to hosts[].hostnames.  Only that one resolver is ever asked
 * (never the machine's resolv.conf, never a public server); queries go one
 * at a time with a short timeout, and after RDNS_GIVE_UP consecutive
 * timeouts the lookups stop with a run warning.
 *
 * The reply is parsed by glibc's libresolv (ns_initparse / ns_parserr /
 * ns_name_uncompress); rdns_parse_reply is the part heiiki adds (which
 * records it keeps, and which names are acceptable) and has a fuzz target.
 */
#ifndef HEIIKI_RDNS_H
#define HEIIKI_RDNS_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/addr.h"
#include "scanner/core/results.h"

#define RDNS_GIVE_UP 3		/* consecutive timeouts before giving up */
#define RDNS_MAX_NAMES 4	/* PTR names kept per address */
#define RDNS_NAME_MAX 254	/* text form, without the trailing dot */

/* The reverse-lookup name of a ("4.3.2.1.in-addr.arpa", nibbles for IPv6). */
void rdns_ptr_name(const struct addr *a, char *out, size_t len);

/*
 * The PTR names of a DNS reply, at most max, each a plausible host name
 * (letters, digits, '-', '_', '.', 1-254 characters; the trailing dot is
 * dropped).  Returns the number kept (0 for a reply without PTR answers),
 * or -1 when the reply is not a DNS message.
 */
int rdns_parse_reply(const uint8_t *buf, size_t len, char names[][RDNS_NAME_MAX + 1],
		     int max);

struct rdns_stats {
	unsigned asked, named;
	unsigned timeouts;	/* no usable answer: timeout, SERVFAIL, REFUSED, no route */
	int gave_up;
};

/*
 * Ask resolver (IPv4) for the PTR of every host of r that has no name yet
 * and add the names to hosts[].hostnames.  may (the send guard's shape,
 * may be NULL) must allow the resolver itself.  stop: a signal flag, or
 * NULL.  Returns 0, or -1 with err when the lookups could not start.
 */
int rdns_names(struct results *r, const struct addr *resolver, unsigned timeout_ms,
	       volatile int *stop, struct rdns_stats *st, char *err, size_t errlen);

#endif
