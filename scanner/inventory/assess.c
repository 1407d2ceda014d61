/*
 * assess.c - end of support and remote-maintenance paths per device.
 *
 * End of support (checklist: security patches): every software string a
 * device's services revealed is matched against the support-end table;
 * a device gets one row per distinct entry matched.  Out-of-support rows
 * become findings whose severity rises with the time since support ended
 * (under 1 year high, then critical for an OS or firmware; software one
 * step lower).
 *
 * Remote maintenance (checklist R7 2-②): every way someone outside can
 * operate a device — inbound remote-access services, remote-support tools,
 * VPN appliances, and outbound sessions to remote-support relays seen in
 * captures — with the policy's vendor declaration covering it, if any.  An
 * undeclared path is a finding (the Osaka pattern); a declared one past
 * its `until:` date is too.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "inventory.h"
#include "scanner/core/addr.h"
#include "scanner/core/results.h"
#include "scanner/input/policy.h"

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static json_t *
finding(const char *rule, const char *sev, const char *title_en, const char *title_ja,
	const char *remedy_en, const char *remedy_ja, const char *checklist,
	const char *addr, const char *evidence, const char *extra)
{
	char key[512];

	snprintf(key, sizeof(key), "%s|%s|||%s", rule, addr ? addr : "", extra ? extra : "");
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s*, s:s, s:s}",
			 "rule", rule, "severity", sev, "title", "en", title_en, "ja", title_ja,
			 "remedy", "en", remedy_en, "ja", remedy_ja, "checklist", checklist,
			 "addr", addr, "evidence", evidence, "key", key);
}

/* --- end of support ----------------------------------------------------------- */

static const char *
eos_severity(const struct eos_entry *e, long days_out)
{
	int os = strcmp(e->kind, "software") != 0;

	if (days_out < 0)
		return "info";
	if (days_out < 365)
		return os ? "high" : "medium";
	return os ? "critical" : "high";
}

json_t *
inv_eos(json_t *devices, const struct eos_table *t, time_t today, json_t *findings)
{
	json_t *rows = json_array(), *d, *s;
	const char *k;
	size_t i;

	json_object_foreach(devices, k, d) {
		json_t *seen = json_array();
		const char *addr = json_string_value(json_array_get(json_object_get(d, "addrs"), 0));

		json_array_foreach(json_object_get(d, "software"), i, s) {
			const char *soft = json_string_value(s);
			const struct eos_entry *e = eos_match(t, soft);
			long days_out;
			char ev[1200];
			json_t *row;
			size_t j;
			int dup = 0, shared;

			if (!e)
				continue;
			for (j = 0; j < json_array_size(seen); j++)
				if (!strcmp(json_string_value(json_array_get(seen, j)), e->id))
					dup = 1;
			if (dup)
				continue;
			json_array_append_new(seen, json_string(e->id));
			days_out = (long)((today - e->end) / 86400);
			/* past the client's date, but the same build is a server or
			 * LTSC edition still supported: the edition decides */
			shared = days_out > 0 && e->shared_until && today <= e->shared_until;
			row = json_pack("{s:s, s:s*, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
					"device", k, "addr", addr, "evidence", soft, "entry", e->id,
					"name", e->name, "kind", e->kind, "support_end", e->end_str,
					"status", shared ? "edition-dependent" :
						  days_out > 0 ? "out-of-support" : "supported",
					"days_out", (json_int_t)(days_out > 0 ? days_out : 0),
					"source", e->source);
			if (shared)
				json_object_set_new(row, "shared_until",
						    json_string(e->shared_until_str));
			if (e->note[0])
				json_object_set_new(row, "note", json_string(e->note));
			json_array_append_new(rows, row);
			if (days_out <= 0)
				continue;
			if (shared)
				snprintf(ev, sizeof(ev), "%s: %s, support of the client edition ended "
					 "%s (%ld days ago; %s); %s - confirm the edition (supported "
					 "until %s only as that edition)", soft, e->name, e->end_str,
					 days_out, e->source, e->note, e->shared_until_str);
			else
				snprintf(ev, sizeof(ev), "%s: %s, support ended %s (%ld days ago; %s)%s%s",
					 soft, e->name, e->end_str, days_out, e->source,
					 e->note[0] ? "; " : "", e->note);
			json_array_append_new(findings, finding(
				"OUT_OF_SUPPORT", shared ? "low" : eos_severity(e, days_out),
				"Software or OS past the end of vendor support",
				"サポートが終了したOS・ソフトウェアが稼働している",
				"Update to a supported release, or isolate the device and agree a "
				"replacement date with its vendor; record it in the ledger.",
				"サポート中の版へ更新するか、機器を隔離し保守事業者と更新時期を合意して台帳に記録してください。",
				"セキュリティパッチ", addr, ev, e->id));
		}
		json_decref(seen);
	}
	return rows;
}

/* --- remote maintenance ------------------------------------------------------------- */

struct rport {
	const char *proto;
	unsigned lo, hi;
	const char *path;
	const char *kind;	/* "remote-access", "remote-support-tool", "vpn" */
};

