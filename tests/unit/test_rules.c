/*
 * test_rules.c - every findings rule has a positive and a negative test,
 * and every row of the table has English and Japanese text.
 *
 * Results documents are built in memory (results_new/results_service) and
 * the policy is tests/findings/policy.yaml; geo rules use the fixture
 * tests/geoip/country-geolite2.mmdb (203.0.113.128/25 is CN, not allowed).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"
#include "scanner/findings/rules.h"

#define NOV22 1795348800	/* 2026-11-22T12:00:00Z */
#define OCT15 1792065600	/* 2026-10-15T12:00:00Z */

static struct policy rpol;
static struct results *rres;

static const char *
rpath(const char *rel)
{
	static char buf[512];
	const char *src = getenv("HEIIKI_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/%s", src ? src : ".", rel);
	return buf;
}

static void
rsetup(void)
{
	char err[POLICY_ERR_MAX];

	cr_assert_eq(policy_load(rpath("tests/findings/policy.yaml"), &rpol, err,
				 sizeof(err)), 0, "%s", err);
	rres = results_new("scan");
	cr_assert_not_null(rres);
}

static void
rteardown(void)
{
	results_free(rres);
	policy_free(&rpol);
}

static json_t *
svc(const char *addr, const char *proto, unsigned port, const char *state,
    const char *service)
{
	struct addr a;
	json_t *s;

	cr_assert_eq(addr_parse(addr, &a), 0);
	s = results_service(rres, &a, proto, port, 1);
	cr_assert_not_null(s);
	json_object_set_new(s, "state", json_string(state));
	if (service)
		json_object_set_new(s, "service", json_string(service));
	return s;
}

static void
flow(const char *src, const char *dst, const char *proto, unsigned dport)
{
	results_append(rres, "flows", json_pack("{s:s, s:s, s:s, s:i, s:i}", "src", src,
						"dst", dst, "proto", proto, "sport", 40000,
						"dport", (int)dport));
}

static void
vantage(const char *zone, const char *addr)
{
	json_object_set_new(results_run(rres), "vantage",
			    json_pack("{s:s, s:s}", "zone", zone, "addr", addr));
}

/* Run the engine (geo fixture on) and count findings of one rule. */
static size_t
run_rule(const char *id, time_t today, int with_geo, json_t **first)
{
	const char *paths[1] = { rpath("tests/geoip/country-geolite2.mmdb") };
	struct geo_db *db = NULL;
	char err[256];
	json_t *f;
	size_t i, n = 0;

	cr_assert_not_null(rule_by_id(id), "no rule %s", id);
	if (with_geo)
		cr_assert_eq(geo_open(&db, paths, 1, err, sizeof(err)), 0, "%s", err);
	cr_assert_geq(findings_apply(rres, &rpol, db, today, err, sizeof(err)), 0, "%s", err);
	geo_close(db);
	if (first)
		*first = NULL;
	json_array_foreach(results_array(rres, "findings"), i, f) {
		if (strcmp(json_string_value(json_object_get(f, "rule")), id))
			continue;
		if (first && !*first)
			*first = f;
		n++;
	}
	return n;
}

static const char *
fstr(json_t *f, const char *k)
{
	const char *s = json_string_value(json_object_get(f, k));

	return s ? s : "";
}

TestSuite(rules, .init = rsetup, .fini = rteardown);

/* The ids the tests below cover; the table test checks none is missing. */
static const char *const tested[] = {
	"RDP_NOT_ALLOWED_SOURCE", "RDP_NO_NLA", "VPN_PORTAL_EXPOSED",
	"VENDOR_EXCEPTION_EXPIRED", "VENDOR_EXCEPTION_EXPIRING", "TELNET_PRESENT", "SMB1_ENABLED", "VNC_NO_AUTH",
	"SNMP_PUBLIC", "FTP_PRESENT", "POLICY_DENIED_SERVICE", "SERVICE_NOT_EXPECTED",
	"DICOM_ANY_AE_TITLE", "ADMIN_TLS_CERT_INVALID", "UNDECLARED_EXIT",
	"CLOSED_ZONE_EGRESS", "GEO_COUNTRY_NOT_ALLOWED", "INBOUND_NOT_ALLOWED",
	"BLOCKED_ATTEMPT", "FENCE_SOURCE_NOT_ENFORCED", "SOURCE_NOT_ALLOWED_REACHABLE",
	"COUNTRY_NOT_ALLOWED_REACHABLE", "ALLOWED_PATH_UNREACHABLE", "FTP_ANONYMOUS", "FENCE_GEO_NOT_ENFORCED",
	"REDIS_NO_AUTH", "MEMCACHED_OPEN", "LDAP_ANONYMOUS_READ",
	"MAIL_CLEARTEXT_AUTH",
	/* probes B rows: positive/negative tests in test_rules_b.c */
	"MQTT_ANONYMOUS", "TFTP_OPEN", "AJP_OPEN", "ZABBIX_AGENT_OPEN", "IPMI_ANONYMOUS",
	"IPMI_CIPHER_ZERO", "PACS_API_OPEN", "REMOTE_SUPPORT_TOOL",
	"CUPS_ADMIN_OPEN", "OPEN_PROXY", "OUT_OF_SUPPORT", "UNDECLARED_REMOTE_PATH", "DEVICE_NOT_IN_LEDGER",
	"MONGODB_NO_AUTH", NULL
};

