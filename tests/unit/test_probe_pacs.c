/*
 * test_probe_pacs.c - PACS REST probe: the GETs, Orthanc 1.10.1 recorded
 * with and without authentication, the dcm4chee-arc path (404 on /system,
 * then /dcm4chee-arc/aets), study lists cut by the byte cap or chunked,
 * other web servers, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_pacs;

#define PACS_HOST "198.18.60.150"

static enum probe_verdict
pacs_at(int step, const char *plan, const char *reply, json_t *out)
{
	struct probe_ctx c = pb_ctx(PACS_HOST, 8042, step);

	if (plan)
		json_object_set_new(out, "_pacs", json_string(plan));
	c.eof = 1;
	return pb_parse(&probe_pacs, &c, (const uint8_t *)reply, strlen(reply), out);
}

Test(probe_pacs, requests)
{
	struct probe_ctx c = pb_ctx(PACS_HOST, 8042, 0);
	json_t *plan = json_object();
	uint8_t buf[512];
	size_t len = 0;

	c.out = plan;
	cr_assert_eq(probe_pacs.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "GET /system HTTP/1.1\r\nHost: 198.18.60.150:8042\r\n", 48));
	cr_assert_not_null(strstr((char *)buf, "User-Agent: heiiki/HEIIKI\r\n"));
	c.step = 1;
	cr_assert_eq(probe_pacs.hello(&c, buf, sizeof(buf), &len), -1, "no plan: nothing more");
	json_object_set_new(plan, "_pacs", json_string("orthanc"));
	cr_assert_eq(probe_pacs.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "GET /studies HTTP/1.1\r\n", 23));
	json_object_set_new(plan, "_pacs", json_string("dcm4chee"));
	cr_assert_eq(probe_pacs.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "GET /dcm4chee-arc/aets HTTP/1.1\r\n", 33));
	cr_assert_eq(probe_pacs.hello(&c, buf, 40, &len), -1, "never past cap");
	c.step = 2;
	cr_assert_eq(probe_pacs.hello(&c, buf, sizeof(buf), &len), -1);
	c.step = 0;
	c.host = "198.18.60.150\r\nX: y";
	cr_assert_eq(probe_pacs.hello(&c, buf, sizeof(buf), &len), -1, "no header injection");
	json_decref(plan);
}

Test(probe_pacs, orthanc_open_recorded)
{
	struct probe_ctx c0 = pb_ctx(PACS_HOST, 8042, 0), c1 = pb_ctx(PACS_HOST, 8042, 1);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_pacs, &c0, "pacs", "pacs-orthanc-open.step0.bin", out),
	    PROBE_RECONNECT);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Orthanc");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "1.10.1");
	cr_assert_str_eq(pb_str(out, "pacs", "dicom_aet"), "LABPACS");
	cr_assert_eq(json_integer_value(pb_get(out, "pacs", "dicom_port")), 4242);
	cr_assert(!pb_has_risk(out, "pacs-api-open"), "not before the study list");
	cr_assert_eq(pb_parse_file(&probe_pacs, &c1, "pacs", "pacs-orthanc-open.step1.bin", out),
	    PROBE_MATCH);
	cr_assert(json_is_true(pb_get(out, "pacs", "studies_readable")));
	cr_assert_eq(json_integer_value(pb_get(out, "pacs", "studies")), 0);
	cr_assert(pb_has_risk(out, "pacs-api-open"));
	json_decref(out);
}

Test(probe_pacs, orthanc_auth_recorded)
{
	struct probe_ctx c = pb_ctx(PACS_HOST, 8042, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_pacs, &c, "pacs", "pacs-orthanc-auth.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Orthanc");
	cr_assert(json_is_true(pb_get(out, "pacs", "authentication_required")));
	cr_assert(!pb_has_risk(out, "pacs-api-open"));
	json_decref(out);
}

Test(probe_pacs, dcm4chee_and_long_lists)
{
	json_t *out = json_object();

	cr_assert_eq(pacs_at(0, NULL, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", out),
	    PROBE_RECONNECT);
	cr_assert_str_eq(pb_str(out, NULL, "_pacs"), "dcm4chee");
	cr_assert_eq(pacs_at(1, NULL, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 30\r\n\r\n[{\"dicomAETitle\":\"DCM4CHEE\"}]", out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "dcm4chee-arc");
	cr_assert_eq(json_integer_value(pb_get(out, "pacs", "aets")), 1);
	cr_assert(pb_has_risk(out, "pacs-api-open"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(pacs_at(1, "dcm4chee", "HTTP/1.1 401 Unauthorized\r\n\r\n", out),
	    PROBE_NO_MATCH, "dcm4chee locked, or not dcm4chee: claim nothing");
	json_decref(out);
	/* a study list cut by the byte cap (Content-Length larger) still flags */
	out = json_object();
	cr_assert_eq(pacs_at(1, "orthanc", "HTTP/1.1 200 OK\r\nContent-Length: 900000\r\n\r\n"
	    "[ \"0b7e\", \"1c2f", out), PROBE_MATCH);
	cr_assert(pb_has_risk(out, "pacs-api-open"));
	cr_assert_null(pb_get(out, "pacs", "studies"), "length unknown");
	json_decref(out);
	out = json_object();
	cr_assert_eq(pacs_at(1, "orthanc", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "a\r\n[\"0b7e\",\"\r\n", out), PROBE_MATCH);
	cr_assert(pb_has_risk(out, "pacs-api-open"), "chunked list");
	json_decref(out);
	out = json_object();
	cr_assert_eq(pacs_at(1, "orthanc", "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
	    out), PROBE_MATCH);
	cr_assert(!pb_has_risk(out, "pacs-api-open"));
	cr_assert_eq(json_integer_value(pb_get(out, "pacs", "studies_status")), 403);
	json_decref(out);
}

Test(probe_pacs, not_pacs_truncated_garbage)
{
	struct probe_ctx c = pb_ctx(PACS_HOST, 8042, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("pacs", "pacs-orthanc-open.step0.bin", &len);

	cr_assert_eq(pacs_at(0, NULL, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"Name\":\"x\"}",
	    out), PROBE_NO_MATCH, "JSON without Version/DicomAet is another service");
	cr_assert_eq(pacs_at(0, NULL, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<html",
	    out), PROBE_NO_MATCH);
	cr_assert_eq(pacs_at(0, NULL, "SSH-2.0-OpenSSH_9.2\r\n", out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "product"));
	json_decref(out);
	pb_truncations(&probe_pacs, &c, b, len, 1);
	free(b);
	pb_garbage(&probe_pacs, PACS_HOST, 8042);
}
