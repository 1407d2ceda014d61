#!/bin/bash
# test_capture.sh - live passive mapping in the namespace lab.
#
# One office segment (a bridge) with three hosts and three ways out:
#
#   h1 198.18.32.10 --+                 +-- gw    .1  02:00:5e:00:32:01 -> "internet" 203.0.113.0/25
#   h2 198.18.32.20 --+-- lan (br0) ----+-- vpn   .2  02:00:5e:00:32:02 -> vendor 198.51.100.0/25
#   h3 198.18.32.30 --+                 +-- lte   .3  02:00:5e:00:32:03 -> LTE 198.51.100.128/25
#
# gw is the official gateway (declared by address), vpn the vendor VPN
# router (declared by MAC), lte an undeclared second uplink that h3 uses
# as its default route.  A tiny DNS responder (python3) on the internet
# side answers A queries with a CNAME chain for portal.example-cloud.test.
# heiiki captures live on the bridge while the hosts resolve names and
# connect out (TLS ClientHello with SNI, HTTP with Host) and the vendor
# connects in to h2's RDP port.  The test then checks: three exits with
# the right MACs, gw/vpn declared and lte "declared": null, each host
# attributed to the exit it really used, peer names taken from the DNS
# answers, and the inbound RDP flagged as remote access.  The capture is
# judged by the policy (findings in the live document, run.vantage), and a
# second capture on two spans at once (the bridge and the gateway's port)
# gives the same exits and peers with the doubled frames counted once.
# lab: serial (its live section generates traffic against a capture that must be up: parallel load made it miss packets)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HEIIKI=${HEIIKI:-$here/../../heiiki}
command -v python3 >/dev/null || { echo "python3 missing; skipping"; exit 77; }
command -v socat >/dev/null || { echo "socat missing; skipping"; exit 77; }
lab_init capture

GWMAC=02:00:5e:00:32:01 VPNMAC=02:00:5e:00:32:02 LTEMAC=02:00:5e:00:32:03

lab_switch lan
for h in h1:198.18.32.10 h2:198.18.32.20 h3:198.18.32.30; do
	lab_ns "${h%%:*}"
	lab_attach lan "${h%%:*}" "${h#*:}/20"
done
lab_ns gw; lab_forward gw; lab_attach lan gw 198.18.32.1/20 eth0 $GWMAC
lab_ns vpn; lab_forward vpn; lab_attach lan vpn 198.18.32.2/20 eth0 $VPNMAC
lab_ns lte; lab_forward lte; lab_attach lan lte 198.18.32.3/20 eth0 $LTEMAC
lab_ns inet; lab_ns vendor; lab_ns carrier
lab_link gw 203.0.113.1/25 inet 203.0.113.2/25
lab_link vpn 198.51.100.1/25 vendor 198.51.100.10/25
lab_link lte 198.51.100.129/25 carrier 198.51.100.200/25
lab_addr inet lo 203.0.113.53/32
lab_addr inet lo 203.0.113.80/32
lab_route inet 198.18.0.0/15 203.0.113.1
lab_route vendor 198.18.0.0/15 198.51.100.1
lab_route carrier 198.18.0.0/15 198.51.100.129
lab_route h1 default 198.18.32.1
lab_route h2 default 198.18.32.1
lab_route h2 198.51.100.0/25 198.18.32.2
lab_route h3 default 198.18.32.3
lab_route h3 203.0.113.53/32 198.18.32.1	# h3 still uses the hospital DNS

