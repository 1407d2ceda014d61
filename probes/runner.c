/*
 * runner.c - every probe socket lives here (see runner.h for the rules).
 *
 * Shape: a list of jobs (one per open service), grouped by host.  A job
 * walks its candidate probes in order; each probe is a conversation of up
 * to PROBE_MAX_STEPS steps, on one connection (PROBE_NEXT_STEP) or on new
 * ones (PROBE_RECONNECT).  One poll() loop drives every connection through
 * CONNECT -> TLS (PROBE_TLS) -> SEND hello -> READ reply, calls the
 * probe's pure parse() after every read, and acts on its verdict.  The
 * scheduler starts a connection only when the host has a free slot, its
 * gap since the last connection has passed, and the global limit allows.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probes/canary.h"
#include "probes/product_db.h"
#include "probes/runner.h"
#include "probes/tls_cert.h"
#include "probes/vpn_db.h"
#include "scanner/core/log.h"
#include "scanner/input/policy.h"

#define RUN_MAX_CAND 8
/* one try, this long, per hello of the UDP cascade (udp_cascade.c) */
#define RUN_UDP_CASCADE_WAIT 700
#define RUN_HELLO_MAX 2048
#define RUN_MAX_REPLY (256u * 1024)

enum phase { PH_CONNECT, PH_TLS, PH_SEND, PH_READ };

struct job {
	json_t *svc;			/* borrowed from the results document */
	struct addr addr;
	char host[ADDR_STRLEN];
	uint16_t port;
	int udp;
	const struct probe *cand[RUN_MAX_CAND];
	size_t ncand, ci;
	int step;
	json_t *out;			/* current probe's output */
	uint8_t *prev;
	size_t prev_len;
	int64_t t0, probe_t0;
	int active, done, got_bytes;
	int udp_cascade;		/* cand[] is the UDP cascade (no probe of its own) */
	const char *outcome;
	size_t hidx;
};

struct host {
	size_t first, n;		/* jobs[first .. first+n) */
	unsigned active;
	int64_t next_ok;
	unsigned slots;			/* connections at once (zone role, fragile: 1) */
	unsigned gap;			/* ms between connection starts */
	int fragile;			/* a printer/OT/DICOM port is open */
	int ftp_anonymous;		/* the ftp probe may try anonymous */
	int access_check;		/* probe_ctx.access_check (probe.h) */
	int64_t greet_ms;		/* slowest greeting seen on this host (0: none yet) */
};

struct conn {
	struct job *job;
	int fd;
	SSL *ssl;
	enum phase ph;
	int want;			/* POLLIN / POLLOUT */
	uint8_t *buf;
	size_t len, cap;
	uint8_t tx[RUN_HELLO_MAX];
	size_t txlen, txoff;
	int tries;
	int64_t deadline;
	int64_t io_t0;			/* when the current read phase began */
	/* PROBE_UDP_NEW_TID: an unconnected socket; datagrams go to peer with
	 * sendto() and only replies from peer's address (any port) count */
	int unconnected;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	struct canary *canary;		/* PROBE_CANARY: the scanner's one-shot listener */
	char canary_at[64];		/* its "addr:port" */
};

struct run {
	const struct probe_opts *o;
	SSL_CTX *tls;
	struct job *jobs;
	size_t njobs, left;
	struct host *hosts;
	size_t nhosts;
	struct conn *conns;
	size_t nconns, maxconns;
	unsigned gap, connect_ms, read_ms, probe_ms, udp_wait, udp_tries, per_host;
	int identified;
	const struct vpn_db *vpn;	/* o->vpn, or own_vpn */
	struct vpn_db *own_vpn;		/* loaded here when the caller gave none */
	const struct product_db *products;	/* o->products, or own_products */
	struct product_db *own_products;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
probe_verdict_name(enum probe_verdict v)
{
	switch (v) {
	case PROBE_MATCH:	return "identified";
	case PROBE_NO_MATCH:	return "unrecognised";
	case PROBE_NEED_MORE:	return "incomplete";
	case PROBE_MALFORMED:	return "malformed";
	case PROBE_NEXT_STEP:	return "next-step";
	case PROBE_RECONNECT:	return "reconnect";
	case PROBE_NEXT_STEP_TLS: return "next-step-tls";
	}
	return "unknown";
}

enum probe_verdict
probe_run_bytes(const struct probe *p, const struct probe_ctx *ctx,
		const uint8_t *buf, size_t len, json_t *out)
{
	struct probe_ctx c = *ctx;
	struct rd in;

	if (!p->parse)
		return PROBE_NO_MATCH;
	if (p->max_reply && len > p->max_reply)
		len = p->max_reply;
	c.out = out;
	rd_init(&in, buf, len);
	return p->parse(&c, &in, out);
}

void
probe_merge(json_t *svc, const json_t *out)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)out, key, v) {
		if (key[0] == '_' || !strcmp(key, "cascade_step"))
			continue;
		if (!strcmp(key, "risks") && json_is_array(v)) {
			size_t i;
			json_t *f;

			json_array_foreach(v, i, f)
				if (json_is_string(f))
					results_add_risk(svc, json_string_value(f));
			continue;
		}
		json_object_set(svc, key, v);
	}
}

