/*
 * probe_ftp.c - FTP greeting, and optionally a read-only anonymous login.
 *
 * Step 0 reads the 220 greeting, including multi-line "220-" continuations
 * up to the final "220 " line (RFC 959 4.2), and names the server when the
 * text says who it is.  Any FTP service is flagged "ftp-cleartext".  SMTP
 * also greets with 220; a greeting that mentions SMTP is left to the
 * banner probe.
 *
 * With ctx->ftp_anonymous (off unless the scan turns it on; never in
 * fragile zones) the probe then asks, on the same connection:
 *   step 1  USER anonymous        230: in without a password; 331: go on
 *   step 2  PASS <scanner_id>@    230: anonymous login accepted
 *           (or QUIT when USER already answered)
 *   step 3  QUIT
 * and flags "ftp-anonymous" when the server let it in.  Nothing is ever
 * listed, read or written: no LIST, no RETR, no PASV/PORT, no data
 * connection.  "ftp": {"anonymous": "accepted" | "accepted-without-password"
 * | "refused", "anonymous_reply": "<code>"}.
 */
#include <string.h>
#include <strings.h>

#include "probe.h"

#define FTP_MAX_LINES 16

static const uint16_t ftp_ports[] = { 21, 2121, 0 };

static const struct {
	const char *needle, *product;
} ftp_products[] = {
	{ "vsFTPd", "vsftpd" },
	{ "ProFTPD", "ProFTPD" },
	{ "Pure-FTPd", "Pure-FTPd" },
	{ "FileZilla Server", "FileZilla Server" },
	{ "Microsoft FTP Service", "Microsoft ftpd" },
	{ "ZyWALL", "Zyxel ZyWALL ftpd" },
	{ "Serv-U", "Serv-U" },
	{ "wu-", "wu-ftpd" },
	{ NULL, NULL },
};

/* "vsFTPd 3.0.3" -> version "3.0.3" (digits and dots after the name). */
static void
ftp_version(json_t *out, const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	char v[32];
	size_t n = 0;

	if (!p)
		return;
	p += strlen(needle);
	while (*p == ' ' || *p == '/' || *p == 'v')
		p++;
	while (n < sizeof(v) - 1 && ((*p >= '0' && *p <= '9') || *p == '.' ||
				     (n && *p >= 'a' && *p <= 'z')))
		v[n++] = *p++;
	v[n] = 0;
	if (n && v[0] >= '0' && v[0] <= '9')
		json_object_set_new(out, "version", json_string(v));
}

/*
 * One complete reply (RFC 959 4.2: "ddd-" continuation lines up to the
 * final "ddd " line with the same code).  0 with code[4] filled, or
 * PROBE_NEED_MORE, or PROBE_NO_MATCH for something that is no FTP reply.
 */
static int
ftp_reply(const struct probe_ctx *ctx, struct rd *in, char code[4])
{
	char line[256];

	code[0] = '\0';
	for (int i = 0; i < FTP_MAX_LINES; i++) {
		if (!rd_left(in))
			return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
		if (rd_find(in, "\n", 1) < 0 && !ctx->eof)
			return PROBE_NEED_MORE;
		rd_line(in, line, sizeof(line));
		if (strlen(line) < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' ||
		    line[1] > '9' || line[2] < '0' || line[2] > '9')
			continue;	/* a continuation line's text */
		if (!code[0])
			memcpy(code, line, 3), code[3] = '\0';
		if (!strncmp(line, code, 3) && (line[3] == ' ' || line[3] == '\0'))
			return 0;
	}
	return code[0] ? 0 : PROBE_NO_MATCH;
}

static int
ftp_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	char msg[96];
	int w;

	*len = 0;
	if (ctx->step == 0 || !ctx->ftp_anonymous)
		return 0;	/* the server speaks first */
	if (ctx->step == 1)
		w = snprintf(msg, sizeof(msg), "USER anonymous\r\n");
	else if (ctx->step == 2 && ctx->prev_len >= 3 && !memcmp(ctx->prev, "331", 3))
		w = snprintf(msg, sizeof(msg), "PASS %s@\r\n",
			     ctx->scanner_id ? ctx->scanner_id : "heiiki");
	else
		w = snprintf(msg, sizeof(msg), "QUIT\r\n");
	if (w < 0 || (size_t)w >= sizeof(msg) || (size_t)w > cap)
		return -1;
	memcpy(buf, msg, (size_t)w);
	*len = (size_t)w;
	return 0;
}

