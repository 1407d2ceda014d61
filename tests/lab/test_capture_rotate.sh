#!/bin/bash
# test_capture_rotate.sh - passive capture as a service: --rotate.
#
#   a 198.18.40.1/24 --veth-- b 198.18.40.2/24   (heiiki capture runs in b)
#
# a sends UDP datagrams to b all the time (one every 50 ms).  heiiki
# captures on b's interface with --rotate 3s --keep 3 --out-dir DIR and is
# stopped with SIGTERM in the middle of a period.  Checked:
#   1. exit status 4 (stopped, partial written), more documents written than
#      kept: --keep 3 leaves exactly 3, the newest ones;
#   2. every finished period is "complete", covers exactly its aligned
#      3-second period, is named after its start and saw the traffic;
#   3. the newest document (the period SIGTERM cut) is "partial" and holds
#      the packets of that period up to the signal;
#   4. a restart in the same directory never touches a finished document
#      (checksums), and --keep still holds afterwards;
#   5. --max-bytes: documents are removed until they fit (the newest stays);
#   6. --duration ends a rotating capture with exit 0;
#   7. an unusable --out-dir is refused before capturing (exit 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HEIIKI=${HEIIKI:-$here/../../heiiki}
command -v jq >/dev/null || { echo "jq missing; skipping"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing; skipping"; exit 77; }
lab_init caprot

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

lab_ns a; lab_ns b
lab_link a 198.18.40.1/24 b 198.18.40.2/24 ia ib

# Traffic: a UDP datagram every 50 ms for at most 120 s (bounded).
cat >"$LAB_DIR/send.py" <<'PY'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 120
while time.time() < end:
    s.sendto(b"heiiki-rotate", ("198.18.40.2", 9999))
    time.sleep(0.05)
PY
lab_bg a python3 "$LAB_DIR/send.py"

OUT=$LAB_DIR/cap
NS_B=$(lab_nsname b)

# Start a rotating capture in b; sets CAP_PID.
start_cap() {
	ip netns exec "$NS_B" "$HEIIKI" capture -i ib --no-geoip --no-promisc "$@" \
		>>"$LAB_DIR/cap.out" 2>>"$LAB_DIR/cap.err" &
	CAP_PID=$!
}
# SIGTERM in the middle of a 3 s period (1.5 s after a period start).
term_mid_period() {
	python3 - <<'PY'
import time
t = time.time()
time.sleep((3 - t % 3) + 1.5 if t % 3 > 1.2 else 1.5 - t % 3)
PY
	kill -TERM "$CAP_PID"
	wait "$CAP_PID"
}
docs() { ls "$OUT" | grep -E '^flows-[0-9]{8}T[0-9]{6}Z(\.[0-9]+)?\.json$' | sort; }
epoch_of() {	# flows-20261205T030003Z.json -> epoch
	local s=${1#flows-}; s=${s%%Z*}
	date -u -d "${s:0:4}-${s:4:2}-${s:6:2} ${s:9:2}:${s:11:2}:${s:13:2}" +%s
}

# --- 1-3: run for about 4 periods, SIGTERM mid-period ------------------------
start_cap --rotate 3s --keep 3 --out-dir "$OUT"
sleep 10
term_mid_period
rc=$?
[ "$rc" = 4 ] || { cat "$LAB_DIR/cap.err"; fail "SIGTERM: exit $rc, expected 4"; }
written=$(sed -n 's/.*capture: \([0-9]*\) period documents written.*/\1/p' "$LAB_DIR/cap.err" | tail -1)
removed=$(sed -n 's/.*, \([0-9]*\) old ones removed/\1/p' "$LAB_DIR/cap.err" | tail -1)
n=$(docs | wc -l)
[ "$n" = 3 ] || fail "--keep 3: $n documents left: $(docs | tr '\n' ' ')"
[ "${written:-0}" -ge 4 ] || fail "only ${written:-?} documents written in ~11 s of 3 s periods"
[ "$removed" = $((written - 3)) ] || fail "written $written, removed $removed, kept 3"
ok "exit 4 after SIGTERM; $written documents written, $removed removed, --keep 3 kept 3"
ls -la "$OUT" | grep -v '^total' | grep -vE ' (\.|\.\.)$' | grep -qvE 'flows-.*\.json$' &&
	fail "other files left in $OUT: $(ls -a "$OUT")"

last=$(docs | tail -1)
for f in $(docs); do
	st=$(jq -r .run.status "$OUT/$f")
	cs=$(jq -r '.run.period.covered_start' "$OUT/$f")
	ce=$(jq -r '.run.period.covered_end' "$OUT/$f")
	ps=$(jq -r '.run.period.start' "$OUT/$f")
	pe=$(jq -r '.run.period.end' "$OUT/$f")
	pk=$(jq -r '.run.counters.packets' "$OUT/$f")
	sec=$(( $(date -u -d "$ce" +%s) - $(date -u -d "$cs" +%s) ))
	[ "$(epoch_of "$f")" = "$(date -u -d "$cs" +%s)" ] || fail "$f: name is not its covered_start $cs"
	[ $(( $(date -u -d "$ps" +%s) % 3 )) = 0 ] || fail "$f: period start $ps not aligned to 3 s"
	[ "$(jq -r .run.period.interface "$OUT/$f")" = ib ] || fail "$f: interface"
	if [ "$f" = "$last" ]; then
		[ "$st" = partial ] || fail "$f (cut by SIGTERM): status $st"
		[ "$sec" -ge 1 ] && [ "$sec" -lt 3 ] || fail "$f: partial covers $sec s ($cs - $ce)"
		[ "$pk" -ge 10 ] || fail "$f: partial period has $pk packets (expected ~30)"
		ok "$f: partial, $sec s, $pk packets"
	else
		[ "$st" = complete ] || fail "$f: finished period has status $st"
		[ "$cs" = "$ps" ] && [ "$ce" = "$pe" ] && [ "$sec" = 3 ] ||
			fail "$f: covers $cs-$ce, period $ps-$pe"
		# 60 datagrams in 3 s; allow for a loaded machine
		[ "$pk" -ge 30 ] || fail "$f: complete period has $pk packets (expected ~60)"
		flows=$(jq '[.flows[] | select(.dst == "198.18.40.2" and .dport == 9999 and .proto == "udp")] | length' "$OUT/$f")
		[ "$flows" = 1 ] || fail "$f: $flows flows a->b udp/9999 (expected 1: one per period)"
		ok "$f: complete 3 s, $pk packets, the a->b flow"
	fi
done
# consecutive documents meet: each one's covered_end is the next one's start
prev=""
for f in $(docs); do
	cs=$(jq -r '.run.period.covered_start' "$OUT/$f")
	[ -z "$prev" ] || [ "$prev" = "$cs" ] || fail "gap between documents: $prev .. $cs"
	prev=$(jq -r '.run.period.covered_end' "$OUT/$f")
done
ok "documents are contiguous, none lost between periods"

# --- 4: restart: finished documents are never touched ----------------------
sum_before=$(cd "$OUT" && sha256sum $(docs))
start_cap --rotate 3s --keep 3 --out-dir "$OUT"
sleep 1
kill -TERM "$CAP_PID"; wait "$CAP_PID"; rc=$?
[ "$rc" = 4 ] || fail "restart + SIGTERM: exit $rc"
# The restart adds one document, or two when its second crosses a period
# boundary, so --keep 3 prunes one or two of the old ones. Every survivor must
# be byte for byte the same, and the newest old one must survive.
newest_before=$(echo "$sum_before" | tail -1 | awk '{print $2}')
[ -f "$OUT/$newest_before" ] || fail "restart pruned the newest finished document $newest_before"
survivors=$(echo "$sum_before" | while read -r h f; do [ -f "$OUT/$f" ] && echo "$h  $f"; done)
echo "$survivors" | (cd "$OUT" && sha256sum -c --quiet) ||
	fail "a finished document changed after a restart"
[ "$(docs | wc -l)" = 3 ] || fail "after restart: $(docs | wc -l) documents"
ok "restart: finished documents unchanged, a new partial added, still 3 kept"

# --- 5: --max-bytes ---------------------------------------------------------
size_newest=$(stat -c %s "$OUT/$(docs | tail -1)")
start_cap --rotate 3s --max-bytes 1K --out-dir "$OUT"
sleep 1
kill -TERM "$CAP_PID"; wait "$CAP_PID"
n=$(docs | wc -l)
[ "$n" = 1 ] || fail "--max-bytes 1K (documents ~$size_newest bytes each): $n left"
ok "--max-bytes 1K: only the newest document left"

# --- 6: --duration ends with exit 0 -----------------------------------------
start_cap --rotate 2s --duration 3 --out-dir "$OUT/d"
wait "$CAP_PID"; rc=$?
[ "$rc" = 0 ] || fail "--rotate with --duration: exit $rc"
n=$(ls "$OUT/d" | grep -c '^flows-')
[ "$n" -ge 2 ] && [ "$n" -le 3 ] || fail "--rotate 2s --duration 3: $n documents"
ok "--duration 3 with --rotate 2s: exit 0, $n documents"

# --- 7: unusable --out-dir: refused before capturing ------------------------
: >"$LAB_DIR/notadir"
ip netns exec "$NS_B" "$HEIIKI" capture -i ib --no-geoip --rotate 3s --out-dir "$LAB_DIR/notadir" \
	2>"$LAB_DIR/bad.err"; rc=$?
[ "$rc" = 3 ] && grep -q 'not a directory' "$LAB_DIR/bad.err" ||
	fail "--out-dir on a file: exit $rc: $(cat "$LAB_DIR/bad.err")"
ok "--out-dir that is a file: exit 3, '$(head -1 "$LAB_DIR/bad.err")'"
echo "PASS"
