/*
 * policy.h - the hospital's declared network: what exists, what may be
 * scanned, what is allowed.  Parsed from YAML (libyaml) by policy.c; every
 * error carries file:line:column.  docs/policy.md documents each key.
 *
 * The policy owns all of its memory; policy_free() releases it.
 */
#ifndef HEIIKI_POLICY_H
#define HEIIKI_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../core/addr.h"
#include "targets.h"

#define POLICY_NAME_MAX 64
#define POLICY_ERR_MAX 512

enum zone_role {
	ZONE_CLINICAL,		/* modalities, pumps, nurse stations */
	ZONE_SERVER,		/* EMR/PACS/servers */
	ZONE_OFFICE,		/* staff PCs */
	ZONE_VENDOR,		/* vendor/partner boundary (VPN concentrators, lines) */
	ZONE_DMZ,
	ZONE_MANAGEMENT,	/* switches, iLO/iDRAC, firewalls */
	ZONE_GUEST,
	ZONE_EXTERNAL,		/* declared outside: internet, partner networks */
	ZONE_ROLE_COUNT
};

struct zone {
	char name[POLICY_NAME_MAX];
	enum zone_role role;
	struct tset nets;	/* IPv4 and IPv6 CIDRs */
	int closed;		/* "closed: true": must have no traffic to outside */
	int line;		/* where it was declared */
	char description[256];	/* free text for people (reports print it) */
};

struct dns_entry {		/* do_not_scan */
	struct range r;
	char reason[128];
	int line;
};

/* A port set: bitmap over 0..65535 (8 KiB) per protocol. */
struct portset {
	uint8_t bits[8192];
	unsigned count;
};

struct scan_settings {
	struct portset tcp, udp;
	unsigned pps;			/* global packets per second */
	unsigned host_pps;		/* per-host packets per second */
	unsigned retries;		/* extra tries for unanswered probes */
	unsigned timeout_ms;		/* probe/reply wait */
	unsigned cooldown_ms;		/* wait for late replies at the end */
	unsigned max_hosts_in_flight;
	int skip_net_bcast;		/* default 1 */
	int probe_printers;		/* send payloads to 9100-9107/515/631 */
	int probe_ot;			/* send payloads to OT ports */
	int snmp_public;		/* SNMP GET with "public" (default 1) */
	struct addr dns_resolver;	/* site resolver for PTR names */
	int have_dns_resolver;		/* scan.dns_resolver given */
	int ftp_anonymous;		/* read-only anonymous FTP login outside
					 * clinical zones and fragile hosts (default 1) */
	char scanner_id[64];		/* shown in RDP cookie, HTTP UA, AE title */
};

/* A source of traffic in a rule: address set and/or zone names. */
struct source_set {
	struct tset nets;
	char (*zones)[POLICY_NAME_MAX];
	size_t nzones;
	int any;			/* "any" */
};

struct service_rule {
	char name[POLICY_NAME_MAX];	/* e.g. "rdp-from-vendor" */
	char service[32];		/* "rdp", "ssh", "https", ... or "tcp/NNNN" */
	uint8_t proto;			/* 6 or 17 */
	uint16_t *ports;		/* resolved ports of the service */
	size_t nports;
	char (*zones)[POLICY_NAME_MAX];	/* where it may be reachable */
	size_t nzones;
	struct source_set from;		/* who may reach it */
	int deny;			/* "action: deny": must NOT be reachable */
	time_t until;			/* 0 = permanent; else end of that day UTC */
	char until_str[11];
	char reason[160];
	char vendor[POLICY_NAME_MAX];
	int line;
};

enum geo_dir { GEO_INBOUND = 1, GEO_OUTBOUND = 2, GEO_BOTH = 3 };

struct geo_rule {
	char zone[POLICY_NAME_MAX];	/* "*" = every zone */
	enum geo_dir dir;
	char (*countries)[3];		/* ISO 3166-1 alpha-2, upper case */
	size_t ncountries;
	int line;
};

struct exit_decl {
	char name[POLICY_NAME_MAX];
	int has_addr, has_mac;
	struct addr gateway;
	uint8_t mac[6];
	char purpose[160];
	int line;
};

struct vendor {
	char name[POLICY_NAME_MAX];
	struct tset sources;
	char (*may_reach)[POLICY_NAME_MAX];	/* zone names or service rule names */
	size_t nmay_reach;
	char window[64];		/* maintenance window, free text: "Tue 01:00-03:00" */
	int line;
};

/* assets: what an address (or MAC) is, for people reading reports. */
struct asset {
	int has_addr, has_mac;
	struct addr addr;
	uint8_t mac[6];
	char name[128];			/* "PACS サーバ" */
	char owner[128];		/* department or person in charge */
	char vendor[128];		/* maintenance vendor */
	char ledger_id[64];		/* id in the hospital's device ledger */
	char location[128];
	int line;
};