static void
ftp_anon_result(json_t *out, const char *result, const char *code)
{
	json_t *o = json_object_get(out, "ftp");

	if (!o) {
		o = json_object();
		json_object_set_new(out, "ftp", o);
		json_object_set_new(out, "service", json_string("ftp"));
	}
	json_object_set_new(o, "anonymous", json_string(result));
	json_object_set_new(o, "anonymous_reply", json_string(code));
	if (strncmp(result, "accepted", 8) == 0)
		probe_risk(out, "ftp-anonymous");
}

/* Steps 1-3 of the anonymous check. */
static enum probe_verdict
ftp_parse_anon(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	int after_user = ctx->step == 2 && ctx->prev_len >= 3 && !memcmp(ctx->prev, "331", 3);
	char code[4];
	int rc = ftp_reply(ctx, in, code);

	if (rc == PROBE_NEED_MORE)
		return PROBE_NEED_MORE;
	if (rc != 0)	/* no proper reply: keep what step 0 found */
		return PROBE_MATCH;
	if (ctx->step == 1) {
		if (!strcmp(code, "230"))
			ftp_anon_result(out, "accepted-without-password", code);
		else if (strcmp(code, "331"))
			ftp_anon_result(out, "refused", code);
		return PROBE_NEXT_STEP;	/* PASS, or QUIT */
	}
	if (ctx->step == 2 && after_user) {
		ftp_anon_result(out, !strcmp(code, "230") ? "accepted" : "refused", code);
		return PROBE_NEXT_STEP;	/* QUIT */
	}
	return PROBE_MATCH;		/* the QUIT's 221 */
}

static enum probe_verdict
ftp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	char line[256], text[1024] = "";
	size_t tl = 0;
	int done = 0;

	if (ctx->step > 0)
		return ftp_parse_anon(ctx, in, out);
	for (int i = 0; i < FTP_MAX_LINES && !done && rd_left(in); i++) {
		if (rd_find(in, "\n", 1) < 0 && !ctx->eof)
			return PROBE_NEED_MORE;
		rd_line(in, line, sizeof(line));
		if (i == 0 && (strncmp(line, "220", 3) ||
			       (line[3] != ' ' && line[3] != '-' && line[3] != 0)))
			return PROBE_NO_MATCH;
		if (!strncmp(line, "220 ", 4) || !strcmp(line, "220"))
			done = 1;
		if (tl < sizeof(text) - 1) {
			int w = snprintf(text + tl, sizeof(text) - tl, "%s%s", tl ? "\n" : "", line);

			if (w > 0)
				tl += (size_t)w < sizeof(text) - tl ? (size_t)w : sizeof(text) - 1 - tl;
		}
	}
	if (!tl)
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!done && !ctx->eof)
		return PROBE_NEED_MORE;
	if (strcasestr(text, "SMTP"))
		return PROBE_NO_MATCH;
	json_t *o = json_object();

	json_object_set_new(o, "banner", json_string(text));
	json_object_set_new(out, "ftp", o);
	json_object_set_new(out, "service", json_string("ftp"));
	for (int i = 0; ftp_products[i].needle; i++)
		if (strstr(text, ftp_products[i].needle)) {
			json_object_set_new(out, "product", json_string(ftp_products[i].product));
			ftp_version(out, text, ftp_products[i].needle);
			break;
		}
	probe_risk(out, "ftp-cleartext");
	return ctx->ftp_anonymous ? PROBE_NEXT_STEP : PROBE_MATCH;
}

const struct probe probe_ftp = {
	.name = "ftp",
	.summary = "FTP 220 greeting; read-only anonymous login check when enabled (never lists)",
	.ports = ftp_ports,
	.flags = PROBE_SERVER_FIRST,
	.max_reply = 4096,
	.timeout_ms = 5000,
	.hello = ftp_hello,
	.parse = ftp_parse,
};
