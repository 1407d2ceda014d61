/*
 * policy_parse.c - read each section of the policy document into struct
 * policy (the schema is documented key by key in docs/policy.md).
 *
 * Sections are read in dependency order, not file order: scan settings,
 * zones, scope, do_not_scan, exits, vendors, service rules, geo rules.
 * That way every reference (a rule naming a zone or a vendor) can be
 * checked the moment it is read, at the node that holds it.  Arrays are
 * sized from the YAML list length up front and counted up as items are
 * filled, so policy_free() can release a half-read policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_priv.h"
#include "scanner/report/history.h"

/* The message name of field key of the current item (uses locals). */
#define F(key) policy_fld(what, sizeof(what), ctx, key)

const char *const policy_top_keys[] = {
	"version", "site", "zones", "scope", "do_not_scan", "scan", "services",
	"geo", "exits", "vendors", "geoip_db", "asn_db", "assets", "accept", "notify", "ledger",
	"history", NULL
};


static int
oom(struct pctx *pc, const yaml_node_t *n)
{
	return pc_error(pc, n->start_mark, "out of memory");
}

/* "ctx: key" into buf; the field name used in messages. */
const char *
policy_fld(char *buf, size_t len, const char *ctx, const char *key)
{
	/* A message name cut short is still a useful message. */
	if (snprintf(buf, len, "%s: %s", ctx, key) >= (int)len)
		buf[len - 1] = '\0';
	return buf;
}

static int
parse_role(struct pctx *pc, yaml_node_t *n, const char *what, enum zone_role *r)
{
	char buf[32];

	if (pc_str(pc, n, what, buf, sizeof(buf)) < 0)
		return -1;
	for (int i = 0; i < ZONE_ROLE_COUNT; i++) {
		if (!strcmp(buf, zone_role_name((enum zone_role)i))) {
			*r = (enum zone_role)i;
			return 0;
		}
	}
	return pc_error(pc, n->start_mark,
			"%s: '%s' is not a zone role (expected one of: clinical, server, office, vendor-boundary, dmz, management, guest, external)",
			what, buf);
}

/*
 * An internal network bigger than an IPv4 /8 or an IPv6 /16 is a typo
 * ("0.0.0.0/0" for an outside zone without role: external) that would
 * let a scan leave the hospital.  Outside networks use role external.
 */
static int
too_big(const struct range *r)
{
	u128 size = r->hi - r->lo;

	return range_is_v4(r) ? size >= ((u128)1 << 24) : size >= ((u128)1 << 112);
}

static int
big_error(struct pctx *pc, yaml_node_t *n, const char *ctx, const char *text,
	  const struct range *r)
{
	return pc_error(pc, n->start_mark,
			"%s: '%s' is larger than %s; internal networks that big are a mistake (outside networks are zones with role: external)",
			ctx, text, range_is_v4(r) ? "a /8" : "a /16");
}

/*
 * Scope and internal zones name hosts heiiki may send to: a block that is
 * broadcast, multicast, loopback, link-local, this-network or reserved
 * (addr.h) is refused with the offending block named.
 */
static int
special_error(struct pctx *pc, yaml_node_t *n, const char *ctx, const char *text,
	      const struct range *r)
{
	const char *block, *what = range_special(r, 0, &block, NULL);

	if (!what)
		return 0;
	return pc_error(pc, n->start_mark,
			"%s: '%s' overlaps %s %s; it can never be a scan target (a frame to it reaches a whole segment, this host or no host)",
			ctx, text, what, block);
}

