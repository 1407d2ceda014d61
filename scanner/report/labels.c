/*
 * labels.c - risk flags, countries and checklist items (see labels.h).
 *
 * Checklist sources (numbers and wording copied only from these):
 *   R5  「医療機関におけるサイバーセキュリティ対策チェックリストマニュアル
 *        ～医療機関・事業者向け～」(令和5年6月), MHLW: 2-(7) セキュリティ
 *        パッチを適用している, 2-(8) 接続元制限を実施している, 2-(9)
 *        unnecessary services (wording not verified), 2-(4)/(5) access
 *        rights (wording not verified).
 *   R7  令和7年度版チェックリストマニュアル案 (MHLW, 2025-03, 資料2-3/2-4):
 *        2-② リモートメンテナンス（保守）を利用している機器の有無を事業者に
 *        確認した, 2-⑥ セキュリティパッチ（最新ファームウェアや更新プログラム）
 *        を適用している, 2-⑫ バックグラウンドで動作している不要なソフトウェア
 *        及びサービスを停止している, 2-⑬ 接続元制限を実施している;
 *        access rights: number not verified.
 *   R6  (FY2024): no number verified; every R6 entry is NULL.
 */
#include <stdio.h>
#include <string.h>

#include "labels.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const risks[][3] = {
	{ "dicom-any-ae-title", "DICOM accepts any AE title", "DICOM が任意の AE タイトルを受け付ける" },
	{ "ftp-cleartext", "FTP (password in clear text)", "FTP（パスワードが平文）" },
	{ "hl7-mllp-listener", "HL7 MLLP listener open", "HL7 (MLLP) の受信ポートが開いている" },
	{ "http-admin-interface", "web admin interface", "Web 管理画面" },
	{ "ike-weak-transform", "IKE accepts weak cryptography", "IKE が弱い暗号を受け付ける" },
	{ "openvpn-no-hmac", "OpenVPN without HMAC protection", "OpenVPN の HMAC 保護なし" },
	{ "pptp-enabled", "PPTP VPN enabled", "PPTP VPN が有効" },
	{ "rdp-no-nla", "RDP without NLA", "RDP の NLA（事前認証）なし" },
	{ "smb-signing-not-required", "SMB signing not required", "SMB 署名が必須でない" },
	{ "smb1-enabled", "SMBv1 enabled", "SMBv1 が有効" },
	{ "ssh-v1", "SSH protocol 1", "SSH プロトコル 1" },
	{ "telnet-open", "Telnet open", "Telnet が開いている" },
	{ "telnet-unauth-shell", "Telnet shell without login", "ログインなしの Telnet シェル" },
	{ "tls-expired", "certificate expired", "証明書の有効期限切れ" },
	{ "tls-not-yet-valid", "certificate not yet valid", "証明書の有効期間前" },
	{ "tls-old-version", "old TLS version", "古い TLS バージョン" },
	{ "tls-self-signed", "self-signed certificate", "自己署名証明書" },
	{ "tls-weak-key", "weak certificate key", "証明書の鍵長が不十分" },
	{ "tls-weak-signature", "weak certificate signature", "証明書の署名方式が弱い" },
	{ "vnc-no-auth", "VNC without password", "パスワードなしの VNC" },
	{ "vnc-password-only", "VNC password only (weak)", "VNC がパスワードのみ（弱い認証）" },
	{ "vpn-kev-product", "VPN product with known-exploited flaws", "悪用が確認された脆弱性のある VPN 製品" },
	{ "vpn-portal-exposed", "VPN portal exposed", "VPN ポータルが公開されている" },
};

const char *
label_risk(enum report_lang lang, const char *flag)
{
	for (size_t i = 0; flag && i < NELEM(risks); i++)
		if (!strcmp(risks[i][0], flag))
			return risks[i][1 + (lang == LANG_JA)];
	return NULL;
}

