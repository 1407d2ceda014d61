/*
 * test_capture_rotate.c - period document names, listing between two
 * times, pruning by count and by size (scanner/capture/rotate.c).  The live
 * rotation itself is tested in tests/lab/test_capture_rotate.sh.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/capture/rotate.h"

#define T0 1796439600	/* 2026-12-05T03:00:00Z */

Test(capture_rotate, name_round_trip)
{
	char n[CAPTURE_DOC_NAME_MAX];
	time_t t;
	unsigned seq;

	cr_assert_eq(capture_doc_name(T0, 0, n, sizeof(n)), 0);
	cr_assert_str_eq(n, "flows-20261205T030000Z.json");
	cr_assert_eq(capture_doc_parse(n, &t, &seq), 0);
	cr_assert_eq(t, T0);
	cr_assert_eq(seq, 0);
	cr_assert_eq(capture_doc_name(T0 + 7, 12, n, sizeof(n)), 0);
	cr_assert_str_eq(n, "flows-20261205T030007Z.12.json");
	cr_assert_eq(capture_doc_parse(n, &t, &seq), 0);
	cr_assert_eq(t, T0 + 7);
	cr_assert_eq(seq, 12);
	cr_assert_eq(capture_doc_name(T0, 0, n, 10), -1, "must not truncate");
}

Test(capture_rotate, parse_refuses_other_names)
{
	static const char *const bad[] = {
		"flows-20261205T030000Z.json.tmp.1234",	/* a write in progress */
		"flows-20261205T030000Z.json~",
		"flows-20261205T030000.json",
		"flows-20261305T030000Z.json",		/* month 13 */
		"flows-20260230T030000Z.json",		/* 30 February */
		"flows-20261205T250000Z.json",
		"flows-20261205T030060Z.json",
		"flows-2026120xT030000Z.json",
		"flows-20261205T030000Z.0.json",
		"flows-20261205T030000Z.123.json",
		"flows-20261205T030000Z..json",
		"scan-20261205T030000Z.json",
		"flows-",
		"",
		NULL,
	};
	time_t t;
	unsigned seq;

	for (size_t i = 0; bad[i]; i++)
		cr_assert_eq(capture_doc_parse(bad[i], &t, &seq), -1, "accepted '%s'", bad[i]);
}

static char dir[64];

static void
mkdoc(time_t start, unsigned seq, size_t bytes)
{
	char n[CAPTURE_DOC_NAME_MAX], path[256];
	char *buf = calloc(1, bytes + 1);
	int fd;

	cr_assert(buf);
	memset(buf, 'x', bytes);
	cr_assert_eq(capture_doc_name(start, seq, n, sizeof(n)), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, n);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, buf, bytes), (ssize_t)bytes);
	close(fd);
	free(buf);
}

static void
mkother(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	close(fd);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/heiiki-rotate-XXXXXX");
	cr_assert(mkdtemp(dir));
	/* six hourly documents, a restart in the 05:00 period, a temp file */
	for (int i = 0; i < 6; i++)
		mkdoc(T0 + i * 3600, 0, 100);
	mkdoc(T0 + 2 * 3600, 1, 50);
	mkother("flows-20261205T090000Z.json.tmp.999");
	mkother("notes.txt");
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(capture_rotate, list_between_two_times, .init = setup, .fini = teardown)
{
	struct capture_doc *v;
	char err[256];
	size_t n;

	cr_assert_eq(capture_docs_list(dir, 0, 0, &v, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 7);
	for (size_t i = 1; i < n; i++)
		cr_assert(v[i - 1].start < v[i].start ||
			  (v[i - 1].start == v[i].start && v[i - 1].seq < v[i].seq));
	cr_assert_eq(v[3].seq, 1);
	cr_assert_eq(v[3].bytes, 50);
	free(v);

	/* [04:00, 06:00): the 04:00 and both 05:00 documents */
	cr_assert_eq(capture_docs_list(dir, T0 + 3600, T0 + 3 * 3600, &v, &n, err,
				       sizeof(err)), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(v[0].start, T0 + 3600);
	cr_assert_eq(v[2].start, T0 + 2 * 3600);
	cr_assert(strstr(v[2].path, "flows-20261205T050000Z.1.json"));
	free(v);

	/* adjacent windows share nothing and miss nothing */
	{
		size_t a, b, all;

		capture_docs_list(dir, 0, T0 + 2 * 3600, &v, &a, err, sizeof(err));
		free(v);
		capture_docs_list(dir, T0 + 2 * 3600, 0, &v, &b, err, sizeof(err));
		free(v);
		capture_docs_list(dir, 0, 0, &v, &all, err, sizeof(err));
		free(v);
		cr_assert_eq(a + b, all);
		cr_assert_eq(a, 2);
	}
	cr_assert_eq(capture_docs_list("/nonexistent-heiiki", 0, 0, &v, &n, err,
				       sizeof(err)), -1);
	cr_assert(strstr(err, "/nonexistent-heiiki"));
}

Test(capture_rotate, prune_by_count, .init = setup, .fini = teardown)
{
	struct capture_doc *v;
	unsigned removed;
	char err[256];
	size_t n;

	cr_assert_eq(capture_docs_prune(dir, 0, 0, &removed, err, sizeof(err)), 0);
	cr_assert_eq(removed, 0);
	cr_assert_eq(capture_docs_prune(dir, 4, 0, &removed, err, sizeof(err)), 0);
	cr_assert_eq(removed, 3);
	capture_docs_list(dir, 0, 0, &v, &n, err, sizeof(err));
	cr_assert_eq(n, 4);
	cr_assert_eq(v[0].start, T0 + 2 * 3600, "the oldest go first");
	cr_assert_eq(v[0].seq, 1);
	cr_assert_eq(v[3].start, T0 + 5 * 3600);
	free(v);
	/* the temporary file and other names are never touched */
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/notes.txt", dir);
		cr_assert_eq(access(p, F_OK), 0);
		snprintf(p, sizeof(p), "%s/flows-20261205T090000Z.json.tmp.999", dir);
		cr_assert_eq(access(p, F_OK), 0);
	}
}

Test(capture_rotate, prune_by_size_keeps_newest, .init = setup, .fini = teardown)
{
	struct capture_doc *v;
	unsigned removed;
	char err[256];
	size_t n;

	/* 650 bytes in all; at most 250: the three newest (100 each = 300) do
	 * not fit, two do */
	cr_assert_eq(capture_docs_prune(dir, 0, 250, &removed, err, sizeof(err)), 0);
	cr_assert_eq(removed, 5);
	capture_docs_list(dir, 0, 0, &v, &n, err, sizeof(err));
	cr_assert_eq(n, 2);
	free(v);
	/* smaller than one document: the newest still stays */
	cr_assert_eq(capture_docs_prune(dir, 0, 1, &removed, err, sizeof(err)), 0);
	capture_docs_list(dir, 0, 0, &v, &n, err, sizeof(err));
	cr_assert_eq(n, 1);
	cr_assert_eq(v[0].start, T0 + 5 * 3600);
	free(v);
}