/* accept: a finding the hospital has decided to live with, until a date. */
struct accept_entry {
	char key[256];			/* the finding's "key", exactly */
	char reason[256];
	char approved_by[128];
	time_t until;			/* end of that day UTC */
	char until_str[11];
	int line;
};

#define POLICY_MAIL_MAX 8

/* notify: mail through the local sendmail after a night */
struct notify_settings {
	char to[POLICY_MAIL_MAX][128];
	size_t nto;			/* 0 = no mail */
	char from[128];			/* "" = sendmail's default */
	char sendmail[256];		/* default /usr/sbin/sendmail */
	int always;			/* mail every night, not only with new findings */
	int min_rank;			/* 0 info .. 4 critical: new findings that mail */
};

struct policy {
	char path[256];
	char site[128];
	char hash[65];			/* SHA-256 of the file bytes, hex */
	struct zone *zones;
	size_t nzones;
	struct tset scope;		/* what may ever be scanned */
	struct dns_entry *dns;
	size_t ndns;
	struct tset dns_set;		/* union of do_not_scan */
	struct scan_settings scan;
	struct service_rule *rules;
	size_t nrules;
	struct geo_rule *geo;
	size_t ngeo;
	struct exit_decl *exits;
	size_t nexits;
	struct vendor *vendors;
	size_t nvendors;
	char geoip_db[256];		/* optional database paths; a relative path */
	char asn_db[256];		/* is resolved against the policy's folder */
	char geoip_db_at[300];		/* "file:line:column" of each, for errors */
	char asn_db_at[300];
	/* ledger: {file, map, missing_days}: the hospital's device ledger (CSV,
	 * UTF-8 or Shift_JIS) every run is reconciled with */
	char ledger[256], ledger_map[256];
	char ledger_at[300], ledger_map_at[300];
	unsigned ledger_missing_days;	/* default 30 */
	/* Additions for reports (policy_assets.c). */
	char timezone[64];		/* site: {timezone: ...}; "" = not set */
	struct asset *assets;
	size_t nassets;
	struct accept_entry *accepts;
	size_t naccepts;
	struct notify_settings notify;
	/* history: {db: ...}: the night's history (a file or a PostgreSQL
	 * connection string without password); "" = STATE/history.sqlite */
	char history_db[512];
};

/*
 * Load and validate a policy.  Returns 0, or -1 with err set to
 * "file:line:column: message".  A failed load leaves an empty policy that
 * is safe to policy_free().
 */
int policy_load(const char *path, struct policy *p, char *err, size_t errlen);
/*
 * Every file the policy names (geoip_db, asn_db) must exist and be
 * readable: 0, or -1 with err = "file:line:column: geoip_db: PATH: why".
 * Commands call it before they use the files, so a named database that is
 * missing is an error and never silently replaced by the default one.
 */
int policy_check_paths(const struct policy *p, char *err, size_t errlen);
int policy_load_buf(const char *name, const char *buf, size_t len,
		    struct policy *p, char *err, size_t errlen);
void policy_free(struct policy *p);
/* Defaults a policy starts from (also used without a policy file).  It
 * clears the struct first: never call it on a loaded policy. */
void policy_defaults(struct policy *p);

const char *zone_role_name(enum zone_role r);
/* The zone an address belongs to (most specific first), or NULL. */
const struct zone *policy_zone_of(const struct policy *p, const struct addr *a);
const struct zone *policy_zone_by_name(const struct policy *p, const char *name);
/* The asset entry of an address (else of a MAC, may be NULL), or NULL. */
const struct asset *policy_asset_of(const struct policy *p, const struct addr *a,
				    const uint8_t *mac);
/* 1 when a is inside scope and not on do_not_scan. */
int policy_may_scan(const struct policy *p, const struct addr *a);
/* The do_not_scan entry that holds a, or NULL. */
const struct dns_entry *policy_dns_of(const struct policy *p, const struct addr *a);

/* Well-known service names -> proto/ports ("rdp" -> tcp 3389). */
int policy_service_ports(const char *service, uint8_t *proto, uint16_t *ports,
			 size_t max, size_t *n);

static inline int
portset_has(const struct portset *s, uint16_t port)
{
	return (s->bits[port >> 3] >> (port & 7)) & 1;
}
void portset_add(struct portset *s, uint16_t port);
/* Parse "22,80,443,8000-8100"; -1 with err naming the bad piece. */
int portset_parse(struct portset *s, const char *spec, char *err, size_t errlen);

#endif