static int
has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

Test(rules, table_is_complete_and_bilingual)
{
	cr_assert_geq(nrules, 24);
	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		int covered = 0;

		cr_assert(r->id && *r->id && r->match, "row %zu", i);
		cr_assert(r->title_en && strlen(r->title_en) > 8, "%s: title_en", r->id);
		cr_assert(r->remedy_en && strlen(r->remedy_en) > 8, "%s: remedy_en", r->id);
		cr_assert(r->title_ja && has_non_ascii(r->title_ja), "%s: title_ja", r->id);
		cr_assert(r->remedy_ja && has_non_ascii(r->remedy_ja), "%s: remedy_ja", r->id);
		cr_assert(r->checklist && has_non_ascii(r->checklist), "%s: checklist", r->id);
		cr_assert(r->sev >= SEV_INFO && r->sev <= SEV_CRITICAL, "%s", r->id);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(rules[j].id, r->id, "duplicate id %s", r->id);
		for (const char *const *t = tested; *t; t++)
			covered |= !strcmp(*t, r->id);
		cr_assert(covered, "rule %s has no positive/negative test", r->id);
	}
}

Test(rules, rdp_not_allowed_source_positive)
{
	json_t *f;

	vantage("internet", "203.0.113.5");
	svc("198.18.10.5", "tcp", 3389, "open", "rdp");
	cr_assert_eq(run_rule("RDP_NOT_ALLOWED_SOURCE", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "critical");
	cr_assert_str_eq(fstr(f, "zone"), "servers");
	cr_assert_str_eq(fstr(f, "key"), "RDP_NOT_ALLOWED_SOURCE|198.18.10.5|tcp|3389|internet");
	cr_assert_str_eq(fstr(f, "checklist"), "接続元制限");
}

Test(rules, rdp_not_allowed_source_negative)
{
	vantage("office", "198.18.30.7");
	svc("198.18.10.5", "tcp", 3389, "open", "rdp");
	svc("198.18.10.6", "tcp", 3389, "closed", NULL);
	cr_assert_eq(run_rule("RDP_NOT_ALLOWED_SOURCE", NOV22, 0, NULL), 0);
	/* The vendor's own address is allowed by its (expired) rule. */
	vantage("internet", "198.51.100.10");
	cr_assert_eq(run_rule("RDP_NOT_ALLOWED_SOURCE", NOV22, 0, NULL), 0);
}

Test(rules, rdp_no_nla)
{
	json_t *s = svc("198.18.10.5", "tcp", 3389, "open", "rdp");

	cr_assert_eq(run_rule("RDP_NO_NLA", NOV22, 0, NULL), 0);
	results_add_risk(s, "rdp-no-nla");
	cr_assert_eq(run_rule("RDP_NO_NLA", NOV22, 0, NULL), 1);
}

Test(rules, vpn_portal_exposed)
{
	json_t *s = svc("198.18.10.9", "tcp", 443, "open", "https"), *f;

	cr_assert_eq(run_rule("VPN_PORTAL_EXPOSED", NOV22, 0, NULL), 0);
	json_object_set_new(s, "vpn", json_pack("{s:s, s:[s, s]}", "product",
						"Fortinet FortiGate SSL-VPN", "kev_cves",
						"CVE-2018-13379", "CVE-2022-42475"));
	cr_assert_eq(run_rule("VPN_PORTAL_EXPOSED", NOV22, 0, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "CVE-2018-13379, CVE-2022-42475"),
		  "%s", fstr(f, "evidence"));
	cr_assert(strstr(fstr(f, "evidence"), "FortiGate"));
}

Test(rules, vendor_exception_expired)
{
	json_t *f;

	svc("198.18.10.5", "tcp", 3389, "open", "rdp");
	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRED", NOV22, 0, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "2026-10-31"), "%s", fstr(f, "evidence"));
	cr_assert(strstr(fstr(f, "evidence"), "acme"));
	cr_assert_str_eq(fstr(f, "key"), "VENDOR_EXCEPTION_EXPIRED|198.18.10.5|tcp|3389|rdp-acme");
}

Test(rules, vendor_exception_not_expired_or_closed)
{
	json_t *s = svc("198.18.10.5", "tcp", 3389, "open", "rdp");

	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRED", OCT15, 0, NULL), 0);
	json_object_set_new(s, "state", json_string("filtered"));
	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRED", NOV22, 0, NULL), 0);
}

/* The exception of the fixture ends 2026-10-31: on Oct 15 (16 days
 * ahead) it is expiring, on Sep 1 (60 days) not yet, on Nov 22 expired
 * (the other rule), and a closed service is neither. */
Test(rules, vendor_exception_expiring)
{
	json_t *f, *s = svc("198.18.10.5", "tcp", 3389, "open", "rdp");

	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRING", OCT15, 0, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "until 2026-10-31"), "%s", fstr(f, "evidence"));
	cr_assert_str_eq(fstr(f, "severity"), "low");
	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRING", OCT15 - 44 * 86400, 0, NULL), 0);
	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRING", NOV22, 0, NULL), 0);
	json_object_set_new(s, "state", json_string("filtered"));
	cr_assert_eq(run_rule("VENDOR_EXCEPTION_EXPIRING", OCT15, 0, NULL), 0);
}

Test(rules, telnet_present)
{
	json_t *s = svc("198.18.30.4", "tcp", 23, "closed", NULL);

	cr_assert_eq(run_rule("TELNET_PRESENT", NOV22, 0, NULL), 0);
	json_object_set_new(s, "state", json_string("open"));
	cr_assert_eq(run_rule("TELNET_PRESENT", NOV22, 0, NULL), 1);
}

static void
risk_pair(const char *flag, const char *id, const char *proto, unsigned port)
{
	json_t *s = svc("198.18.10.7", proto, port, "open", NULL);

	results_add_risk(s, "some-other-risk");
	cr_assert_eq(run_rule(id, NOV22, 0, NULL), 0, "%s fired without %s", id, flag);
	results_add_risk(s, flag);
	cr_assert_eq(run_rule(id, NOV22, 0, NULL), 1, "%s did not fire on %s", id, flag);
}

Test(rules, smb1_enabled)
{
	risk_pair("smb1-enabled", "SMB1_ENABLED", "tcp", 445);
}

Test(rules, vnc_no_auth)
{
	risk_pair("vnc-no-auth", "VNC_NO_AUTH", "tcp", 5900);
}

Test(rules, snmp_public)
{
	risk_pair("snmp-public", "SNMP_PUBLIC", "udp", 161);
}

Test(rules, dicom_any_ae_title)
{
	risk_pair("dicom-any-ae-title", "DICOM_ANY_AE_TITLE", "tcp", 104);
}

Test(rules, ftp_present)
{
	json_t *s = svc("198.18.30.4", "tcp", 21, "open", "ssh");

	cr_assert_eq(run_rule("FTP_PRESENT", NOV22, 0, NULL), 0);
	json_object_del(s, "service");
	cr_assert_eq(run_rule("FTP_PRESENT", NOV22, 0, NULL), 1);
}

Test(rules, policy_denied_service)
{
	json_t *f;

	svc("198.18.30.4", "tcp", 23, "open", "telnet");	/* office: not denied */
	cr_assert_eq(run_rule("POLICY_DENIED_SERVICE", NOV22, 0, NULL), 0);
	svc("198.18.20.4", "tcp", 23, "open", "telnet");	/* clinical: denied */
	cr_assert_eq(run_rule("POLICY_DENIED_SERVICE", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "addr"), "198.18.20.4");
}

Test(rules, service_not_expected)
{
	json_t *f;

	svc("198.18.10.5", "tcp", 443, "open", "https");
	svc("198.18.10.5", "tcp", 104, "open", "dicom");
	svc("198.18.10.5", "tcp", 9999, "filtered", NULL);
	cr_assert_eq(run_rule("SERVICE_NOT_EXPECTED", NOV22, 0, NULL), 0);
	svc("198.18.10.5", "tcp", 8080, "open", "http");
	cr_assert_eq(run_rule("SERVICE_NOT_EXPECTED", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "low");
	svc("198.18.10.6", "tcp", 3306, "open", "mysql");
	cr_assert_eq(run_rule("SERVICE_NOT_EXPECTED", NOV22, 0, &f), 2);
	cr_assert_str_eq(fstr(f, "severity"), "medium");	/* sorted first */
	/* Telnet is reported by TELNET_PRESENT, not again here. */
	svc("198.18.10.6", "tcp", 23, "open", "telnet");
	cr_assert_eq(run_rule("SERVICE_NOT_EXPECTED", NOV22, 0, NULL), 2);
	cr_assert_eq(run_rule("TELNET_PRESENT", NOV22, 0, NULL), 1);
}

Test(rules, admin_tls_cert_invalid)
{
	json_t *s = svc("198.18.10.8", "tcp", 8443, "open", "https");

	results_add_risk(s, "tls-self-signed");
	cr_assert_eq(run_rule("ADMIN_TLS_CERT_INVALID", NOV22, 0, NULL), 0);
	results_add_risk(s, "http-admin-interface");
	cr_assert_eq(run_rule("ADMIN_TLS_CERT_INVALID", NOV22, 0, NULL), 1);
}

Test(rules, undeclared_exit)
{
	json_t *f;

	results_append(rres, "exits", json_pack("{s:s, s:[s], s:s}", "mac", "02:00:00:00:00:01",
						"addrs", "198.18.30.1", "declared", "isp-main"));
	cr_assert_eq(run_rule("UNDECLARED_EXIT", NOV22, 0, NULL), 0);
	results_append(rres, "exits", json_pack("{s:s, s:[s], s:n}", "mac", "02:00:00:00:00:02",
						"addrs", "198.18.30.254", "declared"));
	cr_assert_eq(run_rule("UNDECLARED_EXIT", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "addr"), "198.18.30.254");
	cr_assert_str_eq(fstr(f, "checklist"), "外部接続点の把握");
}

Test(rules, closed_zone_egress)
{
	json_t *f;

	flow("198.18.30.5", "203.0.113.9", "tcp", 443);	/* office: not closed */
	flow("198.18.20.5", "198.18.10.5", "tcp", 104);	/* inside only */
	cr_assert_eq(run_rule("CLOSED_ZONE_EGRESS", NOV22, 0, NULL), 0);
	flow("198.18.20.5", "203.0.113.9", "tcp", 443);
	cr_assert_eq(run_rule("CLOSED_ZONE_EGRESS", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "zone"), "clinical");
}

Test(rules, geo_country_not_allowed)
{
	json_t *f;

	flow("198.18.30.5", "203.0.113.5", "tcp", 443);	/* JP: allowed */
	flow("198.18.30.5", "198.51.100.20", "tcp", 443);	/* US: allowed */
	flow("198.18.30.5", "203.0.113.200", "tcp", 443);	/* CN, but no geo db */
	cr_assert_eq(run_rule("GEO_COUNTRY_NOT_ALLOWED", NOV22, 0, NULL), 0);
	cr_assert_eq(run_rule("GEO_COUNTRY_NOT_ALLOWED", NOV22, 1, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "CN"), "%s", fstr(f, "evidence"));
	cr_assert(strstr(fstr(f, "key"), "|out"), "%s", fstr(f, "key"));
	flow("203.0.113.201", "198.18.10.5", "tcp", 443);	/* inbound from CN */
	cr_assert_eq(run_rule("GEO_COUNTRY_NOT_ALLOWED", NOV22, 1, NULL), 2);
}

Test(rules, geo_country_not_allowed_peers)
{
	json_t *f;

	/* A peer a flow already covered is not reported twice. */
	flow("198.18.30.5", "203.0.113.200", "tcp", 443);
	results_append(rres, "peers", json_pack("{s:s, s:i}", "addr", "203.0.113.200", "flows", 3));
	results_append(rres, "peers", json_pack("{s:s, s:i}", "addr", "203.0.113.5", "flows", 1));
	cr_assert_eq(run_rule("GEO_COUNTRY_NOT_ALLOWED", NOV22, 1, NULL), 1);
	results_append(rres, "peers", json_pack("{s:s, s:i}", "addr", "203.0.113.222", "flows", 2));
	cr_assert_eq(run_rule("GEO_COUNTRY_NOT_ALLOWED", NOV22, 1, &f), 2);
}

Test(rules, inbound_not_allowed)
{
	json_t *f;

	flow("198.51.100.10", "198.18.10.5", "tcp", 3389);	/* the vendor */
	flow("203.0.113.77", "198.18.10.5", "tcp", 443);	/* https from any */
	flow("198.18.30.5", "198.18.10.5", "tcp", 3389);	/* inside */
	cr_assert_eq(run_rule("INBOUND_NOT_ALLOWED", NOV22, 0, NULL), 0);
	flow("203.0.113.77", "198.18.10.5", "tcp", 3389);
	cr_assert_eq(run_rule("INBOUND_NOT_ALLOWED", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "key"), "INBOUND_NOT_ALLOWED|198.18.10.5|tcp|3389|203.0.113.77");
}

/* A flow as heiiki capture writes it: state, attempt and packet counts. */
static void
cflow(const char *src, const char *dst, unsigned dport, const char *state,
      int attempt, int out, int in)
{
	json_t *f = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:i}", "src", src,
			      "dst", dst, "proto", "tcp", "sport", 51000, "dport",
			      (int)dport, "state", state, "packets_out", out, "packets_in", in);

	if (attempt)
		json_object_set_new(f, "attempt", json_true());
	results_append(rres, "flows", f);
}

