#!/usr/bin/env bash
# test_sweep_routes.sh - a SYN scan whose targets leave through two
# different interfaces is refused before any probe is sent (one source
# address and one capture interface would report the second part
# "filtered" while its replies go unseen); each part scanned on its own
# finds its open port.
#
#   a (198.18.60.2, sshd-like listener on 22) ── scanner ── b (198.18.61.2, 22)
#        198.18.60.1/24 on sa                  198.18.61.1/24 on sb
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweeproutes
lab_ns scanner; lab_ns a; lab_ns b
lab_link scanner 198.18.60.1/24 a 198.18.60.2/24 sa eth0
lab_link scanner 198.18.61.1/24 b 198.18.61.2/24 sb eth0
lab_listen a 22
lab_listen b 22
lab_wait_port a 22
lab_wait_port b 22
D=$LAB_DIR
cat > "$D/policy.yaml" <<'EOF2'
version: 1
site: two routes
zones:
  - { name: left, role: server, nets: [198.18.60.0/24] }
  - { name: right, role: server, nets: [198.18.61.0/24] }
scope: [198.18.60.0/24, 198.18.61.0/24]
EOF2

# What reaches a and b (IPv4 and ARP only: the kernel's own IPv6
# router solicitations after link-up are not heiiki's packets).
lab_capture a eth0 "$D/a.pcap" "ip or arp"
lab_capture b eth0 "$D/b.pcap" "ip or arp"
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 22 --rate 200 \
	--no-probes --no-findings -o "$D/both.json" left right 2> "$D/both.err"
rc=$?
sleep 0.5
after=$(( $(pcap_count "$D/a.pcap") + $(pcap_count "$D/b.pcap") ))
[ "$rc" -ne 0 ] || fail "a scan across two routes was accepted"
grep -q "more than one route" "$D/both.err" || fail "no clear error: $(cat "$D/both.err")"
grep -q "198.18.6[01]" "$D/both.err" || fail "the error does not name the target: $(cat "$D/both.err")"
[ "$after" = 0 ] || fail "$after packets reached a or b before the refusal"
echo "ok: two-route scan refused (exit $rc), 0 packets: $(head -1 "$D/both.err")"

for z in left:198.18.60.2 right:198.18.61.2; do
	zone=${z%%:*} host=${z#*:}
	lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 22 --rate 200 \
		--no-probes --no-findings -o "$D/$zone.json" "$zone" 2> "$D/$zone.err" ||
		fail "$zone alone: exit $? $(cat "$D/$zone.err")"
	python3 - "$D/$zone.json" "$host" <<'PY' || fail "$zone: port 22 not found open"
import json, sys
doc = json.load(open(sys.argv[1]))
open_ = {(s["addr"], s["port"]) for s in doc["services"] if s["state"] == "open"}
assert open_ == {(sys.argv[2], 22)}, open_
PY
	echo "ok: $zone alone: $host tcp/22 open"
done
echo "PASS test_sweep_routes"
