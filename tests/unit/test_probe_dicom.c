/*
 * test_probe_dicom.c - DICOM probe: A-ASSOCIATE-RQ layout, replies recorded
 * from DCMTK 3.6.7 storescp (accepts any called AE) and dcmqrscp (rejects
 * an unknown called AE), A-RELEASE, A-ABORT, malformed variants.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_dicom;

#define DCM_HOST "198.18.50.40"

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int
contains(const uint8_t *b, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(b + i, s, k))
			return 1;
	return 0;
}

Test(probe_dicom, associate_rq_layout)
{
	struct probe_ctx c = pb_ctx(DCM_HOST, 104, 0);
	uint8_t buf[1024];
	size_t len = 0;

	cr_assert_eq(probe_dicom.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(buf[0], 0x01);
	cr_assert_eq(be32_at(buf + 2), len - 6);
	cr_assert(!memcmp(buf + 10, "ANY-SCP         ", 16));
	cr_assert(!memcmp(buf + 26, "HEIIKI          ", 16));
	cr_assert(contains(buf, len, "1.2.840.10008.1.1"));
	cr_assert(contains(buf, len, "1.2.840.10008.3.1.1.1"));
	cr_assert(contains(buf, len, "2.25."));
	cr_assert(!contains(buf, len, "1.2.276.0.7230010"), "never another product's UID");
	cr_assert_eq(probe_dicom.hello(&c, buf, 100, &len), -1);
	/* long / odd scanner id: truncated to 16, backslash replaced */
	c.scanner_id = "scan\\ner-with-a-very-long-name";
	cr_assert_eq(probe_dicom.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert(!memcmp(buf + 26, "scan_ner-with-a-", 16));
	c.step = 1;
	cr_assert_eq(probe_dicom.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 10);
	cr_assert(!memcmp(buf, "\x05\x00\x00\x00\x00\x04\x00\x00\x00\x00", 10));
}

Test(probe_dicom, storescp_accepts_any_ae_then_release)
{
	struct probe_ctx c0 = pb_ctx(DCM_HOST, 104, 0), c1 = pb_ctx(DCM_HOST, 104, 1);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_dicom, &c0, "dicom", "storescp-accept.step0.bin", out),
	    PROBE_NEXT_STEP);
	cr_assert_str_eq(pb_str(out, "dicom", "outcome"), "accepted");
	cr_assert_str_eq(pb_str(out, "dicom", "pc_result"), "acceptance");
	cr_assert_str_eq(pb_str(out, "dicom", "implementation_version_name"), "OFFIS_DCMTK_367");
	cr_assert_str_eq(pb_str(out, "dicom", "implementation_class_uid"),
	    "1.2.276.0.7230010.3.0.3.6.7");
	cr_assert_eq(json_integer_value(pb_get(out, "dicom", "max_pdu_length")), 16384);
	cr_assert(pb_has_risk(out, "dicom-any-ae-title"));
	cr_assert_eq(pb_parse_file(&probe_dicom, &c1, "dicom", "storescp-accept.step1.bin", out),
	    PROBE_MATCH);
	cr_assert(json_is_true(pb_get(out, "dicom", "released")));
	json_decref(out);
}

Test(probe_dicom, dcmqrscp_rejects_called_ae)
{
	struct probe_ctx c0 = pb_ctx(DCM_HOST, 11112, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_dicom, &c0, "dicom", "dcmqrscp-reject.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "dicom", "outcome"), "rejected");
	cr_assert_str_eq(pb_str(out, "dicom", "rj_result"), "rejected-permanent");
	cr_assert_str_eq(pb_str(out, "dicom", "rj_reason"), "called-ae-title-not-recognized");
	cr_assert(!pb_has_risk(out, "dicom-any-ae-title"));
	json_decref(out);
}

Test(probe_dicom, abort_and_release_eof)
{
	static const uint8_t abrt[10] = { 0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0 };
	struct probe_ctx c0 = pb_ctx(DCM_HOST, 104, 0), c1 = pb_ctx(DCM_HOST, 104, 1);
	json_t *out = json_object();

	cr_assert_eq(pb_parse(&probe_dicom, &c0, abrt, sizeof(abrt), out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "dicom", "outcome"), "aborted");
	cr_assert_eq(json_integer_value(pb_get(out, "dicom", "abort_source")), 2);
	c1.eof = 1;
	cr_assert_eq(pb_parse(&probe_dicom, &c1, NULL, 0, out), PROBE_MATCH);
	cr_assert(json_is_false(pb_get(out, "dicom", "released")));
	json_decref(out);
}

Test(probe_dicom, malformed_and_truncated)
{
	struct probe_ctx c0 = pb_ctx(DCM_HOST, 104, 0);
	size_t len;
	uint8_t *b = pb_load("dicom", "storescp-accept.step0.bin", &len);
	json_t *out;
	uint8_t rj[10];

	pb_truncations(&probe_dicom, &c0, b, len, 1);
	/* PDU length far past the cap */
	b[2] = 0x7f;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_dicom, &c0, b, len, out), PROBE_NO_MATCH);
	json_decref(out);
	b[2] = 0;
	/* first item (application context) claims more than the PDU holds */
	cr_assert_eq(b[74], 0x10);
	b[76] = 0x40;
	out = json_object();
	cr_assert_eq(pb_parse(&probe_dicom, &c0, b, len, out), PROBE_MALFORMED);
	cr_assert(!pb_has_risk(out, "dicom-any-ae-title"));
	json_decref(out);
	free(b);
	b = pb_load("dicom", "dcmqrscp-reject.step0.bin", &len);
	cr_assert_eq(len, 10);
	memcpy(rj, b, 10);
	rj[5] = 5;	/* A-ASSOCIATE-RJ must be exactly 4 bytes */
	out = json_object();
	cr_assert_eq(pb_parse(&probe_dicom, &c0, rj, 10, out), PROBE_NO_MATCH);
	json_decref(out);
	free(b);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_dicom, &c0, (const uint8_t *)"HTTP/1.1 400", 12, out),
	    PROBE_NO_MATCH);
	json_decref(out);
	pb_garbage(&probe_dicom, DCM_HOST, 104);
}
