/*
 * policy_check.c - checks that need more than one section of a policy.
 *
 *  - every CIDR of a non-external zone lies inside an explicit scope;
 *  - every vendor's may_reach names a zone or a service rule;
 *  - no service is both allowed and denied for the same zone and source
 *    (the rules would contradict each other, and whichever a reader
 *    trusts, the report would be wrong).
 *
 * Each failure points at the node that caused it, using marks kept by the
 * section parsers.
 */
#include <stdio.h>
#include <string.h>

#include "policy_priv.h"

int
policy_check_scope(struct pctx *pc)
{
	struct policy *p = pc->p;
	char buf[2 * ADDR_STRLEN + 4];

	for (size_t i = 0; i < pc->nznets; i++) {
		const struct zone_net *zn = &pc->znets[i];
		const struct zone *z = &p->zones[zn->zone];

		if (z->role == ZONE_EXTERNAL || tset_covers(&p->scope, &zn->r))
			continue;
		return pc_error(pc, zn->mark, "zone '%s': '%s' is outside scope",
				z->name, range_fmt(&zn->r, buf, sizeof(buf)));
	}
	return 0;
}

static const struct service_rule *
rule_by_name(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].name, name))
			return &p->rules[i];
	return NULL;
}

static yaml_node_t *
map_value(struct pctx *pc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pr;

	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pc_node(pc, pr->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return pc_node(pc, pr->value);
	}
	return NULL;
}

int
policy_check_vendors(struct pctx *pc)
{
	struct policy *p = pc->p;
	yaml_node_t *seq = pc->top[TK_VENDORS];

	for (size_t i = 0; seq && i < p->nvendors; i++) {
		const struct vendor *vd = &p->vendors[i];
		yaml_node_t *mr;

		if (!vd->nmay_reach)
			continue;
		mr = map_value(pc, pc_item(pc, seq, i), "may_reach");
		for (size_t j = 0; mr && j < vd->nmay_reach; j++) {
			const char *name = vd->may_reach[j];
			const struct service_rule *r = rule_by_name(p, name);
			yaml_mark_t m = pc_item(pc, mr, j)->start_mark;

			if (r && r->vendor[0] && strcmp(r->vendor, vd->name))
				return pc_error(pc, m,
						"vendor '%s': may_reach: rule '%s' is granted to vendor '%s'",
						vd->name, name, r->vendor);
			if (!r && !policy_zone_by_name(p, name))
				return pc_error(pc, m,
						"vendor '%s': may_reach: '%s' is neither a zone nor a service rule",
						vd->name, name);
		}
	}
	return 0;
}

static int
ports_meet(const struct service_rule *a, const struct service_rule *b,
	   uint16_t *port)
{
	if (a->proto != b->proto)
		return 0;
	for (size_t i = 0; i < a->nports; i++)
		for (size_t j = 0; j < b->nports; j++)
			if (a->ports[i] == b->ports[j]) {
				*port = a->ports[i];
				return 1;
			}
	return 0;
}

static const char *
zones_meet(const struct service_rule *a, const struct service_rule *b)
{
	for (size_t i = 0; i < a->nzones; i++)
		for (size_t j = 0; j < b->nzones; j++) {
			if (!strcmp(a->zones[i], b->zones[j]) || !strcmp(b->zones[j], "*"))
				return a->zones[i];
			if (!strcmp(a->zones[i], "*"))
				return b->zones[j];
		}
	return NULL;
}

/* 1 when both sets share a range exactly (both are sorted: one walk). */
static int
same_range(const struct tset *a, const struct tset *b)
{
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		if (a->r[i].lo == b->r[j].lo && a->r[i].hi == b->r[j].hi)
			return 1;
		if (a->r[i].lo < b->r[j].lo ||
		    (a->r[i].lo == b->r[j].lo && a->r[i].hi < b->r[j].hi))
			i++;
		else
			j++;
	}
	return 0;
}

/*
 * "The same source": both any, a zone named by both, or one range named
 * by both.  A narrower source is an exception, not a contradiction: "deny
 * rdp from any" next to "allow rdp from the vendor's address" is how a
 * policy grants one vendor a hole.
 */
static int
same_source(const struct source_set *a, const struct source_set *b)
{
	if (a->any && b->any)
		return 1;
	for (size_t i = 0; i < a->nzones; i++)
		for (size_t j = 0; j < b->nzones; j++)
			if (!strcmp(a->zones[i], b->zones[j]))
				return 1;
	return same_range(&a->nets, &b->nets);
}

int
policy_check_rules(struct pctx *pc)
{
	const struct policy *p = pc->p;

	for (size_t j = 1; j < p->nrules; j++) {
		const struct service_rule *b = &p->rules[j];

		for (size_t i = 0; i < j; i++) {
			const struct service_rule *a = &p->rules[i];
			const char *zone;
			uint16_t port;

			if (a->deny == b->deny || !ports_meet(a, b, &port) ||
			    !same_source(&a->from, &b->from) || !(zone = zones_meet(a, b)))
				continue;
			return pc_error(pc, pc->rule_marks[j],
					"service rule '%s' contradicts rule '%s' (line %d): %s/%u is both allowed and denied in zone '%s' for the same source",
					b->name, a->name, a->line,
					b->proto == 17 ? "udp" : "tcp", port, zone);
		}
	}
	return 0;
}