static const struct rport rports[] = {
	{ "tcp", 3389, 3389, "rdp", "remote-access" },
	{ "tcp", 5900, 5903, "vnc", "remote-access" },
	{ "tcp", 22, 22, "ssh", "remote-access" },
	{ "tcp", 23, 23, "telnet", "remote-access" },
	{ "tcp", 5985, 5986, "winrm", "remote-access" },
	{ "tcp", 4899, 4899, "radmin", "remote-support-tool" },
	{ "tcp", 5938, 5938, "teamviewer", "remote-support-tool" },
	{ "tcp", 7070, 7070, "anydesk", "remote-support-tool" },
	{ "tcp", 21115, 21119, "rustdesk", "remote-support-tool" },
	{ "tcp", 6783, 6785, "splashtop", "remote-support-tool" },
	{ "tcp", 8040, 8041, "screenconnect", "remote-support-tool" },
	{ "tcp", 1494, 1494, "citrix-ica", "remote-access" },
	{ "tcp", 1723, 1723, "pptp", "vpn" },
	{ "udp", 1194, 1194, "openvpn", "vpn" },
	{ "tcp", 1194, 1194, "openvpn", "vpn" },
	{ "udp", 500, 500, "ipsec", "vpn" },
	{ "udp", 4500, 4500, "ipsec", "vpn" },
	{ NULL, 0, 0, NULL, NULL },
};

/* Names of remote-support relays (suffix match on DNS/SNI/peer names). */
static const struct {
	const char *suffix, *tool;
} relays[] = {
	{ "teamviewer.com", "teamviewer" }, { "anydesk.com", "anydesk" },
	{ "net.anydesk.com", "anydesk" }, { "rustdesk.com", "rustdesk" },
	{ "splashtop.com", "splashtop" }, { "screenconnect.com", "screenconnect" },
	{ "connectwise.com", "screenconnect" }, { "logmein.com", "logmein" },
	{ "logme.in", "logmein" }, { "gotoassist.com", "gotoassist" },
	{ "remoteview.rsupport.com", "rsupport" }, { "rsupport.com", "rsupport" },
	{ "islonline.net", "islonline" }, { "bomgarcloud.com", "beyondtrust" },
	{ "beyondtrustcloud.com", "beyondtrust" }, { "realvnc.com", "realvnc" },
	{ "zoho.com", "zoho-assist" }, { NULL, NULL },
};

static const char *
relay_tool(const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; relays[i].suffix; i++) {
		size_t m = strlen(relays[i].suffix);

		if (n >= m && !strcasecmp(name + n - m, relays[i].suffix) &&
		    (n == m || name[n - m - 1] == '.'))
			return relays[i].tool;
	}
	return NULL;
}

/* The service rule or vendor of the policy that declares this path. */
static const struct service_rule *
declared_rule(const struct policy *p, const struct addr *a, const char *proto, unsigned port)
{
	const struct zone *z = p ? policy_zone_of(p, a) : NULL;
	uint8_t ip = !strcmp(proto, "udp") ? 17 : 6;

	if (!p)
		return NULL;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct service_rule *r = &p->rules[i];
		int port_ok = 0, zone_ok = r->nzones == 0;

		if (r->deny || r->proto != ip)
			continue;
		for (size_t j = 0; j < r->nports; j++)
			if (r->ports[j] == port)
				port_ok = 1;
		for (size_t j = 0; z && j < r->nzones; j++)
			if (!strcmp(r->zones[j], z->name))
				zone_ok = 1;
		if (port_ok && zone_ok)
			return r;
	}
	return NULL;
}

static const struct vendor *
vendor_for_zone(const struct policy *p, const struct addr *a)
{
	const struct zone *z = p ? policy_zone_of(p, a) : NULL;

	for (size_t i = 0; z && i < p->nvendors; i++)
		for (size_t j = 0; j < p->vendors[i].nmay_reach; j++)
			if (!strcmp(p->vendors[i].may_reach[j], z->name))
				return &p->vendors[i];
	return NULL;
}