/* --- jobs ------------------------------------------------------------- */

static int
port_is_printer(uint16_t port)
{
	return port >= 9100 && port <= 9107;
}

static void
job_candidates(struct run *run, struct job *j)
{
	const struct probe_opts *o = run->o;
	const struct probe *found[RUN_MAX_CAND];
	size_t n, i;

	j->ncand = 0;
	if (o->only) {
		const struct probe *p = probe_by_name(o->only);

		int own = !(p && (p->flags & PROBE_BY_PORT_ONLY));

		for (const uint16_t *q = p && p->ports ? p->ports : NULL; q && *q; q++)
			own |= *q == j->port;
		if (p && ((p->flags & PROBE_UDP) != 0) == j->udp && own)
			j->cand[j->ncand++] = p;
		return;
	}
	n = probe_for_port(j->port, j->udp ? 17 : 6, found, RUN_MAX_CAND - 2);
	for (i = 0; i < n; i++) {
		const struct probe *p = found[i];

		if ((p->flags & PROBE_FRAGILE) && !o->allow_fragile &&
		    !(p->flags & PROBE_SERVER_FIRST))
			continue;
		if (!strcmp(p->name, "banner") || !strncmp(p->name, "cascade", 7))
			continue;
		/* the open-proxy check asks the service to connect back to us:
		 * never on a fragile or careful host */
		if ((p->flags & PROBE_CANARY) && (run->hosts[j->hidx].fragile ||
		    (o->careful && o->careful(o->careful_arg, &j->addr))))
			continue;
		j->cand[j->ncand++] = p;
	}
	if (j->udp && !j->ncand) {
		/* no probe of its own: the UDP hellos whose replies can be
		 * recognised, one after another; never on a fragile host nor on
		 * a careful one (clinical zone, outside every zone) */
		const struct host *h = &run->hosts[j->hidx];

		if (h->fragile || (o->careful && o->careful(o->careful_arg, &j->addr)))
			return;
		j->ncand = probe_udp_cascade(j->cand, RUN_MAX_CAND);
		j->udp_cascade = j->ncand > 0;
		return;
	}
	if (!j->udp) {
		/* The cascade sends a GET and a ClientHello: not on a fragile
		 * host unless the policy opts in; there only the silent read. */
		if (run->hosts[j->hidx].fragile && !o->allow_fragile) {
			const struct probe *b = probe_by_name("banner");

			if (b)
				j->cand[j->ncand++] = b;
			return;
		}
		j->cand[j->ncand++] = probe_by_name("cascade");
		j->cand[j->ncand++] = probe_by_name("cascade-tls");
	}
}

static void
job_finish(struct run *run, struct job *j, const char *outcome, int merge)
{
	json_t *info;

	const char *rule = NULL, *step = NULL;

	if (j->done)
		return;
	if (merge && j->out && j->udp_cascade && j->ci < j->ncand) {
		char st[48];

		snprintf(st, sizeof(st), "udp-hello:%s", j->cand[j->ci]->name);
		json_object_set_new(j->out, "cascade_step", json_string(st));
	}
	if (merge && j->out) {
		const char *state = json_string_value(json_object_get(j->svc, "state"));

		/* a UDP reply proves the port open */
		if (state && !strcmp(state, "open|filtered"))
			json_object_set_new(j->svc, "state", json_string("open"));
		rule = product_db_apply(run->products, j->out);
		step = json_string_value(json_object_get(j->out, "cascade_step"));
		probe_merge(j->svc, j->out);
	}
	info = json_pack("{s:s, s:s, s:I}", "name",
			 j->ci < j->ncand ? j->cand[j->ci]->name : "none",
			 "outcome", outcome, "ms", (json_int_t)(j->t0 ? now_ms() - j->t0 : 0));
	if (info && merge) {
		/* how the service was named: its port's probe, or a cascade step */
		json_object_set_new(info, "method", json_string(step ? "cascade" : "port-probe"));
		if (step)
			json_object_set_new(info, "cascade_step", json_string(step));
		if (rule)
			json_object_set_new(info, "rule", json_string(rule));
	}
	if (info)
		json_object_set_new(j->svc, "probe", info);
	if (merge)
		run->identified++;
	json_decref(j->out);
	j->out = NULL;
	free(j->prev);
	j->prev = NULL;
	j->done = 1;
	run->left--;
}

/* The current probe gave up: try the next candidate, or finish. */
static void
job_next_probe(struct run *run, struct job *j, const char *outcome)
{
	j->outcome = outcome;
	/* ICMP port unreachable: no later hello of the UDP cascade can help */
	if (j->ci + 1 >= j->ncand || (j->udp_cascade && !strcmp(outcome, "closed"))) {
		job_finish(run, j, j->got_bytes ? "unrecognised" : outcome, 0);
		return;
	}
	j->ci++;
	j->step = 0;
	json_decref(j->out);
	j->out = json_object();
	free(j->prev);
	j->prev = NULL;
	j->prev_len = 0;
	j->probe_t0 = 0;
}

static int
cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);

	if (c)
		return c;
	return (int)x->port - (int)y->port;
}

