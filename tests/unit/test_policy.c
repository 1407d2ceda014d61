/*
 * test_policy.c - the policy loader: every invalid policy in
 * tests/unit/policy-cases/ (NAME.yaml with its exact expected message in
 * NAME.err), the shipped example policy, the queries (zone_of, may_scan,
 * dns_of), defaults, service names, port sets, and 'heiiki policy'.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "scanner/input/policy.h"

#define CASES "tests/unit/policy-cases"

struct pcase {
	char name[96];
};

static const char *
pt_srcdir(void)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	return s && *s ? s : ".";
}

/* Whole file into a malloc'd NUL-terminated buffer, or NULL. */
static char *
pt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int
pt_case_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pcase *)a)->name, ((const struct pcase *)b)->name);
}

static size_t
pt_list_cases(struct pcase *out, size_t max)
{
	char dir[1024];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", pt_srcdir(), CASES);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 6 || l >= sizeof(out[0].name) || strcmp(de->d_name + l - 5, ".yaml"))
			continue;
		if (out && n < max)
			snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)(l - 5), de->d_name);
		n++;
	}
	closedir(d);
	if (out)
		qsort(out, n < max ? n : max, sizeof(*out), pt_case_cmp);
	return n;
}

ParameterizedTestParameters(policy_bad, exact_message)
{
	size_t n = pt_list_cases(NULL, 0);
	struct pcase *c;

	if (n == 0)
		return cr_make_param_array(struct pcase, NULL, 0, NULL);
	c = cr_malloc(n * sizeof(*c));
	n = pt_list_cases(c, n);
	return cr_make_param_array(struct pcase, c, n, NULL);
}

ParameterizedTest(struct pcase *c, policy_bad, exact_message)
{
	char path[1200], name[128], err[POLICY_ERR_MAX];
	char *yaml, *want;
	size_t ylen, wlen;
	struct policy p;

	snprintf(path, sizeof(path), "%s/%s/%s.yaml", pt_srcdir(), CASES, c->name);
	yaml = pt_slurp(path, &ylen);
	cr_assert_not_null(yaml, "cannot read %s", path);
	snprintf(path, sizeof(path), "%s/%s/%s.err", pt_srcdir(), CASES, c->name);
	want = pt_slurp(path, &wlen);
	cr_assert_not_null(want, "missing %s", path);
	while (wlen && want[wlen - 1] == '\n')
		want[--wlen] = '\0';
	snprintf(name, sizeof(name), "%s.yaml", c->name);
	err[0] = '\0';
	cr_assert_eq(policy_load_buf(name, yaml, ylen, &p, err, sizeof(err)), -1,
		     "%s loaded but must fail", name);
	cr_assert_str_eq(err, want);
	/* A failed load leaves an empty, freeable policy. */
	cr_assert_eq(p.nzones, 0);
	cr_assert_null(p.zones);
	policy_free(&p);
	free(yaml);
	free(want);
}

Test(policy_bad, at_least_thirty_cases)
{
	cr_assert_geq(pt_list_cases(NULL, 0), 30);
}

Test(policy_bad, file_name_prefix_is_the_path)
{
	char path[1200], want[1400], err[POLICY_ERR_MAX];
	struct policy p;

	snprintf(path, sizeof(path), "%s/%s/cidr-prefix-too-long.yaml", pt_srcdir(), CASES);
	cr_assert_eq(policy_load(path, &p, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:6:9: zone 'servers': '198.18.10.0/33': prefix length must be 0-32", path);
	cr_assert_str_eq(err, want);
}

Test(policy_bad, missing_file_and_oversize)
{
	char path[] = "/tmp/heiiki-policy-big-XXXXXX", err[POLICY_ERR_MAX], want[256];
	struct policy p;
	int fd;

	cr_assert_eq(policy_load("/nonexistent/heiiki/policy.yaml", &p, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "/nonexistent/heiiki/policy.yaml"));
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (4 << 20) + 1), 0);
	close(fd);
	cr_assert_eq(policy_load(path, &p, err, sizeof(err)), -1);
	unlink(path);
	snprintf(want, sizeof(want), "%s:1:1: policy is larger than 4194304 bytes", path);
	cr_assert_str_eq(err, want);
}

