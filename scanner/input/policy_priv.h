/*
 * policy_priv.h - internals shared by the policy loader's files.
 *
 * policy_yaml.c turns bytes into a libyaml document and offers typed
 * getters that fail with "file:line:column: message"; policy_parse.c reads
 * each section into struct policy; policy_check.c does the checks that
 * need more than one section (scope, references, contradictions).  Nothing
 * here is used outside scanner/input/policy*.c.
 */
#ifndef HEIIKI_POLICY_PRIV_H
#define HEIIKI_POLICY_PRIV_H

#include <stdarg.h>
#include <yaml.h>

#include "policy.h"

#define POLICY_MAX_BYTES (4u << 20)	/* policy_load reads at most 4 MiB */
#define POLICY_MAX_NODES 100000		/* YAML nodes (scalars + collections) */
#define POLICY_MAX_DEPTH 16		/* nesting of lists and mappings */
#define POLICY_MAX_LIST 4096		/* entries of any one list */
#define POLICY_MAX_ZONE_NETS 16384	/* CIDRs of all zones together */
#define POLICY_MAX_SERVICE_PORTS 64
#define CTX_MAX 160

/* One CIDR of a zone, remembered with its position for later checks. */
struct zone_net {
	struct range r;
	size_t zone;
	yaml_mark_t mark;
};

/* The loader's state for one policy_load_buf() call. */
struct pctx {
	const char *name;		/* file name used in messages */
	const char *buf;
	size_t len;
	yaml_document_t doc;
	int have_doc;
	char *err;
	size_t errlen;
	struct policy *p;
	yaml_node_t *top[32];		/* top-level values, by key index (> TK_COUNT) */
	struct zone_net *znets;
	size_t nznets;
	yaml_mark_t *rule_marks;	/* start of each service rule */
	yaml_mark_t *dns_marks;		/* the addr value of each do_not_scan */
	int have_scope;
};

/* Top-level keys, in the order of policy_top_keys[]. */
enum top_key {
	TK_VERSION, TK_SITE, TK_ZONES, TK_SCOPE, TK_DNS, TK_SCAN, TK_SERVICES,
	TK_GEO, TK_EXITS, TK_VENDORS, TK_GEOIP_DB, TK_ASN_DB, TK_ASSETS, TK_ACCEPT,
	TK_NOTIFY, TK_LEDGER, TK_HISTORY, TK_COUNT
};
extern const char *const policy_top_keys[];

/* policy_yaml.c */
int pc_error(struct pctx *pc, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pc_load(struct pctx *pc);
yaml_node_t *pc_node(struct pctx *pc, yaml_node_item_t id);
const char *pc_kind(const yaml_node_t *n);
int pc_is_null(const yaml_node_t *n);
int pc_map(struct pctx *pc, yaml_node_t *n, const char *what,
	   const char *const keys[], yaml_node_t *vals[]);
int pc_require(struct pctx *pc, yaml_node_t *map, yaml_node_t *val,
	       const char *what, const char *key);
int pc_seq(struct pctx *pc, yaml_node_t *n, const char *what, size_t *count);
yaml_node_t *pc_item(struct pctx *pc, yaml_node_t *seq, size_t i);
int pc_str(struct pctx *pc, yaml_node_t *n, const char *what, char *buf,
	   size_t len);
int pc_name(struct pctx *pc, yaml_node_t *n, const char *what, char *buf,
	    size_t len);
int pc_uint(struct pctx *pc, yaml_node_t *n, const char *what,
	    unsigned long min, unsigned long max, unsigned *out);
int pc_bool(struct pctx *pc, yaml_node_t *n, const char *what, int *out);
int pc_date(struct pctx *pc, yaml_node_t *n, const char *what, time_t *t,
	    char out[11]);
void pc_item_ctx(struct pctx *pc, yaml_node_t *n, const char *kind,
		 const char *key, size_t i, char *buf, size_t len);

/* policy_parse.c */
int policy_parse_doc(struct pctx *pc);
const char *policy_fld(char *buf, size_t len, const char *ctx, const char *key);
int policy_parse_nets(struct pctx *pc, yaml_node_t *seq, const char *ctx,
		      const char *key, struct tset *s, int need_one,
		      int internal);
int policy_parse_names(struct pctx *pc, yaml_node_t *seq, const char *what,
		       char (**out)[POLICY_NAME_MAX], size_t *count,
		       int allow_star);

/* policy_rules.c */
int policy_parse_rules(struct pctx *pc, yaml_node_t *seq);
int policy_parse_geo(struct pctx *pc, yaml_node_t *seq);

/* policy_assets.c: site (a name, or {name, timezone}), assets, accept */
int policy_parse_site(struct pctx *pc, yaml_node_t *n);
int policy_parse_assets(struct pctx *pc, yaml_node_t *seq);
int policy_parse_accepts(struct pctx *pc, yaml_node_t *seq);

/* policy_check.c */
int policy_check_scope(struct pctx *pc);
int policy_check_rules(struct pctx *pc);
int policy_check_vendors(struct pctx *pc);

#endif
