/*
 * policy_rules.c - the "services:" and "geo:" sections of a policy.
 *
 * A service rule says where a service may (or must not) be reachable and
 * from where: zones it applies to, sources ("any", addresses, CIDRs or
 * zone names), an optional vendor it was granted to and an optional
 * "until:" date with a reason - the temporary vendor exceptions a hospital
 * must remember to close.  A geo rule lists the countries a zone may talk
 * to, per direction.  Zones and vendors are read before this file runs, so
 * every name is checked at the node that holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

#define F(key) policy_fld(what, sizeof(what), ctx, key)

/* Every name in a zone list must be "*" or a declared zone. */
static int
check_zone_list(struct pctx *pc, yaml_node_t *seq, const char *what,
		char (*names)[POLICY_NAME_MAX], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], "*") && !policy_zone_by_name(pc->p, names[i]))
			return pc_error(pc, pc_item(pc, seq, i)->start_mark,
					"%s: unknown zone '%s'", what, names[i]);
	return 0;
}

static int
looks_like_addr(const char *s)
{
	return strchr(s, ':') || strchr(s, '/') || (*s >= '0' && *s <= '9');
}

static int
from_item(struct pctx *pc, yaml_node_t *it, const char *what,
	  struct source_set *f)
{
	char text[2 * ADDR_STRLEN + 8], rerr[160];
	struct range r;

	if (pc_str(pc, it, what, text, sizeof(text)) < 0)
		return -1;
	if (!strcmp(text, "any")) {
		f->any = 1;
		return 0;
	}
	if (policy_zone_by_name(pc->p, text)) {
		memcpy(f->zones[f->nzones++], text, strlen(text) + 1);
		return 0;
	}
	if (range_parse(text, &r, rerr, sizeof(rerr)) == 0) {
		if (tset_add(&f->nets, &r) < 0)
			return pc_error(pc, it->start_mark, "out of memory");
		return 0;
	}
	if (looks_like_addr(text))
		return pc_error(pc, it->start_mark, "%s: %s", what, rerr);
	return pc_error(pc, it->start_mark,
			"%s: '%s' is neither a declared zone nor an address, CIDR or range",
			what, text);
}

static int
parse_from(struct pctx *pc, yaml_node_t *seq, const char *what,
	   struct source_set *f)
{
	size_t n;

	if (pc_seq(pc, seq, what, &n) < 0)
		return -1;
	if (n == 0)
		return pc_error(pc, seq->start_mark,
				"%s: at least one source is required (use [any])", what);
	f->zones = calloc(n, sizeof(*f->zones));
	if (!f->zones)
		return pc_error(pc, seq->start_mark, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (from_item(pc, pc_item(pc, seq, i), what, f) < 0)
			return -1;
	return 0;
}

static int
rule_service(struct pctx *pc, yaml_node_t *n, const char *what,
	     struct service_rule *r)
{
	uint16_t ports[POLICY_MAX_SERVICE_PORTS];
	size_t np;

	if (pc_str(pc, n, what, r->service, sizeof(r->service)) < 0)
		return -1;
	if (policy_service_ports(r->service, &r->proto, ports,
				 POLICY_MAX_SERVICE_PORTS, &np) < 0)
		return pc_error(pc, n->start_mark,
				"%s: '%s' is not a known service name or tcp/PORT, udp/PORT, tcp/LO-HI of at most %d ports (see docs/policy.md)",
				what, r->service, POLICY_MAX_SERVICE_PORTS);
	r->ports = malloc(np * sizeof(*r->ports));
	if (!r->ports)
		return pc_error(pc, n->start_mark, "out of memory");
	memcpy(r->ports, ports, np * sizeof(*r->ports));
	r->nports = np;
	return 0;
}

static int
rule_action(struct pctx *pc, yaml_node_t *n, const char *what, int *deny)
{
	char buf[16];

	if (pc_str(pc, n, what, buf, sizeof(buf)) < 0)
		return -1;
	if (!strcmp(buf, "allow") || !strcmp(buf, "deny")) {
		*deny = buf[0] == 'd';
		return 0;
	}
	return pc_error(pc, n->start_mark, "%s: expected allow or deny, got '%s'",
			what, buf);
}

/* The optional fields of a rule: from, action, until, reason, vendor. */
static int
rule_options(struct pctx *pc, yaml_node_t *item, yaml_node_t *v[], const char *ctx,
	     struct service_rule *r)
{
	char what[CTX_MAX];

	if (v[3] && parse_from(pc, v[3], F("from"), &r->from) < 0)
		return -1;
	if (!v[3])
		r->from.any = 1;
	if ((v[4] && rule_action(pc, v[4], F("action"), &r->deny) < 0) ||
	    (v[5] && pc_date(pc, v[5], F("until"), &r->until, r->until_str) < 0) ||
	    (v[6] && pc_str(pc, v[6], F("reason"), r->reason, sizeof(r->reason)) < 0) ||
	    (v[7] && pc_name(pc, v[7], F("vendor"), r->vendor, sizeof(r->vendor)) < 0))
		return -1;
	if (v[7]) {
		size_t j;

		for (j = 0; j < pc->p->nvendors; j++)
			if (!strcmp(pc->p->vendors[j].name, r->vendor))
				break;
		if (j == pc->p->nvendors)
			return pc_error(pc, v[7]->start_mark,
					"%s: '%s' is not a declared vendor",
					F("vendor"), r->vendor);
	}
	if (v[5] && !v[6])
		return pc_error(pc, item->start_mark,
				"%s: an exception with 'until' needs a 'reason'", ctx);
	return 0;
}

static int
parse_rule(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "name", "service", "zones", "from",
		"action", "until", "reason", "vendor", NULL };
	struct policy *p = pc->p;
	struct service_rule *r = &p->rules[i];
	yaml_node_t *v[8];
	char ctx[CTX_MAX], what[CTX_MAX];

