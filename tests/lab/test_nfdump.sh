#!/bin/bash
# test_nfdump.sh - flow export (NetFlow v9 and IPFIX) read with
# `heiiki capture --nfdump` gives the same exits, peers and findings as
# `heiiki capture -r` on a pcap of the same traffic.
#
#   cli 198.18.50.10/.11 -- rtr (lan 198.18.50.1)
#                           rtr wan: one segment (bridge "wan") with two upstreams
#                             isp1 198.51.100.2  02:00:5e:00:64:02 -> servers 198.51.100.80
#                             isp2 203.0.113.2   02:00:5e:00:71:02 -> servers 203.0.113.80
#                           rtr mgmt 198.18.99.1 -- col 198.18.99.2 (nfcapd x 2)
#
# tcpdump on rtr's wan interface writes the traffic (IP only) to a pcap
# while the clients make TCP connections to 443, 22 and 3389 through both
# upstreams (one carries a TLS ClientHello with SNI), a UDP exchange, and a
# TCP attempt to a closed port.  Then, in rtr, Debian's softflowd (-T ether:
# MACs exported) turns those frames into NetFlow v9 and IPFIX (-v 10) sent to
# two nfcapd in the collector namespace (the IPFIX one with -S 1: day
# subdirectories).  softflowd reads the pcap (-r) rather than the live
# interface: softflowd 1.1.0 does not use libpcap's immediate mode, so on a
# quiet interface (a lab veth) the kernel ring's blocks never fill and it
# processes nothing (softflowctl: "Packets processed: 0"; irino/softflowd
# pull request 71) - and from the pcap the flow records describe exactly the
# frames heiiki reads.  softflowd (-a: the packets' own times) exports
# everything and exits at the end of the file (driven through its control
# socket, see below), and nfcapd is stopped (SIGTERM closes its file), then the three
# documents are compared with jq.
#
# Legitimately different (and checked to be): peer names (the SNI name is in
# the pcap only: flow records carry no payload), flow "app", bytes (a pcap
# counts frame bytes, an exporter IP bytes: 14 bytes a packet less), and
# run.vantage (the exporter 198.18.99.1 with source netflow/ipfix).  ARP is
# not exported either: the pcap filter keeps IP only, so neither document
# learns exit addresses from ARP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HEIIKI=${HEIIKI:-$here/../../heiiki}
for t in softflowd softflowctl nfcapd nfdump tcpdump jq python3 socat; do
	command -v $t >/dev/null || { echo "$t missing (make deps); skipping"; exit 77; }
done
lab_init nfdump
SRC=${HEIIKI_SRCDIR:-$here/../..}
ISP1MAC=02:00:5e:00:64:02 ISP2MAC=02:00:5e:00:71:02

lab_ns cli; lab_ns rtr; lab_forward rtr; lab_ns col
lab_ns isp1; lab_forward isp1; lab_ns isp2; lab_forward isp2
lab_link cli 198.18.50.10/24 rtr 198.18.50.1/24
lab_addr cli l1 198.18.50.11/24
lab_link rtr 198.18.99.1/30 col 198.18.99.2/30
lab_switch wan
lab_attach wan rtr 198.51.100.1/28 wan
lab_addr rtr wan 203.0.113.1/28
lab_attach wan isp1 198.51.100.2/28 eth0 $ISP1MAC
lab_attach wan isp2 203.0.113.2/28 eth0 $ISP2MAC
lab_addr isp1 lo 198.51.100.80/32
lab_addr isp2 lo 203.0.113.80/32
lab_route cli default 198.18.50.1
lab_route rtr 198.51.100.0/24 198.51.100.2
lab_route rtr 203.0.113.0/24 203.0.113.2
lab_route isp1 198.18.0.0/15 198.51.100.1
lab_route isp2 198.18.0.0/15 203.0.113.1

lab_listen isp1 443; lab_listen isp1 22
lab_listen isp2 443; lab_listen isp2 3389
lab_bg isp2 python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("203.0.113.80", 9999))
while True:
    d, a = s.recvfrom(512); s.sendto(d, a)' 
lab_wait_port isp1 443; lab_wait_port isp1 22
lab_wait_port isp2 443; lab_wait_port isp2 3389

d9=$LAB_DIR/nf-v9 d10=$LAB_DIR/nf-ipfix pcap=$LAB_DIR/wan.pcap
mkdir -p "$d9" "$d10"
lab_bg col nfcapd -b 198.18.99.2 -p 2055 -w "$d9" -t 60 -P "$LAB_DIR/nfcapd9.pid"
nf9=${LAB_PIDS[-1]}
lab_bg col nfcapd -b 198.18.99.2 -p 4739 -w "$d10" -S 1 -t 60 -P "$LAB_DIR/nfcapd10.pid"
nf10=${LAB_PIDS[-1]}
# warm the ARP caches first: the flows below then start with their SYN
lab_exec cli ping -c1 -W2 -I 198.18.50.10 198.51.100.80 >/dev/null
lab_exec cli ping -c1 -W2 -I 198.18.50.10 203.0.113.80 >/dev/null
lab_bg rtr tcpdump -n -s 256 -U -i wan -w "$pcap" ip
tcpdump_pid=${LAB_PIDS[-1]}
sleep 1

