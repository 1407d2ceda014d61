#!/bin/bash
# test_names.sh - host names from the site resolver (policy scan.dns_resolver).
#
#   one segment 198.18.0.0/24:  scanner .10, resolver .53 (unbound with
#   PTR records for 198.18.0.0/24, NXDOMAIN for the rest of the zone),
#   ehr .20 (sshd: PTR ehr01.hospital.example), pc .30 (a listener, no PTR),
#   pump .50 (do_not_scan).
#
# Checked:
#   1. a scan names .20 from its PTR, leaves .30 without a name, counts the
#      queries (ptr_asked, ptr_named), and the HTML report shows the name;
#   2. every DNS query heiiki made went to the policy's resolver and
#      nowhere else (strace of the scan: every socket address with port 53
#      is 198.18.0.53), and the resolver saw exactly ptr_asked queries;
#   3. without scan.dns_resolver no DNS query leaves at all;
#   4. a resolver on do_not_scan is refused before the first packet (exit 2);
#   5. a resolver that never answers: a run warning (lookups stop after 3
#      in a row), and the scan is still complete.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HEIIKI=${HEIIKI:-$here/../../heiiki}
for c in unbound strace jq tcpdump; do
	command -v $c >/dev/null || { echo "$c missing; skipping"; exit 77; }
done
lab_init names
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

lab_switch sw
lab_ns scanner; lab_attach sw scanner 198.18.0.10/24
lab_ns dns; lab_attach sw dns 198.18.0.53/24
lab_ns ehr; lab_attach sw ehr 198.18.0.20/24
lab_ns pc; lab_attach sw pc 198.18.0.30/24
lab_ns pump; lab_attach sw pump 198.18.0.50/24
lab_sshd ehr
lab_listen pc 80
lab_listen pump 80

U=$LAB_DIR/unbound
mkdir -p "$U"
cat > "$U/unbound.conf" <<EOC
server:
  interface: 198.18.0.53
  port: 53
  do-ip6: no
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "$U"
  pidfile: "$U/pid"
  use-syslog: no
  logfile: "$U/log"
  verbosity: 0
  log-queries: yes
  access-control: 198.18.0.0/15 allow
  auto-trust-anchor-file: ""
  local-zone: "0.18.198.in-addr.arpa." static
  local-data-ptr: "198.18.0.20 ehr01.hospital.example"
  local-data-ptr: "198.18.0.53 ns.hospital.example"
remote-control:
  control-enable: no
EOC
lab_bg dns unbound -d -c "$U/unbound.conf"
for i in $(seq 1 50); do
	lab_exec dns ss -Hlun "sport = :53" | grep -q . && break; sleep 0.1
done
lab_wait_port ehr 22; lab_wait_port pc 80

pol() {	# FILE [extra scan lines]
	cat > "$1" <<-EOY
	version: 1
	site: names-lab
	zones:
	  - name: management
	    role: management
	    nets: [198.18.0.0/24]
	do_not_scan:
	  - addr: 198.18.0.50
	    reason: infusion pump
	scan:
	  retries: 1
	  cooldown_ms: 500
	$2
	EOY
}
pol "$LAB_DIR/p.yaml" "  dns_resolver: 198.18.0.53"
pol "$LAB_DIR/p-none.yaml" ""
pol "$LAB_DIR/p-silent.yaml" "  dns_resolver: 198.18.0.54"
scan() {	# POLICY OUT [strace-file]
	local st=()
	[ -n "${3:-}" ] && st=(strace -f -qq -e trace=connect,sendto,sendmsg,sendmmsg -o "$3")
	lab_exec scanner "${st[@]}" "$HEIIKI" scan --policy "$1" -o "$2" --no-probes --no-arp \
		-p 22,80 --rate 500 198.18.0.20 198.18.0.30 > "$LAB_DIR/scan.out" 2> "$LAB_DIR/scan.err"
}

# --- 1 + 2: names, and only the resolver is asked ---------------------------
scan "$LAB_DIR/p.yaml" "$LAB_DIR/r.json" "$LAB_DIR/strace.txt" || fail "scan: exit $?: $(cat "$LAB_DIR/scan.err")"
n20=$(jq -c '[.hosts[] | select(.addr == "198.18.0.20") | .hostnames // []][0]' "$LAB_DIR/r.json")
n30=$(jq -c '[.hosts[] | select(.addr == "198.18.0.30") | .hostnames // []][0]' "$LAB_DIR/r.json")
asked=$(jq '.run.counters.ptr_asked // 0' "$LAB_DIR/r.json")
named=$(jq '.run.counters.ptr_named // 0' "$LAB_DIR/r.json")
[ "$n20" = '["ehr01.hospital.example"]' ] || fail ".20 hostnames $n20"
[ "$n30" = '[]' ] || fail ".30 hostnames $n30 (it has no PTR)"
[ "$asked" = 2 ] && [ "$named" = 1 ] || fail "counters: ptr_asked $asked ptr_named $named (want 2, 1)"
ok "PTR names: .20 ehr01.hospital.example, .30 none; ptr_asked 2, ptr_named 1"
"$HEIIKI" report --lang en -o "$LAB_DIR/r.html" "$LAB_DIR/r.json" 2>/dev/null ||
	"$HEIIKI" report -o "$LAB_DIR/r.html" "$LAB_DIR/r.json" || fail "report: exit $?"
