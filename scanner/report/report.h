/*
 * report.h - report writers: one results document in, one file out.
 *
 * Like zmap's output modules, every format is one entry in a table
 * (report_writers[] in report.c) and one file out_<name>.c exporting a
 * struct report_writer.  Writers never look at the raw document order:
 * report_init() builds sorted views (hosts, services, findings, flows,
 * exits, peers), the zone of every address and the zone order once, so
 * every writer prints the same things in the same order and golden files
 * stay byte-stable.  Nothing here reads the clock: the only times in a
 * report are the ones in the results document.
 *
 * Every string of the document may be peer-controlled (banners,
 * certificate subjects, HTTP titles, DNS names).  Writers print them only
 * through the escapers below, one per output syntax.
 */
#ifndef HEIIKI_REPORT_H
#define HEIIKI_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "i18n.h"

struct policy;

/* Severity ranks; higher is worse.  -1 for an unknown severity word. */
#define RSEV_INFO 0
#define RSEV_LOW 1
#define RSEV_MEDIUM 2
#define RSEV_HIGH 3
#define RSEV_CRITICAL 4

struct report {
	json_t *root;			/* the results document (own reference) */
	json_t *run;			/* root.run (borrowed) */
	const struct policy *policy;	/* optional */
	enum report_lang lang;
	const char *table;		/* csv: "findings" (default), "services", ... */
	/* Sorted views: arrays of references to the document's objects. */
	json_t *hosts, *services, *open, *findings, *flows, *exits, *peers;
	json_t *zone_of;		/* addr -> zone name */
	json_t *zones;			/* zone names in report order; "" = no zone */
	json_t *hot;			/* "addr/proto/port" and "addr" -> worst rank */
	json_t *by_addr;		/* addr -> array of open services (sorted) */
	json_t *peer_of;		/* addr -> peer object */
	json_t *fnd_of;			/* addr -> array of findings (sorted) */
	json_t *dns_of;			/* addr -> first of hosts[].hostnames */
	/* Page 1, names, acceptance, checklist edition (names.c, page1.c). */
	json_t *prev_keys;		/* previous run's finding keys -> true; NULL */
	int edition;			/* enum cl_edition (labels.h) */
	char tz[64];			/* time zone dates are printed in */
	long long now;			/* run end (else start): acceptance is judged then */
	int measured_hosts;		/* the document has a scan's hosts/services */
	int measured_traffic;		/* the document has a capture's exits/peers/flows */
	const char *diagram_png;	/* PDF: the rendered diagram to include, or NULL */
};

struct report_writer {
	const char *name;		/* --format value */
	const char *summary;
	int (*write)(FILE *f, const struct report *r, char *err, size_t errlen);
};

extern const struct report_writer *const report_writers[];
extern const struct report_writer report_html, report_md, report_csv,
	report_dot, report_nmapxml, report_json;
/* The PDF writer (out_pdf.c, in heiiki-pdf.so: scanner/core/module.h) is
 * found by report_writer_by_name("pdf") but is not in report_writers[]
 * (the text-format loops and fuzzer). */

const struct report_writer *report_writer_by_name(const char *name);

/* Build the sorted views; policy may be NULL.  0, or -1 with err set. */
int report_init(struct report *r, json_t *root, const struct policy *policy,
		enum report_lang lang, char *err, size_t errlen);
void report_fini(struct report *r);
/* 1 when name is a table the CSV writer knows. */
int report_csv_table_ok(const char *name);
/* Run one writer into a malloc'd buffer.  0, or -1 with err set. */
int report_render(const struct report_writer *w, const struct report *r,
		  char **out, size_t *outlen, char *err, size_t errlen);

/* --- helpers for writers -------------------------------------------------- */

/* String member, or "" when absent or not a string. */
const char *report_str(const json_t *o, const char *key);
/* Integer member, or def. */
long long report_int(const json_t *o, const char *key, long long def);
/* A {"en","ja"} member in the report language (falls back to "en", then
 * to any plain string). */
const char *report_l10n(const struct report *r, const json_t *o, const char *key);
int report_sev_rank(const char *sev);
/* Translated severity, or the raw word (to be escaped by the caller). */
const char *report_sev_label(const struct report *r, const char *sev);
/* Word for a rank 0..4 ("info".."critical"). */
const char *report_rank_word(int rank);
/* A finding or service names a port: port > 0 and a protocol. */
int report_has_port(const json_t *o);
/* Exits: gateway address ("gateway", "addr" or "addrs"[0]), name ("name"
 * or the name "declared" holds), declared (true or a non-empty name). */
const char *report_exit_addr(const json_t *x);
const char *report_exit_name(const json_t *x);
int report_exit_declared(const json_t *x);
/* 0 for a declared exit the capture saw no traffic through ("seen": false). */
int report_exit_seen(const json_t *x);
/*
 * Flow and peer accessors that accept both the capture's split counters
 * ("packets_out"/"packets_in", "bytes_out"/"bytes_in", "first_seen") and
 * plain totals ("packets", "bytes", "first"); -1 / "" when absent.
 */
