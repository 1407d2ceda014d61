/*
 * probe_smb.c - SMB dialect, signing and "is SMB1 still accepted?" probe.
 *
 * Two negotiations, each on its own TCP connection (MS-SMB2 3.3.5.4: a
 * second NEGOTIATE on a negotiated connection is dropped):
 *
 *   SMB2 NEGOTIATE offering 2.0.2, 2.1, 3.0, 3.0.2 and 3.1.1 with the
 *   preauth-integrity and encryption contexts (MS-SMB2 2.2.3, 2.2.3.1)
 *   -> dialect, signing enabled/required, server GUID, capabilities,
 *   server clock;
 *
 *   SMB1 SMB_COM_NEGOTIATE offering only "NT LM 0.12" (MS-CIFS 2.2.4.52)
 *   -> whether SMB1 is still accepted.  No SMB2 dialect string is offered
 *   there, so an SMB2 server cannot hide the answer behind an SMB2 reply.
 *
 * On 445, when the SMB2 negotiation succeeded, the same connection then
 * carries one SESSION_SETUP with an NTLMSSP NEGOTIATE in SPNEGO (MS-SMB2
 * 2.2.5) and reads the server's CHALLENGE (MS-NLMP 2.2.1.2): NetBIOS and DNS
 * names of the computer and domain and the OS version/build, which become
 * "os" and "os_build" (probes/ntlmssp.c).  No AUTHENTICATE is ever sent:
 * no logon is attempted, the half-open session ends with the connection.
 * The plan is kept in out["_smb_sess"]: steps 0 NEGOTIATE, 1 SESSION_SETUP,
 * 2 SMB1 (without the plan, step 1 is SMB1 as before).
 *
 * On TCP 139 each connection first carries a NetBIOS session request
 * (RFC 1002 4.3.2) for "*SMBSERVER", so the steps are NBSS, SMB2, NBSS,
 * SMB1.  Nothing after NEGOTIATE is ever sent: no session setup, no null
 * session, no share access.
 *
 * A connection that closes without answering the SMB1 negotiate means
 * SMB1 is off (MS-SMB2 3.3.5.3.2); the SMB2 step therefore records
 * "smb1_accepted": false, the SMB1 step overwrites it when the server
 * answers, and on end-of-stream (ctx->eof) with no reply the SMB1 step
 * returns MATCH so the SMB2 results are kept.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "probe.h"
#include "ntlmssp.h"

enum smb_phase { SMB_NBSS, SMB_NEG2, SMB_NEG1, SMB_SESS, SMB_DONE };

#define SMB2_HDR	64
#define SMB1_HDR	32
#define SMB_MAX_MSG	65536

static const uint16_t smb_ports[] = { 445, 139, 0 };

static const uint8_t smb1_negotiate[] = {
	0xff, 'S', 'M', 'B', 0x72, 0, 0, 0, 0, 0x18, 0x01, 0xc8,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe,
	0, 0, 0, 0, 0x00, 0x0c, 0x00,
	0x02, 'N', 'T', ' ', 'L', 'M', ' ', '0', '.', '1', '2', 0x00,
};

static const uint16_t smb2_dialects[] = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 };

/* Which message does ctx->step carry on this port? */
static enum smb_phase
smb_phase(const struct probe_ctx *ctx)
{
	static const enum smb_phase p445[] = { SMB_NEG2, SMB_NEG1 };
	static const enum smb_phase p139[] = { SMB_NBSS, SMB_NEG2, SMB_NBSS, SMB_NEG1 };

	if (ctx->step < 0)
		return SMB_DONE;
	if (ctx->port == 139)
		return ctx->step < 4 ? p139[ctx->step] : SMB_DONE;
	if (json_is_true(json_object_get(ctx->out, "_smb_sess")))
		return ctx->step == 0 ? SMB_NEG2 : ctx->step == 1 ? SMB_SESS :
		    ctx->step == 2 ? SMB_NEG1 : SMB_DONE;
	return ctx->step < 2 ? p445[ctx->step] : SMB_DONE;
}

static json_t *
smb_obj(json_t *out)
{
	json_t *o = json_object_get(out, "smb");

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(out, "smb", o);
	}
	return o;
}

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

