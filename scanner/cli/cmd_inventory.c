/*
 * cmd_inventory.c - 'heiiki inventory': ledger reconciliation, remote-
 * maintenance paths and end-of-support evidence from results documents.
 *
 * A thin parser over scanner/inventory/: load the documents (and the
 * ledger, policy and support-end table), build the inventory document,
 * print the tables, write what was asked for.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"
#include "scanner/findings/findings.h"
#include "scanner/input/policy.h"
#include "scanner/inventory/inventory.h"

#define INV_MAX_DOCS 1024

struct inv_opts {
	const char *ledger, *map, *ledger_out, *policy, *eos_db, *out, *csv_dir;
	unsigned long long missing_days;
	int fail_on;
	int only;		/* 0 all, 'e' eos, 'r' remote, 'l' ledger */
	time_t today;
	char **docs;
	size_t ndocs;
};

static void
inv_usage(void)
{
	printf("usage: heiiki inventory [--ledger FILE.csv [--map MAP.yaml] [--ledger-out OUT.csv]]\n"
	       "                        [--policy FILE] [--eos-db FILE] [--today YYYY-MM-DD]\n"
	       "                        [--missing-days N] [-o OUT.json] [--csv-dir DIR]\n"
	       "                        [--eos | --remote | --ledger-only] [--fail-on SEV] RESULTS...\n"
	       "\n"
	       "What an inspection asks about devices, from scan and capture results:\n"
	       "  ledger       devices seen but not in the ledger (unknown), in the ledger but\n"
	       "               not seen (missing), and differences (checklist R7 2-①)\n"
	       "  remote       every remote-maintenance path per device, declared or not (2-②)\n"
	       "  eos          OS / firmware / software past the end of vendor support\n"
	       "\n"
	       "  --ledger FILE      the hospital's ledger as CSV (UTF-8, UTF-8 with BOM, or\n"
	       "                     Shift_JIS/CP932 as Excel writes it)\n"
	       "  --map FILE         YAML column map (field: header), when the built-in\n"
	       "                     header names do not fit; fields: ip mac name type\n"
	       "                     location owner vendor os support_end id\n"
	       "  --ledger-out FILE  the ledger written back: same columns, observed values\n"
	       "                     added, unknown devices appended (UTF-8 BOM, CRLF); never\n"
	       "                     the input file\n"
	       "  --policy FILE      vendor declarations for remote paths, zones\n"
	       "  --eos-db FILE      support-end table (default: the installed one)\n"
	       "  --today DATE       date for support ends and expiry (default: today, UTC)\n"
	       "  --missing-days N   a ledger device not seen for N days is missing (default 30)\n"
	       "  -o FILE            the inventory document (JSON)\n"
	       "  --csv-dir DIR      remote-paths.csv, end-of-support.csv, unknown-devices.csv\n"
	       "  --eos, --remote, --ledger-only   print only that table\n"
	       "  --fail-on SEV      exit 1 when findings at or above SEV (default high; none)\n"
	       "\n"
	       "Exit: 0 nothing at or above --fail-on, 1 findings, 2 bad input, 3 runtime error.\n");
}

