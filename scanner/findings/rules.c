/*
 * rules.c - the findings rule table and the rules about single services.
 *
 * One row per rule (see rules.h).  Ids are stable: history and diff key on
 * them, so an id is never renamed or reused.  Severity is the rule's
 * default; only SERVICE_NOT_EXPECTED lowers it for ports that are not
 * remote access or file sharing (docs/findings.md explains why).  Table
 * order matters once: SERVICE_NOT_EXPECTED comes after the specific
 * service rules and stays silent on a service they already reported.  Rules
 * about flows, exits and geography are in rules_flow.c.
 */
#include <string.h>

#include "rules_priv.h"

#define EACH_SERVICE(c, i, svc) \
	json_array_foreach(json_object_get((c)->root, "services"), i, svc)

static void
rule_rdp_not_allowed(const struct rule *self, struct fctx *c)
{
	const struct addr *src = c->has_vantage_addr ? &c->vantage_addr : NULL;
	char vbuf[ADDR_STRLEN] = "";
	json_t *s;
	size_t i;

	if (!c->p || (!src && !*c->vantage_zone))
		return;		/* who reached it is unknown: nothing to judge */
	if (src)
		addr_fmt(src, vbuf);
	EACH_SERVICE(c, i, s) {
		const char *a = rj_str(s, "addr"), *zone = finding_zone_of(c, a);
		long long port = rj_int(s, "port");

		if (!rj_svc_open(s) || !rj_svc_is(s, "rdp", "tcp", 3389))
			continue;
		if (rp_allowed(c->p, zone, "tcp", port, "rdp", src, c->vantage_zone, 1))
			continue;
		finding_emit(c, self, a, "tcp", port, zone, c->vantage_zone,
			     "RDP answers on %s:%lld (zone %s) from vantage zone '%s'%s%s; "
			     "no service rule allows rdp there from that source",
			     a, port, *zone ? zone : "unknown",
			     *c->vantage_zone ? c->vantage_zone : "unknown",
			     src ? " address " : "", vbuf);
	}
}

/* The match of rows with a per-service function: run it on every service. */
static void
each_service(const struct rule *self, struct fctx *c)
{
	json_t *s;
	size_t i;

	EACH_SERVICE(c, i, s)
		self->svc(self, c, s);
}

/* Rows whose risk flag (arg) is set on an open (or answering) service. */
static void
risk_rule(const struct rule *self, struct fctx *c, const json_t *s)
{
	const char *a = rj_str(s, "addr");

	if (!rj_has_risk(s, self->arg) || !strcmp(rj_str(s, "state"), "closed"))
		return;
	finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"),
		     finding_zone_of(c, a), "", "%s on %s %s/%lld (risk flag %s)",
		     self->what, a, rj_str(s, "proto"), rj_int(s, "port"), self->arg);
}

/* risk_rule for REMOTE_SUPPORT_TOOL: the evidence names the product (one
 * finding per host and port, "TeamViewer", "AnyDesk", "RealVNC", ...). */
static void
remote_tool_rule(const struct rule *self, struct fctx *c, const json_t *s)
{
	const char *a = rj_str(s, "addr"), *prod = rj_str(s, "product");

	if (!rj_has_risk(s, self->arg) || !strcmp(rj_str(s, "state"), "closed"))
		return;
	finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"),
		     finding_zone_of(c, a), "", "%s%s%s%s on %s %s/%lld (risk flag %s)",
		     self->what, *prod ? " (" : "", prod, *prod ? ")" : "", a, rj_str(s, "proto"),
		     rj_int(s, "port"), self->arg);
}

/* An open service in zone that the policy's service rule sr covers. */
static int svc_in_rule(const json_t *s, const char *zone, const struct service_rule *sr);

/* The deny rule that forbids service s in its zone, or NULL. */
static const struct service_rule *
deny_rule_for(const struct fctx *c, const json_t *s)
{
	const char *zone = finding_zone_of(c, rj_str(s, "addr"));

	for (size_t r = 0; c->p && r < c->p->nrules; r++)
		if (c->p->rules[r].deny && svc_in_rule(s, zone, &c->p->rules[r]))
			return &c->p->rules[r];
	return NULL;
}

/*
 * Rows whose service (arg, or its well-known tcp port) is open.  One
 * finding per fact: a service a deny rule forbids is reported once, by
 * POLICY_DENIED_SERVICE, whose evidence names the service too; anonymous
 * FTP is reported by FTP_ANONYMOUS, which says it is FTP.
 */
static void
named_rule(const struct rule *self, struct fctx *c, const json_t *s)
{
	const char *a = rj_str(s, "addr");

	if (!rj_svc_open(s) || !rj_svc_is(s, self->arg, "tcp", self->port) ||
	    deny_rule_for(c, s) || rj_has_risk(s, "ftp-anonymous"))
		return;
	finding_emit(c, self, a, "tcp", rj_int(s, "port"), finding_zone_of(c, a), "",
		     "%s answers on %s:%lld%s%s", self->arg, a, rj_int(s, "port"),
		     *rj_str(s, "product") ? ", product " : "", rj_str(s, "product"));
}

