/*
 * tls_cert.c - turn one DER certificate into JSON fields and risk flags.
 *
 * OpenSSL does all ASN.1 work (d2i_X509 and the X509 accessors); every
 * string that leaves here went through rd_printable(), because names in
 * certificates are peer-controlled text.  Used by the runner after every
 * TLS handshake and by probe_tls's parse() on the leaf certificate.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "probes/probe.h"
#include "probes/tls_cert.h"
#include "scanner/core/results.h"

#define TLS_SAN_MAX 64

static void
set_text(json_t *obj, const char *key, const void *s, size_t n)
{
	probe_set_str(obj, key, (const uint8_t *)s, n);
}

static void
name_fields(json_t *tls, const char *key, const X509_NAME *nm)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	if (!b || !nm)
		goto out;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &p);
		if (n > 0)
			set_text(tls, key, p, (size_t)n);
		else
			json_object_set_new(tls, key, json_string(""));
	}
out:
	BIO_free(b);
}

static void
cn_field(json_t *tls, const X509_NAME *nm)
{
	int i = nm ? X509_NAME_get_index_by_NID(nm, NID_commonName, -1) : -1;
	const ASN1_STRING *s;

	if (i < 0)
		return;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
	if (s)
		set_text(tls, "cn", ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
}

static void
san_fields(json_t *tls, X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	json_t *arr;
	int i, n;

	if (!gens)
		return;
	arr = json_array();
	n = sk_GENERAL_NAME_num(gens);
	for (i = 0; arr && i < n && i < TLS_SAN_MAX; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char buf[INET6_ADDRSTRLEN + 8];
		json_t *tmp = json_object();

		if (!tmp)
			break;
		if (g->type == GEN_DNS) {
			const ASN1_STRING *s = g->d.dNSName;

			set_text(tmp, "v", ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
			json_array_append(arr, json_object_get(tmp, "v"));
		} else if (g->type == GEN_IPADD) {
			const ASN1_OCTET_STRING *s = g->d.iPAddress;
			int len = ASN1_STRING_length(s);

			if ((len == 4 || len == 16) &&
			    inet_ntop(len == 4 ? AF_INET : AF_INET6,
				      ASN1_STRING_get0_data(s), buf, sizeof(buf)))
				json_array_append_new(arr, json_string(buf));
		}
		json_decref(tmp);
	}
	json_object_set_new(tls, "san", arr);
	GENERAL_NAMES_free(gens);
}

/* ASN1_TIME -> seconds since the epoch; 0 and -1 on failure. */
static int
asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static void
validity_fields(json_t *tls, json_t *out, X509 *x, int64_t now)
{
	int64_t nb, na;
	char buf[32];

	if (asn1_time(X509_get0_notBefore(x), &nb) == 0) {
		json_object_set_new(tls, "not_before", json_string(results_time(nb, buf)));
		if (now < nb && out)
			probe_risk(out, "tls-not-yet-valid");
	}
	if (asn1_time(X509_get0_notAfter(x), &na) == 0) {
		json_object_set_new(tls, "not_after", json_string(results_time(na, buf)));
		json_object_set_new(tls, "expired", json_boolean(now > na));
		if (now > na && out)
			probe_risk(out, "tls-expired");
	}
}

static void
key_fields(json_t *tls, json_t *out, X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	const char *type = "other";
	int bits, id, weak = 0;

	if (!k)
		return;
	id = EVP_PKEY_get_base_id(k);
	bits = EVP_PKEY_get_bits(k);
	switch (id) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		type = "RSA";
		weak = bits < 2048;
		break;
	case EVP_PKEY_DSA:
		type = "DSA";
		weak = bits < 2048;
		break;
	case EVP_PKEY_EC:
		type = "EC";
		weak = bits < 256;
		break;
	case EVP_PKEY_ED25519:
		type = "Ed25519";
		break;
	case EVP_PKEY_ED448:
		type = "Ed448";
		break;
	}
	json_object_set_new(tls, "key_type", json_string(type));
	json_object_set_new(tls, "key_bits", json_integer(bits));
	if (weak && out)
		probe_risk(out, "tls-weak-key");
}

static void
sig_fields(json_t *tls, json_t *out, X509 *x)
{
	int nid = X509_get_signature_nid(x), md = NID_undef, pk = NID_undef;
	const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;

	json_object_set_new(tls, "sig_alg", json_string(sn ? sn : "unknown"));
	if (OBJ_find_sigid_algs(nid, &md, &pk) &&
	    (md == NID_md5 || md == NID_sha1 || md == NID_md2 || md == NID_md4) && out)
		probe_risk(out, "tls-weak-signature");
}

static void
hash_fields(json_t *tls, X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const ASN1_INTEGER *ser = X509_get0_serialNumber(x);
	BIGNUM *bn = ser ? ASN1_INTEGER_to_BN(ser, NULL) : NULL;
	char *bh = bn ? BN_bn2hex(bn) : NULL;

	if (X509_digest(x, EVP_sha256(), md, &n) == 1) {
		for (i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		hex[2 * n] = 0;
		json_object_set_new(tls, "sha256", json_string(hex));
	}
	if (bh)
		set_text(tls, "serial", bh, strnlen(bh, 128));
	OPENSSL_free(bh);
	BN_free(bn);
}

int
tls_cert_fields(const uint8_t *der, size_t len, int64_t now, json_t *tls, json_t *out)
{
	const unsigned char *p = der;
	X509 *x;
	int self;

	if (!der || !len || len > LONG_MAX)
		return -1;
	x = d2i_X509(NULL, &p, (long)len);
	if (!x)
		return -1;
	name_fields(tls, "subject", X509_get_subject_name(x));
	name_fields(tls, "issuer", X509_get_issuer_name(x));
	cn_field(tls, X509_get_subject_name(x));
	san_fields(tls, x);
	validity_fields(tls, out, x, now);
	key_fields(tls, out, x);
	sig_fields(tls, out, x);
	hash_fields(tls, x);
	self = X509_check_issued(x, x) == X509_V_OK;
	if (self) {
		EVP_PKEY *k = X509_get0_pubkey(x);

		self = k && X509_verify(x, k) == 1;
	}
	json_object_set_new(tls, "self_signed", json_boolean(self));
	if (self && out)
		probe_risk(out, "tls-self-signed");
	X509_free(x);
	ERR_clear_error();
	return 0;
}
