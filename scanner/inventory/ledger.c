/*
 * ledger.c - read the hospital's device ledger (see ledger.h).
 *
 * Bytes -> UTF-8 (BOM / strict UTF-8 / CP932 via iconv) -> libcsv, fed one
 * physical line at a time so every row knows the line it started on ->
 * header row -> column map (built-in names or a YAML map file read with
 * libyaml).  Every limit (file size, rows, columns, cell length) is fixed
 * here; nothing grows with the input past them.
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "ledger.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/rd.h"

static const char *const field_names[LF_COUNT] = {
	[LF_IP] = "ip", [LF_MAC] = "mac", [LF_NAME] = "name", [LF_TYPE] = "type",
	[LF_LOCATION] = "location", [LF_OWNER] = "owner", [LF_VENDOR] = "vendor",
	[LF_OS] = "os", [LF_SUPPORT_END] = "support_end", [LF_ID] = "id",
};

/*
 * Header names a ledger uses for each field, already normalised
 * (norm_header: full-width ASCII folded, spaces removed, ASCII lower case).
 */
static const char *const synonyms[LF_COUNT][14] = {
	[LF_IP] = { "ip", "ipアドレス", "ipaddress", "ipaddr", "ipv4", "ipv4アドレス",
		    "アドレス", "address", NULL },
	[LF_MAC] = { "mac", "macアドレス", "macaddress", "物理アドレス", NULL },
	[LF_NAME] = { "ホスト名", "hostname", "host", "機器名", "端末名", "コンピュータ名",
		      "コンピューター名", "name", "名称", "devicename", NULL },
	[LF_TYPE] = { "機器種別", "種別", "機器区分", "区分", "分類", "type", "devicetype",
		      "category", NULL },
	[LF_LOCATION] = { "設置場所", "場所", "location", "設置先", NULL },
	[LF_OWNER] = { "管理部署", "部署", "所管部署", "使用部署", "管理者", "owner",
		       "department", NULL },
	[LF_VENDOR] = { "保守業者", "保守ベンダー", "保守ベンダ", "保守会社", "ベンダー",
			"業者", "vendor", "maintenancevendor", "maintainer", NULL },
	[LF_OS] = { "os", "os/ファームウェア", "ファームウェア", "osバージョン", "os名",
		    "firmware", "osversion", NULL },
	[LF_SUPPORT_END] = { "サポート終了日", "サポート期限", "保守期限", "eos",
			     "supportend", "endofsupport", NULL },
	[LF_ID] = { "資産番号", "管理番号", "台帳番号", "機器番号", "id", "assetid",
		    "no", "no.", NULL },
};

const char *
ledger_field_name(enum ledger_field f)
{
	return (unsigned)f < LF_COUNT ? field_names[f] : "?";
}

/* --- encoding ------------------------------------------------------------ */