/* One CIDR of zone zi: parse, refuse a CIDR another zone already has. */
static int
zone_net(struct pctx *pc, yaml_node_t *n, const char *ctx, size_t zi)
{
	struct policy *p = pc->p;
	char what[CTX_MAX], text[CIDR_STRLEN + 8], cerr[160];
	struct cidr c;
	struct range r;

	if (pc_str(pc, n, F("nets"), text, sizeof(text)) < 0)
		return -1;
	if (cidr_parse(text, &c, cerr, sizeof(cerr)) < 0)
		return pc_error(pc, n->start_mark, "%s: %s", ctx, cerr);
	cidr_range(&c, &r);
	if (p->zones[zi].role != ZONE_EXTERNAL && too_big(&r))
		return big_error(pc, n, ctx, text, &r);
	if (p->zones[zi].role != ZONE_EXTERNAL && special_error(pc, n, ctx, text, &r) < 0)
		return -1;
	for (size_t i = 0; i < pc->nznets; i++) {
		const struct zone_net *o = &pc->znets[i];

		if (o->r.lo != r.lo || o->r.hi != r.hi)
			continue;
		if (o->zone == zi)
			return pc_error(pc, n->start_mark, "%s: '%s' is listed twice",
					ctx, text);
		return pc_error(pc, n->start_mark,
				"%s: '%s' is also in zone '%s' (line %zu); zones may nest but not repeat a CIDR",
				ctx, text, p->zones[o->zone].name, o->mark.line + 1);
	}
	if (tset_add(&p->zones[zi].nets, &r) < 0)
		return oom(pc, n);
	pc->znets[pc->nznets].r = r;
	pc->znets[pc->nznets].zone = zi;
	pc->znets[pc->nznets].mark = n->start_mark;
	pc->nznets++;
	return 0;
}

static int
name_taken(struct pctx *pc, yaml_node_t *n, const char *ctx, const char *kind,
	   int line)
{
	return pc_error(pc, n->start_mark, "%s: duplicate %s name (first declared at line %d)",
			ctx, kind, line);
}

static int
parse_zone(struct pctx *pc, yaml_node_t *item, size_t zi)
{
	static const char *const keys[] = { "name", "role", "nets", "closed",
					    "description", NULL };
	struct policy *p = pc->p;
	struct zone *z = &p->zones[zi];
	yaml_node_t *v[5];
	char ctx[CTX_MAX], what[CTX_MAX];
	size_t n;

	pc_item_ctx(pc, item, "zone", "name", zi, ctx, sizeof(ctx));
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "name") < 0 ||
	    pc_require(pc, item, v[1], ctx, "role") < 0 ||
	    pc_require(pc, item, v[2], ctx, "nets") < 0 ||
	    pc_name(pc, v[0], F("name"), z->name,
		    sizeof(z->name)) < 0)
		return -1;
	z->line = (int)item->start_mark.line + 1;
	for (size_t i = 0; i < zi; i++)
		if (!strcmp(p->zones[i].name, z->name))
			return name_taken(pc, v[0], ctx, "zone", p->zones[i].line);
	if (parse_role(pc, v[1], F("role"), &z->role) < 0)
		return -1;
	if (v[3] && pc_bool(pc, v[3], F("closed"), &z->closed) < 0)
		return -1;
	if (v[4] && pc_str(pc, v[4], F("description"),
			   z->description, sizeof(z->description)) < 0)
		return -1;
	if (pc_seq(pc, v[2], F("nets"), &n) < 0)
		return -1;
	if (n == 0)
		return pc_error(pc, v[2]->start_mark, "%s: nets: at least one CIDR is required", ctx);
	if (pc->nznets + n > POLICY_MAX_ZONE_NETS)
		return pc_error(pc, v[2]->start_mark,
				"%s: zones have more than %d CIDRs in all", ctx,
				POLICY_MAX_ZONE_NETS);
	for (size_t i = 0; i < n; i++) {
		struct zone_net *zn = realloc(pc->znets, (pc->nznets + 1) * sizeof(*zn));

		if (!zn)
			return oom(pc, item);
		pc->znets = zn;
		if (zone_net(pc, pc_item(pc, v[2], i), ctx, zi) < 0)
			return -1;
	}
	return 0;
}

