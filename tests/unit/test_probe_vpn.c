/*
 * test_probe_vpn.c - every VPN/firewall portal fingerprint of
 * probes/data/vpn-fingerprints.json against recorded-style responses
 * (tests/probes/data/http/, written from vpn-fingerprints.md) and against
 * the lab recordings of nginx serving portal pages.  Multi-request
 * fingerprints are driven step by step exactly as the runner does: hello()
 * must ask for the planned public login page, parse() must RECONNECT until
 * the product is identified.  Also: the loader refuses unsafe or broken
 * fingerprint files, and every fingerprint in the file has a case here.
 */
#include "probe_a_util.h"

struct vpn_case {
	const char *id;
	const char *files[3];
	const char *paths[3];
	int admin;
};

static const struct vpn_case cases[] = {
	{ "fortinet-fortigate-sslvpn", { "fortigate-root.http" }, { "/" }, 0 },
	{ "fortinet-fortigate-sslvpn", { "fortigate-lab-root.http" }, { "/" }, 0 },
	{ "fortinet-fortios-admin", { "fortios-admin-root.http", "fortios-admin-login.http" },
	  { "/", "/login" }, 1 },
	{ "ivanti-connect-secure", { "ivanti-root.http" }, { "/" }, 0 },
	{ "ivanti-connect-secure", { "ivanti-welcome.http" }, { "/" }, 0 },
	{ "cisco-asa-webvpn", { "cisco-asa-root.http", "cisco-asa-logon.http" },
	  { "/", "/+CSCOE+/logon.html" }, 0 },
	{ "paloalto-globalprotect", { "globalprotect-root.http", "globalprotect-login.http" },
	  { "/", "/global-protect/login.esp" }, 0 },
	{ "paloalto-globalprotect", { "globalprotect-lab-root.http", "globalprotect-lab-login.http" },
	  { "/", "/global-protect/login.esp" }, 0 },
	{ "paloalto-panos-admin", { "panos-root.http", "panos-login.http" }, { "/", "/php/login.php" }, 1 },
	{ "sonicwall-sslvpn", { "sonicwall-root.http", "sonicwall-welcome.http" },
	  { "/", "/cgi-bin/welcome" }, 0 },
	{ "sonicwall-sonicos-admin", { "sonicos-root.http", "sonicos-auth.http" }, { "/", "/auth.html" }, 1 },
	{ "citrix-gateway", { "citrix-root.http", "citrix-logonpoint.http" },
	  { "/", "/logon/LogonPoint/index.html" }, 0 },
	{ "sophos-firewall", { "sophos-root.http", "sophos-login.http" },
	  { "/", "/userportal/webpages/myaccount/login.jsp" }, 0 },
	{ "checkpoint-mobile-access", { "checkpoint-root.http", "checkpoint-login.http" },
	  { "/", "/sslvpn/Login/Login" }, 0 },
	{ "zyxel-firewall", { "zyxel-root.http" }, { "/" }, 0 },
	{ "watchguard-firebox-sslvpn", { "watchguard-root.http", "watchguard-logon.http" },
	  { "/", "/sslvpn_logon.shtml" }, 0 },
	{ "juniper-jweb", { "juniper-root.http" }, { "/" }, 1 },
	{ "microsoft-rdweb", { "rdweb-root.http", "rdweb-login.http" },
	  { "/", "/RDWeb/Pages/en-US/login.aspx" }, 0 },
};

static struct vpn_db *
db_load(void)
{
	struct vpn_db *db = NULL;
	char err[256];

	cr_assert_eq(vpn_db_load_default(&db, err, sizeof(err)), 0, "%s", err);
	return db;
}