static int
inv_args(int argc, char **argv, struct inv_opts *o)
{
	enum { O_LEDGER = 256, O_MAP, O_LOUT, O_POLICY, O_EOSDB, O_TODAY, O_MISSING, O_CSV,
	       O_EOS, O_REMOTE, O_LONLY, O_FAIL };
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, O_LEDGER },
		{ "map", required_argument, NULL, O_MAP },
		{ "ledger-out", required_argument, NULL, O_LOUT },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "eos-db", required_argument, NULL, O_EOSDB },
		{ "today", required_argument, NULL, O_TODAY },
		{ "missing-days", required_argument, NULL, O_MISSING },
		{ "output", required_argument, NULL, 'o' },
		{ "csv-dir", required_argument, NULL, O_CSV },
		{ "eos", no_argument, NULL, O_EOS },
		{ "remote", no_argument, NULL, O_REMOTE },
		{ "ledger-only", no_argument, NULL, O_LONLY },
		{ "fail-on", required_argument, NULL, O_FAIL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	o->missing_days = 30;
	o->fail_on = SEV_HIGH;
	o->today = time(NULL);
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case O_LEDGER: o->ledger = optarg; break;
		case O_MAP: o->map = optarg; break;
		case O_LOUT: o->ledger_out = optarg; break;
		case O_POLICY: o->policy = optarg; break;
		case O_EOSDB: o->eos_db = optarg; break;
		case 'o': o->out = optarg; break;
		case O_CSV: o->csv_dir = optarg; break;
		case O_EOS: o->only = 'e'; break;
		case O_REMOTE: o->only = 'r'; break;
		case O_LONLY: o->only = 'l'; break;
		case O_TODAY:
			if ((o->today = inv_parse_day(optarg)) == (time_t)-1)
				return cli_usage("inventory", "invalid value '%s' for --today: "
						 "expected a date YYYY-MM-DD", optarg);
			break;
		case O_MISSING:
			if (cli_uint("inventory", "--missing-days", optarg, 1, 3650, &o->missing_days))
				return EXIT_USAGE;
			break;
		case O_FAIL:
			o->fail_on = !strcmp(optarg, "none") ? SEV_CRITICAL + 1 : severity_parse(optarg);
			if (o->fail_on < 0)
				return cli_usage("inventory", "invalid value '%s' for --fail-on: "
						 "expected critical, high, medium, low, info or none", optarg);
			break;
		case 'h':
			inv_usage();
			return -1;
		default:
			return cli_bad_option("inventory", argv);
		}
	}
	if ((o->map || o->ledger_out || o->only == 'l') && !o->ledger)
		return cli_usage("inventory", "--map, --ledger-out and --ledger-only need --ledger FILE");
	if (optind >= argc)
		return cli_usage("inventory", "expected one or more RESULTS files");
	o->docs = argv + optind;
	o->ndocs = (size_t)(argc - optind);
	if (o->ndocs > INV_MAX_DOCS)
		return cli_usage("inventory", "at most %d RESULTS files", INV_MAX_DOCS);
	return 0;
}

static const char *
s_of(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* Terminal text: the strings came from the network; print only printable
 * bytes and UTF-8 (control characters become '?'). */
static void
put(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s, f);
}

static void
print_ledger(FILE *f, json_t *rec, json_t *devices, const struct ledger *l)
{
	size_t i;
	json_t *v;

	fprintf(f, "== Ledger 台帳照合 (%s, %s): %zu rows, %lld matched, %zu unknown, "
		   "%zu missing, %zu differ, %zu duplicate ==\n",
		l->path, l->encoding, l->nrows,
		(long long)json_integer_value(json_object_get(rec, "matched")),
		json_array_size(json_object_get(rec, "unknown")),
		json_array_size(json_object_get(rec, "missing")),
		json_array_size(json_object_get(rec, "mismatches")),
		json_array_size(json_object_get(rec, "duplicates")));
	json_array_foreach(json_object_get(rec, "unknown"), i, v) {
		json_t *d = json_object_get(devices, json_string_value(v));

		fprintf(f, "  unknown  ");
		put(f, s_of(d, "key"));
		fprintf(f, "  %s  ", json_string_value(json_array_get(json_object_get(d, "addrs"), 0)) ?
			json_string_value(json_array_get(json_object_get(d, "addrs"), 0)) : "-");
		put(f, s_of(d, "vendor"));
		fprintf(f, "  services %zu  last seen %s\n",
			json_array_size(json_object_get(d, "services")), s_of(d, "last_seen"));
	}
	json_array_foreach(json_object_get(rec, "missing"), i, v) {
		fprintf(f, "  missing  line %lld  ", (long long)json_integer_value(json_object_get(v, "line")));
		put(f, s_of(v, "name"));
		fprintf(f, " ");
		put(f, s_of(v, "ip"));
		fprintf(f, " ");
		put(f, s_of(v, "mac"));
		fprintf(f, "  last seen %s\n", *s_of(v, "last_seen") ? s_of(v, "last_seen") : "never");
	}
	json_array_foreach(json_object_get(rec, "mismatches"), i, v) {
		fprintf(f, "  differs  line %lld  %s: ledger ",
			(long long)json_integer_value(json_object_get(v, "line")), s_of(v, "field"));
		put(f, s_of(v, "ledger"));
		fprintf(f, ", observed ");
		put(f, s_of(v, "observed"));
		fprintf(f, "\n");
	}
	json_array_foreach(json_object_get(rec, "duplicates"), i, v)
		fprintf(f, "  duplicate line %lld: %s %s already on line %lld\n",
			(long long)json_integer_value(json_object_get(v, "line")), s_of(v, "field"),
			s_of(v, "value"), (long long)json_integer_value(json_object_get(v, "first_line")));
	json_array_foreach(json_object_get(rec, "invalid"), i, v) {
		fprintf(f, "  invalid  %s:%lld: %s value '", l->path,
			(long long)json_integer_value(json_object_get(v, "line")), s_of(v, "field"));
		put(f, s_of(v, "value"));
		fprintf(f, "'\n");
	}
}

