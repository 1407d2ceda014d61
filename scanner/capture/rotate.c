/*
 * rotate.c - passive capture as a service: one flow document per period,
 * written atomically, old ones pruned (see rotate.h and docs/capture.md).
 *
 *   open the live handle once
 *   loop: capture_new -> capture_live_read until the period's end or stop
 *         -> capture_finish -> run.period -> results_write (atomic)
 *         -> prune (keep / max_bytes) -> capture_free
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/core/results.h"
#include "rotate.h"

/* ---- names ----------------------------------------------------------------- */

int
capture_doc_name(time_t start, unsigned seq, char *buf, size_t len)
{
	struct tm tm;
	char ts[24];
	int n;

	if (!gmtime_r(&start, &tm) ||
	    strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm) != 16)
		return -1;
	if (seq)
		n = snprintf(buf, len, CAPTURE_DOC_PREFIX "%s.%u.json", ts, seq);
	else
		n = snprintf(buf, len, CAPTURE_DOC_PREFIX "%s.json", ts);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* n decimal digits at s; -1 when any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
capture_doc_parse(const char *name, time_t *start, unsigned *seq)
{
	const size_t pl = sizeof(CAPTURE_DOC_PREFIX) - 1;
	const char *s, *rest;
	struct tm tm, back;
	time_t t;

	if (strncmp(name, CAPTURE_DOC_PREFIX, pl) != 0)
		return -1;
	s = name + pl;		/* YYYYmmddTHHMMSSZ */
	if (strlen(s) < 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((tm.tm_year = digits(s, 4)) < 1970 || (tm.tm_mon = digits(s + 4, 2)) < 1 ||
	    (tm.tm_mday = digits(s + 6, 2)) < 1 || (tm.tm_hour = digits(s + 9, 2)) < 0 ||
	    (tm.tm_min = digits(s + 11, 2)) < 0 || (tm.tm_sec = digits(s + 13, 2)) < 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	t = timegm(&tm);
	/* timegm normalises 32 Feb or 25:00; a real name survives unchanged */
	if (t == (time_t)-1 || tm.tm_year != back.tm_year || tm.tm_mon != back.tm_mon ||
	    tm.tm_mday != back.tm_mday || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return -1;
	rest = s + 16;
	*seq = 0;
	if (rest[0] == '.' && rest[1] >= '1' && rest[1] <= '9') {
		int len = (rest[2] >= '0' && rest[2] <= '9') ? 2 : 1;

		*seq = (unsigned)digits(rest + 1, len);
		rest += 1 + len;
	}
	if (strcmp(rest, ".json") != 0)
		return -1;
	*start = t;
	return 0;
}

/* ---- listing and pruning --------------------------------------------------- */

static int
doc_cmp(const void *a, const void *b)
{
	const struct capture_doc *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

int
capture_docs_list(const char *dir, time_t from, time_t to,
		  struct capture_doc **out, size_t *n, char *err, size_t errlen)
{
	struct capture_doc *v = NULL;
	size_t cap = 0, cnt = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct capture_doc doc;
		struct stat sb;
		int len;

		if (capture_doc_parse(de->d_name, &doc.start, &doc.seq) < 0)
			continue;
		if (doc.start < from || (to && doc.start >= to))
			continue;
		len = snprintf(doc.path, sizeof(doc.path), "%s/%s", dir, de->d_name);
		if (len < 0 || (size_t)len >= sizeof(doc.path))
			continue;
		if (stat(doc.path, &sb) < 0 || !S_ISREG(sb.st_mode))
			continue;
		doc.bytes = (uint64_t)sb.st_size;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct capture_doc *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				snprintf(err, errlen, "%s: out of memory", dir);
				return -1;
			}
			v = nv;
			cap = ncap;
		}
		v[cnt++] = doc;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), doc_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

int
capture_docs_prune(const char *dir, unsigned keep, uint64_t max_bytes,
		   unsigned *removed, char *err, size_t errlen)
{
	struct capture_doc *v;
	uint64_t total = 0;
	size_t n, i;
	int rc = 0;

	*removed = 0;
	if (!keep && !max_bytes)
		return 0;
	if (capture_docs_list(dir, 0, 0, &v, &n, err, errlen) < 0)
		return -1;
	for (i = 0; i < n; i++)
		total += v[i].bytes;
	/* oldest first; the newest (v[n-1]) always stays */
	for (i = 0; i + 1 < n; i++) {
		if ((!keep || n - i <= keep) && (!max_bytes || total <= max_bytes))
			break;
		if (unlink(v[i].path) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", v[i].path, strerror(errno));
			rc = -1;
			break;
		}
		total -= v[i].bytes;
		(*removed)++;
	}
	free(v);
	return rc;
}

/* ---- the rotating capture ------------------------------------------------- */

/* out_dir exists (created 0750 when missing) and is writable. */
static int
dir_ready(const char *dir, char *err, size_t errlen)
{
	struct stat sb;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "--out-dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "--out-dir %s: not a directory", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		snprintf(err, errlen, "--out-dir %s: not writable: %s", dir,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* A free name for a document starting at start: seq 0, then .1, .2 ... */
static int
doc_path(const char *dir, time_t start, char *path, size_t len)
{
	char name[CAPTURE_DOC_NAME_MAX];

	for (unsigned seq = 0; seq < 100; seq++) {
		int n;

		if (capture_doc_name(start, seq, name, sizeof(name)) < 0)
			return -1;
		n = snprintf(path, len, "%s/%s", dir, name);
		if (n < 0 || (size_t)n >= len)
			return -1;
		if (access(path, F_OK) < 0 && errno == ENOENT)
			return 0;
	}
	return -1;
}

struct period {
	time_t start, end;		/* the aligned period */
	time_t cstart, cend;		/* what this document covers */
};

static void
period_json(struct results *r, const struct capture_rotate_opts *ro,
	    const struct period *p)
{
	char a[32], b[32], c[32], d[32];
	int complete = p->cstart == p->start && p->cend == p->end;

	json_object_set_new(results_run(r), "period",
		json_pack("{s:s, s:s, s:i, s:s, s:s, s:b, s:s}",
			  "start", results_time(p->start, a),
			  "end", results_time(p->end, b),
			  "seconds", (int)ro->period_s,
			  "covered_start", results_time(p->cstart, c),
			  "covered_end", results_time(p->cend, d),
			  "complete", complete, "interface", ro->iface));
	/* "start"/"end" of the run are what the document covers */
	json_object_set_new(results_run(r), "start", json_string(c));
	results_set_status(r, complete ? "complete" : "partial");
	json_object_set_new(results_run(r), "end", json_string(d));
}

/* Finish c into a document and write it; counts in st.  0 or -1. */
static int
period_write(struct capture *c, const struct capture_opts *co,
	     const struct capture_rotate_opts *ro, const struct period *p,
	     struct capture_rotate_stats *st)
{
	char path[PATH_MAX] = "", err[512];
	struct results *r = results_new("capture");
	unsigned removed = 0;
	int rc = -1;

	if (!r) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	if (capture_finish(c, r, err, sizeof(err)) < 0)
		goto out;
	if (co->policy) {
		json_object_set_new(results_run(r), "policy_hash",
				    json_string(co->policy->hash));
		if (co->policy->site[0])
			json_object_set_new(results_run(r), "site",
					    json_string(co->policy->site));
	}
	period_json(r, ro, p);
	if (doc_path(ro->out_dir, p->cstart, path, sizeof(path)) < 0) {
		snprintf(err, sizeof(err), "%s: no free document name", ro->out_dir);
		goto out;
	}
	if (results_write(r, path, err, sizeof(err)) < 0)
		goto out;
	st->written++;
	rc = 0;
	if (capture_docs_prune(ro->out_dir, ro->keep, ro->max_bytes, &removed,
			       err, sizeof(err)) < 0)
		fprintf(stderr, "heiiki capture: pruning: %s\n", err);
	st->removed += removed;
out:
	if (rc < 0) {
		fprintf(stderr, "heiiki capture: period %s not written: %s\n",
			path[0] ? path : ro->out_dir, err);
		st->failed++;
	}
	results_free(r);
	return rc;
}

int
capture_rotate_run(const struct capture_opts *co,
		   const struct capture_rotate_opts *ro,
		   volatile sig_atomic_t *stop, struct capture_rotate_stats *st,
		   char *err, size_t errlen)
{
	const time_t P = (time_t)ro->period_s;
	struct capture_live *l = NULL;
	struct capture *c = NULL;
	time_t now = time(NULL), until;
	struct period p;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (P < CAPTURE_ROTATE_MIN_S || P > (time_t)CAPTURE_ROTATE_MAX_S) {
		snprintf(err, errlen, "--rotate: period out of range");
		return -1;
	}
	if (dir_ready(ro->out_dir, err, errlen) < 0)
		return -1;
	until = ro->duration_s ? now + (time_t)ro->duration_s : 0;
	if (capture_new(&c, co, err, errlen) < 0)
		return -1;
	if (capture_live_open(&l, c, ro->iface, ro->bpf, err, errlen) < 0) {
		capture_free(c);
		return -1;
	}
	p.cstart = now;
	for (;;) {
		time_t deadline;
		int r;

		p.start = p.cstart - p.cstart % P;
		p.end = p.start + P;
		deadline = until && until < p.end ? until : p.end;
		r = capture_live_read(l, c, deadline, stop, err, errlen);
		now = time(NULL);
		p.cend = r == 0 ? deadline : (now < p.end ? now : p.end);
		if (p.cend <= p.cstart)
			p.cend = p.cstart + 1;
		(void)period_write(c, co, ro, &p, st);
		capture_free(c);
		c = NULL;
		if (r != 0 || (stop && *stop) || (until && deadline >= until)) {
			rc = r < 0 ? -1 : r;
			if (r == 0 && stop && *stop)
				rc = 1;
			break;
		}
		if (capture_new(&c, co, err, errlen) < 0) {
			rc = -1;
			break;
		}
		p.cstart = p.end;
		if (now >= p.end + P) {	/* the clock jumped: do not write empty periods */
			st->gaps++;
			p.cstart = now;
		}
	}
	capture_free(c);
	capture_live_close(l);
	return rc;
}
