/*
 * test_probe_remote_support.c - TeamViewer (5938) and AnyDesk (7070/6568)
 * on replies built from public protocol descriptions and a generated
 * certificate (tests/probes/data/{teamviewer,anydesk}/README: not recorded).
 */
#include "probe_c_util.h"

Test(probe_remote_support, teamviewer_ping)
{
	uint8_t b[32];
	size_t n;
	uint8_t *r;
	json_t *o = json_object();

	cr_assert_eq(pc_hello("teamviewer", 0, 5938, NULL, b, sizeof(b)), 9);
	cr_expect(!memcmp(b, "\x17\x24\x10\x04\0\0\0\0\0", 9));
	cr_expect_eq(pc_hello("teamviewer", 1, 5938, NULL, b, sizeof(b)), -1);
	r = pa_load("teamviewer", "pingok-v1.bin", &n);
	cr_assert_eq(pc_run("teamviewer", 0, 5938, 0, r, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "product"), "TeamViewer");
	cr_expect(json_is_true(json_object_get(json_object_get(o, "teamviewer"), "ping_ok")));
	cr_expect(pc_has_risk(o, "remote-support-tool"));
	json_decref(o);
	free(r);
	o = json_object();
	r = pa_load("teamviewer", "v2-packet.bin", &n);
	cr_assert_eq(pc_run("teamviewer", 0, 5938, 0, r, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "teamviewer.magic"), "1130");
	json_decref(o);
	free(r);
	o = json_object();
	cr_expect_eq(pc_run("teamviewer", 0, 5938, 0, "\x17", 1, o), PROBE_NEED_MORE);
	cr_expect_eq(pc_run("teamviewer", 0, 5938, 1, "\x17\x24", 2, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("teamviewer", 0, 5938, 0, "HTTP/1.1", 8, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("teamviewer", 0, 5938, 1, "\x17\x25\x11", 3, o), PROBE_NO_MATCH);
	cr_expect(!pc_has_risk(o, "remote-support-tool"));
	json_decref(o);
}

Test(probe_remote_support, anydesk_certificate_subject)
{
	size_t n;
	uint8_t *r = pa_load("anydesk", "anydesk-client.der", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("anydesk", 0, 7070, 1, r, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "service"), "anydesk");
	cr_expect_str_eq(pc_str(o, "product"), "AnyDesk");
	cr_expect_str_eq(pc_str(o, "tls.cn"), "AnyDesk Client");
	cr_expect(pc_has_risk(o, "remote-support-tool"));
	json_decref(o);
	/* as the runner calls it: tls fields already recorded */
	o = json_object();
	json_object_set_new(o, "tls", json_pack("{s:s}", "cn", "AnyDesk Client"));
	cr_expect_eq(pc_run("anydesk", 0, 6568, 1, r, n, o), PROBE_MATCH);
	json_decref(o);
	for (size_t k = 0; k < n; k += 7) {
		o = json_object();
		cr_expect_eq(pc_run("anydesk", 0, 7070, 1, r, k, o), PROBE_NO_MATCH);
		json_decref(o);
	}
	free(r);
	r = pa_load("anydesk", "other.der", &n);
	o = json_object();
	cr_expect_eq(pc_run("anydesk", 0, 7070, 1, r, n, o), PROBE_NO_MATCH);
	cr_expect(!pc_has_risk(o, "remote-support-tool"));
	cr_expect_null(json_object_get(o, "tls"));
	json_decref(o);
	free(r);
}
