/*
 * test_geo.c - the GeoIP wrapper against the fixtures in tests/geoip/
 * (built by tests/geoip/build-fixtures.pl with a fixed build epoch).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "geoip/geo.h"

#define FIXTURE_EPOCH 1700000000

static const char *
gfix(const char *name)
{
	static char buf[4][512];
	static int i;
	const char *src = getenv("HEIIKI_SRCDIR");

	i = (i + 1) & 3;
	snprintf(buf[i], sizeof(buf[i]), "%s/tests/geoip/%s", src ? src : ".", name);
	return buf[i];
}

static struct geo_db *
gopen2(const char *a, const char *b)
{
	const char *paths[2] = { gfix(a), b ? gfix(b) : NULL };
	struct geo_db *db = NULL;
	char err[256];

	cr_assert_eq(geo_open(&db, paths, b ? 2 : 1, err, sizeof(err)), 0, "%s", err);
	return db;
}

static int
glook(struct geo_db *db, const char *s, struct geo *g)
{
	struct addr a;

	cr_assert_eq(addr_parse(s, &a), 0);
	return geo_lookup(db, &a, g);
}

Test(geo, geolite2_schema_country)
{
	struct geo_db *db = gopen2("country-geolite2.mmdb", NULL);
	struct geo g;

	cr_assert_eq(glook(db, "203.0.113.5", &g), 0);
	cr_assert_str_eq(g.country, "JP");
	cr_assert_eq(g.found, 1);
	cr_assert_eq(glook(db, "203.0.113.200", &g), 0);
	cr_assert_str_eq(g.country, "CN");
	cr_assert_eq(glook(db, "198.51.100.77", &g), 0);
	cr_assert_str_eq(g.country, "US");
	cr_assert_eq(glook(db, "2001:db8:2::1", &g), 0);
	cr_assert_str_eq(g.country, "CN");
	cr_assert_eq(g.asn, 0);
	geo_close(db);
}

Test(geo, registered_country_fallback)
{
	struct geo_db *db = gopen2("country-geolite2.mmdb", NULL);
	struct geo g;

	cr_assert_eq(glook(db, "198.18.200.1", &g), 0);
	cr_assert_str_eq(g.country, "DE");
	geo_close(db);
}

Test(geo, flat_schema_country)
{
	struct geo_db *db = gopen2("country-flat.mmdb", NULL);
	struct geo g;

	cr_assert_eq(glook(db, "203.0.113.127", &g), 0);
	cr_assert_str_eq(g.country, "JP");
	cr_assert_eq(glook(db, "203.0.113.128", &g), 0);
	cr_assert_str_eq(g.country, "CN");
	cr_assert_eq(glook(db, "2001:db8:1:ffff::1", &g), 0);
	cr_assert_str_eq(g.country, "JP");
	geo_close(db);
}

Test(geo, not_found_is_one)
{
	struct geo_db *db = gopen2("country-flat.mmdb", NULL);
	struct geo g;

	cr_assert_eq(glook(db, "198.18.0.1", &g), 1);
	cr_assert_eq(g.found, 0);
	cr_assert_str_eq(g.country, "");
	cr_assert_eq(glook(db, "2001:db8:3::1", &g), 1);
	geo_close(db);
}

Test(geo, asn_and_country_combined)
{
	struct geo_db *db = gopen2("asn.mmdb", "country-geolite2.mmdb");
	struct geo g;

	cr_assert_eq(glook(db, "198.51.100.9", &g), 0);
	cr_assert_str_eq(g.country, "US");
	cr_assert_eq(g.asn, 64502);
	cr_assert_str_eq(g.as_org, "Example US Hosting");
	cr_assert_eq(glook(db, "2001:db8:1::9", &g), 0);
	cr_assert_str_eq(g.country, "JP");
	cr_assert_eq(g.asn, 64503);
	/* Country known, ASN not: still found. */
	cr_assert_eq(glook(db, "198.19.3.4", &g), 0);
	cr_assert_str_eq(g.country, "KR");
	cr_assert_eq(g.asn, 0);
	cr_assert_str_eq(g.as_org, "");
	cr_assert_eq(geo_db_count(db), 2);
	cr_assert_str_eq(geo_db_type(db, 0), "GeoLite2-ASN");
	geo_close(db);
}

