/*
 * test_product_rules.c - probes/data/product-rules.json and its matcher.
 *
 * Every rule names a recorded reply (tests/probes/data/<dir>/<file>) and the
 * probe that parses it; this test replays each one through that probe and
 * requires that exactly that rule names the product.  A rule without a
 * passing sample fails the build.  Also: bad files are refused with the
 * member and value, captures cannot inject CPE separators.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "probes/product_db.h"
#include "probe_a_util.h"

static struct product_db *
pr_load(void)
{
	struct product_db *db = NULL;
	char err[512] = "";

	cr_assert_eq(product_db_load_default(&db, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(db);
	return db;
}

Test(product_rules, every_rule_matches_its_recorded_sample)
{
	struct product_db *db = pr_load();

	cr_assert_gt(product_db_count(db), 3);
	for (size_t i = 0; i < product_db_count(db); i++) {
		const json_t *s = product_db_rule_sample(db, i);
		const char *id = product_db_rule_id(db, i);
		const char *pn = json_string_value(json_object_get(s, "probe"));
		const char *file = json_string_value(json_object_get(s, "file"));
		const struct probe *p = probe_by_name(pn);
		char dir[128];
		const char *slash = strchr(file, '/');
		const char *got;
		size_t len;
		uint8_t *buf;
		json_t *out = json_object();
		struct probe_ctx c = pa_ctx((int)json_integer_value(json_object_get(s, "step")),
					    (uint16_t)json_integer_value(json_object_get(s, "port")), 1);

		cr_assert_not_null(p, "rule %s: unknown probe %s", id, pn);
		cr_assert_not_null(slash, "rule %s: sample file %s", id, file);
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
		buf = pa_load(dir, slash + 1, &len);
		c.tls = json_is_true(json_object_get(s, "tls"));
		if (json_is_string(json_object_get(s, "prior"))) {
			/* the previous step's recorded reply first (multi-step probes) */
			const char *pf = json_string_value(json_object_get(s, "prior"));
			const char *ps = strchr(pf, '/');
			struct probe_ctx pc = c;
			uint8_t *pb;
			size_t pl;

			cr_assert_not_null(ps);
			snprintf(dir, sizeof(dir), "%.*s", (int)(ps - pf), pf);
			pb = pa_load(dir, ps + 1, &pl);
			pc.step = c.step - 1;
			pc.out = out;
			probe_run_bytes(p, &pc, pb, pl, out);
			free(pb);
		}
		c.out = out;
		probe_run_bytes(p, &c, buf, len, out);
		got = product_db_apply(db, out);
		cr_assert_not_null(got, "rule %s: no rule matched sample %s", id, file);
		cr_expect_str_eq(got, id, "sample %s matched rule %s, not %s", file, got, id);
		cr_assert_not_null(json_object_get(out, "product"));
		if (json_object_get(s, "expect_version"))
			cr_expect_str_eq(json_string_value(json_object_get(out, "version")),
					 json_string_value(json_object_get(s, "expect_version")),
					 "rule %s", id);
		json_decref(out);
		free(buf);
	}
	product_db_free(db);
}

Test(product_rules, openssh_fields_and_explain)
{
	struct product_db *db = pr_load();
	json_t *out = json_pack("{s:s, s:{s:s}}", "service", "unknown", "banner", "text",
				"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");

	cr_assert_str_eq(product_db_apply(db, out), "openssh-banner");
	cr_expect_str_eq(json_string_value(json_object_get(out, "product")), "OpenSSH");
	cr_expect_str_eq(json_string_value(json_object_get(out, "version")), "9.2p1");
	cr_expect_str_eq(json_string_value(json_object_get(out, "service")), "ssh");
	cr_expect_str_eq(json_string_value(json_object_get(out, "cpe")),
			 "cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(out, "product_rule"), "field")),
			 "banner.text");
	json_decref(out);
	product_db_free(db);
}

Test(product_rules, no_match_leaves_output_alone)
{
	struct product_db *db = pr_load();
	json_t *out = json_pack("{s:s, s:{s:s}}", "service", "unknown", "banner", "text",
				"hello from nowhere");

	cr_expect_null(product_db_apply(db, out));
	cr_expect_null(json_object_get(out, "product"));
	cr_expect_null(json_object_get(out, "product_rule"));
	json_decref(out);
	product_db_free(db);
}

static const char *
pr_bad(const char *json)
{
	static char err[512];
	struct product_db *db = NULL;

	err[0] = 0;
	cr_assert_lt(product_db_load_buf(json, strlen(json), "t.json", &db, err, sizeof(err)), 0,
		     "accepted: %s", json);
	cr_assert_null(db);
	return err;
}

#define PR_HEAD "{\"format\":\"heiiki-product-rules\",\"rules\":["
#define PR_SAMPLE ",\"sample\":{\"probe\":\"banner\",\"port\":1,\"file\":\"a/b\"}"

Test(product_rules, bad_files_refused_with_member)
{
	cr_expect(strstr(pr_bad("{\"format\":\"x\",\"rules\":[]}"), "format"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"a\",\"field\":\"banner.text\",\"match\":\"(x)\\\\1\","
				"\"product\":\"X\"" PR_SAMPLE "}]}"), "back-references"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"a\",\"field\":\"banner.text\",\"match\":\"(x\","
				"\"product\":\"X\"" PR_SAMPLE "}]}"), "rules[0].match"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"a\",\"field\":\"banner.text\",\"match\":\"x\","
				"\"product\":\"X\"}]}"), "sample"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"a\",\"field\":\"b\",\"match\":\"x\",\"product\":\"X\"" PR_SAMPLE "},"
				"{\"id\":\"a\",\"field\":\"b\",\"match\":\"y\",\"product\":\"Y\"" PR_SAMPLE "}]}"),
			 "duplicate 'a'"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"A B\",\"field\":\"b\",\"match\":\"x\",\"product\":\"X\"" PR_SAMPLE "}]}"),
			 "rules[0].id"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"a\",\"field\":\"b\",\"match\":\"x\",\"product\":\"X\","
				"\"cpe\":\"cpe:/a:x\"" PR_SAMPLE "}]}"), "rules[0].cpe"));
	cr_expect(strstr(pr_bad(PR_HEAD "{\"id\":\"a\",\"field\":\"b\",\"match\":\"x\"" PR_SAMPLE "}]}"),
			 "product"));
	cr_expect(strstr(pr_bad("{\"format\":"), "t.json:1:"));
}

Test(product_rules, captures_cannot_inject_cpe_separators)
{
	static const char j[] = PR_HEAD "{\"id\":\"x\",\"field\":\"banner.text\",\"match\":\"^X/([^ ]*)\","
		"\"product\":\"X\",\"version\":\"$1\",\"cpe\":\"cpe:2.3:a:x:x:$1:*:*:*:*:*:*:*\"" PR_SAMPLE "}]}";
	struct product_db *db = NULL;
	char err[256];
	json_t *out = json_pack("{s:{s:s}}", "banner", "text", "X/1.0:*:evil\"");

	cr_assert_eq(product_db_load_buf(j, sizeof(j) - 1, "t", &db, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(product_db_apply(db, out), "x");
	cr_expect_str_eq(json_string_value(json_object_get(out, "version")), "1.0evil");
	cr_expect_str_eq(json_string_value(json_object_get(out, "cpe")), "cpe:2.3:a:x:x:1.0evil:*:*:*:*:*:*:*");
	json_decref(out);
	product_db_free(db);
}
