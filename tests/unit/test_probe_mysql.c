/* test_probe_mysql.c - MySQL/MariaDB handshakes: MariaDB 10.11 (recorded in the
 * lab), MySQL 5.5 (public capture, arkime/mysql-allow.pcap), a host refusal. */
#include "probe_c_util.h"

Test(probe_mysql, mariadb_recorded)
{
	size_t n;
	uint8_t *b = pa_load("mysql", "mariadb-10.11-greeting.bin", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("mysql", 0, 3306, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "mysql.server_version"), "5.5.5-10.11.19-MariaDB-0+deb12u1");
	cr_expect_str_eq(pc_str(o, "mysql.auth_plugin"), "mysql_native_password");
	cr_expect_str_eq(pc_str(o, "service"), "mysql");
	json_decref(o);
	pc_truncations("mysql", 0, 3306, b, n, 1);
	free(b);
}

Test(probe_mysql, mysql55_and_refusal)
{
	size_t n;
	uint8_t *b = pa_load("mysql", "mysql-5.5-greeting.arkime.bin", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("mysql", 0, 3306, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "mysql.server_version"), "5.5.35-0ubuntu0.12.04.2");
	json_decref(o);
	free(b);
	b = pa_load("mysql", "mariadb-host-not-allowed.bin", &n);
	o = json_object();
	cr_assert_eq(pc_run("mysql", 0, 3306, 0, b, n, o), PROBE_MATCH);
	cr_expect(json_integer_value(json_object_get(json_object_get(o, "mysql"), "error_code")) == 1130);
	json_decref(o);
	pc_truncations("mysql", 0, 3306, b, n, 1);
	free(b);
}

Test(probe_mysql, lies)
{
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0, 10, '5', 0 };
	static const uint8_t seq1[] = { 5, 0, 0, 1, 10, '5', 0, 0, 0 };
	static const uint8_t ctrl[] = { 5, 0, 0, 0, 10, 0x01, 0, 0, 0 };
	static const uint8_t nonul[] = { 3, 0, 0, 0, 10, '5', '5' };
	json_t *o = json_object();

	cr_expect_eq(pc_run("mysql", 0, 3306, 1, huge, sizeof(huge), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("mysql", 0, 3306, 1, seq1, sizeof(seq1), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("mysql", 0, 3306, 1, ctrl, sizeof(ctrl), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("mysql", 0, 3306, 1, nonul, sizeof(nonul), o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("mysql", 0, 3306, 1, "SSH-2.0-OpenSSH\r\n", 17, o), PROBE_NO_MATCH);
	json_decref(o);
}
