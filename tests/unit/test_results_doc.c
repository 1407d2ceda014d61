/*
 * test_results_doc.c - docs/results.md against a real results document:
 * a capture of tests/pcap/three-exits.pcap judged by 'heiiki check' with
 * the demo policy.  Every member the document holds (run, hosts, flows,
 * exits, peers, findings) must be documented in its section's table, and
 * every documented member must appear in the real document unless this
 * test names why it cannot (optional members, other producers).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
srcdir(void)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	return s && *s ? s : ".";
}

/* Documented but not in this capture document, and why. */
static const char *const not_here[] = {
	"run.policy_hash",	/* capture run without a policy, check adds findings only */
	"run.site", "run.vantage", "run.warnings", "run.sources",
	"run.period",		/* only a rotated capture's period documents */
	"run.id",		/* a scan's */
	"run.sweep",		/* a scan's, not a capture's */
	"run.flow_export",	/* a flow-export capture's (capture --nfdump) */
	"exits.addr", "exits.gateway", "exits.name", "exits.purpose", "exits.zone",
	/* accepted alternatives and policy-only members */
	"peers.as_org", "peers.asn",	/* need an ASN database */
	"flows.fragments", "flows.service", "flows.src_country", "flows.vlan",
	"hosts.hostnames", "hosts.seen_by", "hosts.vendor",
	NULL,
};

static int
excused(const char *sec, const char *m)
{
	char k[128];

	snprintf(k, sizeof(k), "%s.%s", sec, m);
	for (const char *const *p = not_here; *p; p++)
		if (!strcmp(*p, k))
			return 1;
	return 0;
}

/* Members named in the first column of the section "## `sec`". */
static json_t *
documented(const char *md, const char *sec)
{
	char head[64];
	const char *p, *end;
	json_t *set = json_object();

	snprintf(head, sizeof(head), "\n## `%s`", sec);
	p = strstr(md, head);
	cr_assert_not_null(p, "docs/results.md has no section %s", sec);
	p += strlen(head);
	end = strstr(p, "\n## ");
	{
		const char *sub = strstr(p, "\n### ");

		if (sub && (!end || sub < end))
			end = sub;
	}
	if (!end)
		end = p + strlen(p);
	while ((p = strstr(p, "\n| `")) && p < end) {
		const char *bar = strchr(p + 3, '|'), *q = p + 3;

		while (bar && (q = strchr(q, '`')) && q < bar) {
			const char *e = strchr(q + 1, '`');
			char name[64];

			if (!e || e > bar)
				break;
			snprintf(name, sizeof(name), "%.*s", (int)(e - q - 1), q + 1);
			json_object_set_new(set, name, json_true());
			q = e + 1;
		}
		p++;
	}
	return set;
}

static void
compare(const char *md, json_t *doc, const char *sec)
{
	json_t *docd = documented(md, sec), *seen = json_object(), *arr, *o, *v;
	const char *k;
	size_t i;

	arr = !strcmp(sec, "run") ? json_pack("[O]", json_object_get(doc, "run")) :
	      json_incref(json_object_get(doc, sec));
	cr_assert_gt(json_array_size(arr), 0, "the real document has no %s", sec);
	json_array_foreach(arr, i, o)
		json_object_foreach(o, k, v)
			json_object_set_new(seen, k, json_true());
	json_object_foreach(seen, k, v)
		cr_expect_not_null(json_object_get(docd, k),
				   "%s.%s is in the real document but not in docs/results.md", sec, k);
	json_object_foreach(docd, k, v)
		cr_expect(json_object_get(seen, k) || excused(sec, k),
			  "docs/results.md documents %s.%s but the real document has none", sec, k);
	json_decref(arr);
	json_decref(seen);
	json_decref(docd);
}

Test(results_doc, documented_members_match_a_real_document, .timeout = 60)
{
	char dir[] = "/tmp/heiiki-rdoc-XXXXXX", cmd[2048], path[1100], *md;
	const char *h = getenv("HEIIKI");
	json_error_t je;
	json_t *doc;
	FILE *f;
	long n;

	cr_assert_not_null(h);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cd '%s/tests/unit' && '%s' capture -r ../pcap/three-exits.pcap "
		 "--no-geoip -o %s/c.json 2>/dev/null && '%s' check --policy ../lab/demo-policy.yaml "
		 "--fail-on none -o %s/c.json %s/c.json 2>/dev/null", srcdir(), h, dir, h, dir, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/c.json", dir);
	doc = json_load_file(path, 0, &je);
	cr_assert_not_null(doc, "%s", je.text);
	snprintf(path, sizeof(path), "%s/docs/results.md", srcdir());
	f = fopen(path, "r");
	cr_assert_not_null(f);
	md = calloc(1, 1 << 20);
	n = (long)fread(md, 1, (1 << 20) - 1, f);
	fclose(f);
	cr_assert_gt(n, 0);
	for (const char *const *s = (const char *const[]){ "run", "hosts", "flows", "exits",
							    "peers", "findings", NULL }; *s; s++)
		compare(md, doc, *s);
	free(md);
	json_decref(doc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}
