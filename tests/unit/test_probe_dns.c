/* test_probe_dns.c - DNS version.bind + root NS over UDP and TCP, replies
 * recorded from unbound 1.17.1 in the lab. */
#include "probe_c_util.h"

Test(probe_dns, hellos_udp_and_tcp)
{
	uint8_t b[128];

	cr_assert_eq(pc_hello("dns", 0, 53, NULL, b, sizeof(b)), 30);
	cr_expect(!memcmp(b, "\x48\x45\x00\x00\x00\x01", 6), "id HE, no RD, one question");
	cr_expect(!memcmp(b + 12, "\x07version\x04" "bind\x00\x00\x10\x00\x03", 18), "version.bind TXT CH");
	cr_assert_eq(pc_hello("dns", 1, 53, NULL, b, sizeof(b)), 17);
	cr_expect_eq(b[2] & 1, 0, "never recursion desired");
	cr_assert_eq(pc_hello("dns-tcp", 0, 53, NULL, b, sizeof(b)), 32);
	cr_expect(b[0] == 0 && b[1] == 30, "TCP length prefix");
	cr_expect_eq(pc_hello("dns", 2, 53, NULL, b, sizeof(b)), -1);
}

static void
dns_check(const char *probe, const char *v0, const char *v1)
{
	size_t n0, n1;
	uint8_t *b0 = pa_load("dns", v0, &n0), *b1 = pa_load("dns", v1, &n1);
	json_t *o = json_object();

	cr_assert_eq(pc_run(probe, 0, 53, 0, b0, n0, o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "dns.version_bind"), "unbound 1.17.1");
	cr_expect_str_eq(pc_str(o, "dns.rcode"), "noerror");
	cr_assert_eq(pc_run(probe, 1, 53, 0, b1, n1, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "dns.root_ns_rcode"), "refused");
	cr_expect_str_eq(pc_str(o, "service"), "dns");
	json_decref(o);
	pc_truncations(probe, 0, 53, b0, n0, !strcmp(probe, "dns-tcp"));
	pc_truncations(probe, 1, 53, b1, n1, 0);
	free(b0);
	free(b1);
}

Test(probe_dns, unbound_udp) { dns_check("dns", "unbound-version-bind.udp.bin", "unbound-root-ns.udp.bin"); }
Test(probe_dns, unbound_tcp) { dns_check("dns-tcp", "unbound-version-bind.tcp.bin", "unbound-root-ns.tcp.bin"); }

Test(probe_dns, lies)
{
	/* answer with a compression loop and a lying rdlength; wrong id; a query */
	static const uint8_t loop[] = { 0x48, 0x45, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
					0xc0, 0x0c, 0, 16, 0, 3, 0xc0, 0x0c, 0, 16, 0, 3, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t wrongid[] = { 0x11, 0x11, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t query[] = { 0x48, 0x45, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 };
	json_t *o = json_object();

	cr_expect_eq(pc_run("dns", 0, 53, 1, loop, sizeof(loop), o), PROBE_NEXT_STEP);
	cr_expect_null(pc_str(o, "dns.version_bind"));
	json_decref(o);
	o = json_object();
	cr_expect_eq(pc_run("dns", 0, 53, 1, wrongid, sizeof(wrongid), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("dns", 0, 53, 1, query, sizeof(query), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("dns-tcp", 0, 53, 1, "\xff\xff\x48", 3, o), PROBE_NO_MATCH);
	json_decref(o);
}
