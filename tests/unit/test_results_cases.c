/*
 * test_results_cases.c - the results validator corpus: every
 * tests/unit/results-cases/NAME.json is a bad document refused with
 * exactly the message in NAME.err ("NAME.json: path.to.member: message"),
 * and the valid base tests/unit/results-ok.json loads.  The same loader
 * (results_load -> results_from_json -> results_validate) serves report,
 * diff, check, history, probe --results and fence; one command per loader
 * is also run to see exit status 2 and the same message.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "scanner/core/results.h"

#define RCASES "tests/unit/results-cases"

static const char *
rc_srcdir(void)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	return s && *s ? s : ".";
}

static int
rc_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted case names (without .json); returns the count. */
static size_t
rc_list(char ***out)
{
	char dir[1024], **names = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", rc_srcdir(), RCASES);
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strndup(de->d_name, l - 5);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), rc_cmp);
	*out = names;
	return n;
}

static void
rc_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f, "missing %s", path);
	cr_assert_not_null(fgets(buf, (int)len, f), "empty %s", path);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

Test(results_cases, every_bad_document_has_its_exact_message)
{
	char **names, path[1200], want[512], err[600];
	size_t n = rc_list(&names), failed = 0;

	cr_assert_geq(n, 40, "the corpus must hold at least 40 bad documents (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		struct results *r = NULL;
		const char *got;
		size_t dl;

		snprintf(path, sizeof(path), "%s/%s/%s.err", rc_srcdir(), RCASES, names[i]);
		rc_read_line(path, want, sizeof(want));
		snprintf(path, sizeof(path), "%s/%s/%s.json", rc_srcdir(), RCASES, names[i]);
		if (results_load(path, &r, err, sizeof(err)) == 0) {
			cr_log_error("%s: accepted", names[i]);
			results_free(r);
			failed++;
			continue;
		}
		/* "DIR/NAME.json: ..." -> "NAME.json: ..." */
		dl = strlen(path) - strlen(names[i]) - 5;
		got = strncmp(err, path, dl) ? err : err + dl;
		if (strcmp(got, want)) {
			cr_log_error("%s:\n   got  %s\n   want %s", names[i], got, want);
			failed++;
		}
		free(names[i]);
	}
	free(names);
	cr_assert_eq(failed, 0, "%zu of %zu cases failed", failed, n);
}

Test(results_cases, the_valid_base_loads)
{
	char path[1100], err[600];
	struct results *r = NULL;

	snprintf(path, sizeof(path), "%s/tests/unit/results-ok.json", rc_srcdir());
	cr_assert_eq(results_load(path, &r, err, sizeof(err)), 0, "%s", err);
	results_free(r);
}

/* Each reading command: exit 2 and the validator's message on stderr. */
Test(results_cases, commands_exit_2_with_the_message)
{
	const char *bin = getenv("HEIIKI");
	const char *cmds[] = {
		"report -f json -o /dev/null %s",
		"diff %s %s/tests/unit/results-ok.json",
		"check --policy %s/tests/golden/policy.yaml -o /dev/null %s",
		"history --db /nonexistent-heiiki-dir/h.db add %s",
	};
	char bad[1100], cmd[4096], line[1024];

	if (!bin || !*bin)
		cr_skip_test("HEIIKI not set");
	snprintf(bad, sizeof(bad), "%s/%s/service-port-70000.json", rc_srcdir(), RCASES);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char args[3000];
		FILE *p;
		int st, seen = 0;

		if (i == 1)
			snprintf(args, sizeof(args), cmds[i], bad, rc_srcdir());
		else if (i == 2)
			snprintf(args, sizeof(args), cmds[i], rc_srcdir(), bad);
		else
			snprintf(args, sizeof(args), cmds[i], bad);
		snprintf(cmd, sizeof(cmd), "%s %s 2>&1", bin, args);
		p = popen(cmd, "r");
		cr_assert_not_null(p);
		while (fgets(line, sizeof(line), p))
			seen |= strstr(line, "service-port-70000.json: services[0].port: "
					     "70000 is out of range (1-65535)") != NULL;
		st = pclose(p);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s: exit %d", args,
			  WEXITSTATUS(st));
		cr_assert(seen, "%s: message not printed", args);
	}
}
