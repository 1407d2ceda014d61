/*
 * test_probe_mqtt.c - MQTT probe: the CONNECT bytes, CONNACKs recorded from
 * mosquitto 2.0.11 (allow_anonymous true -> 0, false -> 5), DISCONNECT
 * step, truncations, wrong lengths, reserved bits, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_mqtt;

#define MQTT_HOST "198.18.60.20"

Test(probe_mqtt, connect_bytes_no_credentials)
{
	struct probe_ctx c = pb_ctx(MQTT_HOST, 1883, 0);
	uint8_t buf[128];
	size_t len = 0;
	static const uint8_t want[] = { 0x10, 25, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
		0, 13, 'h', 'e', 'i', 'i', 'k', 'i', '-', 'H', 'E', 'I', 'I', 'K', 'I' };

	cr_assert_eq(probe_mqtt.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
	cr_assert_eq(buf[9] & 0xc0, 0, "no user name / password flags");
	cr_assert_eq(probe_mqtt.hello(&c, buf, 10, &len), -1, "never past cap");
	c.scanner_id = "a b;c/d\"e0123456789012345678901234";
	cr_assert_eq(probe_mqtt.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(buf[13], 23, "client id capped at 23 safe characters");
	c.step = 1;
	cr_assert_eq(probe_mqtt.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 2);
	cr_assert_eq(buf[0], 0xe0, "step 1 is DISCONNECT");
	c.step = 2;
	cr_assert_eq(probe_mqtt.hello(&c, buf, sizeof(buf), &len), -1);
}

Test(probe_mqtt, mosquitto_anonymous)
{
	struct probe_ctx c = pb_ctx(MQTT_HOST, 1883, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_mqtt, &c, "mqtt", "mqtt-anon.step0.bin", out),
	    PROBE_NEXT_STEP, "accepted: DISCONNECT next");
	cr_assert_str_eq(pb_str(out, NULL, "service"), "mqtt");
	cr_assert_str_eq(pb_str(out, "mqtt", "connack"), "accepted");
	cr_assert(pb_has_risk(out, "mqtt-anonymous"));
	c.step = 1;
	c.eof = 1;
	cr_assert_eq(pb_parse_file(&probe_mqtt, &c, "mqtt", "mqtt-anon.step1.bin", out),
	    PROBE_MATCH, "broker closed after DISCONNECT");
	c.eof = 0;
	cr_assert_eq(pb_parse(&probe_mqtt, &c, NULL, 0, out), PROBE_NEED_MORE);
	json_decref(out);
}

Test(probe_mqtt, mosquitto_not_authorized)
{
	struct probe_ctx c = pb_ctx(MQTT_HOST, 1884, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_mqtt, &c, "mqtt", "mqtt-auth.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "mqtt", "connack"), "not-authorized");
	cr_assert_eq(json_integer_value(pb_get(out, "mqtt", "connack_code")), 5);
	cr_assert(!pb_has_risk(out, "mqtt-anonymous"));
	json_decref(out);
}

Test(probe_mqtt, malformed_and_truncated)
{
	struct probe_ctx c = pb_ctx(MQTT_HOST, 1883, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("mqtt", "mqtt-anon.step0.bin", &len);

	pb_truncations(&probe_mqtt, &c, b, len, 1);
	cr_assert_eq(pb_parse(&probe_mqtt, &c, (const uint8_t *)"\x20\x03\x00\x00\x00", 5, out),
	    PROBE_NO_MATCH, "CONNACK of length 3 is not 3.1.1");
	cr_assert_eq(pb_parse(&probe_mqtt, &c, (const uint8_t *)"\x20\x02\x02\x00", 4, out),
	    PROBE_MALFORMED, "reserved acknowledge flags set");
	cr_assert_eq(pb_parse(&probe_mqtt, &c, (const uint8_t *)"HTTP/1.1 400", 12, out),
	    PROBE_NO_MATCH);
	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_mqtt, &c, (const uint8_t *)"\x20\x02\x00", 3, out),
	    PROBE_MALFORMED, "short CONNACK at eof");
	cr_assert_eq(pb_parse(&probe_mqtt, &c, NULL, 0, out), PROBE_NO_MATCH);
	cr_assert(!pb_has_risk(out, "mqtt-anonymous"));
	json_decref(out);
	free(b);
	pb_garbage(&probe_mqtt, MQTT_HOST, 1883);
}
