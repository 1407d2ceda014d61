#!/usr/bin/env bash
# test_fault_resume.sh - fault injection: scans killed with SIGKILL at random
# moments resume to exactly the uninterrupted result (issue #10).
#
#  Pre-flight: an output directory the --user cannot write, a missing
#    directory and a full file system each stop the scan before the first
#    packet: one line, exit 3/2/3, 0 SYNs counted by nft in the scanner.
#  Fault runs: 30 runs over 5 rates (500 to 20,000 pps).  Each rate has
#    its own uninterrupted baseline (ports scaled so the sweep lasts about
#    1.5 s, at most 5,000 ports; 16 open services, probed in batches of 8).  Per
#    rate 3 runs are killed in the sweep phase at a random moment after the
#    checkpoint appeared (it is written right before the first packet), 3 in
#    the probe phase (once the checkpoint says "phase":"probe", after a
#    random delay); in 1 of the 6 the first resume is killed again.  The
#    last resume runs to the end.  Every final document must hold the
#    baseline's open set and the baseline's identified service on each
#    open port, status complete, no checkpoint left.  The redone work
#    (SYNs of the whole killed-and-resumed sequence minus the baseline's,
#    counted by nft in the scanner namespace) is printed per run and must
#    stay under 0.7 s of sweep (rate x 0.7 s: checkpoint period 0.2 s,
#    reply timeout 0.3 s, slack) + 3 x open services per kill.
#
# About 4-5 minutes on an idle 2-core machine; twice that when the machine
# is shared, hence:
# lab-timeout: 1200
#
# Set FAULT_RUNS_PER_RATE to change the 6 runs per rate; FAULT_SEED fixes
# the random kill moments (printed, so a failure can be replayed).
# lab: serial (it bounds wall time or redone work: another lab's CPU load would perturb it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
lab_init faultresume
lab_hospital
D=$LAB_DIR
SEED=${FAULT_SEED:-$RANDOM}
RANDOM=$SEED
PER_RATE=${FAULT_RUNS_PER_RATE:-6}
echo "fault seed $SEED"

# more open services: 4 on pc2, 2 on pc1 (socat, accept and close)
for p in 2001 2002 2003 2004; do lab_listen pc2 $p; done
for p in 3001 3002; do lab_listen pc1 $p; done
lab_wait_port pc2 2004; lab_wait_port pc1 3002
HOSTS=(198.18.10.10 198.18.10.20 198.18.20.10 198.18.30.10 198.18.30.11 198.18.40.2)
cat > "$D/policy.yaml" <<EOF
version: 1
site: fault lab
zones:
  - { name: mgmt, role: management, nets: [198.18.0.0/24] }
  - { name: servers, role: server, nets: [198.18.10.0/24] }
  - { name: clinical, role: clinical, nets: [198.18.20.0/24] }
  - { name: office, role: office, nets: [198.18.30.0/24] }
  - { name: vendor, role: vendor-boundary, nets: [198.18.40.0/24] }
scope: [198.18.0.0/16]
do_not_scan:
  - { addr: 198.18.20.50, reason: infusion pump }
scan:
  retries: 1
  timeout_ms: 300
  cooldown_ms: 300
EOF

# SYNs leaving the scanner namespace (raw sweep SYNs and probe connects)
SNS=$(lab_nsname scanner)
ip netns exec "$SNS" nft -f - <<'EOF'
table inet fr {
	counter syns { }
	chain out { type filter hook output priority 0; tcp flags & (syn|ack) == syn counter name syns; }
}
EOF
syns() { ip netns exec "$SNS" nft list counter inet fr syns | awk '/packets/ {print $2}'; }
syns_reset() { ip netns exec "$SNS" nft reset counter inet fr syns >/dev/null; }

# "addr port service" of open TCP services, and "unprobed" lines for open
# services without probe results
open_set() {
	python3 - "$1" <<-'EOF2'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for s in sorted(d["services"], key=lambda s: (s["addr"], s["port"])):
	    if s["proto"] == "tcp" and s["state"] == "open":
	        print(s["addr"], s["port"], s.get("service", "-"))
	        if "probe" not in s:
	            print("unprobed", s["addr"], s["port"])
	print("status", d["run"]["status"])
	EOF2
}

