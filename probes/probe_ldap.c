/*
 * probe_ldap.c - LDAP rootDSE, anonymous bind, and whether data is readable.
 *
 * Three requests on one connection (RFC 4511), each the first thing any
 * LDAP browser does:
 *   step 0  SearchRequest, base "" scope base, (objectClass=*), attributes
 *           namingContexts supportedLDAPVersion vendorName vendorVersion
 *           supportedSASLMechanisms defaultNamingContext dnsHostName
 *           objectClass - the rootDSE, public by design;
 *   step 1  BindRequest v3, empty name, empty simple password (RFC 4513
 *           5.1.1 anonymous authentication);
 *   step 2  only when the bind succeeded and the rootDSE named a naming
 *           context: SearchRequest base = that context, scope base,
 *           (objectClass=*), attribute "1.1" (no attributes), size limit 1 -
 *           the directory's top entry, nothing below it.
 * An entry returned in step 2 means anyone on the network can read the
 * directory without credentials: risk "ldap-anonymous-bind".  Active
 * Directory accepts the anonymous bind but refuses the read (operations
 * error): no flag.  Replies are BER read with the bounded cursor (long-form
 * lengths up to 4 bytes, at most 32 messages, 16 attributes x 8 values).
 */
#include <string.h>

#include "ber.h"
#include "probe.h"

#define LDAP_MAX 65536

static const uint16_t ldap_ports[] = { 389, 3268, 0 };

static const char *const ldap_attrs[] = {
	"namingContexts", "supportedLDAPVersion", "vendorName", "vendorVersion",
	"supportedSASLMechanisms", "defaultNamingContext", "dnsHostName", "objectClass", NULL,
};

/* SearchRequest with base (may be ""), scope base, present filter, attrs. */
static int
ldap_search(uint8_t *buf, size_t cap, size_t *len, int id, const char *base,
	    const char *const *attrs, int sizelimit)
{
	uint8_t body[512], al[384];
	size_t bl = strlen(base), n = 0, a = 0, m = 0;

	if (bl > 200)
		return -1;
	for (int i = 0; attrs[i]; i++) {
		size_t l = strlen(attrs[i]);

		a = ber_hdr(al, a, 0x04, l);
		memcpy(al + a, attrs[i], l);
		a += l;
	}
	n = ber_hdr(body, n, 0x04, bl);
	memcpy(body + n, base, bl);
	n += bl;
	memcpy(body + n, "\x0a\x01\x00\x0a\x01\x00\x02\x01", 8);	/* scope, deref, sizelimit */
	n += 8;
	body[n++] = (uint8_t)sizelimit;
	memcpy(body + n, "\x02\x01\x00\x01\x01\x00", 6);		/* timelimit, typesOnly */
	n += 6;
	n = ber_hdr(body, n, 0x87, 11);
	memcpy(body + n, "objectClass", 11);
	n += 11;
	if (a > 255 || n + 3 + a > 250)
		return -1;
	n = ber_hdr(body, n, 0x30, a);
	memcpy(body + n, al, a);
	n += a;
	/* LDAPMessage { id, [APPLICATION 3] body } */
	if (cap < n + 10)
		return -1;
	m = ber_hdr(buf, m, 0x30, n + 3 + (n > 127 ? 3 : 2));
	memcpy(buf + m, "\x02\x01", 2);
	buf[m + 2] = (uint8_t)id;
	m += 3;
	m = ber_hdr(buf, m, 0x63, n);
	memcpy(buf + m, body, n);
	*len = m + n;
	return 0;
}

static int
ldap_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t bind[] = { 0x30, 0x0c, 0x02, 0x01, 0x02, 0x60, 0x07, 0x02, 0x01, 0x03,
					0x04, 0x00, 0x80, 0x00 };
	static const char *const none[] = { "1.1", NULL };

	if (ctx->step == 0)
		return ldap_search(buf, cap, len, 1, "", ldap_attrs, 0);
	if (ctx->step == 1) {
		if (cap < sizeof(bind))
			return -1;
		memcpy(buf, bind, sizeof(bind));
		*len = sizeof(bind);
		return 0;
	}
	if (ctx->step == 2) {
		const char *base = json_string_value(json_object_get(ctx->out, "_base"));

		return base ? ldap_search(buf, cap, len, 3, base, none, 1) : -1;
	}
	return -1;
}

static int
ber_enum(struct rd *r, uint8_t want, int *v)
{
	uint8_t t, b;
	struct rd x;

	if (ber_tlv(r, &t, &x, LDAP_MAX) != 1 || t != want || rd_left(&x) < 1 || rd_left(&x) > 4)
		return 0;
	*v = 0;
	while (rd_u8(&x, &b))
		*v = *v << 8 | b;
	return 1;
}

