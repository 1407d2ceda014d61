/*
 * oui.c - the IEEE OUI registry (see oui.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "oui.h"
#include "rd.h"

struct oui_ent {
	uint32_t prefix;
	char name[OUI_NAME_MAX];
};

struct oui_db {
	struct oui_ent *e;
	size_t n, cap;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "XX-XX-XX   (hex)\t\tName" -> prefix, name; 0 when not such a line. */
static int
parse_line(const char *line, uint32_t *prefix, char *name, size_t namelen)
{
	const char *p;
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		if (i % 3 == 2) {
			if (line[i] != '-')
				return 0;
			continue;
		}
		if (hexval(line[i]) < 0)
			return 0;
		v = (v << 4) | (uint32_t)hexval(line[i]);
	}
	p = strstr(line + 8, "(hex)");
	if (!p)
		return 0;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	snprintf(name, namelen, "%s", p);
	for (size_t k = strlen(name); k && (name[k - 1] == ' '); k--)
		name[k - 1] = '\0';
	*prefix = v;
	return 1;
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct oui_ent *x = a, *y = b;

	return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

static int
add_ent(struct oui_db *db, uint32_t prefix, const char *name)
{
	if (db->n == db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 1024;
		struct oui_ent *ne;

		if (cap > OUI_MAX_ENTRIES)
			return db->n < OUI_MAX_ENTRIES ? 0 : -1;
		ne = realloc(db->e, cap * sizeof(*ne));
		if (!ne)
			return -1;
		db->e = ne;
		db->cap = cap;
	}
	if (db->n >= OUI_MAX_ENTRIES)
		return -1;
	db->e[db->n].prefix = prefix;
	snprintf(db->e[db->n].name, OUI_NAME_MAX, "%s", name);
	db->n++;
	return 0;
}

/* One line with tabs kept as spaces (rd_line would turn them into '.'),
 * other unprintable bytes as '.', cut at len - 1; 0 at the end. */
static int
next_line(struct rd *r, char *dst, size_t len)
{
	long nl = rd_find(r, "\n", 1);
	size_t n = nl < 0 ? rd_left(r) : (size_t)nl, k = 0;
	const uint8_t *p;

	if (rd_left(r) == 0 || !rd_bytes(r, &p, n))
		return 0;
	if (nl >= 0)
		rd_skip(r, 1);
	for (size_t i = 0; i < n && k + 1 < len; i++) {
		uint8_t c = p[i];

		if (c == '\r')
			continue;
		dst[k++] = c == '\t' ? ' ' : (c >= 0x20 && c < 0x7f ? (char)c : '.');
	}
	dst[k] = '\0';
	return 1;
}

int
oui_load_buf(const char *buf, size_t len, struct oui_db **out, char *err,
	     size_t errlen)
{
	struct oui_db *db = calloc(1, sizeof(*db));
	struct rd r;
	char line[256], name[OUI_NAME_MAX];
	uint32_t prefix;

	if (!db)
		goto out_nomem;
	rd_init(&r, buf, len);
	while (next_line(&r, line, sizeof(line)))
		if (strlen(line) >= 8 &&
		    parse_line(line, &prefix, name, sizeof(name)) &&
		    add_ent(db, prefix, name) < 0)
			break;	/* entry cap reached: keep what we have */
	if (db->n)
		qsort(db->e, db->n, sizeof(*db->e), cmp_ent);
	*out = db;
	return 0;
out_nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
oui_load(const char *path, struct oui_db **out, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	if (!path)
		path = OUI_DEFAULT_PATH;
	if (fs_read_all(path, OUI_MAX_FILE, &buf, &len, err, errlen) < 0)
		return -1;
	rc = oui_load_buf(buf, len, out, err, errlen);
	free(buf);
	return rc;
}

size_t
oui_count(const struct oui_db *db)
{
	return db ? db->n : 0;
}

const char *
oui_lookup(const struct oui_db *db, const uint8_t mac[6])
{
	uint32_t p = ((uint32_t)mac[0] << 16) | ((uint32_t)mac[1] << 8) | mac[2];
	size_t lo = 0, hi;

	if (!db || (mac[0] & 0x02))
		return NULL;
	hi = db->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (db->e[mid].prefix < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < db->n && db->e[lo].prefix == p ? db->e[lo].name : NULL;
}

void
oui_free(struct oui_db *db)
{
	if (!db)
		return;
	free(db->e);
	free(db);
}
