/*
 * eos.h - the support-end table: which operating systems, firmware lines
 * and server software are out of vendor support, and since when.
 *
 * The table is data (scanner/inventory/data/support-end.yaml, installed
 * under the data directory): a "reviewed" date and a list of entries
 *
 *   - id: windows-10-22h2
 *     name: Windows 10 22H2
 *     kind: os                  # os | firmware | software
 *     match: '\b10\.0\.19045\b|Windows 10 .*22H2'   # POSIX ERE
 *     end: 2025-10-14           # last day of support
 *     source: Microsoft Lifecycle (Home/Pro/Enterprise/Education)
 *     note: optional text
 *
 * eos_match() tries the entries in file order against a software string
 * (an SSH banner, an HTTP Server header, an SNMP sysDescr, a Windows build
 * from an NTLM challenge, a VPN product/version): the first match wins, so
 * specific entries go before general ones.  Regular expressions are POSIX
 * (regcomp), compiled once at load; a bad one is an error with its
 * file:line:column.
 */
#ifndef HEIIKI_INVENTORY_EOS_H
#define HEIIKI_INVENTORY_EOS_H

#include <regex.h>
#include <stddef.h>
#include <time.h>

#define EOS_MAX_ENTRIES 2000
#define EOS_STALE_DAYS 180

struct eos_entry {
	char id[64];
	char name[128];
	char kind[16];
	char source[256];
	char note[256];
	char end_str[11];
	time_t end;		/* midday UTC of the last supported day */
	/* The same evidence (a Windows build) is also an edition supported
	 * until this day (Windows Server, LTSC); 0 = no such edition. */
	char shared_until_str[11];
	time_t shared_until;
	regex_t re;
	int line;
};

struct eos_table {
	char path[512];
	char reviewed_str[11];
	time_t reviewed;
	struct eos_entry *e;
	size_t n;
};

int eos_load(const char *path, struct eos_table *t, char *err, size_t errlen);
int eos_load_buf(const char *name, const char *buf, size_t len, struct eos_table *t,
		 char *err, size_t errlen);
void eos_free(struct eos_table *t);

/* First entry whose pattern matches s, or NULL. */
const struct eos_entry *eos_match(const struct eos_table *t, const char *s);

/* Days the table's review is old at today (negative: reviewed in the future). */
long eos_age_days(const struct eos_table *t, time_t today);

/* The default table path (data directory), for the CLI. */
const char *eos_default_path(void);

#endif
