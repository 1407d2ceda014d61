/*
 * test_fence.c - the fence plan (no packets): which services are
 * protected, scope refusal, and the three kinds of spoofed source.
 * Policy tests/findings/policy.yaml, GeoIP fixture country-geolite2.mmdb.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/fence/fence.h"
#include "scanner/findings/findings.h"

static struct policy fpol;
static struct fence_plan fpl;
static struct geo_db *fgeo;

static const char *
fence_path(const char *rel)
{
	static char buf[512];
	const char *src = getenv("HEIIKI_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/%s", src ? src : ".", rel);
	return buf;
}

static void
fsetup(void)
{
	const char *paths[1];
	char err[POLICY_ERR_MAX];

	cr_assert_eq(policy_load(fence_path("tests/findings/policy.yaml"), &fpol, err,
				 sizeof(err)), 0, "%s", err);
	paths[0] = fence_path("tests/geoip/country-geolite2.mmdb");
	cr_assert_eq(geo_open(&fgeo, paths, 1, err, sizeof(err)), 0, "%s", err);
	fence_plan_init(&fpl);
	cr_assert_eq(fence_default_outside(&fpl, &fpol), 0);
}

static void
fteardown(void)
{
	fence_plan_free(&fpl);
	geo_close(fgeo);
	policy_free(&fpol);
}

static int
ftarget(const char *s, uint16_t port)
{
	struct addr a;
	char err[256];

	cr_assert_eq(addr_parse(s, &a), 0);
	return fence_add_target(&fpl, &fpol, &a, port, err, sizeof(err));
}

/* Sources of one kind for target:port, as text joined with ' '. */
static const char *
sources(const char *target, uint16_t port, enum fence_kind k)
{
	static char out[512];
	char a[ADDR_STRLEN];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < fpl.np; i++) {
		const struct fence_target *t = &fpl.t[fpl.pr[i].target];

		if (fpl.pr[i].kind != k || t->port != port ||
		    strcmp(addr_fmt(&t->addr, a), target))
			continue;
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", o ? " " : "",
				      addr_fmt(&fpl.pr[i].src, a));
	}
	return out;
}

TestSuite(fence, .init = fsetup, .fini = fteardown);

Test(fence, refuses_out_of_scope)
{
	cr_assert_eq(ftarget("203.0.113.5", 0), -1);
	cr_assert_eq(ftarget("198.19.1.1", 3389), -1);
	cr_assert_eq(fpl.nt, 0);
}

Test(fence, only_protected_ports)
{
	cr_assert_eq(ftarget("198.18.30.5", 0), 0);	/* office: no rules */
	cr_assert_eq(ftarget("198.18.10.5", 3389), 1);
	cr_assert_eq(ftarget("198.18.10.5", 3389), 0);	/* no duplicates */
	cr_assert_eq(ftarget("198.18.10.5", 22), 0);	/* no rule for ssh */
	cr_assert_eq(fpl.nt, 1);
	cr_assert(strstr(fpl.t[0].rules, "rdp-acme"), "%s", fpl.t[0].rules);
}

Test(fence, three_kinds_of_source)
{
	char err[256];

	cr_assert_gt(ftarget("198.18.10.5", 0), 0);
	cr_assert_eq(fence_plan_sources(&fpl, &fpol, fgeo, err, sizeof(err)), 0, "%s", err);
	/* (a) the vendor's address; office (an inside zone) is never spoofed. */
	cr_assert_str_eq(sources("198.18.10.5", 3389, FENCE_ALLOWED), "198.51.100.10");
	/* (b) outside addresses no rule allows. */
	cr_assert_str_eq(sources("198.18.10.5", 3389, FENCE_NOT_ALLOWED),
			 "198.51.100.157 203.0.113.157");
	/* (c) the CN block of the fixture (JP and US are allowed). */
	cr_assert_str_eq(sources("198.18.10.5", 3389, FENCE_GEO), "203.0.113.205");
	/* https is open to any source: only the geo kind is tested. */
	cr_assert_str_eq(sources("198.18.10.5", 443, FENCE_NOT_ALLOWED), "");
	cr_assert_str_eq(sources("198.18.10.5", 443, FENCE_GEO), "203.0.113.205");
}

Test(fence, no_geo_db_no_geo_sources)
{
	char err[256];

	cr_assert_gt(ftarget("198.18.10.5", 3389), 0);
	cr_assert_eq(fence_plan_sources(&fpl, &fpol, NULL, err, sizeof(err)), 0);
	cr_assert_str_eq(sources("198.18.10.5", 3389, FENCE_GEO), "");
	cr_assert_str_neq(sources("198.18.10.5", 3389, FENCE_NOT_ALLOWED), "");
}

