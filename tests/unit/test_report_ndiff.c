/*
 * test_report_ndiff.c - heiiki's nmap XML read by Debian's ndiff (the
 * nmap project's diff tool): two runs with several findings on one port
 * (ndiff fails on a port with two <script> elements of the same id, so
 * heiiki writes one per port).  Skipped (with a message) when ndiff is
 * not installed: Makefile DEB_PEERS lists it.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"
#include "scanner/report/report.h"

static json_t *
doc(const char *start, const char *version, int third)
{
	json_t *d = json_pack(
		"{s:{s:s, s:s, s:s, s:s}, s:[{s:s}], s:[{s:s, s:s, s:i, s:s, s:s, s:s, s:s}], "
		"s:[{s:s, s:s, s:{s:s}, s:s, s:s, s:i, s:s, s:s},"
		"   {s:s, s:s, s:{s:s}, s:s, s:s, s:i, s:s, s:s}]}",
		"run", "kind", "scan", "status", "complete", "start", start, "end", start,
		"hosts", "addr", "198.18.10.10",
		"services", "addr", "198.18.10.10", "proto", "tcp", "port", 3389, "state", "open",
		"service", "rdp", "product", "Microsoft Terminal Services", "version", version,
		"findings", "rule", "RDP_NOT_ALLOWED_SOURCE", "severity", "critical",
		"title", "en", "RDP reachable", "addr", "198.18.10.10", "proto", "tcp", "port", 3389,
		"evidence", "from office", "key", "RDP_NOT_ALLOWED_SOURCE|198.18.10.10|tcp|3389|",
		"rule", "RDP_NO_NLA", "severity", "high", "title", "en", "RDP without NLA",
		"addr", "198.18.10.10", "proto", "tcp", "port", 3389, "evidence", "nla=false",
		"key", "RDP_NO_NLA|198.18.10.10|tcp|3389|");

	if (third)
		json_array_append_new(json_object_get(d, "findings"), json_pack(
			"{s:s, s:s, s:{s:s}, s:s, s:s, s:i, s:s, s:s}", "rule", "X_THIRD",
			"severity", "low", "title", "en", "third", "addr", "198.18.10.10",
			"proto", "tcp", "port", 3389, "evidence", "e",
			"key", "X_THIRD|198.18.10.10|tcp|3389|"));
	return d;
}

static void
write_xml(json_t *d, const char *path)
{
	struct report r;
	char err[256], *out;
	size_t len;

	cr_assert_eq(report_init(&r, d, NULL, LANG_EN, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(report_render(report_writer_by_name("xml"), &r, &out, &len, err,
				   sizeof(err)), 0, "%s", err);
	cr_assert_eq(fs_write_atomic(path, out, len, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(strstr(strstr(out, "<script") + 1, "<script"), NULL,
		     "two <script> elements on one port");
	free(out);
	report_fini(&r);
}

Test(ndiff, accepts_several_findings_per_port)
{
	char dir[] = "/tmp/heiiki-ndiff-XXXXXX", a[128], b[128], cmd[512], outp[160], *text;
	json_t *d1 = doc("2026-11-21T16:00:00Z", "10.0", 0), *d2 = doc("2026-11-22T16:00:00Z", "10.1", 1);
	FILE *f;
	int st;
	size_t n;

	if (access("/usr/bin/ndiff", X_OK) != 0) {
		cr_skip_test("ndiff not installed (apt-get install ndiff)");
		return;
	}
	cr_assert_not_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a.xml", dir);
	snprintf(b, sizeof(b), "%s/b.xml", dir);
	snprintf(outp, sizeof(outp), "%s/out.txt", dir);
	write_xml(d1, a);
	write_xml(d2, b);
	snprintf(cmd, sizeof(cmd), "ndiff %s %s > %s 2>&1", a, b, outp);
	st = system(cmd);
	cr_assert(WIFEXITED(st));
	/* ndiff: 0 = same, 1 = different, 2 = error */
	cr_expect_eq(WEXITSTATUS(st), 1, "ndiff failed on heiiki XML");
	f = fopen(outp, "r");
	cr_assert_not_null(f);
	text = calloc(1, 8192);
	n = fread(text, 1, 8191, f);
	fclose(f);
	cr_expect_gt(n, 0);
	cr_expect_null(strstr(text, "Traceback"), "ndiff crashed:\n%s", text);
	cr_expect_not_null(strstr(text, "X_THIRD"), "the added finding is in the diff:\n%s", text);
	cr_expect_not_null(strstr(text, "10.1"), "the version change is in the diff:\n%s", text);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	json_decref(d1);
	json_decref(d2);
}
