/*
 * cmd_report.c - 'heiiki report': write a report from a results document.
 *
 *   heiiki report RESULTS [--format html|md|csv|dot|xml|json] [--lang en|ja]
 *                 [-o OUT] [--policy FILE] [--table NAME] [-T svg|png]
 *
 * The writers live in scanner/report/ (one table, report_writers[]).  The
 * format defaults to the extension of OUT (".svg"/".png" render the
 * diagram), else HTML.  -T renders the DOT
 * diagram with the graphviz 'dot' program, run as a separate process on a
 * private temporary file; heiiki never links graphviz.  Files are written
 * atomically with mode 0600: reports describe the hospital's weak points.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/log.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "scanner/report/matrix.h"
#include "scanner/report/labels.h"
#include "scanner/report/report.h"

extern char **environ;

struct report_opts {
	const char *in, *out, *format, *policy, *table, *render;
	enum report_lang lang;
	const char *previous;		/* --previous: results of the run before */
	char **more;			/* more RESULTS to merge (scan + capture) */
	int nmore;
	enum cl_edition edition;	/* --checklist */
};

static void
report_usage(void)
{
	printf("usage: heiiki report [--format FMT] [--lang en|ja] [-o OUT] [--policy FILE]\n"
	       "                     [--table NAME] [-T svg|png] [--previous OLD]\n"
	       "                     [--checklist r5|r6|r7] RESULTS [MORE...]\n"
	       "\n"
	       "Write a report from a results document, or from several of the same site\n"
	       "(a scan and a capture: hosts from the scan, exits and peers from the capture).\n"
	       "\n"
	       "  -f, --format FMT    html (default), md, csv, dot, xml (nmap XML), json,\n"
	       "                      pdf (A4, with the diagram when graphviz is installed)\n"
	       "                      (default from the extension of OUT)\n"
	       "  -l, --lang LANG     en (default) or ja\n"
	       "  -o, --output OUT    output file (default: standard output)\n"
	       "  -p, --policy FILE   zones and site name from the policy\n"
	       "  --table NAME        csv: findings (default), services, hosts, exits,\n"
	       "                      peers, flows\n"
	       "  -T, --render FMT    render the DOT diagram with graphviz: svg or png\n"
	       "  --matrix RUN...     service x vantage table across runs (see --matrix --help)\n"
	       "  --group --db DB     one row per site of a shared history (see --group --help)\n"
	       "  --previous OLD      results of the previous run: page 1 counts new,\n"
	       "                      fixed and still-open findings\n"
	       "  --checklist ED      health-ministry checklist edition for item numbers:\n"
	       "                      r5 (2023-06), r6 (FY2024), r7 (FY2025, default)\n"
	       "  -h, --help          this text\n");
}

static const char *
format_from_ext(const char *out)
{
	static const char *const map[][2] = {
		{ ".html", "html" }, { ".htm", "html" }, { ".md", "md" }, { ".csv", "csv" },
		{ ".dot", "dot" }, { ".gv", "dot" }, { ".xml", "xml" }, { ".json", "json" },
		{ ".svg", "dot" }, { ".png", "dot" }, { ".pdf", "pdf" },
	};
	const char *dot = out ? strrchr(out, '.') : NULL;

	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(dot, map[i][0]))
			return map[i][1];
	return NULL;
}

