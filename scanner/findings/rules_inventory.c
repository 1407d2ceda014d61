/*
 * rules_inventory.c - the inventory's two facts that no other rule states,
 * judged on every results document like the other rules:
 *
 *   OUT_OF_SUPPORT          software or an OS the services reveal (SSH
 *                           banners, NTLM OS builds, Server headers,
 *                           sysDescr...) is past its support end in the
 *                           support-end table (scanner/inventory/eos.h);
 *   DEVICE_NOT_IN_LEDGER    with the policy's ledger: a device seen on the
 *                           network (scan or capture) that no ledger row
 *                           matches by MAC or address (R7 2-①);
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

/* The policy's ledger against the devices of this document. */
void
rule_not_in_ledger(const struct rule *self, struct fctx *c)
{
	struct ledger l;
	json_t *recon, *k, *inv, *devs;
	char err[512];
	size_t i;

	if (!c->p || !c->p->ledger[0])
		return;
	memset(&l, 0, sizeof(l));
	if (ledger_load(c->p->ledger, c->p->ledger_map[0] ? c->p->ledger_map : NULL, &l, err,
			sizeof(err)) < 0) {
		log_warn("findings", "ledger: %s (DEVICE_NOT_IN_LEDGER not judged)", err);
		return;
	}
	devs = devices(c);
	recon = inv_reconcile(&l, devs, c->today, c->p->ledger_missing_days);
	if ((inv = inventory_obj(c)) && recon)
		json_object_set_new(inv, "ledger", json_pack(
			"{s:s, s:O, s:I, s:I, s:I, s:I}", "file", c->p->ledger,
			"matched", json_object_get(recon, "matched"),
			"rows", (json_int_t)l.nrows,
			"unknown", (json_int_t)json_array_size(json_object_get(recon, "unknown")),
			"missing", (json_int_t)json_array_size(json_object_get(recon, "missing")),
			"mismatches", (json_int_t)json_array_size(json_object_get(recon, "mismatches"))));
	json_array_foreach(json_object_get(recon, "unknown"), i, k) {
		json_t *d = json_object_get(devs, json_string_value(k)), *s;
		const char *addr = json_string_value(json_array_get(json_object_get(d, "addrs"), 0));
		const char *mac = rj_str(d, "mac");
		char svcs[256] = "";
		size_t j, o = 0;

		if (!d || !addr)
			continue;
		json_array_foreach(json_object_get(d, "services"), j, s) {
			int w = snprintf(svcs + o, sizeof(svcs) - o, "%s%s/%lld", o ? ", " : "",
					 rj_str(s, "proto"), rj_int(s, "port"));

			if (w < 0 || (size_t)w >= sizeof(svcs) - o)
				break;
			o += (size_t)w;
		}
		finding_emit(c, self, addr, "", 0, finding_zone_of(c, addr), *mac ? mac : addr,
			     "%s%s%s%s%s%s not in the ledger %s (%zu rows)%s%s", addr,
			     *mac ? " (" : "", mac, *rj_str(d, "vendor") ? ", " : "",
			     rj_str(d, "vendor"), *mac ? ")" : "", c->p->ledger, l.nrows,
			     *svcs ? "; services " : "", svcs);
	}
	json_decref(recon);
	ledger_free(&l);
}
