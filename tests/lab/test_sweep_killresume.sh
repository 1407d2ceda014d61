#!/usr/bin/env bash
# test_sweep_killresume.sh - SIGKILL at random moments of the sweep phase,
# then --resume (sometimes killed again): nothing found is lost, little is
# redone (issue #10, item 1, sweep phase).
#
# One target with listeners spread over the port range, answering every
# other SYN with a RST.  For each rate in KILL_RATES (500 ... 20,000 pps)
# the port range is sized to about 8 s of sending.  First an uninterrupted
# run gives the reference open set.  Then a run is killed with SIGKILL at
# a random moment, resumed from its checkpoint, and the resume is itself
# killed again with probability 1/2 (at most 4 kills per rate); a kill
# before the first checkpoint means starting over.  The final document
# must hold exactly the reference open set.  A capture in the target's
# namespace counts every SYN: SYNs beyond one per port (minus the
# reference's own retries) are the redone work, printed per rate and
# bounded by the checkpoint interval plus the reply window (1 s + 1.25 s
# of sending, plus 1.75 s of slack for a busy machine: at most 4 s).
# KILL_SEED fixes the random moments (default: random, printed).
# lab: serial (it bounds wall time or redone work: another lab's CPU load would perturb it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweepkill
D=$LAB_DIR
RATES=${KILL_RATES:-"500 1500 3000 10000 20000"}
SEED=${KILL_SEED:-$RANDOM}
echo "kill moments from seed $SEED (KILL_SEED=$SEED to repeat)"
RANDOM=$SEED
OPEN="22 135 445 1000 2000 3000 3500 4999 8080 11111 19999 23456 33333 40001 47777 59999 65535"

one_host_lab 198.18.51 $OPEN
cat > "$D/policy.yaml" <<EOF2
version: 1
site: kill lab
zones:
  - { name: lab, role: server, nets: [198.18.51.0/30] }
scope: [198.18.51.0/30]
scan:
  retries: 1
  cooldown_ms: 500
EOF2
NS=$(lab_nsname s)

# SYNs (first tries and retries) that reached the target, per port
syn_capture() {
	lab_capture t t0 "$1" "tcp[tcpflags] == tcp-syn and dst host 198.18.51.2"
}
syn_stop() {
	sleep 0.5
	kill "${LAB_PIDS[-1]}" 2>/dev/null
	wait "${LAB_PIDS[-1]}" 2>/dev/null
}
syn_count() {
	tcpdump -n -r "$1" 2>/dev/null | wc -l
}

for R in $RATES; do
	N=$((R * 8)); [ $N -gt 65535 ] && N=65535
	dur=$((N / R))
	ARGS=(--policy "$D/policy.yaml" -p "1-$N" --no-udp --no-probes --no-findings
	      --no-arp --rate "$R" --host-rate "$R" --checkpoint-interval 1000 198.18.51.2)
	# the reference: uninterrupted
	syn_capture "$D/ref$R.pcap"
	ip netns exec "$NS" "$HEIIKI" scan "${ARGS[@]}" --seed 11 -o "$D/ref$R.json" 2>/dev/null \
		|| fail "$R pps: reference run exit $?"
	syn_stop
	sweep_open "$D/ref$R.json" > "$D/ref$R.txt"
	want=$(for p in $OPEN; do [ "$p" -le "$N" ] && echo "198.18.51.2 $p"; done | sort)
	[ "$(cat "$D/ref$R.txt")" = "$want" ] || fail "$R pps: reference run misses ports"
	refsyn=$(syn_count "$D/ref$R.pcap")

	# killed and resumed
	out=$D/k$R.json; ck=$out.ckpt
	rm -f "$out" "$ck"
	syn_capture "$D/k$R.pcap"
	kills=0; done_=0; log=""
	while [ $done_ -eq 0 ]; do
		if [ -s "$ck" ]; then
			cmd=("$HEIIKI" scan --resume "$ck")
		else
			cmd=("$HEIIKI" scan "${ARGS[@]}" --seed 11 -o "$out")
		fi
		if [ $kills -lt 4 ] && { [ $kills -eq 0 ] || [ $((RANDOM % 2)) -eq 0 ]; }; then
			# a random moment inside the expected run time (in ms)
			ms=$((300 + RANDOM % (dur * 1000)))
			ip netns exec "$NS" "${cmd[@]}" 2>/dev/null &
			pid=$!
			sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
			if kill -KILL $pid 2>/dev/null; then
				wait $pid 2>/dev/null
				kills=$((kills + 1))
				cur=$(python3 -c "import json;d=json.load(open('$ck'));print('%d/%d' % (d['cursor'], d['total']))" 2>/dev/null || echo none)
				log="$log kill@${ms}ms(ckpt $cur)"
				[ -e "$out" ] && fail "$R pps: a results file after SIGKILL"
				continue
			fi
			wait $pid || fail "$R pps: run exit $?"
			done_=1
		else
			ip netns exec "$NS" "${cmd[@]}" 2>/dev/null || fail "$R pps: resume exit $?"
			done_=1
		fi
	done
	syn_stop
	[ ! -e "$ck" ] || fail "$R pps: checkpoint left after a complete run"
	grep -q '"status": *"complete"' "$out" || fail "$R pps: final run not complete"
	sweep_open "$out" > "$D/k$R.txt"
	diff -u "$D/ref$R.txt" "$D/k$R.txt" || fail "$R pps: open set after kills differs from the uninterrupted run"
	ksyn=$(syn_count "$D/k$R.pcap")
	redone=$((ksyn - refsyn)); [ $redone -lt 0 ] && redone=0
	python3 - "$R" "$kills" "$redone" "$ksyn" "$refsyn" "$log" <<'PY' || fail "$R pps: redone work unbounded"
import sys
r, kills, redone, ks, rs, log = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
per = redone / max(kills, 1) / r
print("%6d pps: %d kill(s)%s; SYNs %d vs %d uninterrupted: redone %d probes = %.2f s of sending per kill"
      % (r, kills, log, ks, rs, redone, per))
# checkpoint every 1 s + last try's window 1 s + grace 0.25 s, + 1.75 s slack (busy machine)
assert per <= 4.0, "%.2f s redone per kill" % per
PY
done
echo "ok: SIGKILL + resume keeps every open port at every rate"
