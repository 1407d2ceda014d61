/*
 * test_probe_zabbix.c - Zabbix agent probe: request framing, the reply of
 * zabbix_agentd 6.0.14 with our address in Server=, the silent close of
 * one that refuses, ZBX_NOTSUPPORTED, lying lengths, flags, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_zabbix;

#define ZBX_HOST "198.18.60.40"

Test(probe_zabbix, request_bytes)
{
	struct probe_ctx c = pb_ctx(ZBX_HOST, 10050, 0);
	uint8_t buf[64];
	size_t len = 0;
	static const uint8_t want[] = "ZBXD\x01\x0d\0\0\0\0\0\0\0agent.version";

	cr_assert_eq(probe_zabbix.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, sizeof(want) - 1);
	cr_assert_arr_eq(buf, want, len);
	cr_assert_eq(probe_zabbix.hello(&c, buf, 20, &len), -1);
}

Test(probe_zabbix, agent_open)
{
	struct probe_ctx c = pb_ctx(ZBX_HOST, 10050, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_zabbix, &c, "zabbix", "zabbix-open.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "zabbix-agent");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "6.0.14");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Zabbix agent");
	cr_assert(pb_has_risk(out, "zabbix-agent-open"));
	json_decref(out);
}

Test(probe_zabbix, agent_refuses_and_notsupported)
{
	struct probe_ctx c = pb_ctx("198.18.60.41", 10050, 0);
	json_t *out = json_object();
	static const uint8_t ns[] = "ZBXD\x01\x10\0\0\0\0\0\0\0ZBX_NOTSUPPORTED";

	c.eof = 1;
	cr_assert_eq(pb_parse_file(&probe_zabbix, &c, "zabbix", "zabbix-shut.step0.bin", out),
	    PROBE_NO_MATCH, "closed without a word");
	cr_assert(!pb_has_risk(out, "zabbix-agent-open"));
	cr_assert_eq(pb_parse(&probe_zabbix, &c, ns, sizeof(ns) - 1, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "zabbix-agent");
	cr_assert(!pb_has_risk(out, "zabbix-agent-open"));
	json_decref(out);
}

Test(probe_zabbix, malformed_and_truncated)
{
	struct probe_ctx c = pb_ctx(ZBX_HOST, 10050, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("zabbix", "zabbix-open.step0.bin", &len);
	uint8_t lie[32];

	pb_truncations(&probe_zabbix, &c, b, len, 1);
	memcpy(lie, b, len);
	lie[5] = 0xff;
	lie[6] = 0xff;
	cr_assert_eq(pb_parse(&probe_zabbix, &c, lie, len, out), PROBE_MALFORMED,
	    "length 65535 over the cap");
	lie[5] = 40;
	lie[6] = 0;
	cr_assert_eq(pb_parse(&probe_zabbix, &c, lie, len, out), PROBE_NEED_MORE);
	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_zabbix, &c, lie, len, out), PROBE_MALFORMED,
	    "shorter than announced at eof");
	memcpy(lie, b, len);
	lie[4] = 0x03;
	cr_assert_eq(pb_parse(&probe_zabbix, &c, lie, len, out), PROBE_MALFORMED,
	    "compressed flag on a 6-byte answer");
	cr_assert_eq(pb_parse(&probe_zabbix, &c, (const uint8_t *)"ZBXE", 4, out), PROBE_NO_MATCH);
	cr_assert(!pb_has_risk(out, "zabbix-agent-open"));
	json_decref(out);
	free(b);
	pb_garbage(&probe_zabbix, ZBX_HOST, 10050);
}
