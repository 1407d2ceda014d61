/* test_probe_ntp.c - NTP mode 3 request; reply recorded from chronyd (stratum 10). */
#include "probe_c_util.h"

Test(probe_ntp, mode3_only)
{
	uint8_t b[64];

	cr_assert_eq(pc_hello("ntp", 0, 123, NULL, b, sizeof(b)), 48);
	cr_expect_eq(b[0] & 7, 3, "mode 3 (client)");
	cr_expect_eq((b[0] >> 3) & 7, 4, "NTPv4");
	cr_expect(!memcmp(b + 44, "HKI1", 4));
	cr_expect_eq(pc_hello("ntp", 1, 123, NULL, b, sizeof(b)), -1, "one request only");
	cr_expect_eq(pc_hello("ntp", 0, 123, NULL, b, 47), -1);
}

Test(probe_ntp, chrony_recorded)
{
	size_t n;
	uint8_t *b = pa_load("ntp", "chrony-stratum10.bin", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("ntp", 0, 123, 0, b, n, o), PROBE_MATCH);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "ntp"), "stratum")), 10);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "ntp"), "version")), 4);
	cr_expect_str_eq(pc_str(o, "ntp.refid"), "127.127.1.1");
	cr_expect_str_eq(pc_str(o, "service"), "ntp");
	json_decref(o);
	pc_truncations("ntp", 0, 123, b, n, 1);
	/* a reply that does not echo our transmit time is not ours */
	b[28] ^= 0xff;
	o = json_object();
	cr_expect_eq(pc_run("ntp", 0, 123, 1, b, n, o), PROBE_NO_MATCH);
	json_decref(o);
	/* mode 6/7 answers are never accepted */
	b[28] ^= 0xff;
	b[0] = (b[0] & ~7) | 7;
	o = json_object();
	cr_expect_eq(pc_run("ntp", 0, 123, 1, b, n, o), PROBE_NO_MATCH);
	json_decref(o);
	free(b);
}