static void
path_row(json_t *rows, json_t *findings, const struct policy *p, time_t today,
	 const char *device, const char *addr, const char *path, const char *kind,
	 const char *via, const char *evidence, const char *proto, unsigned port,
	 const char *last_seen)
{
	struct addr a;
	const struct service_rule *r = NULL;
	const struct vendor *v = NULL;
	char ev[512], extra[128];
	json_t *row;
	int expired = 0;

	if (addr && addr_parse(addr, &a) == 0) {
		r = port ? declared_rule(p, &a, proto, port) : NULL;
		if (!r)
			v = vendor_for_zone(p, &a);
	}
	for (size_t i = 0; r && !v && r->vendor[0] && i < p->nvendors; i++)
		if (!strcmp(p->vendors[i].name, r->vendor))
			v = &p->vendors[i];	/* the rule's vendor: its window */
	if (r && r->until && r->until < today)
		expired = 1;
	row = json_pack("{s:s, s:s*, s:s, s:s, s:s, s:s, s:b, s:s*, s:s*}", "device", device,
			"addr", addr, "path", path, "kind", kind, "via", via, "evidence", evidence,
			"declared", r || v,
			"vendor", r && r->vendor[0] ? r->vendor : v ? v->name : NULL,
			"last_seen", last_seen && *last_seen ? last_seen : NULL);
	if (r && r->until_str[0])
		json_object_set_new(row, "until", json_string(r->until_str));
	if (r)
		json_object_set_new(row, "policy_rule", json_string(r->name));
	if (v && v->window[0])
		json_object_set_new(row, "window", json_string(v->window));
	json_array_append_new(rows, row);
	snprintf(extra, sizeof(extra), "%s/%s", path, via);
	if (!r && !v) {
		snprintf(ev, sizeof(ev), "%s (%s) — no vendor or service rule of the policy declares it",
			 evidence, via);
		json_array_append_new(findings, finding(
			"UNDECLARED_REMOTE_PATH", !strcmp(via, "outbound-relay") ? "critical" : "high",
			"Remote-maintenance path the policy does not declare",
			"届け出のないリモートメンテナンス経路",
			"Confirm with the vendor (事業者確認) whether this path is theirs; declare it in "
			"the policy with its sources and until: date, or close it.",
			"保守事業者に確認し、正規の経路であれば接続元と期限を定めてポリシーに登録し、不要なら閉じてください。",
			"リモートメンテナンス", addr, ev, extra));
	} else if (expired) {
		snprintf(ev, sizeof(ev), "%s (%s): policy rule %s%s%s ended %s", evidence, via,
			 r->name, r->vendor[0] ? " of vendor " : "", r->vendor, r->until_str);
		json_array_append_new(findings, finding(
			"REMOTE_PATH_EXPIRED", "high",
			"Remote-maintenance path still open after its approval ended",
			"許可期限を過ぎたリモートメンテナンス経路が残っている",
			"Close the path, or renew the approval with a new until: date after a review.",
			"経路を閉じるか、見直しのうえ新しい期限で許可を更新してください。",
			"リモートメンテナンス", addr, ev, extra));
	}
}

static const struct rport *
rport_of(const char *proto, unsigned port, const char *service)
{
	for (int i = 0; rports[i].proto; i++)
		if (!strcmp(rports[i].proto, proto) &&
		    ((port >= rports[i].lo && port <= rports[i].hi) ||
		     (service && *service && !strcmp(service, rports[i].path))))
			return &rports[i];
	return NULL;
}

json_t *
inv_remote(struct results *const *docs, size_t ndocs, json_t *devices,
	   const struct policy *p, time_t today, json_t *findings)
{
	json_t *rows = json_array(), *d, *s, *f;
	const char *k;
	size_t i;

	/* inbound: services on each device */
	json_object_foreach(devices, k, d) {
		json_array_foreach(json_object_get(d, "services"), i, s) {
			unsigned port = (unsigned)json_integer_value(json_object_get(s, "port"));
			const struct rport *rp = rport_of(str(s, "proto"), port, str(s, "service"));
			json_t *risks = json_object_get(s, "risks");
			int tool = 0, vpn = 0;
			size_t j;
			json_t *r;
			char ev[256];

			json_array_foreach(risks, j, r) {
				if (!strcmp(json_string_value(r), "remote-support-tool"))
					tool = 1;
				if (!strcmp(json_string_value(r), "vpn-portal-exposed"))
					vpn = 1;
			}
			if (!rp && !tool && !vpn)
				continue;
			snprintf(ev, sizeof(ev), "%s/%u %s%s%s", str(s, "proto"), port,
				 *str(s, "service") ? str(s, "service") : rp ? rp->path : "",
				 *str(s, "product") ? " " : "", str(s, "product"));
			path_row(rows, findings, p, today, k, str(s, "addr"),
				 rp ? rp->path : vpn ? "vpn-portal" : "remote-support-tool",
				 tool ? "remote-support-tool" : vpn ? "vpn" : rp->kind,
				 "inbound-service", ev, str(s, "proto"), port, str(d, "last_seen"));
		}
	}
	/* outbound: flows from inside to remote-support relays */
	for (size_t n = 0; n < ndocs; n++)
		json_array_foreach(results_array(docs[n], "flows"), i, f) {
			const char *name = str(f, "peer_name"), *tool = *name ? relay_tool(name) : NULL;
			const char *ra = str(f, "remote_access");
			char ev[320];

			if (strcmp(str(f, "direction"), "outbound"))
				continue;
			if (!tool && (!*ra || (strcmp(ra, "teamviewer") && strcmp(ra, "anydesk") &&
					       strcmp(ra, "rustdesk") && strcmp(ra, "splashtop"))))
				continue;
			snprintf(ev, sizeof(ev), "%s -> %s%s%s%s port %lld", str(f, "src"), str(f, "dst"),
				 *name ? " (" : "", name, *name ? ")" : "",
				 (long long)json_integer_value(json_object_get(f, "dport")));
			path_row(rows, findings, p, today, str(f, "src"), str(f, "src"),
				 tool ? tool : ra, "remote-support-tool", "outbound-relay", ev,
				 str(f, "proto"), 0, str(f, "last_seen"));
		}
	return rows;
}
