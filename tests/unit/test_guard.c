/*
 * test_guard.c - the shared send guard: policy scope, do_not_scan,
 * external zones, --scope, and the shared-medium classes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/input/guard.h"

static const char pol_text[] =
	"site: guard test\n"
	"zones:\n"
	"  - name: clinical\n"
	"    role: clinical\n"
	"    nets: [198.18.20.0/24]\n"
	"  - name: internet\n"
	"    role: external\n"
	"    nets: [0.0.0.0/0]\n"
	"do_not_scan:\n"
	"  - addr: 198.18.20.7\n"
	"    reason: infusion pump\n";

static int
may(const struct guard *g, const char *s)
{
	struct addr a;

	cr_assert_eq(addr_parse(s, &a), 0);
	return guard_may((void *)g, &a);
}

static void
refused(const struct guard *g, const char *s, const char *want)
{
	struct range r;
	char err[256];

	cr_assert_eq(range_parse(s, &r, err, sizeof(err)), 0, "%s", s);
	cr_assert_eq(guard_check_range(g, &r, s, err, sizeof(err)), -1, "%s accepted", s);
	cr_assert_str_eq(err, want);
}

Test(guard, policy_scope_and_do_not_scan)
{
	struct policy p;
	struct guard g;
	char err[512];
	struct range r;

	memset(&p, 0, sizeof(p));
	cr_assert_eq(policy_load_buf("g.yaml", pol_text, strlen(pol_text), &p, err, sizeof(err)),
		     0, "%s", err);
	guard_init_policy(&g, &p);
	cr_assert(may(&g, "198.18.20.1"));
	cr_assert_not(may(&g, "198.18.20.7"), "do_not_scan pump allowed");
	cr_assert_not(may(&g, "198.18.21.1"), "outside scope allowed");
	cr_assert_not(may(&g, "203.0.113.5"), "external address allowed");
	cr_assert_not(may(&g, "224.0.0.1"));
	cr_assert_not(may(&g, "198.18.20.255"), "directed broadcast allowed");
	cr_assert_not(may(&g, "198.18.20.0"), "network address allowed");
	refused(&g, "198.18.20.255",
		"198.18.20.255 is the network or broadcast address of zone 'clinical': refusing to send to it");
	refused(&g, "198.18.20.7", "198.18.20.7 is on do_not_scan (infusion pump): refusing to send to it");
	refused(&g, "198.18.20.0/29",
		"198.18.20.0/29 is on do_not_scan (infusion pump): refusing to send to it");
	refused(&g, "198.18.21.1", "198.18.21.1 is outside the policy's scope: refusing to send to it");
	refused(&g, "255.255.255.255",
		"255.255.255.255 is broadcast (255.255.255.255): refusing to send to it");
	cr_assert_eq(range_parse("198.18.20.8-198.18.20.200", &r, err, sizeof(err)), 0);
	cr_assert_eq(guard_check_range(&g, &r, "x", err, sizeof(err)), 0, "%s", err);
	guard_free(&g);
	policy_free(&p);
}

Test(guard, explicit_scope_and_special_classes)
{
	struct guard g;
	char err[256];

	guard_init_scope(&g);
	cr_assert_eq(guard_add_scope(&g, "198.18.30.0/24", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(guard_add_scope(&g, "224.0.0.0/24", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--scope '224.0.0.0/24' overlaps multicast 224.0.0.0/4: refusing it as a target");
	cr_assert_eq(guard_add_scope(&g, "127.0.0.1", err, sizeof(err)), -1);
	cr_assert_eq(guard_add_scope(&g, "nonsense", err, sizeof(err)), -1);
	cr_assert(may(&g, "198.18.30.9"));
	cr_assert_not(may(&g, "198.18.31.9"));
	refused(&g, "198.18.31.9", "198.18.31.9 is outside the --scope: refusing to send to it");
	/* an explicit class: loopback may be allowed, multicast never */
	cr_assert_eq(guard_allow_class(&g, "multicast", err, sizeof(err)), -1);
	cr_assert_eq(guard_allow_class(&g, "broadcast", err, sizeof(err)), -1);
	cr_assert_eq(guard_allow_class(&g, "loopback", err, sizeof(err)), 0);
	cr_assert_eq(guard_add_scope(&g, "127.0.0.1", err, sizeof(err)), 0, "%s", err);
	cr_assert(may(&g, "127.0.0.1"));
	guard_free(&g);
	/* no scope at all: nothing may be sent */
	cr_assert_not(guard_may(NULL, &(struct addr){ 0 }));
	memset(&g, 0, sizeof(g));
	refused(&g, "198.18.30.9", "198.18.30.9: no scope: give --policy FILE or --scope CIDR");
}
