/*
 * test_checklist.c - the checklist table of scanner/report/labels.c: every
 * finding rule maps to a topic; each edition gives the verified item
 * number and wording (R5 2023-06 manual, R7 FY2025 draft manual) and
 * says "not verified" where the reference does not give one (R6, and the
 * numbers the reference leaves open) instead of inventing it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/findings/rules.h"
#include "scanner/report/labels.h"

/* Expected item numbers per rule: R5, R7 (R6 is never verified). */
static const struct {
	const char *rule, *r5, *r7;
} expect[] = {
	{ "RDP_NOT_ALLOWED_SOURCE", "2-(8)", "2-⑬" },
	{ "INBOUND_NOT_ALLOWED", "2-(8)", "2-⑬" },
	{ "GEO_COUNTRY_NOT_ALLOWED", "2-(8)", "2-⑬" },
	{ "FENCE_SOURCE_NOT_ENFORCED", "2-(8)", "2-⑬" },
	{ "FENCE_GEO_NOT_ENFORCED", "2-(8)", "2-⑬" },
	{ "DICOM_ANY_AE_TITLE", "2-(8)", "2-⑬" },
	{ "VENDOR_EXCEPTION_EXPIRED", "2-(8)", "2-⑬" },
	{ "VENDOR_EXCEPTION_EXPIRING", "2-(8)", "2-⑬" },
	{ "CLOSED_ZONE_EGRESS", "2-(8)", "2-⑬" },
	{ "TELNET_PRESENT", "2-(9)", "2-⑫" },
	{ "SMB1_ENABLED", "2-(9)", "2-⑫" },
	{ "SNMP_PUBLIC", "2-(9)", "2-⑫" },
	{ "FTP_PRESENT", "2-(9)", "2-⑫" },
	{ "POLICY_DENIED_SERVICE", "2-(9)", "2-⑫" },
	{ "SERVICE_NOT_EXPECTED", "2-(9)", "2-⑫" },
	{ "VPN_PORTAL_EXPOSED", "2-(7)", "2-⑥" },
	{ "RDP_NO_NLA", "2-(4), 2-(5)", NULL },
	{ "VNC_NO_AUTH", "2-(4), 2-(5)", NULL },
	{ "ADMIN_TLS_CERT_INVALID", "2-(4), 2-(5)", NULL },
	{ "UNDECLARED_EXIT", "2-(8)", "2-②" },
	{ "UNDECLARED_REMOTE_PATH", "2-(8)", "2-②" },
	{ "OUT_OF_SUPPORT", "2-(7)", "2-⑥" },
	{ "DEVICE_NOT_IN_LEDGER", NULL, "2-①" },
	{ "MONGODB_NO_AUTH", "2-(4), 2-(5)", NULL },
	{ "OPEN_PROXY", "2-(8)", "2-⑬" },
};

static const char *
num_of(enum cl_edition ed, const char *rule)
{
	int t = cl_topic_of(rule);

	cr_assert_geq(t, 0, "%s has no checklist topic", rule);
	return cl_item(ed, (enum cl_topic)t)->num;
}

static void
same(const char *got, const char *want, const char *rule, const char *ed)
{
	if (!want)
		cr_expect_null(got, "%s %s: expected 'not verified', got %s", rule, ed, got);
	else
		cr_expect(got && !strcmp(got, want), "%s %s: expected %s, got %s", rule, ed, want,
			  got ? got : "(null)");
}

Test(checklist, every_rule_of_the_findings_table_is_mapped)
{
	for (size_t i = 0; i < nrules; i++)
		cr_expect_geq(cl_topic_of(rules[i].id), 0, "rule %s is missing from the "
			      "checklist table in scanner/report/labels.c", rules[i].id);
	for (size_t i = 0; cl_rule_at(i); i++)
		cr_expect_not_null(rule_by_id(cl_rule_at(i)), "table names unknown rule %s",
				   cl_rule_at(i));
}

Test(checklist, edition_r5_per_rule)
{
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		same(num_of(CL_R5, expect[i].rule), expect[i].r5, expect[i].rule, "r5");
}

Test(checklist, edition_r6_is_never_invented)
{
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		int t = cl_topic_of(expect[i].rule);

		same(num_of(CL_R6, expect[i].rule), NULL, expect[i].rule, "r6");
		cr_expect_null(cl_item(CL_R6, (enum cl_topic)t)->text);
	}
}

Test(checklist, edition_r7_per_rule)
{
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		same(num_of(CL_R7, expect[i].rule), expect[i].r7, expect[i].rule, "r7");
}

Test(checklist, exact_wording)
{
	cr_expect_str_eq(cl_item(CL_R5, CLT_SRC)->text, "接続元制限を実施している。");
	cr_expect_str_eq(cl_item(CL_R7, CLT_SRC)->text, "接続元制限を実施している。");
	cr_expect_str_eq(cl_item(CL_R5, CLT_PATCH)->text, "セキュリティパッチを適用している。");
	cr_expect_str_eq(cl_item(CL_R7, CLT_SVC)->text,
			 "バックグラウンドで動作している不要なソフトウェア及びサービスを停止している。");
	cr_expect_str_eq(cl_item(CL_R7, CLT_REMOTE)->text,
			 "リモートメンテナンス（保守）を利用している機器の有無を事業者に確認した。");
	cr_expect_null(cl_item(CL_R5, CLT_SVC)->text, "R5 (9) wording is not in the reference");
}

Test(checklist, labels_mark_what_is_not_verified)
{
	char buf[512];

	cr_expect_str_eq(cl_label(LANG_JA, CL_R7, "RDP_NOT_ALLOWED_SOURCE", buf, sizeof(buf)),
			 "2-⑬ 接続元制限を実施している。");
	cr_expect_str_eq(cl_label(LANG_JA, CL_R5, "RDP_NOT_ALLOWED_SOURCE", buf, sizeof(buf)),
			 "2-(8) 接続元制限を実施している。");
	cr_expect_not_null(strstr(cl_label(LANG_JA, CL_R5, "TELNET_PRESENT", buf, sizeof(buf)),
				  "文言未確認"));
	cr_expect_not_null(strstr(cl_label(LANG_EN, CL_R6, "TELNET_PRESENT", buf, sizeof(buf)),
				  "not verified"));
	cr_expect_null(cl_label(LANG_JA, CL_R7, "NO_SUCH_RULE", buf, sizeof(buf)));
}

Test(checklist, edition_codes)
{
	enum cl_edition ed;

	cr_expect_eq(cl_edition_parse("r5", &ed), 0);
	cr_expect_eq(ed, CL_R5);
	cr_expect_eq(cl_edition_parse("r7", &ed), 0);
	cr_expect_eq(ed, CL_R7);
	cr_expect_eq(cl_edition_parse("R7", &ed), -1);
	cr_expect_eq(cl_edition_parse("r8", &ed), -1);
	cr_expect_eq(CL_DEFAULT, CL_R7, "default is the newest edition");
	cr_expect_str_eq(cl_edition_name(LANG_JA, CL_R5), "令和5年6月版");
}

Test(checklist, topics_have_both_languages)
{
	for (int t = 0; t < CLT_COUNT; t++)
		for (int l = 0; l < LANG_COUNT; l++) {
			cr_expect_gt(strlen(cl_topic_checked((enum report_lang)l, (enum cl_topic)t)), 20);
			cr_expect_gt(strlen(cl_topic_unproven((enum report_lang)l, (enum cl_topic)t)), 20);
		}
}
