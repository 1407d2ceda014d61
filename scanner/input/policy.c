/*
 * policy.c - load a hospital policy and answer questions about it.
 *
 * policy_load() reads at most 4 MiB, hashes the bytes (the hash goes into
 * reports so an auditor can tell which policy a scan ran under) and hands
 * them to policy_load_buf(), which builds the libyaml document
 * (policy_yaml.c), reads the sections (policy_parse.c, policy_rules.c) and
 * cross-checks them (policy_check.c).  A policy either loads completely or
 * not at all: on any error the struct is reset to defaults and the
 * message is "file:line:column: what is wrong".
 *
 * The queries (zone_of, may_scan, dns_of) are what the scanner asks for
 * every target, so they stay simple loops over small arrays and
 * O(log n) set lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "../core/fsutil.h"
#include "policy_priv.h"

/* A conservative hospital top list: admin, file, database, medical, print. */
static const char default_tcp[] =
	"21,22,23,25,53,80,81,88,104,110,111,135,139,143,389,443,445,465,502,"
	"515,548,587,631,636,873,993,995,1080,1433,1521,1723,1883,2049,2375,"
	"2575,3000,3128,3306,3389,4242,4443,5000,5060,5432,5601,5800,"
	"5900-5910,5985,5986,6379,8000,8008,8080,8081,8088,8443,8888,9000,"
	"9090,9100,9200,10000,10443,11112,27017";
static const char default_udp[] = "53,123,161,500,1194,4500";

void
policy_defaults(struct policy *p)
{
	struct scan_settings *s = &p->scan;
	char err[64];

	memset(p, 0, sizeof(*p));
	tset_init(&p->scope);
	tset_init(&p->dns_set);
	portset_parse(&s->tcp, default_tcp, err, sizeof(err));
	portset_parse(&s->udp, default_udp, err, sizeof(err));
	s->pps = 1000;
	s->host_pps = 40;
	s->retries = 1;
	s->timeout_ms = 1000;
	s->cooldown_ms = 3000;
	s->max_hosts_in_flight = 64;
	s->skip_net_bcast = 1;
	s->snmp_public = 1;
	s->ftp_anonymous = 1;
	snprintf(p->notify.sendmail, sizeof(p->notify.sendmail), "/usr/sbin/sendmail");
	p->notify.min_rank = 3;		/* high */
	p->ledger_missing_days = 30;
	snprintf(s->scanner_id, sizeof(s->scanner_id), "heiiki");
}

static void
rule_free(struct service_rule *r)
{
	free(r->ports);
	free(r->zones);
	free(r->from.zones);
	tset_free(&r->from.nets);
}

void
policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nzones; i++)
		tset_free(&p->zones[i].nets);
	free(p->zones);
	free(p->dns);
	for (size_t i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->ngeo; i++)
		free(p->geo[i].countries);
	free(p->geo);
	free(p->exits);
	for (size_t i = 0; i < p->nvendors; i++) {
		tset_free(&p->vendors[i].sources);
		free(p->vendors[i].may_reach);
	}
	free(p->vendors);
	tset_free(&p->scope);
	tset_free(&p->dns_set);
	free(p->assets);
	free(p->accepts);
	memset(p, 0, sizeof(*p));
}

static void
sha256_hex(const void *buf, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int
policy_load_buf(const char *name, const char *buf, size_t len,
		struct policy *p, char *err, size_t errlen)
{
	struct pctx pc;
	int rc;

	policy_defaults(p);
	memset(&pc, 0, sizeof(pc));
	pc.name = name ? name : "policy";
	pc.buf = buf ? buf : "";
	pc.len = buf ? len : 0;
	pc.err = err;
	pc.errlen = errlen;
	pc.p = p;
	snprintf(p->path, sizeof(p->path), "%s", pc.name);
	sha256_hex(pc.buf, pc.len, p->hash);
	rc = pc_load(&pc);
	if (rc == 0)
		rc = policy_parse_doc(&pc);
	if (pc.have_doc)
		yaml_document_delete(&pc.doc);
	free(pc.znets);
	free(pc.rule_marks);
	free(pc.dns_marks);
	if (rc < 0) {
		policy_free(p);
		policy_defaults(p);
		return -1;
	}
	tset_freeze(&p->scope);
	return 0;
}

int
policy_load(const char *path, struct policy *p, char *err, size_t errlen)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > POLICY_MAX_BYTES) {
		policy_defaults(p);
		snprintf(err, errlen, "%s:1:1: policy is larger than %u bytes",
			 path, POLICY_MAX_BYTES);
		return -1;
	}
	if (fs_read_all(path, POLICY_MAX_BYTES, &data, &len, err, errlen) < 0) {
		policy_defaults(p);
		return -1;
	}
	rc = policy_load_buf(path, data, len, p, err, errlen);
	free(data);
	return rc;
}

const char *
zone_role_name(enum zone_role r)
{
	static const char *const names[ZONE_ROLE_COUNT] = {
		[ZONE_CLINICAL] = "clinical",
		[ZONE_SERVER] = "server",
		[ZONE_OFFICE] = "office",
		[ZONE_VENDOR] = "vendor-boundary",
		[ZONE_DMZ] = "dmz",
		[ZONE_MANAGEMENT] = "management",
		[ZONE_GUEST] = "guest",
		[ZONE_EXTERNAL] = "external",
	};

	if ((unsigned)r >= ZONE_ROLE_COUNT)
		return "unknown";
	return names[r];
}

/*
 * Zones may nest (a /24 of modalities inside the /16 clinical zone); the
 * zone whose containing range is smallest is the most specific one.
 */
const struct zone *
policy_zone_of(const struct policy *p, const struct addr *a)
{
	const struct zone *best = NULL;
	u128 best_size = 0;

	for (size_t i = 0; i < p->nzones; i++) {
		const struct tset *s = &p->zones[i].nets;

		for (size_t j = 0; j < s->n; j++) {
			u128 size = s->r[j].hi - s->r[j].lo;

			if (a->v < s->r[j].lo || a->v > s->r[j].hi)
				continue;
			if (!best || size < best_size) {
				best = &p->zones[i];
				best_size = size;
			}
		}
	}
	return best;
}

const struct zone *
policy_zone_by_name(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nzones; i++)
		if (!strcmp(p->zones[i].name, name))
			return &p->zones[i];
	return NULL;
}

const struct dns_entry *
policy_dns_of(const struct policy *p, const struct addr *a)
{
	for (size_t i = 0; i < p->ndns; i++)
		if (a->v >= p->dns[i].r.lo && a->v <= p->dns[i].r.hi)
			return &p->dns[i];
	return NULL;
}

int
policy_may_scan(const struct policy *p, const struct addr *a)
{
	const struct zone *z;

	if (!tset_contains(&p->scope, a) || tset_contains(&p->dns_set, a))
		return 0;
	z = policy_zone_of(p, a);
	return !z || z->role != ZONE_EXTERNAL;
}