/* Drive the https probe through a conversation; returns the last verdict. */
static enum probe_verdict
converse(const struct vpn_db *db, const char *const *files, const char *const *paths,
	 json_t *out)
{
	const struct probe *p = probe_by_name("https");
	enum probe_verdict v = PROBE_NO_MATCH;

	for (int i = 0; i < 3 && files[i]; i++) {
		struct probe_ctx c = pa_ctx(i, 443, 0);
		uint8_t req[1024];
		size_t n = 0;
		char want[300];

		c.tls = 1;
		c.vpn = db;
		c.out = out;
		cr_assert_eq(p->hello(&c, req, sizeof(req), &n), 0, "hello for step %d", i);
		snprintf(want, sizeof(want), "GET %s HTTP/1.1\r\n", paths[i]);
		cr_assert(n > strlen(want) && !memcmp(req, want, strlen(want)),
			  "step %d should request %s", i, paths[i]);
		v = pa_run_file("https", &c, "http", files[i], out);
		if (i + 1 < 3 && files[i + 1])
			cr_assert_eq(v, PROBE_RECONNECT, "step %d (%s) should plan another GET", i, files[i]);
	}
	return v;
}

Test(probe_vpn, every_fingerprint_identifies_its_product)
{
	struct vpn_db *db = db_load();

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct vpn_case *t = &cases[k];
		json_t *out = json_object(), *fp = NULL, *x;
		size_t i;

		cr_assert_eq(converse(db, t->files, t->paths, out), PROBE_MATCH, "%s", t->files[0]);
		cr_assert_str_eq(pa_str(out, "vpn", "id") ? pa_str(out, "vpn", "id") : "(none)", t->id,
				 "%s", t->files[0]);
		json_array_foreach(db->fps, i, x)
			if (!strcmp(json_string_value(json_object_get(x, "id")), t->id))
				fp = x;
		cr_assert_not_null(fp);
		cr_assert_str_eq(pa_str(out, "product", NULL),
				 json_string_value(json_object_get(fp, "product")));
		cr_assert_str_eq(pa_str(out, "vpn", "vendor"),
				 json_string_value(json_object_get(fp, "vendor")));
		cr_assert(json_equal(json_object_get(json_object_get(out, "vpn"), "kev_cves"),
				     json_object_get(fp, "kev_cves")));
		cr_assert(pa_has_risk(out, "vpn-portal-exposed"), "%s", t->id);
		cr_assert_eq(pa_has_risk(out, "http-admin-interface"), t->admin, "%s admin flag", t->id);
		json_decref(out);
	}
	vpn_db_free(db);
}

Test(probe_vpn, every_fingerprint_has_a_case)
{
	struct vpn_db *db = db_load();
	json_t *fp;
	size_t i;

	cr_assert_geq(json_array_size(db->fps), 10);
	json_array_foreach(db->fps, i, fp) {
		const char *id = json_string_value(json_object_get(fp, "id"));
		int found = 0;

		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			found |= !strcmp(cases[k].id, id);
		cr_assert(found, "fingerprint %s has no test case", id);
	}
	vpn_db_free(db);
}

Test(probe_vpn, candidate_page_missing_is_not_a_product)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	const char *files[3] = { "globalprotect-root.http", "notfound.http" };
	const char *paths[3] = { "/", "/global-protect/login.esp" };

	cr_assert_eq(converse(db, files, paths, out), PROBE_MATCH);
	cr_assert_null(json_object_get(out, "vpn"));
	cr_assert_not(pa_has_risk(out, "vpn-portal-exposed"));
	cr_assert_eq(json_array_size(json_object_get(json_object_get(out, "http"), "requests")), 1);
	json_decref(out);
	vpn_db_free(db);
}

Test(probe_vpn, two_medium_markers_from_the_certificate)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 443, 0);

	c.tls = 1;
	c.vpn = db;
	json_object_set_new(out, "tls", json_pack("{s:s, s:s}",
		"subject", "CN=FGT60FTK20000000,OU=FortiGate,O=Fortinet",
		"issuer", "CN=fortinet-subca2001,OU=Certificate Authority,O=Fortinet"));
	cr_assert_eq(pa_run_file("https", &c, "http", "notfound.http", out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "vpn", "id"), "fortinet-fortigate-sslvpn");
	json_decref(out);
	vpn_db_free(db);
}

Test(probe_vpn, off_site_redirect_is_not_followed)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 443, 0);
	static const char r[] = "HTTP/1.1 302 Found\r\nLocation: https://203.0.113.9/remote/logout\r\n"
				"Content-Length: 0\r\n\r\n";

	c.tls = 1;
	c.vpn = db;
	cr_assert_eq(pa_run("https", &c, r, sizeof(r) - 1, out), PROBE_MATCH, "no second GET");
	cr_assert_leq(json_array_size(json_object_get(out, "_paths")), 1);
	json_decref(out);
	vpn_db_free(db);
}