/* "vpn": {"product", "vendor", "kev_cves": ["CVE-...", ...]} from probe_http. */
static void
rule_vpn_exposed(const struct rule *self, struct fctx *c, const json_t *s)
{
	const char *a = rj_str(s, "addr"), *prod;
	json_t *v = json_object_get(s, "vpn"), *list, *cve;
	char kev[512] = "";
	size_t j, o = 0;

	if (!v || json_is_null(v) || json_is_false(v) || !rj_svc_open(s))
		return;
	prod = json_is_string(v) ? json_string_value(v) : rj_str(v, "product");
	if (!*prod)
		prod = *rj_str(s, "product") ? rj_str(s, "product") : "unknown product";
	list = json_object_get(v, "kev_cves");
	if (!list)
		list = json_object_get(v, "kev");
	if (!list)
		list = json_object_get(v, "cves");
	json_array_foreach(list, j, cve) {
		int w;

		if (!json_is_string(cve) || o >= sizeof(kev))
			continue;
		w = snprintf(kev + o, sizeof(kev) - o, "%s%s", o ? ", " : "",
			     json_string_value(cve));
		o += w > 0 ? (size_t)w : 0;
	}
	finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"),
		     finding_zone_of(c, a), "",
		     "VPN portal (%s) reachable on %s:%lld; %s%s", prod, a,
		     rj_int(s, "port"), *kev ? "verify these known-exploited "
		     "vulnerabilities are patched: " : "no known-exploited "
		     "vulnerability listed for this product", kev);
}

static void
rule_admin_tls(const struct rule *self, struct fctx *c, const json_t *s)
{
	const char *a = rj_str(s, "addr");
	int ss = rj_has_risk(s, "tls-self-signed"), ex = rj_has_risk(s, "tls-expired");
	int admin = rj_has_risk(s, "http-admin-interface");
	json_t *v = json_object_get(s, "vpn");

	if (!(ss || ex) || !(admin || (v && !json_is_null(v) && !json_is_false(v))))
		return;
	finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"),
		     finding_zone_of(c, a), ex ? "expired" : "self-signed",
		     "%s interface on %s:%lld presents a %s%s%s certificate",
		     admin ? "administration" : "VPN", a, rj_int(s, "port"),
		     ss ? "self-signed" : "", ss && ex ? " and " : "",
		     ex ? "expired" : "");
}

/* An open service in zone that the policy's service rule sr covers. */
static int
svc_in_rule(const json_t *s, const char *zone, const struct service_rule *sr)
{
	return rj_svc_open(s) && rp_rule_zone(sr, zone) &&
	       rp_rule_port(sr, rj_str(s, "proto"), rj_int(s, "port"),
			    rj_str(s, "service"));
}

/* A vendor exception ends this many days ahead: a low finding, so that
 * the renewal is talked over with the vendor before the access closes or
 * turns into VENDOR_EXCEPTION_EXPIRED. */
#define VENDOR_EXPIRING_DAYS 30

/* Every open service a dated vendor exception covers, whose end is past
 * (expired) or within VENDOR_EXPIRING_DAYS (expiring). */
static void
vendor_window(const struct rule *self, struct fctx *c, int expiring)
{
	for (size_t r = 0; c->p && r < c->p->nrules; r++) {
		const struct service_rule *sr = &c->p->rules[r];
		json_t *s;
		size_t i;

		if (sr->deny || !sr->until)
			continue;
		if (expiring ? sr->until < c->today ||
			       sr->until - c->today > VENDOR_EXPIRING_DAYS * 86400 :
			       sr->until >= c->today)
			continue;
		EACH_SERVICE(c, i, s) {
			const char *a = rj_str(s, "addr"), *zone = finding_zone_of(c, a);

			if (!svc_in_rule(s, zone, sr))
				continue;
			finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"), zone,
				     sr->name, "rule '%s'%s%s allow%s %s until %s (policy line %d); "
				     "%s:%lld is %sreachable", sr->name,
				     *sr->vendor ? " for vendor " : "", sr->vendor,
				     expiring ? "s" : "ed", sr->service, sr->until_str, sr->line,
				     a, rj_int(s, "port"), expiring ? "" : "still ");
		}
	}
}

static void
rule_vendor_expired(const struct rule *self, struct fctx *c)
{
	vendor_window(self, c, 0);
}

static void
rule_vendor_expiring(const struct rule *self, struct fctx *c)
{
	vendor_window(self, c, 1);
}

