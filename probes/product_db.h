/*
 * product_db.h - product/version/CPE rules kept as data.
 *
 * probes/data/product-rules.json (format "heiiki-product-rules", described
 * in docs/probes.md) maps a text field of a probe's output ("ssh.banner",
 * "banner.text", "smtp.greeting", "http.server", ...) through a POSIX
 * extended regular expression to a product, a version template and a CPE
 * template.  The file is validated when loaded (unique ids, patterns that
 * compile, no back-references, a recorded sample per rule) and compiled
 * once; matching is regexec() on a bounded, printable string.  The runner
 * applies the rules to every probe output before merging it; the first
 * matching rule wins and is recorded as "product_rule" for --explain.
 */
#ifndef HEIIKI_PRODUCT_DB_H
#define HEIIKI_PRODUCT_DB_H

#include <jansson.h>
#include <stddef.h>

struct product_db;

int product_db_load(const char *path, struct product_db **out, char *err, size_t errlen);
int product_db_load_buf(const char *buf, size_t len, const char *name,
			struct product_db **out, char *err, size_t errlen);
/* $HEIIKI_PRODUCT_RULES, then the places vpn_db_load_default() looks. */
int product_db_load_default(struct product_db **out, char *err, size_t errlen);
void product_db_free(struct product_db *db);

/*
 * Match the rules against out (a probe's output object).  On a match sets
 * "product", "version" (when the rule has one; dropped when the product
 * changes and the rule has none), "cpe", "service" (only when the rule
 * names one and out has none or "unknown") and
 * "product_rule": {"id", "field", "text"}.  Returns the rule id or NULL.
 */
const char *product_db_apply(const struct product_db *db, json_t *out);

/* For tests: number of rules, and rule i's id / sample object. */
size_t product_db_count(const struct product_db *db);
const char *product_db_rule_id(const struct product_db *db, size_t i);
const json_t *product_db_rule_sample(const struct product_db *db, size_t i);

#endif
