#!/bin/bash
# test_fence.sh - 'heiiki fence' against a firewall namespace with one hole.
#
#   sensor (out0 203.0.113.2/30) ── fw (nftables) ─┬─ srv 198.18.10.5  RDP 3389
#                                                  └─ vpn 198.18.11.6  VPN portal 443
#
# The firewall enforces the RDP allow-list (only the vendor 198.51.100.10)
# and a country block for the VPN portal that lists CN (203.0.113.128/25 in
# the fixture database) but forgets US (198.51.100.0/24): the policy allows
# only JP.  fence must report exactly that hole (FENCE_GEO_NOT_ENFORCED on
# 198.18.11.6:443) and nothing else, and the vendor's allowed SYN must get
# its SYN-ACK (proof that replies come back to the sensor at all).  Run
# twice: replies routed back to the sensor, then replies delivered on the
# sensor's segment because fence answers ARP for the spoofed sources.
#
# UDP: the VPN host also answers IKE on udp/500 and udp/4500 (socat echoes
# a reply).  The policy allows IKE only from the vendor and only from JP;
# the firewall enforces that on 500 but lets anyone through on 4500 - fence
# must confirm the UDP holes (FENCE_SOURCE_NOT_ENFORCED and
# FENCE_GEO_NOT_ENFORCED on udp/4500) with the protocol's own IKE message,
# and the vendor's IKE on 500 must get its answer.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"
HEIIKI=${HEIIKI:-$SRC/heiiki}
[ -x "$HEIIKI" ] || { echo "test_fence: $HEIIKI not built; skipping"; exit 77; }
command -v nft >/dev/null || { echo "test_fence: nft missing; skipping"; exit 77; }
command -v socat >/dev/null || { echo "test_fence: socat missing; skipping"; exit 77; }

lab_init fence

lab_ns sensor; lab_ns fw; lab_ns srv; lab_ns vpn
lab_forward fw
lab_link sensor 203.0.113.2/30 fw 203.0.113.1/30 out0 fwout
lab_link fw 198.18.10.1/24 srv 198.18.10.5/24 fwsrv eth0
lab_link fw 198.18.11.1/24 vpn 198.18.11.6/24 fwvpn eth0
lab_route srv default 198.18.10.1
lab_route vpn default 198.18.11.1
lab_route fw default 203.0.113.2	# replies to spoofed sources go to the sensor

lab_exec fw nft -f - <<'NFT'
table inet fence {
	# CN only; US (198.51.100.0/24) deliberately forgotten.
	set geo_block {
		type ipv4_addr; flags interval;
		elements = { 203.0.113.128/25 }
	}
	chain fw_forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "fwsrv" accept
		iifname "fwvpn" accept
		ip daddr 198.18.10.5 tcp dport 3389 ip saddr 198.51.100.10 accept
		ip daddr 198.18.11.6 tcp dport 443 ip saddr @geo_block drop
		ip daddr 198.18.11.6 tcp dport 443 accept
		ip daddr 198.18.11.6 udp dport 500 ip saddr 198.51.100.10 accept
		ip daddr 198.18.11.6 udp dport 4500 accept
	}
}
NFT

lab_listen srv 3389
lab_listen vpn 443
lab_wait_port srv 3389
lab_wait_port vpn 443
for p in 500 4500; do
	lab_bg vpn socat UDP4-RECVFROM:$p,reuseaddr,fork SYSTEM:'echo ike-reply'
done

cat >"$LAB_DIR/policy.yaml" <<'YAML'
version: 1
site: Fence Lab
zones:
  - name: servers
    role: server
    nets: [198.18.10.0/24]
  - name: dmz
    role: dmz
    nets: [198.18.11.0/24]
  - name: internet
    role: external
    nets: [198.51.100.0/24, 203.0.113.0/24]
vendors:
  - name: acme
    sources: [198.51.100.10/32]
services:
  - name: rdp-acme
    service: rdp
    zones: [servers]
    from: [198.51.100.10]
    vendor: acme
  - name: vpn-portal
    service: tcp/443
    zones: [dmz]
    from: [any]
  - name: vpn-ike
    service: ike
    zones: [dmz]
    from: [198.51.100.10]
    vendor: acme
geo:
  - zone: dmz
    direction: inbound
    countries: [JP]
YAML

GWMAC=$(ip -n "$(lab_nsname fw)" -br link show fwout | awk '{ print $3 }')

