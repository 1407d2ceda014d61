/*
 * test_probe_hl7.c - HL7 MLLP probe: the only bytes sent are an empty
 * frame; NAK header fields are kept, anything else (possible patient data)
 * is dropped.  The NAK file comes from the lab's scripted listener on
 * python3-hl7 MLLP streams (no HL7 engine is packaged in Debian).
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_hl7;

#define HL7_HOST "198.18.50.45"

static enum probe_verdict
hl7_run(const char *s, size_t n, json_t *out)
{
	struct probe_ctx c = pb_ctx(HL7_HOST, 2575, 0);

	return pb_parse(&probe_hl7, &c, (const uint8_t *)s, n, out);
}

Test(probe_hl7, hello_is_empty_frame_only)
{
	struct probe_ctx c = pb_ctx(HL7_HOST, 2575, 0);
	uint8_t buf[16];
	size_t len = 0;

	cr_assert_eq(probe_hl7.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 3);
	cr_assert(!memcmp(buf, "\x0b\x1c\x0d", 3));
	c.step = 1;
	cr_assert_eq(probe_hl7.hello(&c, buf, sizeof(buf), &len), -1, "one step only");
}

Test(probe_hl7, scripted_listener_nak)
{
	struct probe_ctx c = pb_ctx(HL7_HOST, 2575, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("hl7", "scripted-nak.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_hl7, &c, b, len, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "hl7-mllp");
	cr_assert_str_eq(pb_str(out, "hl7", "msh3_sending_application"), "LABENGINE");
	cr_assert_str_eq(pb_str(out, "hl7", "msh4_sending_facility"), "LABHOSP");
	cr_assert_str_eq(pb_str(out, "hl7", "msh9_message_type"), "ACK");
	cr_assert_str_eq(pb_str(out, "hl7", "msh12_version"), "2.5");
	cr_assert_str_eq(pb_str(out, "hl7", "msa1_ack_code"), "AE");
	cr_assert(pb_has_risk(out, "hl7-mllp-listener"));
	json_decref(out);
	pb_truncations(&probe_hl7, &c, b, len, 1);
	free(b);
}

Test(probe_hl7, empty_frame_echo)
{
	json_t *out = json_object();

	cr_assert_eq(hl7_run("\x0b\x1c\x0d", 3, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "hl7", "reply"), "empty-frame");
	cr_assert(pb_has_risk(out, "hl7-mllp-listener"));
	json_decref(out);
}

Test(probe_hl7, patient_segments_never_stored)
{
	static const char msg[] = "\x0bMSH|^~\\&|EHR|GENHOSP|LAB|GENHOSP|20260101||ADT^A01|77|P|2.3\r"
	    "PID|1||123456^^^MRN||YAMADA^TARO||19700101|M\rPV1|1|I|W1^101^1\r\x1c\x0d";
	json_t *out = json_object();
	char *dump;

	cr_assert_eq(hl7_run(msg, sizeof(msg) - 1, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "hl7", "msh9_message_type"), "ADT^A01");
	cr_assert_eq(json_integer_value(pb_get(out, "hl7", "other_segments_dropped")), 2);
	cr_assert(json_is_true(pb_get(out, "hl7", "unexpected_content")));
	dump = json_dumps(out, 0);
	cr_assert(!strstr(dump, "YAMADA") && !strstr(dump, "123456") && !strstr(dump, "W1"));
	free(dump);
	json_decref(out);
}

Test(probe_hl7, custom_separator_and_long_fields)
{
	char msg[400] = "\x0bMSH#^~\\&#";
	json_t *out = json_object();
	size_t n;

	memset(msg + 10, 'A', 200);
	memcpy(msg + 210, "#FAC\rMSA#AR#1\r\x1c\x0d", 16);
	n = 226;
	cr_assert_eq(hl7_run(msg, n, out), PROBE_MATCH);
	cr_assert_eq(strlen(pb_str(out, "hl7", "msh3_sending_application")), 64,
	    "fields are capped");
	cr_assert_str_eq(pb_str(out, "hl7", "msh4_sending_facility"), "FAC");
	cr_assert_str_eq(pb_str(out, "hl7", "msa1_ack_code"), "AR");
	json_decref(out);
}

Test(probe_hl7, not_mllp_and_unterminated)
{
	static uint8_t big[8192];
	struct probe_ctx c = pb_ctx(HL7_HOST, 2575, 0);
	json_t *out = json_object();

	cr_assert_eq(hl7_run("HTTP/1.1 400 Bad Request\r\n", 26, out), PROBE_NO_MATCH);
	cr_assert_eq(hl7_run("\x0bMSH|^~\\&|X", 11, out), PROBE_NEED_MORE);
	memset(big, 'x', sizeof(big));
	big[0] = 0x0b;
	cr_assert_eq(pb_parse(&probe_hl7, &c, big, sizeof(big), out), PROBE_MALFORMED,
	    "no trailer within the cap");
	cr_assert(!pb_has_risk(out, "hl7-mllp-listener"));
	cr_assert_eq(hl7_run("\x0b\x1c\x0dgarbage", 10, out), PROBE_MATCH);
	cr_assert_eq(hl7_run("\x0bXYZ\x1c\x0d", 6, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "hl7", "reply"), "mllp-frame");
	json_decref(out);
	pb_garbage(&probe_hl7, HL7_HOST, 2575);
}
