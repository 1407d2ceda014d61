/*
 * test_findings.c - the findings engine as a whole and 'heiiki check'.
 *
 * Shape of a finding, order (severity then key), replacement of old
 * findings, idempotence, --fail-on exit codes, and the expired vendor
 * window reported through the CLI with --today.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/findings/findings.h"

static const char *
fpath(const char *rel)
{
	static char buf[2][512];
	static int i;
	const char *src = getenv("HEIIKI_SRCDIR");

	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", src ? src : ".", rel);
	return buf[i];
}

static void
fsvc(struct results *r, const char *addr, unsigned port, const char *service,
     const char *risk)
{
	struct addr a;
	json_t *s;

	cr_assert_eq(addr_parse(addr, &a), 0);
	s = results_service(r, &a, "tcp", port, 1);
	json_object_set_new(s, "state", json_string("open"));
	if (service)
		json_object_set_new(s, "service", json_string(service));
	if (risk)
		results_add_risk(s, risk);
}

static struct results *
sample(void)
{
	struct results *r = results_new("scan");

	fsvc(r, "198.18.10.5", 3389, "rdp", "rdp-no-nla");	/* high + expiry */
	fsvc(r, "198.18.30.4", 21, "ftp", NULL);		/* medium */
	fsvc(r, "198.18.10.7", 5900, "vnc", "vnc-no-auth");	/* critical */
	fsvc(r, "198.18.10.8", 8080, "http", NULL);		/* low: not expected */
	return r;
}

static void
load_policy(struct policy *p)
{
	char err[POLICY_ERR_MAX];

	cr_assert_eq(policy_load(fpath("tests/findings/policy.yaml"), p, err, sizeof(err)),
		     0, "%s", err);
}

Test(findings, shape_and_order)
{
	struct results *r = sample();
	struct policy p;
	char err[256];
	json_t *f, *arr;
	size_t i;
	int prev = 99;
	const char *prevkey = "";

	load_policy(&p);
	cr_assert_eq(findings_apply(r, &p, NULL, 1795348800, err, sizeof(err)), 5, "%s", err);
	arr = results_array(r, "findings");
	json_array_foreach(arr, i, f) {
		int sev = severity_parse(json_string_value(json_object_get(f, "severity")));
		const char *key = json_string_value(json_object_get(f, "key"));

		cr_assert_geq(sev, 0);
		cr_assert(sev < prev || (sev == prev && strcmp(prevkey, key) < 0),
			  "not sorted at %zu (%s)", i, key);
		prev = sev;
		prevkey = key;
		cr_assert(json_is_string(json_object_get(json_object_get(f, "title"), "en")));
		cr_assert(json_is_string(json_object_get(json_object_get(f, "title"), "ja")));
		cr_assert(json_is_string(json_object_get(json_object_get(f, "remedy"), "ja")));
		cr_assert(json_is_string(json_object_get(f, "checklist")));
		cr_assert(json_is_integer(json_object_get(f, "port")));
		cr_assert(json_is_string(json_object_get(f, "evidence")));
		cr_assert(!strncmp(key, json_string_value(json_object_get(f, "rule")),
				   strlen(json_string_value(json_object_get(f, "rule")))));
	}
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "rule")),
			 "VNC_NO_AUTH");
	cr_assert_eq(findings_worst(r), SEV_CRITICAL);
	results_free(r);
	policy_free(&p);
}

Test(findings, replaces_and_is_idempotent)
{
	struct results *r = sample();
	struct policy p;
	char err[256], *a, *b;

	load_policy(&p);
	results_append(r, "findings", json_pack("{s:s, s:s, s:s}", "rule", "STALE",
						"severity", "critical", "key", "STALE|x"));
	cr_assert_geq(findings_apply(r, &p, NULL, 1795348800, err, sizeof(err)), 0);
	a = json_dumps(results_array(r, "findings"), JSON_SORT_KEYS);
	cr_assert_null(strstr(a, "STALE"));
	cr_assert_geq(findings_apply(r, &p, NULL, 1795348800, err, sizeof(err)), 0);
	b = json_dumps(results_array(r, "findings"), JSON_SORT_KEYS);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	results_free(r);
	policy_free(&p);
}

