#!/bin/bash
# test_probes_a.sh - probe engineer A's probes against REAL servers.
#
# One server namespace runs xrdp (3389), OpenSSH (22), vsftpd (21),
# inetutils telnetd (23) and nginx (80 admin login page, 443 a
# GlobalProtect-like portal, 10443 a FortiGate-like portal, 8443 the default
# page, all TLS with a self-signed certificate); a silent listener on 7777
# and a banner on 7001 exercise the banner fallback.  The scanner namespace
# runs 'heiiki probe' on every port and the checks below read its pretty
# JSON with grep (no jq).  Everything lives in lab namespaces and is torn
# down on exit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
. "$here/lib.sh"
. "$src/tests/probes/services_a.sh"
[ -x "$HEIIKI" ] || { echo "test_probes_a: $HEIIKI not built" >&2; exit 77; }
for b in xrdp sshd vsftpd telnetd nginx socat; do
	command -v $b >/dev/null 2>&1 || [ -x /usr/sbin/$b ] || { echo "test_probes_a: $b missing; skipped" >&2; exit 77; }
done
lab_init probes-a
lab_ns srv
lab_ns scan
lab_link scan 198.18.50.2/24 srv 198.18.50.10/24
pa_certs "$LAB_DIR/certs"
chmod 755 "$LAB_DIR/certs"; chmod 644 "$LAB_DIR/certs/"*
pa_xrdp srv
lab_sshd srv
pa_vsftpd srv
pa_vsftpd srv 2121 anon
lab_exec srv ip addr add 198.18.50.140/24 dev "$(lab_exec srv ip -o -4 addr show | awk '/198.18.50.10\// {print $2}')"
pa_telnetd srv
pa_nginx srv "$src/tests/probes/data/http/www"
lab_bg srv socat TCP-LISTEN:7001,reuseaddr,fork SYSTEM:'echo "+OK lab pop3 ready"; sleep 1'
lab_bg srv socat TCP-LISTEN:7777,reuseaddr,fork SYSTEM:'sleep 2'
lab_listen srv 500 udp		# swallows datagrams: UDP retry path
for p in 3389 22 21 2121 23 80 443 10443 8443 7001 7777; do lab_wait_port srv $p; done

T=198.18.50.10
out=$LAB_DIR/probe.json
start=$(date +%s%N)
lab_exec scan "$HEIIKI" probe --scope 198.18.0.0/15 --scanner-id lab-a -o "$out" \
	$T:3389 $T:22 $T:21 $T:23 $T:80 $T:443 $T:10443 $T:8443 $T:7001 $T:7777 $T:500/udp
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "heiiki probe: exit $rc, ${ms} ms"
[ $rc = 0 ] || { echo "FAIL: heiiki probe exit $rc"; exit 1; }

fails=0
# svc PORT: the pretty JSON object of that service, one line (python-free)
svc() {
	python3 - "$out" "$1" <<-'EOP' 2>/dev/null || awk -v p="\"port\": $1," 'BEGIN{RS="\n    },"} index($0,p)' "$out" | tr -d '\n'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for s in d["services"]:
	    if s["port"] == int(sys.argv[2]):
	        print(json.dumps(s, sort_keys=True))
	EOP
}
expect() {	# PORT DESCRIPTION GREP-PATTERN...
	local port=$1 what=$2 s; shift 2
	s=$(svc "$port")
	for pat in "$@"; do
		if ! printf '%s' "$s" | grep -qF -- "$pat"; then
			echo "FAIL: $port ($what): missing $pat"
			echo "      got: $s"
			fails=$((fails + 1))
			return
		fi
	done
	echo "ok: $port $what"
}
expect 3389 "xrdp = RDP without NLA" '"service": "rdp"' '"rdp-no-nla"' '"accepts_standard_rdp": true' \
	'"selected_protocol": "tls"' '"nla_enforced": false'
expect 22 "OpenSSH banner" '"service": "ssh"' '"product": "OpenSSH"' '"proto_version": "2.0"'
expect 21 "vsftpd greeting" '"service": "ftp"' '"product": "vsftpd"' '"ftp-cleartext"'
expect 23 "telnetd login prompt" '"service": "telnet"' '"prompt_type": "login"' '"telnet-open"'
expect 80 "admin login page" '"service": "http"' '"title": "Router Management - Login"' '"http-admin-interface"'
expect 443 "GlobalProtect portal (2 requests)" '"service": "https"' '"vendor": "Palo Alto Networks"' \
	'"vpn-portal-exposed"' '"CVE-2024-3400"' '"path": "/global-protect/login.esp"' '"tls-self-signed"'
expect 10443 "FortiGate SSL-VPN portal" '"product": "FortiGate SSL-VPN"' '"CVE-2018-13379"' '"vpn-portal-exposed"'
expect 8443 "nginx default page over TLS" '"service": "https"' '"product": "nginx"' '"cn": "portal.hospital.example"' \
	'"key_bits": 2048' '"self_signed": true'