static void
print_rows(FILE *f, const char *title, json_t *rows, const char *const *cols)
{
	size_t i;
	json_t *r;

	fprintf(f, "== %s: %zu ==\n", title, json_array_size(rows));
	json_array_foreach(rows, i, r) {
		fprintf(f, " ");
		for (int c = 0; cols[c]; c++) {
			json_t *v = json_object_get(r, cols[c]);

			fprintf(f, " ");
			if (json_is_string(v))
				put(f, json_string_value(v));
			else if (json_is_boolean(v))
				fprintf(f, "%s", json_is_true(v) ? "declared" : "UNDECLARED");
			else if (json_is_integer(v))
				fprintf(f, "%lld", (long long)json_integer_value(v));
			else
				fprintf(f, "-");
		}
		fprintf(f, "\n");
	}
}

/* CSV of rows with the given columns (BOM, CRLF: Excel on Japanese Windows) */
static int
write_csv(const char *dir, const char *name, json_t *rows, const char *const *cols,
	  char *err, size_t errlen)
{
	char path[1024], *buf = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&buf, &len);
	json_t *r;
	int rc;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fputs("\xef\xbb\xbf", m);
	for (int c = 0; cols[c]; c++)
		fprintf(m, "%s%s", c ? "," : "", cols[c]);
	fputs("\r\n", m);
	json_array_foreach(rows, i, r) {
		for (int c = 0; cols[c]; c++) {
			json_t *v = json_object_get(r, cols[c]);
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			char num[32];

			if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
				s = num;
			} else if (json_is_boolean(v)) {
				s = json_is_true(v) ? "yes" : "no";
			}
			fputs(c ? ",\"" : "\"", m);
			if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
				fputc('\'', m);
			for (; *s; s++) {
				if (*s == '"')
					fputc('"', m);
				fputc((*s == '\r' || *s == '\n') ? ' ' : *s, m);
			}
			fputc('"', m);
		}
		fputs("\r\n", m);
	}
	fclose(m);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = fs_write_atomic(path, buf, len, 0640, err, errlen);
	free(buf);
	return rc;
}

static const char *const remote_cols[] = { "addr", "path", "kind", "via", "declared", "vendor",
					   "until", "last_seen", "evidence", NULL };
static const char *const eos_cols[] = { "addr", "name", "kind", "support_end", "status",
					"days_out", "evidence", "source", "note", NULL };

