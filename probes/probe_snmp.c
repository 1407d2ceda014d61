/*
 * probe_snmp.c - SNMPv2c GET sysDescr.0 with the configured read community.
 *
 * One GetRequest for one OID (1.3.6.1.2.1.1.1.0, RFC 3418), community from
 * ctx->snmp_community ("public" unless the policy says otherwise; NULL
 * means community probing is switched off and hello() sends nothing):
 * never a SET, never a walk, never a second community.  An agent answers only
 * when the community is valid, so any GetResponse proves it; with
 * "public" that is the "snmp-public" risk.
 *
 * The reply is BER (X.690) read with the bounded cursor: single-byte
 * tags only, definite lengths in short form or long form of 1-4 bytes,
 * each length checked against the bytes that are really left.  Indefinite
 * lengths (0x80), oversize length-of-length and lengths past the end are
 * MALFORMED.  The request-id is derived from the target so the reply can
 * be matched without probe state.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "winver.h"

#define SNMP_COMMUNITY_MAX	64
#define SNMP_MAX		1500

static const uint16_t snmp_ports[] = { 161, 0 };

static const uint8_t oid_sysdescr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };

/* FNV-1a over host, port and step: request-id for hello and parse. */
static uint32_t
snmp_reqid(const struct probe_ctx *ctx)
{
	uint32_t h = 2166136261u;
	const char *s = ctx->host ? ctx->host : "";

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ (ctx->port >> 8)) * 16777619u;
	h = (h ^ (ctx->port & 0xff)) * 16777619u;
	/* top byte in 0x10..0x7f: positive, canonical 4-byte INTEGER */
	return (h & 0x6fffffffu) | 0x10000000u;
}

/* NULL = the policy or --no-snmp-public forbids community probing. */
static const char *
snmp_community(const struct probe_ctx *ctx)
{
	return ctx->snmp_community ? ctx->snmp_community : "";
}

/* Request layout (all lengths < 128, short form). */
static int
snmp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *comm = snmp_community(ctx);
	size_t cl = strlen(comm);
	uint32_t id = snmp_reqid(ctx);
	size_t pdu = 6 + 3 + 3 + 2 + 14, msg, o = 0;

	if (ctx->step != 0 || cl == 0 || cl > SNMP_COMMUNITY_MAX)
		return -1;
	msg = 3 + 2 + cl + 2 + pdu;
	if (cap < msg + 2 || msg > 127)
		return -1;
	buf[o++] = 0x30;
	buf[o++] = (uint8_t)msg;
	buf[o++] = 0x02; buf[o++] = 1; buf[o++] = 1;		/* v2c */
	buf[o++] = 0x04; buf[o++] = (uint8_t)cl;
	memcpy(buf + o, comm, cl);
	o += cl;
	buf[o++] = 0xa0; buf[o++] = (uint8_t)pdu;		/* GetRequest */
	buf[o++] = 0x02; buf[o++] = 4;
	buf[o++] = id >> 24; buf[o++] = id >> 16; buf[o++] = id >> 8; buf[o++] = id;
	buf[o++] = 0x02; buf[o++] = 1; buf[o++] = 0;		/* error-status */
	buf[o++] = 0x02; buf[o++] = 1; buf[o++] = 0;		/* error-index */
	buf[o++] = 0x30; buf[o++] = 14;				/* VarBindList */
	buf[o++] = 0x30; buf[o++] = 12;				/* VarBind */
	buf[o++] = 0x06; buf[o++] = sizeof(oid_sysdescr);
	memcpy(buf + o, oid_sysdescr, sizeof(oid_sysdescr));
	o += sizeof(oid_sysdescr);
	buf[o++] = 0x05; buf[o++] = 0;
	*len = o;
	return 0;
}

/*
 * One BER TLV: tag byte, definite length, value as a child cursor.
 * Returns 1, or 0 on any malformation (nothing is trusted).
 */
static int
ber_tlv(struct rd *r, uint8_t *tag, struct rd *val)
{
	uint8_t l, b;
	uint32_t n = 0;

	if (!rd_u8(r, tag) || (*tag & 0x1f) == 0x1f || !rd_u8(r, &l))
		return 0;
	if (l < 0x80) {
		n = l;
	} else {
		unsigned k = l & 0x7f;

		if (k == 0 || k > 4)	/* indefinite or oversize */
			return 0;
		while (k--) {
			if (!rd_u8(r, &b))
				return 0;
			n = (n << 8) | b;
		}
	}
	if (n > rd_left(r))
		return 0;
	return rd_sub(r, val, n);
}

/* Expect a TLV with the given tag. */
static int
ber_expect(struct rd *r, uint8_t want, struct rd *val)
{
	uint8_t tag;

	return ber_tlv(r, &tag, val) && tag == want;
}