Test(findings, empty_results_no_findings)
{
	struct results *r = results_new("scan");
	struct policy p;
	char err[256];

	load_policy(&p);
	cr_assert_eq(findings_apply(r, &p, NULL, 0, err, sizeof(err)), 0);
	cr_assert_eq(findings_worst(r), -1);
	cr_assert_eq(findings_count_at(r, SEV_INFO), 0);
	results_free(r);
	policy_free(&p);
}

Test(findings, severity_names)
{
	cr_assert_eq(severity_parse("critical"), SEV_CRITICAL);
	cr_assert_eq(severity_parse("low"), SEV_LOW);
	cr_assert_eq(severity_parse("bogus"), -1);
	cr_assert_str_eq(severity_name(SEV_MEDIUM), "medium");
}

/* Run the binary; returns its exit status. */
static int
run_check(const char *const *args)
{
	const char *bin = getenv("HEIIKI");
	char *argv[16];
	int n = 0, st;
	pid_t pid;

	if (!bin)
		cr_skip_test("HEIIKI not set");
	argv[n++] = (char *)bin;
	argv[n++] = (char *)"check";
	for (; *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		execv(bin, argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *
write_sample(char *tmpl, struct results *r)
{
	char err[256];
	int fd = mkstemp(tmpl);

	cr_assert_neq(fd, -1);
	close(fd);
	cr_assert_eq(results_write(r, tmpl, err, sizeof(err)), 0, "%s", err);
	return tmpl;
}

Test(findings, cli_expired_vendor_window_and_fail_on)
{
	struct results *r = results_new("scan"), *out;
	char in[] = "/tmp/heiiki-check-XXXXXX", outp[] = "/tmp/heiiki-check-out-XXXXXX";
	const char *pol = fpath("tests/findings/policy.yaml");
	char err[256];
	json_t *f;
	size_t i;
	int expired = 0;

	fsvc(r, "198.18.10.5", 3389, "rdp", NULL);
	write_sample(in, r);
	write_sample(outp, r);
	results_free(r);
	/* Before the window ends: nothing at or above high. */
	cr_assert_eq(run_check((const char *[]){ "--policy", pol, "--today", "2026-10-15",
						 "-o", outp, in, NULL }), 0);
	/* After it: VENDOR_EXCEPTION_EXPIRED (high) -> exit 1. */
	cr_assert_eq(run_check((const char *[]){ "--policy", pol, "--today", "2026-11-22",
						 "-o", outp, in, NULL }), 1);
	cr_assert_eq(results_load(outp, &out, err, sizeof(err)), 0, "%s", err);
	json_array_foreach(results_array(out, "findings"), i, f)
		expired |= !strcmp(json_string_value(json_object_get(f, "rule")),
				   "VENDOR_EXCEPTION_EXPIRED");
	cr_assert(expired);
	results_free(out);
	cr_assert_eq(run_check((const char *[]){ "--policy", pol, "--today", "2026-11-22",
						 "--fail-on", "critical", "-o", outp, in, NULL }), 0);
	cr_assert_eq(run_check((const char *[]){ "--policy", pol, "--today", "2026-13-01",
						 in, NULL }), 2);
	cr_assert_eq(run_check((const char *[]){ "--policy", pol, "--fail-on", "severe",
						 in, NULL }), 2);
	cr_assert_eq(run_check((const char *[]){ "--policy", pol, "/nonexistent.json",
						 NULL }), 2);
	unlink(in);
	unlink(outp);
}

Test(findings, no_policy_still_reports_risks)
{
	struct results *r = sample();
	char err[256];
	json_t *f;
	size_t i;
	int vnc = 0;

	/* Without a policy only the rules that need none can fire. */
	cr_assert_geq(findings_apply(r, NULL, NULL, 0, err, sizeof(err)), 1, "%s", err);
	json_array_foreach(results_array(r, "findings"), i, f) {
		const char *id = json_string_value(json_object_get(f, "rule"));

		cr_assert_str_neq(id, "SERVICE_NOT_EXPECTED");
		cr_assert_str_neq(id, "VENDOR_EXCEPTION_EXPIRED");
		vnc |= !strcmp(id, "VNC_NO_AUTH");
	}
	cr_assert(vnc);
	results_free(r);
}