static int
build_jobs(struct run *run, struct results *r, char *err, size_t errlen)
{
	json_t *svcs = results_array(r, "services"), *s;
	size_t i, cap = json_array_size(svcs);

	run->jobs = calloc(cap ? cap : 1, sizeof(*run->jobs));
	run->hosts = calloc(cap ? cap : 1, sizeof(*run->hosts));
	if (!run->jobs || !run->hosts) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(svcs, i, s) {
		struct job *j = &run->jobs[run->njobs];
		const char *st = json_string_value(json_object_get(s, "state"));
		const char *a = json_string_value(json_object_get(s, "addr"));
		const char *pr = json_string_value(json_object_get(s, "proto"));
		json_int_t port = json_integer_value(json_object_get(s, "port"));

		if (!st || !a || !pr || port < 1 || port > 65535)
			continue;
		/* open; for UDP also open|filtered (silence to an empty datagram
		 * says nothing: the UDP probes and cascade may get an answer) */
		if (strcmp(st, "open") && (strcmp(st, "open|filtered") || strcmp(pr, "udp")))
			continue;
		if (addr_parse(a, &j->addr) < 0)
			continue;
		j->svc = s;
		j->port = (uint16_t)port;
		j->udp = !strcmp(pr, "udp");
		if (!j->udp && strcmp(pr, "tcp"))
			continue;
		addr_fmt(&j->addr, j->host);
		run->njobs++;
	}
	qsort(run->jobs, run->njobs, sizeof(*run->jobs), cmp_job);
	for (i = 0; i < run->njobs; i++) {
		struct job *j = &run->jobs[i];

		if (!i || addr_cmp(&j->addr, &run->jobs[i - 1].addr)) {
			run->hosts[run->nhosts].first = i;
			run->nhosts++;
		}
		j->hidx = run->nhosts - 1;
		run->hosts[j->hidx].n++;
	}
	return 0;
}

/* Printers, PLCs, BACnet, DICOM modalities, HL7 engines, IEC 104, DNP3,
 * EtherNet/IP, S7: one such port open makes the whole host fragile. */
static int
port_is_fragile(uint16_t port, int udp)
{
	static const uint16_t tcp[] = { 515, 502, 104, 11112, 2575, 102, 20000, 44818, 2404, 0 };

	if (udp)
		return port == 47808 || port == 2222 || port == 44818;
	if (port_is_printer(port))
		return 1;
	for (const uint16_t *p = tcp; *p; p++)
		if (*p == port)
			return 1;
	return 0;
}

unsigned
probe_policy_host_slots(void *policy, const struct addr *a)
{
	const struct zone *z = policy ? policy_zone_of(policy, a) : NULL;

	if (!z)
		return 1;		/* outside every zone: the cautious default */
	switch (z->role) {
	case ZONE_CLINICAL:	return 1;
	case ZONE_MANAGEMENT:	return 2;
	default:		return 4;
	}
}

int
probe_policy_careful(void *policy, const struct addr *a)
{
	const struct zone *z = policy ? policy_zone_of(policy, a) : NULL;

	return !z || z->role == ZONE_CLINICAL;
}

/* Slots, gap and fragility of one host. */
static void
host_plan(struct run *run, struct host *h)
{
	const struct probe_opts *o = run->o;
	const struct job *j0 = &run->jobs[h->first];

	for (size_t k = 0; k < h->n; k++) {
		const struct job *j = &run->jobs[h->first + k];

		h->fragile |= port_is_fragile(j->port, j->udp);
	}
	h->slots = run->per_host;
	if (o->host_slots) {
		unsigned s = o->host_slots(o->host_arg, &j0->addr);

		h->slots = s ? s : run->per_host;
	}
	if (h->slots > 8)
		h->slots = 8;
	if (h->fragile)
		h->slots = 1;
	h->access_check = !h->fragile && !(o->careful && o->careful(o->careful_arg, &j0->addr));
	h->ftp_anonymous = o->ftp_anonymous && !h->fragile &&
			   !(o->careful && o->careful(o->careful_arg, &j0->addr));
	/* one connection at a time keeps the full gap; several share it */
	h->gap = h->slots > 1 ? run->gap / h->slots : run->gap;
	if (h->gap < 50)
		h->gap = 50;
}

/* Step 0 of a PROBE_ADAPTIVE probe: how long to wait for a greeting.
 * 3x the slowest greeting this host has given (+ 250 ms), 0.5-2 s; 1.5 s
 * before any greeting is known.  nmap's NULL probe waits 6 s. */
static unsigned
host_greet_wait(struct run *run, const struct host *h)
{
	int64_t w = h->greet_ms ? 3 * h->greet_ms + 250 : 1500;

	if (w < 500)
		w = 500;
	if (w > 2000)
		w = 2000;
	return (unsigned)w < run->read_ms ? (unsigned)w : run->read_ms;
}

/* Decide what to do with each job before any packet is sent. */
static void
plan_jobs(struct run *run)
{
	const struct probe_opts *o = run->o;

	for (size_t i = 0; i < run->nhosts; i++)
		host_plan(run, &run->hosts[i]);
	for (size_t i = 0; i < run->njobs; i++) {
		struct job *j = &run->jobs[i];

		job_candidates(run, j);
		j->out = json_object();
		if (o->may_probe && !o->may_probe(o->may_arg, &j->addr))
			job_finish(run, j, "excluded", 0);
		else if (!j->udp && port_is_printer(j->port) && !o->allow_printers)
			job_finish(run, j, "excluded", 0);
		else if (!j->ncand)
			job_finish(run, j, "no-probe", 0);
	}
}

