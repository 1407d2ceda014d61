/*
 * rdns.c - PTR lookups against the site resolver the policy names.
 *
 * libresolv does the DNS work: res_nquery builds and sends the query (to
 * the one server put in the resolver state, never resolv.conf's), and
 * ns_initparse / ns_parserr / ns_name_uncompress read the reply.  What is
 * ours: the reverse name, which answers are kept, and which names are
 * acceptable as host names in a report.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>

#include "rdns.h"

void
rdns_ptr_name(const struct addr *a, char *out, size_t len)
{
	if (addr_is_v4(a)) {
		uint32_t v = addr_v4(a);

		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa", v & 0xff, (v >> 8) & 0xff,
			 (v >> 16) & 0xff, v >> 24);
		return;
	}
	size_t o = 0;

	for (int i = 0; i < 32 && o + 2 < len; i++) {
		unsigned nib = (unsigned)((a->v >> (4 * i)) & 0xf);

		out[o++] = "0123456789abcdef"[nib];
		out[o++] = '.';
	}
	snprintf(out + o, len > o ? len - o : 0, "ip6.arpa");
}

/* A plausible host name: LDH plus '_' and '.', no empty label. */
static int
name_ok(const char *s)
{
	size_t n = strlen(s), lab = 0;

	if (n == 0 || n > RDNS_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++lab > 63)
			return 0;
	}
	return 1;
}

int
rdns_parse_reply(const uint8_t *buf, size_t len, char names[][RDNS_NAME_MAX + 1], int max)
{
	ns_msg msg;
	int kept = 0, count;

	if (len > 65535 || ns_initparse(buf, (int)len, &msg) < 0)
		return -1;
	count = ns_msg_count(msg, ns_s_an);
	for (int i = 0; i < count && kept < max; i++) {
		char name[NS_MAXDNAME];
		ns_rr rr;
		size_t n;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		if (ns_rr_type(rr) != ns_t_ptr || ns_rr_class(rr) != ns_c_in)
			continue;
		if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr),
				       name, sizeof(name)) < 0)
			continue;
		n = strlen(name);
		if (n && name[n - 1] == '.')
			name[--n] = '\0';
		if (!name_ok(name))
			continue;
		int dup = 0;

		for (int k = 0; k < kept; k++)
			dup |= !strcasecmp(names[k], name);
		if (dup)
			continue;
		memcpy(names[kept], name, n + 1);
		kept++;
	}
	return kept;
}

static void
add_names(json_t *host, char names[][RDNS_NAME_MAX + 1], int n)
{
	json_t *hn = json_object_get(host, "hostnames"), *v;
	size_t i;

	if (!json_is_array(hn)) {
		hn = json_array();
		json_object_set_new(host, "hostnames", hn);
	}
	for (int k = 0; k < n; k++) {
		int dup = 0;

		json_array_foreach(hn, i, v)
			dup |= json_is_string(v) && !strcasecmp(json_string_value(v), names[k]);
		if (!dup)
			json_array_append_new(hn, json_string(names[k]));
	}
}

int
rdns_names(struct results *r, const struct addr *resolver, unsigned timeout_ms,
	   volatile int *stop, struct rdns_stats *st, char *err, size_t errlen)
{
	json_t *hosts = json_object_get(results_root(r), "hosts"), *h;
	struct __res_state rs;
	struct sockaddr_in sin;
	size_t i;
	int streak = 0;

	memset(st, 0, sizeof(*st));
	if (!addr_is_v4(resolver)) {
		snprintf(err, errlen, "dns_resolver: only an IPv4 resolver is supported");
		return -1;
	}
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) < 0) {
		snprintf(err, errlen, "resolver state: %s", strerror(errno));
		return -1;
	}
	/* exactly one server: the site's, whatever resolv.conf says */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(addr_v4(resolver));
	rs.nsaddr_list[0] = sin;
	rs.nscount = 1;
	rs.retrans = timeout_ms >= 1000 ? (int)(timeout_ms / 1000) : 1;
	rs.retry = 1;
	rs.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	json_array_foreach(hosts, i, h) {
		const char *as = json_string_value(json_object_get(h, "addr"));
		char q[96], names[RDNS_MAX_NAMES][RDNS_NAME_MAX + 1];
		uint8_t ans[4096];
		struct addr a;
		int len, n;

		if (stop && *stop)
			break;
		if (!as || addr_parse(as, &a) < 0 ||
		    json_array_size(json_object_get(h, "hostnames")))
			continue;
		rdns_ptr_name(&a, q, sizeof(q));
		st->asked++;
		errno = 0;
		len = res_nquery(&rs, q, ns_c_in, ns_t_ptr, ans, sizeof(ans));
		if (len < 0) {
			/* NXDOMAIN / no data are answers; a timeout, SERVFAIL,
			 * REFUSED or a network error is not */
			if (rs.res_h_errno != HOST_NOT_FOUND && rs.res_h_errno != NO_DATA) {
				st->timeouts++;
				if (++streak >= RDNS_GIVE_UP) {
					st->gave_up = 1;
					break;
				}
			} else {
				streak = 0;
			}
			continue;
		}
		streak = 0;
		n = rdns_parse_reply(ans, (size_t)(len < (int)sizeof(ans) ? len : (int)sizeof(ans)),
				     names, RDNS_MAX_NAMES);
		if (n > 0) {
			add_names(h, names, n);
			st->named++;
		}
	}
	res_nclose(&rs);
	return 0;
}