	pc_item_ctx(pc, item, "service rule", "name", i, ctx, sizeof(ctx));
	pc->rule_marks[i] = item->start_mark;
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "name") < 0 ||
	    pc_require(pc, item, v[1], ctx, "service") < 0 ||
	    pc_require(pc, item, v[2], ctx, "zones") < 0 ||
	    pc_name(pc, v[0], F("name"), r->name, sizeof(r->name)) < 0)
		return -1;
	r->line = (int)item->start_mark.line + 1;
	for (size_t j = 0; j < i; j++)
		if (!strcmp(p->rules[j].name, r->name))
			return pc_error(pc, v[0]->start_mark,
					"%s: duplicate rule name (first declared at line %d)",
					ctx, p->rules[j].line);
	if (rule_service(pc, v[1], F("service"), r) < 0 ||
	    policy_parse_names(pc, v[2], F("zones"), &r->zones, &r->nzones, 1) < 0 ||
	    check_zone_list(pc, v[2], F("zones"), r->zones, r->nzones) < 0)
		return -1;
	return rule_options(pc, item, v, ctx, r);
}

int
policy_parse_rules(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "services", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->rules = calloc(n, sizeof(*p->rules));
	pc->rule_marks = calloc(n, sizeof(*pc->rule_marks));
	if (!p->rules || !pc->rule_marks)
		return pc_error(pc, seq->start_mark, "out of memory");
	for (size_t i = 0; i < n; i++) {
		tset_init(&p->rules[i].from.nets);
		p->nrules = i + 1;
		if (parse_rule(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

static int
geo_dir(struct pctx *pc, yaml_node_t *n, const char *what, enum geo_dir *d)
{
	char buf[16];

	if (pc_str(pc, n, what, buf, sizeof(buf)) < 0)
		return -1;
	if (!strcmp(buf, "inbound"))
		*d = GEO_INBOUND;
	else if (!strcmp(buf, "outbound"))
		*d = GEO_OUTBOUND;
	else if (!strcmp(buf, "both"))
		*d = GEO_BOTH;
	else
		return pc_error(pc, n->start_mark,
				"%s: expected inbound, outbound or both, got '%s'",
				what, buf);
	return 0;
}

static int
geo_countries(struct pctx *pc, yaml_node_t *seq, const char *what,
	      struct geo_rule *g)
{
	char buf[8];
	size_t n;

	if (pc_seq(pc, seq, what, &n) < 0)
		return -1;
	if (n == 0)
		return pc_error(pc, seq->start_mark,
				"%s: at least one country is required", what);
	g->countries = calloc(n, sizeof(*g->countries));
	if (!g->countries)
		return pc_error(pc, seq->start_mark, "out of memory");
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = pc_item(pc, seq, i);

		if (pc_str(pc, it, what, buf, sizeof(buf)) < 0)
			return -1;
		if (strlen(buf) != 2 || buf[0] < 'A' || buf[0] > 'Z' ||
		    buf[1] < 'A' || buf[1] > 'Z')
			return pc_error(pc, it->start_mark,
					"%s: '%s' is not a country code (two upper-case letters, ISO 3166-1 alpha-2)",
					what, buf);
		memcpy(g->countries[i], buf, 3);
		g->ncountries = i + 1;
	}
	return 0;
}

static const char *
dir_name(enum geo_dir d)
{
	return d == GEO_INBOUND ? "inbound" : d == GEO_OUTBOUND ? "outbound" : "both";
}

static int
parse_geo_rule(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "zone", "direction", "countries", NULL };
	struct geo_rule *g = &pc->p->geo[i];
	yaml_node_t *v[3];
	char ctx[CTX_MAX], what[CTX_MAX];

	snprintf(ctx, sizeof(ctx), "geo rule #%zu", i + 1);
	g->line = (int)item->start_mark.line + 1;
	g->dir = GEO_BOTH;
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "zone") < 0 ||
	    pc_require(pc, item, v[2], ctx, "countries") < 0)
		return -1;
	if (v[0]->type == YAML_SCALAR_NODE &&
	    !strcmp((const char *)v[0]->data.scalar.value, "*"))
		memcpy(g->zone, "*", 2);
	else if (pc_name(pc, v[0], F("zone"), g->zone, sizeof(g->zone)) < 0)
		return -1;
	else if (!policy_zone_by_name(pc->p, g->zone))
		return pc_error(pc, v[0]->start_mark, "%s: unknown zone '%s'", what, g->zone);
	if ((v[1] && geo_dir(pc, v[1], F("direction"), &g->dir) < 0) ||
	    geo_countries(pc, v[2], F("countries"), g) < 0)
		return -1;
	for (size_t j = 0; j < i; j++) {
		const struct geo_rule *o = &pc->p->geo[j];

		if (!strcmp(o->zone, g->zone) && (o->dir & g->dir))
			return pc_error(pc, item->start_mark,
					"%s: zone '%s' direction %s is already governed by the geo rule at line %d",
					ctx, g->zone, dir_name(g->dir), o->line);
	}
	return 0;
}

int
policy_parse_geo(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "geo", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->geo = calloc(n, sizeof(*p->geo));
	if (!p->geo)
		return pc_error(pc, seq->start_mark, "out of memory");
	for (size_t i = 0; i < n; i++) {
		p->ngeo = i + 1;
		if (parse_geo_rule(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}
