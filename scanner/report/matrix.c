/*
 * matrix.c - the reachability matrix across runs (heiiki report --matrix).
 *
 *   heiiki report --matrix --policy P [--format html|md|csv] [-o OUT] RUN...
 *
 * Each RUN is a results document from one vantage (run.vantage).  Rows are
 * every service (addr/proto/port) any run found open, plus services a run
 * recorded as filtered/closed; columns are the runs' vantages.  Each cell:
 * what happened (reachable / blocked) and what the policy expects from
 * that vantage (allowed / denied, findings_expected()), and the verdict:
 *
 *   ok          reachable and allowed, or blocked and denied
 *   VIOLATION   reachable although the policy does not allow it
 *   broken      blocked although the policy allows it (a broken path)
 *   n/a         same zone as the vantage, or not an inside service
 *
 * "blocked" means the run did not find the service open: it recorded it
 * filtered/closed, or another run found it open and this one did not (the
 * runs are expected to cover the same targets; a note says so).  This is
 * the evidence an inspector asks for under 接続元制限.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "report.h"
#include "scanner/cli/cli.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"
#include "scanner/findings/findings.h"

#define MATRIX_MAX_RUNS 32

struct mcol {
	struct results *res;
	struct vantage v;
	char label[256];
	json_t *state;		/* "addr/proto/port" -> state string */
};

struct mrow {
	char addr[ADDR_STRLEN], proto[8], service[32];
	long long port;
};

static int
row_cmp(const void *x, const void *y)
{
	const struct mrow *a = x, *b = y;
	struct addr aa, bb;
	int d;

	if (addr_parse(a->addr, &aa) == 0 && addr_parse(b->addr, &bb) == 0 &&
	    (d = addr_cmp(&aa, &bb)) != 0)
		return d;
	if ((d = strcmp(a->proto, b->proto)) != 0)
		return d;
	return a->port < b->port ? -1 : a->port > b->port;
}

static void
col_label(struct mcol *c)
{
	char a[ADDR_STRLEN] = "";

	if (c->v.has_addr)
		addr_fmt(&c->v.addr, a);
	snprintf(c->label, sizeof(c->label), "%s%s%s%s%s%s%s%s", c->v.zone[0] ? c->v.zone :
		 c->v.role[0] ? c->v.role : "unknown", c->v.vendor[0] ? " " : "", c->v.vendor,
		 c->v.country[0] ? " " : "", c->v.country, *a ? " " : "", a, "");
}

static const char *
st_str(const json_t *s)
{
	const char *v = json_string_value(json_object_get(s, "state"));

	return v ? v : "";
}

static int
is_open(const json_t *s)
{
	const char *st = st_str(s);
	const char *svc = json_string_value(json_object_get(s, "service"));

	return !strcmp(st, "open") || (!strcmp(st, "open|filtered") && svc && *svc);
}

/* Collect rows and each column's states; -1 out of memory. */
static int
collect(struct mcol *cols, size_t n, struct mrow **rows, size_t *nrows)
{
	json_t *seen = json_object();
	size_t cap = 0;

	*rows = NULL;
	*nrows = 0;
	if (!seen)
		return -1;
	for (size_t k = 0; k < n; k++) {
		json_t *s;
		size_t i;

		cols[k].state = json_object();
		if (!cols[k].state)
			goto oom;
		json_array_foreach(json_object_get(results_root(cols[k].res), "services"), i, s) {
			const char *a = json_string_value(json_object_get(s, "addr"));
			const char *pr = json_string_value(json_object_get(s, "proto"));
			const char *sv = json_string_value(json_object_get(s, "service"));
			long long port = json_integer_value(json_object_get(s, "port"));
			char key[ADDR_STRLEN + 32];
			struct addr ad;

			if (!a || !pr || addr_parse(a, &ad) < 0 || port <= 0 || port > 65535 ||
			    strlen(pr) >= 8)
				continue;
			snprintf(key, sizeof(key), "%s/%s/%lld", a, pr, port);
			json_object_set_new(cols[k].state, key,
					    json_string(is_open(s) ? "open" : st_str(s)));
			if (json_object_get(seen, key)) {
				if (sv && *sv) {
					struct mrow *r = &(*rows)[json_integer_value(
						json_object_get(seen, key))];

					if (!r->service[0])
						snprintf(r->service, sizeof(r->service), "%s", sv);
				}
				continue;
			}
			if (*nrows == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct mrow *nr = realloc(*rows, nc * sizeof(**rows));

				if (!nr)
					goto oom;
				*rows = nr;
				cap = nc;
			}
			memset(&(*rows)[*nrows], 0, sizeof(**rows));
			addr_fmt(&ad, (*rows)[*nrows].addr);
			memcpy((*rows)[*nrows].proto, pr, strlen(pr) + 1);
			(*rows)[*nrows].port = port;
			if (sv)
				snprintf((*rows)[*nrows].service, sizeof((*rows)[0].service), "%s", sv);
			json_object_set_new(seen, key, json_integer((json_int_t)*nrows));
			(*nrows)++;
		}
	}
	json_decref(seen);
	if (*nrows)
		qsort(*rows, *nrows, sizeof(**rows), row_cmp);
	return 0;
oom:
	json_decref(seen);
	return -1;
}

