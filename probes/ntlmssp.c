/*
 * ntlmssp.c - NTLMSSP NEGOTIATE and CHALLENGE (see ntlmssp.h).
 *
 * The CHALLENGE is read through the bounded cursor: every (length,
 * offset) field is checked against the message's real length, AV pairs
 * are walked until MsvAvEOL or the end of the TargetInfo block, at most
 * 32 of them; UTF-16LE names become UTF-8 (BMP only; surrogates and
 * control characters become '.').
 */
#include <stdio.h>
#include <string.h>

#include "ntlmssp.h"
#include "winver.h"
#include "scanner/core/rd.h"

#define NTLM_AV_MAX 32

/* UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY |
 * VERSION | 128 | 56 */
#define NTLM_NEG_FLAGS 0xa2088205u

int
ntlmssp_negotiate(uint8_t *buf, size_t cap)
{
	if (cap < NTLMSSP_NEGOTIATE_LEN)
		return -1;
	memset(buf, 0, NTLMSSP_NEGOTIATE_LEN);
	memcpy(buf, "NTLMSSP\0", 8);
	buf[8] = 1;					/* NEGOTIATE */
	buf[12] = NTLM_NEG_FLAGS & 0xff;
	buf[13] = (NTLM_NEG_FLAGS >> 8) & 0xff;
	buf[14] = (NTLM_NEG_FLAGS >> 16) & 0xff;
	buf[15] = (NTLM_NEG_FLAGS >> 24) & 0xff;
	/* domain and workstation fields empty (16..31); version 10.0.0 rev 15 */
	buf[32] = 10;
	buf[39] = 15;
	return 0;
}

int
ntlmssp_negotiate_spnego(uint8_t *buf, size_t cap)
{
	static const uint8_t head[] = {
		0x60, 0x48,				/* [APPLICATION 0] */
		0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,	/* SPNEGO OID */
		0xa0, 0x3e, 0x30, 0x3c,			/* NegTokenInit */
		0xa0, 0x0e, 0x30, 0x0c,			/* mechTypes */
		0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a,
		0xa2, 0x2a, 0x04, 0x28,			/* mechToken */
	};

	if (cap < NTLMSSP_SPNEGO_LEN)
		return -1;
	memcpy(buf, head, sizeof(head));
	return ntlmssp_negotiate(buf + sizeof(head), cap - sizeof(head));
}

/* UTF-16LE -> UTF-8 (BMP; surrogates and controls become '.'). */
static void
ntlm_utf16(const uint8_t *s, size_t n, char *dst, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i + 1 < n && o + 4 < cap; i += 2) {
		unsigned c = s[i] | (unsigned)s[i + 1] << 8;

		if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff)) {
			dst[o++] = '.';
		} else if (c < 0x80) {
			dst[o++] = (char)c;
		} else if (c < 0x800) {
			dst[o++] = (char)(0xc0 | c >> 6);
			dst[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			dst[o++] = (char)(0xe0 | c >> 12);
			dst[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			dst[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	dst[o] = 0;
}

/* A (len, maxlen, offset) field -> sub-cursor over msg[0..mlen). */
static int
ntlm_field(struct rd *hdr, const uint8_t *msg, size_t mlen, struct rd *val)
{
	uint16_t len, max;
	uint32_t off;

	if (!rd_le16(hdr, &len) || !rd_le16(hdr, &max) || !rd_le32(hdr, &off))
		return 0;
	if (len == 0) {
		rd_init(val, msg, 0);
		return 1;
	}
	if (off > mlen || len > mlen - off)
		return 0;
	rd_init(val, msg + off, len);
	return 1;
}

static void
ntlm_str(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
	char s[512];

	ntlm_utf16(p, n, s, sizeof(s));
	json_object_set_new(obj, key, json_string(s));
}

int
ntlmssp_challenge(const uint8_t *p, size_t n, json_t *obj, json_t *svc)
{
	static const uint8_t sig[12] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0 };
	static const char *const av_names[] = { NULL, "netbios_computer", "netbios_domain",
		"dns_computer", "dns_domain", "dns_tree" };
	struct rd all, hdr, tname, tinfo;
	const uint8_t *msg;
	size_t mlen;
	uint32_t flags;
	long at;
	char s[64];

	rd_init(&all, p, n);
	at = rd_find(&all, sig, sizeof(sig));
	if (at < 0)
		return 0;
	msg = p + at;
	mlen = n - (size_t)at;
	rd_init(&hdr, msg, mlen);
	if (!rd_skip(&hdr, 12) || !ntlm_field(&hdr, msg, mlen, &tname) ||
	    !rd_le32(&hdr, &flags) || !rd_skip(&hdr, 16))
		return -1;
	json_object_set_new(obj, "ntlm_flags", json_integer(flags));
	if (rd_left(&tname))
		ntlm_str(obj, "target_name", rd_ptr(&tname), rd_left(&tname));
	/* TargetInfo and Version are present when their flags are (MS-NLMP 2.2.1.2) */
	if (!ntlm_field(&hdr, msg, mlen, &tinfo))
		return (flags & 0x00800000) ? -1 : 1;
	for (int i = 0; i < NTLM_AV_MAX && rd_left(&tinfo) >= 4; i++) {
		uint16_t id, len;
		const uint8_t *v;

		if (!rd_le16(&tinfo, &id) || !rd_le16(&tinfo, &len))
			break;
		if (id == 0)
			break;			/* MsvAvEOL */
		if (!rd_bytes(&tinfo, &v, len))
			return -1;		/* AV pair longer than TargetInfo */
		if (id <= 5)
			ntlm_str(obj, av_names[id], v, len);
	}
	if (flags & 0x02000000) {		/* NEGOTIATE_VERSION */
		uint8_t maj, min;
		uint16_t build;
		const char *name;

		if (!rd_u8(&hdr, &maj) || !rd_u8(&hdr, &min) || !rd_le16(&hdr, &build))
			return 1;
		snprintf(s, sizeof(s), "%u.%u.%u", maj, min, build);
		json_object_set_new(obj, "os_version", json_string(s));
		/* build 0 (Samba and other non-Windows stacks): no Windows name */
		name = build >= 2195 ? win_build_name(maj, min, build) : NULL;
		if (name) {
			json_object_set_new(svc, "os", json_string(name));
			json_object_set_new(svc, "os_build", json_integer(build));
		}
	}
	return 1;
}
