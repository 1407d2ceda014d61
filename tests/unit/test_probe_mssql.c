/*
 * test_probe_mssql.c - TDS PRELOGIN on responses built from MS-TDS 2.2.6.5
 * (tests/probes/data/mssql/make_spec.py; Debian has no SQL Server).
 */
#include "probe_c_util.h"

Test(probe_mssql, hello_is_one_prelogin)
{
	uint8_t b[128];
	long n = pc_hello("mssql", 0, 1433, NULL, b, sizeof(b));

	cr_assert_eq(n, 47);
	cr_expect_eq(b[0], 0x12, "PRELOGIN");
	cr_expect_eq(b[1], 0x01, "EOM");
	cr_expect_eq(b[2] << 8 | b[3], 47, "TDS length = packet length");
	cr_expect_eq(b[33], 0xff, "option terminator");
	cr_expect_eq(b[8 + 32], 0x00, "ENCRYPT_OFF");
	cr_expect_eq(pc_hello("mssql", 1, 1433, NULL, b, sizeof(b)), -1, "one step only");
	cr_expect_eq(pc_hello("mssql", 0, 1433, NULL, b, 46), -1);
}

static void
check(const char *file, const char *ver, const char *rel, const char *enc)
{
	size_t n;
	uint8_t *b = pa_load("mssql", file, &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("mssql", 0, 1433, 0, b, n, o), PROBE_MATCH, "%s", file);
	cr_expect_str_eq(pc_str(o, "service"), "mssql");
	cr_expect_str_eq(pc_str(o, "product"), "Microsoft SQL Server");
	cr_expect_str_eq(pc_str(o, "version"), ver);
	cr_expect_str_eq(pc_str(o, "mssql.release"), rel);
	cr_expect_str_eq(pc_str(o, "mssql.encryption"), enc);
	json_decref(o);
	pc_truncations("mssql", 0, 1433, b, n, 1);
	free(b);
}

Test(probe_mssql, spec_built_replies)
{
	check("sql2019-encrypt-off.bin", "15.0.2000", "SQL Server 2019", "off");
	check("sql2022-encrypt-required.bin", "16.0.1000", "SQL Server 2022", "required");
	check("sql2008r2-not-supported.bin", "10.50.1600", "SQL Server 2008 R2", "not-supported");
}

Test(probe_mssql, lies_and_garbage)
{
	size_t n;
	uint8_t *b = pa_load("mssql", "sql2019-encrypt-off.bin", &n);
	uint8_t c[64];
	json_t *o = json_object();

	cr_assert_leq(n, sizeof(c));
	/* an option offset past the payload */
	memcpy(c, b, n);
	c[10] = 0x40;
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, c, n, o), PROBE_NO_MATCH);
	/* an option length past the payload */
	memcpy(c, b, n);
	c[12] = 0x30;
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, c, n, o), PROBE_NO_MATCH);
	/* no terminator: the table runs off the end */
	memcpy(c, b, n);
	c[33] = 0x05;
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, c, n, o), PROBE_NO_MATCH);
	/* a TDS length longer than what came, at end of stream */
	memcpy(c, b, n);
	c[3] = 0x40;
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, c, n, o), PROBE_MALFORMED);
	cr_expect_eq(pc_run("mssql", 0, 1433, 0, c, n, o), PROBE_NEED_MORE);
	/* a TDS length over the cap */
	memcpy(c, b, n);
	c[2] = 0x40;
	cr_expect_eq(pc_run("mssql", 0, 1433, 0, c, n, o), PROBE_NO_MATCH);
	/* no VERSION option: not named */
	memcpy(c, b, n);
	c[8] = 0x07;
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, c, n, o), PROBE_NO_MATCH);
	cr_expect_null(json_object_get(o, "version"));
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, "HTTP/1.0 400\r\n\r\n", 16, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("mssql", 0, 1433, 1, "", 0, o), PROBE_NO_MATCH);
	json_decref(o);
	free(b);
}
