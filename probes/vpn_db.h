/*
 * vpn_db.h - VPN / firewall portal fingerprints, kept as data.
 *
 * probes/data/vpn-fingerprints.json (format "heiiki-vpn-fingerprints")
 * lists products, their public login-page paths (GET only, from the
 * allowlist of vpn-fingerprints.md 2.2), response markers with a
 * confidence, and the CISA KEV CVE IDs of the exposed component.  The file
 * is validated when loaded; the HTTP probe evaluates it on each response
 * through vpn_db_eval().  Loading happens once, in the CLI; probes only
 * read the loaded table through probe_ctx.vpn.
 */
#ifndef HEIIKI_VPN_DB_H
#define HEIIKI_VPN_DB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct vpn_db {
	json_t *root;
	json_t *fps;			/* "fingerprints" array (borrowed) */
	json_t *admin;			/* "admin_titles" object (borrowed) */
};

/* One HTTP response as the matcher sees it (all text already printable). */
struct http_view {
	const char *path;		/* request path */
	int status;
	const uint8_t *hdr;		/* raw header block (after the status line) */
	size_t hdrlen;
	const uint8_t *body;
	size_t bodylen;
	const char *title, *location, *cookies;	/* cookies: names, space separated */
	const char *cert_subject, *cert_issuer;	/* from the TLS layer, or NULL */
};

int vpn_db_load(const char *path, struct vpn_db **out, char *err, size_t errlen);
int vpn_db_load_buf(const char *buf, size_t len, struct vpn_db **out, char *err, size_t errlen);
/*
 * Find and load the default file: $HEIIKI_VPN_DB, then
 * $HEIIKI_SRCDIR/probes/data/, ./probes/data/, the binary's directory's
 * probes/data/, and HEIIKI_DATADIR/data/.
 */
int vpn_db_load_default(struct vpn_db **out, char *err, size_t errlen);
void vpn_db_free(struct vpn_db *db);

/* Is path a "/" or one of the fingerprints' allowlisted paths? */
int vpn_path_allowed(const struct vpn_db *db, const char *path);

/*
 * Score every fingerprint against one response.  state (a JSON object kept
 * across the conversation) collects per product
 * {"high": n, "medium": [marker indexes], "hint": n}.
 */
void vpn_db_eval(const struct vpn_db *db, const struct http_view *v, json_t *state);

/* Header value (first occurrence, case-insensitive name) into val; 1 found. */
int http_header(const uint8_t *hdr, size_t n, const char *name, char *val, size_t vlen);
/* Case-insensitive bounded substring search; offset or -1. */
long ci_find(const uint8_t *h, size_t hn, const char *needle);

#endif