/* The false positive: 3 SYNs out, nothing back, firewall dropped them. */
Test(rules, syn_only_attempt_is_not_a_connection)
{
	json_t *f;

	cflow("203.0.113.77", "198.18.10.5", 3389, "syn_sent", 1, 3, 0);
	cr_assert_eq(run_rule("INBOUND_NOT_ALLOWED", NOV22, 0, NULL), 0);
	cr_assert_eq(run_rule("BLOCKED_ATTEMPT", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "info");
	cr_assert_str_eq(fstr(f, "key"), "BLOCKED_ATTEMPT|198.18.10.5|tcp|3389|in");
	cr_assert(strstr(fstr(f, "evidence"), "block works"), "%s", fstr(f, "evidence"));
	/* without the attempt member, the state and counters say the same */
	results_free(rres);
	rres = results_new("capture");
	cflow("203.0.113.77", "198.18.10.5", 3389, "syn_sent", 0, 3, 0);
	cflow("203.0.113.78", "198.18.10.5", 3389, "rejected", 0, 1, 1);
	cr_assert_eq(run_rule("INBOUND_NOT_ALLOWED", NOV22, 0, NULL), 0);
	cr_assert_eq(run_rule("BLOCKED_ATTEMPT", NOV22, 0, &f), 1, "one finding per service");
	cr_assert(strstr(fstr(f, "evidence"), "2 inbound flows"), "%s", fstr(f, "evidence"));
	/* a completed handshake is a connection: INBOUND_NOT_ALLOWED, no attempt */
	results_free(rres);
	rres = results_new("capture");
	cflow("203.0.113.77", "198.18.10.5", 3389, "established", 0, 5, 4);
	cr_assert_eq(run_rule("INBOUND_NOT_ALLOWED", NOV22, 0, NULL), 1);
	cr_assert_eq(run_rule("BLOCKED_ATTEMPT", NOV22, 0, NULL), 0);
}

Test(rules, attempt_from_allowed_source_is_a_broken_path)
{
	json_t *f;

	cflow("198.51.100.10", "198.18.10.5", 3389, "syn_sent", 1, 3, 0);
	cr_assert_eq(run_rule("BLOCKED_ATTEMPT", NOV22, 0, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "allowed path"), "%s", fstr(f, "evidence"));
}

Test(rules, blocked_attempt_from_disallowed_country_is_no_geo_finding)
{
	cflow("203.0.113.201", "198.18.10.5", 443, "syn_sent", 1, 3, 0);	/* CN */
	cr_assert_eq(run_rule("GEO_COUNTRY_NOT_ALLOWED", NOV22, 1, NULL), 0);
	cr_assert_eq(run_rule("BLOCKED_ATTEMPT", NOV22, 1, NULL), 1);
}

static void
fence_pair(const char *kind, const char *id)
{
	json_t *s = svc("198.18.10.5", "tcp", 3389, "filtered", NULL);

	json_object_set_new(s, "fence", json_pack("{s:{s:i, s:i, s:[]}}", kind, "sent", 3,
						  "open", 0, "through"));
	cr_assert_eq(run_rule(id, NOV22, 0, NULL), 0);
	json_object_set_new(s, "fence", json_pack("{s:{s:i, s:i, s:[s]}}", kind, "sent", 3,
						  "open", 1, "through", "203.0.113.200"));
	cr_assert_eq(run_rule(id, NOV22, 0, NULL), 1);
}

Test(rules, fence_source_not_enforced)
{
	fence_pair("not_allowed", "FENCE_SOURCE_NOT_ENFORCED");
}

Test(rules, fence_geo_not_enforced)
{
	fence_pair("geo", "FENCE_GEO_NOT_ENFORCED");
}

/* ---- verdicts of an active scan from a vantage ------------------------------ */

static void
vantage_obj(json_t *v)
{
	json_object_set_new(results_run(rres), "vantage", v);
}

Test(rules, source_not_allowed_reachable_from_outside_and_inside)
{
	json_t *f;

	svc("198.18.10.5", "tcp", 104, "open", "dicom");	/* from clinical only */
	svc("198.18.10.5", "tcp", 443, "open", "https");	/* from any: compliant */
	svc("198.18.10.5", "tcp", 8080, "open", NULL);		/* no rule at all */
	vantage_obj(json_pack("{s:s}", "addr", "203.0.113.77"));
	cr_assert_eq(run_rule("SOURCE_NOT_ALLOWED_REACHABLE", NOV22, 0, NULL), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
		results_run(rres), "vantage"), "role")), "internet", "run.vantage gets its role");
	/* from the office: only what rules restrict to other sources */
	vantage("office", "198.18.30.5");
	cr_assert_eq(run_rule("SOURCE_NOT_ALLOWED_REACHABLE", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "key"), "SOURCE_NOT_ALLOWED_REACHABLE|198.18.10.5|tcp|104|198.18.30.5");
	cr_assert_str_eq(fstr(f, "severity"), "medium");
	cr_assert(strstr(fstr(f, "evidence"), "zone office address 198.18.30.5"), "%s",
		  fstr(f, "evidence"));
	/* from the servers zone itself: no firewall in between, nothing to judge */
	vantage("servers", "198.18.10.9");
	cr_assert_eq(run_rule("SOURCE_NOT_ALLOWED_REACHABLE", NOV22, 0, NULL), 0);
}

