#!/usr/bin/env bash
# test_sweep_dryrun.sh - --dry-run prints every (address, port) exactly once,
# never a do_not_scan or network/broadcast address, and sends nothing.
#
# Runs inside an empty namespace (only lo) whose packet counters must stay
# at zero.  The expected set is computed independently with Python's
# ipaddress module from the same zones, do_not_scan and ports.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweepdry
lab_ns dry
D=$LAB_DIR
cat > "$D/policy.yaml" <<'EOF2'
version: 1
site: dry run
zones:
  - { name: servers, role: server, nets: [198.18.10.0/24] }
  - { name: clinical, role: clinical, nets: [198.18.20.0/23, "2001:db8:20::/120"] }
scope: [198.18.0.0/16, "2001:db8:20::/120"]
do_not_scan:
  - { addr: 198.18.20.0/26, reason: pumps }
  - { addr: 198.18.10.77, reason: CT console }
  - { addr: "2001:db8:20::10", reason: monitor gateway }
EOF2
before=$(lab_exec dry cat /proc/net/dev | awk '/lo:/ {print $3 + $11}')
lab_exec dry "$HEIIKI" scan --policy "$D/policy.yaml" -n -p 22,443,3389 -U 161,500 \
	--rate 100 servers clinical > "$D/dry.txt" || fail "dry run exit $?"
after=$(lab_exec dry cat /proc/net/dev | awk '/lo:/ {print $3 + $11}')
[ "$before" = "$after" ] || fail "packets were sent during --dry-run"

python3 - "$D/dry.txt" <<'PY' || fail "dry-run set"
import ipaddress as ip, sys, collections
nets = [ip.ip_network(n) for n in ("198.18.10.0/24", "198.18.20.0/23", "2001:db8:20::/120")]
deny = [ip.ip_network(n) for n in ("198.18.20.0/26", "198.18.10.77/32", "2001:db8:20::10/128")]
want = set()
for n in nets:
    for a in n:
        if any(a in d for d in deny):
            continue
        if a.version == 4 and a in (n.network_address, n.broadcast_address):
            continue
        for proto, ports in (("tcp", (22, 443, 3389)), ("udp", (161, 500))):
            for p in ports:
                want.add((proto, str(a), p))
got = collections.Counter()
for line in open(sys.argv[1]):
    proto, a, p = line.split("\t")
    got[(proto, str(ip.ip_address(a)), int(p))] += 1
dups = [k for k, v in got.items() if v > 1]
assert not dups, "printed twice: %s" % dups[:5]
assert set(got) == want, "missing %s, extra %s" % (sorted(want - set(got))[:5], sorted(set(got) - want)[:5])
print("ok: %d probes, each (address, port) exactly once" % len(want))
PY
# the order is permuted: consecutive probes do not walk addresses in order
python3 - "$D/dry.txt" <<'PY' || fail "order looks sequential"
import sys
lines = [l.split("\t")[1] for l in open(sys.argv[1])]
same = sum(1 for a, b in zip(lines, lines[1:]) if a == b)
assert same < len(lines) / 20, "%d of %d consecutive probes hit the same host" % (same, len(lines))
PY
echo "ok: dry run sent nothing"

# 'heiiki targets' reports the same set and counts
lab_exec dry "$HEIIKI" targets --policy "$D/policy.yaml" servers clinical > "$D/t.txt" \
	|| fail "targets exit $?"
grep -q '^# requested 1024, do_not_scan -66, network/broadcast -3, targets 955$' "$D/t.txt" \
	|| fail "targets counts: $(tail -2 "$D/t.txt")"
grep -qx '198.18.10.78-198.18.10.254' "$D/t.txt" || fail "targets ranges: $(cat "$D/t.txt")"
lab_exec dry "$HEIIKI" targets --policy "$D/policy.yaml" 203.0.113.5 2> "$D/terr.txt"
[ $? -eq 2 ] && grep -q 203.0.113.5 "$D/terr.txt" || fail "targets: out-of-scope not refused"
echo "ok: heiiki targets shows the same set"
