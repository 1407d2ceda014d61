/*
 * test_inventory.c - ledger reading (encodings, header names, blank
 * columns, located errors), reconciliation sets, the written-back ledger,
 * the support-end table (every row parses and matches its own example),
 * and remote-maintenance paths declared and undeclared.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <iconv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scanner/core/fsutil.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"
#include "scanner/inventory/inventory.h"

#define TODAY "2026-12-05"

static const char ledger_ja[] =
	"資産番号,ホスト名,ＩＰアドレス,MAC アドレス,機器種別,設置場所,管理部署,保守業者,OS,,\n"
	"A-001,ehr01,198.18.10.10,,サーバ,サーバ室,医療情報室,電子カルテ社,Windows Server 2019,,\n"
	"A-002,ct-console,198.18.20.8,00-1B-21-0A-0B-0C,モダリティ,放射線科,放射線科,画像機器社,Windows 10,,\n"
	"A-003,old-pc,198.18.30.99,,端末PC,\"事務室\n2階\",総務課,,Windows 7,,\n"
	"A-004,dup,198.18.10.10,,サーバ,,,,,,\n"
	",,,,,,,,,,\n"
	"A-005,dhcp-pc,DHCP,aa:bb:cc:dd:ee:01,端末PC,外来,医事課,,Windows 11,,\n"
	"A-006,pacs,198.18.10.20,,サーバ,サーバ室,放射線科,PACS社,,,\n";

static char *
to_cp932(const char *utf8, size_t *outlen)
{
	iconv_t cd = iconv_open("CP932", "UTF-8");
	size_t inleft = strlen(utf8), cap = inleft * 2 + 1, outleft = cap;
	char *in = (char *)utf8, *out = malloc(cap), *o = out;

	cr_assert_neq(cd, (iconv_t)-1);
	cr_assert_neq(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	return out;
}

static void
load_ok(const char *buf, size_t len, struct ledger *l)
{
	char err[512] = "";

	cr_assert_eq(ledger_load_buf("t.csv", buf, len, NULL, l, err, sizeof(err)), 0, "%s", err);
}

static void
load_fails(const char *buf, const char *map, const char *want)
{
	struct ledger l;
	char err[512] = "";

	cr_assert_eq(ledger_load_buf("t.csv", buf, strlen(buf), map, &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, want), "error '%s' lacks '%s'", err, want);
}

Test(ledger, japanese_headers_utf8)
{
	struct ledger l;

	load_ok(ledger_ja, strlen(ledger_ja), &l);
	cr_assert_str_eq(l.encoding, "utf-8");
	cr_assert_eq(l.nrows, 6, "blank row skipped: %zu", l.nrows);
	cr_assert_eq(l.col[LF_IP], 2, "full-width ＩＰアドレス maps to ip");
	cr_assert_eq(l.col[LF_MAC], 3, "'MAC アドレス' with a space maps to mac");
	cr_assert_eq(l.col[LF_NAME], 1);
	cr_assert_eq(l.col[LF_ID], 0);
	cr_assert_eq(l.col[LF_VENDOR], 7);
	cr_assert_eq(l.col[LF_OS], 8);
	cr_assert_eq(l.col[LF_SUPPORT_END], -1);
	cr_assert_str_eq(ledger_cell(&l, 2, LF_LOCATION), "事務室\n2階");
	cr_assert_eq(l.rows[2].line, 4);
	cr_assert_eq(l.rows[3].line, 6, "the row after a two-line cell starts on line 6");
	cr_assert_eq(l.rows[4].line, 8, "the row after the blank line is on line 8");
	ledger_free(&l);
}

Test(ledger, shift_jis_and_bom)
{
	struct ledger l;
	size_t n;
	char *sj = to_cp932(ledger_ja, &n), *bom = malloc(strlen(ledger_ja) + 4);

	load_ok(sj, n, &l);
	cr_assert_str_eq(l.encoding, "cp932");
	cr_assert_str_eq(ledger_cell(&l, 0, LF_VENDOR), "電子カルテ社");
	cr_assert_eq(l.col[LF_IP], 2);
	ledger_free(&l);
	memcpy(bom, "\xef\xbb\xbf", 3);
	memcpy(bom + 3, ledger_ja, strlen(ledger_ja) + 1);
	load_ok(bom, strlen(bom), &l);
	cr_assert_str_eq(l.encoding, "utf-8-bom");
	cr_assert_str_eq(l.header[0], "資産番号", "BOM not part of the first header");
	ledger_free(&l);
	free(sj);
	free(bom);
}

Test(ledger, header_after_blank_lines_and_crlf)
{
	struct ledger l;
	const char *csv = ",,,\r\n\r\nIP,MAC,Host name,Owner\r\n198.18.1.1,,a,b\r\n";

	load_ok(csv, strlen(csv), &l);
	cr_assert_eq(l.header_line, 3);
	cr_assert_eq(l.nrows, 1);
	cr_assert_eq(l.rows[0].line, 4);
	cr_assert_str_eq(ledger_cell(&l, 0, LF_OWNER), "b");
	ledger_free(&l);
}

Test(ledger, located_errors)
{
	load_fails("名前,場所\nx,y\n", NULL, "t.csv:1: the header has neither an IP nor a MAC");
	load_fails("IP,MAC\n198.18.1.1,,surplus\n", NULL, "t.csv:2:3: value 'surplus' is right of");
	load_fails("IP,MAC\n\xff\xfe\xfd\n", NULL, "t.csv:2:1: neither UTF-8 nor Shift_JIS");
	load_fails("\xef\xbb\xbfIP,MAC\n\x82\xa0\n", NULL, "t.csv:1:1: byte-order mark says UTF-8");
	load_fails("\n \n", NULL, "t.csv:1:1: no header row");
}

Test(ledger, column_map_file)
{
	char path[] = "/tmp/heiiki-map-XXXXXX", err[512] = "";
	int fd = mkstemp(path);
	const char *map = "ip: \"端末アドレス\"\nname: 呼び名\n";
	const char *csv = "端末アドレス,呼び名\n198.18.1.1,受付PC\n";
	struct ledger l;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, map, strlen(map)), (ssize_t)strlen(map));
	close(fd);
	cr_assert_eq(ledger_load_buf("t.csv", csv, strlen(csv), path, &l, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_str_eq(ledger_cell(&l, 0, LF_NAME), "受付PC");
	cr_assert_str_eq(ledger_cell(&l, 0, LF_IP), "198.18.1.1");
	ledger_free(&l);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_eq(write(fd, "ip: 端末アドレス\nplace: x\n", strlen("ip: 端末アドレス\nplace: x\n")),
		     (ssize_t)strlen("ip: 端末アドレス\nplace: x\n"));
	close(fd);
	cr_assert_eq(ledger_load_buf("t.csv", csv, strlen(csv), path, &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":2:1: unknown field 'place'"), "%s", err);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_eq(write(fd, "mac: MACアドレス\n", strlen("mac: MACアドレス\n")),
		     (ssize_t)strlen("mac: MACアドレス\n"));
	close(fd);
	cr_assert_eq(ledger_load_buf("t.csv", csv, strlen(csv), path, &l, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":1:6: column 'MACアドレス' for mac is not in the ledger's header"),
		  "%s", err);
	unlink(path);
}

/* --- reconciliation ---------------------------------------------------------- */

