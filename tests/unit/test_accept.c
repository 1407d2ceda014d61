/*
 * test_accept.c - the report-side policy keys: site {name, timezone},
 * assets (address/MAC -> name, owner, vendor, ledger id, location) and
 * accept (accepted risks with an expiry), and finding_is_accepted().
 * Located errors for bad entries are in tests/unit/policy-cases/.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "scanner/findings/accept.h"
#include "scanner/input/policy.h"

static const char pol_yaml[] =
	"site:\n"
	"  name: みなと市立病院\n"
	"  timezone: Asia/Tokyo\n"
	"zones:\n"
	"  - name: servers\n"
	"    role: server\n"
	"    description: 電子カルテ・PACS\n"
	"    nets: [198.18.10.0/24]\n"
	"assets:\n"
	"  - addr: 198.18.10.20\n"
	"    name: PACS サーバ\n"
	"    owner: 放射線科\n"
	"    vendor: 画像システム保守\n"
	"    ledger_id: SV-0020\n"
	"    location: 2F サーバ室\n"
	"  - mac: 00:11:22:33:44:55\n"
	"    name: 輸液ポンプ 3 号\n"
	"accept:\n"
	"  - key: \"RDP_NO_NLA|198.18.10.10|tcp|3389|\"\n"
	"    reason: 2027 年 4 月の更新で NLA 対応\n"
	"    approved_by: 情報システム委員会\n"
	"    until: 2027-04-30\n";

static void
load(struct policy *p)
{
	char err[512];

	cr_assert_eq(policy_load_buf("t.yaml", pol_yaml, strlen(pol_yaml), p, err,
				     sizeof(err)), 0, "%s", err);
}

static time_t
day(int y, int m, int d, int h)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h };

	return timegm(&tm);
}

Test(accept, site_mapping_and_timezone)
{
	struct policy p;

	load(&p);
	cr_assert_str_eq(p.site, "みなと市立病院");
	cr_assert_str_eq(p.timezone, "Asia/Tokyo");
	cr_assert_str_eq(p.zones[0].description, "電子カルテ・PACS");
	policy_free(&p);
}

Test(accept, site_plain_string_still_works)
{
	static const char y[] = "site: plain\nzones:\n  - {name: a, role: server, nets: [198.18.1.0/24]}\n";
	struct policy p;
	char err[512];

	cr_assert_eq(policy_load_buf("t.yaml", y, strlen(y), &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(p.site, "plain");
	cr_assert_str_eq(p.timezone, "");
	cr_assert_eq(p.nassets, 0);
	policy_free(&p);
}

Test(accept, assets_by_addr_then_mac)
{
	struct policy p;
	struct addr a, other;
	const uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, mac2[6] = { 1 };
	const struct asset *as;

	load(&p);
	cr_assert_eq(p.nassets, 2);
	cr_assert_eq(addr_parse("198.18.10.20", &a), 0);
	cr_assert_eq(addr_parse("198.18.10.21", &other), 0);
	as = policy_asset_of(&p, &a, NULL);
	cr_assert_not_null(as);
	cr_assert_str_eq(as->name, "PACS サーバ");
	cr_assert_str_eq(as->owner, "放射線科");
	cr_assert_str_eq(as->vendor, "画像システム保守");
	cr_assert_str_eq(as->ledger_id, "SV-0020");
	cr_assert_str_eq(as->location, "2F サーバ室");
	as = policy_asset_of(&p, &other, mac);
	cr_assert_not_null(as);
	cr_assert_str_eq(as->name, "輸液ポンプ 3 号");
	cr_assert_null(policy_asset_of(&p, &other, mac2));
	cr_assert_null(policy_asset_of(&p, &other, NULL));
	cr_assert_null(policy_asset_of(NULL, &a, NULL));
	policy_free(&p);
}

Test(accept, accepted_until_end_of_day_then_counts_again)
{
	struct policy p;
	const char *k = "RDP_NO_NLA|198.18.10.10|tcp|3389|";
	const struct accept_entry *e;

	load(&p);
	cr_assert_eq(p.naccepts, 1);
	e = finding_is_accepted(&p, k, day(2027, 4, 30, 23));
	cr_assert_not_null(e);
	cr_assert_str_eq(e->approved_by, "情報システム委員会");
	cr_assert_str_eq(e->until_str, "2027-04-30");
	cr_assert_not_null(finding_is_accepted(&p, k, day(2026, 12, 5, 0)));
	/* the next day it is a finding again */
	cr_assert_null(finding_is_accepted(&p, k, day(2027, 5, 1, 0)));
	cr_assert_not_null(accept_entry_of(&p, k), "expired entry still known");
	/* exact keys only: another port or address is not covered */
	cr_assert_null(finding_is_accepted(&p, "RDP_NO_NLA|198.18.10.10|tcp|3390|",
					   day(2026, 12, 5, 0)));
	cr_assert_null(finding_is_accepted(&p, "RDP_NO_NLA|198.18.10.1|tcp|3389|",
					   day(2026, 12, 5, 0)));
	cr_assert_null(finding_is_accepted(NULL, k, day(2026, 12, 5, 0)));
	policy_free(&p);
}

Test(accept, json_finding)
{
	struct policy p;
	json_t *f = json_pack("{s:s}", "key", "RDP_NO_NLA|198.18.10.10|tcp|3389|");
	json_t *g = json_pack("{s:i}", "key", 3);

	load(&p);
	cr_assert_not_null(finding_json_accepted(&p, f, day(2027, 1, 1, 0)));
	cr_assert_null(finding_json_accepted(&p, g, day(2027, 1, 1, 0)));
	json_decref(f);
	json_decref(g);
	policy_free(&p);
}
