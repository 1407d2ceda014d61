/*
 * cli.h - subcommand table and the helpers every subcommand shares.
 *
 * Each subcommand lives in scanner/cli/cmd_<name>.c and exports
 * int cmd_<name>(int argc, char **argv).  Exit statuses (docs/heiiki.8):
 *   0 success, nothing at or above the --fail-on severity
 *   1 run succeeded and findings at or above --fail-on exist
 *   2 usage error or invalid input (bad flag, bad policy, bad file)
 *   3 runtime failure (no permission, interface missing, I/O error)
 *   4 interrupted; partial results were written
 */
#ifndef HEIIKI_CLI_H
#define HEIIKI_CLI_H

#include <stdint.h>
#include <stdio.h>

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2
#define EXIT_RUNTIME 3
#define EXIT_PARTIAL 4

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

extern const struct command commands[];

/* Print "heiiki CMD: MESSAGE" and "Try 'heiiki CMD --help'." to stderr;
 * returns EXIT_USAGE so callers can "return cli_usage(...)". */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* After getopt_long returned '?': name the offending option (main() sets
 * opterr = 0, so this is the only message); returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, char *const argv[]);
/* Runtime error: "heiiki CMD: MESSAGE", returns EXIT_RUNTIME. */
int cli_fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Parse an unsigned integer option value in [min, max].  On error prints
 * "heiiki CMD: invalid value 'V' for --OPT: expected MIN-MAX" and returns -1.
 */
int cli_uint(const char *cmd, const char *opt, const char *val,
	     unsigned long long min, unsigned long long max,
	     unsigned long long *out);
/* Duration "30", "30s", "5m", "2h" into seconds; same error convention. */
int cli_duration(const char *cmd, const char *opt, const char *val,
		 unsigned long long *seconds);

/*
 * --user: once the raw handles are open, become the user named by arg
 * (a const char *) for good: supplementary groups, gid, uid, each
 * checked, then verified by trying to get root back (tcpdump's
 * droproot()).  0, or -1 with err.  The signature fits
 * sweep_conf.after_open and fence_io.after_open.
 */
int cli_drop_privileges(void *arg, char *err, size_t errlen);

int cmd_scan(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fence(int argc, char **argv);
int cmd_geo(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_night(int argc, char **argv);
int cmd_audit(int argc, char **argv);
/* 'scan' option parser (cmd_scan.c), for night's scan options. */
struct scan_opts;
int scan_parse_opts(int argc, char **argv, struct scan_opts *o);

/* 'heiiki report --group' (cmd_report_group.c). */
int report_group_main(int argc, char **argv);

#endif