static const char scan_doc[] =
	"{\"format\":\"heiiki-results\",\"version\":1,"
	"\"run\":{\"kind\":\"scan\",\"start\":\"2026-12-04T01:00:00Z\",\"end\":\"2026-12-04T02:00:00Z\","
	"\"status\":\"complete\"},"
	"\"hosts\":[{\"addr\":\"198.18.10.10\",\"hostnames\":[\"emr01.hosp.example\"]},"
	"{\"addr\":\"198.18.20.7\",\"mac\":\"00:1b:21:0a:0b:0c\",\"vendor\":\"Intel\"},"
	"{\"addr\":\"198.18.30.5\",\"mac\":\"aa:bb:cc:dd:ee:01\"},"
	"{\"addr\":\"198.18.30.44\",\"mac\":\"02:00:00:00:00:44\"}],"
	"\"services\":["
	"{\"addr\":\"198.18.10.10\",\"port\":3389,\"proto\":\"tcp\",\"state\":\"open\",\"service\":\"rdp\","
	"\"rdp\":{\"os_major\":10,\"os_minor\":0,\"os_build\":17763}},"
	"{\"addr\":\"198.18.20.7\",\"port\":5900,\"proto\":\"tcp\",\"state\":\"open\",\"service\":\"vnc\"},"
	"{\"addr\":\"198.18.20.7\",\"port\":22,\"proto\":\"tcp\",\"state\":\"open\",\"service\":\"ssh\","
	"\"ssh\":{\"banner\":\"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\"}},"
	"{\"addr\":\"198.18.30.44\",\"port\":445,\"proto\":\"tcp\",\"state\":\"closed\"}],"
	"\"flows\":[{\"proto\":\"tcp\",\"src\":\"198.18.30.44\",\"dst\":\"203.0.113.80\",\"dport\":443,"
	"\"direction\":\"outbound\",\"peer_name\":\"router7.teamviewer.com\","
	"\"last_seen\":\"2026-12-04T01:30:00Z\"}]}";