long long report_total(const json_t *o, const char *key);
const char *report_first(const json_t *o);
const char *report_last(const json_t *o);
/* "tcp"/"udp"/... from a string or an IP protocol number. */
const char *report_proto(const json_t *o);
/* What a flow is: "service", else "remote_access" (a name), else "app". */
const char *report_flow_service(const json_t *fl);
/* Open or open|filtered (or no state at all). */
int report_svc_open(const json_t *svc);
/* Remote-access service or flow: RDP, VNC, SSH, Telnet, VPNs, ... */
int report_is_remote(const json_t *item);
/* Worst finding rank on that service ("addr/proto/port") or host; -1. */
int report_hot(const struct report *r, const char *addr, const char *proto,
	       long long port);
/* Zone of an address: the host's, else (with a policy) the policy zone
 * unless it is an external one; "" when unknown. */
const char *report_zone(const struct report *r, const char *addr);
const char *report_site(const struct report *r);
/* "role: nets" of a policy zone ("" without a policy or for "no zone"). */
const char *report_zone_desc(const struct report *r, const char *zone, char *buf,
			     size_t len);
/* Vantage point text ("zone addr iface") into buf. */
const char *report_vantage(const struct report *r, char *buf, size_t len);
/* Protocol-specific fields of a service flattened to "k.sub=v; ..." */
const char *report_details(const json_t *svc, char *buf, size_t len);
/* The i-th name of a names array: a string or {"name","source"}; NULL. */
const char *report_name_at(const json_t *arr, size_t i);
/* Strings (and numbers, and {"name"} objects) of an array joined with sep. */
const char *report_join(const json_t *arr, const char *sep, char *buf, size_t len);
struct report_overview {
	size_t hosts, open, remote, exits, undeclared, peers, countries, ra_flows;
};

void report_overview(const struct report *r, struct report_overview *o);
/*
 * Findings grouped by their checklist item: [{"item", "count", "worst"}]
 * (worst = rank), worst first, then by item.  Findings without an item are
 * grouped under "".
 */
json_t *report_checklist(const struct report *r);
/* Number of findings per rank into counts[5]; returns the total. */
size_t report_sev_counts(const struct report *r, size_t counts[5]);
/* Time of a run field as "YYYY-MM-DDTHH:MM:SSZ" -> unix seconds; -1. */
long long report_epoch(const char *iso);
/* Counter names of the run: the documented ones first (also when 0),
 * then the other non-zero ones sorted. */
json_t *report_counter_keys(const struct report *r);
/* Sort keys of an object into a new array of strings. */
json_t *report_keys(const json_t *obj);

/* --- names.c: names for addresses, times, acceptance, checklist ------------ */

struct asset;
struct accept_entry;
/* The policy's asset for an address (or its host's MAC), or NULL. */
const struct asset *report_asset(const struct report *r, const char *addr);
/* "PACS サーバ (198.18.10.20)", else the address. */
const char *report_addr_label(const struct report *r, const char *addr, char *buf,
			      size_t len);
/* An ISO time of the document in the site's time zone: "2026-11-22 01:00 JST";
 * the input itself when it does not parse. */
const char *report_time(const struct report *r, const char *iso, char *buf, size_t len);
/* The same for unix seconds, date only ("2026-11-22"). */
const char *report_date(const struct report *r, long long t, char *buf, size_t len);
/* Acceptance of a finding at the run's time: 0 none, 1 accepted, 2 expired;
 * *e (may be NULL) gets the policy entry. */
int report_accepted(const struct report *r, const json_t *finding,
		    const struct accept_entry **e);
/* Checklist label of a finding in the report's edition (falls back to the
 * finding's own "checklist" text for a rule the table does not know). */
const char *report_cl_label(const struct report *r, const json_t *finding, char *buf,
			    size_t len);
/* Risk flags of a service, translated, joined with sep. */
const char *report_risks(const struct report *r, const json_t *svc, const char *sep,
			 char *buf, size_t len);
/* Country name of a code in the report language (the code when unknown). */
const char *report_country(const struct report *r, const char *cc);
/* Evidence of a finding: in Japanese a sentence from the rule's template
 * (labels.c) followed by the rule's own evidence as 「詳細」; otherwise the
 * evidence as the rule wrote it. */
const char *report_evidence(const struct report *r, const json_t *finding, char *buf,
			    size_t len);
/* "product version" with stray white space removed (VNC's " 003.008"). */
const char *report_product(const json_t *svc, char *buf, size_t len);
/* Previous run for the comparison on page 1 (its findings' keys). */
void report_set_previous(struct report *r, const json_t *prev_root);

/* merge.c: add another document of the same site (scan + capture) into
 * base: arrays united, run.kind "merge", run.sources listing the inputs.
 * 0; 1 with a warning in err (site names differ); -1 with err set. */
int report_merge(json_t *base, const json_t *other, char *err, size_t errlen);

/* Escapers: control characters become U+FFFD in every syntax. */
void report_esc_html(FILE *f, const char *s);	/* HTML and XML text/attrs */
void report_esc_md(FILE *f, const char *s);	/* Markdown table cells */
void report_esc_text(FILE *f, const char *s);	/* terminal text */
void report_esc_dot(FILE *f, const char *s);	/* inside DOT "..." */
/* Every string of v (recursively): controls, C1, bidi controls -> U+FFFD,
 * U+2028/U+2029 -> space (report -f json never re-emits them). */
void report_clean_json(json_t *v);
/* One CSV field (RFC 4180, always quoted; = + - @ TAB CR neutralised). */
void report_csv_cell(FILE *f, const char *s);

#endif