# --- pre-flight: nothing is sent when the output cannot be written -------
preflight_case() {	# WANT_RC WANT_WORDS OUTPUT [extra args]
	local want=$1 words=$2 out=$3; shift 3
	syns_reset
	ip netns exec "$SNS" "$HEIIKI" scan --policy "$D/policy.yaml" -p 22,443 --no-arp \
		--no-progress "$@" -o "$out" 198.18.10.10 > /dev/null 2> "$D/pf.err"
	local rc=$? n
	n=$(syns)
	[ "$rc" -eq "$want" ] || fail "pre-flight $out: exit $rc, expected $want: $(cat "$D/pf.err")"
	[ "$(wc -l < "$D/pf.err")" -eq 1 ] || fail "pre-flight $out: not one line: $(cat "$D/pf.err")"
	grep -q "$words" "$D/pf.err" || fail "pre-flight $out: message lacks '$words': $(cat "$D/pf.err")"
	[ "$n" -eq 0 ] || fail "pre-flight $out: $n SYNs sent"
	echo "ok: pre-flight $(cat "$D/pf.err")"
}
mkdir -m 0700 "$D/rootonly"
preflight_case 3 "cannot create" "$D/rootonly/x.json" --user nobody
preflight_case 2 "does not exist" "$D/missing/x.json"
mkdir "$D/full"
mount -t tmpfs -o size=256k tmpfs "$D/full" || fail "cannot mount a small tmpfs"
dd if=/dev/zero of="$D/full/fill" bs=4k count=1000 2>/dev/null
preflight_case 3 "x.json" "$D/full/x.json"
umount "$D/full"
# and the same --user with a directory it owns works (0 lost: a full scan)
mkdir -m 0700 "$D/nobody"; chown nobody "$D/nobody"
ip netns exec "$SNS" "$HEIIKI" scan --policy "$D/policy.yaml" -p 22,443 --no-arp \
	--no-progress --user nobody -o "$D/nobody/x.json" 198.18.10.10 > /dev/null 2>&1 \
	|| fail "scan --user nobody into its own directory: exit $?"
[ -s "$D/nobody/x.json" ] || fail "scan --user nobody wrote nothing"
echo "ok: --user nobody writes into a directory it owns"

# --- fault runs ----------------------------------------------------------
RATES=(500 2000 5000 10000 20000)
ckpt_phase() {	# CKPT -> "probe:N", "sweep:CURSOR/TOTAL" or "none"
	[ -s "$1" ] || { echo none; return; }
	python3 - "$1" <<-'EOF2' 2>/dev/null || echo unreadable
	import json, sys
	d = json.load(open(sys.argv[1]))
	ck = d["results"]["run"].get("checkpoint")
	if ck and ck.get("phase") == "probe":
	    print("probe:%d" % ck["probed"])
	else:
	    print("sweep:%d/%d" % (d["cursor"], d["total"]))
	EOF2
}

# start_scan OUT ARGS... (sets PID); the scanner itself is $! (ip netns exec execs)
start_scan() {
	ip netns exec "$SNS" "$HEIIKI" "$@" > /dev/null 2>> "$D/scan.log" &
	PID=$!
}

# kill_in PHASE RATE: SIGKILL $PID at a random moment of PHASE
kill_in() {
	local phase=$1 rate=$2 ck=$3 i ms
	if [ "$phase" = sweep ]; then
		# the checkpoint is written right before the first packet:
		# from then on, a random moment of the ~2 s sweep
		for i in $(seq 1 200); do	# at most 10 s
			[ -s "$ck" ] && break
			kill -0 $PID 2>/dev/null || break
			sleep 0.05
		done
		ms=$(( RANDOM % 1400 ))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	else
		for i in $(seq 1 400); do	# at most 20 s
			grep -q '"phase":"probe"' "$ck" 2>/dev/null && break
			kill -0 $PID 2>/dev/null || break
			sleep 0.05
		done
		ms=$(( RANDOM % 1500 ))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	fi
	kill -KILL $PID 2>/dev/null
	wait $PID 2>/dev/null
	KILLED_AT=$ms
}

