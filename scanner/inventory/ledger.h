/*
 * ledger.h - the hospital's own device ledger (台帳), read from CSV.
 *
 * Hospitals keep the ledger in Excel and export it as CSV: UTF-8 with or
 * without a byte-order mark, or Shift_JIS/CP932 (what Excel on Japanese
 * Windows writes).  ledger_load() detects which (BOM, then strict UTF-8,
 * else CP932 through iconv), parses the CSV with libcsv, finds the header
 * row (the first row that is not blank), and maps columns to the fields
 * heiiki understands, by well-known Japanese and English header names or
 * by a column map (YAML: field -> header text).  Blank columns (merged-cell
 * leftovers) and blank rows are skipped; every cell keeps its original
 * text so the ledger can be written back with the same columns.
 *
 * Errors name FILE:LINE:COLUMN and the offending value.
 */
#ifndef HEIIKI_INVENTORY_LEDGER_H
#define HEIIKI_INVENTORY_LEDGER_H

#include <stddef.h>

#define LEDGER_MAX_FILE (64UL * 1024 * 1024)
#define LEDGER_MAX_ROWS 200000
#define LEDGER_MAX_COLS 256
#define LEDGER_MAX_CELL 4096

enum ledger_field {
	LF_IP,			/* IP address */
	LF_MAC,			/* MAC address */
	LF_NAME,		/* host name */
	LF_TYPE,		/* device type (server, PC, modality, ...) */
	LF_LOCATION,		/* where it stands */
	LF_OWNER,		/* department / owner */
	LF_VENDOR,		/* maintenance vendor */
	LF_OS,			/* OS / firmware */
	LF_SUPPORT_END,		/* support end date as the ledger states it */
	LF_ID,			/* ledger id / asset number */
	LF_COUNT
};

struct ledger_row {
	char **cells;		/* ncols cells, UTF-8, never NULL */
	int line;		/* line in the file where the row starts */
};

struct ledger {
	char path[512];
	char encoding[16];	/* "utf-8", "utf-8-bom", "cp932" */
	char **header;		/* ncols header cells */
	size_t ncols;
	int header_line;
	int col[LF_COUNT];	/* column index of each field, -1 = absent */
	struct ledger_row *rows;
	size_t nrows;
};

const char *ledger_field_name(enum ledger_field f);

/*
 * Load a ledger.  map_path may be NULL (built-in header names).  Returns 0,
 * or -1 with err set ("FILE:LINE:COL: message").
 */
int ledger_load(const char *path, const char *map_path, struct ledger *l,
		char *err, size_t errlen);
/* The same from bytes already in memory (tests, fuzzing); name is for errors. */
int ledger_load_buf(const char *name, const char *buf, size_t len,
		    const char *map_path, struct ledger *l, char *err, size_t errlen);
void ledger_free(struct ledger *l);

/* The cell of field f in row r ("" when the column is absent). */
const char *ledger_cell(const struct ledger *l, size_t r, enum ledger_field f);

/*
 * Convert bytes to UTF-8: strip a UTF-8 BOM, keep valid UTF-8, else decode
 * CP932.  *out is malloc'd and NUL-terminated; enc names what was found.
 * Returns 0, or -1 with err "LINE:COL: message" (undecodable bytes).
 */
int ledger_to_utf8(const char *buf, size_t len, char **out, size_t *outlen,
		   char enc[16], char *err, size_t errlen);

#endif
