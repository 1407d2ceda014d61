/*
 * test_report_dot.c - the diagram's colours carry the verdict: exactly
 * the undeclared exit (and the paths through it), the closed-zone egress,
 * each host and peer with a policy violation and the remote-access flow
 * a finding is about are red - nothing else (the legend's samples aside).
 * Uses the demo hospital's scan + capture with the assets policy; a
 * closed-zone host (imaging) is added to the capture's first exit.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "scanner/report/report.h"

static const char *
srcdir(void)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	return s && *s ? s : ".";
}

static char *
merged_dot(struct results **a, struct results **b, struct policy *pol)
{
	char path[1024], err[512], *out;
	struct report r;
	size_t len;
	json_t *x, *hosts;

	snprintf(path, sizeof(path), "%s/tests/golden/scan-hospital.json", srcdir());
	cr_assert_eq(results_load(path, a, err, sizeof(err)), 0, "%s", err);
	snprintf(path, sizeof(path), "%s/tests/golden/capture-partial.json", srcdir());
	cr_assert_eq(results_load(path, b, err, sizeof(err)), 0, "%s", err);
	/* an imaging (closed zone) host leaves through the declared NTT line */
	x = json_array_get(json_object_get(results_root(*b), "exits"), 0);
	json_array_append_new(json_object_get(x, "hosts"), json_string("198.18.24.5"));
	hosts = json_object_get(results_root(*b), "hosts");
	json_array_append_new(hosts, json_pack("{s:s, s:s}", "addr", "198.18.24.5", "zone",
					       "imaging"));
	snprintf(path, sizeof(path), "%s/tests/golden/policy-assets.yaml", srcdir());
	cr_assert_eq(policy_load(path, pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_geq(report_merge(results_root(*a), results_root(*b), err, sizeof(err)), 0);
	cr_assert_eq(report_init(&r, results_root(*a), pol, LANG_JA, err, sizeof(err)), 0);
	cr_assert_eq(report_render(&report_dot, &r, &out, &len, err, sizeof(err)), 0, "%s", err);
	report_fini(&r);
	return out;
}

/* The element a DOT line defines: "id" or "a" -> "b". */
static void
element(const char *line, char *buf, size_t len)
{
	const char *q1 = strchr(line, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
	const char *arrow = q2 ? strstr(q2, " -> \"") : NULL;

	buf[0] = '\0';
	if (!q2)
		return;
	if (arrow && arrow < strchr(line, '[')) {
		const char *q3 = arrow + 5, *q4 = strchr(q3, '"');

		snprintf(buf, len, "%.*s -> %.*s", (int)(q2 - q1 - 1), q1 + 1,
			 q4 ? (int)(q4 - q3) : 0, q3);
	} else {
		snprintf(buf, len, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
	}
}

Test(diagram, red_is_exactly_the_violations)
{
	static const char *const want[] = {
		"h:198.18.10.10",		/* RDP from a disallowed source, geo, expired cert */
		"h:198.18.20.7",		/* VNC without authentication */
		"h:198.18.40.1",		/* VPN portal */
		"h:198.18.0.254",		/* the undeclared exit's gateway (finding) */
		"x:0",				/* the undeclared exit */
		"router -> x:0",
		"h:198.18.20.7 -> x:0",		/* the PC behind the 4G line */
		"x:0 -> p:198.51.100.77",
		"p:203.0.113.50",		/* peer from a country not allowed */
		"x:2 -> p:203.0.113.50",
		"p:203.0.113.50 -> h:198.18.10.10",	/* that RDP flow */
		"h:198.18.24.5 -> x:2",		/* closed-zone egress */
		"lg:bad", "lg:u",		/* legend samples */
	};
	struct results *a = NULL, *b = NULL;
	struct policy pol;
	char *dot = merged_dot(&a, &b, &pol), *save = NULL, *line, el[256];
	size_t found[sizeof(want) / sizeof(want[0])] = { 0 };

	for (line = strtok_r(dot, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t k;

		if (!strstr(line, "color=red"))
			continue;
		element(line, el, sizeof(el));
		for (k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			if (!strcmp(el, want[k]))
				break;
		cr_expect_lt(k, sizeof(want) / sizeof(want[0]), "red but not a violation: %s", line);
		if (k < sizeof(want) / sizeof(want[0]))
			found[k]++;
	}
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		cr_expect_eq(found[k], 1, "%s: drawn red %zu times", want[k], found[k]);
	free(dot);
	results_free(a);
	results_free(b);
	policy_free(&pol);
}

Test(diagram, accepted_finding_is_not_red_and_ok_host_is_drawn_plain)
{
	struct results *a = NULL, *b = NULL;
	struct policy pol;
	char *dot = merged_dot(&a, &b, &pol), *l;

	/* 198.18.10.2 only has an accepted finding (SSH, until 2027-03-31) */
	l = strstr(dot, "\"h:198.18.10.2\" [");
	cr_assert_not_null(l);
	cr_expect(strstr(l, "\n") < strstr(l, "red") || !strstr(l, "red"));
	cr_expect_not_null(strstr(dot, "コアルータ / ファイアウォール"), "router node");
	cr_expect_not_null(strstr(dot, "凡例"), "legend");
	cr_expect_not_null(strstr(dot, "電子カルテ サーバ (198.18.10.10)"), "asset names");
	cr_expect_not_null(strstr(dot, "ltail=\"cluster_z"), "zones joined to the router");
	free(dot);
	results_free(a);
	results_free(b);
	policy_free(&pol);
}

Test(diagram, five_hundred_hosts_fold)
{
	char path[1024], err[512], *out;
	struct results *res = NULL;
	struct report r;
	size_t len, nodes = 0;

	snprintf(path, sizeof(path), "%s/tests/golden/synthetic-500.json", srcdir());
	cr_assert_eq(results_load(path, &res, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(report_init(&r, results_root(res), NULL, LANG_EN, err, sizeof(err)), 0);
	cr_assert_eq(report_render(&report_dot, &r, &out, &len, err, sizeof(err)), 0);
	/* node definitions only: "h:ADDR" [label=... (the layout's invisible
	 * row edges name hosts too) */
	for (const char *p = out; (p = strstr(p, "\"h:")); p++)
		if (strcspn(p + 1, "\"") < 64 && !strncmp(p + 1 + strcspn(p + 1, "\""), "\" [label", 8))
			nodes++;
	cr_expect_leq(nodes, 60, "%zu host nodes for 500 hosts", nodes);
	cr_expect_gt(nodes, 20, "%zu host nodes for 500 hosts", nodes);
	cr_expect_not_null(strstr(out, "[style=invis]"), "hosts of a zone are laid out in rows");
	cr_expect_not_null(strstr(out, "hosts without findings"));
	/* every host with a finding is drawn */
	cr_expect_not_null(strstr(out, "\"h:198.18.20.10\""));
	free(out);
	report_fini(&r);
	results_free(res);
}
