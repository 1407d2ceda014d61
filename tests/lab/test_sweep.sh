#!/usr/bin/env bash
# test_sweep.sh - the raw SYN sweep against the lab hospital.
#
#  1. open/closed/filtered (--all-states) equal the lab's ground truth exactly
#  2. the do_not_scan pump, capturing inside its namespace, receives 0 packets
#  3. an out-of-scope target is refused (exit 2) and 0 packets leave
#  4. ARP discovery lists the port-less printer with its MAC vendor
#  5. run metadata carries vantage, policy hash and pcap counters
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweep
sweep_lab
D=$LAB_DIR
sort -o "$D/truth.txt" "$D/truth.txt"

lab_capture pump eth0 "$D/pump.pcap" "ip and dst host 198.18.20.50"
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p "$SWEEP_PORTS" \
	--all-states --no-probes --rate 2000 -o "$D/r.json" mgmt servers clinical office vendor \
	|| fail "scan exit $?"
sweep_states "$D/r.json" | grep -v '^198\.18\.0\.' | sort > "$D/got-all.txt"
diff -u "$D/truth-all.txt" "$D/got-all.txt" || fail "port states differ from ground truth"
echo "ok: $(wc -l < "$D/got-all.txt") (addr, port) states equal ground truth"

sleep 1
kill "${LAB_PIDS[-1]}" 2>/dev/null; sleep 0.5
n=$(pcap_count "$D/pump.pcap")
[ "$n" -eq 0 ] || fail "do_not_scan host received $n packets"
echo "ok: do_not_scan host received 0 packets"

python3 - "$D/r.json" <<'PY' || fail "host/run metadata"
import json, sys
d = json.load(open(sys.argv[1]))
hosts = {h["addr"]: h for h in d["hosts"]}
p = hosts.get("198.18.0.50")
assert p, "printer (no open port) missing from hosts"
assert p.get("mac") == "00:00:85:12:34:56", p
assert p.get("vendor", "").upper().startswith("CANON"), p
assert "198.18.20.50" not in hosts, "do_not_scan host in results"
assert hosts["198.18.10.10"].get("zone") == "servers", hosts["198.18.10.10"]
run = d["run"]
assert run["status"] == "complete", run
assert run["vantage"]["addr"] == "198.18.0.10" and run["vantage"]["zone"] == "mgmt", run
assert len(run["policy_hash"]) == 64
c = run["counters"]
for k in ("sent", "received", "valid_replies", "retries", "pcap_recv", "pcap_drop", "pcap_ifdrop"):
    assert k in c, k
assert c["sent"] > 0 and c["valid_replies"] > 0 and c["retries"] > 0, c
opens = sum(1 for x in d["services"] if x["state"] == "open" and not x["addr"].startswith("198.18.0."))
assert c["open"] == opens == 10, (c, opens)
closed = sum(1 for x in d["services"] if x["state"] == "closed")
assert c["closed"] >= closed > 0, c
print("ok: printer found by ARP with vendor", p["vendor"], "; counters", c["sent"], "sent")
PY

# everything IPv4 that leaves the scanner (lab_capture records inbound only)
lab_bg scanner tcpdump -Q out -n -s 128 -U -i eth0 -w "$D/out.pcap" ip
sleep 0.5
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 80 -o "$D/x.json" \
	198.18.10.10 203.0.113.80 2> "$D/err.txt"
rc=$?
sleep 1
kill "${LAB_PIDS[-1]}" 2>/dev/null; sleep 0.5
[ $rc -eq 2 ] || fail "out-of-scope target: exit $rc, expected 2"
grep -q "203.0.113.80" "$D/err.txt" || fail "error does not name the target: $(cat "$D/err.txt")"
[ ! -e "$D/x.json" ] || fail "results written for a refused scan"
n=$(pcap_count "$D/out.pcap")
[ "$n" -eq 0 ] || fail "$n packets left for a refused scan"
echo "ok: out-of-scope target refused, 0 packets sent"

# positive control: the same capture does see an in-scope scan's probes
lab_bg scanner tcpdump -Q out -n -s 128 -U -i eth0 -w "$D/out2.pcap" ip
sleep 0.5
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 80 --no-probes -o "$D/y.json" \
	198.18.10.10 || fail "control scan exit $?"
sleep 1
kill "${LAB_PIDS[-1]}" 2>/dev/null; sleep 0.5
n=$(pcap_count "$D/out2.pcap")
[ "$n" -gt 0 ] || fail "control: the capture saw no probe"
echo "ok: control capture saw $n packets of an in-scope scan"