/* INTEGER of 1..4 bytes, sign-extended. */
static int
ber_int(struct rd *r, int64_t *v)
{
	struct rd val;
	uint8_t b;
	size_t n;

	if (!ber_expect(r, 0x02, &val))
		return 0;
	n = rd_left(&val);
	if (n < 1 || n > 4 || !rd_u8(&val, &b))
		return 0;
	*v = (int8_t)b;
	while (rd_u8(&val, &b))
		*v = *v * 256 + b;
	return 1;
}

static const char *
snmp_error_name(int64_t e)
{
	static const char *const names[] = { "noError", "tooBig", "noSuchName",
		"badValue", "readOnly", "genErr", "noAccess", "wrongType",
		"wrongLength", "wrongEncoding", "wrongValue", "noCreation",
		"inconsistentValue", "resourceUnavailable", "commitFailed",
		"undoFailed", "authorizationError", "notWritable",
		"inconsistentName" };

	return e >= 0 && e < 19 ? names[e] : "unknown";
}

/* The first varbind: OID must be sysDescr.0; value OCTET STRING or exception. */
static enum probe_verdict
snmp_varbind(struct rd *pdu, json_t *o)
{
	struct rd list, vb, oid, val;
	uint8_t tag;

	if (!ber_expect(pdu, 0x30, &list))
		return PROBE_MALFORMED;
	if (!rd_left(&list))
		return PROBE_MATCH;	/* empty list: error reply */
	if (!ber_expect(&list, 0x30, &vb) || !ber_expect(&vb, 0x06, &oid) ||
	    !ber_tlv(&vb, &tag, &val))
		return PROBE_MALFORMED;
	if (rd_left(&oid) != sizeof(oid_sysdescr) ||
	    memcmp(rd_ptr(&oid), oid_sysdescr, sizeof(oid_sysdescr)))
		return PROBE_MALFORMED;
	if (tag == 0x04)
		probe_set_str(o, "sysdescr", rd_ptr(&val),
		    rd_left(&val) > 255 ? 255 : rd_left(&val));
	else if (tag == 0x80 || tag == 0x81 || tag == 0x82)
		json_object_set_new(o, "exception", json_string(tag == 0x80 ?
		    "noSuchObject" : tag == 0x81 ? "noSuchInstance" : "endOfMibView"));
	else
		return PROBE_MALFORMED;
	return PROBE_MATCH;
}


/* --- product and OS from sysDescr (issue 13, probes B) ---------------------
 *
 * sysDescr is free text, but most agents fill it the same way:
 *   Net-SNMP (Linux, *BSD): uname -a, "Linux HOST 6.1.0-18-amd64 #1 SMP ..."
 *   Windows SNMP service: "Hardware: ... - Software: Windows Version 6.3
 *     (Build 17763 Multiprocessor Free)"
 *   Cisco IOS / IOS-XE / NX-OS / ASA: "Cisco IOS Software, ... Version
 *     15.0(2)SE11, ..." / "Cisco NX-OS(tm) ..., Version 9.3(5)" /
 *   "Cisco Adaptive Security Appliance Version 9.8(2)"
 *   Juniper: "Juniper Networks, Inc. ex2200 ... JUNOS 12.3R6.6, ..."
 *   HP JetDirect: "HP ETHERNET MULTI-ENVIRONMENT,...,JETDIRECT,JD153,..."
 * Only these shapes are named; anything else keeps sysDescr alone.
 */

/* Copy the token after "key" (up to a space, comma or ';') into dst. */
static int
snmp_token_after(const char *s, const char *key, char *dst, size_t n)
{
	const char *p = strstr(s, key);
	size_t i = 0;

	if (!p)
		return 0;
	p += strlen(key);
	while (*p && *p != ' ' && *p != ',' && *p != ';' && i + 1 < n)
		dst[i++] = *p++;
	dst[i] = 0;
	return i > 0;
}