static int
parse_zones(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "zones", &n) < 0)
		return -1;
	if (n == 0)
		return pc_error(pc, seq->start_mark, "zones: at least one zone is required");
	p->zones = calloc(n, sizeof(*p->zones));
	if (!p->zones)
		return oom(pc, seq);
	for (size_t i = 0; i < n; i++) {
		tset_init(&p->zones[i].nets);
		p->nzones = i + 1;
		if (parse_zone(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

/* A list of address/CIDR/range strings into a set. */
int
policy_parse_nets(struct pctx *pc, yaml_node_t *seq, const char *ctx, const char *key,
		  struct tset *s, int need_one, int internal)
{
	char what[CTX_MAX], text[2 * ADDR_STRLEN + 8], rerr[160];
	struct range r;
	size_t n;

	if (key)
		F(key);
	else
		snprintf(what, sizeof(what), "%s", ctx);
	if (pc_seq(pc, seq, what, &n) < 0)
		return -1;
	if (n == 0 && need_one)
		return pc_error(pc, seq->start_mark, "%s: at least one entry is required", what);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = pc_item(pc, seq, i);

		if (pc_str(pc, it, what, text, sizeof(text)) < 0)
			return -1;
		if (range_parse(text, &r, rerr, sizeof(rerr)) < 0)
			return pc_error(pc, it->start_mark, "%s: %s", what, rerr);
		if (internal && too_big(&r))
			return big_error(pc, it, what, text, &r);
		if (internal && special_error(pc, it, what, text, &r) < 0)
			return -1;
		if (tset_add(s, &r) < 0)
			return oom(pc, it);
	}
	return 0;
}

static int
parse_scope(struct pctx *pc, yaml_node_t *v)
{
	struct policy *p = pc->p;

	if (v) {
		pc->have_scope = 1;
		return policy_parse_nets(pc, v, "scope", NULL, &p->scope, 1, 1) < 0 ? -1 :
		       policy_check_scope(pc);
	}
	for (size_t i = 0; i < p->nzones; i++)
		if (p->zones[i].role != ZONE_EXTERNAL &&
		    tset_union(&p->scope, &p->zones[i].nets) < 0)
			return oom(pc, pc->top[TK_ZONES]);
	return 0;
}

static int
parse_dns_entry(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "addr", "reason", NULL };
	struct policy *p = pc->p;
	struct dns_entry *d = &p->dns[i];
	yaml_node_t *v[2];
	char ctx[CTX_MAX], what[CTX_MAX], text[2 * ADDR_STRLEN + 8], rerr[160];

	pc_item_ctx(pc, item, "do_not_scan", NULL, i, ctx, sizeof(ctx));
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "addr") < 0 ||
	    pc_require(pc, item, v[1], ctx, "reason") < 0 ||
	    pc_str(pc, v[0], F("addr"), text, sizeof(text)) < 0)
		return -1;
	if (range_parse(text, &d->r, rerr, sizeof(rerr)) < 0)
		return pc_error(pc, v[0]->start_mark, "%s: %s", ctx, rerr);
	if (pc_str(pc, v[1], F("reason"), d->reason,
		   sizeof(d->reason)) < 0)
		return -1;
	d->line = (int)item->start_mark.line + 1;
	pc->dns_marks[i] = v[0]->start_mark;
	if (!tset_covers(&p->scope, &d->r))
		return pc_error(pc, v[0]->start_mark, "%s: '%s' is outside scope%s",
				ctx, text, pc->have_scope ? "" :
				" (the union of the non-external zones)");
	if (tset_add(&p->dns_set, &d->r) < 0)
		return oom(pc, item);
	return 0;
}

