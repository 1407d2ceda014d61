#!/usr/bin/env bash
# test_sweep_rate.sh - the per-host cap, seen from the host.
#
# One host, 200 ports, --host-rate 25 with a global rate 40 times higher.
# A capture inside the host's namespace counts the SYNs that arrive; in
# every one-second window there must be at most 25, and the average must
# come close to the cap (so a limiter that is merely slow cannot pass).
# lab: serial (counts SYNs per second window: another lab's CPU load would perturb it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweeprate
sweep_lab
D=$LAB_DIR
CAP=25

lab_capture ehr eth0 "$D/ehr.pcap" \
	"tcp and dst host 198.18.10.10 and tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0"
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 1-200 --no-probes \
	--no-findings --no-arp --rate 1000 --host-rate $CAP -o "$D/r.json" 198.18.10.10 \
	|| fail "scan exit $?"
sleep 1
kill "${LAB_PIDS[-1]}" 2>/dev/null; sleep 0.5
tcpdump -tt -n -r "$D/ehr.pcap" 2>/dev/null | awk '{print $1}' > "$D/times.txt"
python3 - "$D/times.txt" $CAP <<'PY' || fail "per-host cap"
import sys
t = [float(x) for x in open(sys.argv[1])]
cap = int(sys.argv[2])
assert len(t) >= 200, "only %d SYNs seen" % len(t)
worst, j = 0, 0
for i in range(len(t)):
    while t[i] - t[j] >= 1.0:
        j += 1
    worst = max(worst, i - j + 1)
avg = (len(t) - 1) / (t[-1] - t[0])
print("SYNs %d, max in any 1 s window %d, average %.1f pps (cap %d)" % (len(t), worst, avg, cap))
assert worst <= cap, "window with %d packets > cap %d" % (worst, cap)
assert avg >= 0.8 * cap, "average %.1f pps: far below the cap" % avg
PY
echo "ok: per-host cap held"