cat >"$LAB_DIR/client.py" <<'PY'
import socket, struct, sys
src, dst, port, how = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if how == "udp":
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)
    u.bind((src, 0)); u.sendto(b"ping", (dst, port)); u.recvfrom(64)
    sys.exit(0)
t = socket.socket(); t.settimeout(3); t.bind((src, 0))
try:
    t.connect((dst, port))
except OSError:
    sys.exit(0 if how == "closed" else 1)
if how == "tls":
    sn = b"portal.example-cloud.test"
    ext = struct.pack(">HHHBH", 0, len(sn) + 5, len(sn) + 3, 0, len(sn)) + sn
    body = b"\x03\x03" + bytes(32) + b"\x00\x00\x02\x13\x01\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    t.sendall(b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs)
else:
    t.sendall(b"hello\r\n")
t.close()
PY
ok=1
run() { lab_exec cli python3 "$LAB_DIR/client.py" "$@" || { echo "client failed: $*"; ok=0; }; }
run 198.18.50.10 203.0.113.80 443 tls
run 198.18.50.10 198.51.100.80 22 plain
run 198.18.50.11 203.0.113.80 3389 plain
run 198.18.50.11 198.51.100.80 443 plain
run 198.18.50.10 203.0.113.80 9999 udp
run 198.18.50.11 198.51.100.80 8080 closed
sleep 1
kill -TERM "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null

# export: softflowd in the router namespace, one per version, flushed by
# softflowctl once it has read the file (it then waits for commands)
for v in 9 10; do
	port=2055; [ $v = 10 ] && port=4739
	lab_bg rtr softflowd -d -a -r "$pcap" -T ether -v $v -n 198.18.99.2:$port \
		-p "$LAB_DIR/sf$v.pid" -c "$LAB_DIR/sf$v.ctl"
done
sf_pids=("${LAB_PIDS[@]: -2}")
# softflowd 1.1.0 reading a file waits on its control socket between
# batches: each command lets it read on.  With -a it replays the packets at
# their own pace (the flows keep their real times), exports every flow at
# the end of the file and exits.  Keep asking for its statistics until both
# have exited; one still running after 30 s is stopped (and the test fails).
for i in $(seq 1 300); do
	kill -0 "${sf_pids[0]}" 2>/dev/null || kill -0 "${sf_pids[1]}" 2>/dev/null || break
	for v in 9 10; do
		[ -S "$LAB_DIR/sf$v.ctl" ] &&
			lab_exec rtr softflowctl -c "$LAB_DIR/sf$v.ctl" statistics >/dev/null 2>&1
	done
	sleep 0.1
done
for v in 9 10; do
	kill -0 "${sf_pids[$((v / 10))]}" 2>/dev/null || continue
	echo "softflowd -v $v still reading after 30 s"; ok=0
	lab_exec rtr softflowctl -c "$LAB_DIR/sf$v.ctl" shutdown >/dev/null 2>&1
done
sleep 1
kill -TERM "$nf9" "$nf10"
for i in $(seq 1 50); do
	kill -0 "$nf9" 2>/dev/null || kill -0 "$nf10" 2>/dev/null || break
	sleep 0.1
done
{ kill -0 "$nf9" || kill -0 "$nf10"; } 2>/dev/null && { echo "nfcapd did not stop"; exit 1; }
find "$LAB_DIR" -name 'nfcapd.*' | sed "s|$LAB_DIR/||" >&2
ls "$d10"/*/*/*/nfcapd.* >/dev/null 2>&1 || { echo "nfcapd -S 1 wrote no day subdirectory"; ok=0; }

cat >"$LAB_DIR/policy.yaml" <<'EOF'
version: 1
site: "nfdump lab"
zones:
  - name: office
    role: office
    nets: [198.18.50.10/32]
  - name: imaging
    role: clinical
    closed: true
    nets: [198.18.50.11/32]
  - name: mgmt
    role: management
    nets: [198.18.99.0/30]
  - name: internet
    role: external
    nets: [0.0.0.0/0]
geo:
  - zone: office
    direction: outbound
    countries: [US]
exits:
  - name: isp1-line
    mac: "02:00:5e:00:64:02"
    purpose: main internet line
EOF
geo=(--geoip "$SRC/tests/geoip/country-geolite2.mmdb" --geoip "$SRC/tests/geoip/asn.mmdb")
"$HEIIKI" capture -r "$pcap" --policy "$LAB_DIR/policy.yaml" "${geo[@]}" -o "$LAB_DIR/pcap.json" ||
	{ echo "capture -r failed"; exit 1; }
for v in 9 10; do
	dir=$d9; [ $v = 10 ] && dir=$d10
	"$HEIIKI" capture --nfdump "$dir" --policy "$LAB_DIR/policy.yaml" "${geo[@]}" \
		-o "$LAB_DIR/nf$v.json" || { echo "capture --nfdump (v$v) failed"; exit 1; }
done

