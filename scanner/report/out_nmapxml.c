/*
 * out_nmapxml.c - the results as nmap XML (nmap.dtd, xmloutputversion
 * 1.05) so that tools which import nmap scans (vulnerability managers,
 * asset inventories, Metasploit's db_import, python-libnmap, ...) can
 * read heiiki runs.  nmap.dtd only allows scanner="nmap", and importers
 * that validate would refuse anything else, so the attribute says "nmap"
 * while the args attribute ("heiiki scan") and a comment name heiiki;
 * the output validates against /usr/share/nmap/nmap.dtd (unit test).  Only open (and open|filtered) ports are listed, as nmap
 * does by default.  Service names follow nmap-services where they differ
 * (rdp -> ms-wbt-server, smb -> microsoft-ds).  Findings on a port become
 * <script id="heiiki-RULE" output="..."/> elements of that port, and
 * findings on a host without a port become <hostscript> entries.
 * Times come from the run's start/end only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "scanner/input/policy.h"

static const struct {
	const char *ours, *nmap;
} svc_names[] = {
	{ "rdp", "ms-wbt-server" }, { "smb", "microsoft-ds" }, { "https", "https" },
	{ "vnc", "vnc" }, { "ike", "isakmp" }, { "pptp", "pptp" },
	{ "openvpn", "openvpn" }, { "hl7", "hl7" }, { "dicom", "dicom" },
};

static const char *
nmap_name(const char *svc)
{
	for (size_t i = 0; i < sizeof(svc_names) / sizeof(svc_names[0]); i++)
		if (!strcmp(svc_names[i].ours, svc))
			return svc_names[i].nmap;
	return svc;
}

static void
attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	report_esc_html(f, value);
	fputc('"', f);
}

/* The policy's scanned ports as nmap writes them: "22,80,100-200". */
static int
scaninfo_policy(FILE *f, const struct report *r, const char *proto)
{
	const struct portset *ps;
	int first = 1;

	if (!r->policy)
		return 0;
	ps = !strcmp(proto, "tcp") ? &r->policy->scan.tcp : &r->policy->scan.udp;
	if (!ps->count)
		return 1;
	fprintf(f, "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%u\" services=\"",
		!strcmp(proto, "tcp") ? "syn" : "udp", proto, ps->count);
	for (unsigned p = 0; p < 65536; p++) {
		unsigned q = p;

		if (!portset_has(ps, (uint16_t)p))
			continue;
		while (q + 1 < 65536 && portset_has(ps, (uint16_t)(q + 1)))
			q++;
		fprintf(f, first ? "%u" : ",%u", p);
		if (q > p)
			fprintf(f, "-%u", q);
		first = 0;
		p = q;
	}
	fputs("\"/>\n", f);
	return 1;
}

/*
 * <scaninfo>: the ports that were scanned.  The results document does not
 * list them, so they come from the policy (--policy: scan.tcp_ports and
 * scan.udp_ports); without a policy the open ports are the best known
 * lower bound.
 */
static void
scaninfo(FILE *f, const struct report *r, const char *proto)
{
	json_t *s;
	size_t i, n = 0;
	long long prev = -1;

	if (scaninfo_policy(f, r, proto))
		return;

	json_array_foreach(r->open, i, s)
		n += !strcmp(report_str(s, "proto"), proto);
	if (!n)
		return;
	fprintf(f, "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%zu\" services=\"",
		!strcmp(proto, "tcp") ? "syn" : "udp", proto, n);
	n = 0;
	/* Services are sorted by address first: print the distinct ports in
	 * order by scanning 0..65535 against a small bitmap. */
	{
		static const size_t words = 65536 / 64;
		unsigned long long bits[65536 / 64];

		memset(bits, 0, sizeof(bits));
		json_array_foreach(r->open, i, s) {
			long long p = report_int(s, "port", -1);

			if (!strcmp(report_str(s, "proto"), proto) && p >= 0 && p < 65536)
				bits[p / 64] |= 1ULL << (p % 64);
		}
		for (size_t w = 0; w < words; w++)
			for (unsigned b = 0; b < 64; b++)
				if (bits[w] >> b & 1) {
					fprintf(f, "%s%zu", prev >= 0 ? "," : "", w * 64 + b);
					prev = (long long)(w * 64 + b);
				}
	}
	fputs("\"/>\n", f);
}

/*
 * Findings on (addr, proto, port) - port < 0: findings without a port -
 * as ONE <script id="heiiki-findings">: nmap never writes two scripts
 * with the same id on a port, and Debian's ndiff fails on a port with
 * several.  The output holds one line per finding, "[RULE] severity:
 * title. evidence".
 */
static int
on_port(const json_t *fd, const char *proto, long long port)
{
	long long fp = report_has_port(fd) ? report_int(fd, "port", -1) : -1;

	return port < 0 ? fp < 0 : fp == port && !strcmp(report_str(fd, "proto"), proto);
}

static void
port_findings(FILE *f, const struct report *r, const char *addr, const char *proto,
	      long long port, const char *elem)
{
	json_t *list = json_object_get(r->fnd_of, addr), *fd;
	size_t i, n = 0;
	char line[2048];

	json_array_foreach(list, i, fd) {
		if (!on_port(fd, proto, port))
			continue;
		if (!n++) {
			fprintf(f, "<%s", elem);
			attr(f, "id", "heiiki-findings");
			fputs(" output=\"", f);
		} else {
			fputs("&#xa;", f);
		}
		snprintf(line, sizeof(line), "[%s] %s: %s. %s", report_str(fd, "rule"),
			 report_sev_label(r, report_str(fd, "severity")),
			 report_l10n(r, fd, "title"), report_l10n(r, fd, "evidence"));
		report_esc_html(f, line);
	}
	if (n)
		fputs("\"/>\n", f);
}