static struct results *
doc(const char *text)
{
	json_error_t je;
	json_t *root = json_loads(text, 0, &je);
	char err[256] = "";
	struct results *r;

	cr_assert_not_null(root, "%s", je.text);
	r = results_from_json(root, err, sizeof(err));
	json_decref(root);
	cr_assert_not_null(r, "%s", err);
	return r;
}

static int
has_str(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

Test(reconcile, exact_sets)
{
	struct results *r = doc(scan_doc);
	struct ledger l;
	json_t *devs, *rec, *m;
	size_t i;
	int ip = 0, name = 0;

	load_ok(ledger_ja, strlen(ledger_ja), &l);
	devs = inv_observe(&r, 1);
	cr_assert_eq(json_object_size(devs), 4);
	rec = inv_reconcile(&l, devs, inv_parse_day(TODAY), 30);
	cr_assert_eq(json_integer_value(json_object_get(rec, "matched")), 3,
		     "ehr01 by IP, ct-console and dhcp-pc by MAC");
	cr_assert_eq(json_array_size(json_object_get(rec, "unknown")), 1);
	cr_assert(has_str(json_object_get(rec, "unknown"), "mac:02:00:00:00:00:44"));
	/* missing: old-pc and pacs (never seen); dup is a duplicate, not missing */
	cr_assert_eq(json_array_size(json_object_get(rec, "missing")), 2);
	json_array_foreach(json_object_get(rec, "missing"), i, m)
		cr_assert(!strcmp(json_string_value(json_object_get(m, "name")), "old-pc") ||
			  !strcmp(json_string_value(json_object_get(m, "name")), "pacs"));
	cr_assert_eq(json_array_size(json_object_get(rec, "duplicates")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(
			     json_object_get(rec, "duplicates"), 0), "line")), 6,
		     "A-004 starts on line 6: A-003's location cell spans lines 4-5");
	json_array_foreach(json_object_get(rec, "mismatches"), i, m) {
		const char *f = json_string_value(json_object_get(m, "field"));

		ip += !strcmp(f, "ip");
		name += !strcmp(f, "name");
	}
	cr_assert_eq(ip, 1, "ct-console (matched by MAC) at .7, ledger says .8; dhcp-pc's "
		     "'DHCP' is no mismatch");
	cr_assert_eq(name, 1, "ehr01 vs emr01.hosp.example");
	cr_assert_eq(json_array_size(json_object_get(rec, "invalid")), 0);
	json_decref(rec);
	json_decref(devs);
	ledger_free(&l);
	results_free(r);
}

