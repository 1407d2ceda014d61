/*
 * probe_a_util.h - shared static helpers for probe engineer A's tests
 * (test_probe_{rdp,tls,http,ssh,telnet,ftp,banner,runner,vpn}.c).
 *
 * Replies recorded from real servers (tests/probes/record_a.sh) and the
 * recorded-style portal responses live in tests/probes/data/<probe>/, read
 * relative to $HEIIKI_SRCDIR.  Everything is static: each test file gets
 * its own copy inside the one unit-test binary.
 */
#ifndef HEIIKI_TEST_PROBE_A_UTIL_H
#define HEIIKI_TEST_PROBE_A_UTIL_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "probes/runner.h"
#include "probes/vpn_db.h"

static inline uint8_t *
pa_load(const char *dir, const char *name, size_t *len)
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
	cr_assert(n >= 0 && n < (1 << 20));
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

static inline struct probe_ctx
pa_ctx(int step, uint16_t port, int eof)
{
	struct probe_ctx c;

	memset(&c, 0, sizeof(c));
	c.step = step;
	c.scanner_id = "heiiki-test";
	c.port = port;
	c.host = "198.18.50.10";
	c.eof = eof;
	c.now = 1900000000;	/* 2030-03-17 */
	return c;
}

/* Run a probe on bytes; out is kept by the caller. */
static inline enum probe_verdict
pa_run(const char *probe, struct probe_ctx *c, const void *b, size_t n, json_t *out)
{
	const struct probe *p = probe_by_name(probe);

	cr_assert_not_null(p, "probe %s not registered", probe);
	c->out = out;
	return probe_run_bytes(p, c, b, n, out);
}

static inline enum probe_verdict
pa_run_file(const char *probe, struct probe_ctx *c, const char *dir, const char *name, json_t *out)
{
	size_t n;
	uint8_t *b = pa_load(dir, name, &n);
	enum probe_verdict v = pa_run(probe, c, b, n, out);

	free(b);
	return v;
}

static inline int
pa_has_risk(const json_t *out, const char *flag)
{
	json_t *r = json_object_get(out, "risks"), *v;
	size_t i;

	json_array_foreach(r, i, v)
		if (!strcmp(json_string_value(v), flag))
			return 1;
	return 0;
}

static inline const char *
pa_str(const json_t *o, const char *a, const char *b)
{
	const json_t *x = json_object_get(o, a);

	if (b)
		x = json_object_get(x, b);
	return json_string_value(x);
}

static inline int
pa_true(const json_t *o, const char *a, const char *b)
{
	return json_is_true(json_object_get(json_object_get(o, a), b));
}

#endif
