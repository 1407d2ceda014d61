/*
 * test_geo_install.c - 'heiiki geo install FILE.mmdb' (scanner/cli/cmd_geo.c)
 * on the committed fixtures of tests/geoip/: good databases are installed
 * byte for byte under the right name with their build date recorded; bad
 * ones are refused with exit 2 and leave the installed database alone.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
gi_src(void)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	return s && *s ? s : ".";
}

/* Run heiiki with args; stdout+stderr into out.  Exit status or -1. */
static int
gi_run(char *const argv[], char *out, size_t outlen)
{
	int fds[2], status = -1;
	size_t o = 0;
	ssize_t r;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		unsetenv("HEIIKI_GEOIP_DIR");
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (o + 1 < outlen && (r = read(fds[0], out + o, outlen - o - 1)) > 0)
		o += (size_t)r;
	out[o] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
same_file(const char *a, const char *b)
{
	char cmd[2400];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

Test(geo_install, installs_validates_and_records)
{
	const char *bin = getenv("HEIIKI");
	char dir[64] = "/tmp/heiiki-geoinst-XXXXXX", sub[128], out[4096];
	char fx[1024], asn[1024], bad[1024], dest[256], info[256], cmd[256];
	json_error_t je;
	json_t *j;

	if (!bin || !*bin)
		cr_skip_test("HEIIKI not set");
	cr_assert(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/geoip", dir);	/* created by install */
	snprintf(fx, sizeof(fx), "%s/tests/geoip/country-geolite2.mmdb", gi_src());
	snprintf(asn, sizeof(asn), "%s/tests/geoip/asn.mmdb", gi_src());
	snprintf(dest, sizeof(dest), "%s/country.mmdb", sub);
	snprintf(info, sizeof(info), "%s/country.mmdb.json", sub);
	{
		char *argv[] = { (char *)bin, "geo", "install", "--dir", sub, fx, NULL };
		cr_assert_eq(gi_run(argv, out, sizeof(out)), 0, "%s", out);
		cr_assert(strstr(out, "GeoLite2-Country, built 2023-11-14T22:13:20Z"), "%s", out);
	}
	cr_assert(same_file(fx, dest));
	j = json_load_file(info, 0, &je);
	cr_assert_not_null(j, "%s: %s", info, je.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "database_type")), "GeoLite2-Country");
	cr_assert_eq(json_integer_value(json_object_get(j, "build_epoch")), 1700000000);
	cr_assert_str_eq(json_string_value(json_object_get(j, "build_date")), "2023-11-14T22:13:20Z");
	json_decref(j);
	{	/* an ASN database goes to asn.mmdb, the country one stays */
		char *argv[] = { (char *)bin, "geo", "install", "--dir", sub, asn, NULL };
		char a2[256];

		cr_assert_eq(gi_run(argv, out, sizeof(out)), 0, "%s", out);
		snprintf(a2, sizeof(a2), "%s/asn.mmdb", sub);
		cr_assert(same_file(asn, a2));
		cr_assert(same_file(fx, dest));
	}
	{	/* the installed file answers lookups through heiiki geo */
		char *argv[] = { (char *)bin, "geo", "--db", dest, "203.0.113.5", NULL };

		cr_assert_eq(gi_run(argv, out, sizeof(out)), 0, "%s", out);
		cr_assert(strstr(out, "203.0.113.5\tJP"), "%s", out);
	}
	/* bad files: exit 2, a message naming the file, nothing replaced */
	static const char *const bads[] = { "empty.mmdb", "garbage.mmdb",
					    "truncated.mmdb", "corrupt-tree.mmdb", NULL };
	for (size_t i = 0; bads[i]; i++) {
		snprintf(bad, sizeof(bad), "%s/tests/geoip/%s", gi_src(), bads[i]);
		char *argv[] = { (char *)bin, "geo", "install", "--dir", sub,
				 "--as", "country", bad, NULL };

		cr_assert_eq(gi_run(argv, out, sizeof(out)), 2, "%s: %s", bads[i], out);
		cr_assert(strstr(out, bads[i]), "%s", out);
		cr_assert(same_file(fx, dest), "%s replaced the installed database", bads[i]);
	}
	{
		char *argv[] = { (char *)bin, "geo", "install", "--as", "city", fx, NULL };

		cr_assert_eq(gi_run(argv, out, sizeof(out)), 2, "%s", out);
	}
	{	/* no temporary file left behind */
		char *argv[] = { "/bin/sh", "-c", NULL, NULL };

		snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c tmp", sub);
		argv[2] = cmd;
		gi_run(argv, out, sizeof(out));
		cr_assert_str_eq(out, "0\n");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}
