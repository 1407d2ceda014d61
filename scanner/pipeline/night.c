/*
 * night.c - 'heiiki night' (night.h): one scheduled run, start to alerts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "geoip/geo.h"
#include "night.h"
#include "scanner/cli/cli.h"
#include "notify.h"
#include "scanner/capture/rotate.h"
#include "scanner/core/fsutil.h"
#include "scanner/findings/findings.h"
#include "scanner/input/policy.h"
#include "scanner/report/diff.h"
#include "scanner/report/history.h"
#include "scanner/report/outbox.h"
#include "scanner/report/report.h"

#define NIGHT_PATH 1024

struct night {
	const struct night_opts *o;
	char state[NIGHT_PATH], rundir[NIGHT_PATH], ckpt[NIGHT_PATH];
	char history[NIGHT_PATH], events[NIGHT_PATH], results[NIGHT_PATH];
	char outbox[NIGHT_PATH];
	char run_name[64];
	int lock_fd, events_fd;
	struct policy pol;
	int have_pol;
	struct geo_db *geo;
	char geo_note[256];		/* why country rules were not checked */
	int geo_stale;
	char capdir[NIGHT_PATH], capsince[NIGHT_PATH];
	int cap_docs, cap_failed;	/* period documents merged, unreadable */
	time_t cap_to;			/* the window merged ends here */
};

static int
nfail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log.h's levels clash with syslog.h: warnings go straight to stderr */
#define log_warn(sub, ...) nfail(0, __VA_ARGS__)

