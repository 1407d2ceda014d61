/*
 * test_report_text.c - text the report writes for people: IKE transforms
 * in the details (not "{...}"), a page title's &nbsp; decoded, VNC's
 * " 003.008" version trimmed, Japanese evidence sentences from the rule
 * templates (with the rule's own evidence kept as 「詳細」), translated
 * risk flags and country names.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "scanner/report/labels.h"
#include "scanner/report/report.h"

Test(report_text, details_and_product)
{
	json_t *svc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:{s:[{s:s, s:s, s:i}]}, "
				"s:{s:s}}",
				"addr", "198.18.40.1", "proto", "udp", "port", 500,
				"product", "RealVNC", "version", " 003.008",
				"ike", "transforms", "enc", "3des", "hash", "md5", "group", 2,
				"http", "title", "Printer&nbsp;Status &amp; Jobs");
	char buf[512];

	report_details(svc, buf, sizeof(buf));
	cr_expect_null(strstr(buf, "{...}"), "%s", buf);
	cr_expect_not_null(strstr(buf, "ike.transforms=(enc=3des group=2 hash=md5)"), "%s", buf);
	cr_expect_not_null(strstr(buf, "http.title=Printer Status & Jobs"), "%s", buf);
	cr_expect_str_eq(report_product(svc, buf, sizeof(buf)), "RealVNC 003.008");
	json_decref(svc);
}

Test(report_text, japanese_evidence_from_template)
{
	json_t *doc = json_pack("{s:{s:s, s:s}, s:[{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}]}",
				"run", "kind", "scan", "status", "complete",
				"findings", "rule", "VNC_NO_AUTH", "severity", "high",
				"addr", "198.18.20.7", "proto", "tcp", "port", 5900,
				"zone", "clinical", "evidence", "RFB 003.008 offers security type None",
				"key", "VNC_NO_AUTH|198.18.20.7|tcp|5900|");
	struct report r;
	char err[128], buf[1024];

	cr_assert_eq(report_init(&r, doc, NULL, LANG_JA, err, sizeof(err)), 0);
	report_evidence(&r, json_array_get(r.findings, 0), buf, sizeof(buf));
	cr_expect_str_eq(buf, "198.18.20.7 tcp/5900 の VNC はパスワードなしで接続を受け付けます。"
			 "（詳細: RFB 003.008 offers security type None）");
	report_fini(&r);
	cr_assert_eq(report_init(&r, doc, NULL, LANG_EN, err, sizeof(err)), 0);
	report_evidence(&r, json_array_get(r.findings, 0), buf, sizeof(buf));
	cr_expect_str_eq(buf, "RFB 003.008 offers security type None");
	report_fini(&r);
	json_decref(doc);
}

Test(report_text, labels)
{
	cr_expect_str_eq(label_risk(LANG_JA, "rdp-no-nla"), "RDP の NLA（事前認証）なし");
	cr_expect_str_eq(label_risk(LANG_EN, "smb1-enabled"), "SMBv1 enabled");
	cr_expect_null(label_risk(LANG_JA, "no-such-flag"));
	cr_expect_str_eq(label_country(LANG_JA, "CN"), "中国");
	cr_expect_str_eq(label_country(LANG_EN, "JP"), "Japan");
	cr_expect_null(label_country(LANG_JA, "ZZ"));
	for (size_t i = 0; cl_rule_at(i); i++)
		cr_expect_not_null(label_evidence_ja(cl_rule_at(i)), "no Japanese evidence "
				   "template for %s", cl_rule_at(i));
}
