/*
 * test_results.c - the results document: get-or-create, atomic write with
 * mode 0600, load round trip, and clear errors on foreign or broken files.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"

static char dir[64];

static void
mkdir_tmp(void)
{
	strcpy(dir, "/tmp/heiiki-results-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(results, .init = mkdir_tmp, .fini = rm_tmp);

Test(results, get_or_create_is_idempotent)
{
	struct results *r = results_new("scan");
	struct addr a;
	json_t *s1, *s2;

	addr_parse("198.18.10.10", &a);
	cr_assert_null(results_service(r, &a, "tcp", 22, 0));
	s1 = results_service(r, &a, "tcp", 22, 1);
	s2 = results_service(r, &a, "tcp", 22, 1);
	cr_assert_eq(s1, s2);
	cr_assert_not_null(results_service(r, &a, "udp", 22, 1));
	cr_assert_eq(json_array_size(results_array(r, "services")), 2);
	cr_assert_eq(json_array_size(results_array(r, "hosts")), 1);
	results_add_risk(s1, "ssh-v1");
	results_add_risk(s1, "ssh-v1");
	cr_assert_eq(json_array_size(json_object_get(s1, "risks")), 1);
	results_count(r, "sent", 5);
	results_count(r, "sent", 2);
	cr_assert_eq(json_integer_value(json_object_get(
		json_object_get(results_run(r), "counters"), "sent")), 7);
	results_free(r);
}

Test(results, write_is_atomic_0600_and_round_trips)
{
	struct results *r = results_new("scan"), *back;
	char path[128], err[256];
	struct stat st;
	struct addr a;

	addr_parse("2001:db8::5", &a);
	json_object_set_new(results_service(r, &a, "tcp", 3389, 1), "service",
			    json_string("rdp"));
	results_set_status(r, "complete");
	snprintf(path, sizeof(path), "%s/out.json", dir);
	cr_assert_eq(results_write(r, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	/* no temporary file is left next to it */
	snprintf(path, sizeof(path), "%s/out.json.tmp.%ld", dir, (long)getpid());
	cr_assert_neq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/out.json", dir);
	cr_assert_eq(results_load(path, &back, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(results_service(back, &a, "tcp", 3389, 0),
			   "index rebuilt on load");
	cr_assert_str_eq(json_string_value(json_object_get(results_run(back), "status")),
			 "complete");
	results_free(back);
	results_free(r);
}

Test(results, write_failure_keeps_old_file)
{
	struct results *r = results_new("scan");
	char err[256];

	cr_assert_eq(results_write(r, "/nonexistent-dir/x.json", err, sizeof(err)), -1);
	cr_assert(strstr(err, "/nonexistent-dir/x.json") != NULL, "%s", err);
	results_free(r);
}

static void
load_expect(const char *text, const char *want)
{
	char path[128], err[256];
	struct results *r = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/in.json", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(results_load(path, &r, err, sizeof(err)), -1);
	cr_assert(strstr(err, want) != NULL, "got '%s', want '%s'", err, want);
	cr_assert(strstr(err, path) != NULL, "error must name the file: %s", err);
}

Test(results, load_errors)
{
	load_expect("", "invalid JSON");
	load_expect("{\"format\": \"nmap\"}", "not a heiiki results document");
	load_expect("{\"format\": \"heiiki-results\", \"version\": 99, \"run\": {}}",
		    "unsupported results version 99");
	load_expect("{\"format\": \"heiiki-results\", \"version\": 1}", "run: is missing (required)");
	load_expect("{\"format\": \"heiiki-results\", \"version\": 1, \"run\": {},"
		    " \"hosts\": 3}", "hosts: expected an array, got an integer");
	load_expect("[1,2", "invalid JSON");
}

Test(results, fs_read_all_is_bounded)
{
	char path[128], err[256], *data;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big", dir);
	f = fopen(path, "w");
	for (int i = 0; i < 1000; i++)
		fputs("0123456789", f);
	fclose(f);
	cr_assert_eq(fs_read_all(path, 9999, &data, &len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "larger than 9999") != NULL, "%s", err);
	cr_assert_eq(fs_read_all(path, 10000, &data, &len, err, sizeof(err)), 0);
	cr_assert_eq(len, 10000);
	free(data);
}

Test(results, devices_are_written_in_place_not_replaced)
{
	struct results *r = results_new("scan");
	char err[256], path[128];
	struct stat st;

	/* /dev/null must stay a character device even when we run as root */
	cr_assert_eq(results_write(r, "/dev/null", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_assert(S_ISCHR(st.st_mode), "/dev/null was replaced");
	cr_assert_eq(results_write(r, dir, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s: is a directory", dir);
	cr_assert_str_eq(err, path);
	results_free(r);
}
