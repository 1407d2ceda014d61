/*
 * test_matrix.c - 'heiiki report --matrix': three runs from three
 * vantages against tests/findings/policy.yaml; the CSV cells must equal
 * the truth table worked out by hand from the policy.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
mx_doc(const char *dir, const char *name, json_t *vantage, json_t *services)
{
	char path[512];
	json_t *d = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:o}, s:[], s:o}", "format",
			      "heiiki-results", "version", 1, "run", "kind", "scan", "start",
			      "2026-12-05T00:00:00Z", "status", "complete", "vantage", vantage,
			      "hosts", "services", services);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(json_dump_file(d, path, 0), 0);
	json_decref(d);
}

static json_t *
mx_svc(unsigned port, const char *state, const char *name)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:s}", "addr", "198.18.10.5", "proto", "tcp",
			 "port", (int)port, "state", state, "service", name);
}

Test(matrix, cells_equal_the_truth_table)
{
	const char *bin = getenv("HEIIKI"), *src = getenv("HEIIKI_SRCDIR");
	char dir[] = "/tmp/heiiki-matrix-XXXXXX", cmd[2048], out[8192];
	FILE *p;
	size_t n;
	int st;

	if (!bin)
		cr_skip_test("HEIIKI not set");
	cr_assert_not_null(mkdtemp(dir));
	/* vendor acme (allowed RDP), internet from CN, the office */
	mx_doc(dir, "vendor.json", json_pack("{s:s}", "addr", "198.51.100.10"),
	       json_pack("[o, o]", mx_svc(3389, "open", "rdp"), mx_svc(443, "open", "https")));
	mx_doc(dir, "cn.json", json_pack("{s:s, s:s}", "addr", "203.0.113.200", "country", "CN"),
	       json_pack("[o, o]", mx_svc(443, "open", "https"), mx_svc(104, "filtered", "dicom")));
	mx_doc(dir, "office.json", json_pack("{s:s, s:s}", "zone", "office", "addr", "198.18.30.5"),
	       json_pack("[o, o]", mx_svc(3389, "open", "rdp"), mx_svc(104, "filtered", "dicom")));
	snprintf(cmd, sizeof(cmd), "cd %s && %s report --matrix --policy %s/tests/findings/"
		 "policy.yaml --format csv vendor.json cn.json office.json; echo rc=$?", dir,
		 bin, src ? src : ".");
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	cr_assert(WIFEXITED(st));
	/* tcp/443 https is allowed from any source, but geo allows JP/US only */
	cr_assert(strstr(out, "443,\"internet CN 203.0.113.200\",\"reachable\",\"denied\",\"VIOLATION\""),
		  "%s", out);
	cr_assert(strstr(out, "443,\"vendor acme 198.51.100.10\",\"reachable\",\"allowed\",\"ok\""), "%s", out);
	cr_assert(strstr(out, "443,\"office 198.18.30.5\",\"blocked\",\"allowed\",\"broken\""), "%s", out);
	/* RDP: office and acme allowed and reached, CN blocked and denied */
	cr_assert(strstr(out, "3389,\"vendor acme 198.51.100.10\",\"reachable\",\"allowed\",\"ok\""), "%s", out);
	cr_assert(strstr(out, "3389,\"office 198.18.30.5\",\"reachable\",\"allowed\",\"ok\""), "%s", out);
	cr_assert(strstr(out, "3389,\"internet CN 203.0.113.200\",\"blocked\",\"denied\",\"ok\""), "%s", out);
	/* DICOM: only from clinical; nobody reached it */
	cr_assert(strstr(out, "104,\"office 198.18.30.5\",\"blocked\",\"denied\",\"ok\""), "%s", out);
	cr_assert(strstr(out, "rc=1"), "a violation makes exit 1: %s", out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}