grep -q "ehr01.hospital.example" "$LAB_DIR/r.html" || fail "the report does not show the name"
ok "the HTML report shows the name"
dns_to=$(grep -o 'sin_port=htons(53), sin_addr=inet_addr("[0-9.]*")' "$LAB_DIR/strace.txt" |
	grep -o '"[0-9.]*"' | tr -d '"' | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
[ -n "$dns_to" ] || fail "strace saw no DNS socket at all: $(head -5 "$LAB_DIR/strace.txt")"
case "$dns_to" in *[!\ ]*)
	for d in $dns_to; do [ "${d%x*}" = 198.18.0.53 ] || fail "a DNS query went to ${d%x*} (all: $dns_to)"; done ;;
esac
grep -q 'sin6_port=htons(53)' "$LAB_DIR/strace.txt" && fail "a DNS query went to an IPv6 server"
queries=$(grep -c 'in-addr.arpa' "$U/log" 2>/dev/null)
[ "$queries" = "$asked" ] || fail "the resolver logged $queries PTR queries, heiiki counted $asked"
ok "DNS only to the policy's resolver ($dns_to), which logged $queries queries"

# --- 3: no resolver in the policy: no DNS at all ------------------------------
scan "$LAB_DIR/p-none.yaml" "$LAB_DIR/r0.json" "$LAB_DIR/strace0.txt" || fail "scan without resolver: exit $?"
grep -q 'htons(53)' "$LAB_DIR/strace0.txt" && fail "DNS without scan.dns_resolver: $(grep 'htons(53)' "$LAB_DIR/strace0.txt" | head -2)"
[ "$(jq '.run.counters.ptr_asked // 0' "$LAB_DIR/r0.json")" = 0 ] || fail "ptr_asked without a resolver"
ok "without scan.dns_resolver: no DNS query"

# --- 4: the resolver on do_not_scan is refused before the first packet ------
sed 's/addr: 198.18.0.50/addr: 198.18.0.53/' "$LAB_DIR/p.yaml" > "$LAB_DIR/p-dns.yaml"
lab_capture dns eth0 "$LAB_DIR/dns4.pcap"
scan "$LAB_DIR/p-dns.yaml" "$LAB_DIR/r4.json"; rc=$?
sleep 0.5; lab_exec dns pkill -INT -f "tcpdump -Q in -n -s 128 -U -i eth0 -w $LAB_DIR/dns4.pcap"; sleep 0.5
[ $rc = 2 ] || fail "resolver on do_not_scan: exit $rc: $(cat "$LAB_DIR/scan.err")"
grep -q "do_not_scan" "$LAB_DIR/scan.err" || fail "resolver on do_not_scan: message: $(cat "$LAB_DIR/scan.err")"
got=$(tcpdump -nr "$LAB_DIR/dns4.pcap" 'ip and dst host 198.18.0.53' 2>/dev/null | wc -l)
[ "$got" = 0 ] || fail "the refused resolver received $got packets"
ok "resolver on do_not_scan: exit 2 ($(head -1 "$LAB_DIR/scan.err")), 0 packets to it"

# --- 5: a resolver that never answers ----------------------------------------
s=$(date +%s)
scan "$LAB_DIR/p-silent.yaml" "$LAB_DIR/r5.json" || fail "silent resolver: exit $?: $(cat "$LAB_DIR/scan.err")"
el=$(( $(date +%s) - s ))
[ "$(jq -r .run.status "$LAB_DIR/r5.json")" = complete ] || fail "silent resolver: run not complete"
jq -e '.run.warnings | any(test("did not answer"))' "$LAB_DIR/r5.json" >/dev/null ||
	fail "silent resolver: no run warning: $(jq -c .run.warnings "$LAB_DIR/r5.json")"
[ $el -lt 30 ] || fail "silent resolver: the scan took $el s"
ok "silent resolver: a run warning, run complete in $el s"
echo PASS
