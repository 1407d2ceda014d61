/*
 * test_fsutil.c - fs_write_atomic never writes through a link, never
 * leaves a predictable temporary name, refuses links to devices, writes a
 * FIFO or character device named by its real path in place.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"

static char dir[64];

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/heiiki-fsutil-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
rm_tmp(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[400];

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static char *
slurp(const char *p)
{
	static char buf[256];
	FILE *f = fopen(p, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static size_t
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

TestSuite(fsutil, .init = mkdir_tmp, .fini = rm_tmp);

Test(fsutil, writes_and_replaces_regular_file)
{
	char p[128], err[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/out.json", dir);
	cr_assert_eq(fs_write_atomic(p, "one\n", 4, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(slurp(p), "one\n");
	cr_assert_eq(fs_write_atomic(p, "two\n", 4, 0640, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(slurp(p), "two\n");
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640);
	cr_assert_eq(count_entries(), 1, "a temporary file was left behind");
}

Test(fsutil, link_at_final_name_is_replaced_not_followed)
{
	char p[128], victim[128], err[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/out.json", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	cr_assert_eq(fs_write_atomic(victim, "precious\n", 9, 0644, err, sizeof(err)), 0);
	cr_assert_eq(symlink(victim, p), 0);
	cr_assert_eq(fs_write_atomic(p, "new\n", 4, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(slurp(victim), "precious\n", "wrote through the link");
	cr_assert_eq(stat(victim, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644, "chmod went through the link");
	cr_assert_eq(lstat(p, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "the link is still there");
	cr_assert_str_eq(slurp(p), "new\n");
}

Test(fsutil, dangling_link_creates_nothing_at_its_target)
{
	char p[128], target[128], err[256];

	snprintf(p, sizeof(p), "%s/out.json", dir);
	snprintf(target, sizeof(target), "%s/created-through-link", dir);
	cr_assert_eq(symlink(target, p), 0);
	cr_assert_eq(fs_write_atomic(p, "x\n", 2, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(access(target, F_OK), -1, "file created at the link's target");
}

Test(fsutil, old_predictable_tmp_names_are_never_used)
{
	char p[128], planted[160], victim[128], err[256];

	snprintf(p, sizeof(p), "%s/out.json", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	cr_assert_eq(fs_write_atomic(victim, "precious\n", 9, 0644, err, sizeof(err)), 0);
	/* the names the old code used, for this and the next PIDs */
	for (long pid = getpid(); pid < getpid() + 50; pid++) {
		snprintf(planted, sizeof(planted), "%s.tmp.%ld", p, pid);
		cr_assert_eq(symlink(victim, planted), 0);
	}
	cr_assert_eq(fs_write_atomic(p, "new\n", 4, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(slurp(victim), "precious\n");
	cr_assert_str_eq(slurp(p), "new\n");
	cr_assert_eq(count_entries(), 52);
}

Test(fsutil, link_to_device_is_refused)
{
	char p[128], err[256];

	snprintf(p, sizeof(p), "%s/out.json", dir);
	cr_assert_eq(symlink("/dev/null", p), 0);
	cr_assert_eq(fs_write_atomic(p, "x\n", 2, 0600, err, sizeof(err)), -1);
	cr_assert(strstr(err, "is a symbolic link to a device or FIFO; refusing"), "%s", err);
	cr_assert_eq(fs_check_output(p, err, sizeof(err)), -1);
	snprintf(p, sizeof(p), "%s/dir-link", dir);
	cr_assert_eq(symlink("/", p), 0);
	cr_assert_eq(fs_write_atomic(p, "x\n", 2, 0600, err, sizeof(err)), -1);
	cr_assert(strstr(err, "symbolic link to a directory"), "%s", err);
}

Test(fsutil, real_device_and_fifo_are_written_in_place)
{
	char p[128], err[256], buf[8] = { 0 };
	int rfd;

	cr_assert_eq(fs_write_atomic("/dev/null", "x\n", 2, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fs_check_output("/dev/null", err, sizeof(err)), 0, "%s", err);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	rfd = open(p, O_RDONLY | O_NONBLOCK);
	cr_assert_geq(rfd, 0);
	cr_assert_eq(fs_write_atomic(p, "abc", 3, 0600, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(read(rfd, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "abc");
	close(rfd);
	cr_assert_eq(fs_write_atomic(dir, "x", 1, 0600, err, sizeof(err)), -1);
}

Test(fsutil, missing_directory_names_it)
{
	char p[128], err[256];

	snprintf(p, sizeof(p), "%s/nosuch/out.json", dir);
	cr_assert_eq(fs_write_atomic(p, "x", 1, 0600, err, sizeof(err)), -1);
	cr_assert(strstr(err, "nosuch: No such file or directory"), "%s", err);
	cr_assert_eq(fs_check_output(p, err, sizeof(err)), -1);
}

Test(fsutil, prepare_regular_refuses_links_and_creates_private)
{
	char p[128], target[128], err[256];
	struct stat st;
	int created;

	snprintf(p, sizeof(p), "%s/history.db", dir);
	snprintf(target, sizeof(target), "%s/elsewhere.db", dir);
	cr_assert_eq(symlink(target, p), 0);
	cr_assert_eq(fs_prepare_regular(p, &created, err, sizeof(err)), -1);
	cr_assert(strstr(err, "is a symbolic link"), "%s", err);
	cr_assert_eq(access(target, F_OK), -1, "created through a dangling link");
	unlink(p);
	cr_assert_eq(fs_prepare_regular(p, &created, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(created, 1);
	cr_assert_eq(lstat(p, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(fs_prepare_regular(p, &created, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(created, 0);
	cr_assert_eq(fs_prepare_regular(dir, &created, err, sizeof(err)), -1);
}