Test(fence, excluded_sources_are_skipped)
{
	char err[256];

	cr_assert_eq(tset_add_str(&fpl.exclude, "198.51.100.0/24", err, sizeof(err)), 0);
	cr_assert_gt(ftarget("198.18.10.5", 3389), 0);
	cr_assert_eq(fence_plan_sources(&fpl, &fpol, fgeo, err, sizeof(err)), 0);
	cr_assert_str_eq(sources("198.18.10.5", 3389, FENCE_ALLOWED), "");
	cr_assert_str_eq(sources("198.18.10.5", 3389, FENCE_NOT_ALLOWED),
			 "203.0.113.157 203.0.113.1");
}

Test(fence, results_carry_the_outcome)
{
	struct results *r = results_new("fence");
	char err[256];
	json_t *s, *f;
	struct addr a;

	cr_assert_gt(ftarget("198.18.10.5", 3389), 0);
	cr_assert_eq(fence_plan_sources(&fpl, &fpol, fgeo, err, sizeof(err)), 0);
	for (size_t i = 0; i < fpl.np; i++)
		fpl.pr[i].answered = fpl.pr[i].kind == FENCE_GEO;
	cr_assert_eq(fence_to_results(&fpl, r), 0);
	addr_parse("198.18.10.5", &a);
	s = results_service(r, &a, "tcp", 3389, 0);
	cr_assert_not_null(s);
	f = json_object_get(s, "fence");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(f, "geo"), "open")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(f, "not_allowed"),
							"open")), 0);
	cr_assert_geq(findings_apply(r, &fpol, NULL, 0, err, sizeof(err)), 0);
	f = json_array_get(results_array(r, "findings"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "rule")), "FENCE_GEO_NOT_ENFORCED");
	results_free(r);
}

/* ---- UDP: IKE, OpenVPN, SNMP, DNS with their own harmless first message ---- */

static const char upol[] =
	"version: 1\n"
	"site: fence udp\n"
	"zones:\n"
	"  - name: dmz\n"
	"    role: dmz\n"
	"    nets: [198.18.5.0/24]\n"
	"  - name: internet\n"
	"    role: external\n"
	"    nets: [203.0.113.0/24, 198.51.100.0/24]\n"
	"vendors:\n"
	"  - name: acme\n"
	"    sources: [198.51.100.10/32]\n"
	"services:\n"
	"  - name: vpn-ike\n"
	"    service: ike\n"
	"    zones: [dmz]\n"
	"    from: [198.51.100.0/25]\n"
	"  - name: vpn-openvpn\n"
	"    service: udp/1194\n"
	"    zones: [dmz]\n"
	"    from: [198.51.100.10]\n"
	"    vendor: acme\n"
	"  - name: dns\n"
	"    service: udp/53\n"
	"    zones: [dmz]\n"
	"    from: [any]\n"
	"  - name: syslog\n"
	"    service: udp/514\n"
	"    zones: [dmz]\n"
	"    from: [198.51.100.0/25]\n"
	"geo:\n"
	"  - zone: dmz\n"
	"    direction: inbound\n"
	"    countries: [JP, US]\n";

static int
atoi_safe_last(const char *s)
{
	const char *dot = strrchr(s, '.');

	return dot ? (int)strtol(dot + 1, NULL, 10) : -1;
}

TestSuite(fence_udp, .init = fsetup, .fini = fteardown);

