/* test_probe_rpcbind.c - portmapper DUMP over UDP and TCP, replies recorded
 * from Debian rpcbind 1.2.6 in the lab (only the portmapper registered). */
#include "probe_c_util.h"

Test(probe_rpcbind, hellos)
{
	uint8_t b[64];

	cr_assert_eq(pc_hello("rpcbind", 0, 111, NULL, b, sizeof(b)), 40);
	cr_expect(!memcmp(b + 12, "\x00\x01\x86\xa0\x00\x00\x00\x02\x00\x00\x00\x04", 12), "100000 v2 DUMP");
	cr_assert_eq(pc_hello("rpcbind-tcp", 0, 111, NULL, b, sizeof(b)), 44);
	cr_expect(!memcmp(b, "\x80\x00\x00\x28", 4), "last-fragment record mark, 40 bytes");
	cr_expect_eq(pc_hello("rpcbind", 1, 111, NULL, b, sizeof(b)), -1);
}

static void
rpc_check(const char *probe, const char *file)
{
	size_t n;
	uint8_t *b = pa_load("rpcbind", file, &n);
	json_t *o = json_object(), *p;

	cr_assert_eq(pc_run(probe, 0, 111, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "service"), "rpcbind");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "rpcbind"), "count")), 6);
	p = json_array_get(json_object_get(json_object_get(o, "rpcbind"), "programs"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(p, "name")), "portmapper");
	cr_expect_eq(json_integer_value(json_object_get(p, "port")), 111);
	json_decref(o);
	pc_truncations(probe, 0, 111, b, n, !strcmp(probe, "rpcbind-tcp"));
	/* a UDP datagram cut short is broken, not incomplete */
	o = json_object();
	if (!strcmp(probe, "rpcbind"))
		cr_expect_eq(pc_run(probe, 0, 111, 0, b, n - 4, o), PROBE_MALFORMED);
	json_decref(o);
	free(b);
}

Test(probe_rpcbind, udp_recorded) { rpc_check("rpcbind", "rpcbind-dump.udp.bin"); }
Test(probe_rpcbind, tcp_recorded) { rpc_check("rpcbind-tcp", "rpcbind-dump.tcp.bin"); }

Test(probe_rpcbind, lies)
{
	static const uint8_t wrongxid[] = { 1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, 0 };
	static const uint8_t bigmark[] = { 0xff, 0xff, 0xff, 0xff, 0x48, 0x45 };
	static const uint8_t notlast[] = { 0x00, 0x00, 0x00, 0x10, 0x48, 0x45 };
	static const uint8_t hugeverf[] = { 0x48, 0x45, 0x49, 0x49, 0, 0, 0, 1, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	json_t *o = json_object();

	cr_expect_eq(pc_run("rpcbind", 0, 111, 1, wrongxid, sizeof(wrongxid), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("rpcbind-tcp", 0, 111, 1, bigmark, sizeof(bigmark), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("rpcbind-tcp", 0, 111, 1, notlast, sizeof(notlast), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("rpcbind", 0, 111, 1, hugeverf, sizeof(hugeverf), o), PROBE_MALFORMED);
	json_decref(o);
}