static void
rule_denied_service(const struct rule *self, struct fctx *c)
{
	for (size_t r = 0; c->p && r < c->p->nrules; r++) {
		const struct service_rule *sr = &c->p->rules[r];
		json_t *s;
		size_t i;

		if (!sr->deny)
			continue;
		EACH_SERVICE(c, i, s) {
			const char *a = rj_str(s, "addr"), *zone = finding_zone_of(c, a);

			if (!svc_in_rule(s, zone, sr))
				continue;
			{
				char what[200] = "";

				if (*rj_str(s, "service"))
					snprintf(what, sizeof(what), " (%s%s%s)", rj_str(s, "service"),
						 *rj_str(s, "product") ? " " : "",
						 rj_str(s, "product"));
				finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"),
					     zone, sr->name, "rule '%s' (policy line %d) forbids "
					     "%s in zone %s; it answers on %s:%lld%s", sr->name,
					     sr->line, sr->service, *zone ? zone : "unknown", a,
					     rj_int(s, "port"), what);
			}
		}
	}
}

/* Remote access, file sharing and databases: worth medium when unexpected. */
static int
port_is_sensitive(long long port)
{
	static const long long ports[] = { 21, 22, 23, 135, 139, 445, 1433, 1521, 3306,
					   3389, 5432, 5900, 5901, 5985, 5986, 6379, 0 };

	for (const long long *p = ports; *p; p++)
		if (*p == port)
			return 1;
	return 0;
}

static void
rule_not_expected(const struct rule *self, struct fctx *c)
{
	json_t *s;
	size_t i;

	if (!c->p)
		return;
	EACH_SERVICE(c, i, s) {
		const char *a = rj_str(s, "addr"), *zone = finding_zone_of(c, a);
		const char *proto = rj_str(s, "proto"), *name = rj_str(s, "service");
		long long port = rj_int(s, "port");
		const struct zone *z = policy_zone_by_name(c->p, zone);

		if (strcmp(rj_str(s, "state"), "open") || !z || z->role == ZONE_EXTERNAL ||
		    finding_flagged(c, a, proto, port))
			continue;	/* a more specific rule already spoke */
		if (rp_allowed(c->p, zone, proto, port, name, NULL, NULL, 0))
			continue;
		finding_emit_sev(c, self, port_is_sensitive(port) ? SEV_MEDIUM : SEV_LOW,
				 a, proto, port, zone, "", "%s/%lld%s%s is open on %s but no "
				 "service rule allows that port in zone %s", proto, port,
				 *name ? " " : "", name, a, zone);
	}
}

/* Rows whose kind (arg) of 'heiiki fence' probe got answers ("fence"). */
static void
fence_rule(const struct rule *self, struct fctx *c, const json_t *s)
{
	json_t *k = json_object_get(json_object_get(s, "fence"), self->arg);
	json_t *got = json_object_get(k, "through"), *v;
	const char *a = rj_str(s, "addr");
	char list[256] = "";
	size_t j, o = 0;

	if (rj_int(k, "open") <= 0)
		return;
	json_array_foreach(got, j, v) {
		int w = snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "",
				 json_is_string(v) ? json_string_value(v) : "?");

		if (w < 0 || (size_t)w >= sizeof(list) - o)
			break;
		o += (size_t)w;
	}
	finding_emit(c, self, a, rj_str(s, "proto"), rj_int(s, "port"),
		     finding_zone_of(c, a), "", "%lld of %lld %s from %s were "
		     "answered by %s:%lld (sources: %s)", rj_int(k, "open"),
		     rj_int(k, "sent"), strcmp(rj_str(s, "proto"), "udp") ? "SYNs" :
		     "UDP probes", self->what, a, rj_int(s, "port"), *list ? list : "-");
}

#define CL_SRC "接続元制限"
#define CL_SVC "不要なサービスの停止"
#define CL_MAP "ネットワーク構成図の整備"
#define CL_EXT "外部接続点の把握"
#define CL_AUTH "アクセス利用権限の設定"
#define CL_PATCH "セキュリティパッチの適用"
#define CL_VENDOR "委託事業者の接続管理"
#define CL_LEDGER "台帳管理"

/* Row tails for the service functions that several rules share. */
#define RISK(flag, text) \
	.match = each_service, .svc = risk_rule, .arg = (flag), .what = (text)
#define NAMED(name, wkport) \
	.match = each_service, .svc = named_rule, .arg = (name), .port = (wkport)
#define FENCE(kind, text) \
	.match = each_service, .svc = fence_rule, .arg = (kind), .what = (text)

