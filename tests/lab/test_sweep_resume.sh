#!/usr/bin/env bash
# test_sweep_resume.sh - interrupted scans resume without loss.
#
#  SIGINT: exit 4, results marked partial, then --resume finishes; the final
#          document alone and the union of both equal the ground truth, and
#          the resumed run sends fewer probes than a full scan.
#  SIGKILL: no results file at all, only the checkpoint; --resume from it
#          finishes with the ground truth.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweepresume
sweep_lab
D=$LAB_DIR
sort -o "$D/truth.txt" "$D/truth.txt"
ARGS=(--policy "$D/policy.yaml" -p "$SWEEP_PORTS" --no-probes --no-findings --no-arp
      --rate 400 --checkpoint-interval 500 servers clinical office vendor)

# --- SIGINT -------------------------------------------------------------
# started directly (not through the lab_exec function) so that $! is the
# scanner itself: ip netns exec execs it in place
ip netns exec "$(lab_nsname scanner)" "$HEIIKI" scan "${ARGS[@]}" -o "$D/a.json" &
pid=$!
sleep 6
kill -INT $pid		# our scan only, never by name
wait $pid; rc=$?
[ $rc -eq 4 ] || fail "SIGINT: exit $rc, expected 4"
grep -q '"status": *"partial"' "$D/a.json" || fail "SIGINT: results not marked partial"
[ -s "$D/a.json.ckpt" ] || fail "SIGINT: no checkpoint"
# a changed policy (any byte) must be refused: the order would differ
cp "$D/policy.yaml" "$D/policy.orig"
echo "# edited" >> "$D/policy.yaml"
lab_exec scanner "$HEIIKI" scan --resume "$D/a.json.ckpt" 2> "$D/rerr.txt"
rc=$?
[ $rc -eq 2 ] && grep -q "changed" "$D/rerr.txt" || fail "resume with a changed policy: exit $rc, $(cat "$D/rerr.txt")"
cp "$D/policy.orig" "$D/policy.yaml"
lab_exec scanner "$HEIIKI" scan --resume "$D/a.json.ckpt" || fail "resume after SIGINT: exit $?"
sweep_open "$D/a.json" > "$D/got1.txt"
diff -u "$D/truth.txt" "$D/got1.txt" || fail "SIGINT+resume: open set differs"
grep -q '"status": *"complete"' "$D/a.json" || fail "resumed run not complete"
[ ! -e "$D/a.json.ckpt" ] || fail "checkpoint left after a complete run"
# first tries only (retries excluded): the resumed part must skip what was done
read -r sent total <<<"$(python3 -c "import json;r=json.load(open('$D/a.json'))['run'];c=r['counters'];print(c['sent']-c['retries'], r['sweep']['probes'])")"
[ "$sent" -lt $((total - 500)) ] || fail "resumed run sent $sent of $total probes: rescanned what was done"
echo "ok: SIGINT then resume = ground truth (resumed run probed $sent of $total)"

# --- SIGKILL ------------------------------------------------------------
ip netns exec "$(lab_nsname scanner)" "$HEIIKI" scan "${ARGS[@]}" -o "$D/b.json" &
pid=$!
sleep 6
kill -KILL $pid
wait $pid
[ ! -e "$D/b.json" ] || fail "SIGKILL: a results file exists"
[ -s "$D/b.json.ckpt" ] || fail "SIGKILL: no checkpoint"
python3 -c "import json;d=json.load(open('$D/b.json.ckpt'));assert 0<d['cursor']<d['total'],d['cursor']" \
	|| fail "SIGKILL: checkpoint cursor not inside the scan"
lab_exec scanner "$HEIIKI" scan --resume "$D/b.json.ckpt" || fail "resume after SIGKILL: exit $?"
sweep_open "$D/b.json" > "$D/got2.txt"
diff -u "$D/truth.txt" "$D/got2.txt" || fail "SIGKILL+resume: open set differs"
echo "ok: SIGKILL then resume = ground truth"
