/*
 * dissect_dns.c - addresses and names from DNS responses (RFC 1035).
 *
 *   header: id(2) flags(2) qdcount(2) ancount(2) nscount(2) arcount(2)
 *   question: name, type(2), class(2)
 *   answer:   name, type(2), class(2), ttl(4), rdlength(2), rdata
 *
 * Names use label compression (RFC 1035 4.1.4): a byte 0b11xxxxxx starts a
 * 14-bit pointer to an earlier name.  Pointers are followed at most
 * MAX_JUMPS times and each must point strictly backwards, so loops end;
 * the decoded name is capped at 255 bytes.  CNAME records are collected so
 * that every A/AAAA answer can be reported with the name the client
 * actually asked for (the top of its CNAME chain).
 */
#include <string.h>
#include <strings.h>

#include "scanner/core/rd.h"
#include "dissect.h"

#define MAX_JUMPS 16
#define MAX_RRS 32
#define MAX_CHAIN 10
#define NAME_LIMIT 255

struct dns_cname {
	char owner[DISSECT_NAME_MAX];
	char target[DISSECT_NAME_MAX];
};

struct dns_addr {
	struct addr a;
	char owner[DISSECT_NAME_MAX];
};

struct dns_msg {
	const uint8_t *base;
	size_t len;
	struct dns_cname cn[MAX_RRS];
	size_t ncn;
	struct dns_addr ad[MAX_RRS];
	size_t nad;
};

static char
name_char(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if (c > 0x20 && c < 0x7f)
		return (char)c;
	return '.';
}

/* Append one label to out (o = current length); 0 when it would not fit. */
static int
name_add_label(struct rd *r, uint8_t n, char *out, size_t *o)
{
	const uint8_t *lab;

	if (!rd_bytes(r, &lab, n))
		return 0;
	if (*o + n + 1 > NAME_LIMIT)
		return 0;
	if (*o)
		out[(*o)++] = '.';
	for (uint8_t i = 0; i < n; i++)
		out[(*o)++] = name_char(lab[i]);
	return 1;
}

/*
 * Decode the name at the cursor r (which moves past the name as it sits
 * in the record) into out.  Compression targets are read from the whole
 * message m.  0 on any malformation.
 */
static int
dns_name(const struct dns_msg *m, struct rd *r, char *out)
{
	struct rd cur = *r;
	size_t o = 0, pos;
	int jumped = 0;
	uint8_t c, lo;

	for (int jumps = 0;;) {
		if (!rd_u8(&cur, &c))
			return 0;
		if (c == 0)
			break;
		if ((c & 0xc0) == 0xc0) {
			if (!rd_u8(&cur, &lo))
				return 0;
			pos = (size_t)((c & 0x3f) << 8 | lo);
			/* Strictly backwards from where this pointer sits. */
			if (pos >= (size_t)(rd_ptr(&cur) - m->base) - 2 ||
			    ++jumps > MAX_JUMPS)
				return 0;
			if (!jumped)
				*r = cur;
			jumped = 1;
			rd_init(&cur, m->base + pos, m->len - pos);
			continue;
		}
		if (c & 0xc0)	/* 0x40/0x80: extended label types */
			return 0;
		if (!name_add_label(&cur, c, out, &o))
			return 0;
	}
	if (!jumped)
		*r = cur;
	out[o] = '\0';
	return 1;
}

static int
dns_answer(struct dns_msg *m, struct rd *r)
{
	char owner[DISSECT_NAME_MAX];
	const uint8_t *h, *rdata;
	uint16_t type, rdlen;
	struct rd rdr;

	if (!dns_name(m, r, owner) || !rd_bytes(r, &h, 10))
		return 0;
	type = (uint16_t)(h[0] << 8 | h[1]);
	rdlen = (uint16_t)(h[8] << 8 | h[9]);
	if (!rd_bytes(r, &rdata, rdlen))
		return 0;
	if (type == 1 && rdlen == 4 && m->nad < MAX_RRS) {
		struct dns_addr *d = &m->ad[m->nad++];
		d->a = addr_from_v4((uint32_t)rdata[0] << 24 |
				    (uint32_t)rdata[1] << 16 |
				    (uint32_t)rdata[2] << 8 | rdata[3]);
		memcpy(d->owner, owner, sizeof(owner));
	} else if (type == 28 && rdlen == 16 && m->nad < MAX_RRS) {
		struct dns_addr *d = &m->ad[m->nad++];
		addr_from_v6(&d->a, rdata);
		memcpy(d->owner, owner, sizeof(owner));
	} else if (type == 5 && m->ncn < MAX_RRS) {
		struct dns_cname *cn = &m->cn[m->ncn];
		/* The target may be compressed: decode against the message,
		 * bounded by the rdata. */
		rd_init(&rdr, rdata, rdlen);
		if (!dns_name(m, &rdr, cn->target))
			return 0;
		memcpy(cn->owner, owner, sizeof(owner));
		m->ncn++;
	}
	return 1;
}

/* The name at the top of the CNAME chain that ends at name. */
static const char *
chain_top(const struct dns_msg *m, const char *name)
{
	for (int k = 0; k < MAX_CHAIN; k++) {
		size_t i;

		for (i = 0; i < m->ncn; i++)
			if (strcasecmp(m->cn[i].target, name) == 0)
				break;
		if (i == m->ncn)
			break;
		name = m->cn[i].owner;
	}
	return name;
}

static int
dns_report(struct dns_msg *m, dns_answer_fn fn, void *ctx)
{
	for (size_t i = 0; i < m->nad; i++)
		fn(ctx, &m->ad[i].a, chain_top(m, m->ad[i].owner),
		   m->ad[i].owner);
	return (int)m->nad;
}

int
dissect_dns(const uint8_t *msg, size_t len, dns_answer_fn fn, void *ctx)
{
	/* Large (~16 KiB), so static per thread rather than on the stack. */
	static _Thread_local struct dns_msg m;
	char qname[DISSECT_NAME_MAX];
	const uint8_t *h;
	uint16_t qd, an;
	struct rd r;

	rd_init(&r, msg, len);
	if (!rd_bytes(&r, &h, 12))
		return -1;
	if (!(h[2] & 0x80))	/* a query */
		return 0;
	if ((h[2] & 0x78) != 0)	/* opcode other than QUERY */
		return 0;
	qd = (uint16_t)(h[4] << 8 | h[5]);
	an = (uint16_t)(h[6] << 8 | h[7]);
	m.base = msg;
	m.len = len;
	m.ncn = m.nad = 0;
	for (uint16_t i = 0; i < qd; i++)
		if (!dns_name(&m, &r, qname) || !rd_skip(&r, 4))
			return -1;
	for (uint16_t i = 0; i < an; i++)
		if (!dns_answer(&m, &r))
			return m.nad ? dns_report(&m, fn, ctx) : -1;
	return dns_report(&m, fn, ctx);
}
