/*
 * test_probe_snmp.c - SNMP probe: the v2c GetRequest bytes, the reply
 * recorded from net-snmp 5.9 snmpd (rocommunity public), and BER edge
 * cases built here: long-form lengths, indefinite and oversize lengths,
 * lengths past the datagram, exceptions, a wrong request-id.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_snmp;

#define SNMP_HOST "198.18.50.50"

/* Reference request (section 12.2) with the request-id at bytes 17..20. */
static const uint8_t snmp_ref[43] = {
	0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69,
	0x63, 0xa0, 0x1c, 0x02, 0x04, 0x12, 0x34, 0x56, 0x78, 0x02, 0x01, 0x00,
	0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
	0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
};

static const uint8_t sysdescr_oid[10] = { 0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 1, 0 };

/* Append tag + length (short, or 0x81/0x82 long form) + value. */
static size_t
tlv(uint8_t *dst, uint8_t tag, const uint8_t *v, size_t n, int lf)
{
	size_t o = 0;

	dst[o++] = tag;
	if (lf == 2) {
		dst[o++] = 0x82;
		dst[o++] = (uint8_t)(n >> 8);
		dst[o++] = (uint8_t)n;
	} else if (lf || n > 127) {
		dst[o++] = 0x81;
		dst[o++] = (uint8_t)n;
	} else {
		dst[o++] = (uint8_t)n;
	}
	memmove(dst + o, v, n);
	return o + n;
}

/* GetResponse for our request-id with one varbind (vtag, value). */
static size_t
snmp_reply(uint8_t *out, const uint8_t reqid[4], uint8_t vtag, const char *val, int lf)
{
	uint8_t vb[256], vbl[300], pdu[400], msg[500], tmp[300];
	size_t n, m, k;

	memcpy(vb, sysdescr_oid, sizeof(sysdescr_oid));
	n = sizeof(sysdescr_oid) + tlv(vb + sizeof(sysdescr_oid), vtag,
	    (const uint8_t *)val, strlen(val), lf);
	m = tlv(tmp, 0x30, vb, n, lf);
	k = tlv(vbl, 0x30, tmp, m, lf);
	n = tlv(pdu, 0x02, reqid, 4, 0);
	memcpy(pdu + n, "\x02\x01\x00\x02\x01\x00", 6);
	n += 6;
	memcpy(pdu + n, vbl, k);
	n += k;
	memcpy(msg, "\x02\x01\x01\x04\x06public", 11);
	m = 11 + tlv(msg + 11, 0xa2, pdu, n, lf);
	return tlv(out, 0x30, msg, m, lf);
}

static void
our_reqid(uint8_t id[4])
{
	struct probe_ctx c = pb_ctx(SNMP_HOST, 161, 0);
	uint8_t buf[128];
	size_t len;

	cr_assert_eq(probe_snmp.hello(&c, buf, sizeof(buf), &len), 0);
	memcpy(id, buf + 17, 4);
}

