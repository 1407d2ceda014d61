/*
 * test_probe_winrm.c - WinRM Identify: the POST, an IdentifyResponse and a
 * 401 shaped like Windows Server 2019's (authored: see data/winrm/README),
 * other HTTP servers, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_winrm, probe_winrms;

#define WR_HOST "198.18.60.180"

Test(probe_winrm, identify_request)
{
	struct probe_ctx c = pb_ctx(WR_HOST, 5985, 0);
	uint8_t buf[1024];
	size_t len = 0;
	char *body;

	cr_assert_eq(probe_winrm.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "POST /wsman HTTP/1.1\r\nHost: 198.18.60.180:5985\r\n", 48));
	cr_assert_not_null(strstr((char *)buf, "\r\nWSMANIDENTIFY: unauthenticated\r\n"));
	body = strstr((char *)buf, "\r\n\r\n");
	cr_assert_not_null(body);
	cr_assert_not_null(strstr(body, "<wsmid:Identify/>"));
	cr_assert_not_null(strstr((char *)buf, "Content-Length: 198\r\n"));
	cr_assert_eq(strlen(body + 4), 198);
	cr_assert_eq(probe_winrm.hello(&c, buf, 200, &len), -1);
	cr_assert(probe_winrms.flags & PROBE_TLS);
}

Test(probe_winrm, identify_2019)
{
	struct probe_ctx c = pb_ctx(WR_HOST, 5985, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_winrm, &c, "winrm", "identify-2019-authored.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "winrm");
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Microsoft WinRM");
	cr_assert_str_eq(pb_str(out, "winrm", "product_version"), "OS: 10.0.17763 SP: 0.0 Stack: 3.0");
	cr_assert_str_eq(pb_str(out, NULL, "os"), "Windows 10 1809 / Windows Server 2019");
	cr_assert_eq(json_integer_value(json_object_get(out, "os_build")), 17763);
	json_decref(out);
}

Test(probe_winrm, auth_required)
{
	struct probe_ctx c = pb_ctx(WR_HOST, 5985, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(&probe_winrm, &c, "winrm", "auth-required-authored.bin", out),
	    PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Microsoft WinRM");
	cr_assert(json_is_false(pb_get(out, "winrm", "identify_unauthenticated")));
	cr_assert_null(json_object_get(out, "os"));
	json_decref(out);
}

Test(probe_winrm, other_servers_truncated_garbage)
{
	struct probe_ctx c = pb_ctx(WR_HOST, 5985, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("winrm", "identify-2019-authored.bin", &len);
	static const char nginx[] = "HTTP/1.1 401 Unauthorized\r\nServer: nginx\r\n"
		"WWW-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n";
	static const char lying[] = "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n"
		"<a:ProductVendor>x";

	c.eof = 1;
	cr_assert_eq(pb_parse(&probe_winrm, &c, (const uint8_t *)nginx, sizeof(nginx) - 1, out),
	    PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_winrm, &c, (const uint8_t *)lying, sizeof(lying) - 1, out),
	    PROBE_NO_MATCH, "element never closed");
	cr_assert_null(json_object_get(out, "product"));
	json_decref(out);
	c.eof = 0;
	pb_truncations(&probe_winrm, &c, b, len, 1);
	free(b);
	pb_garbage(&probe_winrm, WR_HOST, 5985);
}
