/*
 * inventory.h - the three answers an inspection asks for, from what heiiki
 * observed (results documents of scans and captures):
 *
 *   ledger reconciliation   (checklist R7 2-① 台帳管理): devices seen but
 *                           not in the ledger, in the ledger but not seen,
 *                           and differences; the ledger written back
 *   remote-maintenance paths (R7 2-② リモートメンテナンス): every way from
 *                           outside onto a device, declared or not
 *   end of support          (security patches): OS/firmware/software
 *                           versions the services reveal, against a
 *                           support-end table (eos.h)
 *
 * Everything is built as a JSON document ("format": "heiiki-inventory",
 * docs/inventory.md) that the CLI writes and prints; findings inside it
 * have the same shape as the results document's findings.
 */
#ifndef HEIIKI_INVENTORY_H
#define HEIIKI_INVENTORY_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "ledger.h"
#include "eos.h"

struct results;
struct policy;

#define INV_FORMAT "heiiki-inventory"

/*
 * Devices observed in the documents, keyed by MAC when one is known, else
 * by address: an object of {"key", "addrs":[], "mac", "vendor", "zone",
 * "hostnames":[], "services":[{"addr","proto","port","service","product",
 * "version", "risks", "software":[strings]}], "first_seen", "last_seen"}.
 * A new reference; never NULL.
 */
json_t *inv_observe(struct results *const *docs, size_t ndocs);

/*
 * Reconcile the ledger with the observed devices.  A ledger row matches a
 * device by MAC first, then by address.  Devices not seen in the newest
 * missing_days days (relative to today) count as missing.  Returns
 * {"matched": N, "unknown": [...], "missing": [...], "mismatches": [...],
 *  "duplicates": [...], "rows": [per ledger row: index of device or -1]}.
 * Each observed device gets "ledger_row" (0-based) when matched.
 */
json_t *inv_reconcile(const struct ledger *l, json_t *devices, time_t today,
		      unsigned missing_days);

/*
 * Write the ledger back: the same columns, observed values in added
 * columns (観測IP, 観測MAC, 観測ホスト名, 観測OS, サポート状況, 最終確認, 照合結果),
 * unknown devices appended as new rows.  UTF-8 with BOM and CRLF (Excel on
 * Japanese Windows).  Refuses to write over the input ledger.
 */
int inv_ledger_write(const struct ledger *l, json_t *devices, json_t *recon,
		     const char *path, char *err, size_t errlen);

/*
 * Remote-maintenance paths: one row per (device, path) from inbound
 * remote-access services, remote-support tools, flows to remote-support
 * relays and VPN appliances, each with the policy's declaration (vendor,
 * until) when one covers it.  Adds findings to *findings (array).
 */
json_t *inv_remote(struct results *const *docs, size_t ndocs, json_t *devices,
		   const struct policy *p, time_t today, json_t *findings);

/* End-of-support rows for every device (eos_assess), findings added. */
json_t *inv_eos(json_t *devices, const struct eos_table *t, time_t today,
		json_t *findings);

/* "YYYY-MM-DD" -> time_t at midday UTC; -1 when not a real date. */
time_t inv_parse_day(const char *s);

#endif