static int
parse_dns(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "do_not_scan", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->dns = calloc(n, sizeof(*p->dns));
	pc->dns_marks = calloc(n, sizeof(*pc->dns_marks));
	if (!p->dns || !pc->dns_marks)
		return oom(pc, seq);
	for (size_t i = 0; i < n; i++) {
		p->ndns = i + 1;
		if (parse_dns_entry(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

static int
parse_ports(struct pctx *pc, yaml_node_t *v, const char *what, struct portset *s)
{
	char text[1024], perr[160];
	size_t n;

	memset(s, 0, sizeof(*s));
	if (v->type == YAML_SCALAR_NODE) {
		if (pc_str(pc, v, what, text, sizeof(text)) < 0)
			return -1;
		if (portset_parse(s, text, perr, sizeof(perr)) < 0)
			return pc_error(pc, v->start_mark, "%s: %s", what, perr);
		return 0;
	}
	if (pc_seq(pc, v, what, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = pc_item(pc, v, i);

		if (pc_str(pc, it, what, text, sizeof(text)) < 0)
			return -1;
		if (portset_parse(s, text, perr, sizeof(perr)) < 0)
			return pc_error(pc, it->start_mark, "%s: %s", what, perr);
	}
	return 0;
}

static int
parse_scan_numbers(struct pctx *pc, yaml_node_t *v[])
{
	struct scan_settings *s = &pc->p->scan;

	if ((v[2] && pc_uint(pc, v[2], "scan: pps", 1, 1000000, &s->pps) < 0) ||
	    (v[3] && pc_uint(pc, v[3], "scan: host_pps", 1, 100000, &s->host_pps) < 0) ||
	    (v[4] && pc_uint(pc, v[4], "scan: retries", 0, 10, &s->retries) < 0) ||
	    (v[5] && pc_uint(pc, v[5], "scan: timeout_ms", 10, 60000, &s->timeout_ms) < 0) ||
	    (v[6] && pc_uint(pc, v[6], "scan: cooldown_ms", 0, 600000, &s->cooldown_ms) < 0) ||
	    (v[7] && pc_uint(pc, v[7], "scan: max_hosts_in_flight", 1, 65536,
			     &s->max_hosts_in_flight) < 0))
		return -1;
	if (v[3] && s->host_pps > s->pps)
		return pc_error(pc, v[3]->start_mark,
				"scan: host_pps: %u is above the global pps (%u)",
				s->host_pps, s->pps);
	if (!v[3] && s->host_pps > s->pps)
		s->host_pps = s->pps;
	return 0;
}

/* scan.dns_resolver: one IPv4 unicast address (loopback allowed: a
 * resolver on this box); PTR lookups go to it and nowhere else. */
static int
parse_resolver(struct pctx *pc, yaml_node_t *n, struct scan_settings *s)
{
	char text[64];
	const char *what;
	unsigned cls = 0;

	if (pc_str(pc, n, "scan: dns_resolver", text, sizeof(text)) < 0)
		return -1;
	if (addr_parse(text, &s->dns_resolver) < 0 || !addr_is_v4(&s->dns_resolver))
		return pc_error(pc, n->start_mark,
				"scan: dns_resolver: '%s' is not an IPv4 address", text);
	what = addr_special(&s->dns_resolver, &cls);
	if (what && cls != ADDR_SP_LOOPBACK)
		return pc_error(pc, n->start_mark,
				"scan: dns_resolver: '%s' is %s; a resolver must be a unicast address",
				text, what);
	s->have_dns_resolver = 1;
	return 0;
}

static int
parse_scan(struct pctx *pc, yaml_node_t *map)
{
	static const char *const keys[] = {
		"tcp_ports", "udp_ports", "pps", "host_pps", "retries", "timeout_ms",
		"cooldown_ms", "max_hosts_in_flight", "skip_net_bcast",
		"probe_printers", "probe_ot", "snmp_public", "scanner_id", "ftp_anonymous", "dns_resolver", NULL
	};
	struct scan_settings *s = &pc->p->scan;
	yaml_node_t *v[15];

	if (pc_map(pc, map, "scan", keys, v) < 0)
		return -1;
	if ((v[0] && parse_ports(pc, v[0], "scan: tcp_ports", &s->tcp) < 0) ||
	    (v[1] && parse_ports(pc, v[1], "scan: udp_ports", &s->udp) < 0) ||
	    parse_scan_numbers(pc, v) < 0 ||
	    (v[8] && pc_bool(pc, v[8], "scan: skip_net_bcast", &s->skip_net_bcast) < 0) ||
	    (v[9] && pc_bool(pc, v[9], "scan: probe_printers", &s->probe_printers) < 0) ||
	    (v[10] && pc_bool(pc, v[10], "scan: probe_ot", &s->probe_ot) < 0) ||
	    (v[11] && pc_bool(pc, v[11], "scan: snmp_public", &s->snmp_public) < 0) ||
	    (v[12] && pc_name(pc, v[12], "scan: scanner_id", s->scanner_id,
			      sizeof(s->scanner_id)) < 0) ||
	    (v[13] && pc_bool(pc, v[13], "scan: ftp_anonymous", &s->ftp_anonymous) < 0) ||
	    (v[14] && parse_resolver(pc, v[14], s) < 0))
		return -1;
	return 0;
}

static int
parse_exit(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "name", "gateway", "mac", "purpose", NULL };
	struct policy *p = pc->p;
	struct exit_decl *e = &p->exits[i];
	yaml_node_t *v[4];
	char ctx[CTX_MAX], what[CTX_MAX], text[ADDR_STRLEN + 8];

	pc_item_ctx(pc, item, "exit", "name", i, ctx, sizeof(ctx));
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "name") < 0 ||
	    pc_require(pc, item, v[3], ctx, "purpose") < 0 ||
	    pc_name(pc, v[0], F("name"), e->name,
		    sizeof(e->name)) < 0)
		return -1;
	e->line = (int)item->start_mark.line + 1;
	for (size_t j = 0; j < i; j++)
		if (!strcmp(p->exits[j].name, e->name))
			return name_taken(pc, v[0], ctx, "exit", p->exits[j].line);
	if (!v[1] && !v[2])
		return pc_error(pc, item->start_mark, "%s: needs 'gateway' or 'mac' (or both)", ctx);
	if (v[1]) {
		if (pc_str(pc, v[1], F("gateway"), text, sizeof(text)) < 0)
			return -1;
		if (addr_parse(text, &e->gateway) < 0)
			return pc_error(pc, v[1]->start_mark,
					"%s: '%s' is not an IPv4 or IPv6 address", what, text);
		e->has_addr = 1;
	}
	if (v[2]) {
		if (pc_str(pc, v[2], F("mac"), text, sizeof(text)) < 0)
			return -1;
		if (mac_parse(text, e->mac) < 0)
			return pc_error(pc, v[2]->start_mark,
					"%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", what, text);
		e->has_mac = 1;
	}
	return pc_str(pc, v[3], F("purpose"), e->purpose,
		      sizeof(e->purpose));
}

static int
parse_exits(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "exits", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->exits = calloc(n, sizeof(*p->exits));
	if (!p->exits)
		return oom(pc, seq);
	for (size_t i = 0; i < n; i++) {
		p->nexits = i + 1;
		if (parse_exit(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

/* A list of names into a freshly allocated array (checked later). */
int
policy_parse_names(struct pctx *pc, yaml_node_t *seq, const char *what,
	    char (**out)[POLICY_NAME_MAX], size_t *count, int allow_star)
{
	size_t n;

	if (pc_seq(pc, seq, what, &n) < 0)
		return -1;
	if (n == 0)
		return pc_error(pc, seq->start_mark, "%s: at least one name is required", what);
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return oom(pc, seq);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = pc_item(pc, seq, i);

		*count = i + 1;
		if (allow_star && it->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)it->data.scalar.value, "*")) {
			memcpy((*out)[i], "*", 2);
			continue;
		}
		if (pc_name(pc, it, what, (*out)[i], POLICY_NAME_MAX) < 0)
			return -1;
	}
	return 0;
}

static int
parse_vendor(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "name", "sources", "may_reach", "window", NULL };
	struct policy *p = pc->p;
	struct vendor *vd = &p->vendors[i];
	yaml_node_t *v[4];
	char ctx[CTX_MAX], what[CTX_MAX];

	pc_item_ctx(pc, item, "vendor", "name", i, ctx, sizeof(ctx));
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "name") < 0 ||
	    pc_require(pc, item, v[1], ctx, "sources") < 0 ||
	    pc_name(pc, v[0], F("name"), vd->name,
		    sizeof(vd->name)) < 0)
		return -1;
	vd->line = (int)item->start_mark.line + 1;
	for (size_t j = 0; j < i; j++)
		if (!strcmp(p->vendors[j].name, vd->name))
			return name_taken(pc, v[0], ctx, "vendor", p->vendors[j].line);
	if (policy_parse_nets(pc, v[1], ctx, "sources", &vd->sources, 1, 0) < 0)
		return -1;
	if (v[2] && policy_parse_names(pc, v[2], F("may_reach"),
				&vd->may_reach, &vd->nmay_reach, 0) < 0)
		return -1;
	if (v[3] && pc_str(pc, v[3], F("window"), vd->window,
			   sizeof(vd->window)) < 0)
		return -1;
	return 0;
}

