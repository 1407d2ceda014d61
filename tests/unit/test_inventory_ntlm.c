/*
 * test_inventory_ntlm.c - from the bytes a server sends to the support
 * status in the results document: the SMB probe's NTLMSSP CHALLENGE (the
 * three steps recorded from Samba 4.17 smbd; Windows-shaped challenges
 * built here for builds 19045 and 17763) -> the service's os fields ->
 * findings_apply (rules_inventory.c) -> inventory.support and
 * OUT_OF_SUPPORT, judged on 2026-12-05.
 *
 *   Samba: version 6.1 build 0 must not read as Windows 7 (no row);
 *   19045 (Windows 10 22H2, ended 2025-10-14): out of support, critical;
 *   17763 (Windows 10 1809 = Windows Server 2019): edition-dependent, low.
 */
#include "tests/unit/probe_b_util.h"
#include "probes/ntlmssp.h"
#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/findings/findings.h"
#include "scanner/input/policy.h"

extern const struct probe probe_smb;

#define DEC05 1796472000	/* 2026-12-05T12:00:00Z */

static const char pol_text[] =
	"site: t\nzones:\n  - {name: servers, role: server, nets: [198.18.60.0/24]}\n";

/* A results document with one open SMB service carrying probe output. */
static json_t *
judge(json_t *probe_out, json_t **support)
{
	struct results *r = results_new("scan");
	struct policy p;
	struct addr a;
	char err[512] = "";
	json_t *s, *f, *found = json_array();
	const char *k;
	size_t i;

	cr_assert_eq(policy_load_buf("p.yaml", pol_text, sizeof(pol_text) - 1, &p, err,
				     sizeof(err)), 0, "%s", err);
	cr_assert_eq(addr_parse("198.18.60.140", &a), 0);
	s = results_service(r, &a, "tcp", 445, 1);
	json_object_set_new(s, "state", json_string("open"));
	json_object_set_new(s, "service", json_string("smb"));
	json_object_foreach(probe_out, k, f)
		if (k[0] != '_')
			json_object_set(s, k, f);
	cr_assert_geq(findings_apply(r, &p, NULL, DEC05, err, sizeof(err)), 0, "%s", err);
	json_array_foreach(results_array(r, "findings"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "rule")), "OUT_OF_SUPPORT"))
			json_array_append(found, f);
	*support = json_incref(json_object_get(json_object_get(results_root(r), "inventory"),
					       "support"));
	policy_free(&p);
	results_free(r);
	return found;
}

Test(inventory_ntlm, samba_is_not_windows_7)
{
	static const enum probe_verdict want[3] = { PROBE_NEXT_STEP, PROBE_RECONNECT,
		PROBE_MATCH };
	json_t *out = json_object(), *found, *support;
	char name[64];

	for (int s = 0; s < 3; s++) {
		struct probe_ctx c = pb_ctx("198.18.60.140", 445, s);

		snprintf(name, sizeof(name), "smb-ntlm.step%d.bin", s);
		cr_assert_eq(pb_parse_file(&probe_smb, &c, "smb", name, out), want[s], "step %d", s);
	}
	found = judge(out, &support);
	cr_assert_eq(json_array_size(found), 0, "Samba's NTLM version 6.1.0 is not Windows 7");
	cr_assert_eq(json_array_size(support), 0, "no support-end row for build 0");
	json_decref(found);
	json_decref(support);
	json_decref(out);
}

/* A Windows CHALLENGE with only the version field that matters here. */
static json_t *
windows(unsigned build)
{
	uint8_t m[64];
	json_t *obj = json_object(), *svc = json_object();

	memset(m, 0, sizeof(m));
	memcpy(m, "NTLMSSP\0\2\0\0\0", 12);
	m[16] = 56;				/* empty TargetName at the end */
	m[20] = 0x05; m[21] = 0x82; m[22] = 0x89; m[23] = 0xa2;	/* incl. VERSION */
	m[44] = 56;				/* empty TargetInfo */
	m[48] = 10; m[49] = 0; m[50] = (uint8_t)(build & 0xff); m[51] = (uint8_t)(build >> 8);
	m[55] = 15;
	cr_assert_eq(ntlmssp_challenge(m, 56, obj, svc), 1);
	json_object_set_new(svc, "smb", json_pack("{s:o}", "ntlm", obj));
	return svc;
}

Test(inventory_ntlm, windows_10_22h2_is_out_of_support)
{
	json_t *svc = windows(19045), *found, *support, *f;

	cr_assert_eq(json_integer_value(json_object_get(svc, "os_build")), 19045);
	found = judge(svc, &support);
	cr_assert_eq(json_array_size(found), 1);
	f = json_array_get(found, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), "critical",
			 "ended 2025-10-14: more than a year before 2026-12-05");
	cr_assert(strstr(json_string_value(json_object_get(f, "key")), "windows-10-22h2"));
	cr_assert_eq(json_array_size(support), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(support, 0), "status")),
			 "out-of-support");
	json_decref(found);
	json_decref(support);
	json_decref(svc);
}

Test(inventory_ntlm, build_17763_depends_on_the_edition)
{
	json_t *svc = windows(17763), *found, *support;

	found = judge(svc, &support);
	cr_assert_eq(json_array_size(found), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(found, 0), "severity")),
			 "low", "Windows Server 2019 is supported until 2029-01-09");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(support, 0), "status")),
			 "edition-dependent");
	json_decref(found);
	json_decref(support);
	json_decref(svc);
}
