/*
 * commands.c - the subcommand table: one line per subcommand.
 */
#include <stddef.h>

#include "cli.h"

const struct command commands[] = {
	{ "scan", "active sweep: SYN (or connect) scan of policy zones, then probes", cmd_scan },
	{ "probe", "identify services on given address:port pairs (read-only)", cmd_probe },
	{ "capture", "passive mapping: live interface, pcap files or flow export (nfcapd)", cmd_capture },
	{ "check", "apply the policy's rules to a results document (findings)", cmd_check },
	{ "fence", "verify source-IP and geo restrictions from outside a firewall", cmd_fence },
	{ "geo", "look up country and ASN of addresses", cmd_geo },
	{ "policy", "validate a policy file and show what it declares", cmd_policy },
	{ "targets", "print the scan target set a policy and arguments produce", cmd_targets },
	{ "report", "write HTML/Markdown/CSV/DOT/nmap-XML reports from results", cmd_report },
	{ "diff", "what changed between two results documents", cmd_diff },
	{ "history", "store runs and show what changed since the last one", cmd_history },
	{ "night", "the scheduled run: scan, history, changes, reports, alerts", cmd_night },
	{ "audit", "before a vendor connection: grants, reachability, go/no-go report", cmd_audit },
	{ "inventory", "ledger reconciliation, remote-maintenance paths, end of support", cmd_inventory },
	{ NULL, NULL, NULL },
};