# DNS responder: fixed answers, CNAME chain for the portal.
cat >"$LAB_DIR/dns.py" <<'PY'
import socket, struct
ANS = {
    "portal.example-cloud.test": [("cname", "edge.example-cdn.test"),
                                  ("a", "edge.example-cdn.test", "203.0.113.80")],
    "vendor.example.test": [("a", "vendor.example.test", "198.51.100.10")],
    "lte-cloud.example.test": [("a", "lte-cloud.example.test", "198.51.100.200")],
}
def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.53", 53))
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode()); i += 1 + q[i]
    qn = ".".join(labels).lower()
    rrs = ANS.get(qn, [])
    out = q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, len(rrs), 0, 0) + q[12:i + 5]
    for rr in rrs:
        if rr[0] == "cname":
            rd = name(rr[1])
            out += b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, 60, len(rd)) + rd
        else:
            rd = socket.inet_aton(rr[2])
            out += name(rr[1]) + struct.pack(">HHIH", 1, 1, 60, 4) + rd
    s.sendto(out, peer)
PY
# Client: resolve a name, connect to PORT and send a TLS ClientHello with
# SNI (or an HTTP request with Host when the port is 80).
cat >"$LAB_DIR/client.py" <<'PY'
import socket, struct, sys
qname, port = sys.argv[1], int(sys.argv[2])
q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"".join(
    bytes([len(l)]) + l.encode() for l in qname.split(".")) + b"\0\x00\x01\x00\x01"
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)
u.sendto(q, ("203.0.113.53", 53)); r, _ = u.recvfrom(512)
addr = socket.inet_ntoa(r[-4:])
t = socket.create_connection((addr, port), timeout=3)
if port == 80:
    t.sendall(b"GET / HTTP/1.1\r\nHost: " + qname.encode() + b"\r\n\r\n")
else:
    sn = qname.encode()
    ext = struct.pack(">HHHBH", 0, len(sn) + 5, len(sn) + 3, 0, len(sn)) + sn
    body = b"\x03\x03" + bytes(32) + b"\x00\x00\x02\x13\x01\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    t.sendall(b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs)
t.close()
print(addr)
PY

cat >"$LAB_DIR/policy.yaml" <<'EOF'
version: 1
site: "capture lab"
zones:
  - name: office
    role: office
    nets: [198.18.32.0/20]
  - name: internet
    role: external
    nets: [0.0.0.0/0]
exits:
  - name: main-gateway
    gateway: 198.18.32.1
    purpose: official internet uplink
  - name: acme-vpn
    mac: "02:00:5e:00:32:02"
    purpose: imaging vendor VPN router
EOF

lab_bg inet python3 "$LAB_DIR/dns.py"
lab_listen inet 443; lab_listen inet 80
lab_listen vendor 22
lab_listen carrier 8443
lab_listen h2 3389
lab_wait_port inet 443; lab_wait_port carrier 8443; lab_wait_port h2 3389
sleep 0.5

out=$LAB_DIR/capture.json
lab_bg lan "$HEIIKI" capture -i br0 --duration 12 --policy "$LAB_DIR/policy.yaml" \
	--no-geoip -o "$out"
cap_pid=${LAB_PIDS[-1]}
# the same segment from two spans at once: the bridge and gw's port (p4),
# which sees every frame to and from the gateway a second time
out2=$LAB_DIR/capture2.json
lab_bg lan "$HEIIKI" capture -i br0 -i p4 --duration 12 --policy "$LAB_DIR/policy.yaml" \
	--no-geoip -o "$out2"
cap2_pid=${LAB_PIDS[-1]}
sleep 3		# both captures open their handles first (slower on a loaded machine)

ok=1
run() { lab_exec "$@" >/dev/null || { echo "client failed: $*"; ok=0; }; }
run h1 python3 "$LAB_DIR/client.py" portal.example-cloud.test 443
run h1 python3 "$LAB_DIR/client.py" portal.example-cloud.test 80
run h2 python3 "$LAB_DIR/client.py" vendor.example.test 22
run h3 python3 "$LAB_DIR/client.py" lte-cloud.example.test 8443
run vendor socat -u OPEN:/dev/null TCP:198.18.32.20:3389,connect-timeout=3
[ $ok = 1 ] || exit 1

