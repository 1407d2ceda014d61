/*
 * policy_services.c - service names and port sets.
 *
 * A policy names services the way a hospital IT team talks about them
 * ("rdp", "dicom", "hl7"); the table below maps each name to its protocol
 * and well-known ports.  Anything else is written "tcp/NNNN",
 * "udp/NNNN" or "tcp/NNNN-MMMM".  Port sets ("22,80,8000-8100") are
 * bitmaps so membership is one shift.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define TCP 6
#define UDP 17

struct service_def {
	const char *name;
	uint8_t proto;
	uint16_t ports[12];	/* 0-terminated; a run "a, 0xffff, b" is a..b */
};

#define RUN 0xffff

static const struct service_def services[] = {
	{ "ftp", TCP, { 21 } },
	{ "ssh", TCP, { 22 } },
	{ "telnet", TCP, { 23 } },
	{ "smtp", TCP, { 25, 587 } },
	{ "dns", UDP, { 53 } },
	{ "dns-tcp", TCP, { 53 } },
	{ "tftp", UDP, { 69 } },
	{ "http", TCP, { 80, 8000, 8008, 8080 } },
	{ "kerberos", TCP, { 88 } },
	{ "dicom", TCP, { 104, 11112 } },
	{ "pop3", TCP, { 110 } },
	{ "ntp", UDP, { 123 } },
	{ "msrpc", TCP, { 135 } },
	{ "smb", TCP, { 139, 445 } },
	{ "imap", TCP, { 143 } },
	{ "snmp", UDP, { 161 } },
	{ "ldap", TCP, { 389 } },
	{ "https", TCP, { 443, 4443, 8443, 10443 } },
	{ "ike", UDP, { 500, 4500 } },
	{ "modbus", TCP, { 502 } },
	{ "syslog", UDP, { 514 } },
	{ "lpd", TCP, { 515 } },
	{ "ipp", TCP, { 631 } },
	{ "ldaps", TCP, { 636 } },
	{ "openvpn", UDP, { 1194 } },
	{ "openvpn-tcp", TCP, { 1194 } },
	{ "mssql", TCP, { 1433 } },
	{ "oracle", TCP, { 1521 } },
	{ "pptp", TCP, { 1723 } },
	{ "mqtt", TCP, { 1883, 8883 } },
	{ "nfs", TCP, { 2049 } },
	{ "hl7", TCP, { 2575 } },
	{ "mysql", TCP, { 3306 } },
	{ "rdp", TCP, { 3389 } },
	{ "postgresql", TCP, { 5432 } },
	{ "vnc", TCP, { 5900, RUN, 5910 } },
	{ "winrm", TCP, { 5985, 5986 } },
	{ "redis", TCP, { 6379 } },
	{ "jetdirect", TCP, { 9100, RUN, 9107 } },
	{ "bacnet", UDP, { 47808 } },
};

static int
put(uint16_t *ports, size_t max, size_t *n, unsigned port)
{
	if (*n >= max)
		return -1;
	ports[(*n)++] = (uint16_t)port;
	return 0;
}

static int
def_ports(const struct service_def *d, uint16_t *ports, size_t max, size_t *n)
{
	for (size_t i = 0; i < 12 && d->ports[i]; i++) {
		if (d->ports[i] == RUN)
			continue;
		if (i + 2 < 12 && d->ports[i + 1] == RUN) {
			for (unsigned p = d->ports[i]; p <= d->ports[i + 2]; p++)
				if (put(ports, max, n, p) < 0)
					return -1;
			i += 2;
		} else if (put(ports, max, n, d->ports[i]) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Digits only, 1-65535; the end of the number in *end. */
static int
port_num(const char *s, const char **end, unsigned *out)
{
	char *e;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || v < 1 || v > 65535)
		return -1;
	*end = e;
	*out = (unsigned)v;
	return 0;
}

/* "tcp/NNNN" or "udp/NNNN-MMMM". */
static int
proto_ports(const char *s, uint8_t *proto, uint16_t *ports, size_t max, size_t *n)
{
	const char *e;
	unsigned lo, hi;

	if (!strncmp(s, "tcp/", 4))
		*proto = TCP;
	else if (!strncmp(s, "udp/", 4))
		*proto = UDP;
	else
		return -1;
	if (port_num(s + 4, &e, &lo) < 0)
		return -1;
	hi = lo;
	if (*e == '-' && port_num(e + 1, &e, &hi) < 0)
		return -1;
	if (*e || hi < lo || hi - lo >= max)
		return -1;
	for (unsigned p = lo; p <= hi; p++)
		ports[(*n)++] = (uint16_t)p;
	return 0;
}

int
policy_service_ports(const char *service, uint8_t *proto, uint16_t *ports,
		     size_t max, size_t *n)
{
	*n = 0;
	if (!service)
		return -1;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if (strcmp(services[i].name, service))
			continue;
		*proto = services[i].proto;
		return def_ports(&services[i], ports, max, n);
	}
	return proto_ports(service, proto, ports, max, n);
}

void
portset_add(struct portset *s, uint16_t port)
{
	if (portset_has(s, port))
		return;
	s->bits[port >> 3] |= (uint8_t)(1u << (port & 7));
	s->count++;
}

/* One comma-separated piece: "80" or "8000-8100". */
static int
portset_piece(struct portset *s, const char *piece, char *err, size_t errlen)
{
	const char *e;
	unsigned lo, hi;

	if (port_num(piece, &e, &lo) < 0)
		goto bad;
	hi = lo;
	if (*e == '-' && port_num(e + 1, &e, &hi) < 0)
		goto bad;
	if (*e)
		goto bad;
	if (hi < lo) {
		snprintf(err, errlen, "'%s': the range is reversed", piece);
		return -1;
	}
	for (unsigned p = lo; p <= hi; p++)
		portset_add(s, (uint16_t)p);
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a port or port range (1-65535)", piece);
	return -1;
}

int
portset_parse(struct portset *s, const char *spec, char *err, size_t errlen)
{
	char piece[32];
	const char *p = spec;

	if (!spec) {
		snprintf(err, errlen, "no ports given");
		return -1;
	}
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof(piece)) {
			snprintf(err, errlen, "'%.40s': %s", spec,
				 n ? "a port piece is too long" : "empty port in list");
			return -1;
		}
		memcpy(piece, p, n);
		piece[n] = '\0';
		if (portset_piece(s, piece, err, errlen) < 0)
			return -1;
		if (!c)
			return 0;
		p = c + 1;
	}
}
