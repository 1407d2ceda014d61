/*
 * test_probe_ssdp.c - SSDP probe: the unicast M-SEARCH, the answer of
 * MiniDLNA 1.3.0 (recorded in the lab from the group, as minidlna binds
 * the group address only), answers without USN, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_ssdp;

#define SSDP_HOST "198.18.60.80"

Test(probe_ssdp, msearch_unicast)
{
	struct probe_ctx c = pb_ctx(SSDP_HOST, 1900, 0);
	uint8_t buf[256];
	size_t len = 0;

	cr_assert_eq(probe_ssdp.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "M-SEARCH * HTTP/1.1\r\nHOST: 198.18.60.80:1900\r\n", 46));
	cr_assert_null(strstr((char *)buf, "239.255.255.250"), "never the group");
	cr_assert_not_null(strstr((char *)buf, "ST: upnp:rootdevice\r\n"));
	cr_assert_eq(probe_ssdp.hello(&c, buf, 40, &len), -1);
}

Test(probe_ssdp, minidlna)
{
	struct probe_ctx c = pb_ctx(SSDP_HOST, 1900, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_ssdp, &c, "ssdp", "minidlna.step0.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "ssdp");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "MiniDLNA");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "1.3.0");
	cr_assert_str_eq(pb_str(out, "ssdp", "os"), "Debian");
	cr_assert_str_eq(pb_str(out, "ssdp", "location"), "http://198.18.60.80:8200/rootDesc.xml");
	cr_assert_str_eq(pb_str(out, "ssdp", "st"), "upnp:rootdevice");
	json_decref(out);
}

Test(probe_ssdp, os_and_malformed)
{
	struct probe_ctx c = pb_ctx(SSDP_HOST, 1900, 0);
	json_t *out = json_object();
	static const char win[] = "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:1::x\r\n"
		"SERVER: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n\r\n";
	size_t len;
	uint8_t *b = pb_load("ssdp", "minidlna.step0.bin", &len);

	cr_assert_eq(pb_parse(&probe_ssdp, &c, (const uint8_t *)win, sizeof(win) - 1, out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, "ssdp", "os"), "Microsoft-Windows 10.0");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "UPnP-Device-Host");
	json_decref(out);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_ssdp, &c,
	    (const uint8_t *)"HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n", 34, out), PROBE_NO_MATCH,
	    "an HTTP answer without USN is not SSDP");
	cr_assert_eq(pb_parse(&probe_ssdp, &c, (const uint8_t *)"NOTIFY * HTTP/1.1\r\n\r\n", 21,
	    out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "service"));
	json_decref(out);
	pb_truncations(&probe_ssdp, &c, b, len, 0);
	free(b);
	pb_garbage(&probe_ssdp, SSDP_HOST, 1900);
}