/* Load text that must be valid. */
static void
pt_load_ok(const char *yaml, struct policy *p)
{
	char err[POLICY_ERR_MAX] = "";

	cr_assert_eq(policy_load_buf("t.yaml", yaml, strlen(yaml), p, err, sizeof(err)), 0,
		     "unexpected error: %s", err);
}

static void
pt_load_example(struct policy *p)
{
	char path[1200], err[POLICY_ERR_MAX] = "";

	snprintf(path, sizeof(path), "%s/docs/example-policy.yaml", pt_srcdir());
	cr_assert_eq(policy_load(path, p, err, sizeof(err)), 0, "example: %s", err);
}

static struct addr
pt_a(const char *s)
{
	struct addr a;

	cr_assert_eq(addr_parse(s, &a), 0, "bad test address %s", s);
	return a;
}

static const char *
pt_zone(const struct policy *p, const char *addr)
{
	struct addr a = pt_a(addr);
	const struct zone *z = policy_zone_of(p, &a);

	return z ? z->name : "(none)";
}

Test(policy, example_loads)
{
	struct policy p;

	pt_load_example(&p);
	cr_assert_str_eq(p.site, "Example General Hospital (example-general)");
	cr_assert_eq(p.nzones, 10);
	cr_assert_eq(p.ndns, 5);
	cr_assert_eq(p.nrules, 13);
	cr_assert_eq(p.ngeo, 5);
	cr_assert_eq(p.nexits, 3);
	cr_assert_eq(p.nvendors, 3);
	cr_assert_eq(strlen(p.hash), 64);
	cr_assert_eq(p.scan.pps, 500);
	cr_assert_eq(p.scan.host_pps, 20);
	cr_assert_str_eq(p.scan.scanner_id, "heiiki-night");
	cr_assert(portset_has(&p.scan.tcp, 5905));
	cr_assert_not(portset_has(&p.scan.tcp, 5911));
	cr_assert_eq(p.scan.udp.count, 5);
	cr_assert_str_eq(p.geoip_db, "");	/* the default database: not named */
	cr_assert_str_eq(p.exits[0].name, "internet-main");
	cr_assert(p.exits[0].has_addr && p.exits[0].has_mac);
	cr_assert_not(p.exits[2].has_mac);
	cr_assert_str_eq(p.vendors[0].may_reach[2], "rdp-acme-pacs-upgrade");
	cr_assert_str_eq(p.vendors[0].window, "Tue 01:00-03:00 JST");
	policy_free(&p);
	policy_free(&p);	/* idempotent */
}

Test(policy, zone_of_most_specific)
{
	struct policy p;

	pt_load_example(&p);
	cr_assert_str_eq(pt_zone(&p, "198.18.24.77"), "imaging");	/* /24 inside /20 */
	cr_assert_str_eq(pt_zone(&p, "198.18.17.1"), "clinical");
	cr_assert_str_eq(pt_zone(&p, "198.18.10.5"), "servers");
	cr_assert_str_eq(pt_zone(&p, "198.18.11.255"), "servers");
	cr_assert_str_eq(pt_zone(&p, "203.0.113.9"), "partner");	/* /24 inside 0/0 */
	cr_assert_str_eq(pt_zone(&p, "198.51.100.5"), "internet");
	cr_assert_str_eq(pt_zone(&p, "2001:db8:100:16::1"), "clinical");
	cr_assert_str_eq(pt_zone(&p, "2001:db8:ffff::1"), "internet");
	cr_assert_str_eq(pt_zone(&p, "198.19.135.1"), "guest");
	cr_assert_eq(policy_zone_by_name(&p, "office")->role, ZONE_OFFICE);
	cr_assert_null(policy_zone_by_name(&p, "nope"));
	policy_free(&p);
}

