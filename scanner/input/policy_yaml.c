/*
 * policy_yaml.c - the libyaml front end of the policy loader.
 *
 * The bytes are parsed twice.  The first pass streams events only: it turns
 * libyaml's own errors (binary junk, bad indentation) into located
 * messages and refuses what the schema never needs but an attacker could
 * use to make the second pass expensive: aliases (a "billion laughs" list
 * costs nothing to write), nesting deeper than POLICY_MAX_DEPTH and more
 * than POLICY_MAX_NODES nodes.  Only then is the document built with
 * yaml_parser_load(), whose nodes keep their start marks.
 *
 * The getters below check one node against one expected type and fail
 * with "file:line:column: what: message", line and column counted from 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

#define PFX(w) (w) ? (w) : "", (w) ? ": " : ""

int
pc_error(struct pctx *pc, yaml_mark_t m, const char *fmt, ...)
{
	char msg[POLICY_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(pc->err, pc->errlen, "%s:%zu:%zu: %s", pc->name, m.line + 1,
		 m.column + 1, msg);
	return -1;
}

/* Printable copy of a user string for a message (at most 60 bytes). */
static const char *
show(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 4 < len && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < n && o + 4 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static const char *
node_text(const yaml_node_t *n, char *buf, size_t len)
{
	return show((const char *)n->data.scalar.value, n->data.scalar.length,
		    buf, len);
}

/* A reader error has only a byte offset: turn it into line and column. */
static yaml_mark_t
offset_mark(const struct pctx *pc, size_t off)
{
	yaml_mark_t m = { 0, 0, 0 };

	if (off > pc->len)
		off = pc->len;
	for (size_t i = 0; i < off; i++) {
		if (pc->buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else {
			m.column++;
		}
	}
	return m;
}

static int
parser_error(struct pctx *pc, const yaml_parser_t *yp)
{
	const char *problem = yp->problem ? yp->problem : "unknown error";

	switch (yp->error) {
	case YAML_MEMORY_ERROR:
		return pc_error(pc, yp->problem_mark, "out of memory");
	case YAML_READER_ERROR:
		if (yp->problem_value != -1)
			return pc_error(pc, offset_mark(pc, yp->problem_offset),
					"not a text file: %s (byte 0x%02x)", problem,
					(unsigned)yp->problem_value & 0xff);
		return pc_error(pc, offset_mark(pc, yp->problem_offset),
				"not a text file: %s", problem);
	default:
		if (yp->context)
			return pc_error(pc, yp->problem_mark,
					"invalid YAML: %s (%s at %zu:%zu)", problem,
					yp->context, yp->context_mark.line + 1,
					yp->context_mark.column + 1);
		return pc_error(pc, yp->problem_mark, "invalid YAML: %s", problem);
	}
}

/* Classify one event of the first pass; -1 ends the scan with err set. */
static int
scan_event(struct pctx *pc, const yaml_event_t *ev, int *depth, size_t *nodes,
	   int *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1)
			return pc_error(pc, ev->start_mark,
					"only one YAML document is allowed in a policy");
		break;
	case YAML_ALIAS_EVENT:
		return pc_error(pc, ev->start_mark,
				"YAML aliases are not supported in a policy");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++*depth > POLICY_MAX_DEPTH)
			return pc_error(pc, ev->start_mark,
					"nested deeper than %d levels", POLICY_MAX_DEPTH);
		/* FALLTHROUGH */
	case YAML_SCALAR_EVENT:
		if (++*nodes > POLICY_MAX_NODES)
			return pc_error(pc, ev->start_mark,
					"policy has more than %d YAML nodes",
					POLICY_MAX_NODES);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		--*depth;
		break;
	default:
		break;
	}
	return 0;
}