static const char *const countries[][3] = {
	{ "AE", "United Arab Emirates", "アラブ首長国連邦" }, { "AU", "Australia", "オーストラリア" },
	{ "BR", "Brazil", "ブラジル" }, { "CA", "Canada", "カナダ" }, { "CH", "Switzerland", "スイス" },
	{ "CN", "China", "中国" }, { "DE", "Germany", "ドイツ" }, { "ES", "Spain", "スペイン" },
	{ "FI", "Finland", "フィンランド" }, { "FR", "France", "フランス" },
	{ "GB", "United Kingdom", "英国" }, { "HK", "Hong Kong", "香港" },
	{ "ID", "Indonesia", "インドネシア" }, { "IE", "Ireland", "アイルランド" },
	{ "IL", "Israel", "イスラエル" }, { "IN", "India", "インド" }, { "IR", "Iran", "イラン" },
	{ "IT", "Italy", "イタリア" }, { "JP", "Japan", "日本" },
	{ "KP", "North Korea", "北朝鮮" }, { "KR", "South Korea", "韓国" },
	{ "MY", "Malaysia", "マレーシア" }, { "NL", "Netherlands", "オランダ" },
	{ "PH", "Philippines", "フィリピン" }, { "PL", "Poland", "ポーランド" },
	{ "RU", "Russia", "ロシア" }, { "SE", "Sweden", "スウェーデン" },
	{ "SG", "Singapore", "シンガポール" }, { "TH", "Thailand", "タイ" },
	{ "TR", "Türkiye", "トルコ" }, { "TW", "Taiwan", "台湾" }, { "UA", "Ukraine", "ウクライナ" },
	{ "US", "United States", "米国" }, { "VN", "Viet Nam", "ベトナム" },
	{ "ZA", "South Africa", "南アフリカ" },
};

const char *
label_country(enum report_lang lang, const char *cc)
{
	for (size_t i = 0; cc && i < NELEM(countries); i++)
		if (!strcmp(countries[i][0], cc))
			return countries[i][1 + (lang == LANG_JA)];
	return NULL;
}

/* --- checklist ------------------------------------------------------------------------- */

static const char *const ed_codes[CL_ED_COUNT] = { "r5", "r6", "r7" };
static const char *const ed_names[CL_ED_COUNT][LANG_COUNT] = {
	{ "2023-06 edition (R5)", "令和5年6月版" },
	{ "FY2024 edition (R6)", "令和6年度版" },
	{ "FY2025 edition (R7)", "令和7年度版" },
};

static const struct cl_item items[CL_ED_COUNT][CLT_COUNT] = {
	[CL_R5] = {
		[CLT_SRC] = { "2-(8)", "接続元制限を実施している。" },
		[CLT_SVC] = { "2-(9)", NULL },
		[CLT_PATCH] = { "2-(7)", "セキュリティパッチを適用している。" },
		[CLT_AUTH] = { "2-(4), 2-(5)", NULL },
		/* R5 has no remote-maintenance item: the nearest is (8). */
		[CLT_REMOTE] = { "2-(8)", "接続元制限を実施している。" },
	},
	[CL_R6] = { { NULL, NULL } },
	[CL_R7] = {
		[CLT_SRC] = { "2-⑬", "接続元制限を実施している。" },
		[CLT_SVC] = { "2-⑫", "バックグラウンドで動作している不要なソフトウェア及び"
			      "サービスを停止している。" },
		[CLT_PATCH] = { "2-⑥", "セキュリティパッチ（最新ファームウェアや更新プログラム）"
				"を適用している。" },
		[CLT_AUTH] = { NULL, NULL },
		[CLT_REMOTE] = { "2-②", "リモートメンテナンス（保守）を利用している機器の有無を"
				 "事業者に確認した。" },
		[CLT_LEDGER] = { "2-①", "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。" },
	},
};

static const char *const topic_names[CLT_COUNT][LANG_COUNT] = {
	[CLT_SRC] = { "source restriction", "接続元制限" },
	[CLT_SVC] = { "unnecessary services stopped", "不要なソフトウェア・サービスの停止" },
	[CLT_PATCH] = { "security patches", "セキュリティパッチの適用" },
	[CLT_AUTH] = { "access rights and authentication", "アクセス利用権限・認証" },
	[CLT_REMOTE] = { "remote-maintenance connections", "リモートメンテナンス接続の把握" },
	[CLT_LEDGER] = { "ledger of devices", "機器の台帳管理" },
};

