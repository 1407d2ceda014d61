/*
 * nfdump_parse.c - the pure parsers of `heiiki capture --nfdump` (see
 * nfdump.h): nfdump's JSON stream cut into objects, one object into a
 * struct nfd_rec, `-o fmt:%nfv` output into a NetFlow version.
 *
 * nfdump 1.7.1 prints `-o json` as pretty-printed objects, one per record,
 * with members only for the extensions the record carries; times are
 * local time (the child runs with TZ=UTC) with milliseconds.  Members used:
 * type, first, last, proto, tcp_flags, src_port, dst_port, src4_addr /
 * src6_addr, dst4_addr / dst6_addr, in_packets, in_bytes, out_packets,
 * out_bytes, src_vlan, in_src_mac, out_dst_mac, ip4_next_hop /
 * ip6_next_hop, bgp4_next_hop / bgp6_next_hop, ip4_router / ip6_router,
 * input_snmp, output_snmp.  Anything else is ignored.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "scanner/core/rd.h"
#include "decode.h"
#include "nfdump.h"

/* ---- framing ----------------------------------------------------------- */

int
nfd_framer_init(struct nfd_framer *fr, size_t max_object)
{
	memset(fr, 0, sizeof(*fr));
	fr->buf = malloc(max_object + 1);
	fr->cap = max_object;
	return fr->buf ? 0 : -1;
}

void
nfd_framer_free(struct nfd_framer *fr)
{
	free(fr->buf);
	memset(fr, 0, sizeof(*fr));
}

/*
 * The bytes of one object so far: kept while they fit, else the object is
 * marked overlong (skipped when it ends).
 */
static void
framer_keep(struct nfd_framer *fr, const uint8_t *p, size_t n)
{
	size_t room = fr->cap - fr->n;

	if (n > room) {
		fr->overlong = 1;
		n = room;
	}
	memcpy(fr->buf + fr->n, p, n);
	fr->n += n;
}

/*
 * One pass over the chunk in a tight loop (nfdump prints ~900 bytes a
 * record): outside an object everything up to the next '{' is skipped;
 * inside, only quotes, backslashes and brackets change the state, and the
 * object's bytes are copied in runs.
 */
static void
framer_run(struct nfd_framer *fr, const uint8_t *p, size_t n,
	   void (*cb)(void *, const char *, size_t), void *ctx)
{
	size_t i = 0, start;

	while (i < n) {
		if (fr->depth == 0) {
			const uint8_t *o = memchr(p + i, '{', n - i);

			if (!o)
				return;	/* '[', ',', ']', blanks, messages */
			i = (size_t)(o - p);
			fr->n = 0;
			fr->overlong = fr->in_str = fr->esc = 0;
		}
		for (start = i; i < n; i++) {
			uint8_t b = p[i];

			if (fr->in_str) {
				if (fr->esc)
					fr->esc = 0;
				else if (b == '\\')
					fr->esc = 1;
				else if (b == '"')
					fr->in_str = 0;
			} else if (b == '"') {
				fr->in_str = 1;
			} else if (b == '{' || b == '[') {
				fr->depth++;
			} else if ((b == '}' || b == ']') && --fr->depth == 0) {
				i++;
				break;
			}
		}
		framer_keep(fr, p + start, i - start);
		if (fr->depth == 0) {
			if (fr->overlong) {
				fr->too_long++;
				continue;
			}
			fr->objects++;
			fr->buf[fr->n] = '\0';
			cb(ctx, fr->buf, fr->n);
		}
	}
}

void
nfd_framer_feed(struct nfd_framer *fr, const void *p, size_t n,
		void (*cb)(void *, const char *, size_t), void *ctx)
{
	struct rd r;
	const uint8_t *b;

	rd_init(&r, p, n);
	if (rd_bytes(&r, &b, rd_left(&r)))
		framer_run(fr, b, n, cb, ctx);
}

/* ---- one record ---------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SS.mmm" (UTC) -> microseconds; -1 when malformed. */
static int
parse_time(const char *s, int64_t *us)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddd";
	struct tm tm;
	int v[7] = { 0 }, k = 0;
	time_t t;

	if (strlen(s) != sizeof(shape) - 1)
		return -1;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd') {
			if (!isdigit((unsigned char)s[i]))
				return -1;
			v[k] = v[k] * 10 + (s[i] - '0');
		} else if (s[i] != shape[i]) {
			return -1;
		} else {
			k++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60 || v[0] < 1970)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*us = (int64_t)t * 1000000 + (int64_t)v[6] * 1000;
	return 0;
}

