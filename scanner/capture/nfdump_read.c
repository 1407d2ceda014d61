/*
 * nfdump_read.c - `heiiki capture --nfdump DIR`: nfcapd files through the
 * nfdump program into the capture (see nfdump.h for the parsers and the
 * child process, docs/capture.md "Flow export" for the fields).
 *
 *   nfdump -R DIR -q -o json  ->  framer -> nfd_parse_record
 *        -> capture_flow_record -> flow_record (flow.c): the two directions
 *           of a connection become one flow, as packets do
 *   nfdump -R DIR -c 1 -o fmt:%nfv "router ip ADDR", per exporter
 *                             ->  nfd_parse_version: NetFlow v9 or IPFIX
 *
 * Each record's next hop (ip next hop, else BGP next hop) gets a number in
 * a list of at most 255 (struct capture_fx); a flow keeps, per side, the
 * number of the next hop towards it, so a record without MACs still names
 * its exit.  A record with both a next hop and the next hop's MAC
 * (out_dst_mac) teaches the exit table that address, as ARP would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/core/log.h"
#include "scanner/core/rd.h"
#include "capture.h"
#include "capture_priv.h"
#include "nfdump.h"

static struct capture_fx *
fx_get(struct capture *c)
{
	if (!c->fx)
		c->fx = calloc(1, sizeof(*c->fx));
	return c->fx;
}

/* Number (1-based) of next hop a, added when new; 0 when the list is full. */
static uint8_t
fx_nh(struct capture *c, const struct addr *a)
{
	struct capture_fx *x = c->fx;

	if (x->last_nh && x->nh[x->last_nh - 1].v == a->v)
		return (uint8_t)x->last_nh;
	for (unsigned i = 0; i < x->nnh; i++)
		if (x->nh[i].v == a->v)
			return (uint8_t)(x->last_nh = i + 1);
	if (x->nnh == CAPTURE_MAX_NH) {
		c->st.fx_nh_dropped++;
		return 0;
	}
	x->nh[x->nnh++] = *a;
	return (uint8_t)(x->last_nh = x->nnh);
}

/* One more record from exporter a. */
static void
fx_exporter(struct capture *c, const struct addr *a)
{
	struct capture_fx *x = c->fx;

	for (unsigned i = 0; i < x->nexp; i++)
		if (x->exp[i].a.v == a->v) {
			x->exp[i].records++;
			return;
		}
	if (x->nexp == CAPTURE_MAX_EXPORTERS) {
		x->exp_dropped++;
		return;
	}
	x->exp[x->nexp].a = *a;
	x->exp[x->nexp++].records = 1;
}

void
capture_flow_record(struct capture *c, const struct nfd_rec *r)
{
	struct flow_urec u = r->u, rev;
	int dir;

	if (!fx_get(c))
		return;
	c->st.fx_records++;
	c->st.fx_times_swapped += r->times_swapped;
	c->st.packets += r->u.pkts + r->rev_pkts;
	c->st.bytes += r->u.bytes + r->rev_bytes;
	c->st.ip += r->u.pkts + r->rev_pkts;
	if (r->has_router)
		fx_exporter(c, &r->router);
	if (r->has_nh) {
		u.nh = fx_nh(c, &r->nh);
		if (u.has_dst_mac && !r->nh_bgp)
			agg_arp(c->agg, &r->nh, u.dst_mac);
	}
	(void)flow_record(c->ft, &u, &dir);
	if (r->rev_pkts == 0)
		return;
	/* bidirectional IPFIX (RFC 5103): the reverse direction's counters;
	 * nfdump 1.7.1 prints no reverse TCP flags, so the forward ones stand in */
	memset(&rev, 0, sizeof(rev));
	rev.src = u.dst;
	rev.dst = u.src;
	rev.sport = u.dport;
	rev.dport = u.sport;
	rev.vlan = u.vlan;
	rev.proto = u.proto;
	rev.tcp_flags = u.tcp_flags;
	rev.has_src_mac = u.has_dst_mac;
	memcpy(rev.src_mac, u.dst_mac, 6);
	rev.has_dst_mac = u.has_src_mac;
	memcpy(rev.dst_mac, u.src_mac, 6);
	rev.pkts = r->rev_pkts;
	rev.bytes = r->rev_bytes;
	rev.first_us = u.first_us;
	rev.last_us = u.last_us;
	(void)flow_record(c->ft, &rev, &dir);
}