# the comparable part of a document; bytes and names left out (see above)
view() {
	jq -S '{
	  exits: [.exits[] | {mac, declared, seen, hosts: (.hosts | sort), hosts_count,
	                      peers_count, flows, packets}] | sort_by(.mac),
	  peers: [.peers[] | {addr, country, asn, exit, remote_access, flows, packets}]
	         | sort_by(.addr),
	  flows: [.flows[] | {proto, src, sport, dst, dport, direction, state, attempt,
	                      remote_access, packets_out, packets_in, src_zone, dst_zone}]
	         | sort_by(.src, .sport, .dst, .dport),
	  findings: [.findings[] | {rule, key, severity}] | sort_by(.key)
	}' "$1"
}
view "$LAB_DIR/pcap.json" >"$LAB_DIR/pcap.view"
jq -c '.exits[] | {mac, declared, flows}' "$LAB_DIR/pcap.json" >&2
jq -c '.findings[] | [.severity, .key]' "$LAB_DIR/pcap.json" >&2
n=$(jq '.exits | map(select(.seen)) | length' "$LAB_DIR/pcap.json")
[ "$n" = 2 ] || { echo "pcap: expected 2 exits, got $n"; ok=0; }
n=$(jq '[.findings[] | select(.rule == "UNDECLARED_EXIT")] | length' "$LAB_DIR/pcap.json")
[ "$n" = 1 ] || { echo "pcap: expected 1 UNDECLARED_EXIT, got $n"; ok=0; }
for rule in CLOSED_ZONE_EGRESS GEO_COUNTRY_NOT_ALLOWED BLOCKED_ATTEMPT; do
	jq -e --arg r $rule '[.findings[] | select(.rule == $r)] | length > 0' \
		"$LAB_DIR/pcap.json" >/dev/null || { echo "pcap: no $rule finding"; ok=0; }
done
n=$(jq '.flows | length' "$LAB_DIR/pcap.json")
[ "$n" -ge 6 ] || { echo "pcap: expected at least 6 flows, got $n"; ok=0; }
jq -e '[.peers[] | select(.addr == "203.0.113.80") | .names[].name]
       | index("portal.example-cloud.test") != null' "$LAB_DIR/pcap.json" >/dev/null ||
	{ echo "pcap: the SNI name is missing"; ok=0; }
for v in 9 10; do
	src=netflow; [ $v = 10 ] && src=ipfix
	view "$LAB_DIR/nf$v.json" >"$LAB_DIR/nf$v.view"
	if ! diff -u "$LAB_DIR/pcap.view" "$LAB_DIR/nf$v.view"; then
		echo "v$v: exits/peers/flows/findings differ from the pcap's"; ok=0
	fi
	jq -e --arg s $src '.run.vantage | .exporter == "198.18.99.1" and .source == $s
	       and .role == "capture"' "$LAB_DIR/nf$v.json" >/dev/null ||
		{ echo "v$v: vantage: $(jq -c .run.vantage "$LAB_DIR/nf$v.json")"; ok=0; }
	jq -e '[.peers[].names | length] | add == 0' "$LAB_DIR/nf$v.json" >/dev/null ||
		{ echo "v$v: names without payload?"; ok=0; }
	jq -e '.run.flow_export.unavailable | index("sni") != null' "$LAB_DIR/nf$v.json" \
		>/dev/null || { echo "v$v: run.flow_export.unavailable"; ok=0; }
	jq -e '.run.status == "complete" and .run.counters.flow_export_malformed == 0' \
		"$LAB_DIR/nf$v.json" >/dev/null || { echo "v$v: status/counters"; ok=0; }
done
# packets agree, bytes differ by the 14-byte Ethernet header of each packet
jq -e -s '(.[0].peers | map(.packets) | add) as $p
          | (.[0].peers | map(.bytes_out + .bytes_in) | add)
            - (.[1].peers | map(.bytes_out + .bytes_in) | add) == 14 * $p' \
	"$LAB_DIR/pcap.json" "$LAB_DIR/nf9.json" >/dev/null ||
	{ echo "bytes: pcap - netflow != 14 x packets"; ok=0; }

# a damaged file among the good ones: what was read is kept, exit 3, partial
head -c 3000 /dev/urandom >"$d9/nfcapd.209912312359"
"$HEIIKI" capture --nfdump "$d9" --no-geoip -o "$LAB_DIR/bad.json" 2>"$LAB_DIR/bad.err"
rc=$?
[ $rc = 3 ] && grep -q 'bad magic' "$LAB_DIR/bad.err" &&
	jq -e '.run.status == "partial" and (.flows | length) > 0' "$LAB_DIR/bad.json" >/dev/null ||
	{ echo "damaged file: rc=$rc $(cat "$LAB_DIR/bad.err")"; ok=0; }
"$HEIIKI" capture --nfdump "$LAB_DIR/none" --no-geoip -o "$LAB_DIR/x.json" 2>/dev/null
[ $? = 2 ] || { echo "missing DIR: exit status not 2"; ok=0; }

[ $ok = 1 ] || exit 1
echo "nfdump lab: v9 and IPFIX documents match the pcap's exits, peers, flows and findings"