struct cell {
	const char *reached;	/* "reachable" / "blocked" */
	const char *expected;	/* "allowed" / "denied" / "-" */
	const char *verdict;	/* "ok" / "VIOLATION" / "broken" / "n/a" */
	char why[96];
};

static void
judge(const struct policy *p, const struct mcol *c, const struct mrow *r, struct cell *out)
{
	char key[ADDR_STRLEN + 32];
	const char *st;
	int exp;

	snprintf(key, sizeof(key), "%s/%s/%lld", r->addr, r->proto, r->port);
	st = json_string_value(json_object_get(c->state, key));
	out->reached = st && !strcmp(st, "open") ? "reachable" : "blocked";
	exp = findings_expected(p, &c->v, r->addr, r->proto, r->port, r->service, out->why,
				sizeof(out->why));
	out->expected = exp < 0 ? "-" : exp ? "allowed" : "denied";
	if (exp < 0)
		out->verdict = "n/a";
	else if ((exp == 1) == (out->reached[0] == 'r'))
		out->verdict = "ok";
	else
		out->verdict = exp ? "broken" : "VIOLATION";
}

enum mfmt { MF_CSV, MF_MD, MF_HTML };

/* A CSV field; a leading = + - @ would be a formula in a spreadsheet. */
static void
csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
	fputc('"', f);
}

static void
cell_text(FILE *f, enum mfmt fmt, const char *s)
{
	if (fmt == MF_HTML)
		report_esc_html(f, s);
	else if (fmt == MF_MD)
		report_esc_md(f, s);
	else
		csv_field(f, s);
}

static void
write_matrix(FILE *f, enum mfmt fmt, const struct policy *p, struct mcol *cols, size_t n,
	     const struct mrow *rows, size_t nrows)
{
	size_t bad = 0, broken = 0;
	struct cell c;
	char svc[128];

	if (fmt == MF_CSV) {
		fputs("\"service\",\"addr\",\"proto\",\"port\",\"vantage\",\"reached\","
		      "\"expected\",\"verdict\",\"reason\"\n", f);
		for (size_t i = 0; i < nrows; i++)
			for (size_t k = 0; k < n; k++) {
				judge(p, &cols[k], &rows[i], &c);
				csv_field(f, rows[i].service);
				fprintf(f, ",\"%s\",\"%s\",%lld,", rows[i].addr, rows[i].proto,
					rows[i].port);
				csv_field(f, cols[k].label);
				fprintf(f, ",\"%s\",\"%s\",\"%s\",", c.reached, c.expected, c.verdict);
				csv_field(f, c.why);
				fputc('\n', f);
			}
		return;
	}
	if (fmt == MF_HTML)
		fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
		      "Reachability matrix / 到達性マトリクス</title><style>td,th{border:1px "
		      "solid #999;padding:2px 6px}table{border-collapse:collapse}.VIOLATION{"
		      "background:#f99}.broken{background:#fd9}.ok{background:#cfc}</style>"
		      "</head><body>\n<h1>Reachability matrix / 到達性マトリクス (接続元制限)"
		      "</h1>\n<table>\n<tr><th>service</th>", f);
	else
		fputs("# Reachability matrix / 到達性マトリクス (接続元制限)\n\n| service |", f);
	for (size_t k = 0; k < n; k++) {
		fputs(fmt == MF_HTML ? "<th>" : " ", f);
		cell_text(f, fmt, cols[k].label);
		fputs(fmt == MF_HTML ? "</th>" : " |", f);
	}
	if (fmt == MF_HTML) {
		fputs("</tr>\n", f);
	} else {
		fputs("\n|---|", f);
		for (size_t k = 0; k < n; k++)
			fputs("---|", f);
		fputc('\n', f);
	}
	for (size_t i = 0; i < nrows; i++) {
		snprintf(svc, sizeof(svc), "%s %s/%lld%s%s", rows[i].addr, rows[i].proto,
			 rows[i].port, rows[i].service[0] ? " " : "", rows[i].service);
		fputs(fmt == MF_HTML ? "<tr><td>" : "| ", f);
		cell_text(f, fmt, svc);
		fputs(fmt == MF_HTML ? "</td>" : " |", f);
		for (size_t k = 0; k < n; k++) {
			judge(p, &cols[k], &rows[i], &c);
			bad += !strcmp(c.verdict, "VIOLATION");
			broken += !strcmp(c.verdict, "broken");
			if (fmt == MF_HTML)
				fprintf(f, "<td class=\"%s\">%s / %s: <b>%s</b></td>", c.verdict,
					c.reached, c.expected, c.verdict);
			else
				fprintf(f, " %s / %s: **%s** |", c.reached, c.expected, c.verdict);
		}
		fputs(fmt == MF_HTML ? "</tr>\n" : "\n", f);
	}
	fprintf(f, fmt == MF_HTML ? "</table>\n<p>%zu violation(s), %zu broken path(s). "
		"Cells: reached / expected by the policy: verdict. \"blocked\" = not found open "
		"from that vantage (the runs must cover the same targets).</p></body></html>\n" :
		"\n%zu violation(s), %zu broken path(s).  Cells: reached / expected by the "
		"policy: verdict.  \"blocked\" = not found open from that vantage (the runs "
		"must cover the same targets).\n", bad, broken);
}