/* nfdump's "CEUAPRSF" flags string, '.' for a clear bit. */
static int
parse_flags(const char *s, uint8_t *out)
{
	static const char names[] = "CEUAPRSF";

	*out = 0;
	if (strlen(s) != 8)
		return -1;
	for (int i = 0; i < 8; i++) {
		if (s[i] == names[i])
			*out |= (uint8_t)(0x80 >> i);
		else if (s[i] != '.')
			return -1;
	}
	return 0;
}

struct rec_ctx {
	json_t *o;
	char *why;
	size_t whylen;
};

static int
bad(struct rec_ctx *c, const char *key, const char *what)
{
	json_t *v = json_object_get(c->o, key);
	char shown[64] = "absent";

	if (json_is_string(v))
		rd_printable((const uint8_t *)json_string_value(v),
			     json_string_length(v), shown, sizeof(shown));
	else if (json_is_integer(v))
		snprintf(shown, sizeof(shown), "%lld", (long long)json_integer_value(v));
	else if (v)
		snprintf(shown, sizeof(shown), "not a %s", what);
	snprintf(c->why, c->whylen, "member \"%s\": %s (expected %s)", key, shown, what);
	return -1;
}

/* An integer member in [0, max]; absent = 0 unless required. */
static int
get_uint(struct rec_ctx *c, const char *key, uint64_t max, int required,
	 uint64_t *out)
{
	json_t *v = json_object_get(c->o, key);

	*out = 0;
	if (!v && !required)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return bad(c, key, "an integer in range");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* A string member; NULL when absent. */
static int
get_str(struct rec_ctx *c, const char *key, const char **out)
{
	json_t *v = json_object_get(c->o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return bad(c, key, "a string");
	*out = json_string_value(v);
	return 0;
}

/* Address from the v4 or the v6 member; 1 found, 0 absent, -1 bad. */
static int
get_addr(struct rec_ctx *c, const char *k4, const char *k6, struct addr *a)
{
	const char *s4, *s6;

	if (get_str(c, k4, &s4) < 0 || get_str(c, k6, &s6) < 0)
		return -1;
	if (s4 && (addr_parse(s4, a) < 0 || !addr_is_v4(a)))
		return bad(c, k4, "an IPv4 address");
	if (s4)
		return 1;
	if (s6 && addr_parse(s6, a) < 0)
		return bad(c, k6, "an IPv6 address");
	return s6 ? 1 : 0;
}

/* A MAC member; 1 a real one, 0 absent or all zero, -1 bad. */
static int
get_mac(struct rec_ctx *c, const char *key, uint8_t mac[6])
{
	static const uint8_t zero[6];
	const char *s;

	if (get_str(c, key, &s) < 0)
		return -1;
	if (!s)
		return 0;
	if (mac_parse(s, mac) < 0)
		return bad(c, key, "a MAC address");
	return memcmp(mac, zero, 6) != 0;
}

static int
rec_times(struct rec_ctx *c, struct nfd_rec *r)
{
	const char *first, *last;

	if (get_str(c, "first", &first) < 0 || get_str(c, "last", &last) < 0)
		return -1;
	if (!first || parse_time(first, &r->u.first_us) < 0)
		return bad(c, "first", "a time YYYY-MM-DDTHH:MM:SS.mmm");
	if (!last || parse_time(last, &r->u.last_us) < 0)
		return bad(c, "last", "a time YYYY-MM-DDTHH:MM:SS.mmm");
	if (r->u.last_us < r->u.first_us) {
		/* seen from softflowd 1.1.0's IPFIX: keep the record, in order */
		int64_t t = r->u.first_us;

		r->u.first_us = r->u.last_us;
		r->u.last_us = t;
		r->times_swapped = 1;
	}
	return 0;
}

static int
rec_tuple(struct rec_ctx *c, struct nfd_rec *r)
{
	uint64_t proto, sp, dp, vlan;
	const char *flags;
	int rc;

	if (get_uint(c, "proto", 255, 1, &proto) < 0 ||
	    get_uint(c, "src_port", 65535, 0, &sp) < 0 ||
	    get_uint(c, "dst_port", 65535, 0, &dp) < 0 ||
	    get_uint(c, "src_vlan", 4095, 0, &vlan) < 0 ||
	    get_str(c, "tcp_flags", &flags) < 0)
		return -1;
	r->u.proto = (uint8_t)proto;
	if (proto == DECODE_TCP || proto == DECODE_UDP) {
		r->u.sport = (uint16_t)sp;
		r->u.dport = (uint16_t)dp;
	}
	r->u.vlan = (uint16_t)vlan;
	if (flags && parse_flags(flags, &r->u.tcp_flags) < 0)
		return bad(c, "tcp_flags", "8 flag letters CEUAPRSF or '.'");
	if (proto != DECODE_TCP)
		r->u.tcp_flags = 0;
	if ((rc = get_addr(c, "src4_addr", "src6_addr", &r->u.src)) <= 0)
		return rc < 0 ? -1 : bad(c, "src4_addr", "a source address");
	if ((rc = get_addr(c, "dst4_addr", "dst6_addr", &r->u.dst)) <= 0)
		return rc < 0 ? -1 : bad(c, "dst4_addr", "a destination address");
	if (addr_is_v4(&r->u.src) != addr_is_v4(&r->u.dst))
		return bad(c, "dst4_addr", "the source's address family");
	return 0;
}

static int
rec_counts(struct rec_ctx *c, struct nfd_rec *r)
{
	const uint64_t max = (uint64_t)1 << 62;
	uint64_t in_if, out_if;

	if (get_uint(c, "in_packets", max, 1, &r->u.pkts) < 0 ||
	    get_uint(c, "in_bytes", max, 1, &r->u.bytes) < 0 ||
	    get_uint(c, "out_packets", max, 0, &r->rev_pkts) < 0 ||
	    get_uint(c, "out_bytes", max, 0, &r->rev_bytes) < 0 ||
	    get_uint(c, "input_snmp", UINT32_MAX, 0, &in_if) < 0 ||
	    get_uint(c, "output_snmp", UINT32_MAX, 0, &out_if) < 0)
		return -1;
	r->in_if = (uint32_t)in_if;
	r->out_if = (uint32_t)out_if;
	return 0;
}

static int
rec_l2_l3(struct rec_ctx *c, struct nfd_rec *r)
{
	int rc;

	if ((rc = get_mac(c, "in_src_mac", r->u.src_mac)) < 0)
		return -1;
	r->u.has_src_mac = (uint8_t)rc;
	if ((rc = get_mac(c, "out_dst_mac", r->u.dst_mac)) < 0)
		return -1;
	r->u.has_dst_mac = (uint8_t)rc;
	if ((rc = get_addr(c, "ip4_router", "ip6_router", &r->router)) < 0)
		return -1;
	r->has_router = (uint8_t)rc;
	if ((rc = get_addr(c, "ip4_next_hop", "ip6_next_hop", &r->nh)) < 0)
		return -1;
	if (rc == 0 || r->nh.v == 0 || (addr_is_v4(&r->nh) && addr_v4(&r->nh) == 0)) {
		if ((rc = get_addr(c, "bgp4_next_hop", "bgp6_next_hop", &r->nh)) < 0)
			return -1;
		r->nh_bgp = rc > 0;
	}
	/* 0.0.0.0 / :: mean "no next hop" (a directly connected peer) */
	r->has_nh = rc > 0 && r->nh.v != 0 &&
		    !(addr_is_v4(&r->nh) && addr_v4(&r->nh) == 0);
	if (!r->has_nh)
		r->nh_bgp = 0;
	return 0;
}

int
nfd_parse_record(const char *obj, size_t len, struct nfd_rec *out, char *why,
		 size_t whylen)
{
	struct rec_ctx c = { NULL, why, whylen };
	json_error_t e;
	const char *type;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (whylen)
		why[0] = '\0';
	c.o = json_loadb(obj, len, JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(c.o)) {
		snprintf(why, whylen, "not a JSON object: %s (line %d, column %d)",
			 c.o ? "another value" : e.text, e.line, e.column);
		goto out;
	}
	if (get_str(&c, "type", &type) < 0)
		goto out;
	if (!type || strcmp(type, "FLOW") != 0) {
		rc = 0;
		goto out;
	}
	if (rec_times(&c, out) < 0 || rec_tuple(&c, out) < 0 ||
	    rec_counts(&c, out) < 0 || rec_l2_l3(&c, out) < 0)
		goto out;
	rc = 1;
out:
	json_decref(c.o);
	return rc;
}

/* ---- nfdump -o fmt:%nfv ---------------------------------------------------- */

unsigned
nfd_parse_version(const char *text, size_t len)
{
	struct rd r;
	uint8_t b;
	unsigned v = 0;
	size_t digits = 0;

	rd_init(&r, text, len);
	while (rd_peek_u8(&r, 0, &b) && (b == ' ' || b == '\t'))
		rd_skip(&r, 1);
	if (!rd_u8(&r, &b) || b != 'N' || !rd_u8(&r, &b) || b != 'v')
		return 0;
	while (rd_u8(&r, &b) && b >= '0' && b <= '9') {
		if (++digits > 3)
			return 0;
		v = v * 10 + (unsigned)(b - '0');
	}
	return digits && v <= 255 ? v : 0;
}
