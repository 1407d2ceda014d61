/*
 * probe_mysql.c - MySQL / MariaDB initial handshake (server speaks first).
 *
 * Sends nothing.  Reads one packet: 3-byte little-endian length, sequence
 * id, then either HandshakeV10 (protocol 10, NUL-terminated server
 * version, connection id, auth-plugin data, capability flags, charset,
 * status, auth plugin name) or an ERR packet (0xff, code, message - e.g.
 * "Host '...' is not allowed to connect").  The version string goes to
 * mysql.server_version; the product rules tell MariaDB ("5.5.5-10.11.6-
 * MariaDB-...") from MySQL and Percona.  The connection is closed without
 * answering the handshake: no login attempt.
 */
#include <string.h>

#include "probe.h"

static const uint16_t mysql_ports[] = { 3306, 3307, 0 };

static enum probe_verdict
mysql_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint32_t plen, connid;
	uint8_t seq, proto;
	struct rd pkt;
	long nul;
	json_t *o;

	if (!rd_be24(in, &plen))	/* read as BE, swapped below */
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	plen = ((plen & 0xff) << 16) | (plen & 0xff00) | (plen >> 16);
	if (plen < 2 || plen > 1024)
		return PROBE_NO_MATCH;
	if (!rd_u8(in, &seq))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (seq != 0)
		return PROBE_NO_MATCH;
	if (!rd_sub(in, &pkt, plen))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!rd_u8(&pkt, &proto))
		return PROBE_NO_MATCH;
	if (proto == 0xff) {
		uint16_t code;

		if (!rd_le16(&pkt, &code) || code < 1000 || code > 5000)
			return PROBE_NO_MATCH;
		o = json_object();
		json_object_set_new(o, "error_code", json_integer(code));
		if (rd_left(&pkt) && rd_ptr(&pkt)[0] == '#')
			rd_skip(&pkt, rd_left(&pkt) >= 6 ? 6 : rd_left(&pkt));
		probe_set_str(o, "error", rd_ptr(&pkt), rd_left(&pkt));
		json_object_set_new(out, "mysql", o);
		json_object_set_new(out, "service", json_string("mysql"));
		return PROBE_MATCH;
	}
	if (proto != 10)
		return PROBE_NO_MATCH;
	nul = rd_find(&pkt, "\0", 1);
	if (nul <= 0 || nul > 100)
		return PROBE_NO_MATCH;
	for (long i = 0; i < nul; i++)
		if (rd_ptr(&pkt)[i] < 0x20 || rd_ptr(&pkt)[i] > 0x7e)
			return PROBE_NO_MATCH;
	o = json_object();
	json_object_set_new(out, "mysql", o);
	json_object_set_new(out, "service", json_string("mysql"));
	json_object_set_new(o, "protocol", json_integer(proto));
	probe_set_str(o, "server_version", rd_ptr(&pkt), (size_t)nul);
	rd_skip(&pkt, (size_t)nul + 1);
	if (rd_le32(&pkt, &connid) && rd_skip(&pkt, 9)) {
		uint16_t caplo, caphi = 0, status = 0;
		uint8_t cs = 0, alen = 0;

		json_object_set_new(o, "connection_id", json_integer(connid));
		if (rd_le16(&pkt, &caplo)) {
			int more = rd_u8(&pkt, &cs) && rd_le16(&pkt, &status) && rd_le16(&pkt, &caphi) &&
				   rd_u8(&pkt, &alen);
			uint32_t caps = (uint32_t)caphi << 16 | caplo;

			json_object_set_new(o, "capabilities", json_integer(caps));
			json_object_set_new(o, "ssl", json_boolean(caplo & 0x0800));
			if (more && rd_skip(&pkt, 10)) {
				/* auth-plugin-data part 2, then the plugin name */
				size_t p2 = alen > 8 ? (size_t)alen - 8 : 13;

				if (p2 < 13)
					p2 = 13;
				if (rd_skip(&pkt, p2) && rd_left(&pkt)) {
					long z = rd_find(&pkt, "\0", 1);
					size_t pn = z >= 0 ? (size_t)z : rd_left(&pkt);

					probe_set_str(o, "auth_plugin", rd_ptr(&pkt), pn > 64 ? 64 : pn);
				}
			}
		}
	}
	return PROBE_MATCH;
}

const struct probe probe_mysql = {
	.name = "mysql",
	.summary = "MySQL/MariaDB handshake: version, TLS capability, auth plugin",
	.ports = mysql_ports,
	.flags = PROBE_SERVER_FIRST,
	.max_reply = 2048,
	.timeout_ms = 5000,
	.parse = mysql_parse,
};
