/* test_probe_kerberos.c - AS-REQ for a made-up principal; KRB-ERROR replies
 * recorded from MIT krb5kdc 1.20 (realm HOSPITAL.EXAMPLE) in the lab. */
#include "probe_c_util.h"

Test(probe_kerberos, asreq_shape)
{
	uint8_t b[512];
	long n = pc_hello("kerberos", 0, 88, NULL, b, sizeof(b)), t;

	cr_assert_gt(n, 100);
	cr_expect_eq(b[0], 0x6a, "[APPLICATION 10] AS-REQ");
	cr_expect_eq(b[1], 0x81);
	cr_expect_eq(b[2], n - 3, "DER length covers the message");
	cr_expect(memmem(b, (size_t)n, "heiiki-probe-", 13) != NULL);
	cr_expect(memmem(b, (size_t)n, "\x1b\x06krbtgt", 8) != NULL);
	cr_expect(memmem(b, (size_t)n, "\xa3", 1) != NULL);
	cr_expect(!memmem(b, (size_t)n, "\xa3\x03\x02\x01\x02\xa3", 6), "no padata: no pre-authentication");
	t = pc_hello("kerberos-tcp", 0, 88, NULL, b, sizeof(b));
	cr_assert_eq(t, n + 4);
	cr_expect(b[0] == 0 && b[1] == 0 && b[2] * 256 + b[3] == n, "TCP length prefix");
	cr_expect_eq(pc_hello("kerberos", 1, 88, NULL, b, sizeof(b)), -1);
}

static void
krb_check(const char *probe, const char *file)
{
	size_t n;
	uint8_t *b = pa_load("kerberos", file, &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run(probe, 0, 88, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "service"), "kerberos");
	cr_expect_str_eq(pc_str(o, "kerberos.error_name"), "KDC_ERR_C_PRINCIPAL_UNKNOWN");
	cr_expect_str_eq(pc_str(o, "kerberos.e_text"), "CLIENT_NOT_FOUND");
	cr_expect(json_is_true(json_object_get(json_object_get(o, "kerberos"), "realm_echoed")));
	cr_expect_null(pc_str(o, "kerberos.realm"), "an echoed realm is not the KDC's realm");
	json_decref(o);
	pc_truncations(probe, 0, 88, b, n, 1);
	free(b);
}

Test(probe_kerberos, mit_udp) { krb_check("kerberos", "mit-krb5kdc-1.20.udp.bin"); }
Test(probe_kerberos, mit_tcp) { krb_check("kerberos-tcp", "mit-krb5kdc-1.20.tcp.bin"); }

Test(probe_kerberos, wrong_realm_names_the_realm_and_lies)
{
	/* KRB-ERROR { error-code [6] 68, realm [9] "HOSPITAL.EXAMPLE" } */
	static const uint8_t wr[] = { 0x7e, 0x1b, 0x30, 0x19, 0xa6, 0x03, 0x02, 0x01, 0x44,
				      0xa9, 0x12, 0x1b, 0x10, 'H', 'O', 'S', 'P', 'I', 'T', 'A', 'L',
				      '.', 'E', 'X', 'A', 'M', 'P', 'L', 'E' };
	static const uint8_t lie[] = { 0x7e, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30 };
	static const uint8_t longcode[] = { 0x7e, 0x0b, 0x30, 0x09, 0xa6, 0x07, 0x02, 0x05, 1, 2, 3, 4, 5 };
	json_t *o = json_object();

	cr_assert_eq(pc_run("kerberos", 0, 88, 1, wr, sizeof(wr), o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "kerberos.realm"), "HOSPITAL.EXAMPLE");
	cr_expect_str_eq(pc_str(o, "kerberos.error_name"), "KDC_ERR_WRONG_REALM");
	json_decref(o);
	o = json_object();
	cr_expect_eq(pc_run("kerberos", 0, 88, 1, lie, sizeof(lie), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("kerberos", 0, 88, 1, longcode, sizeof(longcode), o), PROBE_MATCH);
	cr_expect_null(json_object_get(json_object_get(o, "kerberos"), "error_code"));
	cr_expect_eq(pc_run("kerberos", 0, 88, 1, "\x30\x00", 2, o), PROBE_NO_MATCH);
	json_decref(o);
}