static int
parse_vendors(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "vendors", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->vendors = calloc(n, sizeof(*p->vendors));
	if (!p->vendors)
		return oom(pc, seq);
	for (size_t i = 0; i < n; i++) {
		tset_init(&p->vendors[i].sources);
		p->nvendors = i + 1;
		if (parse_vendor(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

/*
 * A path named in the policy: relative paths are taken from the policy
 * file's folder (never the working directory, which differs between a
 * night job and an operator's shell), and the place it was written is kept
 * for policy_check_paths()'s messages.
 */
static int
parse_path(struct pctx *pc, yaml_node_t *n, const char *what, char *out, size_t len,
	   char *at, size_t atlen)
{
	char raw[256];
	const char *slash;
	int w;

	if (pc_str(pc, n, what, raw, sizeof(raw)) < 0)
		return -1;
	snprintf(at, atlen, "%s:%zu:%zu", pc->name, n->start_mark.line + 1,
		 n->start_mark.column + 1);
	slash = strrchr(pc->name, '/');
	if (raw[0] == '/' || raw[0] == '\0' || !slash)
		w = snprintf(out, len, "%s", raw);
	else
		w = snprintf(out, len, "%.*s/%s", (int)(slash - pc->name), pc->name, raw);
	if (w < 0 || (size_t)w >= len)
		return pc_error(pc, n->start_mark, "%s: path too long once joined to the "
				"policy's folder (max %zu bytes)", what, len - 1);
	return 0;
}

static int
parse_paths(struct pctx *pc)
{
	struct policy *p = pc->p;

	if (pc->top[TK_GEOIP_DB] &&
	    parse_path(pc, pc->top[TK_GEOIP_DB], "geoip_db", p->geoip_db,
		       sizeof(p->geoip_db), p->geoip_db_at, sizeof(p->geoip_db_at)) < 0)
		return -1;
	if (pc->top[TK_ASN_DB] &&
	    parse_path(pc, pc->top[TK_ASN_DB], "asn_db", p->asn_db, sizeof(p->asn_db),
		       p->asn_db_at, sizeof(p->asn_db_at)) < 0)
		return -1;
	if (pc->top[TK_LEDGER]) {
		static const char *const keys[] = { "file", "map", "missing_days", NULL };
		yaml_node_t *v[3];

		if (pc_map(pc, pc->top[TK_LEDGER], "ledger", keys, v) < 0 ||
		    pc_require(pc, pc->top[TK_LEDGER], v[0], "ledger", "file") < 0 ||
		    parse_path(pc, v[0], "ledger: file", p->ledger, sizeof(p->ledger),
			       p->ledger_at, sizeof(p->ledger_at)) < 0 ||
		    (v[1] && parse_path(pc, v[1], "ledger: map", p->ledger_map,
					sizeof(p->ledger_map), p->ledger_map_at,
					sizeof(p->ledger_map_at)) < 0) ||
		    (v[2] && pc_uint(pc, v[2], "ledger: missing_days", 1, 3650,
				     &p->ledger_missing_days) < 0))
			return -1;
	}
	return 0;
}

int
policy_check_paths(const struct policy *p, char *err, size_t errlen)
{
	const struct {
		const char *what, *path, *at;
	} f[] = {
		{ "geoip_db", p->geoip_db, p->geoip_db_at },
		{ "asn_db", p->asn_db, p->asn_db_at },
		{ "ledger: file", p->ledger, p->ledger_at },
		{ "ledger: map", p->ledger_map, p->ledger_map_at },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct stat st;

		if (!f[i].path[0])
			continue;
		if (stat(f[i].path, &st) < 0 || access(f[i].path, R_OK) < 0) {
			snprintf(err, errlen, "%s: %s: %s: %s", f[i].at[0] ? f[i].at : p->path,
				 f[i].what, f[i].path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s: %s: %s: not a regular file",
				 f[i].at[0] ? f[i].at : p->path, f[i].what, f[i].path);
			return -1;
		}
	}
	return 0;
}

/* A mail address heiiki will put in a header: local@domain, printable
 * ASCII without space, quotes, angle brackets, commas or a leading '-'. */
static int
mail_ok(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || strchr("\"<>(),;:\\[]", *s))
			return 0;
	return 1;
}

/* notify: {mail_to: [...], mail_from: ..., sendmail: PATH, mail_on: new|always,
 *          min_severity: SEV} */
static int
parse_notify(struct pctx *pc, yaml_node_t *map)
{
	static const char *const keys[] = { "mail_to", "mail_from", "sendmail", "mail_on",
					     "min_severity", NULL };
	static const char *const sevs[] = { "info", "low", "medium", "high", "critical", NULL };
	struct notify_settings *nt = &pc->p->notify;
	yaml_node_t *v[5];
	char buf[32];
	size_t n;

	if (pc_map(pc, map, "notify", keys, v) < 0)
		return -1;
	if (v[0]) {
		if (pc_seq(pc, v[0], "notify: mail_to", &n) < 0)
			return -1;
		if (n == 0 || n > POLICY_MAIL_MAX)
			return pc_error(pc, v[0]->start_mark, "notify: mail_to: 1 to %d addresses",
					POLICY_MAIL_MAX);
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *it = pc_item(pc, v[0], i);

			if (!it || pc_str(pc, it, "notify: mail_to", nt->to[i], sizeof(nt->to[i])) < 0)
				return -1;
			if (!mail_ok(nt->to[i]))
				return pc_error(pc, it->start_mark, "notify: mail_to: '%s' is not "
						"a mail address heiiki can use (local@domain)", nt->to[i]);
		}
		nt->nto = n;
	}
	if (v[1] && (pc_str(pc, v[1], "notify: mail_from", nt->from, sizeof(nt->from)) < 0 ||
		     (!mail_ok(nt->from) &&
		      pc_error(pc, v[1]->start_mark, "notify: mail_from: '%s' is not a mail "
			       "address heiiki can use (local@domain)", nt->from) < 0)))
		return -1;
	if (v[2] && pc_str(pc, v[2], "notify: sendmail", nt->sendmail, sizeof(nt->sendmail)) < 0)
		return -1;
	if (v[2] && nt->sendmail[0] != '/')
		return pc_error(pc, v[2]->start_mark, "notify: sendmail: '%s' is not an "
				"absolute path", nt->sendmail);
	if (v[3]) {
		if (pc_str(pc, v[3], "notify: mail_on", buf, sizeof(buf)) < 0)
			return -1;
		if (strcmp(buf, "new") && strcmp(buf, "always"))
			return pc_error(pc, v[3]->start_mark, "notify: mail_on: '%s' is not "
					"new or always", buf);
		nt->always = !strcmp(buf, "always");
	}
	if (v[4]) {
		int k = -1;

		if (pc_str(pc, v[4], "notify: min_severity", buf, sizeof(buf)) < 0)
			return -1;
		for (int i = 0; sevs[i]; i++)
			if (!strcmp(buf, sevs[i]))
				k = i;
		if (k < 0)
			return pc_error(pc, v[4]->start_mark, "notify: min_severity: '%s' is "
					"not critical, high, medium, low or info", buf);
		nt->min_rank = k;
	}
	return 0;
}

/* history: {db: FILE | postgresql://... | service=NAME} (no password) */
static int
parse_history(struct pctx *pc, yaml_node_t *map)
{
	static const char *const keys[] = { "db", NULL };
	char *db = pc->p->history_db, err[512];
	yaml_node_t *v[1];

	if (pc_map(pc, map, "history", keys, v) < 0 ||
	    pc_require(pc, map, v[0], "history", "db") < 0 ||
	    pc_str(pc, v[0], "history: db", db, sizeof(pc->p->history_db)) < 0)
		return -1;
	if (!*db)
		return pc_error(pc, v[0]->start_mark, "history: db: empty");
	if (history_is_pg(db) && history_dsn_check(db, err, sizeof(err)) < 0) {
		db[0] = '\0';	/* the password is not kept */
		return pc_error(pc, v[0]->start_mark, "history: db: %s", err);
	}
	return 0;
}

static int
parse_version(struct pctx *pc, yaml_node_t *n)
{
	unsigned v;

	if (pc_uint(pc, n, "version", 0, 1000000, &v) < 0)
		return -1;
	if (v != 1)
		return pc_error(pc, n->start_mark,
				"version: %u is not supported (this heiiki reads version 1)", v);
	return 0;
}

int
policy_parse_doc(struct pctx *pc)
{
	yaml_node_t *root = yaml_document_get_root_node(&pc->doc), **t = pc->top;

	if (pc_map(pc, root, NULL, policy_top_keys, t) < 0 ||
	    (t[TK_VERSION] && parse_version(pc, t[TK_VERSION]) < 0) ||
	    pc_require(pc, root, t[TK_SITE], NULL, "site") < 0 ||
	    pc_require(pc, root, t[TK_ZONES], NULL, "zones") < 0 ||
	    policy_parse_site(pc, t[TK_SITE]) < 0 ||
	    (t[TK_SCAN] && parse_scan(pc, t[TK_SCAN]) < 0) ||
	    parse_zones(pc, t[TK_ZONES]) < 0 ||
	    parse_scope(pc, t[TK_SCOPE]) < 0 ||
	    (t[TK_DNS] && parse_dns(pc, t[TK_DNS]) < 0) ||
	    (t[TK_EXITS] && parse_exits(pc, t[TK_EXITS]) < 0) ||
	    (t[TK_VENDORS] && parse_vendors(pc, t[TK_VENDORS]) < 0) ||
	    (t[TK_SERVICES] && policy_parse_rules(pc, t[TK_SERVICES]) < 0) ||
	    policy_check_vendors(pc) < 0 ||
	    (t[TK_GEO] && policy_parse_geo(pc, t[TK_GEO]) < 0) ||
	    policy_check_rules(pc) < 0 ||
	    parse_paths(pc) < 0 ||
	    (t[TK_ASSETS] && policy_parse_assets(pc, t[TK_ASSETS]) < 0) ||
	    (t[TK_ACCEPT] && policy_parse_accepts(pc, t[TK_ACCEPT]) < 0) ||
	    (t[TK_NOTIFY] && parse_notify(pc, t[TK_NOTIFY]) < 0) ||
	    (t[TK_HISTORY] && parse_history(pc, t[TK_HISTORY]) < 0))
		return -1;
	return 0;
}
