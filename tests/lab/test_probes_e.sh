#!/bin/bash
# test_probes_e.sh - issue 13, part E, against REAL Debian daemons in lab
# namespaces: product rules (Postfix, Apache httpd, Net-SNMP; Exim when
# EXIM=/path/to/exim4 is given, see tests/probes/record_e.sh), TFTP through
# the runner (reply from tftpd-hpa's new transfer port), the UDP cascade on
# unlisted UDP ports (snmpd on 1161, chronyd on 1123, unbound on 5300), and
# the open-proxy check (squid with http_access allow all vs deny all; Apache
# on 8080 is a web server, not a proxy; a third allow-all squid whose
# connections back to the scanner are rejected by nftables in the scanner
# namespace: the relay is attempted, ERR_CONNECT_FAIL, still open).
#
# Server namespace srv (198.18.52.10) and srv2 (198.18.52.11, the refusing
# squid); the scanner namespace runs 'heiiki probe --explain' once on all of
# them with a policy that puts both in a "servers" zone (the open-proxy
# check and the UDP cascade never run on careful hosts).  A relaying proxy
# connects back only to the scanner's own one-shot listener: no route leaves
# the lab.  Then the same through 'heiiki scan --all-states' (sweep, probe
# phase on open|filtered UDP ports, findings TFTP_OPEN and OPEN_PROXY).
# Exit 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
EXIM=${EXIM:-}
. "$here/lib.sh"
. "$src/tests/probes/services_e.sh"
[ -x "$HEIIKI" ] || { echo "test_probes_e: $HEIIKI not built" >&2; exit 77; }
for b in postfix apache2 snmpd in.tftpd squid unbound chronyd python3 script nft; do
	command -v $b >/dev/null 2>&1 || [ -x /usr/sbin/$b ] ||
		{ echo "test_probes_e: $b missing (make deps); skipped" >&2; exit 77; }
done
lab_init probes-e
lab_switch sw
lab_ns scan; lab_attach sw scan 198.18.52.2/24
lab_ns srv; lab_attach sw srv 198.18.52.10/24
lab_ns srv2; lab_attach sw srv2 198.18.52.11/24
lab_ns srv4; lab_attach sw srv4 198.18.52.13/24
T=198.18.52.10
T2=198.18.52.11
pe_postfix srv
pe_apache srv 80
pe_apache srv 8080
pe_snmpd srv 1161
pe_chrony srv 1123
pe_unbound srv 5300
pe_tftpd srv $T
pe_squid srv 3128 allow
pe_squid srv2 3128 deny
pe_squid srv4 3128 allow
# the scanner's host firewall refuses connections from srv4 (its canary is unreachable)
lab_exec scan nft -f - <<-'EON' || lab_die "nft"
table inet labfw {
	chain in {
		type filter hook input priority 0;
		ip saddr 198.18.52.13 tcp flags & (syn | ack) == syn reject with tcp reset
	}
}
EON
if [ -n "$EXIM" ]; then
	lab_ns srv3; lab_attach sw srv3 198.18.52.12/24
	pe_exim srv3 "$EXIM"
	lab_wait_port srv3 25
fi
for p in 25 80 8080 3128 5300; do lab_wait_port srv $p; done
lab_wait_port srv2 3128
lab_wait_port srv4 3128
wait_udp() {	# NS PORT
	local i
	for i in $(seq 1 50); do
		lab_exec "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	lab_die "nothing listening on $1 udp/$2"
}
for p in 1161 1123 69; do wait_udp srv $p; done
cat > "$LAB_DIR/policy.yaml" <<-EOP
version: 1
site: "probes-e lab"
zones:
  - name: servers
    role: server
    nets: [198.18.52.0/24]
scope: [198.18.52.0/24]
EOP
out=$LAB_DIR/probe.json
explain=$LAB_DIR/explain.txt
targets=($T:25 $T:80 $T:8080 $T:3128 $T2:3128 198.18.52.13:3128 $T:69/udp $T:1161/udp $T:1123/udp $T:5300/udp)
[ -n "$EXIM" ] && targets+=(198.18.52.12:25)
start=$(date +%s%N)
lab_exec scan "$HEIIKI" probe --policy "$LAB_DIR/policy.yaml" --scanner-id lab-e --explain -o "$out" \
	"${targets[@]}" 2>"$explain"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "heiiki probe: exit $rc, ${ms} ms for ${#targets[@]} services"