Test(policy, may_scan_and_do_not_scan)
{
	struct policy p;
	struct addr a;

	pt_load_example(&p);
	a = pt_a("198.18.10.5");
	cr_assert(policy_may_scan(&p, &a));
	a = pt_a("198.18.20.63");	/* last pump of 198.18.20.0/26 */
	cr_assert_not(policy_may_scan(&p, &a));
	cr_assert_str_eq(policy_dns_of(&p, &a)->reason,
			 "infusion pumps (輸液ポンプ) - firmware hangs on half-open TCP");
	a = pt_a("198.18.20.64");
	cr_assert(policy_may_scan(&p, &a));
	cr_assert_null(policy_dns_of(&p, &a));
	a = pt_a("198.18.21.7");	/* inside a FIRST-LAST range */
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("198.18.24.11");
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("198.51.100.10");	/* outside scope (a vendor) */
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("2001:db8:100:16::50");
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("2001:db8:100:16::51");
	cr_assert(policy_may_scan(&p, &a));
	policy_free(&p);
}

Test(policy, rules_and_exceptions)
{
	struct policy p;
	const struct service_rule *r = NULL;

	pt_load_example(&p);
	for (size_t i = 0; i < p.nrules; i++)
		if (!strcmp(p.rules[i].name, "rdp-acme-pacs-upgrade"))
			r = &p.rules[i];
	cr_assert_not_null(r);
	cr_assert_eq(r->proto, 6);
	cr_assert_eq(r->nports, 1);
	cr_assert_eq(r->ports[0], 3389);
	cr_assert_str_eq(r->until_str, "2026-12-31");
	cr_assert_eq((long long)r->until, 1798761599LL);	/* 2026-12-31T23:59:59Z */
	cr_assert_str_eq(r->vendor, "acme-imaging");
	cr_assert_not(r->deny);
	cr_assert_not(r->from.any);
	cr_assert_str_eq(p.rules[7].name, "no-rdp-from-outside");
	cr_assert(p.rules[7].deny);
	cr_assert_str_eq(p.rules[7].zones[0], "*");
	cr_assert_eq(p.rules[7].from.nzones, 2);
	cr_assert(p.rules[11].from.any);
	cr_assert_eq(p.geo[0].dir, GEO_INBOUND);
	cr_assert_str_eq(p.geo[0].countries[0], "JP");
	policy_free(&p);
}

Test(policy, defaults)
{
	struct policy p;

	policy_defaults(&p);
	cr_assert_eq(p.scan.pps, 1000);
	cr_assert_eq(p.scan.host_pps, 40);
	cr_assert_eq(p.scan.retries, 1);
	cr_assert_eq(p.scan.timeout_ms, 1000);
	cr_assert_eq(p.scan.cooldown_ms, 3000);
	cr_assert_eq(p.scan.max_hosts_in_flight, 64);
	cr_assert_eq(p.scan.skip_net_bcast, 1);
	cr_assert_eq(p.scan.snmp_public, 1);
	cr_assert_eq(p.scan.ftp_anonymous, 1);
	cr_assert_eq(p.scan.probe_printers, 0);
	cr_assert_str_eq(p.scan.scanner_id, "heiiki");
	for (unsigned port = 5900; port <= 5910; port++)
		cr_assert(portset_has(&p.scan.tcp, (uint16_t)port));
	cr_assert(portset_has(&p.scan.tcp, 104));
	cr_assert(portset_has(&p.scan.tcp, 2575));
	cr_assert(portset_has(&p.scan.tcp, 11112));
	cr_assert(portset_has(&p.scan.tcp, 3389));
	cr_assert_not(portset_has(&p.scan.tcp, 12345));
	cr_assert_eq(p.scan.udp.count, 6);
	cr_assert(portset_has(&p.scan.udp, 161));
	cr_assert_eq(p.nzones, 0);
	policy_free(&p);
}

