/*
 * test_probe_netbios.c - NetBIOS node status: request bytes, the reply
 * recorded from Samba 4.17 nmbd (LABNB in HOSPITAL), foreign ids, lying
 * counts and lengths, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_netbios;

#define NB_HOST "198.18.60.60"

Test(probe_netbios, nbstat_request)
{
	struct probe_ctx c = pb_ctx(NB_HOST, 137, 0);
	uint8_t buf[64];
	size_t len = 0;

	cr_assert_eq(probe_netbios.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 50);
	cr_assert_eq(buf[2] | buf[3], 0, "query, no broadcast flag");
	cr_assert_eq(buf[12], 32);
	cr_assert_eq(memcmp(buf + 13, "CKAAAA", 6), 0, "wildcard name '*'");
	cr_assert_eq(buf[47], 0x21, "NBSTAT");
	cr_assert_eq(probe_netbios.hello(&c, buf, 49, &len), -1);
}

Test(probe_netbios, nmbd_names)
{
	struct probe_ctx c = pb_ctx(NB_HOST, 137, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_netbios, &c, "netbios", "netbios-nmbd.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "netbios-ns");
	cr_assert_str_eq(pb_str(out, "netbios", "hostname"), "LABNB");
	cr_assert_str_eq(pb_str(out, "netbios", "workgroup"), "HOSPITAL");
	cr_assert_str_eq(pb_str(out, "netbios", "mac"), "00:00:00:00:00:00",
	    "Samba reports a zero unit ID");
	cr_assert_geq(json_array_size(pb_get(out, "netbios", "names")), 3);
	json_decref(out);
}

Test(probe_netbios, malformed_foreign_truncated)
{
	struct probe_ctx c = pb_ctx(NB_HOST, 137, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("netbios", "netbios-nmbd.step0.bin", &len);
	uint8_t *x = malloc(len);

	pb_truncations(&probe_netbios, &c, b, len, 0);
	memcpy(x, b, len);
	x[0] ^= 0xff;
	cr_assert_eq(pb_parse(&probe_netbios, &c, x, len, out), PROBE_NO_MATCH, "other id");
	memcpy(x, b, len);
	x[56] = 0xff;		/* name count 255: more than rdata holds */
	cr_assert_eq(pb_parse(&probe_netbios, &c, x, len, out), PROBE_MALFORMED);
	memcpy(x, b, len);
	x[54] = 0xff;		/* rdlength past the datagram */
	cr_assert_eq(pb_parse(&probe_netbios, &c, x, len, out), PROBE_MALFORMED);
	memcpy(x, b, len);
	x[7] = 0;		/* no answer: negative response */
	cr_assert_eq(pb_parse(&probe_netbios, &c, x, len, out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "netbios"));
	json_decref(out);
	free(x);
	free(b);
	pb_garbage(&probe_netbios, NB_HOST, 137);
}
