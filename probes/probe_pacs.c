/*
 * probe_pacs.c - PACS REST / DICOMweb readable without credentials.
 *
 * Orthanc (default HTTP port 8042):
 *   step 0  GET /system   -> 200 with JSON {"Name", "Version", "DicomAet",
 *                            ...}: product Orthanc, version, AE title;
 *                            401 with realm "Orthanc ...": Orthanc, locked
 *   step 1  GET /studies  -> 200 with a JSON array: the study list is
 *                            readable without credentials -> "pacs-api-open"
 * dcm4chee-arc (the archive UI/REST under /dcm4chee-arc, port 8080 when
 * the operator names it with --probe pacs):
 *   after /system answered 404, GET /dcm4chee-arc/aets -> 200 with a JSON
 *   array of AEs -> product dcm4chee-arc, "pacs-api-open".
 * Only GET, one path per connection, no query string, never a study id,
 * never an instance download; bodies are parsed with jansson and only the
 * fields named here are kept (the study list itself is not stored: its
 * length is).
 */
#include <string.h>

#include "probe.h"
#include "textproto.h"

#define PACS_MAX (64 * 1024)

static const uint16_t pacs_ports[] = { 8042, 0 };

/* out["_pacs"]: "orthanc" or "dcm4chee": what step 1 asks for. */
static const char *
pacs_plan(const struct probe_ctx *ctx)
{
	const char *p = json_string_value(json_object_get(ctx->out, "_pacs"));

	return p ? p : "";
}

static int
pacs_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *path;

	if (ctx->step == 0)
		path = "/system";
	else if (ctx->step == 1 && !strcmp(pacs_plan(ctx), "orthanc"))
		path = "/studies";
	else if (ctx->step == 1 && !strcmp(pacs_plan(ctx), "dcm4chee"))
		path = "/dcm4chee-arc/aets";
	else
		return -1;
	return tp_http_get(buf, cap, len, path, ctx->host, ctx->port, ctx->scanner_id,
			   "application/json");
}

static json_t *
pacs_obj(json_t *out)
{
	json_t *o = json_object_get(out, "pacs");

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "pacs", o);
	}
	return o;
}

static void
pacs_copy_str(json_t *dst, const char *key, json_t *src, const char *skey)
{
	const char *v = json_string_value(json_object_get(src, skey));

	if (v)
		probe_set_str(dst, key, (const uint8_t *)v, strlen(v) > 128 ? 128 : strlen(v));
}

static enum probe_verdict
pacs_system(int status, const uint8_t *hdr, size_t hl, const uint8_t *body, size_t blen,
	    json_t *out)
{
	char v[256];
	json_t *j, *o;

	if (status == 401 && tp_header(hdr, hl, "WWW-Authenticate", NULL, v, sizeof(v)) &&
	    strstr(v, "Orthanc")) {
		json_object_set_new(out, "service", json_string("http"));
		json_object_set_new(out, "product", json_string("Orthanc"));
		json_object_set_new(pacs_obj(out), "authentication_required", json_true());
		return PROBE_MATCH;
	}
	if (status == 404) {
		json_object_set_new(out, "_pacs", json_string("dcm4chee"));
		return PROBE_RECONNECT;
	}
	if (status != 200)
		return PROBE_NO_MATCH;
	j = json_loadb((const char *)body, blen, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "Version")) ||
	    !json_is_string(json_object_get(j, "DicomAet"))) {
		json_decref(j);
		return PROBE_NO_MATCH;		/* some other web service */
	}
	o = pacs_obj(out);
	json_object_set_new(out, "service", json_string("http"));
	json_object_set_new(out, "product", json_string("Orthanc"));
	pacs_copy_str(out, "version", j, "Version");
	pacs_copy_str(o, "name", j, "Name");
	pacs_copy_str(o, "dicom_aet", j, "DicomAet");
	if (json_is_integer(json_object_get(j, "DicomPort")))
		json_object_set(o, "dicom_port", json_object_get(j, "DicomPort"));
	json_object_set_new(o, "system_readable", json_true());
	json_decref(j);
	json_object_set_new(out, "_pacs", json_string("orthanc"));
	return PROBE_RECONNECT;
}

/*
 * A body cut by the byte cap (a long study list) or sent chunked does not
 * parse; it still starts like a JSON array: '[' first (after whitespace,
 * and after the first chunk-size line when chunked).
 */
static int
pacs_array_start(const uint8_t *b, size_t n, int chunked)
{
	size_t i = 0;

	if (chunked) {
		while (i < n && i < 16 && b[i] != '\n')
			i++;
		i++;
	}
	while (i < n && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t'))
		i++;
	return i < n && b[i] == '[';
}

static enum probe_verdict
pacs_list(const struct probe_ctx *ctx, int status, const uint8_t *body, size_t blen,
	  int chunked, json_t *out)
{
	int dcm4chee = !strcmp(pacs_plan(ctx), "dcm4chee");
	json_t *j, *o;

	if (status != 200) {
		if (!dcm4chee)
			json_object_set_new(pacs_obj(out), "studies_status", json_integer(status));
		return dcm4chee ? PROBE_NO_MATCH : PROBE_MATCH;
	}
	j = chunked ? NULL : json_loadb((const char *)body, blen, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(j)) {
		json_decref(j);
		if (!pacs_array_start(body, blen, chunked))
			return dcm4chee ? PROBE_NO_MATCH : PROBE_MATCH;
		j = NULL;	/* readable, length unknown */
	}
	o = pacs_obj(out);
	if (dcm4chee) {
		json_object_set_new(out, "service", json_string("http"));
		json_object_set_new(out, "product", json_string("dcm4chee-arc"));
		json_object_set_new(o, "aets_readable", json_true());
		if (j)
			json_object_set_new(o, "aets", json_integer((json_int_t)json_array_size(j)));
	} else {
		json_object_set_new(o, "studies_readable", json_true());
		if (j)
			json_object_set_new(o, "studies",
			    json_integer((json_int_t)json_array_size(j)));
	}
	json_decref(j);
	probe_risk(out, "pacs-api-open");
	return PROBE_MATCH;
}

static enum probe_verdict
pacs_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	const uint8_t *p = rd_ptr(in), *body = NULL;
	size_t n = rd_left(in), hl = 0, blen = 0;
	int status = 0, chunked = 0, r;

	if (ctx->step > 1)
		return PROBE_NO_MATCH;
	r = tp_http_split(p, n, ctx->eof, &status, &hl, &body, &blen, &chunked);
	if (r < 0) {
		/* step 1 of an identified Orthanc: keep what step 0 found */
		return ctx->step == 1 && !strcmp(pacs_plan(ctx), "orthanc") && ctx->eof ?
		    PROBE_MATCH : PROBE_NO_MATCH;
	}
	if (r == 0)
		return PROBE_NEED_MORE;
	if (ctx->step == 0)
		return pacs_system(status, p, hl, body, chunked ? 0 : blen, out);
	return pacs_list(ctx, status, body, blen, chunked, out);
}

const struct probe probe_pacs = {
	.name = "pacs",
	.summary = "PACS REST: Orthanc /system and /studies, dcm4chee-arc /aets readable without credentials",
	.ports = pacs_ports,
	.max_reply = PACS_MAX,
	.timeout_ms = 5000,
	.hello = pacs_hello,
	.parse = pacs_parse,
};