Test(policy, scope_defaults_to_non_external_zones)
{
	struct policy p;
	struct addr a;
	char buf[256];

	pt_load_ok("site: s\nzones:\n"
		   "  - {name: lan, role: office, nets: [198.18.0.0/24]}\n"
		   "  - {name: srv, role: server, nets: [198.18.1.0/24]}\n"
		   "  - {name: web, role: external, nets: [203.0.113.0/24]}\n", &p);
	cr_assert_str_eq(tset_fmt(&p.scope, buf, sizeof(buf)), "198.18.0.0/23");
	a = pt_a("203.0.113.1");
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("198.18.1.9");
	cr_assert(policy_may_scan(&p, &a));
	/* Defaults stay for what the file does not set. */
	cr_assert_eq(p.scan.pps, 1000);
	policy_free(&p);
}

Test(policy, external_zone_in_scope_is_never_scanned)
{
	struct policy p;
	struct addr a;

	pt_load_ok("site: s\nscope: [198.18.0.0/15]\nzones:\n"
		   "  - {name: lan, role: office, nets: [198.18.0.0/24]}\n"
		   "  - {name: upstream, role: external, nets: [198.19.255.0/24]}\n", &p);
	a = pt_a("198.19.255.1");
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("198.19.0.1");	/* in scope, in no zone */
	cr_assert(policy_may_scan(&p, &a));
	policy_free(&p);
}

Test(policy, ipv6_zones)
{
	struct policy p;
	struct addr a;

	pt_load_ok("site: v6\nzones:\n"
		   "  - name: wards\n    role: clinical\n    nets: [\"2001:db8:20::/48\"]\n"
		   "  - name: icu\n    role: clinical\n    nets: [\"2001:db8:20:5::/64\"]\n"
		   "do_not_scan:\n  - addr: \"2001:db8:20:5::10\"\n    reason: ventilator\n", &p);
	cr_assert_str_eq(pt_zone(&p, "2001:db8:20:5::1"), "icu");
	cr_assert_str_eq(pt_zone(&p, "2001:db8:20:6::1"), "wards");
	cr_assert_str_eq(pt_zone(&p, "198.18.0.1"), "(none)");
	a = pt_a("2001:db8:20:5::10");
	cr_assert_not(policy_may_scan(&p, &a));
	a = pt_a("2001:db8:21::1");
	cr_assert_not(policy_may_scan(&p, &a));
	policy_free(&p);
}

Test(policy, host_pps_follows_low_pps_and_ports_replace_defaults)
{
	struct policy p;

	pt_load_ok("site: s\nzones: [{name: a, role: server, nets: [198.18.0.0/24]}]\n"
		   "scan: {pps: 10, tcp_ports: [22, \"80,443\", 8000-8002], udp_ports: []}\n", &p);
	cr_assert_eq(p.scan.host_pps, 10);
	cr_assert_eq(p.scan.tcp.count, 6);
	cr_assert_not(portset_has(&p.scan.tcp, 3389));
	cr_assert_eq(p.scan.udp.count, 0);
	policy_free(&p);
}

Test(policy, narrower_source_is_an_exception_not_a_contradiction)
{
	struct policy p;

	pt_load_ok("site: s\nzones: [{name: a, role: server, nets: [198.18.0.0/24]}]\n"
		   "services:\n"
		   "  - {name: no-rdp, service: rdp, action: deny, zones: [\"*\"]}\n"
		   "  - {name: vendor-rdp, service: rdp, zones: [a], from: [198.51.100.7],"
		   " until: 2028-02-29, reason: leap day}\n", &p);
	cr_assert(p.rules[0].from.any);
	cr_assert_str_eq(p.rules[1].until_str, "2028-02-29");
	policy_free(&p);
}

Test(policy, hash_is_sha256_of_bytes)
{
	static const char y[] = "site: s\nzones: [{name: a, role: dmz, nets: [198.18.5.0/24]}]\n";
	unsigned char md[32];
	unsigned int mdlen = 0;
	char hex[65];
	struct policy p;

	pt_load_ok(y, &p);
	cr_assert(EVP_Digest(y, strlen(y), md, &mdlen, EVP_sha256(), NULL));
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	cr_assert_str_eq(p.hash, hex);
	policy_free(&p);
}