static const char *const topic_checked[CLT_COUNT][LANG_COUNT] = {
	[CLT_SRC] = {
		"Which services answer from the vantage point, compared with the sources the "
		"policy allows; in a capture, which sources and countries actually connected.",
		"観測地点から応答するサービスをポリシーで許可した接続元と照合。通信観測では"
		"実際に接続した送信元と国を照合。" },
	[CLT_SVC] = {
		"Listening TCP/UDP services on the scanned ports, compared with the services "
		"the policy expects in each zone.",
		"スキャンしたポートで待ち受けているサービスを、ゾーンごとにポリシーが想定する"
		"サービスと照合。" },
	[CLT_PATCH] = {
		"Product and version announced by the services (banners), against known-exploited "
		"products.",
		"サービスが名乗る製品名・バージョン（バナー）を、悪用が確認された製品と照合。" },
	[CLT_AUTH] = {
		"Whether a remote logon asks for authentication before a session (RDP NLA, VNC "
		"password, admin certificates).",
		"リモートログオンでセッション前に認証を求めるか（RDP の NLA、VNC のパスワード、"
		"管理画面の証明書）。" },
	[CLT_REMOTE] = {
		"Gateways that carried traffic to the outside during the capture, compared with "
		"the exits the policy declares.",
		"通信観測の間に外部へ通信した出口（ゲートウェイ）を、ポリシー記載の外部接続点と照合。" },
	[CLT_LEDGER] = {
		"Devices seen on the network (addresses, MAC addresses, services; scan and "
		"capture) reconciled with the hospital's ledger (policy ledger:).",
		"ネットワーク上で確認した機器（アドレス、MAC アドレス、サービス。スキャンと通信"
		"観測）を病院の台帳（ポリシーの ledger:）と照合。" },
};

static const char *const topic_unproven[CLT_COUNT][LANG_COUNT] = {
	[CLT_SRC] = {
		"Only the vantage points of this run were tested: other sources, MAC address or "
		"IEEE 802.1X authentication of wired/wireless access, and firewall settings "
		"themselves are not shown. Answer those from the firewall and switch settings.",
		"今回の観測地点からの到達性のみを確認しています。他の送信元、有線・無線の MAC "
		"アドレス認証や IEEE 802.1X、ファイアウォール設定そのものは示せません。"
		"これらはファイアウォール・スイッチの設定資料で回答してください。" },
	[CLT_SVC] = {
		"Only services listening on the network, on the scanned ports, of hosts that were "
		"scanned. Background software without a port and do-not-scan devices are not "
		"covered: check those on the devices (program list, task manager).",
		"スキャンしたホストの、スキャンしたポートで待ち受けるサービスのみです。ポートを"
		"持たないバックグラウンドのソフトウェアやスキャン対象外の機器は含みません。"
		"機器上のプログラム一覧等で確認してください。" },
	[CLT_PATCH] = {
		"Versions come from banners, which can hide a back-ported fix or be changed. "
		"Whether patches are applied is confirmed from update records and the vendor.",
		"バージョンはバナーによるもので、修正の取り込みを反映しない場合があります。"
		"パッチ適用の有無は更新記録と事業者への確認で回答してください。" },
	[CLT_AUTH] = {
		"Not account management, password reuse or role-based access rights: answer "
		"those from the systems' account lists.",
		"アカウント管理、パスワードの使い回し、職種別のアクセス権限は示せません。"
		"各システムのアカウント一覧で回答してください。" },
	[CLT_REMOTE] = {
		"A line that carried no traffic during the capture, or a path that does not pass "
		"the capture point, is not seen. Confirm remote-maintenance devices with each vendor.",
		"観測期間中に通信のなかった回線や、観測点を通らない経路は見えません。リモート"
		"メンテナンス機器の有無は各事業者に確認してください。" },
	[CLT_LEDGER] = {
		"Devices that were off, outside the scanned ranges or on do_not_scan are not seen; "
		"the ledger's owners, locations and support contracts are not verified.",
		"電源が切れていた機器、スキャン範囲外や除外対象の機器は見えません。台帳の管理者・"
		"設置場所・保守契約の内容は確認していません。" },
};

