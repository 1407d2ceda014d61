/*
 * test_cli_safety.c - --user leaves an empty capability bounding set and
 * no_new_privs (read back from /proc/self/status in a forked child), and
 * check --today refuses dates that do not exist.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
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

/* A pcap header followed by zeros (a zero-filled or preallocated file) is
 * not read as millions of empty packets; errors name the file. */
Test(cli_safety, zero_filled_capture_is_refused_with_its_name)
{
	const char *bin = getenv("HEIIKI");
	static const unsigned char hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
					       0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	char path[] = "/tmp/heiiki-zero-XXXXXX", cmd[1024], line[512];
	static char zeros[1 << 16];
	int fd, st, named = 0;
	FILE *p;

	if (!bin || !*bin)
		cr_skip_test("HEIIKI not set");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	for (int i = 0; i < 64; i++)	/* 4 MB: 262,144 zero records */
		cr_assert_eq(write(fd, zeros, sizeof(zeros)), (ssize_t)sizeof(zeros));
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s capture -r %s -o /dev/null 2>&1", bin, path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p))
		named |= strstr(line, path) && strstr(line, "records of all zeros");
	st = pclose(p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit %d", WEXITSTATUS(st));
	cr_assert(named, "the error does not name the file");
	/* an all-zero file (no header): refused, and the message names it */
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_eq(write(fd, zeros, 4096), 4096);
	close(fd);
	p = popen(cmd, "r");
	named = 0;
	while (fgets(line, sizeof(line), p))
		named |= strstr(line, path) != NULL;
	st = pclose(p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	cr_assert(named, "'unknown file format' without the file name");
	unlink(path);
}
