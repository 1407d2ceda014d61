/*
 * policy_assets.c - the policy keys that only reports read:
 *
 *   site:    "name"  or  { name: "...", timezone: "Asia/Tokyo" }
 *   assets:  [{addr | mac, name, owner, vendor, ledger_id, location}]
 *   accept:  [{key, reason, approved_by, until}]
 *
 * docs/policy.md documents each key.  Errors carry file:line:column like
 * the rest of the loader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy_priv.h"

#define F(key) policy_fld(what, sizeof(what), ctx, key)

/* An IANA zone name this system knows ("Asia/Tokyo", "UTC"). */
static int
tz_known(const char *tz)
{
	char path[160];
	struct stat st;

	if (!*tz || tz[0] == '/' || strstr(tz, ".."))
		return 0;
	for (const char *c = tz; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || strchr("/_-+", *c)))
			return 0;
	if (!strcmp(tz, "UTC"))
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
policy_parse_site(struct pctx *pc, yaml_node_t *n)
{
	static const char *const keys[] = { "name", "timezone", NULL };
	struct policy *p = pc->p;
	yaml_node_t *v[2];

	if (n->type != YAML_MAPPING_NODE)
		return pc_str(pc, n, "site", p->site, sizeof(p->site));
	if (pc_map(pc, n, "site", keys, v) < 0 ||
	    pc_require(pc, n, v[0], "site", "name") < 0 ||
	    pc_str(pc, v[0], "site: name", p->site, sizeof(p->site)) < 0)
		return -1;
	if (!v[1])
		return 0;
	if (pc_str(pc, v[1], "site: timezone", p->timezone, sizeof(p->timezone)) < 0)
		return -1;
	if (!tz_known(p->timezone))
		return pc_error(pc, v[1]->start_mark,
				"site: timezone: '%s' is not a time zone this system knows "
				"(an IANA name such as Asia/Tokyo or UTC)", p->timezone);
	return 0;
}

static int
opt_str(struct pctx *pc, yaml_node_t *n, const char *what, char *buf, size_t len)
{
	return n ? pc_str(pc, n, what, buf, len) : 0;
}

static int
parse_asset(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "addr", "mac", "name", "owner", "vendor",
					    "ledger_id", "location", NULL };
	struct policy *p = pc->p;
	struct asset *as = &p->assets[i];
	yaml_node_t *v[7];
	char ctx[CTX_MAX], what[CTX_MAX], text[ADDR_STRLEN + 8];

	pc_item_ctx(pc, item, "asset", "name", i, ctx, sizeof(ctx));
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[2], ctx, "name") < 0 ||
	    pc_str(pc, v[2], F("name"), as->name, sizeof(as->name)) < 0)
		return -1;
	as->line = (int)item->start_mark.line + 1;
	if (!v[0] && !v[1])
		return pc_error(pc, item->start_mark, "%s: needs 'addr' or 'mac' (or both)", ctx);
	if (v[0]) {
		if (pc_str(pc, v[0], F("addr"), text, sizeof(text)) < 0)
			return -1;
		if (addr_parse(text, &as->addr) < 0)
			return pc_error(pc, v[0]->start_mark,
					"%s: '%s' is not an IPv4 or IPv6 address", what, text);
		as->has_addr = 1;
		for (size_t j = 0; j < i; j++)
			if (p->assets[j].has_addr && !addr_cmp(&p->assets[j].addr, &as->addr))
				return pc_error(pc, v[0]->start_mark,
						"%s: '%s' is already named by the asset at line %d",
						what, text, p->assets[j].line);
	}
	if (v[1]) {
		if (pc_str(pc, v[1], F("mac"), text, sizeof(text)) < 0)
			return -1;
		if (mac_parse(text, as->mac) < 0)
			return pc_error(pc, v[1]->start_mark,
					"%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", what, text);
		as->has_mac = 1;
	}
	return opt_str(pc, v[3], F("owner"), as->owner, sizeof(as->owner)) < 0 ||
	       opt_str(pc, v[4], F("vendor"), as->vendor, sizeof(as->vendor)) < 0 ||
	       opt_str(pc, v[5], F("ledger_id"), as->ledger_id, sizeof(as->ledger_id)) < 0 ||
	       opt_str(pc, v[6], F("location"), as->location, sizeof(as->location)) < 0 ? -1 : 0;
}

