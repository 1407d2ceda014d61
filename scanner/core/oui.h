/*
 * oui.h - MAC vendor names from the IEEE registry as packaged by Debian
 * (ieee-data: /usr/share/ieee-data/oui.txt).
 *
 * Only the "XX-XX-XX   (hex)   Organization" lines are used.  The file is
 * read whole with a size cap and parsed through the bounded cursor; names
 * are made printable and truncated to OUI_NAME_MAX.  Lookup is a binary
 * search over the sorted 24-bit prefixes.
 */
#ifndef HEIIKI_OUI_H
#define HEIIKI_OUI_H

#include <stddef.h>
#include <stdint.h>

#define OUI_DEFAULT_PATH "/usr/share/ieee-data/oui.txt"
#define OUI_MAX_FILE (32UL * 1024 * 1024)
#define OUI_MAX_ENTRIES 200000
#define OUI_NAME_MAX 64

struct oui_db;

/* Load path (NULL: OUI_DEFAULT_PATH); -1 with err naming the file. */
int oui_load(const char *path, struct oui_db **out, char *err, size_t errlen);
/* Parse a buffer in oui.txt format (tests, fuzzing). */
int oui_load_buf(const char *buf, size_t len, struct oui_db **out,
		 char *err, size_t errlen);
size_t oui_count(const struct oui_db *db);
/* Vendor of mac, or NULL (unknown, or a locally administered address). */
const char *oui_lookup(const struct oui_db *db, const uint8_t mac[6]);
void oui_free(struct oui_db *db);

#endif