/* Length of the UTF-8 sequence at r (1-4), or 0 when it is not valid. */
static size_t
utf8_seq(struct rd *r)
{
	uint8_t c, d;
	size_t n, i;
	uint32_t cp;

	if (!rd_u8(r, &c))
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if (!rd_u8(r, &d) || (d & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (d & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int
utf8_valid(const char *buf, size_t len)
{
	struct rd r;

	rd_init(&r, buf, len);
	while (rd_left(&r))
		if (!utf8_seq(&r))
			return 0;
	return 1;
}

/* line:column (1-based, column in bytes) of offset off in buf */
static void
locate(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int
from_cp932(const char *buf, size_t len, char **out,
	   size_t *outlen, char *err, size_t errlen)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	size_t cap = len * 3 + 1, inleft = len, outleft;
	char *in = (char *)buf, *o, *res;
	int line, col;

	if (cd == (iconv_t)-1) {
		snprintf(err, errlen, "1:1: CP932 decoder unavailable: %s", strerror(errno));
		return -1;
	}
	res = malloc(cap);
	if (!res) {
		iconv_close(cd);
		snprintf(err, errlen, "1:1: out of memory");
		return -1;
	}
	o = res;
	outleft = cap - 1;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		locate(buf, (size_t)(in - buf), &line, &col);
		snprintf(err, errlen,
			 "%d:%d: neither UTF-8 nor Shift_JIS/CP932 (byte 0x%02x); "
			 "save the ledger as CSV UTF-8 or CSV (Shift_JIS)",
			 line, col, (unsigned)(uint8_t)*in);
		free(res);
		iconv_close(cd);
		return -1;
	}
	iconv_close(cd);
	*o = '\0';
	*out = res;
	*outlen = (size_t)(o - res);
	return 0;
}

int
ledger_to_utf8(const char *buf, size_t len, char **out, size_t *outlen,
	       char enc[16], char *err, size_t errlen)
{
	int bom = len >= 3 && (uint8_t)buf[0] == 0xef && (uint8_t)buf[1] == 0xbb &&
		  (uint8_t)buf[2] == 0xbf;

	if (bom) {
		buf += 3;
		len -= 3;
	}
	if (bom || utf8_valid(buf, len)) {
		if (bom && !utf8_valid(buf, len)) {
			snprintf(err, errlen, "1:1: byte-order mark says UTF-8 but the bytes are not UTF-8");
			return -1;
		}
		*out = malloc(len + 1);
		if (!*out) {
			snprintf(err, errlen, "1:1: out of memory");
			return -1;
		}
		memcpy(*out, buf, len);
		(*out)[len] = '\0';
		*outlen = len;
		snprintf(enc, 16, "%s", bom ? "utf-8-bom" : "utf-8");
		return 0;
	}
	snprintf(enc, 16, "cp932");
	return from_cp932(buf, len, out, outlen, err, errlen);
}

/* --- header names ---------------------------------------------------------- */

/* Normalise a header for matching: fold full-width ASCII (U+FF01..FF5E) and
 * the ideographic space, drop spaces and '_'/'-', lower-case ASCII. */
static void
norm_header(const char *s, char *dst, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = 0;

	while (*p && n + 4 < cap) {
		if (p[0] == 0xef && (p[1] == 0xbc || p[1] == 0xbd) && p[2]) {
			unsigned cp = ((p[1] & 0x3f) << 6 | (p[2] & 0x3f)) + 0xf000;

			if (cp >= 0xff01 && cp <= 0xff5e) {
				char c = (char)(cp - 0xff01 + 0x21);

				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				dst[n++] = c;
				p += 3;
				continue;
			}
		}
		if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {	/* U+3000 */
			p += 3;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '_' || *p == '-' || *p == '\r' ||
		    *p == '\n') {
			p++;
			continue;
		}
		dst[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
		p++;
	}
	dst[n] = '\0';
}

/* --- CSV ------------------------------------------------------------------- */

struct pstate {
	struct ledger *l;
	char **cur;		/* cells of the row being read */
	size_t ncur;
	size_t cell_chars;	/* newlines inside the row's cells */
	int line;		/* physical line being fed */
	int err;
	char *errbuf;
	size_t errlen;
	const char *name;
};

static void
row_drop(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

static void
on_field(void *s, size_t len, void *data)
{
	struct pstate *ps = data;
	char **grown, *cell;

	if (ps->err)
		return;
	if (ps->ncur >= LEDGER_MAX_COLS) {
		snprintf(ps->errbuf, ps->errlen, "%s:%d: more than %d columns", ps->name,
			 ps->line, LEDGER_MAX_COLS);
		ps->err = 1;
		return;
	}
	if (len > LEDGER_MAX_CELL) {
		snprintf(ps->errbuf, ps->errlen, "%s:%d:%zu: cell longer than %d bytes",
			 ps->name, ps->line, ps->ncur + 1, LEDGER_MAX_CELL);
		ps->err = 1;
		return;
	}
	grown = realloc(ps->cur, (ps->ncur + 1) * sizeof(*grown));
	cell = malloc(len + 1);
	if (!grown || !cell) {
		free(cell);
		if (grown)
			ps->cur = grown;
		snprintf(ps->errbuf, ps->errlen, "%s: out of memory", ps->name);
		ps->err = 1;
		return;
	}
	ps->cur = grown;
	if (len)
		memcpy(cell, s, len);
	cell[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (cell[i] == '\n')
			ps->cell_chars++;
	ps->cur[ps->ncur++] = cell;
}

static int
row_blank(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *c = cells[i]; *c; c++)
			if (*c != ' ' && *c != '\t' && *c != '\r')
				return 0;
	return 1;
}

static void
on_row(int c, void *data)
{
	struct pstate *ps = data;
	struct ledger *l = ps->l;
	int start = ps->line - (int)ps->cell_chars;
	char **cells = ps->cur;
	size_t n = ps->ncur;

	(void)c;
	ps->cur = NULL;
	ps->ncur = 0;
	ps->cell_chars = 0;
	if (ps->err || row_blank(cells, n)) {
		row_drop(cells, n);
		return;
	}
	if (!l->header) {
		l->header = cells;
		l->ncols = n;
		l->header_line = start;
		return;
	}
	if (l->nrows >= LEDGER_MAX_ROWS) {
		snprintf(ps->errbuf, ps->errlen, "%s:%d: more than %d rows", ps->name, start,
			 LEDGER_MAX_ROWS);
		ps->err = 1;
		row_drop(cells, n);
		return;
	}
	/* every row gets exactly ncols cells: extra trailing blank cells go,
	 * missing ones are empty; extra cells with text are an error */
	if (n > l->ncols) {
		for (size_t i = l->ncols; i < n; i++)
			if (!row_blank(&cells[i], 1)) {
				snprintf(ps->errbuf, ps->errlen,
					 "%s:%d:%zu: value '%.40s' is right of the last header column",
					 ps->name, start, i + 1, cells[i]);
				ps->err = 1;
				row_drop(cells, n);
				return;
			}
	}
	{
		char **fixed = calloc(l->ncols ? l->ncols : 1, sizeof(*fixed));
		struct ledger_row *grown = realloc(l->rows, (l->nrows + 1) * sizeof(*grown));

		if (!fixed || !grown) {
			free(fixed);
			if (grown)
				l->rows = grown;
			snprintf(ps->errbuf, ps->errlen, "%s: out of memory", ps->name);
			ps->err = 1;
			row_drop(cells, n);
			return;
		}
		l->rows = grown;
		for (size_t i = 0; i < l->ncols; i++)
			fixed[i] = i < n ? cells[i] : strdup("");
		for (size_t i = l->ncols; i < n; i++)
			free(cells[i]);
		free(cells);
		for (size_t i = 0; i < l->ncols; i++)
			if (!fixed[i]) {
				row_drop(fixed, l->ncols);
				snprintf(ps->errbuf, ps->errlen, "%s: out of memory", ps->name);
				ps->err = 1;
				return;
			}
		l->rows[l->nrows].cells = fixed;
		l->rows[l->nrows].line = start;
		l->nrows++;
	}
}

static int
parse_csv(const char *name, const char *text, size_t len, struct ledger *l,
	  char *err, size_t errlen)
{
	struct csv_parser cp;
	struct pstate ps = { .l = l, .line = 1, .errbuf = err, .errlen = errlen, .name = name };
	size_t off = 0;

	if (csv_init(&cp, CSV_APPEND_NULL) != 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	while (off < len && !ps.err) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t chunk = nl ? (size_t)(nl - (text + off)) + 1 : len - off;

		if (csv_parse(&cp, text + off, chunk, on_field, on_row, &ps) != chunk) {
			snprintf(err, errlen, "%s:%d: CSV error: %s", name, ps.line,
				 csv_strerror(csv_error(&cp)));
			ps.err = 1;
			break;
		}
		off += chunk;
		if (nl)
			ps.line++;
	}
	if (!ps.err)
		csv_fini(&cp, on_field, on_row, &ps);
	csv_free(&cp);
	row_drop(ps.cur, ps.ncur);
	if (ps.err)
		return -1;
	if (!l->header) {
		snprintf(err, errlen, "%s:1:1: no header row (the file has no non-blank line)",
			 name);
		return -1;
	}
	return 0;
}

/* --- column map -------------------------------------------------------------- */

static int
find_col(const struct ledger *l, const char *want_norm)
{
	char n[256];

	for (size_t i = 0; i < l->ncols; i++) {
		norm_header(l->header[i], n, sizeof(n));
		if (n[0] && !strcmp(n, want_norm))
			return (int)i;
	}
	return -1;
}

static void
map_builtin(struct ledger *l)
{
	for (int f = 0; f < LF_COUNT; f++) {
		l->col[f] = -1;
		for (int k = 0; synonyms[f][k] && l->col[f] < 0; k++)
			l->col[f] = find_col(l, synonyms[f][k]);
	}
}

static int
field_by_name(const char *s)
{
	for (int f = 0; f < LF_COUNT; f++)
		if (!strcmp(field_names[f], s))
			return f;
	return -1;
}

/* map file: a YAML mapping "field: header text" (one level, scalars only) */
static int
map_file(struct ledger *l, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	yaml_parser_t yp;
	yaml_event_t ev;
	char key[64] = "";
	int depth = 0, have_key = 0, rc = -1, done = 0;

	if (fs_read_all(path, 1 << 20, &buf, &len, err, errlen) < 0)
		return -1;
	if (!yaml_parser_initialize(&yp)) {
		free(buf);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			snprintf(err, errlen, "%s:%zu:%zu: %s", path, yp.problem_mark.line + 1,
				 yp.problem_mark.column + 1, yp.problem ? yp.problem : "YAML error");
			goto out;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (++depth > 1 || ev.type == YAML_SEQUENCE_START_EVENT) {
				snprintf(err, errlen,
					 "%s:%zu:%zu: the column map is one mapping of field: header",
					 path, ev.start_mark.line + 1, ev.start_mark.column + 1);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;

			if (!have_key) {
				if (field_by_name(v) < 0) {
					snprintf(err, errlen,
						 "%s:%zu:%zu: unknown field '%.40s' (ip, mac, name, type, "
						 "location, owner, vendor, os, support_end, id)",
						 path, ev.start_mark.line + 1, ev.start_mark.column + 1, v);
					yaml_event_delete(&ev);
					goto out;
				}
				snprintf(key, sizeof(key), "%s", v);
				have_key = 1;
			} else {
				char n[256];
				int f = field_by_name(key), c;

				norm_header(v, n, sizeof(n));
				c = find_col(l, n);
				if (c < 0) {
					snprintf(err, errlen,
						 "%s:%zu:%zu: column '%.60s' for %s is not in the ledger's "
						 "header (line %d)",
						 path, ev.start_mark.line + 1, ev.start_mark.column + 1, v,
						 key, l->header_line);
					yaml_event_delete(&ev);
					goto out;
				}
				l->col[f] = c;
				have_key = 0;
			}
			break;
		}
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
out:
	yaml_parser_delete(&yp);
	free(buf);
	return rc;
}

/* --- load -------------------------------------------------------------------- */

int
ledger_load_buf(const char *name, const char *buf, size_t len, const char *map_path,
		struct ledger *l, char *err, size_t errlen)
{
	char *text = NULL, why[256];
	size_t tlen;

	memset(l, 0, sizeof(*l));
	snprintf(l->path, sizeof(l->path), "%s", name);
	if (ledger_to_utf8(buf, len, &text, &tlen, l->encoding, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s:%s", name, why);
		return -1;
	}
	if (parse_csv(name, text, tlen, l, err, errlen) < 0)
		goto fail;
	free(text);
	text = NULL;
	map_builtin(l);
	if (map_path && map_file(l, map_path, err, errlen) < 0)
		goto fail;
	if (l->col[LF_IP] < 0 && l->col[LF_MAC] < 0) {
		snprintf(err, errlen,
			 "%s:%d: the header has neither an IP nor a MAC address column "
			 "(give a column map with --map: ip: \"<header>\")",
			 name, l->header_line);
		goto fail;
	}
	return 0;
fail:
	free(text);
	ledger_free(l);
	return -1;
}

int
ledger_load(const char *path, const char *map_path, struct ledger *l, char *err,
	    size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (fs_read_all(path, LEDGER_MAX_FILE, &buf, &len, err, errlen) < 0)
		return -1;
	rc = ledger_load_buf(path, buf, len, map_path, l, err, errlen);
	free(buf);
	return rc;
}

void
ledger_free(struct ledger *l)
{
	if (l->header)
		row_drop(l->header, l->ncols);
	for (size_t i = 0; i < l->nrows; i++)
		row_drop(l->rows[i].cells, l->ncols);
	free(l->rows);
	memset(l, 0, sizeof(*l));
}

const char *
ledger_cell(const struct ledger *l, size_t r, enum ledger_field f)
{
	int c = (unsigned)f < LF_COUNT ? l->col[f] : -1;

	if (c < 0 || r >= l->nrows || (size_t)c >= l->ncols)
		return "";
	return l->rows[r].cells[c];
}