expect 7001 "cascade greeting" '"service": "pop3"' '"name": "cascade"' '"cascade_step": "greeting"'
expect 7777 "silent listener" '"outcome": "'
expect 500 "silent UDP: two tries then no-reply" '"outcome": "no-reply"'
udp_ms=$(svc 500 | grep -o '"ms": [0-9]*' | grep -o '[0-9]*$')
[ "${udp_ms:-0}" -ge 3900 ] || { echo "FAIL: UDP gave up after ${udp_ms} ms (want 2 tries x 2 s)"; fails=$((fails + 1)); }
# politeness: the 3 RDP connections were >= 200 ms apart -> whole run >= 400 ms
[ "$ms" -ge 400 ] || { echo "FAIL: run took ${ms} ms, per-host gap not honoured"; fails=$((fails + 1)); }
if grep -q '"vpn-portal-exposed"' <(svc 8443); then echo "FAIL: 8443 wrongly a VPN portal"; fails=$((fails + 1)); fi
# --results: only services marked open are probed, closed ones are left alone
if command -v python3 >/dev/null; then
	python3 - "$out" "$LAB_DIR/in.json" <<-'EOP'
	import json, sys
	d = json.load(open(sys.argv[1]))
	keep = {"addr", "port", "proto", "state"}
	d["services"] = [{k: v for k, v in s.items() if k in keep} for s in d["services"] if s["port"] in (21, 22)]
	for s in d["services"]:
	    if s["port"] == 21:
	        s["state"] = "closed"
	json.dump(d, open(sys.argv[2], "w"))
	EOP
	lab_exec scan "$HEIIKI" probe --scope 198.18.0.0/15 --results "$LAB_DIR/in.json" -o "$out" ||
		{ echo "FAIL: heiiki probe --results"; fails=$((fails + 1)); }
	expect 22 "--results: open service probed" '"product": "OpenSSH"'
	if svc 21 | grep -q '"probe"'; then echo "FAIL: closed service was probed"; fails=$((fails + 1)); fi
fi
# The read-only anonymous FTP check: on by default under a policy, on a
# server-zone host; never on a clinical-zone host; off with
# scan.ftp_anonymous: false.  What the servers received is read from their
# own side (a capture on srv): the clinical address never gets a USER line.
cat > "$LAB_DIR/ftp-policy.yaml" <<-'EOY'
version: 1
site: lab-a
zones:
  - name: servers
    role: server
    nets: [198.18.50.0/25]
  - name: clinical
    role: clinical
    nets: [198.18.50.128/25]
EOY
sed 's/^site: lab-a$/site: lab-a\nscan:\n  ftp_anonymous: false/' "$LAB_DIR/ftp-policy.yaml" > "$LAB_DIR/ftp-policy-off.yaml"
srvif=$(lab_exec srv ip -o -4 addr show | awk '/198.18.50.10\// {print $2}')
lab_bg srv tcpdump -i "$srvif" -U -w "$LAB_DIR/ftp.pcap" tcp port 2121
sleep 1
lab_exec scan "$HEIIKI" probe --policy "$LAB_DIR/ftp-policy.yaml" -o "$LAB_DIR/ftp.json" \
	$T:2121 198.18.50.140:2121 || { echo "FAIL: heiiki probe --policy (ftp)"; fails=$((fails + 1)); }
lab_exec scan "$HEIIKI" probe --policy "$LAB_DIR/ftp-policy-off.yaml" -o "$LAB_DIR/ftp-off.json" \
	$T:2121 || { echo "FAIL: heiiki probe --policy (ftp off)"; fails=$((fails + 1)); }
sleep 1
lab_exec srv pkill -INT -f "tcpdump -i $srvif -U -w $LAB_DIR/ftp.pcap"
sleep 1
ftp_res=$(python3 - "$LAB_DIR/ftp.json" "$LAB_DIR/ftp-off.json" <<-'EOP'
	import json, sys
	on = {s["addr"]: s for s in json.load(open(sys.argv[1]))["services"]}
	off = json.load(open(sys.argv[2]))["services"][0]
	a, c = on["198.18.50.10"], on["198.18.50.140"]
	bad = []
	if a.get("ftp", {}).get("anonymous") != "accepted" or "ftp-anonymous" not in a.get("risks", []):
	    bad.append("server zone: %s" % a.get("ftp"))
	if "anonymous" in c.get("ftp", {}) or "ftp-anonymous" in c.get("risks", []):
	    bad.append("clinical zone was tried: %s" % c.get("ftp"))
	if c.get("service") != "ftp":
	    bad.append("clinical zone: not named ftp: %s" % c.get("service"))
	if "anonymous" in off.get("ftp", {}) or "ftp-anonymous" in off.get("risks", []):
	    bad.append("ftp_anonymous: false was tried: %s" % off.get("ftp"))
	print("; ".join(bad))
	EOP
)
if [ -n "$ftp_res" ]; then echo "FAIL: anonymous FTP check: $ftp_res"; fails=$((fails + 1))
else echo "ok: 2121 anonymous FTP: accepted in the server zone, not tried in the clinical zone nor with ftp_anonymous: false"; fi
# on the wire (server side): USER reached .10 once (the off run sends none), never .140
users_10=$(tcpdump -r "$LAB_DIR/ftp.pcap" -A 'dst host 198.18.50.10' 2>/dev/null | grep -c 'USER anonymous')
users_140=$(tcpdump -r "$LAB_DIR/ftp.pcap" -A 'dst host 198.18.50.140' 2>/dev/null | grep -c 'USER')
if [ "$users_10" != 1 ] || [ "$users_140" != 0 ]; then
	echo "FAIL: capture on srv: USER anonymous to .10 x$users_10 (want 1), USER to .140 x$users_140 (want 0)"; fails=$((fails + 1))
else echo "ok: capture on srv: one USER anonymous to the server-zone host, none to the clinical one"; fi
[ $fails = 0 ] || { echo "test_probes_a: $fails failure(s)"; exit 1; }
echo "test_probes_a: all checks passed"