Test(reconcile, not_seen_recently_is_missing)
{
	struct results *r = doc(scan_doc);
	struct ledger l;
	json_t *devs, *rec;

	load_ok(ledger_ja, strlen(ledger_ja), &l);
	devs = inv_observe(&r, 1);
	rec = inv_reconcile(&l, devs, inv_parse_day("2027-03-01"), 30);
	cr_assert_eq(json_array_size(json_object_get(rec, "missing")), 5,
		     "three matched devices last seen 2026-12-04 are missing 87 days later");
	json_decref(rec);
	json_decref(devs);
	ledger_free(&l);
	results_free(r);
}

Test(reconcile, written_back_ledger)
{
	struct results *r = doc(scan_doc);
	struct ledger l;
	json_t *devs, *rec;
	char dir[] = "/tmp/heiiki-inv-XXXXXX", out[128], err[256] = "", *buf;
	size_t len;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/ledger-new.csv", dir);
	load_ok(ledger_ja, strlen(ledger_ja), &l);
	devs = inv_observe(&r, 1);
	rec = inv_reconcile(&l, devs, inv_parse_day(TODAY), 30);
	cr_assert_eq(inv_ledger_write(&l, devs, rec, out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fs_read_all(out, 1 << 20, &buf, &len, err, sizeof(err)), 0);
	cr_assert(!memcmp(buf, "\xef\xbb\xbf資産番号,ホスト名", strlen("\xef\xbb\xbf資産番号,ホスト名")));
	cr_assert(strstr(buf, ",観測IP,観測MAC,"));
	cr_assert(strstr(buf, "\"事務室\n2階\""), "a multi-line cell stays one quoted cell");
	cr_assert(strstr(buf, "台帳に無い機器 (not in ledger)\r\n"), "unknown device appended, CRLF");
	cr_assert(strstr(buf, ",02:00:00:00:00:44,"), "unknown device's MAC in the MAC column");
	cr_assert(strstr(buf, "未検出 (not seen)"));
	free(buf);
	/* never over the input */
	snprintf(l.path, sizeof(l.path), "%s", out);
	cr_assert_eq(inv_ledger_write(&l, devs, rec, out, err, sizeof(err)), -1);
	cr_assert(strstr(err, "refusing to write over the input ledger"), "%s", err);
	unlink(out);
	rmdir(dir);
	json_decref(rec);
	json_decref(devs);
	ledger_free(&l);
	results_free(r);
}

/* --- support-end table ------------------------------------------------------------ */

static void
eos_table(struct eos_table *t)
{
	char err[512] = "", path[1024];
	const char *src = getenv("HEIIKI_SRCDIR");

	snprintf(path, sizeof(path), "%s/scanner/inventory/data/support-end.yaml", src ? src : ".");
	cr_assert_eq(eos_load(path, t, err, sizeof(err)), 0, "%s", err);
}

/* One example string per entry, as the probes report it: each must match
 * its own entry (first match), so order mistakes show. */
static const struct {
	const char *id, *sample;
} samples[] = {
	{ "windows-server-2003", "Hardware: x86 Software: Windows Version 5.2 (Build 3790 Uniprocessor Free)" },
	{ "windows-7", "Hardware: Intel64 Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)" },
	{ "windows-xp", "Windows NT 5.1.2600" },
	{ "windows-server-2008-r2", "Windows Server 2008 R2 Standard 7601 Service Pack 1" },
	{ "windows-server-2008", "Windows NT 6.0.6002" },
	{ "windows-server-2012-r2", "Windows Server 2012 R2 Datacenter 9600" },
	{ "windows-server-2012", "Windows Server 2012 Standard 9200" },
	{ "windows-server-2016", "Windows Server 2016 Standard 14393" },
	{ "windows-server-2019", "Windows Server 2019 Datacenter 17763" },
	{ "windows-server-2022", "Windows NT 10.0.20348" },
	{ "windows-server-2025", "Windows Server 2025 Standard" },
	{ "windows-7", "Windows NT 6.1.7601" },
	{ "windows-8-1", "Windows NT 6.3.9600" },
	{ "windows-8", "Windows NT 6.2.9200" },
	{ "windows-10-1507", "Windows NT 10.0.10240" },
	{ "windows-10-1607", "Windows NT 10.0.14393" },
	{ "windows-10-1809", "Windows NT 10.0.17763" },
	{ "windows-10-1909", "Hardware: Intel64 Software: Windows Version 6.3 (Build 18363 Multiprocessor Free)" },
	{ "windows-10-21h2", "Windows NT 10.0.19044" },
	{ "windows-10-22h2", "Windows NT 10.0.19045" },
	{ "windows-10-2004-21h1", "Windows NT 10.0.19042" },
	{ "windows-11-21h2", "Windows NT 10.0.22000" },
	{ "windows-11-22h2", "Windows NT 10.0.22621" },
	{ "windows-11-23h2", "Windows NT 10.0.22631" },
	{ "windows-11-24h2", "Windows NT 10.0.26100" },
	{ "debian-8", "SSH-2.0-OpenSSH_6.7p1 Debian-5+deb8u8" },
	{ "debian-9", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7" },
	{ "debian-10", "SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u4" },
	{ "debian-11", "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3" },
	{ "debian-12", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
	{ "ubuntu-16-04", "SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.10" },
	{ "ubuntu-18-04", "SSH-2.0-OpenSSH_7.6p1 Ubuntu-4ubuntu0.7" },
	{ "ubuntu-20-04", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.11" },
	{ "iis-6", "Microsoft-IIS/6.0" },
	{ "iis-7", "Microsoft-IIS/7.5" },
	{ "iis-8", "Microsoft-IIS/8.5" },
	{ "apache-2-2", "Apache/2.2.15 (CentOS)" },
	{ "openssl-0-9-8", "Apache OpenSSL/0.9.8zh" },
	{ "openssl-1-0-1", "nginx OpenSSL/1.0.1e-fips" },
	{ "openssl-1-0-2", "Apache/2.4.6 (Red Hat) OpenSSL/1.0.2k-fips" },
	{ "openssl-1-1-1", "Apache/2.4.41 OpenSSL/1.1.1f" },
	{ "php-5", "PHP/5.6.40" },
	{ "php-7-4", "PHP/7.4.33" },
	{ "php-7", "PHP/7.2.34" },
	{ "php-8-0", "PHP/8.0.30" },
	{ "fortios-6-0", "FortiGate SSL-VPN FortiOS 6.0.4" },
	{ "fortios-6-2", "FortiOS v6.2.15" },
	{ "fortios-5", "FortiOS 5.6.3" },
};

Test(eos, every_entry_parses_and_matches_its_example)
{
	struct eos_table t;
	size_t covered = 0;

	eos_table(&t);
	cr_assert_geq(t.n, 40);
	cr_assert_neq(inv_parse_day(t.reviewed_str), (time_t)-1);
	for (size_t i = 0; i < t.n; i++) {
		cr_assert_neq(inv_parse_day(t.e[i].end_str), (time_t)-1, "%s", t.e[i].id);
		cr_assert(t.e[i].source[0], "%s has a source", t.e[i].id);
		for (size_t k = 0; k < sizeof(samples) / sizeof(samples[0]); k++)
			if (!strcmp(samples[k].id, t.e[i].id)) {
				covered++;
				break;
			}
	}
	cr_assert_eq(covered, t.n, "every entry has an example below (%zu of %zu)", covered, t.n);
	for (size_t k = 0; k < sizeof(samples) / sizeof(samples[0]); k++) {
		const struct eos_entry *e = eos_match(&t, samples[k].sample);

		cr_assert_not_null(e, "'%s' matches nothing", samples[k].sample);
		cr_assert_str_eq(e->id, samples[k].id, "'%s'", samples[k].sample);
	}
	cr_assert_null(eos_match(&t, "SSH-2.0-OpenSSH_9.6p1"), "an upstream banner says no OS");
	cr_assert_null(eos_match(&t, "Windows NT 10.0.190450"), "build numbers match whole");
	eos_free(&t);
}

Test(eos, located_errors_and_age)
{
	struct eos_table t;
	char err[512] = "";
	const char *bad_day = "reviewed: 2026-02-30\nentries: []\n";
	const char *bad_re = "reviewed: 2026-01-01\nentries:\n  - {id: a, name: A, match: '(', "
			     "end: 2020-01-01, source: s}\n";
	const char *bad_key = "reviewed: 2026-01-01\nentries:\n  - id: a\n    colour: red\n";
	const char *ok = "reviewed: 2026-01-01\nentries:\n  - {id: a, name: A, match: x, "
			 "end: 2020-01-01, source: s}\n";

	cr_assert_eq(eos_load_buf("e.yaml", bad_day, strlen(bad_day), &t, err, sizeof(err)), -1);
	cr_assert(strstr(err, "e.yaml:1:11: reviewed is not a date"), "%s", err);
	cr_assert_eq(eos_load_buf("e.yaml", bad_re, strlen(bad_re), &t, err, sizeof(err)), -1);
	cr_assert(strstr(err, "e.yaml:3: entry a: bad match pattern"), "%s", err);
	cr_assert_eq(eos_load_buf("e.yaml", bad_key, strlen(bad_key), &t, err, sizeof(err)), -1);
	cr_assert(strstr(err, "e.yaml:4:5: unknown key"), "%s", err);
	cr_assert_eq(eos_load_buf("e.yaml", ok, strlen(ok), &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(eos_age_days(&t, inv_parse_day("2026-07-01")), 181);
	eos_free(&t);
}

Test(eos, findings_rise_with_time_out_of_support)
{
	struct results *r = doc(scan_doc);
	struct eos_table t;
	json_t *devs, *findings = json_array(), *rows, *f;
	size_t i;
	int win = 0, deb = 0;

	eos_table(&t);
	devs = inv_observe(&r, 1);
	rows = inv_eos(devs, &t, inv_parse_day(TODAY), findings);
	cr_assert_eq(json_array_size(rows), 2, "RDP's build 17763 and the SSH banner's Debian 9");
	json_array_foreach(findings, i, f) {
		const char *ev = json_string_value(json_object_get(f, "evidence"));
		const char *sev = json_string_value(json_object_get(f, "severity"));

		cr_assert_str_eq(json_string_value(json_object_get(f, "rule")), "OUT_OF_SUPPORT");
		if (strstr(ev, "17763")) {
			win = 1;
			cr_assert_str_eq(sev, "low", "client ended 2021-05-11, but build 17763 is also "
					 "Windows Server 2019 (until 2029-01-09): the edition decides");
			cr_assert(strstr(ev, "Windows Server 2019"), "the note names the server edition");
			cr_assert(strstr(ev, "confirm the edition"), "%s", ev);
		}
		if (strstr(ev, "deb9u7")) {
			deb = 1;
			cr_assert_str_eq(sev, "critical");
		}
	}
	cr_assert(win && deb);
	json_array_foreach(rows, i, f)
		if (strstr(json_string_value(json_object_get(f, "evidence")), "17763"))
			cr_assert_str_eq(json_string_value(json_object_get(f, "status")),
					 "edition-dependent");
	json_decref(rows);
	json_decref(findings);
	/* once every edition of the build is out of support: critical again */
	findings = json_array();
	rows = inv_eos(devs, &t, inv_parse_day("2029-03-01"), findings);
	win = 0;
	json_array_foreach(findings, i, f)
		if (strstr(json_string_value(json_object_get(f, "evidence")), "17763")) {
			win = 1;
			cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), "critical");
		}
	cr_assert(win);
	json_decref(rows);
	json_decref(findings);
	json_decref(devs);
	eos_free(&t);
	results_free(r);
}

/* --- remote maintenance ------------------------------------------------------------ */

static const char policy_text[] =
	"version: 1\nsite: t\n"
	"zones:\n"
	"  - {name: servers, role: server, nets: [198.18.10.0/24]}\n"
	"  - {name: clinical, role: clinical, nets: [198.18.20.0/24]}\n"
	"  - {name: office, role: office, nets: [198.18.30.0/24]}\n"
	"  - {name: outside, role: external, nets: [203.0.113.0/24]}\n"
	"scope: [198.18.0.0/16]\n"
	"vendors:\n"
	"  - {name: emr-vendor, sources: [203.0.113.10/32]}\n"
	"  - {name: ct-vendor, sources: [203.0.113.11/32], window: \"Tue 01:00-03:00\"}\n"
	"services:\n"
	"  - {name: rdp-vendor, service: rdp, zones: [servers], from: [203.0.113.10/32], "
	"vendor: emr-vendor, until: 2026-06-30, reason: EMR upgrade}\n"
	"  - {name: ssh-ct, service: ssh, zones: [clinical], from: [203.0.113.11/32], vendor: ct-vendor}\n";

Test(remote, declared_undeclared_expired)
{
	struct results *r = doc(scan_doc);
	struct policy p;
	char err[512] = "";
	json_t *devs, *findings = json_array(), *rows, *row, *f;
	size_t i;
	int seen = 0, undeclared = 0, expired = 0;

	cr_assert_eq(policy_load_buf("p.yaml", policy_text, strlen(policy_text), &p, err,
				     sizeof(err)), 0, "%s", err);
	devs = inv_observe(&r, 1);
	rows = inv_remote(&r, 1, devs, &p, inv_parse_day(TODAY), findings);
	cr_assert_eq(json_array_size(rows), 4, "rdp, vnc, ssh inbound and the TeamViewer relay");
	json_array_foreach(rows, i, row) {
		const char *path = json_string_value(json_object_get(row, "path"));
		int declared = json_is_true(json_object_get(row, "declared"));

		if (!strcmp(path, "rdp"))
			cr_assert(declared && !strcmp(json_string_value(json_object_get(row, "until")),
						      "2026-06-30"));
		else if (!strcmp(path, "ssh"))
			cr_assert(declared, "ssh to the CT console is the ct-vendor's rule");
		else if (!strcmp(path, "vnc"))
			cr_assert(!declared);
		else if (!strcmp(path, "teamviewer"))
			cr_assert(!declared && !strcmp(json_string_value(json_object_get(row, "via")),
						       "outbound-relay"));
		seen++;
	}
	cr_assert_eq(seen, 4);
	json_array_foreach(findings, i, f) {
		const char *rule = json_string_value(json_object_get(f, "rule"));

		undeclared += !strcmp(rule, "UNDECLARED_REMOTE_PATH");
		expired += !strcmp(rule, "REMOTE_PATH_EXPIRED");
		if (!strcmp(rule, "UNDECLARED_REMOTE_PATH") &&
		    strstr(json_string_value(json_object_get(f, "evidence")), "teamviewer.com"))
			cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), "critical");
	}
	cr_assert_eq(undeclared, 2, "vnc and the relay");
	cr_assert_eq(expired, 1, "the rdp rule ended 2026-06-30");
	json_decref(rows);
	json_decref(findings);
	json_decref(devs);
	policy_free(&p);
	results_free(r);
}

Test(inventory, parse_day_rejects_impossible_dates)
{
	cr_assert_eq(inv_parse_day("2026-02-30"), (time_t)-1);
	cr_assert_eq(inv_parse_day("2026-13-01"), (time_t)-1);
	cr_assert_eq(inv_parse_day("2026-1-01"), (time_t)-1);
	cr_assert_neq(inv_parse_day("2028-02-29"), (time_t)-1);
}

/* --- the command line ------------------------------------------------------------- */

static int
run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(inventory, cli_exit_codes_and_outputs)
{
	const char *heiiki = getenv("HEIIKI"), *src = getenv("HEIIKI_SRCDIR");
	char dir[] = "/tmp/heiiki-invcli-XXXXXX", cmd[2048], path[256], err[256], *buf;
	size_t len;
	FILE *f;

	cr_assert_not_null(heiiki);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/scan.json", dir);
	f = fopen(path, "w");
	fputs(scan_doc, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ledger.csv", dir);
	f = fopen(path, "w");
	fputs(ledger_ja, f);
	fclose(f);
	/* bad input: exit 2 with the value named */
	snprintf(cmd, sizeof(cmd), "%s inventory --today 2026-02-30 %s/scan.json 2>%s/err", heiiki,
		 dir, dir);
	cr_assert_eq(run(cmd), 2);
	snprintf(path, sizeof(path), "%s/err", dir);
	cr_assert_eq(fs_read_all(path, 4096, &buf, &len, err, sizeof(err)), 0);
	cr_assert(strstr(buf, "'2026-02-30' for --today"), "%s", buf);
	free(buf);
	snprintf(cmd, sizeof(cmd), "%s inventory --ledger-out x.csv %s/scan.json 2>/dev/null", heiiki, dir);
	cr_assert_eq(run(cmd), 2, "--ledger-out without --ledger");
	/* findings at or above high: exit 1; --fail-on none: 0; outputs written */
	snprintf(cmd, sizeof(cmd),
		 "HEIIKI_SRCDIR=%s %s inventory --ledger %s/ledger.csv --ledger-out %s/new.csv "
		 "--csv-dir %s -o %s/inv.json --today " TODAY " %s/scan.json >%s/out 2>&1",
		 src, heiiki, dir, dir, dir, dir, dir, dir);
	cr_assert_eq(run(cmd), 1);
	snprintf(cmd, sizeof(cmd),
		 "HEIIKI_SRCDIR=%s %s inventory --fail-on none --eos --today " TODAY " %s/scan.json "
		 ">/dev/null 2>&1", src, heiiki, dir);
	cr_assert_eq(run(cmd), 0);
	snprintf(path, sizeof(path), "%s/out", dir);
	cr_assert_eq(fs_read_all(path, 1 << 20, &buf, &len, err, sizeof(err)), 0);
	cr_assert(strstr(buf, "1 unknown, 2 missing, 2 differ, 1 duplicate"), "%s", buf);
	cr_assert(strstr(buf, "Windows 10 1809 / Windows Server 2019 (build 17763)"), "%s", buf);
	free(buf);
	snprintf(path, sizeof(path), "%s/remote-paths.csv", dir);
	cr_assert_eq(fs_read_all(path, 1 << 20, &buf, &len, err, sizeof(err)), 0);
	cr_assert(!memcmp(buf, "\xef\xbb\xbf" "addr,path", 12));
	cr_assert(strstr(buf, "\"teamviewer\",\"remote-support-tool\",\"outbound-relay\",\"no\""), "%s", buf);
	free(buf);
	snprintf(path, sizeof(path), "%s/inv.json", dir);
	cr_assert_eq(fs_read_all(path, 1 << 20, &buf, &len, err, sizeof(err)), 0);
	cr_assert(strstr(buf, "\"format\": \"heiiki-inventory\""));
	cr_assert(strstr(buf, "\"UNKNOWN_DEVICE\""));
	free(buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(run(cmd), 0);
}
