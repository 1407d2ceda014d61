/*
 * probe_rpcbind.c - ONC RPC portmapper DUMP (RFC 1833), UDP and TCP.
 *
 * Sends one CALL: xid 0x48454949, program 100000 (portmapper) version 2,
 * procedure 4 (PMAPPROC_DUMP), AUTH_NULL credential and verifier - what
 * `rpcinfo -p` sends.  Over TCP the call carries the record mark
 * (0x80000000 | length, RFC 5531 11).  The reply lists every registered
 * RPC program (program, version, protocol, port): NFS, mountd, NIS, status
 * ... which tells what else the host serves.  Fields: rpcbind.programs[]
 * {program, name, version, proto, port} (at most 64), rpcbind.count.
 * Nothing is registered, unset or called through the portmapper.
 */
#include <string.h>

#include "probe.h"

#define RPC_XID 0x48454949u

static const uint16_t rpc_ports[] = { 111, 0 };

static const uint8_t rpc_call[] = {
	0x48, 0x45, 0x49, 0x49,	/* xid */
	0, 0, 0, 0,		/* CALL */
	0, 0, 0, 2,		/* RPC version 2 */
	0, 1, 0x86, 0xa0,	/* program 100000 */
	0, 0, 0, 2,		/* version 2 */
	0, 0, 0, 4,		/* DUMP */
	0, 0, 0, 0, 0, 0, 0, 0,	/* cred AUTH_NULL, length 0 */
	0, 0, 0, 0, 0, 0, 0, 0,	/* verf AUTH_NULL, length 0 */
};

static int
rpc_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len, int tcp)
{
	size_t o = tcp ? 4 : 0;

	if (ctx->step != 0 || cap < sizeof(rpc_call) + o)
		return -1;
	if (tcp) {
		buf[0] = 0x80;
		buf[1] = 0;
		buf[2] = 0;
		buf[3] = sizeof(rpc_call);
	}
	memcpy(buf + o, rpc_call, sizeof(rpc_call));
	*len = sizeof(rpc_call) + o;
	return 0;
}

static int
rpc_hello_udp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return rpc_hello(ctx, buf, cap, len, 0);
}

static int
rpc_hello_tcp(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	return rpc_hello(ctx, buf, cap, len, 1);
}

static const char *
rpc_name(uint32_t prog)
{
	switch (prog) {
	case 100000: return "portmapper";
	case 100003: return "nfs";
	case 100005: return "mountd";
	case 100021: return "nlockmgr";
	case 100024: return "status";
	case 100004: return "ypserv";
	case 100007: return "ypbind";
	case 100227: return "nfs_acl";
	case 100011: return "rquotad";
	default:     return NULL;
	}
}

/* The RPC message (no record mark); verdict. */
static enum probe_verdict
rpc_msg(struct rd *m, json_t *out)
{
	uint32_t xid, type, stat, vflav, vlen, acc, more;
	json_t *o, *progs;
	int n = 0;

	if (!rd_be32(m, &xid) || !rd_be32(m, &type))
		return PROBE_NEED_MORE;
	if (xid != RPC_XID || type != 1)
		return PROBE_NO_MATCH;
	if (!rd_be32(m, &stat))
		return PROBE_NEED_MORE;
	o = json_object();
	json_object_set_new(out, "rpcbind", o);
	json_object_set_new(out, "service", json_string("rpcbind"));
	if (stat != 0) {
		json_object_set_new(o, "denied", json_true());
		return PROBE_MATCH;
	}
	if (!rd_be32(m, &vflav) || !rd_be32(m, &vlen) || vlen > 400 || !rd_skip(m, (vlen + 3) & ~3u) ||
	    !rd_be32(m, &acc))
		return PROBE_NEED_MORE;
	json_object_set_new(o, "accept_stat", json_integer(acc));
	if (acc != 0)
		return PROBE_MATCH;
	progs = json_array();
	json_object_set_new(o, "programs", progs);
	for (int i = 0; i < 1024; i++) {
		uint32_t prog, vers, prot, port;

		if (!rd_be32(m, &more))
			return PROBE_NEED_MORE;
		if (!more)
			break;
		if (!rd_be32(m, &prog) || !rd_be32(m, &vers) || !rd_be32(m, &prot) || !rd_be32(m, &port))
			return PROBE_NEED_MORE;
		n++;
		if (json_array_size(progs) < 64) {
			json_t *e = json_pack("{s:I, s:I, s:s, s:I}", "program", (json_int_t)prog,
					      "version", (json_int_t)vers,
					      "proto", prot == 6 ? "tcp" : prot == 17 ? "udp" : "other",
					      "port", (json_int_t)(port & 0xffff));

			if (e && rpc_name(prog))
				json_object_set_new(e, "name", json_string(rpc_name(prog)));
			if (e)
				json_array_append_new(progs, e);
		}
	}
	json_object_set_new(o, "count", json_integer(n));
	return PROBE_MATCH;
}

static enum probe_verdict
rpc_parse_udp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	enum probe_verdict v;

	if (!rd_left(in))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	v = rpc_msg(in, out);
	/* a datagram is complete: truncated means broken */
	return v == PROBE_NEED_MORE ? (json_object_get(out, "rpcbind") ? PROBE_MALFORMED : PROBE_NO_MATCH) : v;
}

static enum probe_verdict
rpc_parse_tcp(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint32_t mark;
	struct rd m;
	enum probe_verdict v;

	if (!rd_be32(in, &mark))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (!(mark & 0x80000000u) || (mark & 0x7fffffffu) > 65536 || (mark & 0x7fffffffu) < 8)
		return PROBE_NO_MATCH;	/* one fragment only, bounded */
	if (!rd_sub(in, &m, mark & 0x7fffffffu))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	v = rpc_msg(&m, out);
	return v == PROBE_NEED_MORE ? (json_object_get(out, "rpcbind") ? PROBE_MALFORMED : PROBE_NO_MATCH) : v;
}

const struct probe probe_rpcbind = {
	.name = "rpcbind",
	.summary = "ONC RPC portmapper DUMP over UDP: registered programs",
	.ports = rpc_ports,
	.flags = PROBE_UDP,
	.max_reply = 8192,
	.timeout_ms = 2000,
	.hello = rpc_hello_udp,
	.parse = rpc_parse_udp,
};

const struct probe probe_rpcbind_tcp = {
	.name = "rpcbind-tcp",
	.summary = "ONC RPC portmapper DUMP over TCP: registered programs",
	.ports = rpc_ports,
	.max_reply = 65540,
	.timeout_ms = 3000,
	.hello = rpc_hello_tcp,
	.parse = rpc_parse_tcp,
};
