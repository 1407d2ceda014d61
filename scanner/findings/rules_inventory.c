/*
 * rules_inventory.c - the inventory's two facts that no other rule states,
 * judged on every results document like the other rules:
 *
 *   OUT_OF_SUPPORT          software or an OS the services reveal (SSH
 *                           banners, NTLM OS builds, Server headers,
 *                           sysDescr...) is past its support end in the
 *                           support-end table (scanner/inventory/eos.h);
 *   UNDECLARED_REMOTE_PATH  a device holds an outbound session to a
 *                           remote-support relay (capture evidence: the
 *                           Osaka pattern) that no vendor or service rule
 *                           declares.  Inbound remote access is already
 *                           judged by SERVICE_NOT_EXPECTED, RDP_* and
 *                           REMOTE_SUPPORT_TOOL: one finding per fact.
 *
 * The tables behind them (support status per device, every remote path
 * with its declaration) are stored in the document as "inventory", so
 * history, diff and the report's inspection evidence carry them.  The
 * inventory module does the work (inv_observe, inv_eos, inv_remote); this
 * file only turns its findings into rule findings.
 */
#include <string.h>

#include "rules_priv.h"
#include "scanner/core/log.h"
#include "scanner/inventory/inventory.h"

/* The observed devices of this document, computed once per apply. */
static json_t *
devices(struct fctx *c)
{
	if (!c->inv_devices) {
		struct results *r = c->res;

		c->inv_devices = inv_observe(&r, 1);
	}
	return c->inv_devices;
}

static json_t *
inventory_obj(struct fctx *c)
{
	json_t *inv = json_object_get(c->root, "inventory");

	if (!json_is_object(inv)) {
		inv = json_object();
		if (!inv || json_object_set_new(c->root, "inventory", inv) < 0) {
			c->oom = 1;
			return NULL;
		}
	}
	return inv;
}

/* Emit the inventory's finding f as a finding of rule self. */
static void
emit_from(const struct rule *self, struct fctx *c, json_t *f)
{
	const char *key = rj_str(f, "key"), *extra = strrchr(key, '|');
	const char *addr = rj_str(f, "addr");
	enum severity sev = severity_parse(rj_str(f, "severity"));

	finding_emit_sev(c, self, (int)sev >= 0 ? sev : self->sev, *addr ? addr : NULL, "", 0,
			 *addr ? finding_zone_of(c, addr) : "", extra ? extra + 1 : "", "%s",
			 rj_str(f, "evidence"));
}

void
rule_out_of_support(const struct rule *self, struct fctx *c)
{
	struct eos_table t;
	json_t *found = json_array(), *rows, *f, *inv;
	char err[512];
	size_t i;

	memset(&t, 0, sizeof(t));
	if (!found)
		return;
	if (eos_load(eos_default_path(), &t, err, sizeof(err)) < 0) {
		log_warn("findings", "support-end table: %s (OUT_OF_SUPPORT not judged)", err);
		json_decref(found);
		return;
	}
	rows = inv_eos(devices(c), &t, c->today, found);
	if ((inv = inventory_obj(c)) && rows)
		json_object_set(inv, "support", rows);
	if (inv)
		json_object_set_new(inv, "support_table_reviewed", json_string(t.reviewed_str));
	json_array_foreach(found, i, f)
		if (!strcmp(rj_str(f, "rule"), self->id))
			emit_from(self, c, f);
	json_decref(rows);
	json_decref(found);
	eos_free(&t);
}

void
rule_undeclared_remote_relay(const struct rule *self, struct fctx *c)
{
	struct results *r = c->res;
	json_t *found = json_array(), *rows, *f, *inv;
	size_t i;

	if (!found)
		return;
	rows = inv_remote(&r, 1, devices(c), c->p, c->today, found);
	if ((inv = inventory_obj(c)) && rows)
		json_object_set(inv, "remote_paths", rows);
	json_array_foreach(found, i, f) {
		const char *key = rj_str(f, "key");

		if (!strcmp(rj_str(f, "rule"), self->id) && strstr(key, "/outbound-relay"))
			emit_from(self, c, f);
	}
	json_decref(rows);
	json_decref(found);
}