static void
matrix_usage(void)
{
	printf("usage: heiiki report --matrix --policy FILE [--format html|md|csv] [-o OUT]\n"
	       "                     RUN...\n"
	       "\n"
	       "One table of service x vantage from runs made at several vantage points:\n"
	       "reachable/blocked, what the policy expects from there, and the verdict\n"
	       "(ok, VIOLATION, broken, n/a).  Exit 1 when a cell is a VIOLATION.\n");
}

int
report_matrix_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "matrix", no_argument, NULL, 'm' },
		{ "policy", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcol cols[MATRIX_MAX_RUNS];
	const char *policy = NULL, *out = NULL;
	enum mfmt fmt = MF_HTML;
	struct policy pol;
	struct mrow *rows = NULL;
	size_t n = 0, nrows = 0, len = 0;
	char err[1024], *buf = NULL;
	FILE *mf;
	int c, rc = 0;

	memset(cols, 0, sizeof(cols));
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			break;
		case 'p':
			policy = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "csv"))
				fmt = MF_CSV;
			else if (!strcmp(optarg, "md"))
				fmt = MF_MD;
			else if (!strcmp(optarg, "html"))
				fmt = MF_HTML;
			else
				return cli_usage("report", "invalid value '%s' for --format with "
						 "--matrix: expected html, md or csv", optarg);
			break;
		case 'h':
			matrix_usage();
			return 0;
		default:
			return cli_bad_option("report", argv);
		}
	}
	if (!policy)
		return cli_usage("report", "--matrix needs --policy FILE (what is expected)");
	if (optind >= argc)
		return cli_usage("report", "--matrix needs at least one RUN");
	if (argc - optind > MATRIX_MAX_RUNS)
		return cli_usage("report", "--matrix takes at most %d runs", MATRIX_MAX_RUNS);
	if (policy_load(policy, &pol, err, sizeof(err)) < 0)
		return cli_usage("report", "%s", err);
	for (; optind < argc; optind++, n++) {
		if (results_load(argv[optind], &cols[n].res, err, sizeof(err)) < 0) {
			rc = cli_usage("report", "%s", err);
			goto out;
		}
		vantage_read(json_object_get(results_run(cols[n].res), "vantage"), &pol, NULL,
			     &cols[n].v);
		if (!cols[n].v.known) {
			rc = cli_usage("report", "%s: run.vantage is missing: the matrix needs "
				       "to know where each run stood", argv[optind]);
			n++;
			goto out;
		}
		col_label(&cols[n]);
	}
	if (collect(cols, n, &rows, &nrows) < 0 || !(mf = open_memstream(&buf, &len))) {
		rc = cli_fail("report", "out of memory");
		goto out;
	}
	write_matrix(mf, fmt, &pol, cols, n, rows, nrows);
	if (fclose(mf) != 0) {
		rc = cli_fail("report", "out of memory");
		goto out;
	}
	if (!out || !strcmp(out, "-")) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
			rc = cli_fail("report", "stdout: write error");
	} else if (fs_write_atomic(out, buf, len, 0600, err, sizeof(err)) < 0) {
		rc = cli_fail("report", "%s", err);
	}
	if (rc == 0 && buf && strstr(buf, "VIOLATION"))
		rc = EXIT_FINDINGS;
out:
	for (size_t k = 0; k < n; k++) {
		results_free(cols[k].res);
		json_decref(cols[k].state);
	}
	free(rows);
	free(buf);
	policy_free(&pol);
	return rc;
}
