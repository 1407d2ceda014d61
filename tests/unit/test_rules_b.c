/*
 * test_rules_b.c - positive and negative tests of the findings rows for the
 * risk flags of probes B (issue 13): each row fires on an open service
 * carrying its flag, and not on the same service without it (another flag
 * set) or when the service is closed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/findings/rules.h"

#define RB_NOV22 1795348800	/* 2026-11-22T12:00:00Z */

static struct policy rbpol;
static struct results *rbres;

static void
rb_setup(void)
{
	char err[POLICY_ERR_MAX], path[512];
	const char *src = getenv("HEIIKI_SRCDIR");

	snprintf(path, sizeof(path), "%s/tests/findings/policy.yaml", src ? src : ".");
	cr_assert_eq(policy_load(path, &rbpol, err, sizeof(err)), 0, "%s", err);
	rbres = results_new("scan");
	cr_assert_not_null(rbres);
}

static void
rb_teardown(void)
{
	results_free(rbres);
	policy_free(&rbpol);
}

TestSuite(rules_b, .init = rb_setup, .fini = rb_teardown);

static size_t
rb_count(const char *id, json_t **first)
{
	char err[256];
	json_t *f;
	size_t i, n = 0;

	cr_assert_not_null(rule_by_id(id), "no rule %s", id);
	cr_assert_geq(findings_apply(rbres, &rbpol, NULL, RB_NOV22, err, sizeof(err)), 0, "%s", err);
	*first = NULL;
	json_array_foreach(results_array(rbres, "findings"), i, f) {
		if (strcmp(json_string_value(json_object_get(f, "rule")), id))
			continue;
		if (!*first)
			*first = f;
		n++;
	}
	return n;
}

static void
rb_pair(const char *flag, const char *id, const char *proto, unsigned port, const char *sev)
{
	struct addr a;
	json_t *s, *f;
	const struct rule *r = rule_by_id(id);

	cr_assert_not_null(r);
	cr_assert_eq(addr_parse("198.18.10.7", &a), 0);
	s = results_service(rbres, &a, proto, port, 1);
	cr_assert_not_null(s);
	json_object_set_new(s, "state", json_string("closed"));
	results_add_risk(s, flag);
	cr_assert_eq(rb_count(id, &f), 0, "%s fired on a closed service", id);
	json_object_set_new(s, "state", json_string("open"));
	json_object_del(s, "risks");
	results_add_risk(s, "some-other-risk");
	cr_assert_eq(rb_count(id, &f), 0, "%s fired without %s", id, flag);
	results_add_risk(s, flag);
	cr_assert_eq(rb_count(id, &f), 1, "%s did not fire on %s", id, flag);
	cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), sev);
	cr_assert_str_eq(json_string_value(json_object_get(f, "addr")), "198.18.10.7");
	cr_assert_eq(json_integer_value(json_object_get(f, "port")), port);
	cr_assert(r->title_ja && strlen(r->title_ja) > strlen("MQTT"), "%s: Japanese title", id);
	cr_assert(r->checklist && *r->checklist);
}

Test(rules_b, mqtt_anonymous)
{
	rb_pair("mqtt-anonymous", "MQTT_ANONYMOUS", "tcp", 1883, "high");
}

Test(rules_b, tftp_open)
{
	rb_pair("tftp-open", "TFTP_OPEN", "udp", 69, "medium");
}

Test(rules_b, ajp_open)
{
	rb_pair("ajp-open", "AJP_OPEN", "tcp", 8009, "high");
}

Test(rules_b, zabbix_agent_open)
{
	rb_pair("zabbix-agent-open", "ZABBIX_AGENT_OPEN", "tcp", 10050, "medium");
}

Test(rules_b, open_proxy)
{
	rb_pair("open-proxy", "OPEN_PROXY", "tcp", 3128, "high");
}

Test(rules_b, ipmi_anonymous)
{
	rb_pair("ipmi-anonymous", "IPMI_ANONYMOUS", "udp", 623, "critical");
}

Test(rules_b, ipmi_cipher_zero)
{
	rb_pair("ipmi-cipher-zero", "IPMI_CIPHER_ZERO", "udp", 623, "critical");
}

Test(rules_b, pacs_api_open)
{
	rb_pair("pacs-api-open", "PACS_API_OPEN", "tcp", 8042, "critical");
}

Test(rules_b, remote_support_tool)
{
	rb_pair("remote-support-tool", "REMOTE_SUPPORT_TOOL", "tcp", 5900, "medium");
}

Test(rules_b, cups_admin_open)
{
	rb_pair("cups-admin-open", "CUPS_ADMIN_OPEN", "tcp", 631, "high");
}
