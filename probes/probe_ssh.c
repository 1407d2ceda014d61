/*
 * probe_ssh.c - SSH identification string (probes.md section 6).
 *
 * Server speaks first.  We read at most 16 lines / 4 KiB looking for the
 * line "SSH-protoversion-softwareversion[ SP comments]" (RFC 4253 4.2),
 * accept CR LF or bare LF, and send nothing at all: no client ident, no
 * KEXINIT, never any authentication.  "ssh-v1" is flagged for protocol
 * 1.x, including 1.99 (SSH-1 still offered next to SSH-2).
 */
#include <string.h>

#include "probe.h"

#define SSH_MAX_LINES 16
#define SSH_LINE_MAX 256

static const uint16_t ssh_ports[] = { 22, 2222, 0 };

/* Split "SSH-2.0-OpenSSH_9.2p1 Debian-2" into fields of o / out. */
static void
ssh_banner_fields(const char *line, json_t *out, json_t *o)
{
	const char *pv = line + 4, *dash = strchr(pv, '-'), *sp, *us;
	char proto[32], soft[SSH_LINE_MAX];
	size_t n;

	json_object_set_new(o, "banner", json_string(line));
	if (!dash) {
		json_object_set_new(o, "proto_version", json_string(pv));
		return;
	}
	n = (size_t)(dash - pv) < sizeof(proto) - 1 ? (size_t)(dash - pv) : sizeof(proto) - 1;
	memcpy(proto, pv, n);
	proto[n] = 0;
	json_object_set_new(o, "proto_version", json_string(proto));
	if (proto[0] == '1')
		probe_risk(out, "ssh-v1");
	sp = strchr(dash + 1, ' ');
	n = sp ? (size_t)(sp - dash - 1) : strlen(dash + 1);
	if (n >= sizeof(soft))
		n = sizeof(soft) - 1;
	memcpy(soft, dash + 1, n);
	soft[n] = 0;
	json_object_set_new(o, "software", json_string(soft));
	if (sp && sp[1])
		json_object_set_new(o, "comments", json_string(sp + 1));
	us = strchr(soft, '_');
	if (us && us != soft) {
		json_object_set_new(out, "version", json_string(us + 1));
		soft[us - soft] = 0;
	}
	json_object_set_new(out, "product", json_string(soft));
}

static enum probe_verdict
ssh_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	char line[SSH_LINE_MAX], pre[512] = "";
	size_t prelen = 0;

	for (int i = 0; i < SSH_MAX_LINES && rd_left(in); i++) {
		long nl = rd_find(in, "\n", 1);
		int complete = nl >= 0;

		if (!complete && !ctx->eof)
			return PROBE_NEED_MORE;
		rd_line(in, line, sizeof(line));
		if (!strncmp(line, "SSH-", 4)) {
			json_t *o = json_object();

			json_object_set_new(out, "service", json_string("ssh"));
			json_object_set_new(out, "ssh", o);
			ssh_banner_fields(line, out, o);
			if (prelen)
				json_object_set_new(o, "pre_banner", json_string(pre));
			return PROBE_MATCH;
		}
		if (prelen < sizeof(pre) - 2) {
			int w = snprintf(pre + prelen, sizeof(pre) - prelen, "%s%s",
					 prelen ? " | " : "", line);

			if (w > 0)
				prelen += (size_t)w;
			if (prelen >= sizeof(pre))
				prelen = sizeof(pre) - 1;
		}
	}
	return ctx->eof || rd_left(in) ? PROBE_NO_MATCH : PROBE_NEED_MORE;
}

const struct probe probe_ssh = {
	.name = "ssh",
	.summary = "SSH identification string (server speaks first; nothing sent)",
	.ports = ssh_ports,
	.flags = PROBE_SERVER_FIRST,
	.max_reply = 4096,
	.timeout_ms = 5000,
	.parse = ssh_parse,
};