Test(rules, source_rule_leaves_rdp_to_its_own_rule)
{
	svc("198.18.10.5", "tcp", 3389, "open", "rdp");
	vantage_obj(json_pack("{s:s}", "addr", "203.0.113.77"));
	cr_assert_eq(run_rule("RDP_NOT_ALLOWED_SOURCE", NOV22, 0, NULL), 1);
	cr_assert_eq(run_rule("SOURCE_NOT_ALLOWED_REACHABLE", NOV22, 0, NULL), 0,
		     "one finding per fact");
	vantage_obj(json_pack("{s:s}", "addr", "198.51.100.10"));	/* acme: allowed */
	cr_assert_eq(run_rule("RDP_NOT_ALLOWED_SOURCE", NOV22, 0, NULL), 0);
	cr_assert_eq(run_rule("SOURCE_NOT_ALLOWED_REACHABLE", NOV22, 0, NULL), 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
		results_run(rres), "vantage"), "vendor")), "acme");
}

Test(rules, country_not_allowed_reachable)
{
	json_t *f;
	json_t *s = svc("198.18.10.5", "udp", 500, "open|filtered", "ike");	/* answered */

	(void)s;
	svc("198.18.10.5", "tcp", 443, "open", "https");
	vantage_obj(json_pack("{s:s}", "addr", "203.0.113.5"));		/* JP */
	cr_assert_eq(run_rule("COUNTRY_NOT_ALLOWED_REACHABLE", NOV22, 1, NULL), 0);
	vantage_obj(json_pack("{s:s}", "addr", "203.0.113.200"));	/* CN */
	cr_assert_eq(run_rule("COUNTRY_NOT_ALLOWED_REACHABLE", NOV22, 0, NULL), 0,
		     "no database, no declared country: no claim");
	cr_assert_eq(run_rule("COUNTRY_NOT_ALLOWED_REACHABLE", NOV22, 1, &f), 2);
	cr_assert(strstr(fstr(f, "evidence"), "CN"), "%s", fstr(f, "evidence"));
	cr_assert(strstr(fstr(f, "key"), "|CN"), "%s", fstr(f, "key"));
	/* a declared country wins over the database */
	vantage_obj(json_pack("{s:s, s:s}", "addr", "203.0.113.5", "country", "CN"));
	cr_assert_eq(run_rule("COUNTRY_NOT_ALLOWED_REACHABLE", NOV22, 0, NULL), 2);
	/* from inside: not a geo question */
	vantage("office", "198.18.30.5");
	cr_assert_eq(run_rule("COUNTRY_NOT_ALLOWED_REACHABLE", NOV22, 1, NULL), 0);
}

