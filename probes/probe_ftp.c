/*
 * probe_ftp.c - FTP greeting (server speaks first; never logs in).
 *
 * Reads the 220 greeting, including multi-line "220-" continuations up to
 * the final "220 " line (RFC 959 4.2), and names the server when the text
 * says who it is.  Sends nothing: no USER, no anonymous login, no QUIT.
 * Any FTP service is flagged "ftp-cleartext".  SMTP also greets with 220;
 * a greeting that mentions SMTP is left to the banner probe.
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

static enum probe_verdict
ftp_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	char line[256], text[1024] = "";
	size_t tl = 0;
	int done = 0;

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
	return PROBE_MATCH;
}

const struct probe probe_ftp = {
	.name = "ftp",
	.summary = "FTP 220 greeting (server speaks first; never logs in)",
	.ports = ftp_ports,
	.flags = PROBE_SERVER_FIRST,
	.max_reply = 4096,
	.timeout_ms = 5000,
	.parse = ftp_parse,
};
