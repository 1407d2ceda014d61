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

Test(probe_remote_support, rustdesk_hbbs_test_nat)
{
	static const char *const files[] = { "test-nat-response.bin", "key-exchange.bin",
					     "big-frame.bin" };
	uint8_t b[16];
	json_t *o;

	cr_assert_eq(pc_hello("rustdesk", 0, 21116, NULL, b, sizeof(b)), 4);
	cr_expect(!memcmp(b, "\x0c\xa2\x01\x00", 4), "framed TestNatRequest, serial 0");
	cr_expect_eq(pc_hello("rustdesk", 1, 21116, NULL, b, sizeof(b)), -1);
	for (size_t i = 0; i < 3; i++) {
		size_t n;
		uint8_t *r = pa_load("rustdesk", files[i], &n);

		o = json_object();
		cr_assert_eq(pc_run("rustdesk", 0, 21116, 0, r, n, o), PROBE_MATCH, "%s", files[i]);
		cr_expect_str_eq(pc_str(o, "product"), "RustDesk server (hbbs)");
		cr_expect(pc_has_risk(o, "remote-support-tool"));
		if (i != 1) {
			json_t *rs = json_object_get(json_object_get(o, "rustdesk"), "rendezvous_servers");

			cr_expect_eq(json_array_size(rs), 2);
			cr_expect_str_eq(json_string_value(json_array_get(rs, 1)), "rs-sg.rustdesk.example");
			cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "rustdesk"),
									"nat_port_seen")), 40312);
		}
		json_decref(o);
		pc_truncations("rustdesk", 0, 21116, r, n, 1);
		free(r);
	}
}

Test(probe_remote_support, rustdesk_lies_and_garbage)
{
	size_t n;
	uint8_t *r = pa_load("rustdesk", "test-nat-response.bin", &n);
	uint8_t *c = malloc(n);
	json_t *o = json_object();

	memcpy(c, r, n);
	c[3] = 0x7f;		/* inner length longer than the frame */
	cr_expect_eq(pc_run("rustdesk", 0, 21116, 1, c, n, o), PROBE_NO_MATCH);
	memcpy(c, r, n);
	c[1] = 0x0a;		/* field 1: not in the oneof */
	cr_expect_eq(pc_run("rustdesk", 0, 21116, 1, c, n, o), PROBE_NO_MATCH);
	memcpy(c, r, n);
	c[9] = 0x40;		/* ConfigUpdate length past its end */
	cr_expect_eq(pc_run("rustdesk", 0, 21116, 1, c, n, o), PROBE_NO_MATCH);
	memcpy(c, r, n);
	c[0] = 0xff;		/* 4-byte header, huge length */
	cr_expect_eq(pc_run("rustdesk", 0, 21116, 0, c, n, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("rustdesk", 0, 21116, 1, "\x0c\xff\xff\xff", 4, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("rustdesk", 0, 21116, 1, "HTTP/1.1 200 OK\r\n", 17, o), PROBE_NO_MATCH);
	cr_expect(!pc_has_risk(o, "remote-support-tool"));
	json_decref(o);
	free(r);
	free(c);
}