static void
load_bad(const char *json, const char *expect)
{
	struct vpn_db *db = NULL;
	char err[256] = "";

	cr_assert_eq(vpn_db_load_buf(json, strlen(json), &db, err, sizeof(err)), -1, "%s", json);
	cr_assert_null(db);
	cr_assert_not_null(strstr(err, expect), "error '%s' should mention '%s'", err, expect);
}

#define FP(paths, marker, kev) \
	"{\"format\":\"heiiki-vpn-fingerprints\",\"fingerprints\":[{\"id\":\"x\",\"vendor\":\"v\"," \
	"\"product\":\"p\",\"paths\":" paths ",\"markers\":[" marker "],\"kev_cves\":" kev "}]}"
#define MK "{\"in\":\"body\",\"contains\":\"a\",\"conf\":\"high\"}"

Test(probe_vpn, loader_refuses_unsafe_or_broken_files)
{
	struct vpn_db *db = NULL;
	char err[256];

	cr_assert_eq(vpn_db_load_buf(FP("[\"/ok/path\"]", MK, "[\"CVE-2024-1\"]"),
				     strlen(FP("[\"/ok/path\"]", MK, "[\"CVE-2024-1\"]")), &db, err,
				     sizeof(err)), 0, "%s", err);
	cr_assert(vpn_path_allowed(db, "/ok/path"));
	cr_assert(vpn_path_allowed(db, "/"));
	cr_assert_not(vpn_path_allowed(db, "/other"));
	vpn_db_free(db);
	load_bad(FP("[\"/../etc/passwd\"]", MK, "[]"), "path 0");
	load_bad(FP("[\"/login?user=admin\"]", MK, "[]"), "path 0");
	load_bad(FP("[\"/a%2fb\"]", MK, "[]"), "path 0");
	load_bad(FP("[\"relative\"]", MK, "[]"), "path 0");
	load_bad(FP("[]", "{\"in\":\"nowhere\",\"contains\":\"a\",\"conf\":\"high\"}", "[]"), "in");
	load_bad(FP("[]", "{\"in\":\"body\",\"contains\":\"a\",\"conf\":\"sure\"}", "[]"), "conf");
	load_bad(FP("[]", "{\"in\":\"body\",\"conf\":\"high\"}", "[]"), "contains");
	load_bad(FP("[]", MK, "[\"MS17-010\"]"), "CVE");
	load_bad("{\"format\":\"other\",\"fingerprints\":[]}", "not a heiiki-vpn-fingerprints");
	load_bad("{\"format\":", "fingerprints:");
}

Test(probe_vpn, etag_build_date_hint)
{
	struct vpn_db *db = db_load();
	json_t *out = json_object();
	const char *files[3] = { "fortigate-root.http" };
	const char *paths[3] = { "/" };
	const char *gpf[3] = { "globalprotect-root.http", "globalprotect-login.http" };
	const char *gpp[3] = { "/", "/global-protect/login.esp" };

	/* ETag "4e-5f0a1b2c": 0x5f0a1b2c = 1594497836 = 2020-07-11T20:03:56Z */
	cr_assert_eq(converse(db, files, paths, out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(json_object_get(out, "vpn"), "build_date", NULL), "2020-07-11T20:03:56Z");
	json_decref(out);
	out = json_object();
	cr_assert_eq(converse(db, gpf, gpp, out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(json_object_get(out, "vpn"), "build_date", NULL), "2023-07-14T03:32:34Z");
	json_decref(out);
	out = json_object();
	/* nginx-style ETag "6b028209-83" is not 8 hex digits after the dash: no hint */
	cr_assert_eq(pa_run_file("https", &(struct probe_ctx){ .port = 443, .tls = 1, .vpn = db,
				 .host = "198.18.50.10" }, "http", "fortigate-lab-root.http", out), PROBE_MATCH);
	cr_assert_null(json_object_get(json_object_get(out, "vpn"), "build_date"));
	json_decref(out);
	vpn_db_free(db);
}
