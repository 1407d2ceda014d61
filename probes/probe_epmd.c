/*
 * probe_epmd.c - Erlang Port Mapper Daemon NAMES request.
 *
 * Step 0 sends NAMES_REQ (u16 length 1, byte 110 'n'; Erlang
 * distribution protocol, "EPMD Protocol") and reads until epmd closes:
 * u32 epmd port, then one "name NODE at port PORT\n" line per registered
 * node.  Node names and ports tell which Erlang systems (RabbitMQ,
 * CouchDB, ejabberd...) run there; nothing is registered or killed.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define EPMD_MAX 4096
#define EPMD_NODES 32

static const uint16_t epmd_ports[] = { 4369, 0 };

static int
epmd_hello(const struct probe_ctx *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	if (ctx->step != 0 || cap < 3)
		return -1;
	buf[0] = 0;
	buf[1] = 1;
	buf[2] = 'n';
	*len = 3;
	return 0;
}

/* "name NODE at port N" -> node, port; 0 when the line is not that. */
static int
epmd_line(const char *s, char *node, size_t nl, long *port)
{
	const char *at;
	long v = 0;
	size_t n;

	if (strncmp(s, "name ", 5))
		return 0;
	s += 5;
	at = strstr(s, " at port ");
	if (!at || at == s)
		return 0;
	n = (size_t)(at - s);
	if (n >= nl)
		n = nl - 1;
	memcpy(node, s, n);
	node[n] = 0;
	at += 9;
	if (*at < '0' || *at > '9')
		return 0;
	while (*at >= '0' && *at <= '9' && v < 100000)
		v = v * 10 + (*at++ - '0');
	if (*at || v > 65535)
		return 0;
	*port = v;
	return 1;
}

static enum probe_verdict
epmd_parse(const struct probe_ctx *ctx, struct rd *in, json_t *out)
{
	uint32_t eport;
	char line[256], node[128];
	json_t *nodes, *o;
	long port;

	if (ctx->step != 0)
		return PROBE_NO_MATCH;
	if (!rd_be32(in, &eport))
		return ctx->eof ? PROBE_NO_MATCH : PROBE_NEED_MORE;
	if (eport == 0 || eport > 65535)
		return PROBE_NO_MATCH;
	if (!ctx->eof && rd_left(in) < EPMD_MAX - 4)
		return PROBE_NEED_MORE;	/* epmd closes after the list */
	nodes = json_array();
	while (rd_left(in) && json_array_size(nodes) < EPMD_NODES) {
		if (!rd_line(in, line, sizeof(line)))
			break;
		if (!*line)
			continue;
		if (!epmd_line(line, node, sizeof(node), &port)) {
			json_decref(nodes);
			return PROBE_NO_MATCH;
		}
		json_array_append_new(nodes, json_pack("{s:s,s:i}", "name", node,
		    "port", (int)port));
	}
	o = json_object();
	json_object_set_new(o, "port", json_integer(eport));
	json_object_set_new(o, "nodes", nodes);
	json_object_set_new(out, "epmd", o);
	json_object_set_new(out, "service", json_string("epmd"));
	json_object_set_new(out, "product", json_string("Erlang Port Mapper Daemon"));
	return PROBE_MATCH;
}

const struct probe probe_epmd = {
	.name = "epmd",
	.summary = "Erlang epmd NAMES_REQ -> registered node names and ports",
	.ports = epmd_ports,
	.max_reply = EPMD_MAX,
	.timeout_ms = 3000,
	.hello = epmd_hello,
	.parse = epmd_parse,
};