static const struct {
	const char *rule;
	enum cl_topic topic;
} rule_topics[] = {
	{ "ADMIN_TLS_CERT_INVALID", CLT_AUTH },
	{ "AJP_OPEN", CLT_PATCH },
	{ "ALLOWED_PATH_UNREACHABLE", CLT_SRC },
	{ "BLOCKED_ATTEMPT", CLT_SRC },
	{ "CLOSED_ZONE_EGRESS", CLT_SRC },
	{ "COUNTRY_NOT_ALLOWED_REACHABLE", CLT_SRC },
	{ "CUPS_ADMIN_OPEN", CLT_AUTH },
	{ "DEVICE_NOT_IN_LEDGER", CLT_LEDGER },
	{ "DICOM_ANY_AE_TITLE", CLT_SRC },
	{ "FENCE_GEO_NOT_ENFORCED", CLT_SRC },
	{ "FENCE_SOURCE_NOT_ENFORCED", CLT_SRC },
	{ "FTP_ANONYMOUS", CLT_AUTH },
	{ "FTP_PRESENT", CLT_SVC },
	{ "GEO_COUNTRY_NOT_ALLOWED", CLT_SRC },
	{ "INBOUND_NOT_ALLOWED", CLT_SRC },
	{ "IPMI_ANONYMOUS", CLT_AUTH },
	{ "IPMI_CIPHER_ZERO", CLT_AUTH },
	{ "LDAP_ANONYMOUS_READ", CLT_AUTH },
	{ "MAIL_CLEARTEXT_AUTH", CLT_AUTH },
	{ "MEMCACHED_OPEN", CLT_AUTH },
	{ "MONGODB_NO_AUTH", CLT_AUTH },
	{ "MQTT_ANONYMOUS", CLT_AUTH },
	{ "OPEN_PROXY", CLT_SRC },
	{ "OUT_OF_SUPPORT", CLT_PATCH },
	{ "PACS_API_OPEN", CLT_AUTH },
	{ "POLICY_DENIED_SERVICE", CLT_SVC },
	{ "RDP_NOT_ALLOWED_SOURCE", CLT_SRC },
	{ "RDP_NO_NLA", CLT_AUTH },
	{ "REDIS_NO_AUTH", CLT_AUTH },
	{ "REMOTE_SUPPORT_TOOL", CLT_REMOTE },
	{ "SERVICE_NOT_EXPECTED", CLT_SVC },
	{ "SMB1_ENABLED", CLT_SVC },
	{ "SNMP_PUBLIC", CLT_SVC },
	{ "SOURCE_NOT_ALLOWED_REACHABLE", CLT_SRC },
	{ "TELNET_PRESENT", CLT_SVC },
	{ "TFTP_OPEN", CLT_SVC },
	{ "UNDECLARED_EXIT", CLT_REMOTE },
	{ "UNDECLARED_REMOTE_PATH", CLT_REMOTE },
	{ "VENDOR_EXCEPTION_EXPIRED", CLT_SRC },
	{ "VENDOR_EXCEPTION_EXPIRING", CLT_SRC },
	{ "VNC_NO_AUTH", CLT_AUTH },
	{ "VPN_PORTAL_EXPOSED", CLT_PATCH },
	{ "ZABBIX_AGENT_OPEN", CLT_SRC },
};

int
cl_edition_parse(const char *s, enum cl_edition *out)
{
	for (int i = 0; s && i < CL_ED_COUNT; i++)
		if (!strcmp(s, ed_codes[i])) {
			*out = (enum cl_edition)i;
			return 0;
		}
	return -1;
}

const char *
cl_edition_code(enum cl_edition ed)
{
	return (unsigned)ed < CL_ED_COUNT ? ed_codes[ed] : "?";
}

const char *
cl_edition_name(enum report_lang lang, enum cl_edition ed)
{
	return (unsigned)ed < CL_ED_COUNT ? ed_names[ed][lang == LANG_JA] : "?";
}

int
cl_topic_of(const char *rule)
{
	for (size_t i = 0; rule && i < NELEM(rule_topics); i++)
		if (!strcmp(rule_topics[i].rule, rule))
			return (int)rule_topics[i].topic;
	return -1;
}