static void
port_elem(FILE *f, const struct report *r, const json_t *s)
{
	const char *state = report_str(s, "state"), *svc = report_str(s, "service");
	char portid[16];
	int probed = *report_str(s, "product") || *report_str(s, "version") ||
		     !strcmp(report_str(json_object_get(s, "probe"), "outcome"), "match");

	if (!*state)
		state = "open";
	snprintf(portid, sizeof(portid), "%lld", report_int(s, "port", 0));
	fputs("<port", f);
	attr(f, "protocol", report_str(s, "proto"));
	attr(f, "portid", portid);
	fputs("><state", f);
	attr(f, "state", state);
	attr(f, "reason", !strcmp(state, "open") ? "syn-ack" :
	     !strcmp(state, "closed") ? "reset" : "no-response");
	fputs(" reason_ttl=\"0\"/>", f);
	if (*svc) {
		fputs("<service", f);
		attr(f, "name", nmap_name(svc));
		if (*report_str(s, "product"))
			attr(f, "product", report_str(s, "product"));
		if (*report_str(s, "version"))
			attr(f, "version", report_str(s, "version"));
		fprintf(f, " method=\"%s\" conf=\"%d\"/>", probed ? "probed" : "table",
			probed ? 10 : 3);
	}
	port_findings(f, r, report_str(s, "addr"), report_str(s, "proto"),
		      report_int(s, "port", 0), "script");
	fputs("</port>\n", f);
}

static int
host_level_findings(const struct report *r, const char *addr)
{
	json_t *fd;
	size_t i;

	json_array_foreach(json_object_get(r->fnd_of, addr), i, fd)
		if (!report_has_port(fd))
			return 1;
	return 0;
}

static void
host_elem(FILE *f, const struct report *r, const json_t *h, const char *start,
	  const char *end)
{
	const char *a = report_str(h, "addr");
	json_t *names = json_object_get(h, "hostnames"), *n, *svcs, *s;
	size_t i;

	fprintf(f, "<host starttime=\"%s\" endtime=\"%s\"><status state=\"up\" "
		"reason=\"%s\" reason_ttl=\"0\"/>\n", start, end,
		json_array_size(json_object_get(r->by_addr, a)) ? "syn-ack" : "user-set");
	fputs("<address", f);
	attr(f, "addr", a);
	attr(f, "addrtype", strchr(a, ':') ? "ipv6" : "ipv4");
	fputs("/>\n", f);
	if (*report_str(h, "mac")) {
		fputs("<address", f);
		attr(f, "addr", report_str(h, "mac"));
		fputs(" addrtype=\"mac\"", f);
		if (*report_str(h, "vendor"))
			attr(f, "vendor", report_str(h, "vendor"));
		fputs("/>\n", f);
	}
	fputs("<hostnames>\n", f);
	json_array_foreach(names, i, n) {
		if (!report_name_at(names, i))
			continue;
		fputs("<hostname", f);
		attr(f, "name", report_name_at(names, i));
		fputs(" type=\"PTR\"/>\n", f);
	}
	fputs("</hostnames>\n<ports>\n", f);
	svcs = json_object_get(r->by_addr, a);
	json_array_foreach(svcs, i, s)
		port_elem(f, r, s);
	fputs("</ports>\n", f);
	if (host_level_findings(r, a)) {
		fputs("<hostscript>", f);
		port_findings(f, r, a, "", -1, "script");
		fputs("</hostscript>\n", f);
	}
	fputs("</host>\n", f);
}

static int
xml_write(FILE *f, const struct report *r, char *err, size_t errlen)
{
	long long t0 = report_epoch(report_str(r->run, "start"));
	long long t1 = report_epoch(report_str(r->run, "end"));
	char start[32], end[32], args[256];
	json_t *h;
	size_t i;

	(void)err;
	(void)errlen;
	snprintf(start, sizeof(start), "%lld", t0 > 0 ? t0 : 0);
	snprintf(end, sizeof(end), "%lld", t1 > 0 ? t1 : (t0 > 0 ? t0 : 0));
	snprintf(args, sizeof(args), "heiiki %s", report_str(r->run, "kind"));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n", f);
	fputs("<!-- written by heiiki from a results document (not by nmap) -->\n", f);
	fputs("<nmaprun scanner=\"nmap\"", f);
	attr(f, "args", args);
	fprintf(f, " start=\"%s\"", start);
	attr(f, "startstr", report_str(r->run, "start"));
	attr(f, "version", report_str(r->run, "heiiki_version"));
	fputs(" xmloutputversion=\"1.05\">\n", f);
	scaninfo(f, r, "tcp");
	scaninfo(f, r, "udp");
	fputs("<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n", f);
	json_array_foreach(r->hosts, i, h)
		host_elem(f, r, h, start, end);
	fprintf(f, "<runstats><finished time=\"%s\"", end);
	attr(f, "timestr", report_str(r->run, "end"));
	fprintf(f, " elapsed=\"%lld\" summary=\"heiiki %s: %zu hosts\" exit=\"%s\"/>",
		t0 > 0 && t1 >= t0 ? t1 - t0 : 0LL,
		!strcmp(report_str(r->run, "status"), "complete") ? "complete" : "partial",
		json_array_size(r->hosts),
		!strcmp(report_str(r->run, "status"), "complete") ? "success" : "error");
	fprintf(f, "<hosts up=\"%zu\" down=\"0\" total=\"%zu\"/>\n</runstats>\n</nmaprun>\n",
		json_array_size(r->hosts), json_array_size(r->hosts));
	return 0;
}

const struct report_writer report_nmapxml = {
	.name = "xml",
	.summary = "nmap-compatible XML (nmaprun/host/address/ports/port/state/service)",
	.write = xml_write,
};