static int
scan_events(struct pctx *pc, int *docs)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	int depth = 0, rc = 0, done = 0;
	size_t nodes = 0;
	yaml_mark_t zero = { 0, 0, 0 };

	*docs = 0;
	if (!yaml_parser_initialize(&yp))
		return pc_error(pc, zero, "out of memory");
	yaml_parser_set_input_string(&yp, (const unsigned char *)pc->buf, pc->len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&yp, &ev)) {
			rc = parser_error(pc, &yp);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = scan_event(pc, &ev, &depth, &nodes, docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	return rc;
}

int
pc_load(struct pctx *pc)
{
	yaml_parser_t yp;
	yaml_mark_t zero = { 0, 0, 0 };
	yaml_node_t *root;
	int docs;

	if (scan_events(pc, &docs) < 0)
		return -1;
	if (docs == 0)
		return pc_error(pc, zero, "policy is empty");
	if (!yaml_parser_initialize(&yp))
		return pc_error(pc, zero, "out of memory");
	yaml_parser_set_input_string(&yp, (const unsigned char *)pc->buf, pc->len);
	if (!yaml_parser_load(&yp, &pc->doc)) {
		parser_error(pc, &yp);
		yaml_parser_delete(&yp);
		return -1;
	}
	yaml_parser_delete(&yp);
	pc->have_doc = 1;
	root = yaml_document_get_root_node(&pc->doc);
	if (!root || pc_is_null(root))
		return pc_error(pc, zero, "policy is empty");
	if (root->type != YAML_MAPPING_NODE)
		return pc_error(pc, root->start_mark,
				"a policy is a mapping of keys (site:, zones:, ...), got %s",
				pc_kind(root));
	return 0;
}

yaml_node_t *
pc_node(struct pctx *pc, yaml_node_item_t id)
{
	return yaml_document_get_node(&pc->doc, id);
}

int
pc_is_null(const yaml_node_t *n)
{
	const char *v;

	if (!n || n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

const char *
pc_kind(const yaml_node_t *n)
{
	if (!n || pc_is_null(n))
		return "nothing";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a string";
	}
}

static int
key_index(const yaml_node_t *k, const char *const keys[])
{
	for (int i = 0; keys[i]; i++)
		if (!strcmp((const char *)k->data.scalar.value, keys[i]))
			return i;
	return -1;
}

static int
unknown_key(struct pctx *pc, const yaml_node_t *k, const char *what,
	    const char *const keys[])
{
	char list[256], t[80];
	size_t o = 0;

	list[0] = '\0';
	for (int i = 0; keys[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				      i ? ", " : "", keys[i]);
	return pc_error(pc, k->start_mark, "%s%sunknown key '%s' (expected one of: %s)",
			PFX(what), node_text(k, t, sizeof(t)), list);
}

int
pc_map(struct pctx *pc, yaml_node_t *n, const char *what,
       const char *const keys[], yaml_node_t *vals[])
{
	yaml_node_pair_t *pr;
	int nk = 0;

	while (keys[nk])
		vals[nk++] = NULL;
	if (n->type != YAML_MAPPING_NODE)
		return pc_error(pc, n->start_mark, "%s%sexpected a mapping, got %s",
				PFX(what), pc_kind(n));
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pc_node(pc, pr->key);
		char t[80];
		int i;

		if (!k || k->type != YAML_SCALAR_NODE)
			return pc_error(pc, k ? k->start_mark : n->start_mark,
					"%s%skeys must be plain words, got %s",
					PFX(what), pc_kind(k));
		i = key_index(k, keys);
		if (i < 0)
			return unknown_key(pc, k, what, keys);
		if (vals[i])
			return pc_error(pc, k->start_mark, "%s%sduplicate key '%s'",
					PFX(what), node_text(k, t, sizeof(t)));
		vals[i] = pc_node(pc, pr->value);
	}
	return 0;
}

int
pc_require(struct pctx *pc, yaml_node_t *map, yaml_node_t *val,
	   const char *what, const char *key)
{
	if (val)
		return 0;
	return pc_error(pc, map->start_mark, "%s%smissing required key '%s'",
			PFX(what), key);
}

int
pc_seq(struct pctx *pc, yaml_node_t *n, const char *what, size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return pc_error(pc, n->start_mark, "%s: expected a list, got %s",
				what, pc_kind(n));
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (*count > POLICY_MAX_LIST)
		return pc_error(pc, n->start_mark, "%s: more than %d entries",
				what, POLICY_MAX_LIST);
	return 0;
}

yaml_node_t *
pc_item(struct pctx *pc, yaml_node_t *seq, size_t i)
{
	return pc_node(pc, seq->data.sequence.items.start[i]);
}

int
pc_str(struct pctx *pc, yaml_node_t *n, const char *what, char *buf, size_t len)
{
	const unsigned char *v;
	size_t vlen;

	if (n->type != YAML_SCALAR_NODE || pc_is_null(n))
		return pc_error(pc, n->start_mark, "%s: expected a string, got %s",
				what, pc_kind(n));
	v = n->data.scalar.value;
	vlen = n->data.scalar.length;
	if (vlen == 0)
		return pc_error(pc, n->start_mark, "%s: must not be empty", what);
	if (vlen >= len)
		return pc_error(pc, n->start_mark, "%s: longer than %zu bytes",
				what, len - 1);
	for (size_t i = 0; i < vlen; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return pc_error(pc, n->start_mark,
					"%s: contains control characters", what);
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	return 0;
}

int
pc_name(struct pctx *pc, yaml_node_t *n, const char *what, char *buf, size_t len)
{
	char t[80];

	if (pc_str(pc, n, what, buf, len) < 0)
		return -1;
	for (const char *s = buf; *s; s++) {
		int ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			 (*s >= '0' && *s <= '9') ||
			 (s != buf && (*s == '-' || *s == '_' || *s == '.'));
		if (!ok)
			return pc_error(pc, n->start_mark,
					"%s: '%s' is not a valid name (letters, digits, '-', '_', '.'; starting with a letter or digit)",
					what, node_text(n, t, sizeof(t)));
	}
	return 0;
}

int
pc_uint(struct pctx *pc, yaml_node_t *n, const char *what, unsigned long min,
	unsigned long max, unsigned *out)
{
	const char *v;
	char *end, t[80];
	unsigned long x;

	if (n->type != YAML_SCALAR_NODE || pc_is_null(n))
		return pc_error(pc, n->start_mark, "%s: expected a number, got %s",
				what, pc_kind(n));
	v = (const char *)n->data.scalar.value;
	errno = 0;
	x = (v[0] >= '0' && v[0] <= '9') ? strtoul(v, &end, 10) : 0;
	if (v[0] < '0' || v[0] > '9' || *end || errno ||
	    strlen(v) != n->data.scalar.length)
		return pc_error(pc, n->start_mark, "%s: expected a number, got '%s'",
				what, node_text(n, t, sizeof(t)));
	if (x < min || x > max)
		return pc_error(pc, n->start_mark, "%s: %lu is out of range (%lu-%lu)",
				what, x, min, max);
	*out = (unsigned)x;
	return 0;
}

int
pc_bool(struct pctx *pc, yaml_node_t *n, const char *what, int *out)
{
	const char *v;
	char t[80];

	if (n->type != YAML_SCALAR_NODE || pc_is_null(n))
		return pc_error(pc, n->start_mark,
				"%s: expected true or false, got %s", what, pc_kind(n));
	v = (const char *)n->data.scalar.value;
	if (!strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "false") || !strcmp(v, "no")) {
		*out = 0;
		return 0;
	}
	return pc_error(pc, n->start_mark, "%s: expected true or false, got '%s'",
			what, node_text(n, t, sizeof(t)));
}

static int
digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

int
pc_date(struct pctx *pc, yaml_node_t *n, const char *what, time_t *t,
	char out[11])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	char buf[32];
	struct tm tm;
	int y, m, d, dim;

	if (pc_str(pc, n, what, buf, sizeof(buf)) < 0)
		return -1;
	if (strlen(buf) != 10 || buf[4] != '-' || buf[7] != '-' ||
	    digits(buf, 4, &y) < 0 || digits(buf + 5, 2, &m) < 0 ||
	    digits(buf + 8, 2, &d) < 0 || y < 1970 || m < 1 || m > 12)
		goto bad;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	*t = timegm(&tm);
	memcpy(out, buf, 11);
	return 0;
bad:
	return pc_error(pc, n->start_mark,
			"%s: '%s' is not a valid date (expected YYYY-MM-DD)",
			what, buf);
}

/*
 * Name a list item in messages: "zone 'servers'" when the mapping has a
 * usable value under key, else "zone #3".
 */
void
pc_item_ctx(struct pctx *pc, yaml_node_t *n, const char *kind, const char *key,
	    size_t i, char *buf, size_t len)
{
	yaml_node_pair_t *pr;

	snprintf(buf, len, "%s #%zu", kind, i + 1);
	if (!key || n->type != YAML_MAPPING_NODE)
		return;
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pc_node(pc, pr->key), *v = pc_node(pc, pr->value);
		const unsigned char *s;
		size_t l;

		if (!k || !v || k->type != YAML_SCALAR_NODE ||
		    v->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)k->data.scalar.value, key))
			continue;
		s = v->data.scalar.value;
		l = v->data.scalar.length;
		if (l == 0 || l >= POLICY_NAME_MAX || pc_is_null(v))
			return;
		for (size_t j = 0; j < l; j++)
			if (s[j] < 0x20 || s[j] == 0x7f || s[j] == '\'')
				return;
		snprintf(buf, len, "%s '%s'", kind, (const char *)s);
		return;
	}
}