const struct cl_item *
cl_item(enum cl_edition ed, enum cl_topic t)
{
	static const struct cl_item none = { NULL, NULL };

	return (unsigned)ed < CL_ED_COUNT && (unsigned)t < CLT_COUNT ? &items[ed][t] : &none;
}

const char *
cl_topic_name(enum report_lang lang, enum cl_topic t)
{
	return (unsigned)t < CLT_COUNT ? topic_names[t][lang == LANG_JA] : "?";
}

const char *
cl_topic_checked(enum report_lang lang, enum cl_topic t)
{
	return (unsigned)t < CLT_COUNT ? topic_checked[t][lang == LANG_JA] : "?";
}

const char *
cl_topic_unproven(enum report_lang lang, enum cl_topic t)
{
	return (unsigned)t < CLT_COUNT ? topic_unproven[t][lang == LANG_JA] : "?";
}

const char *
cl_rule_at(size_t i)
{
	return i < NELEM(rule_topics) ? rule_topics[i].rule : NULL;
}

const char *
cl_label(enum report_lang lang, enum cl_edition ed, const char *rule, char *buf, size_t len)
{
	int t = cl_topic_of(rule);
	const struct cl_item *it;
	int ja = lang == LANG_JA;

	if (t < 0)
		return NULL;
	it = cl_item(ed, (enum cl_topic)t);
	if (it->num && it->text)
		snprintf(buf, len, "%s %s", it->num, it->text);
	else if (it->num)
		snprintf(buf, len, "%s %s %s", it->num, cl_topic_name(lang, (enum cl_topic)t),
			 ja ? "［文言未確認］" : "[wording not verified]");
	else
		snprintf(buf, len, "%s %s", cl_topic_name(lang, (enum cl_topic)t),
			 ja ? "［この版の項目番号は未確認］" :
			 "[item number in this edition not verified]");
	return buf;
}

/* --- Japanese evidence sentences ------------------------------------------------------ */

/*
 * One sentence per rule; %T target (name, address, proto/port), %Z zone,
 * %X the last part of the finding key (the other side: vantage zone,
 * peer address).  The rule's own evidence (banners, counts) follows as
 * 「詳細」.
 */
