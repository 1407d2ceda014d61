/*
 * test_probe_snmp_product.c - product / OS from sysDescr: net-snmp's
 * default sysDescr (uname -a) recorded from Debian snmpd 5.9.3 in the lab
 * (host 198.18.60.130), and GetResponses built here around the sysDescr
 * texts of Windows, Cisco IOS / NX-OS / ASA, Juniper and HP JetDirect
 * agents; texts of no known shape name nothing.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_snmp;

#define SP_HOST "198.18.60.130"

/* TLV with a short or one-byte long-form length; returns bytes written. */
static size_t
sp_tlv(uint8_t tag, const uint8_t *body, size_t n, uint8_t *out)
{
	size_t o = 0;

	cr_assert(n < 256);
	out[o++] = tag;
	if (n >= 128)
		out[o++] = 0x81;
	out[o++] = (uint8_t)n;
	memmove(out + o, body, n);
	return o + n;
}

/* A v2c GetResponse for our request (request-id taken from hello()). */
static size_t
sp_reply(const char *descr, uint8_t *out, size_t cap)
{
	struct probe_ctx c = pb_ctx(SP_HOST, 161, 0);
	uint8_t req[128], a[256], b[256];
	size_t rl = 0, n, m;

	cr_assert(cap >= 256);
	cr_assert_eq(probe_snmp.hello(&c, req, sizeof(req), &rl), 0);
	memcpy(a, "\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00", 10);
	n = 10 + sp_tlv(0x04, (const uint8_t *)descr, strlen(descr), a + 10);
	n = sp_tlv(0x30, a, n, b);			/* VarBind */
	n = sp_tlv(0x30, b, n, a);			/* VarBindList */
	memcpy(b, req + 15, 6);				/* the request-id TLV */
	memcpy(b + 6, "\x02\x01\x00\x02\x01\x00", 6);
	memcpy(b + 12, a, n);
	n = sp_tlv(0xa2, b, 12 + n, a);			/* GetResponse */
	memcpy(b, "\x02\x01\x01\x04\x06public", 11);
	memcpy(b + 11, a, n);
	m = sp_tlv(0x30, b, 11 + n, out);
	return m;
}

static json_t *
sp_run(const char *descr)
{
	struct probe_ctx c = pb_ctx(SP_HOST, 161, 0);
	uint8_t buf[256];
	size_t n = sp_reply(descr, buf, sizeof(buf));
	json_t *out = json_object();

	cr_assert_eq(pb_parse(&probe_snmp, &c, buf, n, out), PROBE_MATCH, "%s", descr);
	cr_assert_str_eq(pb_str(out, "snmp", "sysdescr"), descr);
	return out;
}

Test(probe_snmp_product, netsnmp_default_recorded)
{
	struct probe_ctx c = pb_ctx(SP_HOST, 161, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_snmp, &c, "snmp", "netsnmp-default.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Net-SNMP");
	cr_assert_str_eq(pb_str(out, NULL, "os"), "Linux 6.18.44-fc-v1272");
	cr_assert_str_eq(pb_str(out, "snmp", "hostname"), "vm");
	cr_assert(pb_has_risk(out, "snmp-public"));
	json_decref(out);
}

Test(probe_snmp_product, windows_builds)
{
	json_t *out = sp_run("Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - "
	    "Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)");

	cr_assert_str_eq(pb_str(out, NULL, "product"), "Windows SNMP service");
	cr_assert_str_eq(pb_str(out, NULL, "os"), "Windows 10 1809 / Windows Server 2019");
	cr_assert_eq(json_integer_value(json_object_get(out, "os_build")), 17763);
	json_decref(out);
	out = sp_run("Hardware: x86 Family 6 Model 58 - Software: Windows Version 6.1 "
	    "(Build 7601 Multiprocessor Free)");
	cr_assert_str_eq(pb_str(out, NULL, "os"), "Windows 7 / Windows Server 2008 R2");
	json_decref(out);
	out = sp_run("Hardware: x - Software: Windows Version 6.3 (Build 99999 Multiprocessor Free)");
	cr_assert_str_eq(pb_str(out, NULL, "os"), "Windows", "unknown build: no guess");
	json_decref(out);
}

Test(probe_snmp_product, network_devices)
{
	json_t *out = sp_run("Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), "
	    "Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)");

	cr_assert_str_eq(pb_str(out, NULL, "product"), "Cisco IOS");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "15.0(2)SE11");
	json_decref(out);
	out = sp_run("Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(5), RELEASE");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Cisco NX-OS");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "9.3(5)");
	json_decref(out);
	out = sp_run("Cisco Adaptive Security Appliance Version 9.8(2)");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Cisco ASA");
	json_decref(out);
	out = sp_run("Juniper Networks, Inc. ex2200-24t-4g , version 12.3R6.6 JUNOS 12.3R6.6, Build");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Juniper Junos");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "12.3R6.6");
	json_decref(out);
	out = sp_run("HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "HP JetDirect");
	json_decref(out);
}

Test(probe_snmp_product, unknown_shapes_name_nothing)
{
	static const char *const texts[] = { "heiiki lab agent (net-snmp) Linux", "Linux",
		"Linux host", "Linux host notaversion", "Cisco Systems WS-C", "Hardware: no soft",
		"" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_t *out = sp_run(texts[i]);

		cr_assert_null(json_object_get(out, "product"), "'%s'", texts[i]);
		cr_assert_null(json_object_get(out, "os"), "'%s'", texts[i]);
		json_decref(out);
	}
}
