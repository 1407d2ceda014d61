/* test_probe_ldap.c - LDAP rootDSE / anonymous bind / anonymous read, replies
 * recorded from slapd 2.5 (dc=hospital,dc=example, default ACL: anyone reads). */
#include "probe_c_util.h"

Test(probe_ldap, hellos)
{
	uint8_t b[512];
	long n = pc_hello("ldap", 0, 389, NULL, b, sizeof(b));
	json_t *o;

	cr_assert_gt(n, 100);
	cr_expect_eq(b[0], 0x30);
	cr_expect_eq(b[1], 0x81);
	cr_expect_eq(b[2], n - 3, "LDAPMessage length covers the message");
	cr_expect(memmem(b, (size_t)n, "\x87\x0bobjectClass", 13) != NULL, "present filter");
	cr_expect_eq(pc_hello("ldap", 1, 389, NULL, b, sizeof(b)), 14, "anonymous simple bind");
	cr_expect(!memcmp(b + 5, "\x60\x07\x02\x01\x03\x04\x00\x80\x00", 9));
	cr_expect_eq(pc_hello("ldap", 2, 389, NULL, b, sizeof(b)), -1, "no base: no read");
	o = json_pack("{s:s}", "_base", "dc=hospital,dc=example");
	n = pc_hello("ldap", 2, 389, o, b, sizeof(b));
	cr_assert_gt(n, 20);
	cr_expect(memmem(b, (size_t)n, "dc=hospital,dc=example", 22) != NULL);
	cr_expect(memmem(b, (size_t)n, "\x04\x03" "1.1", 5) != NULL, "no attributes");
	json_decref(o);
}

Test(probe_ldap, slapd_recorded_three_steps)
{
	size_t n0, n1, n2;
	uint8_t *b0 = pa_load("ldap", "slapd-rootdse.step0.bin", &n0);
	uint8_t *b1 = pa_load("ldap", "slapd-bind.step1.bin", &n1);
	uint8_t *b2 = pa_load("ldap", "slapd-read.step2.bin", &n2);
	json_t *o = json_object();

	cr_assert_eq(pc_run("ldap", 0, 389, 0, b0, n0, o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "_base"), "dc=hospital,dc=example");
	cr_expect_str_eq(pc_str(o, "ldap.object_class"), "top OpenLDAProotDSE");
	cr_assert_eq(pc_run("ldap", 1, 389, 0, b1, n1, o), PROBE_NEXT_STEP);
	cr_expect(json_is_true(json_object_get(json_object_get(o, "ldap"), "anonymous_bind")));
	cr_assert_eq(pc_run("ldap", 2, 389, 0, b2, n2, o), PROBE_MATCH);
	cr_expect(pc_has_risk(o, "ldap-anonymous-bind"));
	json_decref(o);
	pc_truncations("ldap", 0, 389, b0, n0, 1);
	free(b0);
	free(b1);
	free(b2);
}

Test(probe_ldap, read_refused_is_not_flagged)
{
	/* AD style: searchResDone operationsError (1), no entry */
	static const uint8_t done[] = { 0x30, 0x0c, 0x02, 0x01, 0x03, 0x65, 0x07, 0x0a, 0x01, 0x01,
					0x04, 0x00, 0x04, 0x00 };
	json_t *o = json_pack("{s:{}, s:s}", "ldap", "_base", "dc=x");

	cr_assert_eq(pc_run("ldap", 2, 389, 0, done, sizeof(done), o), PROBE_MATCH);
	cr_expect(json_is_false(json_object_get(json_object_get(o, "ldap"), "anonymous_read")));
	cr_expect(!pc_has_risk(o, "ldap-anonymous-bind"));
	json_decref(o);
}

Test(probe_ldap, lies)
{
	static const uint8_t longlen[] = { 0x30, 0x85, 1, 2, 3, 4, 5 };
	static const uint8_t huge[] = { 0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02 };
	static const uint8_t wrongid[] = { 0x30, 0x0c, 0x02, 0x01, 0x09, 0x65, 0x07, 0x0a, 0x01, 0x00,
					   0x04, 0x00, 0x04, 0x00 };
	json_t *o = json_object();

	cr_expect_eq(pc_run("ldap", 0, 389, 1, longlen, sizeof(longlen), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("ldap", 0, 389, 1, huge, sizeof(huge), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("ldap", 0, 389, 1, wrongid, sizeof(wrongid), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("ldap", 0, 389, 1, "HTTP/1.1 400\r\n", 14, o), PROBE_NO_MATCH);
	json_decref(o);
}