/* RFC 1002 4.1.1 first-level encoding of a 16-byte NetBIOS name. */
static void
nb_name(uint8_t *dst, const char *name, uint8_t suffix)
{
	uint8_t raw[16];
	size_t n = strlen(name);

	memset(raw, ' ', sizeof(raw));
	memcpy(raw, name, n > 15 ? 15 : n);
	raw[15] = suffix;
	dst[0] = 32;
	for (int i = 0; i < 16; i++) {
		uint8_t c = raw[i];

		if (c >= 'a' && c <= 'z')
			c -= 32;
		dst[1 + 2 * i] = 'A' + (c >> 4);
		dst[2 + 2 * i] = 'A' + (c & 0x0f);
	}
	dst[33] = 0;
}

static int
smb_hello_nbss(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	const char *me = ctx->scanner_id && *ctx->scanner_id ? ctx->scanner_id : "HEIIKI";

	if (cap < 72)
		return -1;
	buf[0] = 0x81;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = 68;
	nb_name(buf + 4, "*SMBSERVER", 0x20);
	nb_name(buf + 38, me, 0x00);
	*len = 72;
	return 0;
}

/*
 * SMB2 NEGOTIATE: 64-byte header, 36-byte body, five dialects, then the
 * preauth (SHA-512, 32-byte salt) and encryption (AES-128-GCM/CCM)
 * contexts at 8-byte aligned offsets 112 and 160.  178 bytes on the wire.
 */
static int
smb_hello_neg2(uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t *m = buf + 4, *b = m + SMB2_HDR;
	const size_t msg = 174;
	uint8_t rnd[48];

	if (cap < msg + 4)
		return -1;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	memset(buf, 0, msg + 4);
	buf[3] = (uint8_t)msg;
	memcpy(m, "\xfeSMB", 4);
	put_le16(m + 4, 64);		/* StructureSize */
	put_le16(m + 14, 1);		/* CreditRequest */
	put_le16(b, 36);
	put_le16(b + 2, 5);		/* DialectCount */
	put_le16(b + 4, 0x0001);	/* SIGNING_ENABLED */
	memcpy(b + 12, rnd, 16);	/* ClientGuid */
	put_le32(b + 28, 112);		/* NegotiateContextOffset */
	put_le16(b + 32, 2);		/* NegotiateContextCount */
	for (int i = 0; i < 5; i++)
		put_le16(b + 36 + 2 * i, smb2_dialects[i]);
	put_le16(m + 112, 0x0001);	/* PREAUTH_INTEGRITY_CAPABILITIES */
	put_le16(m + 114, 38);
	put_le16(m + 120, 1);		/* HashAlgorithmCount */
	put_le16(m + 122, 32);		/* SaltLength */
	put_le16(m + 124, 0x0001);	/* SHA-512 */
	memcpy(m + 126, rnd + 16, 32);
	put_le16(m + 160, 0x0002);	/* ENCRYPTION_CAPABILITIES */
	put_le16(m + 162, 6);
	put_le16(m + 168, 2);
	put_le16(m + 170, 0x0002);	/* AES-128-GCM */
	put_le16(m + 172, 0x0001);	/* AES-128-CCM */
	*len = msg + 4;
	return 0;
}

/*
 * SMB2 SESSION_SETUP (MessageId 1) carrying the SPNEGO-wrapped NTLMSSP
 * NEGOTIATE: 64-byte header, 24-byte body, 74-byte security buffer at 88.
 */
static int
smb_hello_sess(uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t *m = buf + 4, *b = m + SMB2_HDR;
	const size_t msg = SMB2_HDR + 24 + NTLMSSP_SPNEGO_LEN;

	if (cap < msg + 4)
		return -1;
	memset(buf, 0, msg + 4);
	buf[3] = (uint8_t)msg;
	memcpy(m, "\xfeSMB", 4);
	put_le16(m + 4, 64);		/* StructureSize */
	put_le16(m + 6, 1);		/* CreditCharge */
	put_le16(m + 12, 1);		/* Command SESSION_SETUP */
	put_le16(m + 14, 1);		/* CreditRequest */
	m[24] = 1;			/* MessageId 1 */
	put_le16(b, 25);		/* StructureSize */
	b[3] = 0x01;			/* SecurityMode: signing enabled */
	put_le16(b + 12, SMB2_HDR + 24);	/* SecurityBufferOffset */
	put_le16(b + 14, NTLMSSP_SPNEGO_LEN);
	if (ntlmssp_negotiate_spnego(b + 24, cap - 4 - SMB2_HDR - 24) < 0)
		return -1;
	*len = msg + 4;
	return 0;
}