/* ---- the two nfdump runs ------------------------------------------------- */

/* A warning for run.warnings that the caller reports itself. */
static void
fx_note(struct capture *c, const char *msg)
{
	if (c->nwarnings < sizeof(c->warnings) / sizeof(c->warnings[0]))
		snprintf(c->warnings[c->nwarnings++], sizeof(c->warnings[0]), "%s", msg);
}

static void
on_object(void *ctx, const char *obj, size_t len)
{
	struct capture *c = ctx;
	struct nfd_rec r;
	char why[200];
	int rc = nfd_parse_record(obj, len, &r, why, sizeof(why));

	if (rc > 0) {
		capture_flow_record(c, &r);
	} else if (rc == 0) {
		c->st.fx_other++;
	} else {
		if (!c->st.fx_malformed && c->fx)
			snprintf(c->fx->first_bad, sizeof(c->fx->first_bad), "%s", why);
		c->st.fx_malformed++;
	}
}

static void
on_records(void *ctx, const void *p, size_t n)
{
	struct nfd_framer *fr = ((void **)ctx)[0];

	nfd_framer_feed(fr, p, n, on_object, ((void **)ctx)[1]);
}

struct text {
	char buf[64];
	size_t n;
};

static void
on_text(void *ctx, const void *p, size_t n)
{
	struct text *t = ctx;

	if (n > sizeof(t->buf) - t->n)
		n = sizeof(t->buf) - t->n;
	memcpy(t->buf + t->n, p, n);
	t->n += n;
}

/*
 * The protocol of each exporter: the version nfdump prints for its first
 * record (`-c 1 -o fmt:%nfv "router ip ADDR"`: stops at that record).
 */
static void
fx_versions(struct capture *c, const char *dir, unsigned timeout_s,
	    volatile sig_atomic_t *stop)
{
	char ip[ADDR_STRLEN], filter[ADDR_STRLEN + 16], errtext[256], err[256];
	char *argv[] = { "nfdump", "-R", (char *)dir, "-q", "-c", "1", "-o", "fmt:%nfv",
			 filter, NULL };
	struct text t;

	for (unsigned i = 0; i < c->fx->nexp; i++) {
		struct capture_exporter *e = &c->fx->exp[i];

		snprintf(filter, sizeof(filter), "router ip %s", addr_fmt(&e->a, ip));
		memset(&t, 0, sizeof(t));
		if (nfd_run(argv, timeout_s, stop, on_text, &t, errtext, sizeof(errtext),
			    err, sizeof(err)) == 0)
			e->version = nfd_parse_version(t.buf, t.n);
		if (!e->version)
			capture_warn(c, "exporter %s: NetFlow version unknown", ip);
	}
}

/* nfdump's stderr as one printable line (its first two lines). */
static void
stderr_text(const char *text, char *out, size_t len)
{
	size_t n = strlen(text), lines = 0, k;

	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	for (k = 0; k < n && lines < 2; k++)
		lines += text[k] == '\n';
	rd_text((const uint8_t *)text, k, out, len);
}

