/*
 * reconcile.c - ledger against observation (checklist R7 2-① 台帳管理).
 *
 * Matching: a ledger row with a MAC matches the device with that MAC; a
 * row without one (or whose MAC was never seen) matches by address.  Then:
 *   unknown     observed devices no row matched
 *   missing     rows whose device was not seen in the last missing_days
 *               days (or never)
 *   mismatches  a matched row whose address, MAC or host name differs
 *               from what was observed
 *   duplicates  two rows claiming the same address or MAC
 * The written-back ledger keeps every original column and adds observed
 * values; unknown devices become new rows.  Excel-ready: UTF-8 BOM, CRLF,
 * cells starting with = + - @ neutralised with a leading apostrophe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "inventory.h"
#include "scanner/core/addr.h"
#include "scanner/core/fsutil.h"

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* canonical forms so "AA-BB-CC-DD-EE-FF" and "aa:bb:cc:dd:ee:ff" compare equal */
static int
canon_mac(const char *s, char out[18])
{
	uint8_t m[6];
	char tmp[32];
	size_t n = 0;

	for (; *s && n + 1 < sizeof(tmp); s++)
		tmp[n++] = (*s == '-' || *s == '.') ? ':' : *s;
	tmp[n] = '\0';
	if (mac_parse(tmp, m) < 0)
		return -1;
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return 0;
}

static int
canon_addr(const char *s, char *out, size_t cap)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	while (*s == ' ')
		s++;
	if (!*s || addr_parse(s, &a) < 0)
		return -1;
	snprintf(out, cap, "%s", addr_fmt(&a, buf));
	return 0;
}

static int
dev_has_addr(json_t *d, const char *ip)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(d, "addrs"), i, v)
		if (!strcmp(json_string_value(v), ip))
			return 1;
	return 0;
}

static json_t *
find_by(json_t *devices, const char *what, const char *val)
{
	const char *k;
	json_t *d;

	json_object_foreach(devices, k, d) {
		if (!strcmp(what, "mac") ? (*val && !strcmp(str(d, "mac"), val))
					 : dev_has_addr(d, val))
			return d;
	}
	return NULL;
}

static int
name_in(json_t *d, const char *name)
{
	size_t i, n = strlen(name);
	json_t *v;

	json_array_foreach(json_object_get(d, "hostnames"), i, v) {
		const char *h = json_string_value(v);

		/* "pacs01" matches "pacs01.hospital.local" */
		if (!strncasecmp(h, name, n) && (h[n] == '\0' || h[n] == '.'))
			return 1;
	}
	return 0;
}

static json_t *
row_ref(const struct ledger *l, size_t r)
{
	return json_pack("{s:i, s:s, s:s, s:s}", "line", l->rows[r].line, "ip",
			 ledger_cell(l, r, LF_IP), "mac", ledger_cell(l, r, LF_MAC), "name",
			 ledger_cell(l, r, LF_NAME));
}

static void
mismatch(json_t *out, const struct ledger *l, size_t r, json_t *d, const char *field,
	 const char *ledger_val, const char *seen)
{
	json_t *m = row_ref(l, r);

	json_object_set_new(m, "field", json_string(field));
	json_object_set_new(m, "ledger", json_string(ledger_val));
	json_object_set_new(m, "observed", json_string(seen));
	json_object_set_new(m, "device", json_string(str(d, "key")));
	json_array_append_new(out, m);
}

static void
check_dups(const struct ledger *l, json_t *dups)
{
	for (size_t r = 0; r < l->nrows; r++)
		for (int f = LF_IP; f <= LF_MAC; f++) {
			char a[64], b[64];
			int ok = f == LF_IP ? canon_addr(ledger_cell(l, r, f), a, sizeof(a))
					    : canon_mac(ledger_cell(l, r, f), a);

			if (ok < 0)
				continue;
			for (size_t q = 0; q < r; q++) {
				int ok2 = f == LF_IP ? canon_addr(ledger_cell(l, q, f), b, sizeof(b))
						     : canon_mac(ledger_cell(l, q, f), b);

				if (ok2 == 0 && !strcmp(a, b)) {
					json_array_append_new(dups, json_pack(
						"{s:s, s:s, s:i, s:i}", "field", ledger_field_name(f),
						"value", a, "line", l->rows[r].line, "first_line",
						l->rows[q].line));
					break;
				}
			}
		}
}

