/*
 * test_probe_vnc_vendor.c - VNC vendor from the RFB version and the offered
 * security types, and the "remote-support-tool" flag; the TigerVNC lists
 * recorded in tests/probes/data/vnc/ name no vendor.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_vnc;

#define VV_HOST "198.18.60.170"

static json_t *
vv_run(const char *greet, const uint8_t *types, size_t n)
{
	struct probe_ctx c0 = pb_ctx(VV_HOST, 5900, 0), c1 = pb_ctx(VV_HOST, 5900, 1);
	json_t *out = json_object();

	cr_assert_eq(pb_parse(&probe_vnc, &c0, (const uint8_t *)greet, 12, out), PROBE_NEXT_STEP);
	c1.prev = (const uint8_t *)greet;
	c1.prev_len = 12;
	cr_assert_eq(pb_parse(&probe_vnc, &c1, types, n, out), PROBE_MATCH);
	return out;
}

Test(probe_vnc_vendor, vendors_from_types)
{
	static const uint8_t tight[] = { 2, 16, 2 }, ultra[] = { 2, 17, 2 },
		real[] = { 3, 13, 130, 2 }, plain[] = { 2, 1, 2 };
	json_t *out = vv_run("RFB 003.008\n", tight, sizeof(tight));

	cr_assert_str_eq(pb_str(out, NULL, "product"), "TightVNC");
	cr_assert(pb_has_risk(out, "remote-support-tool"));
	json_decref(out);
	out = vv_run("RFB 003.008\n", ultra, sizeof(ultra));
	cr_assert_str_eq(pb_str(out, NULL, "product"), "UltraVNC");
	json_decref(out);
	out = vv_run("RFB 005.000\n", real, sizeof(real));
	cr_assert_str_eq(pb_str(out, NULL, "product"), "RealVNC");
	cr_assert(pb_has_risk(out, "remote-support-tool"));
	json_decref(out);
	out = vv_run("RFB 004.001\n", real, sizeof(real));
	cr_assert_str_eq(pb_str(out, NULL, "product"), "RealVNC 4", "version's name kept");
	json_decref(out);
	out = vv_run("RFB 003.008\n", plain, sizeof(plain));
	cr_assert_null(json_object_get(out, "product"));
	cr_assert(!pb_has_risk(out, "remote-support-tool"), "None+VncAuth: no vendor");
	cr_assert(pb_has_risk(out, "vnc-no-auth"));
	json_decref(out);
}

Test(probe_vnc_vendor, ultravnc_mslogon_rfb33)
{
	static const uint8_t mslogon[4] = { 0xff, 0xff, 0xff, 0xfa };
	json_t *out = vv_run("RFB 003.003\n", mslogon, 4);

	cr_assert_str_eq(pb_str(out, NULL, "product"), "UltraVNC");
	json_decref(out);
}

Test(probe_vnc_vendor, tigervnc_recorded_names_nothing)
{
	struct probe_ctx c0 = pb_ctx(VV_HOST, 5900, 0), c1 = pb_ctx(VV_HOST, 5900, 1);
	json_t *out = json_object();
	size_t l0, l1;
	uint8_t *g = pb_load("vnc", "tigervnc-vncauth.step0.bin", &l0);
	uint8_t *r = pb_load("vnc", "tigervnc-vncauth.step1.bin", &l1);

	cr_assert_eq(pb_parse(&probe_vnc, &c0, g, l0, out), PROBE_NEXT_STEP);
	c1.prev = g;
	c1.prev_len = l0;
	cr_assert_eq(pb_parse(&probe_vnc, &c1, r, l1, out), PROBE_MATCH);
	cr_assert_null(json_object_get(out, "product"));
	cr_assert(!pb_has_risk(out, "remote-support-tool"));
	json_decref(out);
	free(g);
	free(r);
}