Test(rules, allowed_path_unreachable)
{
	json_t *f;

	svc("198.18.10.5", "tcp", 3389, "filtered", NULL);
	vantage_obj(json_pack("{s:s}", "addr", "203.0.113.77"));	/* not allowed */
	cr_assert_eq(run_rule("ALLOWED_PATH_UNREACHABLE", NOV22, 0, NULL), 0);
	vantage_obj(json_pack("{s:s}", "addr", "198.51.100.10"));	/* acme */
	cr_assert_eq(run_rule("ALLOWED_PATH_UNREACHABLE", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "info");
}

/* ---- calibration: one finding per fact, severities relative to each other -- */

Test(rules, forbidden_telnet_is_one_finding_citing_policy_and_presence)
{
	json_t *f;

	svc("198.18.20.4", "tcp", 23, "open", "telnet");	/* clinical: denied */
	cr_assert_eq(run_rule("TELNET_PRESENT", NOV22, 0, NULL), 0);
	cr_assert_eq(run_rule("POLICY_DENIED_SERVICE", NOV22, 0, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "no-telnet-clinical") &&
		  strstr(fstr(f, "evidence"), "(telnet)"), "%s", fstr(f, "evidence"));
	cr_assert_eq(json_array_size(results_array(rres, "findings")), 1, "one fact, one finding");
}

Test(rules, ftp_anonymous)
{
	json_t *s = svc("198.18.20.9", "tcp", 21, "open", "ftp");

	cr_assert_eq(run_rule("FTP_ANONYMOUS", NOV22, 0, NULL), 0);
	cr_assert_eq(run_rule("FTP_PRESENT", NOV22, 0, NULL), 1);
	results_add_risk(s, "ftp-anonymous");
	cr_assert_eq(run_rule("FTP_ANONYMOUS", NOV22, 0, NULL), 1);
	cr_assert_eq(run_rule("FTP_PRESENT", NOV22, 0, NULL), 0, "one finding per fact");
}

Test(rules, severities_are_calibrated)
{
	json_t *f;
	json_t *s = svc("198.18.10.7", "udp", 161, "open|filtered", "snmp");

	results_add_risk(s, "snmp-public");
	cr_assert_eq(run_rule("SNMP_PUBLIC", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "medium");
	/* an undeclared exit: high from the office, critical from a clinical device */
	results_append(rres, "exits", json_pack("{s:s, s:[s], s:n, s:[s]}", "mac",
						"02:00:00:00:00:02", "addrs", "198.18.30.254",
						"declared", "hosts", "198.18.30.5"));
	cr_assert_eq(run_rule("UNDECLARED_EXIT", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "high");
	json_array_append_new(json_object_get(json_array_get(results_array(rres, "exits"), 0),
					      "hosts"), json_string("198.18.20.4"));
	cr_assert_eq(run_rule("UNDECLARED_EXIT", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "critical");
	cr_assert(strstr(fstr(f, "evidence"), "clinical device 198.18.20.4"), "%s",
		  fstr(f, "evidence"));
}

Test(rules, a_capture_vantage_keeps_its_role_and_judges_no_reachability)
{
	svc("198.18.10.5", "tcp", 8080, "open", NULL);
	vantage_obj(json_pack("{s:s, s:s, s:[s]}", "iface", "br0", "role", "capture", "addrs",
			      "203.0.113.77"));
	cr_assert_eq(run_rule("SOURCE_NOT_ALLOWED_REACHABLE", NOV22, 1, NULL), 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
		results_run(rres), "vantage"), "role")), "capture");
}

/* Risk flags of the cascade-era probes (redis, memcached, ldap, smtp):
 * each fires on its flag only (positive + negative in risk_pair). */
Test(rules, redis_no_auth)
{
	risk_pair("redis-no-auth", "REDIS_NO_AUTH", "tcp", 6379);
}

Test(rules, memcached_open)
{
	risk_pair("memcached-open", "MEMCACHED_OPEN", "tcp", 11211);
}

Test(rules, mongodb_no_auth)
{
	risk_pair("mongodb-no-auth", "MONGODB_NO_AUTH", "tcp", 27017);
}

Test(rules, remote_support_tool_names_the_product)
{
	json_t *s = svc("198.18.10.9", "tcp", 5938, "open", "teamviewer"), *f;

	json_object_set_new(s, "product", json_string("TeamViewer"));
	results_add_risk(s, "remote-support-tool");
	cr_assert_eq(run_rule("REMOTE_SUPPORT_TOOL", NOV22, 1, &f), 1);
	cr_assert(strstr(fstr(f, "evidence"), "(TeamViewer) on 198.18.10.9 tcp/5938"), "%s",
		  fstr(f, "evidence"));
}

Test(rules, ldap_anonymous_read)
{
	risk_pair("ldap-anonymous-bind", "LDAP_ANONYMOUS_READ", "tcp", 389);
}

Test(rules, mail_cleartext_auth)
{
	risk_pair("mail-cleartext-auth", "MAIL_CLEARTEXT_AUTH", "tcp", 25);
}

/* The support-end table judges what services reveal: an SSH banner of
 * Debian 9 is out of support (high in the first year, critical after), one
 * of Debian 12 is not; the table's rows land in inventory.support. */
Test(rules, out_of_support)
{
	json_t *s = svc("198.18.10.7", "tcp", 22, "open", "ssh"), *f, *rows;

	json_object_set_new(s, "ssh", json_pack("{s:s}", "banner",
						"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"));
	cr_assert_eq(run_rule("OUT_OF_SUPPORT", NOV22, 0, NULL), 0, "Debian 12 is supported");
	rows = json_object_get(json_object_get(results_root(rres), "inventory"), "support");
	cr_assert_eq(json_array_size(rows), 1, "the supported row is still listed");
	cr_assert_str_eq(fstr(json_array_get(rows, 0), "status"), "supported");
	json_object_set_new(s, "ssh", json_pack("{s:s}", "banner",
						"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7"));
	cr_assert_eq(run_rule("OUT_OF_SUPPORT", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "critical", "Debian 9 ended 2022-06-30: years ago");
	cr_assert_str_eq(fstr(f, "addr"), "198.18.10.7");
	cr_assert(strstr(fstr(f, "key"), "debian-9"), "%s", fstr(f, "key"));
}

/* An outbound session to a remote-support relay nobody declared is the
 * Osaka pattern (critical); an inbound VNC is left to the service rules
 * (one finding per fact), but both are rows of inventory.remote_paths. */
Test(rules, undeclared_remote_path)
{
	json_t *f, *rows;

	svc("198.18.20.7", "tcp", 5900, "open", "vnc");
	cr_assert_eq(run_rule("UNDECLARED_REMOTE_PATH", NOV22, 0, NULL), 0,
		     "inbound VNC: SERVICE_NOT_EXPECTED's fact, not this rule's");
	results_append(rres, "flows", json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s}",
						"src", "198.18.30.44", "dst", "203.0.113.80",
						"proto", "tcp", "sport", 40000, "dport", 443,
						"direction", "outbound",
						"peer_name", "router7.teamviewer.com"));
	cr_assert_eq(run_rule("UNDECLARED_REMOTE_PATH", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "severity"), "critical");
	cr_assert_str_eq(fstr(f, "addr"), "198.18.30.44");
	rows = json_object_get(json_object_get(results_root(rres), "inventory"), "remote_paths");
	cr_assert_eq(json_array_size(rows), 2, "the VNC and the relay");
}