run=0 failures=0 t0=$(date +%s)
for rate in "${RATES[@]}"; do
	nports=$(( rate * 3 / 2 / ${#HOSTS[@]} ))
	[ $nports -lt 100 ] && nports=100
	[ $nports -gt 5000 ] && nports=5000
	PORTS="1-$nports,443,445,2001-2004,3001-3002,3389"
	ARGS=(scan --policy "$D/policy.yaml" -p "$PORTS" --no-arp --no-findings --no-progress
	      --rate $rate --host-rate $rate --seed 7 --checkpoint-interval 200
	      --cooldown 300 --probe-batch 8 "${HOSTS[@]}")
	syns_reset
	s=$(date +%s%N)
	ip netns exec "$SNS" "$HEIIKI" "${ARGS[@]}" -o "$D/base-$rate.json" 2>> "$D/scan.log" \
		|| fail "baseline at $rate pps: exit $?"
	base_ms=$(( ($(date +%s%N) - s) / 1000000 ))
	base_syns=$(syns)
	open_set "$D/base-$rate.json" > "$D/base-$rate.txt"
	nopen=$(grep -c -v '^status\|^unprobed' "$D/base-$rate.txt")
	grep -q unprobed "$D/base-$rate.txt" && fail "baseline at $rate pps left open services unprobed"
	[ "$nopen" -eq 16 ] || fail "baseline at $rate pps: $nopen open services, expected 16"
	echo "baseline $rate pps: ports 1-$nports + 10, ${#HOSTS[@]} hosts, $nopen open, $base_syns SYNs, ${base_ms} ms"
	for k in $(seq 1 "$PER_RATE"); do
		run=$((run + 1))
		out=$D/r$run.json ck=$D/r$run.json.ckpt
		rm -f "$out" "$ck"
		if [ $((k % 2)) -eq 1 ]; then phase=sweep; else phase=probe; fi
		again=0; [ $k -eq 1 ] && again=1
		syns_reset
		start_scan "${ARGS[@]}" -o "$out"
		kill_in $phase $rate "$ck"
		kills=1 desc="$phase kill at +${KILLED_AT}ms -> $(ckpt_phase "$ck")"
		if [ -s "$ck" ] && [ $again -eq 1 ]; then
			# kill the resume too, in the other phase
			other=probe; [ $phase = probe ] && other=sweep
			start_scan scan --resume "$ck"
			kill_in $other $rate "$ck"
			kills=2 desc="$desc; $other kill of the resume at +${KILLED_AT}ms -> $(ckpt_phase "$ck")"
		fi
		if [ -s "$ck" ]; then
			ip netns exec "$SNS" "$HEIIKI" scan --resume "$ck" > /dev/null 2>> "$D/scan.log"
			rc=$?
		elif [ -s "$out" ]; then
			rc=0	# the kill came after the results and the checkpoint removal
		else
			# killed while starting up: the checkpoint is written before
			# the first packet, so nothing may have been sent
			n=$(syns)
			if [ "$n" -ne 0 ]; then
				echo "FAIL run $run ($rate pps): $n SYNs sent but no checkpoint ($desc)"
				failures=$((failures + 1)); continue
			fi
			desc="$desc (before the first packet: run again)"
			ip netns exec "$SNS" "$HEIIKI" "${ARGS[@]}" -o "$out" > /dev/null 2>> "$D/scan.log"
			rc=$?
		fi
		n=$(syns)
		redone=$(( n - base_syns ))
		bound=$(( (rate * 7 / 10 + 3 * nopen) * kills ))
		if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
			echo "FAIL run $run ($rate pps): final resume exit $rc ($desc)"
			failures=$((failures + 1)); continue
		fi
		open_set "$out" > "$D/r$run.txt"
		if ! diff -q "$D/base-$rate.txt" "$D/r$run.txt" > /dev/null; then
			echo "FAIL run $run ($rate pps): final document differs from the baseline ($desc):"
			diff "$D/base-$rate.txt" "$D/r$run.txt" | sed 's/^/    /' | head -20
			failures=$((failures + 1)); continue
		fi
		if [ -e "$ck" ]; then
			echo "FAIL run $run ($rate pps): checkpoint left after a complete run"
			failures=$((failures + 1)); continue
		fi
		if [ $redone -gt $bound ]; then
			echo "FAIL run $run ($rate pps): redid $redone SYNs (bound $bound) ($desc)"
			failures=$((failures + 1)); continue
		fi
		echo "ok run $run ($rate pps): $desc; redone $redone SYNs (bound $bound, baseline $base_syns)"
	done
done
echo "fault runs: $run, failures: $failures, $(( $(date +%s) - t0 )) s"
[ $failures -eq 0 ] || fail "$failures of $run fault runs lost or changed results (seed $SEED)"
echo "ok: $run SIGKILL runs resumed to the uninterrupted result"