wait "$cap_pid"
rc=$?
[ $rc = 0 ] || { echo "heiiki capture exited $rc"; exit 1; }
[ -s "$out" ] || { echo "no results document"; exit 1; }
wait "$cap2_pid"
rc=$?
[ $rc = 0 ] || { echo "heiiki capture (two spans) exited $rc"; exit 1; }

python3 - "$out" "$out2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc2 = json.load(open(sys.argv[2]))
fail = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fail.append(what)
exits = {e["mac"]: e for e in doc["exits"] if e.get("mac")}
gw, vpn, lte = (exits.get("02:00:5e:00:32:0%d" % i) for i in (1, 2, 3))
check(len(exits) == 3, "three exits found (%s)" % sorted(exits))
check(gw is not None and gw["declared"] == "main-gateway" and "198.18.32.1" in gw["addrs"],
      "official gateway declared, address learned from ARP")
check(vpn is not None and vpn["declared"] == "acme-vpn", "vendor VPN router declared by MAC")
check(lte is not None and lte["declared"] is None, "LTE uplink undeclared (declared: null)")
if gw and vpn and lte:
    check("198.18.32.10" in gw["hosts"] and "198.18.32.10" not in vpn["hosts"] + lte["hosts"],
          "h1 uses only the official gateway")
    check("198.18.32.20" in vpn["hosts"] and "198.18.32.20" not in lte["hosts"],
          "h2 uses the vendor VPN")
    check("198.18.32.30" in lte["hosts"] and "198.18.32.30" not in vpn["hosts"],
          "h3 uses the undeclared LTE uplink")
peers = {p["addr"]: p for p in doc["peers"]}
def names(a):
    return [n["name"] for n in peers.get(a, {}).get("names", [])]
check("portal.example-cloud.test" in names("203.0.113.80"), "peer 203.0.113.80 named from DNS (CNAME chain)")
check("edge.example-cdn.test" in names("203.0.113.80"), "CNAME target kept as alias")
check("lte-cloud.example.test" in names("198.51.100.200"), "peer behind the LTE uplink named from DNS")
check("vendor.example.test" in names("198.51.100.10"), "vendor peer named from DNS")
rdp = [f for f in doc["flows"] if f.get("remote_access") == "rdp"]
check(any(f["direction"] == "inbound" and f["src"] == "198.51.100.10" for f in rdp),
      "inbound RDP from the vendor flagged")
hosts = {h["addr"]: h for h in doc["hosts"]}
check(hosts.get("198.18.32.10", {}).get("zone") == "office", "hosts carry their zone")
check(doc["run"]["counters"].get("pcap_dropped", -1) == 0, "no kernel drops reported")
# capture --policy judges the live document (the same rules as check)
rules = sorted(f["rule"] for f in doc.get("findings", []))
check(any(f["rule"] == "UNDECLARED_EXIT" and "02:00:5e:00:32:03" in f["key"]
          for f in doc.get("findings", [])), "live capture writes findings (%s)" % rules)
v = doc["run"].get("vantage", {})
check(v.get("iface") == "br0" and v.get("role") == "capture", "live capture records its vantage (%s)" % v)
# two spans: every frame to or from the gateway seen twice, counted once
def shape(d):
    ex = sorted((e.get("mac"), e["flows"], e["peers_count"], e["hosts_count"])
                for e in d["exits"])
    pe = sorted((p["addr"], p["flows"]) for p in d["peers"])
    return ex, pe
check(doc2["run"]["counters"].get("duplicates", 0) > 0,
      "two spans: duplicates recognised (%d)" % doc2["run"]["counters"].get("duplicates", 0))
check(shape(doc2) == shape(doc), "two spans give the same exits and peers as one (%s vs %s)"
      % (shape(doc2), shape(doc)))
check(doc2["run"]["vantage"].get("ifaces") == ["br0", "p4"], "both interfaces recorded")
sys.exit(1 if fail else 0)
PY