Test(policy, role_names)
{
	cr_assert_str_eq(zone_role_name(ZONE_VENDOR), "vendor-boundary");
	cr_assert_str_eq(zone_role_name(ZONE_SERVER), "server");
	cr_assert_str_eq(zone_role_name(ZONE_EXTERNAL), "external");
	cr_assert_str_eq(zone_role_name(ZONE_ROLE_COUNT), "unknown");
}

Test(policy, service_ports)
{
	uint16_t ports[64];
	uint8_t proto = 0;
	size_t n = 0;

	cr_assert_eq(policy_service_ports("rdp", &proto, ports, 64, &n), 0);
	cr_assert(proto == 6 && n == 1 && ports[0] == 3389);
	cr_assert_eq(policy_service_ports("vnc", &proto, ports, 64, &n), 0);
	cr_assert(n == 11 && ports[0] == 5900 && ports[10] == 5910);
	cr_assert_eq(policy_service_ports("ike", &proto, ports, 64, &n), 0);
	cr_assert(proto == 17 && n == 2 && ports[1] == 4500);
	cr_assert_eq(policy_service_ports("dicom", &proto, ports, 64, &n), 0);
	cr_assert(n == 2 && ports[0] == 104 && ports[1] == 11112);
	cr_assert_eq(policy_service_ports("hl7", &proto, ports, 64, &n), 0);
	cr_assert(ports[0] == 2575);
	cr_assert_eq(policy_service_ports("mssql", &proto, ports, 64, &n), 0);
	cr_assert(ports[0] == 1433);
	cr_assert_eq(policy_service_ports("snmp", &proto, ports, 64, &n), 0);
	cr_assert(proto == 17 && ports[0] == 161);
	cr_assert_eq(policy_service_ports("tcp/8080", &proto, ports, 64, &n), 0);
	cr_assert(proto == 6 && n == 1 && ports[0] == 8080);
	cr_assert_eq(policy_service_ports("udp/5000-5002", &proto, ports, 64, &n), 0);
	cr_assert(proto == 17 && n == 3 && ports[2] == 5002);
	cr_assert_eq(policy_service_ports("rdpp", &proto, ports, 64, &n), -1);
	cr_assert_eq(policy_service_ports("tcp/0", &proto, ports, 64, &n), -1);
	cr_assert_eq(policy_service_ports("tcp/70000", &proto, ports, 64, &n), -1);
	cr_assert_eq(policy_service_ports("tcp/80x", &proto, ports, 64, &n), -1);
	cr_assert_eq(policy_service_ports("sctp/80", &proto, ports, 64, &n), -1);
	cr_assert_eq(policy_service_ports("vnc", &proto, ports, 4, &n), -1);
	cr_assert_eq(policy_service_ports("tcp/1-1000", &proto, ports, 64, &n), -1);
}