static int
nfail(int rc, const char *fmt, ...)
{
	va_list ap;

	fputs("heiiki night: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

/* Bounded formatting; a message or path cut at the buffer's end. */
static void
emsg(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
emsg(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

static void
path_join(char *out, const char *dir, const char *name)
{
	emsg(out, NIGHT_PATH, "%s/%s", dir, name);
}

/* mkdir -p for the state directory (mode 0750), refusing links. */
static int
make_dirs(const char *path, char *err, size_t errlen)
{
	char buf[NIGHT_PATH];
	struct stat sb;

	emsg(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0750) < 0 && errno != EEXIST) {
				emsg(err, errlen, "%s: %s", buf, strerror(errno));
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	if (lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		emsg(err, errlen, "%s: not a directory", path);
		return -1;
	}
	return 0;
}

/* Prove dir writable with room: create, fill, fsync, remove a file. */
static int
dir_writable(const char *dir, char *err, size_t errlen)
{
	static char fill[64 * 1024];
	char probe[NIGHT_PATH + 32];
	int fd;

	emsg(probe, sizeof(probe), "%s/.heiiki-preflight.%ld", dir, (long)getpid());
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		emsg(err, errlen, "state directory %s is not writable: %s", dir,
			 strerror(errno));
		return -1;
	}
	if (write(fd, fill, sizeof(fill)) != (ssize_t)sizeof(fill) || fsync(fd) < 0) {
		emsg(err, errlen, "state directory %s: cannot write: %s", dir,
			 strerror(errno ? errno : ENOSPC));
		close(fd);
		unlink(probe);
		return -1;
	}
	close(fd);
	unlink(probe);
	return 0;
}

/* One lock for the whole run: a second 'night' exits 3 at once. */
static int
take_lock(struct night *n, char *err, size_t errlen)
{
	char path[NIGHT_PATH];

	path_join(path, n->state, "night.lock");
	n->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (n->lock_fd < 0) {
		emsg(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(n->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		emsg(err, errlen, "another 'heiiki night' holds the lock %s; nothing "
			 "was sent", path);
		close(n->lock_fd);
		n->lock_fd = -1;
		return -1;
	}
	return 0;
}

static void
open_geo(struct night *n)
{
	const char *path = n->o->geoip ? n->o->geoip : n->pol.geoip_db[0] ?
			   n->pol.geoip_db : geo_default_path();
	char err[512];

	if (access(path, R_OK) < 0) {
		emsg(n->geo_note, sizeof(n->geo_note), "GeoIP database %s: %s", path,
			 strerror(errno));
		return;
	}
	if (geo_open(&n->geo, &path, 1, err, sizeof(err)) < 0) {
		emsg(n->geo_note, sizeof(n->geo_note), "%s", err);
		n->geo = NULL;
		return;
	}
	n->geo_stale = geo_is_stale(n->geo, time(NULL));
}

/* --- events (JSON lines) and syslog ---------------------------------------- */

static void
event(struct night *n, const char *type, json_t *fields)
{
	char ts[32];
	char *line;

	if (!fields)
		fields = json_object();
	json_object_set_new(fields, "event", json_string(type));
	json_object_set_new(fields, "time", json_string(results_time(time(NULL), ts)));
	json_object_set_new(fields, "run", json_string(n->run_name));
	line = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(fields);
	if (!line)
		return;
	if (n->events_fd >= 0) {
		size_t len = strlen(line);

		line[len] = '\n';	/* json_dumps' NUL is replaced; one write */
		if (write(n->events_fd, line, len + 1) != (ssize_t)(len + 1))
			log_warn("night", "%s: %s", n->events, strerror(errno));
		fsync(n->events_fd);
	}
	free(line);
}

static void
alert(struct night *n, int prio, const char *msg)
{
	const char *tag = n->o->syslog_tag ? n->o->syslog_tag : "heiiki";

	if (n->o->syslog_file) {
		FILE *f = fopen(n->o->syslog_file, "a");

		if (f) {
			fprintf(f, "%s[%ld]: <%d> %s\n", tag, (long)getpid(),
				n->o->syslog_facility | prio, msg);
			fclose(f);
		}
		return;
	}
	openlog(tag, LOG_PID, n->o->syslog_facility);
	syslog(prio, "%s", msg);
	closelog();
}

/* Text of a finding for syslog: key=value pairs, values without spaces
 * where they come from the document's identifiers. */
static void
finding_line(const json_t *f, const char *what, char *buf, size_t len)
{
	json_t *title = json_object_get(f, "title");
	const char *t = json_is_object(title) ? report_str(title, "en") :
			json_string_value(title);
	char safe[200];
	size_t j = 0;

	for (const char *p = t ? t : ""; *p && j + 1 < sizeof(safe); p++)
		safe[j++] = (unsigned char)*p < 0x20 || *p == '"' ? ' ' : *p;
	safe[j] = '\0';
	snprintf(buf, len, "finding-%s severity=%s rule=%s addr=%s proto=%s port=%lld "
		 "key=%s title=\"%s\"", what, report_str(f, "severity"), report_str(f, "rule"),
		 report_str(f, "addr"), report_str(f, "proto"), report_int(f, "port", 0),
		 report_str(f, "key"), safe);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

/* --- reports -------------------------------------------------------------- */

static int
write_report(struct night *n, json_t *root, const struct report_writer *w,
	     enum report_lang lang, const char *name)
{
	struct report r;
	char err[512], path[NIGHT_PATH];
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (report_init(&r, root, &n->pol, lang, err, sizeof(err)) < 0) {
		log_warn("night", "report %s: %s", name, err);
		return -1;
	}
	rc = report_render(w, &r, &buf, &len, err, sizeof(err));
	report_fini(&r);
	if (rc < 0) {
		log_warn("night", "report %s: %s", name, err);
		return -1;
	}
	path_join(path, n->rundir, name);
	rc = fs_write_atomic(path, buf, len, 0640, err, sizeof(err));
	free(buf);
	if (rc < 0)
		log_warn("night", "%s", err);
	return rc;
}

static int
write_reports(struct night *n, json_t *root)
{
	int rc = 0;

	rc |= write_report(n, root, &report_html, LANG_JA, "report-ja.html");
	rc |= write_report(n, root, &report_html, LANG_EN, "report-en.html");
	rc |= write_report(n, root, &report_csv, n->o->lang, "findings.csv");
	rc |= write_report(n, root, &report_dot, n->o->lang, "network.dot");
	return rc;
}

/* --- the run directory ---------------------------------------------------- */

static int
make_rundir(struct night *n, char *err, size_t errlen)
{
	char runs[NIGHT_PATH], date[16], link_tmp[NIGHT_PATH], link[NIGHT_PATH];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	path_join(runs, n->state, "runs");
	if (make_dirs(runs, err, errlen) < 0)
		return -1;
	for (int i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(n->run_name, sizeof(n->run_name), "%s", date);
		else
			snprintf(n->run_name, sizeof(n->run_name), "%s-%d", date, i);
		path_join(n->rundir, runs, n->run_name);
		if (mkdir(n->rundir, 0750) == 0)
			break;
		if (errno != EEXIST) {
			emsg(err, errlen, "%s: %s", n->rundir, strerror(errno));
			return -1;
		}
		if (i == 99) {
			emsg(err, errlen, "%s: too many runs today", runs);
			return -1;
		}
	}
	/* runs/latest -> the new directory, replaced atomically */
	emsg(link_tmp, sizeof(link_tmp), "%s/.latest.%ld", runs, (long)getpid());
	path_join(link, runs, "latest");
	unlink(link_tmp);
	if (symlink(n->run_name, link_tmp) < 0 || rename(link_tmp, link) < 0) {
		emsg(err, errlen, "%s: %s", link, strerror(errno));
		unlink(link_tmp);
		return -1;
	}
	path_join(n->results, n->rundir, "results.json");
	return 0;
}

/* --- summary -------------------------------------------------------------- */

static const char *const sev_names[] = { "critical", "high", "medium", "low", "info" };

static void
count_sev(const json_t *arr, int counts[5])
{
	const json_t *f;
	size_t i;

	memset(counts, 0, 5 * sizeof(int));
	json_array_foreach(arr, i, f) {
		int r = report_sev_rank(report_str(f, "severity"));

		if (r >= 0 && r <= 4)
			counts[4 - r]++;
	}
}

/* "重大 1・高 6" / "critical 1, high 6"; "0"/"なし" when none. */
static void
sev_text(enum report_lang lang, const int c[5], char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 5 && n < len; i++) {
		if (!c[i])
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s %d", n ? (lang == LANG_JA ?
				      "・" : ", ") : "", i18n_severity(lang, sev_names[i]), c[i]);
	}
	if (!buf[0])
		snprintf(buf, len, "%s", lang == LANG_JA ? "なし" : "none");
}

static void
summary_line(struct night *n, const int newc[5], const int openc[5], int fixed,
	     int have_baseline, const struct scan_outcome *so, char *buf, size_t len)
{
	enum report_lang lang = n->o->lang;
	char a[256], b[256], extra[512] = "";
	size_t e = 0;

	sev_text(lang, newc, a, sizeof(a));
	sev_text(lang, openc, b, sizeof(b));
	if (so->interrupted && so->total)
		e += (size_t)snprintf(extra + e, sizeof(extra) - e, lang == LANG_JA ?
				      " / 範囲: %.0f%% 走査 (未完了)" :
				      " / coverage: %.0f%% swept (partial)",
				      100.0 * (double)so->cursor / (double)so->total);
	if (!n->geo && e < sizeof(extra))
		e += (size_t)snprintf(extra + e, sizeof(extra) - e, lang == LANG_JA ?
				      " / 国別ルール: 未確認" : " / country rules: not checked");
	if (e < sizeof(extra) && !n->cap_docs)
		e += (size_t)snprintf(extra + e, sizeof(extra) - e, lang == LANG_JA ?
				      " / 通信 (キャプチャ): 未確認" :
				      " / traffic (capture): not checked");
	else if (e < sizeof(extra))
		e += (size_t)snprintf(extra + e, sizeof(extra) - e, lang == LANG_JA ?
				      " / 通信 (キャプチャ): %d 期間%s" :
				      " / traffic (capture): %d period(s)%s", n->cap_docs,
				      n->cap_failed ? (lang == LANG_JA ? " (読めない期間あり)" :
						       " (some unreadable)") : "");
	if (!have_baseline)
		snprintf(buf, len, lang == LANG_JA ?
			 "新規: 比較対象なし (初回) / 未解決: %s / 解消: 未確認%s" :
			 "new: no earlier run to compare / open: %s / fixed: not checked%s",
			 b, extra);
	else
		snprintf(buf, len, lang == LANG_JA ? "新規: %s / 未解決: %s / 解消: %d%s" :
			 "new: %s / open: %s / fixed: %d%s", a, b, fixed, extra);
}

/* --- the run ---------------------------------------------------------------- */

static int
preflight(struct night *n, char *err, size_t errlen, int *code)
{
	*code = EXIT_RUNTIME;
	if (make_dirs(n->state, err, errlen) < 0 || dir_writable(n->state, err, errlen) < 0)
		return -1;
	*code = EXIT_USAGE;
	if (policy_load(n->o->policy, &n->pol, err, errlen) < 0)
		return -1;
	n->have_pol = 1;
	if (!n->o->history && n->pol.history_db[0])	/* policy history: {db: ...} */
		emsg(n->history, sizeof(n->history), "%s", n->pol.history_db);
	*code = EXIT_RUNTIME;
	if (take_lock(n, err, errlen) < 0)
		return -1;
	open_geo(n);
	if (!n->geo && n->pol.ngeo && !n->o->allow_no_geoip) {
		emsg(err, errlen, "%s, and the policy has country rules (use "
		     "--allow-no-geoip to run with them marked not checked)", n->geo_note);
		return -1;
	}
	if (!n->geo)
		fprintf(stderr, "heiiki night: %s; country rules are not checked\n",
			n->geo_note);
	else if (n->geo_stale)
		fprintf(stderr, "heiiki night: GeoIP database %s is older than %d days; "
			"update it\n", geo_db_path(n->geo, 0), 90);
	return 0;
}

/* The scan of tonight: resumes last night's checkpoint when one is left. */
static int
night_scan(struct night *n, struct scan_outcome *so)
{
	char *argv[64];
	int argc = 0, rc;
	struct scan_opts so_opts;
	struct stat sb;

	argv[argc++] = "scan";
	argv[argc++] = "--policy";
	argv[argc++] = (char *)n->o->policy;
	argv[argc++] = "--no-progress";
	argv[argc++] = "--checkpoint";
	argv[argc++] = n->ckpt;
	argv[argc++] = "-o";
	argv[argc++] = n->results;
	for (int i = 0; i < n->o->nscan_args && argc < 63; i++)
		argv[argc++] = n->o->scan_args[i];
	argv[argc] = NULL;
	rc = n->o->reparse(argc, argv, &so_opts);
	if (rc)
		return EXIT_USAGE;
	if (stat(n->ckpt, &sb) == 0) {
		so_opts.resume = n->ckpt;
		fprintf(stderr, "heiiki night: continuing the scan stopped last time (%s)\n",
			n->ckpt);
	}
	so_opts.cmd = "night";
	so_opts.deadline = n->o->deadline;
	so_opts.keep_results = 1;
	so_opts.geo = n->geo;
	so_opts.fail_on = 5;
	so_opts.force_out = n->results;
	rc = pipeline_scan(&so_opts, argc, argv, n->o->reparse, so);
	if (rc == EXIT_USAGE && so_opts.resume) {
		/* the policy, targets or ports changed since the window closed:
		 * that checkpoint can never be resumed; keep it aside and scan
		 * the whole scope afresh tonight */
		char stale[NIGHT_PATH + 8];

		emsg(stale, sizeof(stale), "%s.stale", n->ckpt);
		if (rename(n->ckpt, stale) < 0)
			return rc;
		fprintf(stderr, "heiiki night: last window's checkpoint does not fit the "
			"current policy or options; kept as %s, scanning afresh\n", stale);
		pipeline_outcome_free(so);
		if (n->o->reparse(argc, argv, &so_opts))
			return EXIT_USAGE;
		so_opts.cmd = "night";
		so_opts.deadline = n->o->deadline;
		so_opts.keep_results = 1;
		so_opts.geo = n->geo;
		so_opts.fail_on = 5;
		so_opts.force_out = n->results;
		rc = pipeline_scan(&so_opts, argc, argv, n->o->reparse, so);
	}
	return rc;
}

/* --- capture periods ---------------------------------------------------------- */

/* The start of the window not merged yet (STATE/capture.since), or a day
 * ago on the first night. */
static time_t
capture_since(struct night *n, time_t now)
{
	char buf[32];
	FILE *f = fopen(n->capsince, "r");
	long long v = 0;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtoll(buf, NULL, 10);
		fclose(f);
	}
	return v > 0 && v <= now ? (time_t)v : now - 86400;
}

static void
merge_dir(struct night *n, json_t *root, const char *dir, time_t from, time_t to)
{
	struct capture_doc *docs = NULL;
	size_t nd = 0;
	char err[512];

	if (capture_docs_list(dir, from, to, &docs, &nd, err, sizeof(err)) < 0)
		return;		/* no such directory: no capture here */
	for (size_t i = 0; i < nd; i++) {
		struct results *d;

		if (results_load(docs[i].path, &d, err, sizeof(err)) < 0) {
			nfail(0, "capture period %s: %s (not merged)", docs[i].path, err);
			n->cap_failed++;
			continue;
		}
		if (strcmp(json_string_value(json_object_get(results_run(d), "kind")) ?
			   json_string_value(json_object_get(results_run(d), "kind")) : "",
			   "capture") || report_merge(root, results_root(d), err, sizeof(err)) < 0) {
			nfail(0, "capture period %s: not a capture document (not merged)",
			      docs[i].path);
			n->cap_failed++;
		} else {
			n->cap_docs++;
		}
		results_free(d);
	}
	free(docs);
}

/*
 * Merge the capture period documents started in [since, now) into
 * tonight's document and judge the whole again, so one run (and one
 * report) holds the scan and the traffic; kind stays "scan" (the history
 * of nights), run.sources lists the periods.  STATE/capture.since moves on
 * only after the history holds the run (commit_capture_window).
 */
static void
merge_captures(struct night *n, struct results *res)
{
	json_t *root = results_root(res), *run = json_object_get(root, "run"), *status;
	time_t now = time(NULL), from = capture_since(n, now);
	char err[512], sub[NIGHT_PATH + 256];
	struct dirent *de;
	DIR *d;

	n->cap_to = now;
	/* the run's status is the scan's: a partial period (the first one of
	 * a capture, the one a restart cut) does not make the night partial */
	status = json_incref(json_object_get(run, "status"));
	merge_dir(n, root, n->capdir, from, now);
	d = opendir(n->capdir);
	while (d && (de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", n->capdir, de->d_name);
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			merge_dir(n, root, sub, from, now);
	}
	if (d)
		closedir(d);
	if (status)
		json_object_set_new(run, "status", status);
	if (!n->cap_docs)
		return;
	json_object_set_new(run, "kind", json_string("scan"));
	if (findings_apply(res, &n->pol, n->geo, now, err, sizeof(err)) < 0)
		nfail(0, "findings after the capture merge: %s", err);
	if (results_write(res, n->results, err, sizeof(err)) < 0)
		nfail(0, "%s", err);
}

static void
commit_capture_window(struct night *n)
{
	char buf[32], err[512];

	if (!n->cap_to)
		return;
	snprintf(buf, sizeof(buf), "%lld\n", (long long)n->cap_to);
	if (fs_write_atomic(n->capsince, buf, strlen(buf), 0600, err, sizeof(err)) < 0)
		nfail(0, "%s", err);
}

/* --- mail (policy notify:) --------------------------------------------------- */

/* One line per new finding (title in the site's language), the summary, and
 * where the reports are: to the policy's addresses through sendmail. */
static void
mail_summary(struct night *n, json_t *newf, const int newc[5], const char *summary)
{
	const struct notify_settings *nt = &n->pol.notify;
	char subject[1200], err[512], *msg, *body = NULL;
	size_t blen = 0, i;
	FILE *bf;
	json_t *f;
	int due = nt->always;

	if (!nt->nto)
		return;
	for (int k = 0; k < 5; k++)
		if (newc[k] && 4 - k >= nt->min_rank)
			due = 1;
	if (!due)
		return;
	bf = open_memstream(&body, &blen);
	if (!bf)
		return;
	fprintf(bf, "%s\n%s\n\n", n->pol.site, summary);
	json_array_foreach(newf, i, f) {
		json_t *title = json_object_get(f, "title");
		const char *t = json_is_object(title) ?
			report_str(title, n->o->lang == LANG_JA ? "ja" : "en") : report_str(f, "rule");

		if (!nt->always && report_sev_rank(report_str(f, "severity")) < nt->min_rank)
			continue;
		fprintf(bf, "[%s] %s", i18n_severity(n->o->lang, report_str(f, "severity")),
			report_str(f, "addr"));
		if (report_has_port(f))
			fprintf(bf, " %s/%lld", report_str(f, "proto"), report_int(f, "port", 0));
		fprintf(bf, " — %s\n", t);
	}
	fprintf(bf, "\n%s: %s\n", n->o->lang == LANG_JA ? "報告書" : "reports", n->rundir);
	fclose(bf);
	snprintf(subject, sizeof(subject), "[heiiki] %s: %s", n->pol.site, summary);
	msg = body ? notify_message(nt, subject, body) : NULL;
	if (!msg || notify_send(nt, msg, err, sizeof(err)) < 0) {
		nfail(0, "mail: %s", msg ? err : "out of memory");
		event(n, "mail-failed", json_pack("{s:s}", "error", msg ? err : "out of memory"));
	} else {
		event(n, "mail-sent", json_pack("{s:i}", "to", (int)nt->nto));
	}
	free(msg);
	free(body);
}

static json_t *
baseline_doc(struct night *n, struct history *h, long long id)
{
	long long older = 0;
	char err[512];
	/* tonight's own kind and site: a history shared by a group of sites
	 * holds other sites' newer runs */
	int rc = history_baseline(h, id, &older, err, sizeof(err));

	if (rc < 0) {
		log_warn("night", "%s", err);
		return NULL;
	}
	if (rc != 0 || !older)
		return NULL;
	(void)n;
	return history_document(h, older, err, sizeof(err));
}

/*
 * Send the outbox, then store tonight's run; when the database cannot be
 * reached, tonight's run joins the outbox (STATE/outbox) for the next
 * night or 'heiiki history flush'.  0 stored (*h open), 1 queued (*h
 * NULL: no baseline tonight), -1 failed.
 */
static int
store_run(struct night *n, json_t *root, struct history **h, long long *id)
{
	struct outbox_stats st;
	char err[1024], path[NIGHT_PATH + 128];
	int rc;

	*h = NULL;
	rc = outbox_flush(n->outbox, n->history, &st, err, sizeof(err));
	if (st.sent || st.rejected)
		event(n, "history-flushed", json_pack("{s:i, s:i, s:i}", "sent", (int)st.sent,
						      "refused", (int)st.rejected,
						      "queued", (int)st.left));
	if (rc == -1)
		nfail(0, "history outbox: %s", err);
	if (rc == 0 || (rc == -1 && !st.left)) {
		rc = history_open(n->history, HISTORY_CREATE, h, err, sizeof(err));
		if (rc == 0) {
			rc = history_add(*h, root, id, err, sizeof(err));
			if (rc >= 0)
				return 0;
		}
		if (rc == -1) {
			nfail(0, "history: %s", err);
			return -1;
		}
	}
	/* unreachable, or older runs still queued: keep the run, in order
	 * after them */
	if (outbox_put(n->outbox, root, path, sizeof(path), err, sizeof(err) - 1) < 0) {
		nfail(0, "history unreachable and the run cannot be queued: %s", err);
		return -1;
	}
	nfail(0, "history unreachable: run queued in %s (sent on the next night or by "
	      "'heiiki history flush --outbox %s')", path, n->outbox);
	event(n, "history-queued", json_pack("{s:s}", "file", path));
	if (*h)
		history_close(*h);
	*h = NULL;
	return 1;
}

static int
after_scan(struct night *n, struct scan_outcome *so)
{
	json_t *root = results_root(so->res), *base = NULL, *d = NULL, *f;
	int newc[5], openc[5], fixed = 0, worst, rc;
	struct history *h = NULL;
	char err[1024], line[1024];
	long long id = 0;
	size_t i;

	/* the traffic of the periods since the last night, judged with the scan */
	merge_captures(n, so->res);
	/* history: the best record of the run (a completed resume replaces
	 * last night's partial record); runs queued while the database was
	 * unreachable go first, in order */
	if (store_run(n, root, &h, &id) < 0) {
		if (h)
			history_abandon(h);
		h = NULL;
	} else if (!so->interrupted) {
		/* merged exactly once: a partial night's record is replaced by
		 * the completing night's (resumed from the checkpoint, which
		 * holds no traffic), so that night merges the window again */
		commit_capture_window(n);
	}
	if (h)
		base = baseline_doc(n, h, id);
	if (base)
		d = diff_results(base, root, err, sizeof(err));
	count_sev(json_object_get(root, "findings"), openc);
	memset(newc, 0, sizeof(newc));
	if (d) {
		count_sev(json_object_get(d, "new_findings"), newc);
		json_array_foreach(json_object_get(d, "new_findings"), i, f) {
			finding_line(f, "new", line, sizeof(line));
			alert(n, LOG_WARNING, line);
			event(n, "finding-new", json_pack("{s:O}", "finding", f));
		}
		json_array_foreach(json_object_get(d, "resolved_findings"), i, f) {
			fixed++;
			event(n, "finding-fixed", json_pack("{s:O}", "finding", f));
		}
	} else {
		/* the first night: every finding is new */
		json_array_foreach(json_object_get(root, "findings"), i, f) {
			finding_line(f, "new", line, sizeof(line));
			alert(n, LOG_WARNING, line);
			event(n, "finding-new", json_pack("{s:O}", "finding", f));
		}
		memcpy(newc, openc, sizeof(newc));
	}
	if (write_reports(n, root) < 0)
		fprintf(stderr, "heiiki night: some reports could not be written\n");
	summary_line(n, newc, openc, fixed, d != NULL, so, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
	alert(n, LOG_NOTICE, line);
	mail_summary(n, d ? json_object_get(d, "new_findings") : json_object_get(root, "findings"),
		     newc, line);
	worst = -1;
	for (int k = 0; k < 5; k++)
		if ((n->o->fail_on_open ? openc[k] : newc[k]) && worst < 0)
			worst = 4 - k;
	rc = worst >= 0 && worst >= n->o->fail_on ? EXIT_FINDINGS :
	     so->interrupted ? EXIT_PARTIAL : 0;
	event(n, "run-finished", json_pack("{s:s, s:i, s:s, s:s, s:i, s:I, s:I, s:s?}",
		"status", so->interrupted ? "partial" : "complete", "exit", rc,
		"summary", line, "results", n->results, "fixed", fixed,
		"swept", (json_int_t)so->cursor, "probes", (json_int_t)so->total,
		"geoip", n->geo ? NULL : "not checked"));
	json_decref(base);
	json_decref(d);
	history_close(h);
	return rc;
}

int
pipeline_night(const struct night_opts *o)
{
	struct night n;
	struct scan_outcome so;
	char err[1024];
	int rc, code;

	memset(&n, 0, sizeof(n));
	memset(&so, 0, sizeof(so));
	n.o = o;
	n.lock_fd = n.events_fd = -1;
	emsg(n.state, sizeof(n.state), "%s", o->state_dir ? o->state_dir : NIGHT_STATE_DIR);
	path_join(n.ckpt, n.state, "night.ckpt");
	path_join(n.capsince, n.state, "capture.since");
	if (o->capture_dir)
		emsg(n.capdir, sizeof(n.capdir), "%s", o->capture_dir);
	else
		path_join(n.capdir, n.state, "capture");
	if (o->history)
		emsg(n.history, sizeof(n.history), "%s", o->history);
	else
		path_join(n.history, n.state, "history.sqlite");
	path_join(n.outbox, n.state, "outbox");
	if (o->events)
		emsg(n.events, sizeof(n.events), "%s", o->events);
	else
		path_join(n.events, n.state, "events.jsonl");
	if (preflight(&n, err, sizeof(err), &code) < 0) {
		rc = nfail(code, "pre-flight: %s", err);
		goto out;
	}
	if (make_rundir(&n, err, sizeof(err)) < 0) {
		rc = nfail(EXIT_RUNTIME, "pre-flight: %s", err);
		goto out;
	}
	n.events_fd = open(n.events, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			   0640);
	if (n.events_fd < 0) {
		rc = nfail(EXIT_RUNTIME, "pre-flight: %s: %s", n.events, strerror(errno));
		goto out;
	}
	event(&n, "run-started", json_pack("{s:s, s:s, s:s?}", "policy", o->policy,
		"dir", n.rundir, "geoip", n.geo ? NULL : "not checked"));
	rc = night_scan(&n, &so);
	if ((rc != 0 && rc != EXIT_PARTIAL && rc != EXIT_FINDINGS) || !so.res) {
		event(&n, "run-finished", json_pack("{s:s, s:i}", "status", "failed",
						    "exit", rc ? rc : EXIT_RUNTIME));
		if (!rc)
			rc = EXIT_RUNTIME;
		goto out;
	}
	rc = after_scan(&n, &so);
out:
	pipeline_outcome_free(&so);
	if (n.have_pol)
		policy_free(&n.pol);
	if (n.geo)
		geo_close(n.geo);
	if (n.events_fd >= 0)
		close(n.events_fd);
	if (n.lock_fd >= 0)
		close(n.lock_fd);
	return rc;
}