/* --- connections --------------------------------------------------------- */

static void
probe_ctx_fill(struct run *run, struct job *j, int tls, struct probe_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->step = j->step;
	c->scanner_id = run->o->scanner_id ? run->o->scanner_id : "heiiki";
	c->snmp_community = run->o->snmp_community;
	c->port = j->port;
	c->tls = tls;
	c->host = j->host;
	c->prev = j->prev;
	c->prev_len = j->prev_len;
	c->out = j->out;
	c->vpn = run->vpn;
	c->now = (int64_t)time(NULL);
	c->ftp_anonymous = run->hosts[j->hidx].ftp_anonymous;
	c->access_check = run->hosts[j->hidx].access_check;
}

static void
conn_close(struct run *run, struct conn *c)
{
	struct job *j = c->job;
	struct host *h = &run->hosts[j->hidx];
	int64_t t = now_ms() + h->gap;

	if (c->ssl) {
		if (c->ph == PH_SEND || c->ph == PH_READ)
			SSL_shutdown(c->ssl);	/* close_notify, no wait */
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	canary_stop(c->canary);
	c->canary = NULL;
	free(c->buf);
	j->active = 0;
	h->active--;
	if (h->next_ok < t)
		h->next_ok = t;
	/* dead until run_compact(): callers may still look at c->job */
	c->job = NULL;
	c->fd = -1;
	c->ssl = NULL;
	c->buf = NULL;
}

/* Drop closed connections from the table (between loop passes). */
static void
run_compact(struct run *run)
{
	size_t i, o = 0;

	for (i = 0; i < run->nconns; i++)
		if (run->conns[i].job)
			run->conns[o++] = run->conns[i];
	run->nconns = o;
}

static unsigned
probe_read_ms(struct run *run, const struct probe *p)
{
	unsigned t = p->timeout_ms ? p->timeout_ms : run->read_ms;

	return t < run->read_ms ? t : run->read_ms;
}

/* How long a UDP step waits for its reply: the UDP cascade tries several
 * hellos, each once and briefly. */
static unsigned
run_udp_wait(const struct run *run, const struct job *j)
{
	if (j->udp_cascade && run->udp_wait > RUN_UDP_CASCADE_WAIT)
		return RUN_UDP_CASCADE_WAIT;
	return run->udp_wait;
}

/* Build the hello for the job's step; 0 ok (len may be 0), -1 failure. */
static int
conn_hello(struct run *run, struct conn *c)
{
	struct job *j = c->job;
	const struct probe *p = j->cand[j->ci];
	struct probe_ctx ctx;

	c->txlen = c->txoff = 0;
	if (!p->hello)
		return 0;
	probe_ctx_fill(run, j, c->ssl != NULL, &ctx);
	if ((p->flags & PROBE_CANARY) && !j->udp && !c->canary) {
		/* on the address the target sees us from: a relaying proxy
		 * connects back to the scanner, nowhere else */
		struct sockaddr_storage me;
		socklen_t ml = sizeof(me);

		if (getsockname(c->fd, (struct sockaddr *)&me, &ml) == 0 &&
		    canary_start(&me, ml, probe_read_ms(run, p) + 1000, c->canary_at,
				 sizeof(c->canary_at), &c->canary) < 0)
			log_warn("probe", "open-proxy check: cannot listen on the scanner's address");
	}
	ctx.canary = c->canary ? c->canary_at : NULL;
	if (p->hello(&ctx, c->tx, sizeof(c->tx), &c->txlen) < 0 || c->txlen > sizeof(c->tx))
		return -1;
	if ((p->flags & PROBE_FRAGILE) && !run->o->allow_fragile)
		c->txlen = 0;	/* fragile device: listen only, never send a payload */
	return 0;
}

static void
conn_start_io(struct run *run, struct conn *c);
static void
conn_end(struct run *run, struct conn *c, const char *why);

/* Open the next connection for job j; returns 0, or -1 (job moved on). */
static int
conn_open(struct run *run, struct job *j)
{
	const struct probe *p = j->cand[j->ci];
	struct sockaddr_storage ss;
	socklen_t sl;
	struct conn *c;
	size_t cap = p->max_reply ? p->max_reply : 4096;
	int fd;

	if (cap > RUN_MAX_REPLY)
		cap = RUN_MAX_REPLY;
	/* the guard again, right before the connection (scope, do_not_scan) */
	if (run->o->may_probe && !run->o->may_probe(run->o->may_arg, &j->addr)) {
		job_finish(run, j, "excluded", 0);
		return -1;
	}
	sl = addr_sockaddr(&j->addr, j->port, &ss);
	fd = socket(ss.ss_family, (j->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_warn("probe", "socket: %s", strerror(errno));
		job_finish(run, j, "error", 0);
		return -1;
	}
	c = &run->conns[run->nconns];
	memset(c, 0, sizeof(*c));
	c->job = j;
	c->fd = fd;
	c->cap = cap;
	c->buf = malloc(cap);
	if (!c->buf) {
		close(fd);
		job_finish(run, j, "error", 0);
		return -1;
	}
	run->nconns++;
	j->active = 1;
	run->hosts[j->hidx].active++;
	if (!j->probe_t0)
		j->probe_t0 = now_ms();
	if (!j->t0)
		j->t0 = j->probe_t0;
	if (run->o->source && addr_is_v4(run->o->source) == addr_is_v4(&j->addr)) {
		struct sockaddr_storage bs;
		socklen_t bl = addr_sockaddr(run->o->source, 0, &bs);

		if (bind(fd, (struct sockaddr *)&bs, bl) < 0) {
			log_warn("probe", "bind to the source address: %s", strerror(errno));
			c->ph = PH_CONNECT;
			conn_end(run, c, "error");
			return -1;
		}
	}
	if (j->udp && (p->flags & PROBE_UDP_NEW_TID)) {
		/* the reply comes from the server's new transfer port: a
		 * connected socket would never see it (RFC 1350 section 4) */
		c->unconnected = 1;
		c->peer = ss;
		c->peerlen = sl;
		c->ph = PH_CONNECT;
		conn_start_io(run, c);
		return 0;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		c->ph = PH_CONNECT;
		conn_end(run, c, errno == ECONNREFUSED ? "closed" : "error");
		return -1;
	}
	c->ph = PH_CONNECT;
	c->want = POLLOUT;
	c->deadline = now_ms() + run->connect_ms;
	if (j->udp)
		conn_start_io(run, c);
	return 0;
}

/* Connected (or UDP): start TLS or send the hello. */
static void
conn_start_io(struct run *run, struct conn *c)
{
	struct job *j = c->job;
	const struct probe *p = j->cand[j->ci];

	if ((p->flags & PROBE_TLS) && !j->udp && !c->ssl) {
		c->ssl = SSL_new(run->tls);
		if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) {
			c->ph = PH_READ;
			c->want = 0;		/* no poll event: the deadline ends it */
			c->deadline = 0;	/* fails at once */
			return;
		}
		c->ph = PH_TLS;
		c->want = POLLOUT;
		c->deadline = now_ms() + probe_read_ms(run, p);
		return;
	}
	if (conn_hello(run, c) < 0) {
		c->ph = PH_READ;
		c->want = 0;		/* a UDP socket is always writable */
		c->txlen = 0;
		c->deadline = 0;	/* conn_timeout ends it at once */
		return;
	}
	c->len = 0;
	c->ph = c->txlen ? PH_SEND : PH_READ;
	c->want = c->txlen ? POLLOUT : POLLIN;
	c->io_t0 = now_ms();
	c->deadline = c->io_t0 + (j->udp ? run_udp_wait(run, j) :
		(p->flags & PROBE_ADAPTIVE) && j->step == 0 && !c->txlen ?
		host_greet_wait(run, &run->hosts[j->hidx]) : probe_read_ms(run, p));
}


/* After a TLS handshake: session and certificate fields into out.tls. */
static void
conn_tls_record(struct run *run, struct conn *c, uint8_t **der, int *derlen)
{
	struct job *j = c->job;
	json_t *tls = json_object();
	X509 *x = SSL_get1_peer_certificate(c->ssl);
	const char *ver = SSL_get_version(c->ssl);

	(void)run;
	*der = NULL;
	*derlen = 0;
	if (!tls)
		goto out;
	json_object_set_new(tls, "version", json_string(ver));
	json_object_set_new(tls, "cipher", json_string(SSL_get_cipher_name(c->ssl)));
	if (!strcmp(ver, "TLSv1") || !strcmp(ver, "TLSv1.1") || !strcmp(ver, "SSLv3"))
		probe_risk(j->out, "tls-old-version");
	if (x) {
		*derlen = i2d_X509(x, der);
		if (*derlen > 0)
			tls_cert_fields(*der, (size_t)*derlen, (int64_t)time(NULL), tls, j->out);
	}
	json_object_set_new(j->out, "tls", tls);
out:
	X509_free(x);
}

static void conn_verdict(struct run *run, struct conn *c, enum probe_verdict v);

/* Parse what has arrived; eof: nothing more will come. */
static void
conn_parse(struct run *run, struct conn *c, int eof)
{
	struct job *j = c->job;
	const struct probe *p = j->cand[j->ci];
	struct probe_ctx ctx;
	enum probe_verdict v;

	probe_ctx_fill(run, j, c->ssl != NULL, &ctx);
	ctx.eof = eof || c->len >= c->cap;
	v = probe_run_bytes(p, &ctx, c->buf, c->len, j->out);
	if (v == PROBE_NEED_MORE && ctx.eof)
		v = PROBE_NO_MATCH;
	conn_verdict(run, c, v);
}

static void
job_save_prev(struct job *j, const struct conn *c)
{
	free(j->prev);
	j->prev = NULL;
	j->prev_len = 0;
	if (c->len && (j->prev = malloc(c->len))) {
		memcpy(j->prev, c->buf, c->len);
		j->prev_len = c->len;
	}
}

/* HEIIKI_PROBE_RECORD=DIR: keep every step's reply as
 * DIR/<probe>-<port>.step<N>.bin (for recording unit-test data in the lab). */
static void
conn_record(const struct conn *c)
{
	const char *dir = getenv("HEIIKI_PROBE_RECORD");
	const struct job *j = c->job;
	char path[4096];
	FILE *f;

	if (!dir || !*dir || !c->len)
		return;
	snprintf(path, sizeof(path), "%s/%s-%u.step%d.bin", dir, j->cand[j->ci]->name,
		 (unsigned)j->port, j->step);
	f = fopen(path, "wb");
	if (!f)
		return;
	if (fwrite(c->buf, 1, c->len, f) != c->len)
		log_warn("probe", "%s: short write", path);
	fclose(f);
}

static void
conn_verdict(struct run *run, struct conn *c, enum probe_verdict v)
{
	struct job *j = c->job;
	int64_t t = now_ms();

	if (v != PROBE_NEED_MORE)
		conn_record(c);

	if ((v == PROBE_NEXT_STEP || v == PROBE_RECONNECT || v == PROBE_NEXT_STEP_TLS) &&
	    (j->step + 1 >= PROBE_MAX_STEPS || t - j->probe_t0 > run->probe_ms))
		v = PROBE_MATCH;	/* out of steps or time: keep what we have */
	switch (v) {
	case PROBE_NEED_MORE:
		return;
	case PROBE_MATCH:
	case PROBE_MALFORMED:
		job_finish(run, j, probe_verdict_name(v), 1);
		conn_close(run, c);
		return;
	case PROBE_NO_MATCH:
		job_next_probe(run, j, c->len ? "unrecognised" : j->outcome ? j->outcome : "no-reply");
		conn_close(run, c);
		return;
	case PROBE_NEXT_STEP:
		job_save_prev(j, c);
		j->step++;
		if (conn_hello(run, c) < 0) {
			job_finish(run, j, "identified", 1);
			conn_close(run, c);
			return;
		}
		c->len = 0;
		c->ph = c->txlen ? PH_SEND : PH_READ;
		c->want = c->txlen ? POLLOUT : POLLIN;
		c->tries = 0;
		c->io_t0 = t;
		c->deadline = t + (j->udp ? run_udp_wait(run, j) : probe_read_ms(run, j->cand[j->ci]));
		return;
	case PROBE_RECONNECT:
		job_save_prev(j, c);
		j->step++;
		conn_close(run, c);
		return;
	case PROBE_NEXT_STEP_TLS:
		/* TLS inside a plain-text start (RDP): once per connection */
		if (j->udp || c->ssl || !(c->ssl = SSL_new(run->tls)) || !SSL_set_fd(c->ssl, c->fd)) {
			SSL_free(c->ssl);
			c->ssl = NULL;
			job_finish(run, j, "identified", 1);
			conn_close(run, c);
			return;
		}
		job_save_prev(j, c);
		j->step++;
		c->len = 0;
		c->txlen = c->txoff = 0;
		c->ph = PH_TLS;
		c->want = POLLOUT;
		c->tries = 0;
		c->deadline = t + probe_read_ms(run, j->cand[j->ci]);
		return;
	}
}

/* A step ended without a verdict from the bytes alone. */
static void
conn_end(struct run *run, struct conn *c, const char *why)
{
	struct job *j = c->job;

	if (c->ph == PH_READ || j->step > 0) {
		/* let the probe decide; a later step keeps what earlier ones found */
		if (!c->len)
			j->outcome = j->udp && !strcmp(why, "timeout") ? "no-reply" : why;
		c->ph = PH_READ;
		conn_parse(run, c, 1);
		return;
	}
	job_next_probe(run, j, why);
	conn_close(run, c);
}

static void
conn_do_tls(struct run *run, struct conn *c)
{
	struct job *j = c->job;
	const struct probe *p = j->cand[j->ci];
	int rc = SSL_connect(c->ssl), e;
	uint8_t *der;
	int derlen;

	if (rc != 1) {
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ)
			c->want = POLLIN;
		else if (e == SSL_ERROR_WANT_WRITE)
			c->want = POLLOUT;
		else {
			ERR_clear_error();
			SSL_free(c->ssl);
			c->ssl = NULL;
			conn_end(run, c, "tls-failed");
		}
		return;
	}
	conn_tls_record(run, c, &der, &derlen);
	if (!p->hello) {
		/* certificate-only probe: the reply is the leaf in DER */
		size_t n = derlen > 0 ? (size_t)derlen : 0;

		c->len = n < c->cap ? n : c->cap;
		if (c->len)
			memcpy(c->buf, der, c->len);
		OPENSSL_free(der);
		c->ph = PH_READ;
		conn_parse(run, c, 1);
		return;
	}
	OPENSSL_free(der);
	conn_start_io(run, c);
}

