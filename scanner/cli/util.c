/*
 * util.c - shared CLI helpers: usage errors and option value parsing.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "scanner/core/log.h"

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "heiiki%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'heiiki %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int
cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "heiiki%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_RUNTIME;
}

int
cli_uint(const char *cmd, const char *opt, const char *val,
	 unsigned long long min, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!val || !*val || val[0] == '-' || val[0] == '+')
		goto bad;
	v = strtoull(val, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	cli_usage(cmd, "invalid value '%s' for %s: expected a number %llu-%llu",
		  val ? val : "", opt, min, max);
	return -1;
}

int
cli_duration(const char *cmd, const char *opt, const char *val,
	     unsigned long long *seconds)
{
	char *end;
	unsigned long long v, mult = 1;

	errno = 0;
	if (!val || val[0] < '0' || val[0] > '9')
		goto bad;
	v = strtoull(val, &end, 10);
	if (errno)
		goto bad;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mult = 60, end++;
	else if (*end == 'h')
		mult = 3600, end++;
	if (*end || v == 0 || v > 7ULL * 86400 / mult)
		goto bad;
	*seconds = v * mult;
	return 0;
bad:
	cli_usage(cmd, "invalid value '%s' for %s: expected a duration like 30s, 5m, 2h (max 7 days)",
		  val ? val : "", opt);
	return -1;
}

int
cli_bad_option(const char *cmd, char *const argv[])
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	/* getopt_long leaves optopt 0 for an unknown long option; otherwise the
	 * option is unknown or lacks its value, and we cannot tell which. */
	if (optopt == 0)
		return cli_usage(cmd, "unknown option '%s'", arg);
	if (arg && arg[0] == '-' && arg[1] == '-')
		return cli_usage(cmd, "option '%s' needs a value", arg);
	return cli_usage(cmd, "unknown option or missing value: '-%c'", optopt);
}

#define CAP_NET_RAW_NR 13	/* linux/capability.h CAP_NET_RAW */

int
cli_drop_privileges(void *arg, char *err, size_t errlen)
{
	const char *name = arg;
	struct passwd *pw = getpwnam(name);

	if (!pw) {
		snprintf(err, errlen, "--user %s: no such user", name);
		return -1;
	}
	/* empty the capability bounding set while we still may (CAP_SETPCAP):
	 * nothing executed later can get a capability back */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
			snprintf(err, errlen, "--user %s: dropping capability %d from the bounding set: %s",
				 name, cap, strerror(errno));
			return -1;
		}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "--user %s: %s", name, strerror(errno));
		return -1;
	}
	/* no set-uid or file-capability program can raise privileges again */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "--user %s: no_new_privs: %s", name, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "--user %s: root could be regained", name);
		return -1;
	}
	if (prctl(PR_CAPBSET_READ, CAP_NET_RAW_NR, 0, 0, 0) > 0) {
		snprintf(err, errlen, "--user %s: capability bounding set not empty", name);
		return -1;
	}
	log_info("heiiki", "running as %s from now on", name);
	return 0;
}
