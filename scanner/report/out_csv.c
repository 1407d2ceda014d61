/*
 * out_csv.c - one table of the results as CSV (RFC 4180: CRLF line ends,
 * every text field quoted, quotes doubled) for spreadsheets.  --table
 * picks findings (default), services, hosts, exits, peers or flows.
 *
 * Spreadsheets execute cells that start with = + - @ (and TAB/CR), so
 * report_csv_cell() prefixes such text with an apostrophe: a banner like
 * "=cmd|' /C calc'!A0" stays text.  With --lang ja, or whenever any cell
 * holds a non-ASCII byte (Japanese checklist text in an English table), a
 * UTF-8 byte order mark is written first, because Excel on Japanese
 * Windows otherwise reads the file as Shift_JIS.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct csv_col {
	enum msg head;
	const char *key;	/* member name, or "@..." for a computed value */
};

static const struct csv_col finding_cols[] = {
	{ MSG_SEVERITY, "@severity" }, { MSG_FTITLE, "@title" }, { MSG_ADDR, "addr" },
	{ MSG_PROTO, "proto" }, { MSG_PORT, "@port" }, { MSG_ZONE, "@zone" },
	{ MSG_EVIDENCE, "@evidence" }, { MSG_REMEDY, "@remedy" },
	{ MSG_CHECKLIST, "@checklist" }, { MSG_RULE, "rule" }, { MSG_KEY, "key" },
	{ MSG_COUNT_, NULL },
};

static const struct csv_col service_cols[] = {
	{ MSG_ADDR, "addr" }, { MSG_ZONE, "@zone" }, { MSG_PROTO, "proto" },
	{ MSG_PORT, "port" }, { MSG_STATE, "state" }, { MSG_SERVICE, "service" },
	{ MSG_PRODUCT, "product" }, { MSG_VERSION, "version" }, { MSG_RISKS, "@risks" },
	{ MSG_DETAILS, "@details" }, { MSG_COUNT_, NULL },
};

static const struct csv_col host_cols[] = {
	{ MSG_ADDR, "addr" }, { MSG_FAMILY, "family" }, { MSG_ZONE, "@zone" },
	{ MSG_MAC, "mac" }, { MSG_VENDOR, "vendor" }, { MSG_NAMES, "@hostnames" },
	{ MSG_OPEN_PORTS, "@open" }, { MSG_COUNT_, NULL },
};

static const struct csv_col exit_cols[] = {
	{ MSG_NAME, "@xname" }, { MSG_ADDR, "@xaddr" }, { MSG_MAC, "mac" },
	{ MSG_ZONE, "@xzone" }, { MSG_DECLARED, "@declared" }, { MSG_FLOWS_N, "flows" },
	{ MSG_BYTES, "@bytes" }, { MSG_PURPOSE, "@purpose" }, { MSG_COUNT_, NULL },
};

static const struct csv_col peer_cols[] = {
	{ MSG_COUNTRY, "country" }, { MSG_ADDR, "addr" }, { MSG_ASN, "asn" },
	{ MSG_ASORG, "as_org" }, { MSG_NAMES, "@names" }, { MSG_REMOTE, "remote_access" },
	{ MSG_FLOWS_N, "flows" }, { MSG_BYTES, "@bytes" }, { MSG_FIRST, "@first" },
	{ MSG_LAST, "@last" }, { MSG_COUNT_, NULL },
};

static const struct csv_col flow_cols[] = {
	{ MSG_SRC, "src" }, { MSG_PORT, "sport" }, { MSG_DST, "dst" }, { MSG_PORT, "dport" },
	{ MSG_PROTO, "@proto" }, { MSG_SERVICE, "@service" }, { MSG_DIRECTION, "@direction" },
	{ MSG_REMOTE, "@remote" }, { MSG_PACKETS, "@packets" }, { MSG_BYTES, "@bytes" },
	{ MSG_FIRST, "@first" }, { MSG_LAST, "@last" }, { MSG_COUNT_, NULL },
};

static const struct {
	const char *name;
	size_t off;		/* offset of the view in struct report */
	const struct csv_col *cols;
} tables[] = {
	{ "findings", offsetof(struct report, findings), finding_cols },
	{ "services", offsetof(struct report, services), service_cols },
	{ "hosts", offsetof(struct report, hosts), host_cols },
	{ "exits", offsetof(struct report, exits), exit_cols },
	{ "peers", offsetof(struct report, peers), peer_cols },
	{ "flows", offsetof(struct report, flows), flow_cols },
};

int
report_csv_table_ok(const char *name)
{
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!strcmp(tables[i].name, name))
			return 1;
	return 0;
}