static int
smb_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	switch (smb_phase(ctx)) {
	case SMB_SESS:
		return smb_hello_sess(buf, cap, len);
	case SMB_NBSS:
		return smb_hello_nbss(ctx, buf, cap, len);
	case SMB_NEG2:
		return smb_hello_neg2(buf, cap, len);
	case SMB_NEG1:
		if (cap < sizeof(smb1_negotiate) + 4)
			return -1;
		buf[0] = 0;
		buf[1] = 0;
		buf[2] = 0;
		buf[3] = sizeof(smb1_negotiate);
		memcpy(buf + 4, smb1_negotiate, sizeof(smb1_negotiate));
		*len = sizeof(smb1_negotiate) + 4;
		return 0;
	default:
		return -1;
	}
}

static void
fmt_guid(const uint8_t *g, char *dst, size_t n)
{
	snprintf(dst, n, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1], g[0], g[5], g[4],
	    g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* FILETIME (100 ns since 1601) to Unix seconds; 0 stays 0. */
static json_int_t
filetime_unix(uint64_t ft)
{
	if (ft < 116444736000000000ULL)
		return 0;
	return (json_int_t)(ft / 10000000ULL - 11644473600ULL);
}

static const char *
smb2_dialect_name(uint16_t d)
{
	switch (d) {
	case 0x0202: return "2.0.2";
	case 0x0210: return "2.1";
	case 0x0300: return "3.0";
	case 0x0302: return "3.0.2";
	case 0x0311: return "3.1.1";
	case 0x02ff: return "2.???";
	default: return NULL;
	}
}

static json_t *
smb2_caps(uint32_t caps)
{
	static const char *const names[] = { "dfs", "leasing", "large-mtu",
		"multi-channel", "persistent-handles", "directory-leasing",
		"encryption" };
	json_t *a = json_array();

	for (unsigned i = 0; i < 7; i++)
		if (caps & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

/*
 * Split one transport frame (4-byte NBSS/Direct-TCP header) off the front.
 * Returns 1 with *msg set, 0 when more bytes are needed, -1 when the
 * header is not an SMB session message.
 */
static int
smb_frame(struct rd *in, struct rd *msg)
{
	uint8_t type;
	uint32_t n;

	if (rd_left(in) < 4)
		return 0;
	if (!rd_u8(in, &type) || !rd_be24(in, &n))
		return 0;
	if (type != 0x00 || n < 4 || n > SMB_MAX_MSG)
		return -1;
	if (rd_left(in) < n)
		return 0;
	return rd_sub(in, msg, n) ? 1 : 0;
}

static enum probe_verdict
smb_parse_nbss(struct rd *in, json_t *out)
{
	uint8_t type, flags, err = 0;
	uint16_t n;

	if (rd_left(in) < 4)
		return PROBE_NEED_MORE;
	if (!rd_u8(in, &type) || !rd_u8(in, &flags) || !rd_be16(in, &n))
		return PROBE_NEED_MORE;
	if (type != 0x82 && type != 0x83 && type != 0x84)
		return PROBE_NO_MATCH;
	if (rd_left(in) < n)
		return PROBE_NEED_MORE;
	json_object_set_new(out, "service", json_string("smb"));
	if (type == 0x82)
		return PROBE_NEXT_STEP;
	if (type == 0x83 && n >= 1 && rd_u8(in, &err)) {
		char code[8];

		snprintf(code, sizeof(code), "0x%02x", err);
		json_object_set_new(smb_obj(out), "nbss_refused", json_string(code));
	} else {
		json_object_set_new(smb_obj(out), "nbss_refused", json_string("retarget"));
	}
	return PROBE_MATCH;
}

static void
smb2_record(json_t *o, struct rd *b)
{
	uint16_t sz, secmode, dialect, nctx;
	uint32_t caps, mtrans, mread, mwrite;
	uint64_t systime, start;
	const uint8_t *guid;
	const char *dn;
	char s[48];

	if (!rd_le16(b, &sz) || sz != 65 || !rd_le16(b, &secmode) ||
	    !rd_le16(b, &dialect) || !rd_le16(b, &nctx) ||
	    !rd_bytes(b, &guid, 16) || !rd_le32(b, &caps))
		return;
	json_object_set_new(o, "smb2", json_true());
	dn = smb2_dialect_name(dialect);
	snprintf(s, sizeof(s), "0x%04x", dialect);
	json_object_set_new(o, "dialect", json_string(dn ? dn : s));
	json_object_set_new(o, "signing_enabled", json_boolean(secmode & 1));
	json_object_set_new(o, "signing_required", json_boolean(secmode & 2));
	fmt_guid(guid, s, sizeof(s));
	json_object_set_new(o, "server_guid", json_string(s));
	json_object_set_new(o, "capabilities", smb2_caps(caps));
	if (!rd_le32(b, &mtrans) || !rd_le32(b, &mread) || !rd_le32(b, &mwrite) ||
	    !rd_le64(b, &systime) || !rd_le64(b, &start))
		return;
	json_object_set_new(o, "max_read_size", json_integer(mread));
	json_object_set_new(o, "system_time", json_integer(filetime_unix(systime)));
	if (start)
		json_object_set_new(o, "server_start_time",
		    json_integer(filetime_unix(start)));
}

/* SMB2 NEGOTIATE response -> dialect, signing, GUID; then reconnect for SMB1. */
static enum probe_verdict
smb_parse_neg2(struct rd *msg, json_t *out, int sess_ok)
{
	json_t *o = smb_obj(out);
	uint8_t magic[4];
	uint16_t hsz, cmd;
	uint32_t status;
	struct rd hdr;

	if (!rd_copy(msg, magic, 4))
		return PROBE_NO_MATCH;
	if (!memcmp(magic, "\xffSMB", 4)) {
		/* SMB1-only stack answering the SMB2 packet: still SMB. */
		json_object_set_new(out, "service", json_string("smb"));
		json_object_set_new(o, "smb2", json_false());
		return PROBE_RECONNECT;
	}
	if (memcmp(magic, "\xfeSMB", 4))
		return PROBE_NO_MATCH;
	if (!rd_sub(msg, &hdr, SMB2_HDR - 4) || !rd_le16(&hdr, &hsz) ||
	    hsz != 64 || !rd_skip(&hdr, 2) || !rd_le32(&hdr, &status) ||
	    !rd_le16(&hdr, &cmd) || cmd != 0)
		return PROBE_MALFORMED;
	json_object_set_new(out, "service", json_string("smb"));
	json_object_set_new(o, "smb1_accepted", json_false());
	if (status != 0) {
		char s[16];

		snprintf(s, sizeof(s), "0x%08x", status);
		json_object_set_new(o, "smb2_status", json_string(s));
		return PROBE_RECONNECT;
	}
	smb2_record(o, msg);
	if (!json_object_get(o, "dialect"))
		return PROBE_MALFORMED;
	if (!json_is_true(json_object_get(o, "signing_required")))
		probe_risk(out, "smb-signing-not-required");
	if (sess_ok) {
		json_object_set_new(out, "_smb_sess", json_true());
		return PROBE_NEXT_STEP;		/* SESSION_SETUP on this connection */
	}
	return PROBE_RECONNECT;
}

/*
 * SESSION_SETUP response: STATUS_MORE_PROCESSING_REQUIRED with the NTLMSSP
 * CHALLENGE in its security buffer.  Whatever comes back, SMB1 is next.
 */
static enum probe_verdict
smb_parse_sess(struct rd *msg, json_t *out)
{
	json_t *o = smb_obj(out), *n;
	uint8_t magic[4];
	uint16_t hsz, cmd;
	uint32_t status;
	struct rd hdr;
	int r;

	if (!rd_copy(msg, magic, 4) || memcmp(magic, "\xfeSMB", 4) ||
	    !rd_sub(msg, &hdr, SMB2_HDR - 4) || !rd_le16(&hdr, &hsz) || hsz != 64 ||
	    !rd_skip(&hdr, 2) || !rd_le32(&hdr, &status) || !rd_le16(&hdr, &cmd) || cmd != 1)
		return PROBE_RECONNECT;
	if (status != 0xc0000016u) {
		char s[16];

		snprintf(s, sizeof(s), "0x%08x", status);
		json_object_set_new(o, "session_setup_status", json_string(s));
		return PROBE_RECONNECT;
	}
	n = json_object();
	r = ntlmssp_challenge(rd_ptr(msg), rd_left(msg), n, out);
	if (r > 0)
		json_object_set_new(o, "ntlm", n);
	else
		json_decref(n);
	if (r < 0)
		json_object_set_new(o, "ntlm_error", json_string("malformed challenge"));
	return PROBE_RECONNECT;
}

/* NT LM 0.12 response words (MS-CIFS 2.2.4.52.2); short blocks tolerated. */
static void
smb1_record(json_t *o, json_t *out, uint8_t wc, struct rd *m)
{
	uint8_t secmode;
	uint16_t mpx, vcs;
	uint32_t maxbuf, maxraw, key, caps;
	uint64_t systime;

	if (wc < 17 || !rd_u8(m, &secmode) || !rd_le16(m, &mpx) ||
	    !rd_le16(m, &vcs) || !rd_le32(m, &maxbuf) || !rd_le32(m, &maxraw) ||
	    !rd_le32(m, &key) || !rd_le32(m, &caps))
		return;
	json_object_set_new(o, "smb1_signing_enabled", json_boolean(secmode & 4));
	json_object_set_new(o, "smb1_signing_required", json_boolean(secmode & 8));
	if (!json_object_get(o, "signing_required") && !(secmode & 8))
		probe_risk(out, "smb-signing-not-required");
	if (rd_le64(m, &systime) && !json_object_get(o, "system_time"))
		json_object_set_new(o, "system_time",
		    json_integer(filetime_unix(systime)));
}

static enum probe_verdict
smb_parse_neg1(struct rd *msg, json_t *out)
{
	json_t *o = smb_obj(out);
	uint8_t magic[4], cmd, wc;
	uint16_t idx;
	uint32_t status;

	if (!rd_copy(msg, magic, 4))
		return PROBE_NO_MATCH;
	json_object_set_new(out, "service", json_string("smb"));
	if (!memcmp(magic, "\xfeSMB", 4)) {
		json_object_set_new(o, "smb1_accepted", json_false());
		json_object_set_new(o, "smb1_evidence", json_string("answered SMB2"));
		return PROBE_MATCH;
	}
	if (memcmp(magic, "\xffSMB", 4))
		return PROBE_NO_MATCH;
	if (!rd_u8(msg, &cmd) || cmd != 0x72 || !rd_le32(msg, &status) ||
	    !rd_skip(msg, SMB1_HDR - 9) || !rd_u8(msg, &wc))
		return PROBE_MALFORMED;
	if (status != 0 || wc == 0 || !rd_le16(msg, &idx) || idx != 0) {
		json_object_set_new(o, "smb1_accepted", json_false());
		json_object_set_new(o, "smb1_evidence",
		    json_string("NT LM 0.12 refused"));
		return PROBE_MATCH;
	}
	json_object_set_new(o, "smb1_accepted", json_true());
	json_object_set_new(o, "smb1_evidence", json_string("NT LM 0.12 accepted"));
	probe_risk(out, "smb1-enabled");
	smb1_record(o, out, wc, msg);
	return PROBE_MATCH;
}

static enum probe_verdict
smb_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	enum smb_phase ph = smb_phase(ctx);
	struct rd msg;
	int r;

	if (ph == SMB_DONE)
		return PROBE_NO_MATCH;
	if (ph == SMB_NBSS) {
		enum probe_verdict v = smb_parse_nbss(in, out);

		/* second session request on 139: SMB is already known */
		if (ctx->step > 0 && ctx->eof && v == PROBE_NEED_MORE)
			return PROBE_MATCH;
		return v;
	}
	r = smb_frame(in, &msg);
	if (r > 0 && ph == SMB_SESS)
		return smb_parse_sess(&msg, out);
	if (ph == SMB_SESS)	/* no usable answer: go on to SMB1 */
		return ctx->eof || r < 0 ? PROBE_RECONNECT : PROBE_NEED_MORE;
	if (r > 0)
		return ph == SMB_NEG2 ? smb_parse_neg2(&msg, out, ctx->port != 139) :
		    smb_parse_neg1(&msg, out);
	if (ph == SMB_NEG1 && ctx->eof) {
		/* MS-SMB2 3.3.5.3.2: no SMB1 -> disconnect without a reply */
		json_object_set_new(smb_obj(out), "smb1_evidence",
		    json_string(rd_left(in) ? "unrecognised reply" :
		    "connection closed without a reply"));
		return PROBE_MATCH;
	}
	return r == 0 ? PROBE_NEED_MORE : PROBE_NO_MATCH;
}

const struct probe probe_smb = {
	.name = "smb",
	.summary = "SMB2/3 dialect and signing, and whether SMB1 (NT LM 0.12) is still accepted",
	.ports = smb_ports,
	.flags = PROBE_BY_PORT_ONLY,
	.max_reply = 16384,
	.timeout_ms = 5000,
	.hello = smb_hello,
	.parse = smb_parse,
};