static int
load_docs(const struct inv_opts *o, struct results **docs)
{
	char err[1024];

	for (size_t i = 0; i < o->ndocs; i++)
		if (results_load(o->docs[i], &docs[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "heiiki inventory: %s\n", err);
			return -1;
		}
	return 0;
}

int
cmd_inventory(int argc, char **argv)
{
	struct inv_opts o = { 0 };
	struct results **docs = NULL;
	struct ledger l = { 0 };
	struct eos_table t = { 0 };
	struct policy pol;
	int have_pol = 0, have_ledger = 0, rc;
	json_t *doc = NULL, *devices = NULL, *findings, *rec = NULL, *eos, *remote;
	char err[1024];
	size_t worst = 0;

	rc = inv_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = EXIT_USAGE;
	docs = calloc(o.ndocs, sizeof(*docs));
	if (!docs)
		return cli_fail("inventory", "out of memory");
	if (load_docs(&o, docs) < 0)
		goto out;
	if (o.policy) {
		if (policy_load(o.policy, &pol, err, sizeof(err)) < 0) {
			fprintf(stderr, "heiiki inventory: %s\n", err);
			goto out;
		}
		have_pol = 1;
	}
	if (o.ledger) {
		if (ledger_load(o.ledger, o.map, &l, err, sizeof(err)) < 0) {
			fprintf(stderr, "heiiki inventory: %s\n", err);
			goto out;
		}
		have_ledger = 1;
	}
	if (eos_load(o.eos_db ? o.eos_db : eos_default_path(), &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "heiiki inventory: support-end table: %s\n", err);
		goto out;
	}
	if (eos_age_days(&t, o.today) > EOS_STALE_DAYS)
		fprintf(stderr, "heiiki inventory: warning: the support-end table %s was reviewed on %s, "
				"%ld days ago (more than %d): dates after that are missing\n",
			t.path, t.reviewed_str, eos_age_days(&t, o.today), EOS_STALE_DAYS);

	devices = inv_observe(docs, o.ndocs);
	findings = json_array();
	doc = json_pack("{s:s, s:i, s:{s:s, s:s*, s:s*, s:s, s:s}, s:O, s:o}", "format", INV_FORMAT,
			"version", 1, "run", "kind", "inventory", "ledger", o.ledger, "policy",
			have_pol ? pol.hash : NULL, "support_end_table", t.path, "support_end_reviewed",
			t.reviewed_str, "devices", devices, "findings", findings);
	if (have_ledger) {
		rec = inv_reconcile(&l, devices, o.today, (unsigned)o.missing_days);
		json_object_set(doc, "ledger", rec);
		json_object_set_new(json_object_get(doc, "run"), "ledger_encoding",
				    json_string(l.encoding));
		for (size_t i = 0; i < json_array_size(json_object_get(rec, "unknown")); i++) {
			const char *k = json_string_value(json_array_get(json_object_get(rec, "unknown"), i));
			json_t *d = json_object_get(devices, k);
			char ev[1024];

			snprintf(ev, sizeof(ev), "%s seen %s..%s, not in ledger %s", k,
				 s_of(d, "first_seen"), s_of(d, "last_seen"), l.path);
			json_array_append_new(findings, json_pack(
				"{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s*, s:s, s:s+}",
				"rule", "UNKNOWN_DEVICE", "severity", "medium", "title", "en",
				"Device on the network that the ledger does not list", "ja",
				"台帳に記載のない機器がネットワーク上にある", "remedy", "en",
				"Identify the device and its owner; add it to the ledger or remove it.", "ja",
				"機器と管理者を特定し、台帳に登録するか撤去してください。", "checklist", "台帳管理",
				"addr", json_string_value(json_array_get(json_object_get(d, "addrs"), 0)),
				"evidence", ev, "key", "UNKNOWN_DEVICE|", k));
		}
	}
	eos = inv_eos(devices, &t, o.today, findings);
	remote = inv_remote(docs, o.ndocs, devices, have_pol ? &pol : NULL, o.today, findings);
	json_object_set_new(doc, "end_of_support", eos);
	json_object_set_new(doc, "remote_maintenance", remote);

	if (have_ledger && (!o.only || o.only == 'l'))
		print_ledger(stdout, rec, devices, &l);
	if (!o.only || o.only == 'r')
		print_rows(stdout, "Remote-maintenance paths リモートメンテナンス経路", remote, remote_cols);
	if (!o.only || o.only == 'e')
		print_rows(stdout, "End of support サポート終了", eos, eos_cols);

	rc = EXIT_RUNTIME;
	if (have_ledger && o.ledger_out &&
	    inv_ledger_write(&l, devices, rec, o.ledger_out, err, sizeof(err)) < 0) {
		fprintf(stderr, "heiiki inventory: %s\n", err);
		goto out;
	}
	if (o.csv_dir &&
	    (write_csv(o.csv_dir, "remote-paths.csv", remote, remote_cols, err, sizeof(err)) < 0 ||
	     write_csv(o.csv_dir, "end-of-support.csv", eos, eos_cols, err, sizeof(err)) < 0)) {
		fprintf(stderr, "heiiki inventory: %s\n", err);
		goto out;
	}
	if (o.out) {
		char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);

		if (!text || fs_write_atomic(o.out, text, strlen(text), 0600, err, sizeof(err)) < 0) {
			fprintf(stderr, "heiiki inventory: %s\n", text ? err : "out of memory");
			free(text);
			goto out;
		}
		free(text);
	}
	for (size_t i = 0; i < json_array_size(findings); i++) {
		int sev = severity_parse(s_of(json_array_get(findings, i), "severity"));

		if (sev >= o.fail_on)
			worst++;
	}
	fprintf(stderr, "heiiki inventory: %zu devices, %zu remote paths, %zu end-of-support rows, "
			"%zu findings (%zu at or above --fail-on)\n",
		json_object_size(devices), json_array_size(remote), json_array_size(eos),
		json_array_size(findings), worst);
	rc = worst ? EXIT_FINDINGS : 0;
out:
	json_decref(doc);
	json_decref(rec);
	json_decref(devices);	/* doc held its own reference */
	eos_free(&t);
	if (have_ledger)
		ledger_free(&l);
	if (have_pol)
		policy_free(&pol);
	for (size_t i = 0; docs && i < o.ndocs; i++)
		if (docs[i])
			results_free(docs[i]);
	free(docs);
	return rc;
}
