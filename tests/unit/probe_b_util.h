/*
 * probe_b_util.h - shared static helpers for the probe tests of engineer B
 * (test_probe_{smb,vnc,dicom,hl7,snmp,ike,openvpn,pptp}.c).
 *
 * Replies recorded from real servers live in tests/probes/data/<probe>/
 * (made by tests/lab/test_probes_b.sh with HEIIKI_RECORD=DIR); they are
 * read relative to $HEIIKI_SRCDIR.  Everything here is static so each test
 * file gets its own copy in the one unit-test binary.
 */
#ifndef HEIIKI_TEST_PROBE_B_UTIL_H
#define HEIIKI_TEST_PROBE_B_UTIL_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"

/* Read tests/probes/data/<dir>/<name>; fails the test when missing. */
static inline uint8_t *
pb_load(const char *dir, const char *name, size_t *len)
{
	const char *src = getenv("HEIIKI_SRCDIR");
	char path[4096];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/probes/data/%s/%s", src ? src : ".", dir, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	cr_assert(n >= 0 && n < 1 << 20);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline struct probe_ctx
pb_ctx(const char *host, uint16_t port, int step)
{
	struct probe_ctx c;

	memset(&c, 0, sizeof(c));
	c.host = host;
	c.port = port;
	c.step = step;
	c.scanner_id = "HEIIKI";
	c.snmp_community = "public";
	return c;
}

/* parse() over a byte range, as the runner does (fresh cursor each time). */
static inline enum probe_verdict
pb_parse(const struct probe *p, const struct probe_ctx *ctx, const uint8_t *buf,
    size_t len, json_t *out)
{
	struct probe_ctx c = *ctx;
	struct rd in;

	c.out = out;
	rd_init(&in, buf, len);
	return p->parse(&c, &in, out);
}

/* Parse a data file at one step into out. */
static inline enum probe_verdict
pb_parse_file(const struct probe *p, const struct probe_ctx *ctx, const char *dir,
    const char *name, json_t *out)
{
	size_t len;
	uint8_t *buf = pb_load(dir, name, &len);
	enum probe_verdict v = pb_parse(p, ctx, buf, len, out);

	free(buf);
	return v;
}

static inline int
pb_has_risk(json_t *out, const char *flag)
{
	json_t *r = json_object_get(out, "risks"), *v;
	size_t i;

	json_array_foreach(r, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), flag))
			return 1;
	return 0;
}

/* out[obj][key] as a string, or "" */
static inline const char *
pb_str(json_t *out, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(out, obj) : out;
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static inline json_t *
pb_get(json_t *out, const char *obj, const char *key)
{
	return json_object_get(json_object_get(out, obj), key);
}

/*
 * Every strict prefix of a recorded reply: a stream parser must ask for
 * more (NEED_MORE); a datagram parser must refuse (never MATCH or a step
 * verdict).  Nothing may crash either way (the ASan build checks that).
 */
static inline void
pb_truncations(const struct probe *p, const struct probe_ctx *ctx, const uint8_t *buf,
    size_t len, int stream)
{
	for (size_t n = 0; n < len; n++) {
		json_t *out = json_object();
		enum probe_verdict v = pb_parse(p, ctx, buf, n, out);

		if (stream)
			cr_assert_eq(v, PROBE_NEED_MORE, "%s: prefix %zu/%zu gave %d",
			    p->name, n, len, v);
		else
			cr_assert(v == PROBE_MALFORMED || v == PROBE_NO_MATCH ||
			    v == PROBE_NEED_MORE, "%s: datagram prefix %zu/%zu gave %d",
			    p->name, n, len, v);
		json_decref(out);
	}
}

/* Deterministic garbage through every step: must not crash or leak. */
static inline void
pb_garbage(const struct probe *p, const char *host, uint16_t port)
{
	uint32_t x = 0x9e3779b9u;
	uint8_t buf[512];

	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round * 7) % sizeof(buf);

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (uint8_t)x;
		}
		for (int step = 0; step < PROBE_MAX_STEPS; step++) {
			struct probe_ctx c = pb_ctx(host, port, step);
			json_t *out = json_object();

			c.eof = round & 1;
			(void)pb_parse(p, &c, buf, n, out);
			cr_assert(json_is_object(out));
			json_decref(out);
		}
	}
}

#endif