Test(policy, portset_parse)
{
	struct portset s;
	char err[128];

	memset(&s, 0, sizeof(s));
	cr_assert_eq(portset_parse(&s, "22, 80,8000-8002,22", err, sizeof(err)), 0);
	cr_assert_eq(s.count, 5);
	cr_assert(portset_has(&s, 8001));
	cr_assert_not(portset_has(&s, 8003));
	portset_add(&s, 65535);
	cr_assert(portset_has(&s, 65535));
	cr_assert_eq(s.count, 6);
	cr_assert_eq(portset_parse(&s, "22,70000", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'70000' is not a port or port range (1-65535)");
	cr_assert_eq(portset_parse(&s, "22,,80", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'22,,80': empty port in list");
	cr_assert_eq(portset_parse(&s, "90-80", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'90-80': the range is reversed");
	cr_assert_eq(portset_parse(&s, "0", err, sizeof(err)), -1);
	cr_assert_eq(portset_parse(&s, "-5", err, sizeof(err)), -1);
	cr_assert_eq(portset_parse(&s, "", err, sizeof(err)), -1);
}

/* Run "$HEIIKI args..." capturing stdout+stderr; returns the exit status. */
static int
pt_run(char *const argv[], char *out, size_t outlen)
{
	int fds[2], status = -1;
	size_t o = 0;
	ssize_t r;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (o + 1 < outlen && (r = read(fds[0], out + o, outlen - o - 1)) > 0)
		o += (size_t)r;
	out[o] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(policy_cli, check_show_and_errors)
{
	const char *bin = getenv("HEIIKI");
	char ex[1200], bad[1200], out[16384], want[1400];

	if (!bin || !*bin)
		cr_skip_test("HEIIKI not set");
	snprintf(ex, sizeof(ex), "%s/docs/example-policy.yaml", pt_srcdir());
	snprintf(bad, sizeof(bad), "%s/%s/host-pps-above-pps.yaml", pt_srcdir(), CASES);
	{
		char *argv[] = { (char *)bin, "policy", "check", ex, NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 0, "%s", out);
		snprintf(want, sizeof(want), "%s: ok (10 zones, 5 do_not_scan, 13 service rules", ex);
		cr_assert_eq(strncmp(out, want, strlen(want)), 0, "%s", out);
	}
	{
		char *argv[] = { (char *)bin, "policy", "check", bad, NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 2);
		snprintf(want, sizeof(want),
			 "%s:11:13: scan: host_pps: 500 is above the global pps (100)\n", bad);
		cr_assert_str_eq(out, want);
	}
	{
		char *argv[] = { (char *)bin, "policy", "show", "--today", "2027-01-01", ex, NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 0, "%s", out);
		cr_assert_not_null(strstr(out, "until 2026-12-31 EXPIRED"));
		cr_assert_not_null(strstr(out, "until 2026-09-30 EXPIRED"));
		cr_assert_not_null(strstr(out, "2 service exception(s) past"));
	}
	{
		char *argv[] = { (char *)bin, "policy", "show", "--today", "2026-10-01", ex, NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 0, "%s", out);
		cr_assert_null(strstr(out, "until 2026-12-31 EXPIRED"));
		cr_assert_not_null(strstr(out, "1 service exception(s) past"));
		cr_assert_not_null(strstr(out, "imaging            clinical         198.18.24.0/24"));
	}
	{
		char *argv[] = { (char *)bin, "policy", "check", "--help", NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 0);
		cr_assert_not_null(strstr(out, "usage: heiiki policy check FILE"));
	}
	{
		char *argv[] = { (char *)bin, "policy", "frobnicate", ex, NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 2);
	}
	{
		char *argv[] = { (char *)bin, "policy", "show", "--today", "yesterday", ex, NULL };
		cr_assert_eq(pt_run(argv, out, sizeof(out)), 2);
	}
}

Test(policy_bad, list_longer_than_limit)
{
	size_t cap = 16 + 4097 * 2 + 8, o;
	char *y = malloc(cap), err[POLICY_ERR_MAX];
	struct policy p;

	cr_assert_not_null(y);
	o = (size_t)snprintf(y, cap, "site: s\nzones: [");
	for (int i = 0; i < 4097; i++)
		y[o++] = 'z', y[o++] = ',';
	o += (size_t)snprintf(y + o, cap - o, "]\n");
	cr_assert_eq(policy_load_buf("big.yaml", y, o, &p, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "big.yaml:2:8: zones: more than 4096 entries");
	free(y);
}

Test(policy, external_zone_need_not_be_in_scope)
{
	struct policy p;
	char buf[128];

	pt_load_ok("site: s\nscope: [198.18.0.0/16]\nzones:\n"
		   "  - {name: lan, role: office, nets: [198.18.0.0/24, 198.18.9.0/24]}\n"
		   "  - {name: partner, role: external, nets: [203.0.113.0/24]}\n"
		   "services:\n"
		   "  - {name: hl7-in, service: hl7, zones: [lan], from: [partner]}\n"
		   "  - {name: no-hl7, service: hl7, action: deny, zones: [lan], from: [any]}\n",
		   &p);
	cr_assert_str_eq(tset_fmt(&p.scope, buf, sizeof(buf)), "198.18.0.0/16");
	cr_assert_str_eq(p.rules[0].from.zones[0], "partner");
	cr_assert_eq(p.rules[0].from.nzones, 1);
	cr_assert_not(p.rules[0].from.any);
	policy_free(&p);
}
