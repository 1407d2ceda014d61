#!/usr/bin/env bash
# test_sweep_fullport.sh - one host, all 65,535 TCP ports (issue #11).
#
# Two namespaces joined by one veth pair; the target listens (silently:
# the kernel answers the SYN) on 11 ports spread over the whole range,
# 5 of them above 32768, and answers every other SYN with a RST.  At
# 5,000 and 20,000 pps (--rate R --host-rate R) each run must find all
# 11 (recall 1.0) and nothing else, with 0 capture drops, status
# "complete", almost no retries (every probe is answered, so a retry
# means a reply was matched too late), and a first pass (first probe to
# the last first try) within 5 % of 65,535 / R.  User CPU per probe is
# printed.  Rates can be overridden: FULLPORT_RATES="5000".
# lab: serial (it bounds wall time or redone work: another lab's CPU load would perturb it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweepfull
D=$LAB_DIR
RATES=${FULLPORT_RATES:-"5000 20000"}
OPEN="80 443 1234 2222 3389 5432 8080 19999 33333 40001 47777 52000 59999 65535"

one_host_lab 198.18.50 $OPEN
for p in $OPEN; do echo "198.18.50.2 $p"; done | sort > "$D/truth.txt"
cat > "$D/policy.yaml" <<EOF2
version: 1
site: fullport lab
zones:
  - { name: lab, role: server, nets: [198.18.50.0/30] }
scope: [198.18.50.0/30]
scan:
  retries: 1
  cooldown_ms: 1000
EOF2

for R in $RATES; do
	out=$D/r$R.json
	/usr/bin/time -f "%U %S %e" -o "$D/time$R.txt" \
		ip netns exec "$(lab_nsname s)" "$HEIIKI" scan --policy "$D/policy.yaml" \
		-p 1-65535 --no-udp --no-probes --no-findings --no-arp --seed 7 \
		--rate "$R" --host-rate "$R" -o "$out" 198.18.50.2 2> "$D/err$R.txt" \
		|| { cat "$D/err$R.txt" >&2; fail "$R pps: scan exit $?"; }
	sweep_open "$out" > "$D/got$R.txt"
	diff -u "$D/truth.txt" "$D/got$R.txt" || fail "$R pps: open set differs (recall/precision)"
	python3 - "$out" "$R" "$D/time$R.txt" <<'PY' || fail "$R pps: see above"
import json, sys
d = json.load(open(sys.argv[1])); r = int(sys.argv[2])
run = d["run"]; c = run["counters"]; sw = run["sweep"]
user, sys_, wall = (float(x) for x in open(sys.argv[3]).read().split()[-3:])
plan = 65535 / r
fp = sw["first_pass_seconds"]
print("%6d pps: open %d, sent %d, retries %d, pcap drop %d, first pass %.2f s "
      "(plan %.2f s, %+.1f %%), achieved %d pps, host peak %d pps, wall %.1f s, "
      "CPU user %.2f s sys %.2f s = %.1f us/probe, bound by %s" % (
      r, c["open"], c["sent"], c["retries"], c["pcap_drop"], fp, plan,
      100 * (fp - plan) / plan, sw["achieved_pps"], sw["achieved_host_pps"], wall,
      user, sys_, 1e6 * (user + sys_) / c["sent"], sw["bound_by"]))
assert run["status"] == "complete", "status %s, incomplete: %s" % (run["status"], sw.get("incomplete"))
assert c["pcap_drop"] == 0 and c["pcap_ifdrop"] == 0, "capture drops"
assert abs(fp - plan) <= 0.05 * plan, "first pass %.2f s not within 5 %% of %.2f s" % (fp, plan)
assert c["retries"] <= 65535 // 100, "%d retries: replies matched too late" % c["retries"]
assert c["pcap_recv"] <= c["sent"] + 100, "capture saw %d frames for %d probes" % (c["pcap_recv"], c["sent"])
PY
	echo "ok: $R pps, 65535 ports, recall 1.0"
done
echo "ok: full-port sweep"