const struct rule rules[] = {
	{ "RDP_NOT_ALLOWED_SOURCE", SEV_CRITICAL,
	  "RDP reachable from a source the policy does not allow",
	  "ポリシーで許可されていない接続元から RDP に到達可能",
	  "Restrict RDP at the firewall to the sources and zones listed in the policy, or add a service rule if this access is intended.",
	  "ファイアウォールで RDP の接続元をポリシー記載の送信元・ゾーンに限定してください。意図した接続であればサービスルールを追加してください。",
	  CL_SRC, .match = rule_rdp_not_allowed },
	{ "SOURCE_NOT_ALLOWED_REACHABLE", SEV_HIGH,
	  "Service reachable from a source the policy does not allow",
	  "ポリシーで許可されていない接続元からサービスに到達可能",
	  "Restrict the firewall to the sources the policy lists for this service, or add a service rule if this access is intended.",
	  "ファイアウォールの接続元をポリシーに記載された送信元に限定するか、意図した接続であればサービスルールを追加してください。",
	  CL_SRC, .match = rule_source_not_allowed },
	{ "COUNTRY_NOT_ALLOWED_REACHABLE", SEV_HIGH,
	  "Service reachable from a country the policy does not allow",
	  "ポリシーで許可されていない国からサービスに到達可能",
	  "Block the country for this service at the firewall (GeoIP list), or add it to the policy's geo rules if the access is needed.",
	  "ファイアウォールの国別制限 (GeoIP) でこのサービスへの接続を遮断するか、必要であればポリシーの geo ルールに追加してください。",
	  CL_SRC, .match = rule_country_not_allowed },
	{ "ALLOWED_PATH_UNREACHABLE", SEV_INFO,
	  "A service the policy allows from this vantage did not answer",
	  "ポリシーで許可された観測点からサービスに到達できない",
	  "Check the firewall rule and the service if this access is still needed (for example a vendor's maintenance path).",
	  "この接続が必要であれば (ベンダーの保守経路など)、ファイアウォールのルールとサービスを確認してください。",
	  CL_SRC, .match = rule_allowed_path_unreachable },
	{ "RDP_NO_NLA", SEV_HIGH,
	  "RDP without Network Level Authentication",
	  "RDP でネットワークレベル認証 (NLA) が無効",
	  "Require Network Level Authentication (NLA) on this host so that no logon screen is shown before authentication.",
	  "このホストでネットワークレベル認証 (NLA) を必須にし、認証前にログオン画面が表示されないようにしてください。",
	  CL_AUTH, RISK("rdp-no-nla", "RDP accepts logons without Network Level Authentication") },
	{ "VPN_PORTAL_EXPOSED", SEV_HIGH,
	  "VPN portal exposed; product has known-exploited vulnerabilities to check",
	  "VPN ポータルが公開されている (既知の悪用済み脆弱性の確認が必要)",
	  "Confirm the installed version is patched against the listed known-exploited vulnerabilities, restrict the portal to expected sources, and enforce multi-factor authentication.",
	  "記載の悪用が確認された脆弱性に対して修正版が適用されているか確認し、ポータルへの接続元を限定し、多要素認証を必須にしてください。",
	  CL_PATCH, .match = each_service, .svc = rule_vpn_exposed },
	{ "VENDOR_EXCEPTION_EXPIRED", SEV_HIGH,
	  "Vendor exception past its end date, service still reachable",
	  "期限切れのベンダー例外が残り、サービスに到達可能",
	  "Close the access at the firewall now, or renew the exception in the policy with a new 'until:' date after review with the vendor.",
	  "直ちにファイアウォールで接続を閉じるか、ベンダーと確認のうえポリシーの例外に新しい 'until:' の日付を設定してください。",
	  CL_VENDOR, .match = rule_vendor_expired },
	{ "VENDOR_EXCEPTION_EXPIRING", SEV_LOW,
	  "Vendor exception ends within 30 days",
	  "ベンダー例外の期限が 30 日以内に切れる",
	  "Review the access with the vendor now: renew the exception with a new 'until:' date, or plan to close it at the firewall on that date.",
	  "ベンダーと接続の要否を今のうちに確認し、継続する場合は新しい 'until:' の日付で例外を更新し、不要なら期限日にファイアウォールで閉じる準備をしてください。",
	  CL_VENDOR, .match = rule_vendor_expiring },
	{ "TELNET_PRESENT", SEV_HIGH,
	  "Telnet service present",
	  "Telnet サービスが稼働している",
	  "Disable Telnet and use SSH; if the device only supports Telnet, isolate it and allow only the management zone.",
	  "Telnet を停止して SSH を使用してください。Telnet しか使えない機器は隔離し、管理ゾーンからの接続のみ許可してください。",
	  CL_SVC, NAMED("telnet", 23) },
	{ "SMB1_ENABLED", SEV_HIGH,
	  "SMB1 enabled",
	  "SMB1 が有効",
	  "Disable SMBv1 on this host; ask the vendor for an update if a medical device still requires it.",
	  "このホストで SMBv1 を無効にしてください。医療機器が SMBv1 を必要とする場合はベンダーに更新を依頼してください。",
	  CL_SVC, RISK("smb1-enabled", "SMB1 is enabled") },
	{ "VNC_NO_AUTH", SEV_CRITICAL,
	  "VNC without authentication",
	  "認証なしの VNC",
	  "Set a VNC password or disable the VNC server; allow VNC only from the management zone.",
	  "VNC にパスワードを設定するか VNC サーバを停止し、管理ゾーンからの接続のみ許可してください。",
	  CL_AUTH, RISK("vnc-no-auth", "VNC offers the 'None' security type") },
	{ "SNMP_PUBLIC", SEV_MEDIUM,
	  "SNMP answers to the default community 'public'",
	  "SNMP が既定のコミュニティ名 'public' に応答する",
	  "Change the SNMP community or move to SNMPv3 with authentication; restrict SNMP to the monitoring servers.",
	  "SNMP のコミュニティ名を変更するか認証付きの SNMPv3 に移行し、監視サーバからの接続のみ許可してください。",
	  CL_SVC, RISK("snmp-public", "SNMP answers to community 'public'") },
	{ "FTP_PRESENT", SEV_MEDIUM,
	  "FTP service present (clear-text credentials)",
	  "FTP サービスが稼働している (認証情報が平文)",
	  "Disable FTP or replace it with SFTP/FTPS; if a device needs FTP, restrict it to the hosts that use it.",
	  "FTP を停止するか SFTP/FTPS に置き換えてください。機器が FTP を必要とする場合は利用するホストからの接続のみ許可してください。",
	  CL_SVC, NAMED("ftp", 21) },
	{ "FTP_ANONYMOUS", SEV_HIGH,
	  "FTP accepts anonymous logins",
	  "FTP が匿名ログインを受け付ける",
	  "Disable anonymous FTP; if a device needs FTP for image or log transfer, require an account and restrict it to the hosts that use it.",
	  "匿名 FTP を無効にしてください。画像やログの転送に FTP が必要な機器では、アカウントを必須にし、利用するホストからの接続のみ許可してください。",
	  CL_AUTH, RISK("ftp-anonymous", "FTP accepts USER anonymous (read-only check: nothing was listed)") },
	{ "POLICY_DENIED_SERVICE", SEV_HIGH,
	  "Service the policy forbids is reachable",
	  "ポリシーで禁止されたサービスに到達可能",
	  "Stop the service or block it at the firewall as the policy requires.",
	  "ポリシーに従いサービスを停止するか、ファイアウォールで遮断してください。",
	  CL_SVC, .match = rule_denied_service },
	{ "SERVICE_NOT_EXPECTED", SEV_MEDIUM,
	  "Open service not expected in its zone",
	  "ゾーン内で想定されていないサービスが開いている",
	  "Stop the service if it is not needed; if it is, add a service rule for it so that the network documentation stays complete.",
	  "不要であればサービスを停止してください。必要であればサービスルールを追加し、ネットワーク構成の記録を最新に保ってください。",
	  CL_MAP, .match = rule_not_expected },
	{ "DICOM_ANY_AE_TITLE", SEV_HIGH,
	  "DICOM accepts any calling AE title",
	  "DICOM が任意の AE タイトルからの接続を受け付ける",
	  "Configure the DICOM node to accept associations only from known AE titles and addresses.",
	  "DICOM ノードが既知の AE タイトルとアドレスからの接続のみを受け付けるよう設定してください。",
	  CL_SRC, RISK("dicom-any-ae-title", "DICOM accepts an association from any AE title") },
	{ "ADMIN_TLS_CERT_INVALID", SEV_MEDIUM,
	  "Self-signed or expired certificate on an administration or VPN interface",
	  "管理画面または VPN に自己署名または期限切れの証明書",
	  "Install a certificate from the hospital's CA (or a public CA) and renew it before it expires; staff should never learn to click through certificate warnings.",
	  "院内 CA (または公的 CA) の証明書を導入し、期限前に更新してください。証明書の警告を無視する運用は避けてください。",
	  CL_AUTH, .match = each_service, .svc = rule_admin_tls },
	{ "UNDECLARED_EXIT", SEV_HIGH,
	  "Undeclared exit to outside networks",
	  "申告されていない外部接続点",
	  "Identify the device and line behind this gateway; remove it or declare it under 'exits:' in the policy with its purpose.",
	  "このゲートウェイの先にある機器と回線を特定し、撤去するか、目的を添えてポリシーの 'exits:' に記載してください。",
	  CL_EXT, .match = rule_undeclared_exit },
	{ "CLOSED_ZONE_EGRESS", SEV_CRITICAL,
	  "Traffic between a closed zone and the outside",
	  "閉域ゾーンと外部との間に通信がある",
	  "Find the route that lets this zone reach outside networks and block it; a closed zone must have no path out.",
	  "このゾーンから外部へ到達できる経路を特定し遮断してください。閉域ゾーンには外部への経路があってはなりません。",
	  CL_EXT, .match = rule_closed_zone_egress },
	{ "GEO_COUNTRY_NOT_ALLOWED", SEV_HIGH,
	  "Traffic with a peer in a country the policy does not allow",
	  "ポリシーで許可されていない国の通信相手との通信",
	  "Check what this connection is; block the country at the firewall if it is not needed, or add it to the policy's geo rules.",
	  "この通信の内容を確認し、不要であればファイアウォールでその国を遮断するか、必要であればポリシーの geo ルールに追加してください。",
	  CL_SRC, .match = rule_geo_not_allowed },
	{ "INBOUND_NOT_ALLOWED", SEV_HIGH,
	  "Inbound connection from a source the policy does not allow",
	  "ポリシーで許可されていない接続元からの着信",
	  "Restrict the firewall to the sources in the policy's service rules, or add a rule if this access is intended.",
	  "ファイアウォールの接続元をポリシーのサービスルールに記載された送信元に限定するか、意図した接続であればルールを追加してください。",
	  CL_SRC, .match = rule_inbound_not_allowed },
	{ "BLOCKED_ATTEMPT", SEV_INFO,
	  "Connection attempts across the perimeter that were never answered",
	  "外部との境界で応答のなかった接続試行",
	  "Nothing to fix when the source is not allowed: this is evidence that the block works. When the policy allows the source, check the firewall and the service.",
	  "許可されていない接続元であれば対応は不要です (遮断が機能している証拠)。ポリシーで許可された接続元であれば、ファイアウォールとサービスを確認してください。",
	  CL_SRC, .match = rule_blocked_attempt },
	{ "FENCE_SOURCE_NOT_ENFORCED", SEV_CRITICAL,
	  "Firewall lets sources the policy does not allow reach a protected service",
	  "ファイアウォールが許可外の接続元から保護対象サービスへの到達を許している",
	  "Fix the firewall's source restriction for this service and rerun 'heiiki fence'.",
	  "このサービスに対するファイアウォールの接続元制限を修正し、'heiiki fence' を再実行してください。",
	  CL_SRC, FENCE("not_allowed", "sources the policy does not allow") },
	{ "FENCE_GEO_NOT_ENFORCED", SEV_HIGH,
	  "Firewall lets addresses from disallowed countries reach a protected service",
	  "ファイアウォールが許可外の国のアドレスから保護対象サービスへの到達を許している",
	  "Fix the firewall's country restriction (GeoIP list) for this service and rerun 'heiiki fence'.",
	  "このサービスに対するファイアウォールの国別制限 (GeoIP) を修正し、'heiiki fence' を再実行してください。",
	  CL_SRC, FENCE("geo", "addresses in countries the policy does not allow") },
	{ "REDIS_NO_AUTH", SEV_CRITICAL,
	  "Redis answers without authentication",
	  "Redis が認証なしで応答する",
	  "Set a password (requirepass or ACL users) and bind Redis to the application servers' interface; allow the port only from the hosts that use it.",
	  "Redis にパスワード (requirepass または ACL ユーザー) を設定し、アプリケーションサーバ側のインターフェースのみで待ち受けるようにしてください。ポートは利用するホストからのみ許可してください。",
	  CL_AUTH, RISK("redis-no-auth", "Redis returned INFO without a password") },
	{ "MEMCACHED_OPEN", SEV_HIGH,
	  "Memcached answers without authentication",
	  "Memcached が認証なしで応答する",
	  "Bind memcached to the application servers only (-l), disable UDP (-U 0), or enable SASL; block the port at the firewall for everyone else.",
	  "memcached をアプリケーションサーバ側のアドレスのみで待ち受け (-l)、UDP を無効化 (-U 0) するか SASL を有効にしてください。その他の接続元はファイアウォールで遮断してください。",
	  CL_AUTH, RISK("memcached-open", "Memcached answered 'version' without SASL") },
	{ "MONGODB_NO_AUTH", SEV_CRITICAL,
	  "MongoDB answers without authentication",
	  "MongoDB が認証なしで応答する",
	  "Enable access control (security.authorization: enabled) with a user per application, bind mongod to the application servers' interface (net.bindIp), and allow the port only from the hosts that use it.",
	  "アクセス制御を有効にし (security.authorization: enabled)、アプリケーションごとにユーザを作成してください。mongod はアプリケーションサーバ側のインターフェースのみで待ち受け (net.bindIp)、ポートは利用するホストからのみ許可してください。",
	  CL_AUTH, RISK("mongodb-no-auth", "MongoDB ran listDatabases (nameOnly, filtered to a database that does not exist) without authentication") },
	{ "LDAP_ANONYMOUS_READ", SEV_HIGH,
	  "LDAP directory readable with an anonymous bind",
	  "LDAP ディレクトリが匿名バインドで読み取れる",
	  "Restrict anonymous access (OpenLDAP: 'access to * by anonymous auth by users read'; AD: keep dsHeuristics default) so that staff and device accounts cannot be listed without credentials.",
	  "匿名アクセスを制限し (OpenLDAP: 'access to * by anonymous auth by users read'、AD: dsHeuristics を既定値のまま)、認証なしで職員や機器のアカウントを一覧できないようにしてください。",
	  CL_AUTH, RISK("ldap-anonymous-bind", "an anonymous bind could read the directory's top entry") },
	{ "MAIL_CLEARTEXT_AUTH", SEV_MEDIUM,
	  "Mail server offers password login without TLS",
	  "メールサーバが TLS なしでパスワード認証を受け付ける",
	  "Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Dovecot: disable_plaintext_auth = yes) or only on the TLS ports.",
	  "AUTH は STARTTLS の後のみ許可するか (Postfix: smtpd_tls_auth_only = yes、Dovecot: disable_plaintext_auth = yes)、TLS ポートのみで提供してください。",
	  CL_AUTH, RISK("mail-cleartext-auth", "SMTP AUTH offered on a clear-text connection") },
	/* probes B (issue 13): unauthenticated-access flags */
	{ "MQTT_ANONYMOUS", SEV_HIGH,
	  "MQTT broker accepts clients without credentials",
	  "MQTT ブローカーが認証なしのクライアント接続を受け付ける",
	  "Set allow_anonymous false (or the broker's equivalent), give every client its own user name and password or certificate, and allow the broker port only from the devices that publish or subscribe.",
	  "allow_anonymous を false にする (または同等の設定) とともに、各クライアントに個別のユーザ名とパスワードまたは証明書を設定し、ブローカーのポートは送受信する機器からの接続のみ許可してください。",
	  CL_AUTH, RISK("mqtt-anonymous", "MQTT broker accepted a CONNECT without user name or password") },
	{ "TFTP_OPEN", SEV_MEDIUM,
	  "TFTP server answers any client (no authentication)",
	  "TFTP サーバが任意のクライアントに応答する (認証なし)",
	  "Stop the TFTP server when no device boots or updates from it; otherwise restrict it to the devices that need it and keep only those files in its directory.",
	  "TFTP を使って起動・更新する機器がなければ停止してください。必要な場合は利用する機器からの接続のみ許可し、公開ディレクトリには必要なファイルだけを置いてください。",
	  CL_SVC, RISK("tftp-open", "TFTP server answered a read request without authentication") },
	{ "AJP_OPEN", SEV_HIGH,
	  "Tomcat AJP connector reachable (Ghostcat, CVE-2020-1938)",
	  "Tomcat の AJP コネクタに到達可能 (Ghostcat, CVE-2020-1938)",
	  "Disable the AJP connector if no web server in front uses it; otherwise bind it to the loopback address, set a 'secret', and update Tomcat.",
	  "前段の Web サーバが使用していなければ AJP コネクタを無効にしてください。使用している場合はループバックアドレスに限定し、'secret' を設定し、Tomcat を更新してください。",
	  CL_PATCH, RISK("ajp-open", "AJP connector answered CPing") },
	{ "ZABBIX_AGENT_OPEN", SEV_MEDIUM,
	  "Zabbix agent answers the scanner's address",
	  "Zabbix エージェントがスキャナのアドレスに応答する",
	  "Set Server= in the agent configuration to the Zabbix server addresses only, and allow tcp/10050 only from them at the firewall.",
	  "エージェント設定の Server= を Zabbix サーバのアドレスのみにし、ファイアウォールで tcp/10050 を Zabbix サーバからのみ許可してください。",
	  CL_SRC, RISK("zabbix-agent-open", "Zabbix agent returned agent.version to the scanner") },
	{ "OPEN_PROXY", SEV_HIGH,
	  "HTTP proxy relays requests for any client (open proxy)",
	  "HTTP プロキシが任意のクライアントの要求を中継する (オープンプロキシ)",
	  "Allow the proxy only from the networks that must use it (Squid: an 'acl' with those source addresses, 'http_access allow' for it, then 'http_access deny all'), require authentication where possible, and block the proxy port elsewhere at the firewall.",
	  "プロキシは利用が必要なネットワークからのみ許可してください (Squid: 接続元アドレスの acl を定義し、それを http_access allow で許可した後に http_access deny all)。可能であれば認証を必須にし、それ以外からのプロキシポートへの接続はファイアウォールで遮断してください。",
	  CL_SRC, RISK("open-proxy", "HTTP proxy fetched the scanner's own check page for the scanner") },
	{ "IPMI_ANONYMOUS", SEV_CRITICAL,
	  "IPMI (BMC) allows anonymous or null-user logins",
	  "IPMI (BMC) で匿名またはユーザ名なしのログインが可能",
	  "Disable the anonymous and null user on the BMC, set strong passwords for the remaining users, and put the BMC on a separate management network.",
	  "BMC の匿名ユーザ・ユーザ名なしユーザを無効にし、残りのユーザに強固なパスワードを設定し、BMC を独立した管理ネットワークに置いてください。",
	  CL_AUTH, RISK("ipmi-anonymous", "IPMI channel authentication capabilities show anonymous or null-user login") },
	{ "IPMI_CIPHER_ZERO", SEV_CRITICAL,
	  "IPMI (BMC) offers cipher suite 0 (no authentication)",
	  "IPMI (BMC) が暗号スイート 0 (認証なし) を提供している",
	  "Disable cipher suite 0 on the BMC (ipmitool lan set <channel> cipher_privs with 'X' for suite 0) and update the BMC firmware.",
	  "BMC で暗号スイート 0 を無効にし (ipmitool lan set <チャネル> cipher_privs でスイート 0 を 'X' に設定)、BMC のファームウェアを更新してください。",
	  CL_AUTH, RISK("ipmi-cipher-zero", "IPMI lists cipher suite 0") },
	{ "PACS_API_OPEN", SEV_CRITICAL,
	  "PACS REST / DICOMweb API readable without credentials",
	  "PACS の REST / DICOMweb API が認証なしで読み取れる",
	  "Enable authentication on the PACS web API (Orthanc: AuthenticationEnabled with registered users; dcm4chee-arc: secure the archive with Keycloak), and allow the HTTP port only from the viewers and systems that need it.",
	  "PACS の Web API で認証を有効にし (Orthanc: AuthenticationEnabled と登録ユーザ、dcm4chee-arc: Keycloak による保護)、HTTP ポートは必要なビューアやシステムからの接続のみ許可してください。",
	  CL_AUTH, RISK("pacs-api-open", "the PACS study list or AE list was readable without credentials") },
	{ "REMOTE_SUPPORT_TOOL", SEV_MEDIUM,
	  "Remote-support / remote-control product reachable",
	  "リモートサポート・遠隔操作製品に到達可能",
	  "Confirm who uses this remote-access product and why; if a vendor needs it, record it as a vendor connection with an end date, require a password or account and restrict it to the vendor's path, otherwise uninstall it.",
	  "この遠隔操作製品を誰が何のために使っているか確認してください。ベンダーが必要とする場合は期限付きの委託事業者接続として記録し、パスワードまたはアカウントを必須にして接続経路を限定し、不要であればアンインストールしてください。",
	  CL_VENDOR, .match = each_service, .svc = remote_tool_rule, .arg = "remote-support-tool",
	  .what = "a remote-support / remote-control product answered" },
	{ "OUT_OF_SUPPORT", SEV_HIGH,
	  "Software or OS past the end of vendor support",
	  "サポートが終了したOS・ソフトウェアが稼働している",
	  "Update to a supported release, or isolate the device and agree a replacement date with its vendor; record it in the ledger.",
	  "サポート中の版へ更新するか、機器を隔離し保守事業者と更新時期を合意して台帳に記録してください。",
	  CL_PATCH, .match = rule_out_of_support },
	{ "DEVICE_NOT_IN_LEDGER", SEV_MEDIUM,
	  "Device on the network that the ledger does not list",
	  "台帳にない機器がネットワーク上にある",
	  "Identify the device (MAC vendor, services, location by switch port) and add it to the ledger with its owner and maintenance vendor, or remove it from the network.",
	  "機器を特定し（MAC のベンダー、サービス、スイッチのポートから設置場所）、管理者と保守事業者とともに台帳に記載するか、ネットワークから外してください。",
	  CL_LEDGER, .match = rule_not_in_ledger },
	{ "UNDECLARED_REMOTE_PATH", SEV_CRITICAL,
	  "Remote-maintenance path the policy does not declare",
	  "届け出のないリモートメンテナンス経路",
	  "Confirm with the vendor (事業者確認) whether this path is theirs; declare it in the policy with its sources and until: date, or close it.",
	  "保守事業者に確認し、正規の経路であれば接続元と期限を定めてポリシーに登録し、不要なら閉じてください。",
	  CL_VENDOR, .match = rule_undeclared_remote_relay },
	{ "CUPS_ADMIN_OPEN", SEV_HIGH,
	  "CUPS administration page reachable from the network",
	  "CUPS の管理画面にネットワークから到達可能",
	  "Restrict <Location /admin> in cupsd.conf to localhost or the administrators' addresses (cupsctl --no-remote-admin) and allow tcp/631 only from the hosts that print.",
	  "cupsd.conf の <Location /admin> を localhost または管理者のアドレスに限定し (cupsctl --no-remote-admin)、tcp/631 は印刷するホストからの接続のみ許可してください。",
	  CL_AUTH, RISK("cups-admin-open", "the CUPS administration page answered 200") },
};

const size_t nrules = sizeof(rules) / sizeof(rules[0]);

const struct rule *
rule_by_id(const char *id)
{
	for (size_t i = 0; i < nrules; i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}