/* Unconnected UDP: the next datagram from the target's address, any port;
 * datagrams from anyone else are dropped unread (bounded: the socket is
 * non-blocking, so the loop ends when the queue is empty). */
static ssize_t
conn_recv_from_peer(struct conn *c, uint8_t *b, size_t n, int *again)
{
	for (int k = 0; k < 64; k++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t rc = recvfrom(c->fd, b, n, 0, (struct sockaddr *)&from, &fl);

		if (rc < 0) {
			*again = errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
			return -1;
		}
		if (from.ss_family != c->peer.ss_family)
			continue;
		if (from.ss_family == AF_INET &&
		    ((struct sockaddr_in *)&from)->sin_addr.s_addr ==
		    ((struct sockaddr_in *)&c->peer)->sin_addr.s_addr)
			return rc;
		if (from.ss_family == AF_INET6 &&
		    !memcmp(&((struct sockaddr_in6 *)&from)->sin6_addr,
			    &((struct sockaddr_in6 *)&c->peer)->sin6_addr, sizeof(struct in6_addr)))
			return rc;
	}
	*again = 1;
	return -1;
}

static ssize_t
conn_recv(struct conn *c, uint8_t *b, size_t n, int *again)
{
	*again = 0;
	if (c->ssl) {
		int rc = SSL_read(c->ssl, b, (int)n), e;

		if (rc > 0)
			return rc;
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			*again = 1;
			c->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
			return -1;
		}
		ERR_clear_error();
		return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
	}
	if (c->unconnected)
		return conn_recv_from_peer(c, b, n, again);
	ssize_t rc = recv(c->fd, b, n, 0);

	if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		*again = 1;
	return rc;
}