[ $rc = 0 ] || { echo "FAIL: heiiki probe exit $rc"; cat "$explain"; exit 1; }

fails=0
svc() {	# ADDR PORT PROTO: that service as one JSON line, sorted keys
	python3 - "$out" "$1" "$2" "$3" <<-'EOP'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for s in d["services"]:
	    if s["addr"] == sys.argv[2] and s["port"] == int(sys.argv[3]) and s["proto"] == sys.argv[4]:
	        print(json.dumps(s, sort_keys=True))
	EOP
}
expect() {	# ADDR PORT PROTO DESCRIPTION PATTERN...
	local a=$1 port=$2 proto=$3 what=$4 s pat; shift 4
	s=$(svc "$a" "$port" "$proto")
	for pat in "$@"; do
		if ! printf '%s' "$s" | grep -qF -- "$pat"; then
			echo "FAIL: $a $port/$proto ($what): missing $pat"
			echo "      got: $s"
			fails=$((fails + 1))
			return
		fi
	done
	echo "ok: $a $port/$proto $what"
}
expect_not() {	# ADDR PORT PROTO PATTERN
	if svc "$1" "$2" "$3" | grep -qF -- "$4"; then
		echo "FAIL: $1 $2/$3 has $4"; fails=$((fails + 1))
	else
		echo "ok: $1 $2/$3 without $4"
	fi
}
expect $T 25 tcp "Postfix by rule" '"service": "smtp"' '"product": "Postfix"' '"rule": "postfix"' \
	'"cpe": "cpe:2.3:a:postfix:postfix:'
expect $T 80 tcp "Apache httpd by rule" '"service": "http"' '"product": "Apache httpd"' '"version": "2.4.' \
	'"rule": "apache-httpd"' '"cpe": "cpe:2.3:a:apache:http_server:2.4.'
expect $T 8080 tcp "Apache on 8080: a web server, not a proxy" '"service": "http"' '"product": "Apache httpd"' \
	'"name": "http"'
expect_not $T 8080 tcp '"http_proxy"'
expect $T 69 udp "tftpd-hpa through the runner (new TID)" '"service": "tftp"' '"tftp-open"' \
	'"error_message": "File not found"'
expect $T 1161 udp "snmpd on an unlisted port (UDP cascade)" '"service": "snmp"' '"product": "Net-SNMP"' \
	'"cascade_step": "udp-hello:snmp"' '"rule": "net-snmp"' '"snmp-public"'
expect $T 1123 udp "chronyd on an unlisted port (UDP cascade)" '"service": "ntp"' \
	'"cascade_step": "udp-hello:ntp"' '"stratum": 10'
expect $T 5300 udp "unbound on an unlisted port (UDP cascade)" '"service": "dns"' '"product": "Unbound"' \
	'"cascade_step": "udp-hello:dns"' '"version": "1.17'
expect $T 3128 tcp "squid allow-all: open proxy" '"service": "http"' '"open": true' '"evidence": "canary-page"' '"open-proxy"' \
	'(squid/5.7)' '"product": "Squid"' '"version": "5.7"' '"rule": "squid-via"'
expect $T2 3128 tcp "squid deny-all: a proxy, not open" '"service": "http"' '"open": false' \
	'"product": "Squid"' '"error": "ERR_ACCESS_DENIED'
expect_not $T2 3128 tcp open-proxy
expect 198.18.52.13 3128 tcp "squid allow-all, canary unreachable: relay attempted" '"open": true' \
	'"evidence": "relay-attempted"' '"error": "ERR_CONNECT_FAIL' '"open-proxy"'
if [ -n "$EXIM" ]; then
	expect 198.18.52.12 25 tcp "Exim by rule" '"product": "Exim"' '"version": "4.' '"rule": "exim"'
fi
# the allow-all squid really fetched from the scanner's canary, nothing else
if grep -q "heiiki-proxy-check/" "$LAB_DIR/squid-srv-3128/access.log" &&
	! grep -v "198.18.52.2:" "$LAB_DIR/squid-srv-3128/access.log" | grep -q "http://"; then
	echo "ok: squid's access.log shows only the check URL on the scanner's address"
