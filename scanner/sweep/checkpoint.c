/*
 * checkpoint.c - writing and reading scan checkpoints (checkpoint.h).
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "scanner/core/fsutil.h"

int
ckpt_write(const char *path, int argc, char *const *argv, uint64_t seed,
	   uint64_t cursor, uint64_t total, const char *config_hash,
	   const uint64_t *holes, size_t nholes, struct results *r,
	   char *err, size_t errlen)
{
	json_t *root, *av, *hs = NULL;
	char *text;
	int rc;

	av = json_array();
	for (int i = 0; av && i < argc; i++)
		json_array_append_new(av, json_string(argv[i]));
	root = json_pack("{s:s, s:i, s:o, s:I, s:I, s:I, s:s, s:O}",
			 "format", CKPT_FORMAT, "version", 1, "argv", av,
			 "seed", (json_int_t)seed, "cursor", (json_int_t)cursor,
			 "total", (json_int_t)total, "config_hash", config_hash,
			 "results", results_root(r));
	if (root && nholes) {
		hs = json_array();
		for (size_t i = 0; hs && i < nholes; i++)
			if (json_array_append_new(hs, json_integer((json_int_t)holes[i])) < 0) {
				json_decref(hs);
				hs = NULL;
			}
		if (!hs || json_object_set_new(root, "holes", hs) < 0) {
			json_decref(root);
			root = NULL;
		}
	}
	if (!root) {
		snprintf(err, errlen, "checkpoint: out of memory");
		return -1;
	}
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!text) {
		snprintf(err, errlen, "checkpoint: out of memory");
		return -1;
	}
	rc = fs_write_atomic(path, text, strlen(text), 0600, err, errlen);
	free(text);
	return rc;
}

static int
ckpt_parse(json_t *root, struct ckpt *c, char *err, size_t errlen)
{
	json_t *av, *res, *hs;
	json_int_t seed, cursor, total;
	const char *fmt, *hash;
	size_t i;

	if (json_unpack(root, "{s:s, s:o, s:I, s:I, s:I, s:s, s:o}", "format",
			&fmt, "argv", &av, "seed", &seed, "cursor", &cursor,
			"total", &total, "config_hash", &hash, "results", &res) < 0 ||
	    strcmp(fmt, CKPT_FORMAT) || !json_is_array(av) ||
	    cursor < 0 || total < 0 || cursor > total || strlen(hash) != 64) {
		snprintf(err, errlen, "not a valid heiiki checkpoint");
		return -1;
	}
	c->argv = calloc(json_array_size(av) + 1, sizeof(*c->argv));
	if (!c->argv)
		goto out_nomem;
	for (i = 0; i < json_array_size(av); i++) {
		const char *s = json_string_value(json_array_get(av, i));

		if (!s) {
			snprintf(err, errlen, "checkpoint: bad argv");
			return -1;
		}
		c->argv[i] = strdup(s);
		if (!c->argv[i])
			goto out_nomem;
		c->argc++;
	}
	hs = json_object_get(root, "holes");
	if (hs) {
		json_t *v;

		if (!json_is_array(hs) || json_array_size(hs) > SWEEP_HOLES_MAX) {
			snprintf(err, errlen, "checkpoint: bad holes");
			return -1;
		}
		c->holes = calloc(json_array_size(hs) + 1, sizeof(*c->holes));
		if (!c->holes)
			goto out_nomem;
		json_array_foreach(hs, i, v) {
			json_int_t h = json_is_integer(v) ? json_integer_value(v) : -1;

			/* sorted, unique, below the cursor: else not ours */
			if (h < 0 || h >= cursor ||
			    (c->nholes && (uint64_t)h <= c->holes[c->nholes - 1])) {
				snprintf(err, errlen, "checkpoint: bad holes");
				return -1;
			}
			c->holes[c->nholes++] = (uint64_t)h;
		}
	}
	c->seed = (uint64_t)seed;
	c->cursor = (uint64_t)cursor;
	c->total = (uint64_t)total;
	snprintf(c->config_hash, sizeof(c->config_hash), "%s", hash);
	c->results = json_incref(res);
	return 0;
out_nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
ckpt_read_buf(const char *name, const char *buf, size_t len, struct ckpt *c, char *err,
	      size_t errlen)
{
	char perr[256];
	json_error_t je;
	json_t *root;
	int rc;

	memset(c, 0, sizeof(*c));
	root = json_loadb(buf, len, 0, &je);
	if (!root) {
		snprintf(err, errlen, "%s: line %d: %s", name, je.line, je.text);
		return -1;
	}
	rc = ckpt_parse(root, c, perr, sizeof(perr));
	json_decref(root);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", name, perr);
		ckpt_free(c);
	}
	return rc;
}

int
ckpt_read(const char *path, struct ckpt *c, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	memset(c, 0, sizeof(*c));
	if (fs_read_all(path, CKPT_MAX_FILE, &text, &len, err, errlen) < 0)
		return -1;
	rc = ckpt_read_buf(path, text, len, c, err, errlen);
	free(text);
	return rc;
}

void
ckpt_free(struct ckpt *c)
{
	for (int i = 0; c->argv && i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->holes);
	json_decref(c->results);
	memset(c, 0, sizeof(*c));
}

int
ckpt_config_hash(const struct tset *t, const struct sweep_port *ports,
		 size_t nports, unsigned in_flight, const char *policy_hash,
		 char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dig[32];
	unsigned dlen = 0;
	int ok;

	if (!md)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(md, "heiiki-sweep-1", 14) &&
	     EVP_DigestUpdate(md, t->r, t->n * sizeof(*t->r)) &&
	     EVP_DigestUpdate(md, &in_flight, sizeof(in_flight)) &&
	     EVP_DigestUpdate(md, policy_hash, strlen(policy_hash));
	for (size_t i = 0; ok && i < nports; i++) {
		uint8_t b[3] = { (uint8_t)(ports[i].port >> 8),
				 (uint8_t)ports[i].port, ports[i].proto };

		ok = EVP_DigestUpdate(md, b, sizeof(b));
	}
	ok = ok && EVP_DigestFinal_ex(md, dig, &dlen);
	EVP_MD_CTX_free(md);
	if (!ok || dlen != 32)
		return -1;
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", dig[i]);
	return 0;
}