# run_fence NAME [EXTRA ARGS]: fence from the sensor, results in $LAB_DIR/NAME.json
run_fence() {
	local name=$1 rc; shift
	set +e
	lab_exec sensor "$HEIIKI" fence --policy "$LAB_DIR/policy.yaml" --iface out0 \
		--gateway-mac "$GWMAC" --target 198.18.10.5 --target 198.18.11.6 \
		--db "$SRC/tests/geoip/country-geolite2.mmdb" --rate 20 --tries 2 --wait 1 \
		-o "$LAB_DIR/$name.json" "$@" >"$LAB_DIR/$name.out" 2>&1
	rc=$?
	set -e
	cat "$LAB_DIR/$name.out"
	[ "$rc" = 1 ] || { echo "FAIL ($name): fence exit $rc, expected 1 (findings)"; exit 1; }
	python3 - "$LAB_DIR/$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
svc = {(s["addr"], s["port"]): s for s in d["services"] if s["proto"] == "tcp"}
udp = {(s["addr"], s["port"]): s for s in d["services"] if s["proto"] == "udp"}
fail = []
rdp = svc[("198.18.10.5", 3389)]["fence"]
vpn = svc[("198.18.11.6", 443)]["fence"]
if rdp["allowed"]["open"] != 1 or rdp["allowed"]["through"] != ["198.51.100.10"]:
    fail.append("vendor SYN to RDP not answered: %r" % rdp["allowed"])
if rdp["not_allowed"]["sent"] < 1 or rdp["not_allowed"]["open"] != 0:
    fail.append("RDP allow-list: %r" % rdp["not_allowed"])
if vpn["geo"]["through"] != ["198.51.100.157"]:
    fail.append("VPN geo hole not found exactly: %r" % vpn["geo"])
if "203.0.113.205" not in vpn["geo"]["sources"]:
    fail.append("no CN source tried: %r" % vpn["geo"])
ike, nat = udp[("198.18.11.6", 500)]["fence"], udp[("198.18.11.6", 4500)]["fence"]
if ike["allowed"]["through"] != ["198.51.100.10"]:
    fail.append("vendor IKE on udp/500 not answered: %r" % ike["allowed"])
if ike["not_allowed"]["open"] != 0 or ike["geo"]["open"] != 0 or ike["not_allowed"]["sent"] < 1:
    fail.append("udp/500 is enforced, yet: %r" % ike)
if nat["not_allowed"]["open"] < 1 or "203.0.113.205" not in nat["geo"]["through"]:
    fail.append("udp/4500 hole not confirmed: %r" % nat)
got = sorted((f["rule"], f["addr"], f["proto"], f["port"]) for f in d["findings"])
want = [("FENCE_GEO_NOT_ENFORCED", "198.18.11.6", "tcp", 443),
        ("FENCE_GEO_NOT_ENFORCED", "198.18.11.6", "udp", 4500),
        ("FENCE_SOURCE_NOT_ENFORCED", "198.18.11.6", "udp", 4500)]
if got != sorted(want):
    fail.append("findings %r" % got)
for f in fail:
    print("FAIL:", f)
sys.exit(1 if fail else 0)
PY
}

# 1. The firewall routes the spoofed ranges back to the sensor.  Run as
#    root, then again dropping to nobody once the raw handles are open
#    (the results file is then written as nobody).
run_fence routed
mkdir -p "$LAB_DIR/nobody" && chmod 777 "$LAB_DIR/nobody"
chmod 644 "$LAB_DIR/policy.yaml"
run_fence nobody/routed --user nobody
[ "$(stat -c %U "$LAB_DIR/nobody/routed.json")" = nobody ] ||
	{ echo "FAIL: fence --user nobody did not write its results as nobody"; exit 1; }

# 2. The spoofed 198.51.100.0/24 sources are on the sensor's segment: the
#    firewall ARPs for them and only --answer-arp brings the replies back.
lab_exec fw ip route del default
lab_exec fw ip addr add 198.51.100.1/24 dev fwout
lab_exec sensor ip addr add 198.51.100.2/24 dev out0
lab_route fw 203.0.113.128/25 203.0.113.2
run_fence arp --answer-arp

echo "PASS: fence found exactly the US hole of the VPN geo block and the udp/4500 holes (routed and ARP-answered)"