Test(geo, build_epoch_and_staleness)
{
	struct geo_db *db = gopen2("country-geolite2.mmdb", NULL);

	cr_assert_eq(geo_build_epoch(db), FIXTURE_EPOCH);
	cr_assert_eq(geo_db_epoch(db, 0), FIXTURE_EPOCH);
	cr_assert_eq(geo_is_stale(db, FIXTURE_EPOCH + 59 * 86400), 0);
	cr_assert_eq(geo_is_stale(db, FIXTURE_EPOCH + 61 * 86400), 1);
	geo_close(db);
}

static void
expect_open_error(const char *name, const char *what)
{
	const char *paths[1] = { gfix(name) };
	struct geo_db *db = (struct geo_db *)1;
	char err[256] = "";

	cr_assert_eq(geo_open(&db, paths, 1, err, sizeof(err)), -1, "%s opened", name);
	cr_assert_null(db);
	cr_assert(strstr(err, name), "error does not name the file: %s", err);
	cr_assert(strstr(err, what), "error '%s' lacks '%s'", err, what);
}

Test(geo, broken_files_are_clear_errors)
{
	expect_open_error("truncated.mmdb", "not a usable MaxMind DB");
	expect_open_error("garbage.mmdb", "not a usable MaxMind DB");
	expect_open_error("empty.mmdb", "empty file");
	expect_open_error("no-such-file.mmdb", "No such file");
}

Test(geo, second_bad_file_fails_whole_open)
{
	const char *paths[2] = { gfix("asn.mmdb"), gfix("garbage.mmdb") };
	struct geo_db *db;
	char err[256];

	cr_assert_eq(geo_open(&db, paths, 2, err, sizeof(err)), -1);
	cr_assert(strstr(err, "garbage.mmdb"));
}

Test(geo, corrupt_tree_lookup_is_error_not_crash)
{
	struct geo_db *db = gopen2("corrupt-tree.mmdb", NULL);
	struct geo g;

	cr_assert_eq(glook(db, "203.0.113.5", &g), -1);
	cr_assert(strstr(geo_error(db), "corrupt"), "%s", geo_error(db));
	cr_assert_eq(g.found, 0);
	/* Errors are not cached: asking again fails again. */
	cr_assert_eq(glook(db, "203.0.113.5", &g), -1);
	geo_close(db);
}

Test(geo, cached_equals_uncached)
{
	struct geo_db *c = gopen2("country-geolite2.mmdb", "asn.mmdb");
	struct geo_db *u = gopen2("country-geolite2.mmdb", "asn.mmdb");
	uint32_t x = 12345;

	geo_set_cache(u, 0);
	/* Many more addresses than cache slots, each asked twice. */
	for (int i = 0; i < 4 * GEO_CACHE_SLOTS; i++) {
		struct addr a;
		struct geo g1, g2, g3;
		int r1, r2, r3;

		x = x * 1103515245u + 12345u;
		a = addr_from_v4((i & 1 ? 0xcb007100u : 0xc6336400u) | (x >> 24));
		r1 = geo_lookup(c, &a, &g1);
		r2 = geo_lookup(c, &a, &g2);
		r3 = geo_lookup(u, &a, &g3);
		cr_assert_eq(r1, r3);
		cr_assert_eq(r2, r3);
		cr_assert_eq(memcmp(&g1, &g3, sizeof(g1)), 0);
		cr_assert_eq(memcmp(&g2, &g3, sizeof(g2)), 0);
	}
	geo_close(c);
	geo_close(u);
}

