/*
 * probe_vnc.c - RFB (VNC) version and offered security types.
 *
 * RFC 6143 7.1: the server speaks first with "RFB xxx.yyy\n" (step 0, we
 * send nothing).  Step 1 answers "RFB 003.008\n" on the same connection
 * and reads the security-type list (3.7/3.8: u8 count + types; 3.3: one
 * u32 type chosen by the server).  Then the runner closes: we never send
 * a security-type byte or ClientInit, so no authentication is attempted
 * and no session is opened, even when type 1 (None) is offered.
 *
 * Step 1's answer is chosen from the greeting (ctx->prev): the highest of
 * 3.3, 3.7, 3.8 not above the server's, so a 3.3 server gets 3.3 and
 * answers with a u32 type; parse() picks the framing the same way.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define RFB_VERSION_LEN	12
#define RFB_REASON_MAX	1024

static const uint16_t vnc_ports[] = {
	5900, 5901, 5902, 5903, 5904, 5905, 5906, 5907, 5908, 5909, 5910, 0
};

static json_t *
vnc_obj(json_t *out)
{
	json_t *o = json_object_get(out, "vnc");

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "vnc", o);
	}
	return o;
}

/* Three ASCII digits -> value, or -1. */
static int
digits3(const uint8_t *p)
{
	int v = 0;

	for (int i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/*
 * The version we answer, from the server's greeting (ctx->prev): the
 * highest of 3.3/3.7/3.8 not above it (RFC 6143 7.1.1); unknown 3.x
 * minors count as 3.3 (Appendix A); Apple 3.889 and 4.x/5.x get 3.8.
 * Returns 3, 7 or 8.
 */
static int
vnc_choose(const struct probe_ctx *ctx)
{
	int maj, min;

	if (!ctx->prev || ctx->prev_len < RFB_VERSION_LEN)
		return 8;
	maj = digits3(ctx->prev + 4);
	min = digits3(ctx->prev + 8);
	if (maj > 3 || (maj == 3 && min >= 8))
		return 8;
	if (maj == 3 && min == 7)
		return 7;
	return 3;
}

static int
vnc_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	if (ctx->step == 0) {
		*len = 0;
		return 0;
	}
	if (ctx->step != 1 || cap < RFB_VERSION_LEN)
		return -1;
	memcpy(buf, "RFB 003.00", 10);
	buf[10] = (uint8_t)('0' + vnc_choose(ctx));
	buf[11] = '\n';
	*len = RFB_VERSION_LEN;
	return 0;
}

static const char *
vnc_type_name(uint32_t t)
{
	switch (t) {
	case 0: return "invalid";
	case 1: return "none";
	case 2: return "vnc-auth";
	case 5: return "ra2";
	case 6: return "ra2ne";
	case 16: return "tight";
	case 17: return "ultra";
	case 18: return "tls";
	case 19: return "vencrypt";
	case 20: return "sasl";
	case 21: return "md5";
	case 22: return "xvp";
	case 30: case 35: return "apple";
	case 0xfffffffa: return "ultravnc-mslogon";
	default: return t >= 128 && t <= 255 ? "realvnc" : "unknown";
	}
}

static const char *
vnc_product(int maj, int min)
{
	if (maj == 3 && (min == 889 || min == 888))
		return "Apple Remote Desktop";
	if (maj == 4)
		return "RealVNC 4";
	if (maj == 5)
		return "RealVNC";
	if (maj == 0 && min == 0)
		return "UltraVNC repeater";
	return NULL;
}

static enum probe_verdict
vnc_parse_version(struct rd *in, json_t *out)
{
	const uint8_t *v;
	const char *prod;
	char s[16];
	int maj, min;

	if (rd_left(in) < RFB_VERSION_LEN) {
		if (rd_left(in) >= 4 && memcmp(rd_ptr(in), "RFB ", 4))
			return PROBE_NO_MATCH;
		return PROBE_NEED_MORE;
	}
	if (!rd_bytes(in, &v, RFB_VERSION_LEN) || memcmp(v, "RFB ", 4) ||
	    v[7] != '.' || v[11] != '\n')
		return PROBE_NO_MATCH;
	maj = digits3(v + 4);
	min = digits3(v + 8);
	if (maj < 0 || min < 0)
		return PROBE_NO_MATCH;
	memcpy(s, v + 4, 7);
	s[7] = '\0';
	json_object_set_new(out, "service", json_string("vnc"));
	json_object_set_new(out, "version", json_string(s));
	json_object_set_new(vnc_obj(out), "rfb_version_server", json_string(s));
	prod = vnc_product(maj, min);
	if (prod) {
		json_object_set_new(out, "product", json_string(prod));
		probe_risk(out, "remote-support-tool");	/* a named remote-access product */
	}
	if (maj == 0)	/* repeater: no security list follows */
		return PROBE_MATCH;
	return PROBE_NEXT_STEP;
}

/* u32 length + reason text (connection failed). */
static enum probe_verdict
vnc_reason(struct rd *in, json_t *o)
{
	uint32_t n;
	const uint8_t *p;
	size_t take;

	if (!rd_be32(in, &n))
		return PROBE_NEED_MORE;
	if (n > RFB_REASON_MAX)
		return PROBE_MALFORMED;
	take = n;
	if (rd_left(in) < take)
		return PROBE_NEED_MORE;
	if (!rd_bytes(in, &p, take))
		return PROBE_NEED_MORE;
	probe_set_str(o, "failure_reason", p, take > 256 ? 256 : take);
	return PROBE_MATCH;
}

static void
vnc_risks(json_t *out, json_t *types)
{
	json_t *o = vnc_obj(out);
	int none = 0, vncauth = 0, other = 0;
	size_t i;
	json_t *t;

	json_array_foreach(types, i, t) {
		json_int_t v = json_integer_value(json_object_get(t, "type"));

		if (v == 1)
			none = 1;
		else if (v == 2)
			vncauth = 1;
		else
			other = 1;
	}
	json_object_set_new(o, "none_offered", json_boolean(none));
	if (none)
		probe_risk(out, "vnc-no-auth");
	else if (vncauth && !other)
		probe_risk(out, "vnc-password-only");
}

/*
 * Vendor from the offered security types (issue 13, probes B): only types
 * that one vendor's server offers - 16 Tight (TightVNC), 17 Ultra or the
 * MS-Logon type 0xfffffffa (UltraVNC), 128-255 (RealVNC's private range,
 * RealVNC Server 5+).  A named remote-access product gets the
 * "remote-support-tool" flag; plain None/VncAuth/VeNCrypt lists (TigerVNC,
 * x11vnc, libvncserver) name nothing.
 */
static void
vnc_vendor(json_t *out, json_t *types)
{
	const char *vendor = NULL;
	json_t *t;
	size_t i;

	json_array_foreach(types, i, t) {
		json_int_t v = json_integer_value(json_object_get(t, "type"));

		if (v == 16)
			vendor = "TightVNC";
		else if (v == 17 || v == 0xfffffffa)
			vendor = "UltraVNC";
		else if (v >= 128 && v <= 255)
			vendor = "RealVNC";
	}
	if (!vendor)
		return;
	if (!json_is_string(json_object_get(out, "product")) ||
	    strncmp(json_string_value(json_object_get(out, "product")), vendor, strlen(vendor)))
		json_object_set_new(out, "product", json_string(vendor));
	probe_risk(out, "remote-support-tool");
}

static json_t *
vnc_type(uint32_t t)
{
	return json_pack("{s:I,s:s}", "type", (json_int_t)t, "name", vnc_type_name(t));
}

static enum probe_verdict
vnc_parse_types(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	json_t *o = vnc_obj(out), *types;
	int sent = vnc_choose(ctx);
	char ver[8] = "003.00x";
	uint8_t n;
	const uint8_t *p;

	ver[6] = (char)('0' + sent);
	json_object_set_new(o, "rfb_version_sent", json_string(ver));
	if (sent == 3) {
		uint32_t t;

		if (!rd_be32(in, &t))
			return PROBE_NEED_MORE;
		if (t == 0)
			return vnc_reason(in, o);
		types = json_array();
		json_array_append_new(types, vnc_type(t));
		json_object_set_new(o, "security_types", types);
		vnc_risks(out, types);
		vnc_vendor(out, types);
		return PROBE_MATCH;
	}
	if (!rd_u8(in, &n))
		return PROBE_NEED_MORE;
	if (n == 0)
		return vnc_reason(in, o);
	if (rd_left(in) < n)
		return PROBE_NEED_MORE;
	if (!rd_bytes(in, &p, n))
		return PROBE_NEED_MORE;
	types = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(types, vnc_type(p[i]));
	json_object_set_new(o, "security_types", types);
	vnc_risks(out, types);
	vnc_vendor(out, types);
	return PROBE_MATCH;
}

static enum probe_verdict
vnc_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	if (ctx->step == 0)
		return vnc_parse_version(in, out);
	if (ctx->step == 1) {
		enum probe_verdict v = vnc_parse_types(ctx, in, out);

		/* the version already identified VNC: keep it on a short end */
		if (ctx->eof && (v == PROBE_NEED_MORE || v == PROBE_NO_MATCH))
			return PROBE_MATCH;
		return v;
	}
	return PROBE_NO_MATCH;
}

const struct probe probe_vnc = {
	.name = "vnc",
	.summary = "RFB version and offered security types (never selects one)",
	.ports = vnc_ports,
	.flags = PROBE_SERVER_FIRST,
	.max_reply = 2048,
	.timeout_ms = 5000,
	.hello = vnc_hello,
	.parse = vnc_parse,
};