static void
conn_do_read(struct run *run, struct conn *c)
{
	struct job *j = c->job;
	int again;
	ssize_t n;

	if (j->udp)
		c->len = 0;	/* every datagram is parsed on its own */
	n = conn_recv(c, c->buf + c->len, c->cap - c->len, &again);
	if (n < 0 && again)
		return;
	if (n < 0) {
		conn_end(run, c, errno == ECONNREFUSED ? "closed" :
			 errno == ECONNRESET ? "reset" : "error");
		return;
	}
	if (n == 0) {
		conn_end(run, c, "closed");
		return;
	}
	if (!c->len && !c->txlen && !j->udp && j->step == 0 && c->io_t0) {
		/* a server-first greeting: remember how long this host takes */
		struct host *h = &run->hosts[j->hidx];
		int64_t lat = now_ms() - c->io_t0;

		if (lat > h->greet_ms)
			h->greet_ms = lat;
	}
	c->len += (size_t)n;
	j->got_bytes = 1;
	conn_parse(run, c, 0);
}

static void
conn_do_send(struct run *run, struct conn *c)
{
	ssize_t n;

	if (c->ssl) {
		int rc = SSL_write(c->ssl, c->tx + c->txoff, (int)(c->txlen - c->txoff)), e;

		if (rc <= 0) {
			e = SSL_get_error(c->ssl, rc);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				c->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
				return;
			}
			ERR_clear_error();
			conn_end(run, c, "reset");
			return;
		}
		n = rc;
	} else {
		n = c->unconnected ?
			sendto(c->fd, c->tx + c->txoff, c->txlen - c->txoff, MSG_NOSIGNAL,
			       (struct sockaddr *)&c->peer, c->peerlen) :
			send(c->fd, c->tx + c->txoff, c->txlen - c->txoff, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			conn_end(run, c, errno == ECONNREFUSED ? "closed" : "reset");
			return;
		}
	}
	c->txoff += (size_t)n;
	if (c->txoff == c->txlen) {
		c->ph = PH_READ;
		c->want = POLLIN;
	}
}