Test(fence_udp, udp_targets_payloads_and_sources)
{
	char path[] = "/tmp/heiiki-fence-udp-XXXXXX", err[POLICY_ERR_MAX];
	struct fence_plan pl;
	struct policy p;
	struct results *r;
	struct addr a;
	uint8_t buf[512];
	size_t n;
	int fd = mkstemp(path), udp = 0;
	FILE *f = fdopen(fd, "w");

	cr_assert_not_null(f);
	fputs(upol, f);
	fclose(f);
	cr_assert_eq(policy_load(path, &p, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	fence_plan_init(&pl);
	cr_assert_eq(fence_default_outside(&pl, &p), 0);
	cr_assert_eq(addr_parse("198.18.5.10", &a), 0);
	/* ike 500 + 4500, openvpn 1194, dns 53 (geo); syslog 514: no payload, not tested */
	cr_assert_eq(fence_add_target(&pl, &p, &a, 0, err, sizeof(err)), 4, "%s", err);
	for (size_t i = 0; i < pl.nt; i++) {
		cr_assert_eq(pl.t[i].proto, 17);
		cr_assert_neq(pl.t[i].port, 514);
		cr_assert_eq(fence_udp_payload(pl.t[i].port, buf, sizeof(buf), &n), 0);
		cr_assert_gt(n, 8, "port %u: a real first message", pl.t[i].port);
	}
	cr_assert_eq(fence_udp_payload(161, buf, sizeof(buf), &n), 0, "SNMP GetRequest");
	cr_assert_eq(buf[0], 0x30, "SNMP is a BER sequence");
	cr_assert_eq(fence_udp_payload(53, buf, sizeof(buf), &n), 0);
	cr_assert_eq(n, 17);
	cr_assert_eq(fence_udp_payload(514, buf, sizeof(buf), &n), -1);
	cr_assert_eq(fence_plan_sources(&pl, &p, fgeo, err, sizeof(err)), 0, "%s", err);
	for (size_t i = 0; i < pl.np; i++) {
		const struct fence_target *t = &pl.t[pl.pr[i].target];
		char s[ADDR_STRLEN];

		addr_fmt(&pl.pr[i].src, s);
		if (t->port == 1194 && pl.pr[i].kind == FENCE_ALLOWED)
			cr_assert_str_eq(s, "198.51.100.10", "the vendor's source");
		if (pl.pr[i].kind == FENCE_NOT_ALLOWED && t->port == 500)
			cr_assert(strncmp(s, "198.51.100.", 11) || atoi_safe_last(s) >= 128, "%s", s);
		udp += pl.pr[i].kind == FENCE_GEO;
	}
	cr_assert_gt(udp, 0, "geo sources for the UDP services too");
	/* the outcome is a udp service with a fence member */
	pl.pr[0].sent = pl.pr[0].answered = 1;
	r = results_new("fence");
	cr_assert_eq(fence_to_results(&pl, r), 0);
	cr_assert_not_null(results_service(r, &a, "udp", pl.t[pl.pr[0].target].port, 0));
	results_free(r);
	fence_plan_free(&pl);
	policy_free(&p);
}

/* --- safe sources: catch-all zone, gateway in the outside range, nothing
 * named (issue #10: 0.0.0.1, 128.0.0.0, the gateway, x.x.x.64/.128) --- */

static const char catchall_pol[] =
	"site: fence safety\n"
	"zones:\n"
	"  - name: servers\n"
	"    role: server\n"
	"    nets: [198.18.10.0/24]\n"
	"  - name: internet\n"
	"    role: external\n"
	"    nets: [0.0.0.0/0]\n"
	"services:\n"
	"  - name: rdp-internet\n"
	"    service: rdp\n"
	"    zones: [servers]\n"
	"    from: [internet]\n"
	"  - name: ssh-vendor\n"
	"    service: ssh\n"
	"    zones: [servers]\n"
	"    from: [198.51.100.64/26]\n";

static const char nonamed_pol[] =
	"site: fence safety\n"
	"zones:\n"
	"  - name: servers\n"
	"    role: server\n"
	"    nets: [198.18.10.0/24]\n"
	"services:\n"
	"  - name: ssh-office\n"
	"    service: ssh\n"
	"    zones: [servers]\n"
	"    from: [198.18.10.0/24]\n";

/* Every planned source passes fence_source_unsafe and none is special,
 * public outside the named ranges, an edge, or listed in bad. */
static void
all_safe(const struct fence_plan *pl, const struct policy *p, const char *const *bad)
{
	char s[ADDR_STRLEN];

	for (size_t i = 0; i < pl->np; i++) {
		const struct addr *a = &pl->pr[i].src;
		uint32_t low = addr_v4(a) & 63;

		addr_fmt(a, s);
		cr_assert_null(addr_special(a, NULL), "special source %s", s);
		cr_assert(low != 0 && low != 63, "network/broadcast-like source %s", s);
		cr_assert(!strncmp(s, "198.51.100.", 11) || !strncmp(s, "203.0.113.", 10),
			  "source %s outside the documentation ranges", s);
		cr_assert(!tset_contains(&pl->exclude, a), "excluded source %s", s);
		cr_assert_null(fence_source_unsafe(pl, p, a, pl->pr[i].kind == FENCE_ALLOWED),
			       "unsafe source %s planned", s);
		for (size_t k = 0; bad && bad[k]; k++)
			cr_assert_str_neq(s, bad[k], "forbidden source %s", s);
	}
}

static void
load_pol(struct policy *p, const char *text)
{
	char err[POLICY_ERR_MAX];

	memset(p, 0, sizeof(*p));
	cr_assert_eq(policy_load_buf("f.yaml", text, strlen(text), p, err, sizeof(err)), 0, "%s",
		     err);
}

Test(fence_safety, catch_all_internet_zone)
{
	struct policy p;
	struct fence_plan pl;
	struct addr a;
	char err[512];
	const char *bad[] = { "0.0.0.1", "128.0.0.0", "198.51.100.64", "198.51.100.128",
			      "198.51.100.127", "203.0.113.128", NULL };

	load_pol(&p, catchall_pol);
	fence_plan_init(&pl);
	cr_assert_eq(fence_default_outside(&pl, &p), 0);
	addr_parse("198.18.10.5", &a);
	cr_assert_gt(fence_add_target(&pl, &p, &a, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fence_plan_sources(&pl, &p, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_gt(pl.np, 0);
	all_safe(&pl, &p, bad);
	/* the catch-all contributes only documentation ranges */
	cr_assert_str_eq(tset_fmt(&pl.outside, err, sizeof(err)),
			 "198.51.100.0/24, 203.0.113.0/24");
	fence_plan_free(&pl);
	policy_free(&p);
}

Test(fence_safety, gateway_inside_the_outside_range)
{
	struct policy p;
	struct fence_plan pl;
	struct addr a;
	char err[512];
	const char *outside[] = { "203.0.113.0/24" };
	const char *bad[] = { "203.0.113.157", "203.0.113.1", NULL };

	load_pol(&p, catchall_pol);
	fence_plan_init(&pl);
	cr_assert_eq(fence_default_outside(&pl, &p), 0);
	cr_assert_eq(fence_set_outside(&pl, outside, 1, err, sizeof(err)), 0, "%s", err);
	/* the segment's gateway and a neighbour, as cmd_fence finds them */
	cr_assert_eq(tset_add_str(&pl.exclude, "203.0.113.157", err, sizeof(err)), 0);
	cr_assert_eq(tset_add_str(&pl.exclude, "203.0.113.1", err, sizeof(err)), 0);
	addr_parse("198.18.10.5", &a);
	cr_assert_gt(fence_add_target(&pl, &p, &a, 3389, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fence_plan_sources(&pl, &p, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_gt(pl.np, 0);
	all_safe(&pl, &p, bad);
	/* --outside replaced the default: nothing from 198.51.100.0/24 for not_allowed */
	for (size_t i = 0; i < pl.np; i++)
		if (pl.pr[i].kind == FENCE_NOT_ALLOWED)
			cr_assert(addr_v4(&pl.pr[i].src) >> 8 == 0xcb007100u);
	fence_plan_free(&pl);
	policy_free(&p);
}

Test(fence_safety, outside_flag_is_checked)
{
	struct fence_plan pl;
	char err[512];
	const char *wide[] = { "0.0.0.0/0" }, *mc[] = { "224.0.0.0/24" }, *junk[] = { "x" };

	fence_plan_init(&pl);
	cr_assert_eq(fence_set_outside(&pl, wide, 1, err, sizeof(err)), -1);
	cr_assert(strstr(err, "larger than a /8"), "%s", err);
	cr_assert_eq(fence_set_outside(&pl, mc, 1, err, sizeof(err)), -1);
	cr_assert(strstr(err, "overlaps multicast 224.0.0.0/4"), "%s", err);
	cr_assert_eq(fence_set_outside(&pl, junk, 1, err, sizeof(err)), -1);
	fence_plan_free(&pl);
}

Test(fence_safety, no_named_outside_range_is_refused)
{
	struct policy p;
	struct fence_plan pl;
	struct addr a;
	char err[512];

	load_pol(&p, nonamed_pol);
	fence_plan_init(&pl);
	cr_assert_eq(fence_default_outside(&pl, &p), 0);
	addr_parse("198.18.10.5", &a);
	cr_assert_gt(fence_add_target(&pl, &p, &a, 22, err, sizeof(err)), 0, "%s", err);
	/* the only allowed source range is an inside zone: never spoofed */
	cr_assert_eq(fence_plan_sources(&pl, &p, NULL, err, sizeof(err)), -1);
	cr_assert(strstr(err, "no safe source address to spoof (outside ranges: none)"), "%s", err);
	cr_assert_eq(pl.np, 0);
	fence_plan_free(&pl);
	policy_free(&p);
}

Test(fence_safety, target_guard_refuses_special_and_dns)
{
	struct policy p;
	struct fence_plan pl;
	struct addr a;
	char err[512];

	load_pol(&p, catchall_pol);
	fence_plan_init(&pl);
	addr_parse("198.18.10.255", &a);
	cr_assert_eq(fence_add_target(&pl, &p, &a, 3389, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "198.18.10.255 is the network or broadcast address of zone 'servers': refusing to send to it");
	addr_parse("224.0.0.1", &a);
	cr_assert_eq(fence_add_target(&pl, &p, &a, 3389, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "224.0.0.1 is multicast (224.0.0.0/4): refusing to send to it");
	fence_plan_free(&pl);
	policy_free(&p);
}
