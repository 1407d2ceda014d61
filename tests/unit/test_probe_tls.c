/*
 * test_probe_tls.c - certificate fields and risk flags: the real nginx
 * certificate, an expired self-signed RSA-1024 one, a SHA-1 one, a
 * CA-signed EC P-256 one with IP SANs, and truncated / garbage DER.
 */
#include "probe_a_util.h"
#include "probes/tls_cert.h"

static enum probe_verdict
cert(const char *name, int64_t now, json_t *out)
{
	struct probe_ctx c = pa_ctx(0, 443, 1);

	c.tls = 1;
	c.now = now;
	return pa_run_file("tls", &c, "tls", name, out);
}

Test(probe_tls, real_nginx_selfsigned)
{
	json_t *out = json_object();
	json_t *tls;

	cr_assert_eq(cert("nginx-selfsigned.der", 1800000000, out), PROBE_MATCH);
	tls = json_object_get(out, "tls");
	cr_assert_str_eq(pa_str(tls, "cn", NULL), "portal.hospital.example");
	cr_assert_str_eq(pa_str(tls, "subject", NULL), "CN=portal.hospital.example,O=Example Hospital");
	cr_assert_str_eq(pa_str(tls, "key_type", NULL), "RSA");
	cr_assert_eq(json_integer_value(json_object_get(tls, "key_bits")), 2048);
	cr_assert(json_is_true(json_object_get(tls, "self_signed")));
	cr_assert(json_is_false(json_object_get(tls, "expired")));
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(tls, "san"), 1)),
			 "198.18.50.10");
	cr_assert_eq(strlen(pa_str(tls, "sha256", NULL)), 64);
	cr_assert(pa_has_risk(out, "tls-self-signed"));
	cr_assert_not(pa_has_risk(out, "tls-expired"));
	cr_assert_not(pa_has_risk(out, "tls-weak-key"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(cert("nginx-selfsigned.der", 2000000000, out), PROBE_MATCH);
	cr_assert(pa_has_risk(out, "tls-expired"), "the same cert in 2033");
	json_decref(out);
}

Test(probe_tls, weak_expired_sha1)
{
	json_t *out = json_object();

	cr_assert_eq(cert("rsa1024-expired-selfsigned.der", 1800000000, out), PROBE_MATCH);
	cr_assert(pa_has_risk(out, "tls-weak-key"));
	cr_assert(pa_has_risk(out, "tls-expired"));
	cr_assert(pa_has_risk(out, "tls-self-signed"));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "tls"), "key_bits")), 1024);
	json_decref(out);
	out = json_object();
	cr_assert_eq(cert("rsa2048-sha1.der", 1800000000, out), PROBE_MATCH);
	cr_assert(pa_has_risk(out, "tls-weak-signature"));
	cr_assert_not(pa_has_risk(out, "tls-weak-key"));
	json_decref(out);
}

Test(probe_tls, ca_signed_ec_with_ip_sans)
{
	json_t *out = json_object(), *tls, *san;

	cr_assert_eq(cert("ec256-casigned.der", 1800000000, out), PROBE_MATCH);
	tls = json_object_get(out, "tls");
	san = json_object_get(tls, "san");
	cr_assert_str_eq(pa_str(tls, "key_type", NULL), "EC");
	cr_assert_eq(json_integer_value(json_object_get(tls, "key_bits")), 256);
	cr_assert(json_is_false(json_object_get(tls, "self_signed")));
	cr_assert_str_eq(pa_str(tls, "issuer", NULL), "CN=fortinet-subca2001,OU=Certificate Authority,O=Fortinet");
	cr_assert_eq(json_array_size(san), 3);
	cr_assert_str_eq(json_string_value(json_array_get(san, 2)), "2001:db8::10");
	cr_assert_null(json_object_get(out, "risks"));
	json_decref(out);
}

Test(probe_tls, truncated_and_garbage)
{
	size_t n;
	uint8_t *b = pa_load("tls", "nginx-selfsigned.der", &n);
	json_t *out = json_object(), *tls = json_object();
	struct probe_ctx c = pa_ctx(0, 443, 1);

	for (size_t k = 0; k < n; k += 37)
		cr_assert_eq(tls_cert_fields(b, k, 0, tls, out), -1, "prefix %zu", k);
	cr_assert_eq(json_object_size(tls), 0, "nothing written for a broken certificate");
	cr_assert_eq(pa_run("tls", &c, "garbage", 7, out), PROBE_NO_MATCH);
	b[n / 2] ^= 0xff;	/* a flipped byte inside: must not crash either way */
	tls_cert_fields(b, n, 0, tls, out);
	free(b);
	json_decref(tls);
	json_decref(out);
}