Test(geo, span_walks_networks)
{
	struct geo_db *db = gopen2("country-flat.mmdb", NULL);
	struct addr a, last;
	struct geo g;
	char buf[ADDR_STRLEN];

	addr_parse("203.0.113.10", &a);
	cr_assert_eq(geo_lookup_span(db, &a, &g, &last), 0);
	cr_assert_str_eq(addr_fmt(&last, buf), "203.0.113.127");
	addr_parse("2001:db8:2::1", &a);
	cr_assert_eq(geo_lookup_span(db, &a, &g, &last), 0);
	cr_assert_str_eq(addr_fmt(&last, buf), "2001:db8:2:ffff:ffff:ffff:ffff:ffff");
	geo_close(db);
}

Test(geo, null_db_knows_nothing)
{
	struct addr a = addr_from_v4(0xcb007101u);
	struct geo g;

	cr_assert_eq(geo_lookup(NULL, &a, &g), 1);
	cr_assert_eq(g.found, 0);
	cr_assert_eq(geo_build_epoch(NULL), 0);
}

/* Run a shell command; its stdout (first 4 KiB) into out, exit status back. */
static int
gsh(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	cr_assert_not_null(p);
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(geo_cli, lookup_text_and_errors)
{
	const char *bin = getenv("HEIIKI");
	char cmd[1024], out[4096];

	if (!bin)
		cr_skip_test("HEIIKI not set");
	snprintf(cmd, sizeof(cmd), "%s geo --db %s --db %s 203.0.113.200 198.18.0.1 2>/dev/null",
		 bin, gfix("country-flat.mmdb"), gfix("asn.mmdb"));
	cr_assert_eq(gsh(cmd, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "203.0.113.200\tCN\tAS64501\tExample CN Cloud\n"
			      "198.18.0.1\t-\t-\t-\n");
	snprintf(cmd, sizeof(cmd), "%s geo --db %s 203.0.113.1 2>&1", bin, gfix("garbage.mmdb"));
	cr_assert_eq(gsh(cmd, out, sizeof(out)), 3);
	cr_assert(strstr(out, "garbage.mmdb"), "%s", out);
	snprintf(cmd, sizeof(cmd), "%s geo --db %s not-an-address 2>&1", bin,
		 gfix("asn.mmdb"));
	cr_assert_eq(gsh(cmd, out, sizeof(out)), 2);
	cr_assert(strstr(out, "not-an-address"), "%s", out);
}

Test(geo_cli, install_script_skip_and_no_npm)
{
	char cmd[2048], out[4096], dir[] = "/tmp/heiiki-geoip-test-XXXXXX";
	const char *src = getenv("HEIIKI_SRCDIR");

	cr_assert_not_null(mkdtemp(dir));
	/* A PATH with the usual tools but without npm. */
	snprintf(cmd, sizeof(cmd), "mkdir %s/bin && for t in find mkdir tar install mv cat "
		 "touch ls head sed tail tr rm mktemp dirname; do ln -s \"$(command -v $t)\" "
		 "%s/bin/$t; done", dir, dir);
	cr_assert_eq(gsh(cmd, out, sizeof(out)), 0);
	/* Fresh install present: nothing is fetched. */
	snprintf(cmd, sizeof(cmd), "cp %s %s/country.mmdb && touch %s/.installed && "
		 "PATH=%s/bin HEIIKI_GEOIP_DIR=%s /bin/bash %s/geoip/install-data.sh 2>&1",
		 gfix("country-flat.mmdb"), dir, dir, dir, dir, src ? src : ".");
	cr_assert_eq(gsh(cmd, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "nothing to do"), "%s", out);
	/* Installed 8 days ago: due for refresh; without npm, a clear error. */
	snprintf(cmd, sizeof(cmd), "touch -d '8 days ago' %s/.installed && PATH=%s/bin "
		 "HEIIKI_GEOIP_DIR=%s /bin/bash %s/geoip/install-data.sh 2>&1; echo rc=$?",
		 dir, dir, dir, src ? src : ".");
	gsh(cmd, out, sizeof(out));
	cr_assert(strstr(out, "npm is not installed") && strstr(out, "rc=1"), "%s", out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(gsh(cmd, out, sizeof(out)), 0);
}

Test(geo, ipv4_only_database)
{
	struct geo_db *db = gopen2("country-v4only.mmdb", "asn.mmdb");
	struct addr a, last;
	struct geo g;
	char buf[ADDR_STRLEN];

	cr_assert_eq(glook(db, "203.0.113.200", &g), 0);
	cr_assert_str_eq(g.country, "CN");
	/* IPv6 is simply unknown to it; the ASN database still answers. */
	cr_assert_eq(glook(db, "2001:db8:2::1", &g), 0);
	cr_assert_str_eq(g.country, "");
	cr_assert_eq(g.asn, 64503);
	geo_close(db);
	db = gopen2("country-v4only.mmdb", NULL);
	cr_assert_eq(glook(db, "2001:db8:2::1", &g), 1);
	addr_parse("198.51.100.7", &a);
	cr_assert_eq(geo_lookup_span(db, &a, &g, &last), 0);
	cr_assert_str_eq(addr_fmt(&last, buf), "198.51.100.255");
	geo_close(db);
}

/* ---- geoip_db in a policy: resolved against the policy's folder --------- */

#include <unistd.h>

#include "scanner/input/policy.h"

static void
gwrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static const char gpol[] =
	"version: 1\n"
	"site: geo paths\n"
	"zones:\n"
	"  - name: servers\n"
	"    role: server\n"
	"    nets: [198.18.10.0/24]\n"
	"geo:\n"
	"  - zone: \"*\"\n"
	"    direction: both\n"
	"    countries: [JP]\n"
	"geoip_db: db/country.mmdb\n";

Test(geo_policy, relative_path_from_policy_folder_and_missing_is_an_error)
{
	char dir[] = "/tmp/heiiki-geopol-XXXXXX", path[256], sub[256], link[300];
	char err[512], cmd[1024], out[4096];
	const char *bin = getenv("HEIIKI");
	struct policy p;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	snprintf(sub, sizeof(sub), "%s/db", dir);
	snprintf(link, sizeof(link), "%s/db/country.mmdb", dir);
	gwrite(path, gpol);
	cr_assert_eq(policy_load(path, &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(p.geoip_db, link, "relative to the policy, not the cwd");
	/* missing: the policy's file:line:column, never the default database */
	cr_assert_eq(policy_check_paths(&p, err, sizeof(err)), -1);
	snprintf(cmd, sizeof(cmd), "%s:11:11: geoip_db: %s: No such file", path, link);
	cr_assert(strstr(err, cmd), "%s", err);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(symlink(gfix("country-geolite2.mmdb"), link), 0);
	cr_assert_eq(policy_check_paths(&p, err, sizeof(err)), 0, "%s", err);
	policy_free(&p);
	if (bin) {
		/* capture judges with that database and records it in run.geoip */
		snprintf(cmd, sizeof(cmd), "cd / && %s capture --policy %s -o %s/c.json "
			 "%s/tests/pcap/three-exits.pcap 2>/dev/null; echo rc=$?; grep -o "
			 "'\"db\": *\"[^\"]*\"' %s/c.json", bin, path, dir,
			 getenv("HEIIKI_SRCDIR") ? getenv("HEIIKI_SRCDIR") : ".", dir);
		cr_assert_eq(gsh(cmd, out, sizeof(out)), 0);
		cr_assert(strstr(out, "rc=0"), "%s", out);
		cr_assert(strstr(out, link), "run.geoip names the policy's database: %s", out);
		unlink(link);
		snprintf(cmd, sizeof(cmd), "cd / && %s capture --policy %s %s/tests/pcap/"
			 "three-exits.pcap 2>&1 >/dev/null; echo rc=$?", bin, path,
			 getenv("HEIIKI_SRCDIR") ? getenv("HEIIKI_SRCDIR") : ".");
		cr_assert_eq(gsh(cmd, out, sizeof(out)), 0);
		cr_assert(strstr(out, "policy.yaml:11:11: geoip_db:") && strstr(out, "rc=2"),
			  "%s", out);
		snprintf(cmd, sizeof(cmd), "%s/c.json", dir);
		unlink(cmd);
	}
	unlink(link);
	rmdir(sub);
	unlink(path);
	rmdir(dir);
}
