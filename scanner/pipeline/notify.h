/*
 * notify.h - a mail through the local sendmail (policy notify:), for the
 * night's summary.  Nothing here needs the internet: the site's MTA (or
 * any sendmail-compatible program) takes it from there.
 */
#ifndef HEIIKI_NOTIFY_H
#define HEIIKI_NOTIFY_H

#include <stddef.h>

#include "scanner/input/policy.h"

/*
 * Build the message (From/To/Subject headers, the subject RFC 2047
 * encoded as UTF-8, an 8-bit UTF-8 text body) into a malloc'd string.
 * NULL when out of memory.  Header values come from a validated policy;
 * CR and LF in subject are replaced by spaces.
 */
char *notify_message(const struct notify_settings *nt, const char *subject,
		     const char *body);

/*
 * Hand the message to nt->sendmail ("-t -oi": recipients from the
 * headers, a lone dot is not the end) without a shell; waits at most 60 s.
 * 0, or -1 with err (cannot start, exit status, timeout).
 */
int notify_send(const struct notify_settings *nt, const char *msg, char *err, size_t errlen);

#endif