static int
report_args(int argc, char **argv, struct report_opts *o)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "policy", required_argument, NULL, 'p' },
		{ "table", required_argument, NULL, 't' },
		{ "render", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "previous", required_argument, NULL, 'P' },
		{ "checklist", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:l:o:p:T:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!report_writer_by_name(optarg))
				return cli_usage("report", "invalid value '%s' for --format: expected "
						 "html, md, csv, dot, xml, json or pdf", optarg);
			o->format = optarg;
			break;
		case 'l':
			if (i18n_lang_parse(optarg, &o->lang) < 0)
				return cli_usage("report", "invalid value '%s' for --lang: expected "
						 "en or ja", optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->policy = optarg;
			break;
		case 't':
			if (!report_csv_table_ok(optarg))
				return cli_usage("report", "invalid value '%s' for --table: expected "
						 "findings, services, hosts, exits, peers or flows",
						 optarg);
			o->table = optarg;
			break;
		case 'T':
			if (strcmp(optarg, "svg") && strcmp(optarg, "png"))
				return cli_usage("report", "invalid value '%s' for --render: "
						 "expected svg or png", optarg);
			o->render = optarg;
			break;
		case 'P':
			o->previous = optarg;
			break;
		case 'C':
			if (cl_edition_parse(optarg, &o->edition) < 0)
				return cli_usage("report", "invalid value '%s' for --checklist: "
						 "expected r5, r6 or r7", optarg);
			break;
		case 'h':
			report_usage();
			return -1;
		default:
			return cli_bad_option("report", argv);
		}
	}
	if (optind >= argc)
		return cli_usage("report", "expected a RESULTS file (or a scan and a capture)");
	o->in = argv[optind];
	o->more = argv + optind + 1;
	o->nmore = argc - optind - 1;
	if (!o->format && !o->render && o->out && strrchr(o->out, '.') &&
	    (!strcasecmp(strrchr(o->out, '.'), ".svg") ||
	     !strcasecmp(strrchr(o->out, '.'), ".png")))
		o->render = strcasecmp(strrchr(o->out, '.'), ".svg") ? "png" : "svg";
	if (!o->format)
		o->format = format_from_ext(o->out);
	if (!o->format)
		o->format = o->render ? "dot" : "html";
	if (o->render && strcmp(o->format, "dot"))
		return cli_usage("report", "-T %s renders the diagram: use it with --format dot",
				 o->render);
	if (o->table && strcmp(o->format, "csv"))
		return cli_usage("report", "--table applies to --format csv only");
	return 0;
}

/* Run "dot -T<fmt> [-o out] in"; 0 or -1 with err. */
static int
run_dot(const char *fmt, const char *in, const char *out, char *err, size_t errlen)
{
	char tflag[8];
	char *argv[6];
	int n = 0, st;
	pid_t pid;

	snprintf(tflag, sizeof(tflag), "-T%s", fmt);
	argv[n++] = (char *)"dot";
	argv[n++] = tflag;
	if (out) {
		argv[n++] = (char *)"-o";
		argv[n++] = (char *)out;
	}
	argv[n++] = (char *)in;
	argv[n] = NULL;
	errno = posix_spawnp(&pid, "dot", NULL, NULL, argv, environ);
	if (errno) {
		snprintf(err, errlen, "cannot run graphviz 'dot' (%s); install graphviz or "
			 "use --format dot", strerror(errno));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "graphviz 'dot -T%s' failed", fmt);
		return -1;
	}
	return 0;
}

/* DOT text -> rendered file (or stdout), through a private temp file. */
static int
render(const struct report_opts *o, const char *dot, size_t len, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");
	char in[512], out[512];
	int fd, rc = -1;

	snprintf(in, sizeof(in), "%s/heiiki-dot-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(in);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", in, strerror(errno));
		return -1;
	}
	if (write(fd, dot, len) != (ssize_t)len || close(fd) < 0) {
		snprintf(err, errlen, "%s: write error", in);
		goto out_unlink;
	}
	if (!o->out || !strcmp(o->out, "-")) {
		fflush(stdout);
		rc = run_dot(o->render, in, NULL, err, errlen);
		goto out_unlink;
	}
	/* dot writes a private mkstemp file; the result then goes through
	 * fs_write_atomic like every other output (never a predictable name
	 * next to OUT, never through a link) */
	snprintf(out, sizeof(out), "%s/heiiki-render-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(out);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		goto out_unlink;
	}
	close(fd);
	rc = run_dot(o->render, in, out, err, errlen);
	if (rc == 0) {
		char *img = NULL;
		size_t ilen = 0;

		rc = fs_read_all(out, (size_t)1 << 30, &img, &ilen, err, errlen);
		if (rc == 0)
			rc = fs_write_atomic(o->out, img, ilen, 0600, err, errlen);
		free(img);
	}
	unlink(out);
out_unlink:
	unlink(in);
	return rc;
}

static int
emit(const struct report_opts *o, const char *buf, size_t len, char *err, size_t errlen)
{
	if (o->render)
		return render(o, buf, len, err, errlen);
	if (!o->out || !strcmp(o->out, "-")) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			snprintf(err, errlen, "stdout: write error");
			return -1;
		}
		return 0;
	}
	return fs_write_atomic(o->out, buf, len, 0600, err, errlen);
}