else
	echo "FAIL: squid access.log:"; sed 's/^/      /' "$LAB_DIR/squid-srv-3128/access.log"; fails=$((fails + 1))
fi
# --explain shows every new rule
for r in postfix apache-httpd net-snmp; do
	if grep -q "rule '$r' matched" "$explain"; then
		echo "ok: --explain shows rule $r"
	else
		echo "FAIL: --explain lacks rule $r"; fails=$((fails + 1))
	fi
done
grep -q "udp-hello:" "$explain" && echo "ok: --explain shows the UDP cascade step" ||
	{ echo "FAIL: --explain lacks the UDP cascade step"; fails=$((fails + 1)); }
[ "$ms" -lt 20000 ] || { echo "FAIL: ${ms} ms"; fails=$((fails + 1)); }

# The same through 'heiiki scan' (sweep, probes, findings): udp/69 and
# udp/1161 stay silent to the sweep's datagram or answer from another port
# (TFTP), so --all-states leaves them open|filtered; the runner probes them
# and the findings name TFTP and the open proxy.
scan=$LAB_DIR/scan.json
lab_exec scan "$HEIIKI" scan --policy "$LAB_DIR/policy.yaml" -p 3128 -U 69,1161 --rate 200 \
	--cooldown 1000 --all-states -o "$scan" servers 2>"$LAB_DIR/scan.err" ||
	{ echo "FAIL: heiiki scan: $(tail -3 "$LAB_DIR/scan.err")"; fails=$((fails + 1)); }
if python3 - "$scan" $T <<-'EOP'
	import json, sys
	d = json.load(open(sys.argv[1])); t = sys.argv[2]
	svc = {(s["addr"], s["port"], s["proto"]): s for s in d["services"]}
	rules = {(f["rule"], f.get("addr"), f.get("port")) for f in d.get("findings", [])}
	ok = True
	def need(c, what):
	    global ok
	    print(("ok: " if c else "FAIL: ") + "scan: " + what); ok = ok and c
	tf = svc.get((t, 69, "udp"), {})
	need(tf.get("service") == "tftp" and tf.get("state") == "open", "udp/69 named tftp, state open (%s)" % tf.get("state"))
	sn = svc.get((t, 1161, "udp"), {})
	need(sn.get("service") == "snmp" and sn.get("probe", {}).get("cascade_step") == "udp-hello:snmp",
	     "udp/1161 named snmp by the UDP cascade")
	need(("TFTP_OPEN", t, 69) in rules, "finding TFTP_OPEN")
	need(("OPEN_PROXY", t, 3128) in rules, "finding OPEN_PROXY on the allow-all squid")
	need(("OPEN_PROXY", "198.18.52.11", 3128) not in rules, "no OPEN_PROXY on the deny-all squid")
	sys.exit(0 if ok else 1)
	EOP
then :; else fails=$((fails + 1)); fi
# Without --all-states the sweep itself must take tftpd's answer, which
# comes from its new transfer port (reply.c), as udp/69 open.
scan2=$LAB_DIR/scan2.json
lab_exec scan "$HEIIKI" scan --policy "$LAB_DIR/policy.yaml" -p 3128 -U 69 --rate 200 \
	--cooldown 1000 -o "$scan2" servers 2>"$LAB_DIR/scan2.err" ||
	{ echo "FAIL: heiiki scan (no --all-states): $(tail -3 "$LAB_DIR/scan2.err")"; fails=$((fails + 1)); }
if jq -e --arg t "$T" '([.services[] | select(.addr == $t and .port == 69 and .proto == "udp"
	and .state == "open" and .service == "tftp")] | length == 1)
	and ([.findings[]? | select(.rule == "TFTP_OPEN" and .addr == $t)] | length == 1)' "$scan2" >/dev/null; then
	echo "ok: scan without --all-states: udp/69 open (answer from the new transfer port), TFTP_OPEN"
else
	echo "FAIL: scan without --all-states did not find udp/69: $(jq -c '[.services[] | select(.port == 69)]' "$scan2")"
	fails=$((fails + 1))
fi
[ $fails = 0 ] || { echo "--- explain:"; cat "$explain"; echo "test_probes_e: $fails failure(s)"; exit 1; }
echo "test_probes_e: all checks passed"
