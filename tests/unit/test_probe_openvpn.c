/*
 * test_probe_openvpn.c - OpenVPN probe: the 14-byte hard reset, the reply
 * recorded from OpenVPN 2.6 (no tls-auth), malformed variants.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_openvpn;

#define OVPN_HOST "198.18.50.70"

Test(probe_openvpn, hello_hard_reset_client_v2)
{
	struct probe_ctx c = pb_ctx(OVPN_HOST, 1194, 0);
	uint8_t a[32], b[32];
	size_t la = 0, lb = 0;

	cr_assert_eq(probe_openvpn.hello(&c, a, sizeof(a), &la), 0);
	cr_assert_eq(la, 14);
	cr_assert_eq(a[0], 0x38);
	cr_assert(!memcmp(a + 9, "\0\0\0\0\0", 5));
	cr_assert_eq(probe_openvpn.hello(&c, b, sizeof(b), &lb), 0);
	cr_assert(!memcmp(a, b, 14), "session id derived from the target, stable");
	c.host = "198.18.50.71";
	cr_assert_eq(probe_openvpn.hello(&c, b, sizeof(b), &lb), 0);
	cr_assert(memcmp(a + 1, b + 1, 8), "other target, other session id");
	cr_assert_eq(probe_openvpn.hello(&c, b, 13, &lb), -1);
}

Test(probe_openvpn, openvpn26_reply)
{
	struct probe_ctx c = pb_ctx(OVPN_HOST, 1194, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("openvpn", "openvpn26.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_openvpn, &c, b, len, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "openvpn");
	cr_assert(json_is_true(pb_get(out, "openvpn", "session_id_echoed")));
	cr_assert(pb_has_risk(out, "openvpn-no-hmac"));
	json_decref(out);
	/* same reply for another target: still OpenVPN, echo not confirmed */
	c.host = "198.18.50.71";
	out = json_object();
	cr_assert_eq(pb_parse(&probe_openvpn, &c, b, len, out), PROBE_MATCH);
	cr_assert(json_is_false(pb_get(out, "openvpn", "session_id_echoed")));
	json_decref(out);
	c.host = OVPN_HOST;
	pb_truncations(&probe_openvpn, &c, b, len, 0);
	free(b);
}

Test(probe_openvpn, malformed_variants)
{
	struct probe_ctx c = pb_ctx(OVPN_HOST, 1194, 0);
	size_t len;
	uint8_t *b = pb_load("openvpn", "openvpn26.step0.bin", &len);
	json_t *out = json_object();

	b[9] = 9;			/* ACK array longer than allowed */
	cr_assert_eq(pb_parse(&probe_openvpn, &c, b, len, out), PROBE_NO_MATCH);
	b[9] = 3;			/* ACK array longer than the datagram */
	cr_assert_eq(pb_parse(&probe_openvpn, &c, b, len, out), PROBE_NO_MATCH);
	b[9] = 1;
	b[0] = 0x20;			/* P_CONTROL_V1: not a reset reply */
	cr_assert_eq(pb_parse(&probe_openvpn, &c, b, len, out), PROBE_NO_MATCH);
	cr_assert(!pb_has_risk(out, "openvpn-no-hmac"));
	json_decref(out);
	free(b);
	pb_garbage(&probe_openvpn, OVPN_HOST, 1194);
}
