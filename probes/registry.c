/*
 * registry.c - the probe table: one line per probe.
 *
 * Order matters only for probe_for_port(): when two probes share a port
 * the earlier one is tried first.
 */
#include <string.h>

#include "probe.h"

extern const struct probe probe_rdp, probe_tls, probe_http, probe_https,
	probe_ssh, probe_telnet, probe_ftp, probe_smb, probe_vnc, probe_dicom,
	probe_hl7, probe_snmp, probe_ike, probe_openvpn, probe_pptp, probe_banner;
extern const struct probe probe_cascade, probe_cascade_tls;
extern const struct probe probe_http_proxy;	/* open-proxy check (issue 13) */
extern const struct probe probe_redis, probe_memcached, probe_mysql, probe_postgres, probe_dns,
	probe_dns_tcp, probe_ntp, probe_smtp, probe_smtps, probe_imap, probe_imaps, probe_pop3,
	probe_pop3s, probe_ldap, probe_rpcbind, probe_rpcbind_tcp,
	probe_kerberos, probe_kerberos_tcp;
/* probes B (issue 13) */
extern const struct probe probe_mqtt, probe_mqtts, probe_amqp, probe_sip, probe_sip_tcp,
	probe_tftp, probe_ajp, probe_zabbix, probe_epmd, probe_ipmi, probe_netbios,
	probe_ssdp, probe_mdns, probe_pacs, probe_cups, probe_winrm, probe_winrms;
/* probes of branch probes13 (issue 13): databases and remote-support tools */
extern const struct probe probe_mongodb, probe_mssql, probe_oracle_tns, probe_teamviewer,
	probe_anydesk, probe_rustdesk;

const struct probe *const probe_table[] = {
	&probe_rdp,
	&probe_https,
	&probe_http_proxy,	/* before http: 8080 may be a proxy; a web server falls through */
	&probe_http,
	&probe_smtps,		/* mail-over-TLS before the bare TLS probe on 465/993/995 */
	&probe_imaps,
	&probe_pop3s,
	&probe_tls,
	&probe_ssh,
	&probe_telnet,
	&probe_ftp,
	&probe_smb,
	&probe_vnc,
	&probe_dicom,
	&probe_hl7,
	&probe_snmp,
	&probe_ike,
	&probe_openvpn,
	&probe_pptp,
	&probe_redis,
	&probe_memcached,
	&probe_mysql,
	&probe_postgres,
	&probe_dns,
	&probe_dns_tcp,
	&probe_ntp,
	&probe_smtp,
	&probe_imap,
	&probe_pop3,
	&probe_ldap,
	&probe_rpcbind,
	&probe_rpcbind_tcp,
	&probe_kerberos,
	&probe_kerberos_tcp,
	&probe_mqtt,		/* probes B (issue 13) */
	&probe_mqtts,
	&probe_amqp,
	&probe_sip,
	&probe_sip_tcp,
	&probe_tftp,
	&probe_ajp,
	&probe_zabbix,
	&probe_epmd,
	&probe_ipmi,
	&probe_netbios,
	&probe_ssdp,
	&probe_mdns,
	&probe_pacs,
	&probe_cups,
	&probe_winrm,
	&probe_winrms,
	&probe_mongodb,		/* probes13 (issue 13) */
	&probe_mssql,
	&probe_oracle_tns,
	&probe_teamviewer,
	&probe_anydesk,
	&probe_rustdesk,
	&probe_cascade,		/* no ports: the runner's fallback cascade */
	&probe_cascade_tls,
	&probe_banner,		/* last: bounded banner read for unknown ports */
	NULL,
};

const struct probe *
probe_by_name(const char *name)
{
	for (const struct probe *const *p = probe_table; *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

size_t
probe_for_port(uint16_t port, uint8_t proto, const struct probe **out, size_t max)
{
	size_t n = 0;

	for (const struct probe *const *p = probe_table; *p && n < max; p++) {
		int udp = ((*p)->flags & PROBE_UDP) != 0;

		if (udp != (proto == 17) || !(*p)->ports)
			continue;
		for (const uint16_t *q = (*p)->ports; *q; q++)
			if (*q == port) {
				out[n++] = *p;
				break;
			}
	}
	return n;
}

size_t
probe_udp_new_tid_ports(uint16_t *out, size_t max)
{
	size_t n = 0;

	if (!max)
		return 0;
	for (const struct probe *const *p = probe_table; *p; p++)
		if (((*p)->flags & PROBE_UDP_NEW_TID) && (*p)->ports)
			for (const uint16_t *q = (*p)->ports; *q && n + 1 < max; q++)
				out[n++] = *q;
	out[n] = 0;
	return n;
}

void
probe_risk(json_t *out, const char *flag)
{
	json_t *risks = json_object_get(out, "risks");
	json_t *v;
	size_t i;

	if (!json_is_array(risks)) {
		risks = json_array();
		json_object_set_new(out, "risks", risks);
	}
	json_array_foreach(risks, i, v)
		if (!strcmp(json_string_value(v), flag))
			return;
	json_array_append_new(risks, json_string(flag));
}

void
probe_set_str(json_t *obj, const char *key, const uint8_t *s, size_t n)
{
	char buf[512];

	rd_printable(s, n, buf, sizeof(buf));
	json_object_set_new(obj, key, json_string(buf));
}