Test(probe_snmp, hello_matches_reference_layout)
{
	struct probe_ctx c = pb_ctx(SNMP_HOST, 161, 0);
	uint8_t buf[256];
	size_t len = 0;

	cr_assert_eq(probe_snmp.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, sizeof(snmp_ref));
	cr_assert(!memcmp(buf, snmp_ref, 17));
	cr_assert(!memcmp(buf + 21, snmp_ref + 21, sizeof(snmp_ref) - 21));
	cr_assert(buf[17] >= 0x10 && buf[17] < 0x80, "positive 4-byte request-id");
	c.snmp_community = "hospital-ro";
	cr_assert_eq(probe_snmp.hello(&c, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, 48);
	cr_assert_eq(buf[1], 46);
	cr_assert(!memcmp(buf + 7, "hospital-ro", 11));
	c.snmp_community = "";
	cr_assert_eq(probe_snmp.hello(&c, buf, sizeof(buf), &len), -1);
	c.snmp_community = NULL;	/* --no-snmp-public / policy: send nothing */
	cr_assert_eq(probe_snmp.hello(&c, buf, sizeof(buf), &len), -1);
	c.snmp_community = "0123456789012345678901234567890123456789012345678901234567890123456789";
	cr_assert_eq(probe_snmp.hello(&c, buf, sizeof(buf), &len), -1);
}

Test(probe_snmp, netsnmp_public)
{
	struct probe_ctx c = pb_ctx(SNMP_HOST, 161, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("snmp", "netsnmp-public.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_snmp, &c, b, len, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "snmp");
	cr_assert_str_eq(pb_str(out, "snmp", "sysdescr"), "heiiki lab agent (net-snmp) Linux");
	cr_assert_str_eq(pb_str(out, "snmp", "protocol"), "v2c");
	cr_assert(pb_has_risk(out, "snmp-public"));
	json_decref(out);
	/* a configured community is reported without the "public" flag */
	c.snmp_community = "hospital-ro";
	out = json_object();
	cr_assert_eq(pb_parse(&probe_snmp, &c, b, len, out), PROBE_MATCH);
	cr_assert(!pb_has_risk(out, "snmp-public"));
	cr_assert(pb_has_risk(out, "snmp-community-accepted"));
	json_decref(out);
	/* not our request-id (another target's) */
	c.host = "198.18.50.51";
	out = json_object();
	cr_assert_eq(pb_parse(&probe_snmp, &c, b, len, out), PROBE_NO_MATCH);
	cr_assert(!pb_has_risk(out, "snmp-public"));
	json_decref(out);
	c.host = SNMP_HOST;
	pb_truncations(&probe_snmp, &c, b, len, 0);
	free(b);
}

Test(probe_snmp, long_form_lengths_and_exceptions)
{
	struct probe_ctx c = pb_ctx(SNMP_HOST, 161, 0);
	uint8_t id[4], r[600];
	char longtext[201];
	size_t n;
	json_t *out;

	our_reqid(id);
	for (int lf = 0; lf <= 2; lf++) {
		n = snmp_reply(r, id, 0x04, "RICOH MP C3004 printer", lf);
		out = json_object();
		cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MATCH, "lf %d", lf);
		cr_assert_str_eq(pb_str(out, "snmp", "sysdescr"), "RICOH MP C3004 printer");
		json_decref(out);
	}
	memset(longtext, 'x', 200);
	longtext[200] = '\0';
	n = snmp_reply(r, id, 0x04, longtext, 0);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MATCH);
	cr_assert_eq(strlen(pb_str(out, "snmp", "sysdescr")), 200);
	json_decref(out);
	n = snmp_reply(r, id, 0x80, "", 0);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "snmp", "exception"), "noSuchObject");
	cr_assert(pb_has_risk(out, "snmp-public"), "the community still answered");
	json_decref(out);
	n = snmp_reply(r, id, 0x02, "\x01", 0);	/* INTEGER is not a sysDescr */
	out = json_object();
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MALFORMED);
	json_decref(out);
}

Test(probe_snmp, ber_length_attacks)
{
	struct probe_ctx c = pb_ctx(SNMP_HOST, 161, 0);
	uint8_t id[4], r[600];
	size_t n;
	json_t *out = json_object();

	our_reqid(id);
	n = snmp_reply(r, id, 0x04, "abc", 1);	/* outer length is 0x81 xx */
	cr_assert_eq(r[1], 0x81);
	r[1] = 0x80;				/* indefinite */
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MALFORMED);
	r[1] = 0x85;				/* 5 length bytes */
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MALFORMED);
	r[1] = 0x84;				/* 4 bytes: 0x?? ... huge */
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MALFORMED);
	r[1] = 0x81;
	r[2]++;					/* one past the datagram */
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MALFORMED);
	r[2]--;
	r[0] = 0x3f;				/* high-tag-number form is refused... */
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_NO_MATCH);
	r[0] = 0x30;
	cr_assert_eq(pb_parse(&probe_snmp, &c, r, n, out), PROBE_MATCH, "restored");
	json_decref(out);
	pb_garbage(&probe_snmp, SNMP_HOST, 161);
}
