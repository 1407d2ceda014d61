/*
 * test_cli_safety.c - --user leaves an empty capability bounding set and
 * no_new_privs (read back from /proc/self/status in a forked child), and
 * check --today refuses dates that do not exist.
 */
#include <criterion/criterion.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/cli/cli.h"

/* The value of "Key:" in /proc/self/status, whitespace trimmed. */
static int
status_field(const char *key, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kl = strlen(key);
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			char *v = line + kl + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			found = 1;
		}
	if (f)
		fclose(f);
	return found;
}

Test(cli_safety, user_drop_empties_bounding_set_and_sets_no_new_privs)
{
	struct passwd *pw = getpwnam("nobody");
	pid_t pid;
	int st;

	if (geteuid() != 0 || !pw)
		cr_skip_test("needs root and the user nobody");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char err[256], v[128], uid[32];
		int bad = 0;

		if (cli_drop_privileges((void *)"nobody", err, sizeof(err)) < 0) {
			fprintf(stderr, "drop: %s\n", err);
			_exit(10);
		}
		snprintf(uid, sizeof(uid), "%u", (unsigned)pw->pw_uid);
		if (!status_field("CapBnd", v, sizeof(v)) || strcmp(v, "0000000000000000"))
			fprintf(stderr, "CapBnd %s\n", v), bad |= 1;
		if (!status_field("CapEff", v, sizeof(v)) || strcmp(v, "0000000000000000"))
			fprintf(stderr, "CapEff %s\n", v), bad |= 2;
		if (!status_field("CapPrm", v, sizeof(v)) || strcmp(v, "0000000000000000"))
			fprintf(stderr, "CapPrm %s\n", v), bad |= 4;
		if (!status_field("NoNewPrivs", v, sizeof(v)) || strcmp(v, "1"))
			fprintf(stderr, "NoNewPrivs %s\n", v), bad |= 8;
		if (!status_field("Uid", v, sizeof(v)) || strncmp(v, uid, strlen(uid)))
			fprintf(stderr, "Uid %s\n", v), bad |= 16;
		_exit(bad);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "child died");
	cr_assert_eq(WEXITSTATUS(st), 0, "after --user: status check failed (%d, see stderr)",
		     WEXITSTATUS(st));
}

Test(cli_safety, today_must_be_a_real_date)
{
	const char *bin = getenv("HEIIKI"), *src = getenv("HEIIKI_SRCDIR");
	const char *days[] = { "2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10" };
	char cmd[2048];
	int st;

	if (!bin || !*bin)
		cr_skip_test("HEIIKI not set");
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s check --policy %s/tests/golden/policy.yaml --today %s -o /dev/null "
			 "%s/tests/golden/scan-hospital.json >/dev/null 2>&1",
			 bin, src ? src : ".", days[i], src ? src : ".");
		st = system(cmd);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "--today %s: exit %d", days[i],
			  WEXITSTATUS(st));
	}
	snprintf(cmd, sizeof(cmd),
		 "%s check --policy %s/tests/golden/policy.yaml --today 2024-02-29 -o /dev/null "
		 "%s/tests/golden/scan-hospital.json >/dev/null 2>&1",
		 bin, src ? src : ".", src ? src : ".");
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) <= 1, "a leap day refused");
}
