#!/usr/bin/env bash
# test_sweep_udp6.sh - UDP states and IPv6 targets.
#
# One segment with IPv4 and IPv6 on both ends.  The host runs TCP
# listeners on 22 and 443 and a UDP service on 161 that answers; UDP 500
# has no listener, so the host's ICMP port-unreachable makes it "closed".
# The raw sweep must report exactly this for both families, and the
# connect() fallback must find the same open TCP set over IPv6.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweepudp6
D=$LAB_DIR
lab_ns scanner
lab_ns host
lab_link scanner 198.18.50.1/24 host 198.18.50.2/24 s0 h0
lab_addr scanner s0 2001:db8:50::1/64
lab_addr host h0 2001:db8:50::2/64
lab_listen host 22
lab_listen host 443
lab_bg host socat UDP6-RECVFROM:161,reuseaddr,fork,ipv6only=0 SYSTEM:'echo pong'
lab_wait_port host 443
sleep 1
cat > "$D/policy.yaml" <<'EOF2'
version: 1
site: udp and ipv6
zones:
  - { name: lan, role: server, nets: [198.18.50.0/24, "2001:db8:50::/64"] }
scope: [198.18.50.0/24, "2001:db8:50::/64"]
scan: { cooldown_ms: 1500 }
EOF2
cat > "$D/want.txt" <<'EOF2'
198.18.50.2 tcp 22 open
198.18.50.2 tcp 443 open
198.18.50.2 tcp 80 closed
198.18.50.2 udp 161 open
198.18.50.2 udp 500 closed
2001:db8:50::2 tcp 22 open
2001:db8:50::2 tcp 443 open
2001:db8:50::2 tcp 80 closed
2001:db8:50::2 udp 161 open
2001:db8:50::2 udp 500 closed
EOF2
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 22,80,443 -U 161,500 \
	--all-states --no-probes --no-findings -o "$D/r.json" 198.18.50.2 2001:db8:50::2 \
	|| fail "scan exit $?"
sweep_states "$D/r.json" | sort > "$D/got.txt"
diff -u "$D/want.txt" "$D/got.txt" || fail "UDP/IPv6 states differ"
echo "ok: raw sweep: TCP and UDP states over IPv4 and IPv6 as expected"

lab_exec scanner "$HEIIKI" scan --connect --policy "$D/policy.yaml" -p 22,80,443 \
	--no-probes --no-findings -o "$D/c.json" 2001:db8:50::2 || fail "connect scan exit $?"
sweep_states "$D/c.json" | sort > "$D/gotc.txt"
grep 'tcp .* open' "$D/want.txt" | grep 2001 > "$D/wantc.txt"
diff -u "$D/wantc.txt" "$D/gotc.txt" || fail "IPv6 connect() scan differs"
echo "ok: connect() scan over IPv6 finds the same open set"
