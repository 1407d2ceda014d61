/*
 * test_probe_sip.c - SIP OPTIONS over UDP and TCP: the request, the answers
 * recorded from kamailio 5.6.3, answers to someone else's request, a 483
 * with User-Agent only, truncations, garbage.
 */
#include "tests/unit/probe_b_util.h"

extern const struct probe probe_sip, probe_sip_tcp;

#define SIP_HOST "198.18.60.70"

Test(probe_sip, options_request)
{
	struct probe_ctx c = pb_ctx(SIP_HOST, 5060, 0);
	uint8_t buf[1024];
	size_t len = 0;

	cr_assert_eq(probe_sip.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "OPTIONS sip:heiiki@198.18.60.70 SIP/2.0\r\n", 41));
	cr_assert_not_null(strstr((char *)buf, "Via: SIP/2.0/UDP heiiki.invalid;branch=z9hG4bK"));
	cr_assert_not_null(strstr((char *)buf, "\r\nMax-Forwards: 0\r\n"), "never relayed");
	cr_assert_not_null(strstr((char *)buf, "\r\nCSeq: 1 OPTIONS\r\n"));
	cr_assert(len > 4 && !memcmp(buf + len - 4, "\r\n\r\n", 4));
	cr_assert_eq(probe_sip_tcp.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert_not_null(strstr((char *)buf, "Via: SIP/2.0/TCP "));
	cr_assert_eq(probe_sip.hello(&c, buf, 100, &len), -1, "never past cap");
	c.host = "2001:db8::5";
	cr_assert_eq(probe_sip.hello(&c, buf, sizeof(buf) - 1, &len), 0);
	buf[len] = 0;
	cr_assert(!strncmp((char *)buf, "OPTIONS sip:heiiki@[2001:db8::5] SIP/2.0", 40));
	c.host = "x\r\nEvil: 1";
	cr_assert_eq(probe_sip.hello(&c, buf, sizeof(buf), &len), -1, "no header injection");
}

static void
sip_kamailio(const struct probe *p, const char *file)
{
	struct probe_ctx c = pb_ctx(SIP_HOST, 5060, 0);
	json_t *out = json_object();

	cr_assert_eq(pb_parse_file(p, &c, "sip", file, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "service"), "sip");
	cr_assert_eq(json_integer_value(pb_get(out, "sip", "status")), 200);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "kamailio");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "5.6.3");
	cr_assert_str_eq(pb_str(out, "sip", "server"), "kamailio (5.6.3 (x86_64/linux))");
	json_decref(out);
}

Test(probe_sip, kamailio_udp)
{
	sip_kamailio(&probe_sip, "sip-udp.step0.bin");
}

Test(probe_sip, kamailio_tcp)
{
	sip_kamailio(&probe_sip_tcp, "sip-tcp.step0.bin");
}

Test(probe_sip, foreign_and_user_agent)
{
	struct probe_ctx c = pb_ctx(SIP_HOST, 5060, 0);
	json_t *out = json_object();
	size_t len;
	uint8_t *b = pb_load("sip", "sip-udp.step0.bin", &len);
	char ua[512];
	int n;

	c.host = "198.18.60.71";	/* Call-ID of another target: not our answer */
	cr_assert_eq(pb_parse(&probe_sip, &c, b, len, out), PROBE_NO_MATCH);
	c.host = SIP_HOST;
	n = snprintf(ua, sizeof(ua), "SIP/2.0 483 Too Many Hops\r\nCall-ID: %s\r\n"
	    "CSeq: 1 OPTIONS\r\nUser-Agent: Asterisk PBX 18.10.0~dfsg\r\n\r\n",
	    strstr((char *)b, "Call-ID: ") ? "6e0297ef@heiiki.invalid" : "");
	cr_assert_eq(pb_parse(&probe_sip, &c, (uint8_t *)ua, (size_t)n, out), PROBE_MATCH);
	cr_assert_str_eq(pb_str(out, NULL, "product"), "Asterisk");
	cr_assert_str_eq(pb_str(out, NULL, "version"), "");
	cr_assert_eq(json_integer_value(pb_get(out, "sip", "status")), 483);
	json_decref(out);
	out = json_object();
	cr_assert_eq(pb_parse(&probe_sip, &c, (const uint8_t *)"HTTP/1.1 200 OK\r\n\r\n", 19, out),
	    PROBE_NO_MATCH);
	cr_assert_eq(pb_parse(&probe_sip, &c, b, len - 2, out), PROBE_MALFORMED,
	    "datagram without the blank line");
	json_decref(out);
	pb_truncations(&probe_sip, &c, b, len, 0);
	free(b);
	b = pb_load("sip", "sip-tcp.step0.bin", &len);
	pb_truncations(&probe_sip_tcp, &c, b, len, 1);
	free(b);
	pb_garbage(&probe_sip, SIP_HOST, 5060);
	pb_garbage(&probe_sip_tcp, SIP_HOST, 5060);
}