static void
snmp_product(const char *d, json_t *out)
{
	char v[64], host[64], rel[64], os[128];
	unsigned maj, min, build;

	if (!strncmp(d, "Hardware:", 9) && strstr(d, "Software: Windows")) {
		json_object_set_new(out, "product", json_string("Windows SNMP service"));
		if (snmp_token_after(d, "Windows Version ", v, sizeof(v)))
			json_object_set_new(out, "version", json_string(v));
		const char *b = strstr(d, "(Build ");
		if (b && snmp_token_after(d, "Windows Version ", v, sizeof(v))) {
			char *dot = strchr(v, '.');

			maj = min = build = 0;
			if (dot) {
				for (const char *q = v; q < dot && maj < 100; q++)
					maj = maj * 10 + (unsigned)(*q >= '0' && *q <= '9' ? *q - '0' : 0);
				for (const char *q = dot + 1; *q >= '0' && *q <= '9' && min < 100; q++)
					min = min * 10 + (unsigned)(*q - '0');
			}
			for (b += 7; *b >= '0' && *b <= '9' && build < 1000000; b++)
				build = build * 10 + (unsigned)(*b - '0');
			/* 6.3 is also what Windows 10+ reports here (compatibility) */
			if (maj == 6 && min == 3 && build >= 10240)
				maj = 10, min = 0;
			const char *name = win_build_name(maj, min, build);
			snprintf(os, sizeof(os), "%s", name ? name : "Windows");
			json_object_set_new(out, "os", json_string(os));
			if (build)
				json_object_set_new(out, "os_build", json_integer(build));
		}
		return;
	}
	if (!strncmp(d, "Cisco ", 6)) {
		const char *prod = strstr(d, "IOS-XE") || strstr(d, "IOS XE") ? "Cisco IOS XE" :
			strstr(d, "NX-OS") ? "Cisco NX-OS" :
			strstr(d, "Adaptive Security Appliance") ? "Cisco ASA" :
			strstr(d, "IOS") ? "Cisco IOS" : NULL;

		if (!prod)
			return;
		json_object_set_new(out, "product", json_string(prod));
		json_object_set_new(out, "os", json_string(prod));
		if (snmp_token_after(d, "Version ", v, sizeof(v)))
			json_object_set_new(out, "version", json_string(v));
		return;
	}
	if (!strncmp(d, "Juniper Networks", 16)) {
		json_object_set_new(out, "product", json_string("Juniper Junos"));
		json_object_set_new(out, "os", json_string("Junos"));
		if (snmp_token_after(d, "JUNOS ", v, sizeof(v)))
			json_object_set_new(out, "version", json_string(v));
		return;
	}
	if (strstr(d, "JETDIRECT")) {
		json_object_set_new(out, "product", json_string("HP JetDirect"));
		return;
	}
	/* uname -a: SYSNAME HOST RELEASE ... (Net-SNMP's default sysDescr) */
	static const char *const unames[] = { "Linux", "FreeBSD", "NetBSD", "OpenBSD",
		"SunOS", "Darwin" };
	for (size_t i = 0; i < sizeof(unames) / sizeof(unames[0]); i++) {
		size_t l = strlen(unames[i]);
		const char *p = d + l;
		size_t k;

		if (strncmp(d, unames[i], l) || *p != ' ')
			continue;
		p++;
		for (k = 0; *p && *p != ' ' && k + 1 < sizeof(host); k++)
			host[k] = *p++;
		host[k] = 0;
		if (*p != ' ' || !k)
			return;
		p++;
		for (k = 0; *p && *p != ' ' && k + 1 < sizeof(rel); k++)
			rel[k] = *p++;
		rel[k] = 0;
		if (!k || rel[0] < '0' || rel[0] > '9')
			return;
		snprintf(os, sizeof(os), "%s %s", unames[i], rel);
		json_object_set_new(out, "product", json_string("Net-SNMP"));
		json_object_set_new(out, "os", json_string(os));
		json_object_set_new(json_object_get(out, "snmp"), "hostname", json_string(host));
		return;
	}
}

static enum probe_verdict
snmp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	struct rd msg, comm, pdu;
	int64_t version, reqid, err, erridx;
	enum probe_verdict v;
	const char *community = snmp_community(ctx);
	json_t *o;

	if (!rd_left(in))
		return PROBE_NEED_MORE;
	if (rd_ptr(in)[0] != 0x30)
		return PROBE_NO_MATCH;
	/* A datagram is complete: anything short or lying is malformed. */
	if (!ber_expect(in, 0x30, &msg) || !ber_int(&msg, &version) ||
	    !ber_expect(&msg, 0x04, &comm))
		return PROBE_MALFORMED;
	if (version != 0 && version != 1)
		return PROBE_NO_MATCH;
	if (!ber_expect(&msg, 0xa2, &pdu) || !ber_int(&pdu, &reqid) ||
	    !ber_int(&pdu, &err) || !ber_int(&pdu, &erridx))
		return PROBE_MALFORMED;
	if (reqid != (int64_t)snmp_reqid(ctx))
		return PROBE_NO_MATCH;	/* not an answer to our request */
	o = json_object();
	v = snmp_varbind(&pdu, o);
	if (v != PROBE_MATCH) {
		json_decref(o);
		return v;
	}
	json_object_set_new(out, "service", json_string("snmp"));
	json_object_set_new(o, "protocol", json_string(version ? "v2c" : "v1"));
	json_object_set_new(o, "community_accepted", json_true());
	if (err)
		json_object_set_new(o, "error_status", json_string(snmp_error_name(err)));
	json_object_set_new(out, "snmp", o);
	if (json_is_string(json_object_get(o, "sysdescr")))
		snmp_product(json_string_value(json_object_get(o, "sysdescr")), out);
	probe_risk(out, strcmp(community, "public") ? "snmp-community-accepted" :
	    "snmp-public");
	return PROBE_MATCH;
}

const struct probe probe_snmp = {
	.name = "snmp",
	.summary = "SNMPv2c GET sysDescr.0 with the configured read community (one GET, never SET/walk)",
	.ports = snmp_ports,
	.flags = PROBE_UDP,	/* --probe snmp may name other ports */
	.max_reply = SNMP_MAX,
	.timeout_ms = 2000,
	.hello = snmp_hello,
	.parse = snmp_parse,
};