static void
conn_do_connect(struct run *run, struct conn *c)
{
	int e = 0;
	socklen_t el = sizeof(e);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
		conn_end(run, c, e == ECONNREFUSED ? "closed" : "error");
		return;
	}
	conn_start_io(run, c);
}

/* Deadline passed for c. */
static void
conn_timeout(struct run *run, struct conn *c)
{
	struct job *j = c->job;

	/* Nothing was sent (hello refused: SNMP opt-out, fragile device):
	 * there is nothing to retry and nothing to wait for. */
	if (j->udp && c->txlen == 0) {
		conn_end(run, c, "not-sent");
		return;
	}
	if (j->udp && c->ph == PH_READ && !c->len && !j->udp_cascade &&
	    ++c->tries < (int)run->udp_tries &&
	    now_ms() - j->probe_t0 < run->probe_ms) {
		c->txoff = 0;
		c->ph = PH_SEND;
		c->want = POLLOUT;
		c->deadline = now_ms() + run_udp_wait(run, j);
		return;
	}
	conn_end(run, c, "timeout");
}

static void
conn_event(struct run *run, struct conn *c, short rev)
{
	if (c->ph == PH_CONNECT) {
		conn_do_connect(run, c);
		return;
	}
	if (c->ph == PH_TLS) {
		conn_do_tls(run, c);
		return;
	}
	if (c->ph == PH_SEND) {
		conn_do_send(run, c);
		if (!c->job || c->ph == PH_SEND || c->job->udp || !(rev & POLLIN))
			return;
	}
	if (c->ph == PH_READ)
		conn_do_read(run, c);
	/* TLS may hold decrypted bytes that poll() cannot see */
	while (c->job && c->ssl && c->ph == PH_READ && c->len < c->cap &&
	       SSL_pending(c->ssl) > 0)
		conn_do_read(run, c);
}

/* --- scheduler and loop ----------------------------------------------------- */

static struct job *
host_ready_job(struct run *run, struct host *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct job *j = &run->jobs[h->first + i];

		if (!j->done && !j->active)
			return j;
	}
	return NULL;
}