/* Computed "@..." values; NULL when the key is not computed. */
static const char *
computed(const struct report *r, const json_t *o, const char *key, char *buf, size_t len)
{
	const char *dir;

	if (!strcmp(key, "@severity"))
		return report_sev_label(r, report_str(o, "severity"));
	if (!strcmp(key, "@checklist"))
		return report_cl_label(r, o, buf, len);
	if (!strcmp(key, "@evidence"))
		return report_evidence(r, o, buf, len);
	if (!strcmp(key, "@title") ||
	    !strcmp(key, "@remedy"))
		return report_l10n(r, o, key + 1);
	if (!strcmp(key, "@zone"))
		return *report_str(o, "zone") ? report_str(o, "zone") :
		       report_zone(r, report_str(o, "addr"));
	if (!strcmp(key, "@risks"))
		return report_join(json_object_get(o, "risks"), ";", buf, len);
	if (!strcmp(key, "@details"))
		return report_details(o, buf, len);
	if (!strcmp(key, "@hostnames") || !strcmp(key, "@names"))
		return report_join(json_object_get(o, key + 1), ";", buf, len);
	if (!strcmp(key, "@open")) {
		snprintf(buf, len, "%zu", json_array_size(json_object_get(r->by_addr,
							     report_str(o, "addr"))));
		return buf;
	}
	if (!strcmp(key, "@declared"))
		return i18n(r->lang, report_exit_declared(o) ? MSG_YES : MSG_NO);
	if (!strcmp(key, "@xname"))
		return report_exit_name(o);
	if (!strcmp(key, "@xaddr"))
		return report_exit_addr(o);
	if (!strcmp(key, "@xzone"))
		return *report_str(o, "zone") ? report_str(o, "zone") :
		       report_zone(r, report_exit_addr(o));
	if (!strcmp(key, "@purpose"))
		return *report_str(o, "purpose") ? report_str(o, "purpose") :
		       report_str(o, "evidence");
	if (!strcmp(key, "@first"))
		return report_first(o);
	if (!strcmp(key, "@last"))
		return report_last(o);
	if (!strcmp(key, "@proto"))
		return report_proto(o);
	if (!strcmp(key, "@service"))
		return report_flow_service(o);
	if (!strcmp(key, "@remote"))
		return i18n(r->lang, report_is_remote(o) ? MSG_YES : MSG_NO_PLAIN);
	if (!strcmp(key, "@direction")) {
		dir = i18n_word(r->lang, report_str(o, "direction"));
		return dir ? dir : report_str(o, "direction");
	}
	return NULL;
}

static void
csv_value(FILE *f, const struct report *r, const json_t *o, const char *key)
{
	char buf[1024];
	const char *s;
	json_t *v;

	if (!strcmp(key, "@port")) {
		if (report_has_port(o))
			fprintf(f, "%lld", report_int(o, "port", 0));
		return;
	}
	if (!strcmp(key, "@packets") || !strcmp(key, "@bytes")) {
		if (report_total(o, key + 1) >= 0)
			fprintf(f, "%lld", report_total(o, key + 1));
		return;
	}
	s = computed(r, o, key, buf, sizeof(buf));
	if (s) {
		report_csv_cell(f, s);
		return;
	}
	v = json_object_get(o, key);
	if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		report_csv_cell(f, json_string_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "true" : "false", f);
	else if (json_is_array(v))
		report_csv_cell(f, report_join(v, ";", buf, sizeof(buf)));
}

/* 1 when the text has a byte outside ASCII. */
static int
csv_non_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

static int csv_body(FILE *f, const struct report *r, char *err, size_t errlen);

/* The table into memory first: the BOM depends on every cell. */
static int
csv_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	char *body = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&body, &len);
	int rc;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = csv_body(m, r, err, errlen);
	if (fclose(m) != 0 && rc == 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc == 0) {
		if (r->lang == LANG_JA || csv_non_ascii(body, len))
			fputs("\xEF\xBB\xBF", f);
		fwrite(body, 1, len, f);
	}
	free(body);
	return rc;
}

static int
csv_body(FILE *f, const struct report *r, char *err, size_t errlen)
{
	const char *want = r->table ? r->table : "findings";
	size_t t;
	json_t *rows, *o;
	size_t i;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		if (!strcmp(tables[t].name, want))
			break;
	if (t == sizeof(tables) / sizeof(tables[0])) {
		snprintf(err, errlen, "unknown CSV table '%s'", want);
		return -1;
	}
	rows = *(json_t *const *)((const char *)r + tables[t].off);
	for (const struct csv_col *c = tables[t].cols; c->key; c++) {
		if (c != tables[t].cols)
			fputc(',', f);
		report_csv_cell(f, i18n(r->lang, c->head));
	}
	fputs("\r\n", f);
	json_array_foreach(rows, i, o) {
		for (const struct csv_col *c = tables[t].cols; c->key; c++) {
			if (c != tables[t].cols)
				fputc(',', f);
			csv_value(f, r, o, c->key);
		}
		fputs("\r\n", f);
	}
	return 0;
}

const struct report_writer report_csv = {
	.name = "csv",
	.summary = "one table as CSV (--table findings|services|hosts|exits|peers|flows)",
	.write = csv_write,
};
