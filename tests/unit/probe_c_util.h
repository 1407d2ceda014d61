/*
 * probe_c_util.h - static helpers for the tests of the cascade-era probes
 * (redis, memcached, mysql, postgresql, dns, ntp, ldap, mail): replay a
 * recorded reply, check every truncation and a few lies.
 */
#ifndef HEIIKI_TEST_PROBE_C_UTIL_H
#define HEIIKI_TEST_PROBE_C_UTIL_H

#include "probe_a_util.h"

static inline enum probe_verdict
pc_run(const char *name, int step, uint16_t port, int eof, const void *b, size_t n, json_t *out)
{
	const struct probe *p = probe_by_name(name);
	struct probe_ctx c = pa_ctx(step, port, eof);

	cr_assert_not_null(p, "no probe %s", name);
	c.out = out;
	c.now = 1900000000;
	return probe_run_bytes(p, &c, b, n, out);
}

/* hello(step) into a buffer of cap bytes; returns its length (-1: refused). */
static inline long
pc_hello(const char *name, int step, uint16_t port, const json_t *out, uint8_t *buf, size_t cap)
{
	const struct probe *p = probe_by_name(name);
	struct probe_ctx c = pa_ctx(step, port, 0);
	size_t n = 0;

	cr_assert_not_null(p);
	c.out = out;
	c.now = 1900000000;
	if (!p->hello)
		return 0;
	if (p->hello(&c, buf, cap, &n) < 0)
		return -1;
	cr_assert_leq(n, cap, "%s hello wrote past cap", name);
	return (long)n;
}

/* Every prefix of a reply: never MATCH before the whole reply without eof
 * (when strict), never a crash either way; every hello buffer size. */
static inline void
pc_truncations(const char *name, int step, uint16_t port, const uint8_t *b, size_t n, int strict)
{
	for (size_t k = 0; k < n; k++)
		for (int eof = 0; eof < 2; eof++) {
			json_t *o = json_object();
			enum probe_verdict v = pc_run(name, step, port, eof, b, k, o);

			if (strict && !eof)
				cr_expect_neq(v, PROBE_MATCH, "%s: prefix %zu of %zu matched", name, k, n);
			json_decref(o);
		}
	for (size_t cap = 0; cap < 64; cap++) {
		uint8_t *buf = malloc(cap ? cap : 1);

		pc_hello(name, step, port, NULL, buf, cap);
		free(buf);
	}
}

static inline const char *
pc_str(const json_t *o, const char *path)
{
	char part[64];
	const json_t *v = o;

	while (*path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		v = json_object_get(v, part);
		path += n + (dot != NULL);
	}
	return json_string_value(v);
}

static inline int
pc_has_risk(const json_t *o, const char *flag)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(o, "risks"), i, v)
		if (!strcmp(json_string_value(v), flag))
			return 1;
	return 0;
}

#endif
