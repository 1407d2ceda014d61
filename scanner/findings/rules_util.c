/*
 * rules_util.c - document getters and policy questions for the rules.
 *
 * Results documents may come from another heiiki version or be edited by
 * hand, so every getter accepts a missing or mistyped field and treats it
 * as absent; nothing here trusts a string to be an address before
 * addr_parse() said so.
 */
#include <string.h>

#include "rules_priv.h"

const char *
rj_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

long long
rj_int(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int
rj_has_risk(const json_t *svc, const char *flag)
{
	json_t *arr = json_object_get(svc, "risks"), *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), flag))
			return 1;
	return 0;
}

int
rj_svc_open(const json_t *svc)
{
	const char *st = rj_str(svc, "state");

	if (!strcmp(st, "open"))
		return 1;
	/* UDP: a probe that got an answer proves the port is open. */
	return !strcmp(st, "open|filtered") && *rj_str(svc, "service");
}

int
rj_svc_is(const json_t *svc, const char *name, const char *proto, long long port)
{
	const char *s = rj_str(svc, "service");

	if (*s && strcmp(s, "unknown"))
		return !strcmp(s, name);
	return !strcmp(rj_str(svc, "proto"), proto) && rj_int(svc, "port") == port;
}

static const char *
rj_first(const json_t *o, const char *const *keys)
{
	for (; *keys; keys++)
		if (*rj_str(o, *keys))
			return rj_str(o, *keys);
	return "";
}

/*
 * A flow that never got through: "attempt": true as heiiki capture writes
 * it, or (older documents, other producers) a TCP state that says the
 * responder never answered the SYN, or no packet back at all.
 */
static int
rj_flow_attempt(const json_t *f)
{
	const char *st = rj_str(f, "state");
	json_t *a = json_object_get(f, "attempt");

	if (json_is_boolean(a))
		return json_is_true(a);
	if (!strcmp(st, "syn_sent") || !strcmp(st, "rejected"))
		return 1;
	return rj_int(f, "packets_out") > 0 && rj_int(f, "packets_in") == 0;
}

int
rj_flow(const json_t *f, struct rflow *out)
{
	static const char *const srck[] = { "src", "saddr", "src_addr", "client", NULL };
	static const char *const dstk[] = { "dst", "daddr", "dst_addr", "server", NULL };
	json_t *pr = json_object_get(f, "proto");
	long long dp = rj_int(f, "dport");

	memset(out, 0, sizeof(*out));
	if (addr_parse(rj_first(f, srck), &out->src) < 0 ||
	    addr_parse(rj_first(f, dstk), &out->dst) < 0)
		return 0;
	addr_fmt(&out->src, out->src_s);
	addr_fmt(&out->dst, out->dst_s);
	if (json_is_integer(pr))
		snprintf(out->proto, sizeof(out->proto), "%s",
			 json_integer_value(pr) == 6 ? "tcp" :
		       json_integer_value(pr) == 17 ? "udp" : "ip");
	else if (json_is_string(pr) && json_string_length(pr) < sizeof(out->proto))
		memcpy(out->proto, json_string_value(pr), json_string_length(pr) + 1);
	if (dp < 0)
		dp = rj_int(f, "dst_port");
	if (dp < 0)
		dp = rj_int(f, "server_port");
	out->dport = dp < 0 ? 0 : dp;
	out->attempt = rj_flow_attempt(f);
	return 1;
}

static int
name_in(char (*list)[POLICY_NAME_MAX], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name) || !strcmp(list[i], "*"))
			return 1;
	return 0;
}

int
rp_rule_port(const struct service_rule *sr, const char *proto, long long port,
	     const char *svc)
{
	uint8_t pn = !strcmp(proto, "udp") ? 17 : 6;

	if (svc && *svc && !strcmp(sr->service, svc))
		return 1;
	if (sr->proto != pn)
		return 0;
	for (size_t i = 0; i < sr->nports; i++)
		if (sr->ports[i] == port)
			return 1;
	return 0;
}

int
rp_rule_zone(const struct service_rule *sr, const char *zone)
{
	return sr->nzones == 0 || name_in(sr->zones, sr->nzones, zone ? zone : "");
}

int
rp_source_ok(const struct policy *p, const struct service_rule *sr,
	     const struct addr *src, const char *src_zone)
{
	const struct source_set *f = &sr->from;

	if (f->any)
		return 1;
	if (src && tset_contains(&f->nets, src))
		return 1;
	if (src_zone && *src_zone && name_in(f->zones, f->nzones, src_zone))
		return 1;
	/* from: may name vendors; their sources count. */
	for (size_t v = 0; src && v < p->nvendors; v++) {
		const struct vendor *vd = &p->vendors[v];

		if ((name_in(f->zones, f->nzones, vd->name) || !strcmp(sr->vendor, vd->name)) &&
		    tset_contains(&vd->sources, src))
			return 1;
	}
	return 0;
}

int
rp_allowed(const struct policy *p, const char *zone, const char *proto,
	   long long port, const char *svc, const struct addr *src,
	   const char *src_zone, int check_source)
{
	for (size_t i = 0; p && i < p->nrules; i++) {
		const struct service_rule *sr = &p->rules[i];

		if (sr->deny || !rp_rule_port(sr, proto, port, svc) || !rp_rule_zone(sr, zone))
			continue;
		if (!check_source || rp_source_ok(p, sr, src, src_zone))
			return 1;
	}
	return 0;
}