json_t *
inv_reconcile(const struct ledger *l, json_t *devices, time_t today, unsigned missing_days)
{
	json_t *rec = json_pack("{s:i, s:[], s:[], s:[], s:[], s:[], s:[]}", "matched", 0,
				"unknown", "missing", "mismatches", "duplicates", "rows",
				"invalid");
	json_t *mism = json_object_get(rec, "mismatches"), *rows = json_object_get(rec, "rows");
	char cutoff[32];
	time_t cut = today - (time_t)missing_days * 86400;
	struct tm tm;
	const char *k;
	json_t *d;
	int matched = 0;

	gmtime_r(&cut, &tm);
	strftime(cutoff, sizeof(cutoff), "%Y-%m-%dT%H:%M:%SZ", &tm);
	check_dups(l, json_object_get(rec, "duplicates"));
	for (size_t r = 0; r < l->nrows; r++) {
		char mac[18] = "", ip[64] = "";
		const char *cm = ledger_cell(l, r, LF_MAC), *ci = ledger_cell(l, r, LF_IP);
		int has_mac = *cm && canon_mac(cm, mac) == 0;
		int has_ip = *ci && canon_addr(ci, ip, sizeof(ip)) == 0;
		json_t *dev = NULL;

		if (*cm && !has_mac)
			json_array_append_new(json_object_get(rec, "invalid"),
					      json_pack("{s:i, s:s, s:s}", "line", l->rows[r].line,
							"field", "mac", "value", cm));
		if (*ci && !has_ip && strcasecmp(ci, "dhcp") && strcmp(ci, "-"))
			json_array_append_new(json_object_get(rec, "invalid"),
					      json_pack("{s:i, s:s, s:s}", "line", l->rows[r].line,
							"field", "ip", "value", ci));
		if (has_mac)
			dev = find_by(devices, "mac", mac);
		if (!dev && has_ip) {
			dev = find_by(devices, "addr", ip);
			/* a MAC both sides know and disagree on: not the same device
			 * unless the row's MAC was never seen anywhere */
			if (dev && has_mac && *str(dev, "mac") && strcmp(str(dev, "mac"), mac))
				mismatch(mism, l, r, dev, "mac", mac, str(dev, "mac"));
		}
		if (dev && json_object_get(dev, "ledger_row")) {
			/* a second row for a device already matched: listed under
			 * duplicates when address or MAC repeat, never "missing" */
			json_array_append_new(rows, json_integer(-1));
			continue;
		}
		if (!dev) {
			json_array_append_new(rows, json_integer(-1));
			if (has_mac || has_ip) {
				json_t *m = row_ref(l, r);

				json_object_set_new(m, "last_seen", json_null());
				json_array_append_new(json_object_get(rec, "missing"), m);
			}
			continue;
		}
		matched++;
		json_object_set_new(dev, "ledger_row", json_integer((json_int_t)r));
		json_array_append_new(rows, json_string(str(dev, "key")));
		if (strcmp(str(dev, "last_seen"), cutoff) < 0) {
			json_t *m = row_ref(l, r);

			json_object_set_new(m, "last_seen", json_string(str(dev, "last_seen")));
			json_array_append_new(json_object_get(rec, "missing"), m);
		}
		if (has_ip && !dev_has_addr(dev, ip)) {
			json_t *a = json_array_get(json_object_get(dev, "addrs"), 0);

			mismatch(mism, l, r, dev, "ip", ip, a ? json_string_value(a) : "");
		}
		if (*ledger_cell(l, r, LF_NAME) && json_array_size(json_object_get(dev, "hostnames")) &&
		    !name_in(dev, ledger_cell(l, r, LF_NAME)))
			mismatch(mism, l, r, dev, "name", ledger_cell(l, r, LF_NAME),
				 json_string_value(json_array_get(json_object_get(dev, "hostnames"), 0)));
	}
	json_object_foreach(devices, k, d)
		if (!json_object_get(d, "ledger_row"))
			json_array_append_new(json_object_get(rec, "unknown"), json_string(k));
	json_object_set_new(rec, "matched", json_integer(matched));
	return rec;
}

/* --- write back ------------------------------------------------------------ */