/*
 * For a PDF: the network diagram rendered to PNG by graphviz 'dot' into a
 * private temporary file (path into png).  0, or -1 when it could not be
 * made (the PDF is then written without it, with a warning).
 */
static int
pdf_diagram(struct report *rep, char *png, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	char err[512] = "", *dot = NULL, in[512];
	size_t dlen;
	int fd, rc = -1;

	if (report_render(&report_dot, rep, &dot, &dlen, err, sizeof(err)) < 0)
		goto out;
	snprintf(in, sizeof(in), "%s/heiiki-pdfdot-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(in);
	if (fd < 0)
		goto out;
	if (write(fd, dot, dlen) != (ssize_t)dlen || close(fd) < 0) {
		unlink(in);
		goto out;
	}
	snprintf(png, len, "%s.png", in);
	rc = run_dot("png", in, png, err, sizeof(err));
	unlink(in);
	if (rc < 0)
		unlink(png);
out:
	if (rc < 0)
		log_warn("report", "the PDF has no network diagram: %s", *err ? err :
			 "cannot write a temporary file");
	free(dot);
	return rc;
}

int
cmd_report(int argc, char **argv)
{
	struct report_opts o = { .lang = LANG_EN, .edition = CL_DEFAULT };
	struct results *res = NULL;
	struct policy pol;
	struct report rep;
	char err[1024], *buf = NULL, png[600] = "";
	size_t len;
	int rc, have_pol = 0;

	for (int i = 1; i < argc; i++)		/* service x vantage across runs */
		if (!strcmp(argv[i], "--matrix"))
			return report_matrix_main(argc, argv);
	for (int i = 1; i < argc; i++)		/* sites of a shared history */
		if (!strcmp(argv[i], "--group"))
			return report_group_main(argc, argv);
	rc = report_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.policy) {
		if (policy_load(o.policy, &pol, err, sizeof(err)) < 0)
			return cli_usage("report", "%s", err);
		have_pol = 1;
	}
	if (results_load(o.in, &res, err, sizeof(err)) < 0) {
		rc = cli_usage("report", "%s", err);
		goto out_policy;
	}
	for (int i = 0; i < o.nmore; i++) {
		struct results *other = NULL;

		if (results_load(o.more[i], &other, err, sizeof(err)) < 0) {
			rc = cli_usage("report", "%s", err);
			goto out_results;
		}
		rc = report_merge(results_root(res), results_root(other), err, sizeof(err));
		results_free(other);
		if (rc > 0)
			log_warn("report", "%s: %s", o.more[i], err);
		if (rc < 0) {
			rc = cli_usage("report", "%s: %s", o.more[i], err);
			goto out_results;
		}
	}
	if (report_init(&rep, results_root(res), have_pol ? &pol : NULL, o.lang, err,
			sizeof(err)) < 0) {
		rc = cli_usage("report", "%s: %s", o.in, err);
		goto out_results;
	}
	if (o.table)
		rep.table = o.table;
	rep.edition = o.edition;
	if (o.previous) {
		struct results *prev = NULL;

		if (results_load(o.previous, &prev, err, sizeof(err)) < 0) {
			rc = cli_usage("report", "--previous: %s", err);
			goto out_report;
		}
		report_set_previous(&rep, results_root(prev));
		results_free(prev);
	}
	if (have_pol && *report_str(rep.run, "policy_hash") &&
	    strcmp(report_str(rep.run, "policy_hash"), pol.hash))
		log_warn("report", "%s is not the policy this run was made with (policy "
			 "hash %.12s..., run says %.12s...): zones may not match the findings",
			 o.policy, pol.hash, report_str(rep.run, "policy_hash"));
	rc = 0;
	if (!strcmp(o.format, "pdf") && pdf_diagram(&rep, png, sizeof(png)) == 0)
		rep.diagram_png = png;
	if (report_render(report_writer_by_name(o.format), &rep, &buf, &len, err,
			  sizeof(err)) < 0 || emit(&o, buf, len, err, sizeof(err)) < 0)
		rc = cli_fail("report", "%s", err);
	free(buf);
	if (*png)
		unlink(png);
out_report:
	report_fini(&rep);
out_results:
	results_free(res);
out_policy:
	if (have_pol)
		policy_free(&pol);
	return rc;
}