/* SearchResultEntry attributes into o (rootDSE: by name; step 2: count only). */
static void
ldap_entry(struct rd *e, json_t *o)
{
	uint8_t t;
	struct rd name, attrs, pa;

	if (ber_tlv(e, &t, &name, LDAP_MAX) != 1 || ber_tlv(e, &t, &attrs, LDAP_MAX) != 1)
		return;
	for (int i = 0; i < 16 && rd_left(&attrs); i++) {
		struct rd type, vals, v;
		char key[64];
		json_t *arr;

		if (ber_tlv(&attrs, &t, &pa, LDAP_MAX) != 1 || ber_tlv(&pa, &t, &type, LDAP_MAX) != 1 ||
		    ber_tlv(&pa, &t, &vals, LDAP_MAX) != 1)
			return;
		rd_printable(rd_ptr(&type), rd_left(&type), key, sizeof(key));
		arr = json_array();
		for (int k = 0; k < 8 && rd_left(&vals); k++) {
			char s[256];

			if (ber_tlv(&vals, &t, &v, LDAP_MAX) != 1)
				break;
			rd_printable(rd_ptr(&v), rd_left(&v), s, sizeof(s));
			json_array_append_new(arr, json_string(s));
		}
		json_object_set_new(o, key, arr);
	}
}

static enum probe_verdict
ldap_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *o = json_object_get(out, "ldap");
	int id = ctx->step == 0 ? 1 : ctx->step == 1 ? 2 : 3, entries = 0;

	if (ctx->step > 2)
		return PROBE_MATCH;
	if (ctx->step > 0 && !json_is_object(o))
		return PROBE_NO_MATCH;
	for (int msgs = 0; msgs < 32; msgs++) {
		uint8_t t, opt;
		struct rd msg, op;
		int mid, rc, r;

		if (!rd_left(in))
			break;
		r = ber_tlv(in, &t, &msg, LDAP_MAX);
		if (r < 0 || (r == 1 && t != 0x30) || (rd_left(in) && rd_ptr(in)[0] != 0x30 && r == 0))
			return ctx->step ? PROBE_MATCH : PROBE_NO_MATCH;
		if (r == 0)
			break;
		if (!ber_enum(&msg, 0x02, &mid) || ber_tlv(&msg, &opt, &op, LDAP_MAX) != 1)
			return ctx->step ? PROBE_MATCH : PROBE_NO_MATCH;
		if (mid == 0 && opt == 0x78)	/* notice of disconnection */
			return ctx->step ? PROBE_MATCH : PROBE_NO_MATCH;
		if (mid != id)
			return ctx->step ? PROBE_MATCH : PROBE_NO_MATCH;
		if (opt == 0x64) {
			entries++;
			if (ctx->step == 0) {
				json_t *dse = json_object();

				ldap_entry(&op, dse);
				o = json_object();
				json_object_set_new(o, "rootdse", dse);
				json_object_set_new(out, "ldap", o);
			}
			continue;
		}
		if (opt == 0x73)		/* search reference */
			continue;
		if ((opt != 0x65 && opt != 0x61) || !ber_enum(&op, 0x0a, &rc))
			return ctx->step ? PROBE_MATCH : PROBE_NO_MATCH;
		/* the final message of this step */
		if (ctx->step == 0) {
			json_t *nc;
			const char *base;

			if (!json_is_object(o)) {
				o = json_object();
				json_object_set_new(out, "ldap", o);
			}
			json_object_set_new(o, "rootdse_result", json_integer(rc));
			json_object_set_new(out, "service", json_string("ldap"));
			nc = json_object_get(json_object_get(o, "rootdse"), "namingContexts");
			base = json_string_value(json_array_get(nc, 0));
			if (base && *base)
				json_object_set_new(out, "_base", json_string(base));
			{
				json_t *oc = json_object_get(json_object_get(o, "rootdse"), "objectClass"), *v;
				char all[256] = "";
				size_t i, n = 0;

				json_array_foreach(oc, i, v) {
					int w = snprintf(all + n, sizeof(all) - n, "%s%s", n ? " " : "",
							 json_string_value(v));

					if (w < 0 || (size_t)w >= sizeof(all) - n)
						break;
					n += (size_t)w;
				}
				if (n)
					json_object_set_new(o, "object_class", json_string(all));
			}
			return PROBE_NEXT_STEP;
		}
		if (ctx->step == 1) {
			json_object_set_new(o, "anonymous_bind", json_boolean(rc == 0));
			return rc == 0 && json_object_get(out, "_base") ? PROBE_NEXT_STEP : PROBE_MATCH;
		}
		json_object_set_new(o, "anonymous_read", json_boolean(rc == 0 && entries > 0));
		if (rc == 0 && entries > 0)
			probe_risk(out, "ldap-anonymous-bind");
		return PROBE_MATCH;
	}
	if (ctx->eof)
		return ctx->step ? PROBE_MATCH : PROBE_NO_MATCH;
	return PROBE_NEED_MORE;
}

const struct probe probe_ldap = {
	.name = "ldap",
	.summary = "LDAP rootDSE, anonymous bind, anonymous read of the top entry",
	.ports = ldap_ports,
	.max_reply = LDAP_MAX,
	.timeout_ms = 5000,
	.hello = ldap_hello,
	.parse = ldap_parse,
};