/* Start what may start; returns the ms until the next host becomes ready. */
static int64_t
schedule(struct run *run, int64_t t)
{
	int64_t wait = 1000;

	for (size_t i = 0; i < run->nhosts; i++) {
		struct host *h = &run->hosts[i];
		struct job *j;

		while (h->active < h->slots && (j = host_ready_job(run, h))) {
			if (t < h->next_ok) {
				if (h->next_ok - t < wait)
					wait = h->next_ok - t;
				break;
			}
			if (run->nconns >= run->maxconns)
				return wait;
			if (conn_open(run, j) == 0)
				h->next_ok = t + h->gap;
		}
	}
	return wait;
}

static int
run_loop(struct run *run)
{
	struct pollfd *pfd = calloc(run->maxconns, sizeof(*pfd));
	struct conn **who = calloc(run->maxconns, sizeof(*who));
	int rc = 0;

	if (!pfd || !who) {
		rc = -1;
		goto out;
	}
	while (run->left) {
		int64_t t = now_ms(), wait = schedule(run, t);
		size_t n = run->nconns, i;

		if (run->o->stop && *run->o->stop) {
			rc = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			struct conn *c = &run->conns[i];
			int64_t d = c->deadline - t;

			pfd[i].fd = c->fd;
			pfd[i].events = (short)c->want;
			pfd[i].revents = 0;
			who[i] = c;
			if (d < wait)
				wait = d < 0 ? 0 : d;
		}
		if (!n && !run->left)
			break;
		if (poll(pfd, n, (int)wait) < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
		t = now_ms();
		for (i = 0; i < n; i++) {
			struct conn *c = who[i];

			if (!c->job)
				continue;
			if (pfd[i].revents)
				conn_event(run, c, pfd[i].revents);
			else if (t >= c->deadline)
				conn_timeout(run, c);
		}
		run_compact(run);
	}
out:
	free(pfd);
	free(who);
	return rc;
}

static SSL_CTX *
tls_client_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	/* we want to see bad certificates, not reject them (probes.md 7.1) */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, 0);
	SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	return ctx;
}

static void
run_defaults(struct run *run, const struct probe_opts *o)
{
	run->o = o;
	run->gap = o->host_gap_ms < 200 ? 200 : o->host_gap_ms;
	run->connect_ms = o->connect_ms ? o->connect_ms : 3000;
	run->read_ms = o->read_ms ? o->read_ms : 5000;
	run->probe_ms = o->probe_ms ? o->probe_ms : 15000;
	run->udp_wait = o->udp_wait_ms ? o->udp_wait_ms : 2000;
	run->udp_tries = o->udp_tries ? o->udp_tries : 2;
	if (run->udp_tries > 2)
		run->udp_tries = 2;
	run->per_host = o->per_host ? o->per_host : 1;
	run->maxconns = o->max_parallel ? o->max_parallel : 64;
}

static void
run_free(struct run *run)
{
	for (size_t i = 0; i < run->nconns; i++)
		if (run->conns[i].job)
			conn_close(run, &run->conns[i]);
	run->nconns = 0;
	for (size_t i = 0; i < run->njobs; i++) {
		json_decref(run->jobs[i].out);
		free(run->jobs[i].prev);
	}
	free(run->jobs);
	free(run->hosts);
	free(run->conns);
	SSL_CTX_free(run->tls);
	vpn_db_free(run->own_vpn);
	product_db_free(run->own_products);
}

int
probe_run_results(struct results *r, const struct probe_opts *o, char *err, size_t errlen)
{
	struct sigaction ign, old;
	struct run run;
	int rc;

	memset(&run, 0, sizeof(run));
	run_defaults(&run, o);
	run.tls = tls_client_ctx();
	run.conns = calloc(run.maxconns, sizeof(*run.conns));
	if (!run.tls || !run.conns) {
		snprintf(err, errlen, "cannot set up TLS client or connection table");
		run_free(&run);
		return -1;
	}
	if (build_jobs(&run, r, err, errlen) < 0) {
		run_free(&run);
		return -1;
	}
	run.vpn = o->vpn;
	if (!run.vpn && run.njobs) {
		char verr[256];

		if (vpn_db_load_default(&run.own_vpn, verr, sizeof(verr)) < 0)
			log_warn("probe", "%s; portal fingerprints disabled", verr);
		run.vpn = run.own_vpn;
	}
	run.products = o->products;
	if (!run.products && run.njobs) {
		char perr[512];

		if (product_db_load_default(&run.own_products, perr, sizeof(perr)) < 0)
			log_warn("probe", "%s; product rules disabled", perr);
		run.products = run.own_products;
	}
	run.left = run.njobs;
	plan_jobs(&run);
	/* a peer that closes while OpenSSL writes must not kill the process */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	rc = run_loop(&run);
	sigaction(SIGPIPE, &old, NULL);
	if (rc < 0) {
		snprintf(err, errlen, "probe event loop: %s", strerror(errno));
		run_free(&run);
		return -1;
	}
	results_count(r, "probed", (json_int_t)run.njobs);
	results_count(r, "identified", run.identified);
	if (rc > 0)
		results_set_status(r, "partial");
	rc = run.identified;
	run_free(&run);
	return rc;
}