static const char *const ev_ja[][2] = {
	{ "ADMIN_TLS_CERT_INVALID", "%T の管理画面の TLS 証明書が有効ではありません（期限切れ・自己署名など）。" },
	{ "AJP_OPEN", "%T で Tomcat の AJP コネクタが応答しました（Ghostcat 型の攻撃に使われます）。" },
	{ "ALLOWED_PATH_UNREACHABLE", "ポリシーが許可している観測地点（%X）から %T に接続できませんでした（保守経路が機能していない可能性があります）。" },
	{ "BLOCKED_ATTEMPT", "%T への接続の試み（相手: %X）は応答がなく、遮断されていました。" },
	{ "CLOSED_ZONE_EGRESS", "閉域ゾーン %Z の %T から外部への通信を観測しました（相手: %X）。" },
	{ "COUNTRY_NOT_ALLOWED_REACHABLE", "ポリシーが許可していない国（%X）の観測地点から %T に接続できました。" },
	{ "CUPS_ADMIN_OPEN", "%T の CUPS 管理画面が認証なしで表示されました。" },
	{ "DEVICE_NOT_IN_LEDGER", "%T は台帳にない機器です（%X）。" },
	{ "DICOM_ANY_AE_TITLE", "%T の DICOM サービスは任意の AE タイトルからの接続を受け付けました。" },
	{ "FENCE_GEO_NOT_ENFORCED", "許可されていない国を想定した外部からの試験で %T に接続できました（ジオブロックが効いていません）。" },
	{ "FENCE_SOURCE_NOT_ENFORCED", "許可されていない送信元からの試験で %T に接続できました（接続元制限が効いていません）。" },
	{ "FTP_ANONYMOUS", "%T の FTP サーバに匿名（anonymous）でログインできました。" },
	{ "FTP_PRESENT", "%T で FTP が応答しました（パスワードが暗号化されずに流れます）。" },
	{ "GEO_COUNTRY_NOT_ALLOWED", "%T と、ポリシーが許可していない国の相手 %X との通信を観測しました。" },
	{ "INBOUND_NOT_ALLOWED", "外部の %X から %T への、ポリシーが許可していない接続を観測しました。" },
	{ "IPMI_ANONYMOUS", "%T の IPMI (BMC) が匿名またはユーザ名なしのログインを受け付ける設定です。" },
	{ "IPMI_CIPHER_ZERO", "%T の IPMI (BMC) が認証なしの暗号スイート 0 を提供しています。" },
	{ "LDAP_ANONYMOUS_READ", "%T の LDAP ディレクトリを匿名バインドで読み取れました。" },
	{ "MAIL_CLEARTEXT_AUTH", "%T のメールサーバが暗号化されていない接続でパスワード認証を受け付けます。" },
	{ "MEMCACHED_OPEN", "%T の Memcached が認証なしで応答しました。" },
	{ "MONGODB_NO_AUTH", "%T の MongoDB が認証なしでコマンド (listDatabases) を実行しました。" },
	{ "MQTT_ANONYMOUS", "%T の MQTT ブローカーが認証なしの接続を受け付けました。" },
	{ "OPEN_PROXY", "%T の HTTP プロキシがスキャナの要求を中継しました（オープンプロキシ）。" },
	{ "OUT_OF_SUPPORT", "%T で、サポートが終了した OS・ソフトウェアの版を確認しました（%X）。" },
	{ "PACS_API_OPEN", "%T の PACS Web API（REST / DICOMweb）を認証なしで読み取れました。" },
	{ "POLICY_DENIED_SERVICE", "%T のサービスは、ポリシーで禁止 (deny) されているのに到達可能です。" },
	{ "RDP_NOT_ALLOWED_SOURCE", "観測地点（%X ゾーン）から %T の RDP に接続できました。ポリシーはこの接続元からの RDP を許可していません。" },
	{ "RDP_NO_NLA", "%T の RDP は、ネットワークレベル認証 (NLA) なしでログオン画面を表示します。" },
	{ "REDIS_NO_AUTH", "%T の Redis が認証なしで応答しました。" },
	{ "REMOTE_SUPPORT_TOOL", "%T でリモートサポート（遠隔操作）製品が応答しました。" },
	{ "SERVICE_NOT_EXPECTED", "%T（%Z ゾーン）で、ポリシーに記載のないサービスが応答しました。" },
	{ "SMB1_ENABLED", "%T が SMBv1 で応答しました。" },
	{ "SNMP_PUBLIC", "%T の SNMP が既定のコミュニティ名 public に応答しました。" },
	{ "SOURCE_NOT_ALLOWED_REACHABLE", "ポリシーが許可していない接続元（観測地点 %X）から %T に接続できました。" },
	{ "TELNET_PRESENT", "%T で Telnet が応答しました（通信が暗号化されません）。" },
	{ "TFTP_OPEN", "%T の TFTP サーバが認証なしで応答しました。" },
	{ "UNDECLARED_EXIT", "ゲートウェイ %T を通る外部への通信を観測しましたが、ポリシーの exits: に記載がありません。" },
	{ "UNDECLARED_REMOTE_PATH", "%T から、ポリシーに届け出のないリモートサポート中継先への通信を観測しました（%X）。" },
	{ "VENDOR_EXCEPTION_EXPIRED", "%T のサービスは、期限切れのベンダー例外のまま到達可能です。" },
	{ "VENDOR_EXCEPTION_EXPIRING", "%T のサービスを許可しているベンダー例外の期限が 30 日以内に切れます。" },
	{ "VNC_NO_AUTH", "%T の VNC はパスワードなしで接続を受け付けます。" },
	{ "VPN_PORTAL_EXPOSED", "%T で VPN・ファイアウォールのログインポータルが応答しました。" },
	{ "ZABBIX_AGENT_OPEN", "%T の Zabbix エージェントがスキャナのアドレスに応答しました。" },
};

const char *
label_evidence_ja(const char *rule)
{
	for (size_t i = 0; rule && i < NELEM(ev_ja); i++)
		if (!strcmp(ev_ja[i][0], rule))
			return ev_ja[i][1];
	return NULL;
}