/* With the policy's ledger: a device no ledger row matches is a finding
 * (one per device), a listed one is not; without a ledger nothing is said. */
Test(rules, device_not_in_ledger)
{
	char path[] = "/tmp/heiiki-ledger-XXXXXX";
	int fd = mkstemp(path);
	json_t *f, *led;
	static const char csv[] = "IP,MAC,Hostname\r\n198.18.10.7,,ehr01\r\n";

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, csv, sizeof(csv) - 1), (ssize_t)(sizeof(csv) - 1));
	close(fd);
	svc("198.18.10.7", "tcp", 22, "open", "ssh");
	svc("198.18.10.8", "tcp", 80, "open", "http");
	cr_assert_eq(run_rule("DEVICE_NOT_IN_LEDGER", NOV22, 0, NULL), 0, "no ledger: nothing");
	snprintf(rpol.ledger, sizeof(rpol.ledger), "%s", path);
	cr_assert_eq(run_rule("DEVICE_NOT_IN_LEDGER", NOV22, 0, &f), 1);
	cr_assert_str_eq(fstr(f, "addr"), "198.18.10.8");
	cr_assert(strstr(fstr(f, "evidence"), "tcp/80"), "%s", fstr(f, "evidence"));
	led = json_object_get(json_object_get(results_root(rres), "inventory"), "ledger");
	cr_assert_eq(json_integer_value(json_object_get(led, "matched")), 1);
	cr_assert_eq(json_integer_value(json_object_get(led, "unknown")), 1);
	rpol.ledger[0] = '\0';
	unlink(path);
}