int
policy_parse_assets(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "assets", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->assets = calloc(n, sizeof(*p->assets));
	if (!p->assets)
		return pc_error(pc, seq->start_mark, "out of memory");
	for (size_t i = 0; i < n; i++) {
		p->nassets = i + 1;
		if (parse_asset(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

static int
parse_accept(struct pctx *pc, yaml_node_t *item, size_t i)
{
	static const char *const keys[] = { "key", "reason", "approved_by", "until", NULL };
	struct policy *p = pc->p;
	struct accept_entry *a = &p->accepts[i];
	yaml_node_t *v[4];
	char ctx[CTX_MAX], what[CTX_MAX];

	pc_item_ctx(pc, item, "accept", "key", i, ctx, sizeof(ctx));
	if (pc_map(pc, item, ctx, keys, v) < 0 ||
	    pc_require(pc, item, v[0], ctx, "key") < 0 ||
	    pc_require(pc, item, v[1], ctx, "reason") < 0 ||
	    pc_require(pc, item, v[2], ctx, "approved_by") < 0 ||
	    pc_require(pc, item, v[3], ctx, "until") < 0 ||
	    pc_str(pc, v[0], F("key"), a->key, sizeof(a->key)) < 0 ||
	    pc_str(pc, v[1], F("reason"), a->reason, sizeof(a->reason)) < 0 ||
	    pc_str(pc, v[2], F("approved_by"), a->approved_by, sizeof(a->approved_by)) < 0 ||
	    pc_date(pc, v[3], F("until"), &a->until, a->until_str) < 0)
		return -1;
	a->line = (int)item->start_mark.line + 1;
	if (!strchr(a->key, '|'))
		return pc_error(pc, v[0]->start_mark,
				"%s: '%s' is not a finding key (RULE|addr|proto|port|extra, "
				"as in the results document's findings[].key)", F("key"), a->key);
	if (!*a->reason || !*a->approved_by)
		return pc_error(pc, item->start_mark,
				"%s: 'reason' and 'approved_by' must not be empty", ctx);
	for (size_t j = 0; j < i; j++)
		if (!strcmp(p->accepts[j].key, a->key))
			return pc_error(pc, v[0]->start_mark,
					"%s: '%s' is already accepted at line %d", F("key"), a->key,
					p->accepts[j].line);
	return 0;
}

int
policy_parse_accepts(struct pctx *pc, yaml_node_t *seq)
{
	struct policy *p = pc->p;
	size_t n;

	if (pc_seq(pc, seq, "accept", &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	p->accepts = calloc(n, sizeof(*p->accepts));
	if (!p->accepts)
		return pc_error(pc, seq->start_mark, "out of memory");
	for (size_t i = 0; i < n; i++) {
		p->naccepts = i + 1;
		if (parse_accept(pc, pc_item(pc, seq, i), i) < 0)
			return -1;
	}
	return 0;
}

const struct asset *
policy_asset_of(const struct policy *p, const struct addr *a, const uint8_t *mac)
{
	if (!p)
		return NULL;
	for (size_t i = 0; a && i < p->nassets; i++)
		if (p->assets[i].has_addr && !addr_cmp(&p->assets[i].addr, a))
			return &p->assets[i];
	for (size_t i = 0; mac && i < p->nassets; i++)
		if (p->assets[i].has_mac && !memcmp(p->assets[i].mac, mac, 6))
			return &p->assets[i];
	return NULL;
}
