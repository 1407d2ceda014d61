/*
 * test_probe_amqp.c - AMQP probe: protocol header, Connection.Start
 * recorded from RabbitMQ 3.10.8, a version-mismatch header reply, lying
 * frame and table lengths, frame-end, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_amqp;

#define AMQP_HOST "198.18.60.100"

Test(probe_amqp, rabbitmq_start)
{
	struct probe_ctx c = pb_ctx(AMQP_HOST, 5672, 0);
	json_t *out = json_object();
	uint8_t buf[16];
	size_t len = 0;

	cr_assert_eq(probe_amqp.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 8);
	cr_assert_arr_eq(buf, "AMQP\0\0\x09\x01", 8);
	cr_assert_eq(pb_parse_file(&probe_amqp, &c, "amqp", "amqp-rabbitmq.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "amqp");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "RabbitMQ");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "3.10.8");
	cr_assert_str_eq(pb_str(out, "amqp", "platform"), "Erlang/OTP 25.2.3");
	cr_assert_not_null(strstr(pb_str(out, "amqp", "mechanisms"), "PLAIN"));
	json_decref(out);
}

Test(probe_amqp, header_reply_and_malformed)
{
	struct probe_ctx c = pb_ctx(AMQP_HOST, 5672, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("amqp", "amqp-rabbitmq.step0.bin", &len);
	uint8_t *x = malloc(len);

	cr_assert_eq(pb_parse(&probe_amqp, &c, (const uint8_t *)"AMQP\0\1\0\0", 8, out),
	    PROBE_MATCH, "version mismatch: server's header");
	cr_assert_eq(json_integer_value(json_array_get(pb_get(out, "amqp", "header_reply"), 1)), 1);
	json_decref(out);
	out = json_object();
	memcpy(x, b, len);
	x[len - 1] = 0;		/* frame-end must be 0xce */
	cr_assert_eq(pb_parse(&probe_amqp, &c, x, len, out), PROBE_MALFORMED);
	memcpy(x, b, len);
	x[3] = 0x7f;		/* frame size over the cap */
	cr_assert_eq(pb_parse(&probe_amqp, &c, x, len, out), PROBE_NO_MATCH);
	memcpy(x, b, len);
	x[15] = 0x7f;		/* server-properties length past the frame */
	cr_assert_eq(pb_parse(&probe_amqp, &c, x, len, out), PROBE_MALFORMED);
	memcpy(x, b, len);
	x[9] = 11;		/* class 10 method 11 is not Start */
	cr_assert_eq(pb_parse(&probe_amqp, &c, x, len, out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "product"));
	json_decref(out);
	pb_truncations(&probe_amqp, &c, b, len, 1);
	free(x);
	free(b);
	pb_garbage(&probe_amqp, AMQP_HOST, 5672);
}
