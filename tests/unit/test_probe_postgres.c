/* test_probe_postgres.c - PostgreSQL 15 SSLRequest + startup, recorded in the lab. */
#include "probe_c_util.h"

Test(probe_postgres, hellos)
{
	uint8_t b[128];
	long n;

	cr_assert_eq(pc_hello("postgresql", 0, 5432, NULL, b, sizeof(b)), 8);
	cr_expect(!memcmp(b, "\0\0\0\x08\x04\xd2\x16\x2f", 8));
	n = pc_hello("postgresql", 1, 5432, NULL, b, sizeof(b));
	cr_assert_gt(n, 30);
	cr_expect_eq(b[2] * 256 + b[3], n, "length field is the message length");
	cr_expect(memmem(b, (size_t)n, "user\0heiiki-test-probe\0database\0heiiki-probe\0\0", 46) != NULL);
	cr_expect_eq(pc_hello("postgresql", 2, 5432, NULL, b, sizeof(b)), -1);
}

Test(probe_postgres, recorded_ssl_no_then_scram)
{
	size_t n0, n1;
	uint8_t *b0 = pa_load("postgresql", "pg15-sslrequest-N.bin", &n0);
	uint8_t *b1 = pa_load("postgresql", "pg15-startup-sasl.bin", &n1);
	json_t *o = json_object();

	cr_assert_eq(pc_run("postgresql", 0, 5432, 0, b0, n0, o), PROBE_RECONNECT);
	cr_expect(json_is_false(json_object_get(json_object_get(o, "postgresql"), "ssl")));
	cr_assert_eq(pc_run("postgresql", 1, 5432, 0, b1, n1, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "postgresql.auth_method"), "sasl");
	cr_expect_str_eq(pc_str(o, "service"), "postgresql");
	pc_truncations("postgresql", 0, 5432, b0, n0, 1);
	json_decref(o);
	free(b0);
	free(b1);
}

Test(probe_postgres, error_fields_and_lies)
{
	static const uint8_t err[] = "E\0\0\0\x3f" "SFATAL\0C28000\0Mno pg_hba.conf entry\0RClientAuthentication\0\0";
	static const uint8_t lie[] = { 'E', 0xff, 0xff, 0xff, 0xff, 'S' };
	json_t *o = json_object();

	cr_assert_eq(pc_run("postgresql", 0, 5432, 0, "S", 1, o), PROBE_RECONNECT);
	cr_assert_eq(pc_run("postgresql", 1, 5432, 0, err, sizeof(err) - 1, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "postgresql.sqlstate"), "28000");
	cr_expect_str_eq(pc_str(o, "postgresql.routine"), "ClientAuthentication");
	cr_expect_eq(pc_run("postgresql", 1, 5432, 1, lie, sizeof(lie), o), PROBE_MALFORMED);
	json_decref(o);
	o = json_object();
	cr_expect_eq(pc_run("postgresql", 0, 5432, 1, "SX", 2, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("postgresql", 1, 5432, 1, err, sizeof(err) - 1, o), PROBE_NO_MATCH,
		     "step 1 without step 0 is not PostgreSQL");
	json_decref(o);
}