int
capture_nfdump(struct capture *c, const char *dir, unsigned timeout_s,
	       volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	char *argv_rec[] = { "nfdump", "-R", (char *)dir, "-q", "-N", "-o", "json", NULL };
	char errtext[2048], msg[400];
	struct nfd_framer fr;
	void *ctx[2];
	struct stat sb;
	int rc;

	if (stat(dir, &sb) < 0) {
		snprintf(err, errlen, "--nfdump %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "--nfdump %s: not a directory", dir);
		return -1;
	}
	if (!fx_get(c) || nfd_framer_init(&fr, NFD_MAX_OBJECT) < 0) {
		snprintf(err, errlen, "capture: out of memory");
		return -1;
	}
	snprintf(c->fx->dir, sizeof(c->fx->dir), "%s", dir);
	ctx[0] = &fr;
	ctx[1] = c;
	rc = nfd_run(argv_rec, timeout_s, stop, on_records, ctx, errtext,
		     sizeof(errtext), err, errlen);
	c->st.fx_too_long = fr.too_long;
	nfd_framer_free(&fr);
	if (rc < 0 && c->st.fx_records > 0) {
		/* timed out or stopped: what was read is kept (partial) */
		fx_note(c, err);
		return 1;
	}
	if (rc < 0)
		return -1;
	stderr_text(errtext, msg, sizeof(msg));
	if ((rc != 0 || msg[0]) && c->st.fx_records == 0) {
		snprintf(err, errlen, "--nfdump %s: no flow records could be read "
			 "(nfdump: %s)", dir, msg[0] ? msg : "no message");
		return -1;
	}
	if (rc != 0 || msg[0]) {
		snprintf(err, errlen, "nfdump -R %s %s after %llu records: %s", dir,
			 rc ? "failed" : "reported a problem (damaged or foreign file?)",
			 (unsigned long long)c->st.fx_records, msg[0] ? msg : "no message");
		fx_note(c, err);
		return 1;
	}
	fx_versions(c, dir, timeout_s, stop);
	if (c->st.fx_malformed)
		capture_warn(c, "%llu nfdump records could not be read; the first: %s",
			     (unsigned long long)c->st.fx_malformed, c->fx->first_bad);
	return 0;
}

/* ---- the document ---------------------------------------------------------- */

static const char *
version_name(unsigned v)
{
	return v == 10 ? "ipfix" : v == 9 ? "netflow" : v == 5 ? "netflow-v5" :
	       v ? "netflow-other" : "unknown";
}

void
capture_fx_write(struct capture *c, struct results *r)
{
	const struct capture_fx *x = c->fx;
	const struct capture_exporter *main = NULL;
	json_t *v, *exps = json_array(), *addrs = json_array(), *fx;
	char buf[ADDR_STRLEN];

	for (unsigned i = 0; i < x->nexp; i++) {
		const struct capture_exporter *e = &x->exp[i];

		if (!main || e->records > main->records)
			main = e;
		json_array_append_new(addrs, json_string(addr_fmt(&e->a, buf)));
		json_array_append_new(exps, json_pack("{s:s, s:s, s:I}", "addr",
						      addr_fmt(&e->a, buf), "source",
						      version_name(e->version), "records",
						      (json_int_t)e->records));
	}
	v = json_pack("{s:s, s:s}", "role", "capture", "source",
		      main ? version_name(main->version) : "unknown");
	if (main) {
		const struct zone *z = c->o.policy ? policy_zone_of(c->o.policy, &main->a) : NULL;

		json_object_set_new(v, "exporter", json_string(addr_fmt(&main->a, buf)));
		/* reports and diff show where a run stood from "addr" */
		json_object_set_new(v, "addr", json_string(buf));
		if (z && z->role != ZONE_EXTERNAL)
			json_object_set_new(v, "zone", json_string(z->name));
	}
	json_object_set_new(v, "addrs", addrs);
	json_object_set_new(results_run(r), "vantage", v);
	fx = json_pack("{s:s, s:s, s:o, s:[s,s,s,s]}", "reader", "nfdump", "dir", x->dir,
		       "exporters", exps, "unavailable", "dns", "sni", "http_host", "app");
	json_object_set_new(results_run(r), "flow_export", fx);
	results_count(r, "flow_export_records", (json_int_t)c->st.fx_records);
	results_count(r, "flow_export_malformed", (json_int_t)c->st.fx_malformed);
	results_count(r, "flow_export_other", (json_int_t)c->st.fx_other);
	results_count(r, "flow_export_too_long", (json_int_t)c->st.fx_too_long);
	results_count(r, "flow_export_times_swapped", (json_int_t)c->st.fx_times_swapped);
	results_count(r, "flow_export_next_hops_dropped", (json_int_t)c->st.fx_nh_dropped);
	results_count(r, "flow_export_exporters_dropped", (json_int_t)x->exp_dropped);
}