struct cbuf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
cb_put(struct cbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
		char *g = realloc(b->p, cap);

		if (!g) {
			b->oom = 1;
			return;
		}
		b->p = g;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

/* one CSV cell: quoted when needed, formula starts neutralised, line
 * breaks inside kept (Excel reads quoted CR/LF in a cell) */
static void
cb_cell(struct cbuf *b, const char *s, int first)
{
	int quote = 0;

	if (!first)
		cb_put(b, ",", 1);
	for (const char *c = s; *c; c++)
		if (*c == ',' || *c == '"' || *c == '\n' || *c == '\r')
			quote = 1;
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		quote = 1;
	if (quote)
		cb_put(b, "\"", 1);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		cb_put(b, "'", 1);
	for (const char *c = s; *c; c++)
		cb_put(b, c, 1 + (*c == '"'));	/* a quote is written twice */
	if (quote)
		cb_put(b, "\"", 1);
}

static const char *const added_cols[] = {
	"観測IP", "観測MAC", "観測ホスト名", "観測メーカー", "観測OS・ソフトウェア", "最終確認",
	"照合結果", NULL,
};

static void
observed_cells(struct cbuf *b, json_t *d, const char *verdict)
{
	char addrs[512] = "", names[512] = "", soft[512] = "";
	size_t i, n;
	json_t *v;

	json_array_foreach(json_object_get(d, "addrs"), i, v) {
		n = strlen(addrs);
		snprintf(addrs + n, sizeof(addrs) - n, "%s%s", i ? " " : "", json_string_value(v));
	}
	json_array_foreach(json_object_get(d, "hostnames"), i, v) {
		n = strlen(names);
		snprintf(names + n, sizeof(names) - n, "%s%s", i ? " " : "", json_string_value(v));
	}
	json_array_foreach(json_object_get(d, "software"), i, v) {
		n = strlen(soft);
		snprintf(soft + n, sizeof(soft) - n, "%s%s", i ? " / " : "", json_string_value(v));
	}
	cb_cell(b, addrs, 0);
	cb_cell(b, str(d, "mac"), 0);
	cb_cell(b, names, 0);
	cb_cell(b, str(d, "vendor"), 0);
	cb_cell(b, soft, 0);
	cb_cell(b, str(d, "last_seen"), 0);
	cb_cell(b, verdict, 0);
}

static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static const char *
row_verdict(json_t *recon, json_t *d, size_t r, int line)
{
	size_t i;
	json_t *m;

	if (!d)
		return "未検出 (not seen)";
	json_array_foreach(json_object_get(recon, "missing"), i, m)
		if (json_integer_value(json_object_get(m, "line")) == line)
			return "長期未検出 (not seen recently)";
	json_array_foreach(json_object_get(recon, "mismatches"), i, m)
		if (json_integer_value(json_object_get(m, "line")) == line)
			return "相違あり (differs)";
	(void)r;
	return "一致 (matches)";
}

int
inv_ledger_write(const struct ledger *l, json_t *devices, json_t *recon, const char *path,
		 char *err, size_t errlen)
{
	struct cbuf b = { 0 };
	json_t *rows = json_object_get(recon, "rows"), *v;
	size_t i;
	int rc;

	if (same_file(path, l->path)) {
		snprintf(err, errlen, "%s: refusing to write over the input ledger; name another file",
			 path);
		return -1;
	}
	cb_put(&b, "\xef\xbb\xbf", 3);
	for (i = 0; i < l->ncols; i++)
		cb_cell(&b, l->header[i], i == 0);
	for (i = 0; added_cols[i]; i++)
		cb_cell(&b, added_cols[i], 0);
	cb_put(&b, "\r\n", 2);
	for (size_t r = 0; r < l->nrows; r++) {
		const char *key = json_string_value(json_array_get(rows, r));
		json_t *d = key ? json_object_get(devices, key) : NULL;

		for (i = 0; i < l->ncols; i++)
			cb_cell(&b, l->rows[r].cells[i], i == 0);
		if (d) {
			observed_cells(&b, d, row_verdict(recon, d, r, l->rows[r].line));
		} else {
			for (i = 0; added_cols[i + 1]; i++)
				cb_cell(&b, "", 0);
			cb_cell(&b, row_verdict(recon, NULL, r, l->rows[r].line), 0);
		}
		cb_put(&b, "\r\n", 2);
	}
	json_array_foreach(json_object_get(recon, "unknown"), i, v) {
		json_t *d = json_object_get(devices, json_string_value(v));

		/* the device's own values go into the ledger's columns too */
		for (size_t c = 0; c < l->ncols; c++) {
			const char *cell = "";
			json_t *a0 = json_array_get(json_object_get(d, "addrs"), 0);

			if ((int)c == l->col[LF_IP] && a0)
				cell = json_string_value(a0);
			else if ((int)c == l->col[LF_MAC])
				cell = str(d, "mac");
			else if ((int)c == l->col[LF_NAME] && json_array_size(json_object_get(d, "hostnames")))
				cell = json_string_value(json_array_get(json_object_get(d, "hostnames"), 0));
			cb_cell(&b, cell, c == 0);
		}
		observed_cells(&b, d, "台帳に無い機器 (not in ledger)");
		cb_put(&b, "\r\n", 2);
	}
	if (b.oom) {
		free(b.p);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = fs_write_atomic(path, b.p, b.n, 0640, err, errlen);
	free(b.p);
	return rc;
}
