#!/usr/bin/env bash
# test_night.sh - 'heiiki night' on the lab hospital, two nights (#14 part 1).
#
#  Pre-flight: a read-only state directory, a missing GeoIP database with
#    country rules in the policy, and a held lock each give one line, exit
#    3, 0 SYNs (nft counter in the scanner namespace).
#  Night 1, night 2 with a change in between (telnet opened on the
#    modality, SMB on pc1 firewalled): night 2's JSON-lines events and
#    syslog lines name exactly the findings new and fixed between the two
#    results documents, the summary line counts them, the exit code follows
#    --fail-on on NEW findings (and --fail-on-open on all open ones); the
#    run directories, the 'latest' link and the ja/en HTML, CSV and DOT
#    reports exist.
#  Lock: a second night while the first runs exits 3 at once, 0 SYNs from
#    its namespace.
#  Window: --max-duration stops the sweep with a partial result (exit 4,
#    coverage in the summary); the next night resumes, completes the
#    scope, finds every open port, and the SYNs of both nights together
#    exceed an uninterrupted run's by less than one second of sweep.
# lab: serial (it bounds wall time or redone work: another lab's CPU load would perturb it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
lab_init night
lab_hospital
D=$LAB_DIR
lab_ns scanner2; lab_attach sw-mgmt scanner2 198.18.0.11/24
lab_route scanner2 default 198.18.0.1

for ns in scanner scanner2; do
	ip netns exec "$(lab_nsname $ns)" nft -f - <<-'EOF'
	table inet nt {
		counter syns { }
		chain out { type filter hook output priority 0; tcp flags & (syn|ack) == syn counter name syns; }
	}
	EOF
done
syns() { ip netns exec "$(lab_nsname "${1:-scanner}")" nft list counter inet nt syns | awk '/packets/ {print $2}'; }
syns_reset() { ip netns exec "$(lab_nsname "${1:-scanner}")" nft reset counter inet nt syns >/dev/null; }

POL=${HEIIKI_SRCDIR:-$(cd "$here/../.." && pwd)}/tests/lab/demo-policy.yaml
HOSTS=(198.18.10.10 198.18.10.20 198.18.20.10 198.18.30.10 198.18.30.11 198.18.40.2)
PORTS="21-23,80,104,139,443,445,1723,2575,3389,5900-5902,8443,11112"
SCAN=(-- -p "$PORTS" --no-arp --rate 2000 --host-rate 500 --cooldown 500 "${HOSTS[@]}")
night() {	# NS STATE [night options...]: runs night, sets RC, output in $D/out.txt $D/err.txt
	local ns=$1 st=$2; shift 2
	ip netns exec "$(lab_nsname "$ns")" "$HEIIKI" night --policy "$POL" --state-dir "$st" \
		--syslog-file "$st.syslog" --lang ja "$@" > "$D/out.txt" 2> "$D/err.txt"
	RC=$?
}

# --- pre-flight ------------------------------------------------------------
mkdir "$D/ro"; mount -t tmpfs -o size=1m,ro tmpfs "$D/ro" || fail "cannot mount a read-only tmpfs"
syns_reset
night scanner "$D/ro/state" --allow-no-geoip "${SCAN[@]}"
umount "$D/ro"
[ $RC -eq 3 ] || fail "read-only state dir: exit $RC: $(cat "$D/err.txt")"
[ "$(grep -c . "$D/err.txt")" -eq 1 ] || fail "read-only state dir: not one line: $(cat "$D/err.txt")"
[ "$(syns)" -eq 0 ] || fail "read-only state dir: $(syns) SYNs sent"
echo "ok: pre-flight $(cat "$D/err.txt")"

# the demo policy has country rules: a missing GeoIP database stops the run
syns_reset
night scanner "$D/geo-state" --geoip "$D/nonexistent.mmdb" "${SCAN[@]}"
[ $RC -eq 3 ] || fail "missing GeoIP with country rules: exit $RC: $(cat "$D/err.txt")"
[ "$(grep -c . "$D/err.txt")" -eq 1 ] || fail "missing GeoIP: not one line: $(cat "$D/err.txt")"
[ "$(syns)" -eq 0 ] || fail "missing GeoIP: $(syns) SYNs sent"
echo "ok: pre-flight $(cat "$D/err.txt")"

# --- night 1 ---------------------------------------------------------------
ST=$D/state
night scanner "$ST" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on critical "${SCAN[@]}"
echo "night 1: exit $RC: $(cat "$D/out.txt")"
[ $RC -eq 0 ] || [ $RC -eq 1 ] || fail "night 1: exit $RC: $(cat "$D/err.txt")"
[ "$(grep -c . "$D/out.txt")" -eq 1 ] || fail "night 1: not one summary line"
grep -q "未確認" "$D/out.txt" || fail "night 1: GeoIP missing but the summary does not say 未確認"
N1=$(readlink "$ST/runs/latest")
st1=$(jq -r '.run.status' "$ST/runs/$N1/results.json" 2>/dev/null)
[ "$st1" = complete ] || fail "night 1: status $st1, not complete: $(cat "$D/err.txt")"
for f in results.json report-ja.html report-en.html findings.csv network.dot; do
	[ -s "$ST/runs/$N1/$f" ] || fail "night 1: $f missing in runs/$N1"
done
grep -q '"event":"run-started"' "$ST/events.jsonl" || fail "night 1: no run-started event"
grep -q '"event":"run-finished"' "$ST/events.jsonl" || fail "night 1: no run-finished event"

# --- the change, night 2 -----------------------------------------------------
lab_listen modality 23
lab_wait_port modality 23
lab_exec pc1 nft add table inet t
lab_exec pc1 nft add chain inet t in '{ type filter hook input priority 0; }'
lab_exec pc1 nft add rule inet t in tcp dport 445 drop
: > "$ST.syslog"
lines_before=$(wc -l < "$ST/events.jsonl")
night scanner "$ST" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on critical "${SCAN[@]}"
RC2=$RC
echo "night 2: exit $RC2: $(cat "$D/out.txt")"
N2=$(readlink "$ST/runs/latest")
[ "$N2" != "$N1" ] || fail "night 2 wrote into night 1's directory"
tail -n +$((lines_before + 1)) "$ST/events.jsonl" > "$D/ev2.jsonl"
python3 - "$ST/runs/$N1/results.json" "$ST/runs/$N2/results.json" "$D/ev2.jsonl" \
	"$ST.syslog" "$D/out.txt" "$RC2" <<'EOF' || fail "night 2: events, syslog, summary or exit code wrong"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ka = {f["key"]: f for f in a["findings"]}
kb = {f["key"]: f for f in b["findings"]}
new, fixed = set(kb) - set(ka), set(ka) - set(kb)
ev = [json.loads(l) for l in open(sys.argv[3])]
ev_new = {e["finding"]["key"] for e in ev if e["event"] == "finding-new"}
ev_fixed = {e["finding"]["key"] for e in ev if e["event"] == "finding-fixed"}
sl = [l for l in open(sys.argv[4]) if "finding-new" in l]
sl_new = {l.split("key=")[1].split(" ")[0] for l in sl}
summary = open(sys.argv[5]).read().strip()
rc = int(sys.argv[6])
print("new:", sorted(new)); print("fixed:", sorted(fixed))
ok = True
def check(c, msg):
    global ok
    if not c:
        print("MISMATCH:", msg); ok = False
check(any(":23" in k or "|23" in k for k in new) or any(f.get("port") == 23 for f in (kb[k] for k in new)), "no new finding for telnet on the modality")
check(any(ka[k].get("port") == 445 for k in fixed), "no fixed finding for SMB on pc1")
check(ev_new == new, "finding-new events %s != %s" % (sorted(ev_new), sorted(new)))
check(ev_fixed == fixed, "finding-fixed events %s != %s" % (sorted(ev_fixed), sorted(fixed)))
check(sl_new == new, "syslog lines %s != %s" % (sorted(sl_new), sorted(new)))
check(("解消: %d" % len(fixed)) in summary, "summary does not count %d fixed: %s" % (len(fixed), summary))
crit_new = sum(1 for k in new if kb[k]["severity"] == "critical")
check(("重大 %d" % crit_new) in summary.split("/")[0] if crit_new else True, "summary new part lacks 重大 %d" % crit_new)
check(rc == (1 if crit_new else 0), "exit %d with %d new critical findings" % (rc, crit_new))
fin = [e for e in ev if e["event"] == "run-finished"]
check(len(fin) == 1 and fin[0]["exit"] == rc and fin[0]["fixed"] == len(fixed), "run-finished event")
sys.exit(0 if ok else 1)
EOF
echo "ok: night 2 events, syslog, summary and exit code show exactly the new and fixed findings"
# --fail-on-open judges the still-open findings too (nothing new in night 3)
night scanner "$ST" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on low --fail-on-open "${SCAN[@]}"
[ $RC -eq 1 ] || fail "night 3 --fail-on-open low: exit $RC"
night scanner "$ST" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on low "${SCAN[@]}"
[ $RC -eq 0 ] || fail "night 4 --fail-on low, nothing new: exit $RC ($(cat "$D/out.txt"))"
echo "ok: --fail-on judges new findings, --fail-on-open all open ones"

# --- lock ------------------------------------------------------------------
syns_reset scanner2
ip netns exec "$(lab_nsname scanner)" "$HEIIKI" night --policy "$POL" --state-dir "$ST" \
	--syslog-file "$ST.syslog" --geoip "$D/nonexistent.mmdb" --allow-no-geoip "${SCAN[@]}" > /dev/null 2>&1 &
first=$!
sleep 1
s=$(date +%s%N)
ip netns exec "$(lab_nsname scanner2)" "$HEIIKI" night --policy "$POL" --state-dir "$ST" \
	--syslog-file "$ST.syslog" --geoip "$D/nonexistent.mmdb" --allow-no-geoip "${SCAN[@]}" > /dev/null 2> "$D/err.txt"
rc=$?
ms=$(( ($(date +%s%N) - s) / 1000000 ))
wait $first
[ $rc -eq 3 ] || fail "second night while the first runs: exit $rc"
grep -q lock "$D/err.txt" || fail "second night: message does not name the lock: $(cat "$D/err.txt")"
[ "$(syns scanner2)" -eq 0 ] || fail "second night sent $(syns scanner2) SYNs"
[ $ms -lt 3000 ] || fail "second night took $ms ms to give up"
echo "ok: lock: the second night exits 3 in $ms ms, 0 SYNs"

# --- capture periods: merged into the night, each exactly once -------------
C=$D/cstate
CSCAN=(-- -p 22 --no-arp --no-probes --rate 500 198.18.10.10)
mkdir -p "$C/capture/eth9"
capdoc() {	# EPOCH: a period document named after that start, from a real pcap
	local name; name=flows-$(date -u -d "@$1" +%Y%m%dT%H%M%SZ).json
	"$HEIIKI" capture -r "$here/../pcap/three-exits.pcap" --no-geoip -o "$C/capture/eth9/$name" \
		2>/dev/null || fail "capture -r for $name: exit $?"
}
capdoc $(( $(date +%s) - 3600 ))		# in the first night's window (a day back)
# ... and partial, as a capture's first period is: the night stays complete
for f in "$C"/capture/eth9/flows-*.json; do
	python3 -c 'import json,sys;d=json.load(open(sys.argv[1]));d["run"]["status"]="partial";json.dump(d,open(sys.argv[1],"w"))' "$f"
done
capdoc $(( $(date +%s) - 3 * 86400 ))	# older: never merged
night scanner "$C" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on none "${CSCAN[@]}"
echo "capture night 1: exit $RC: $(cat "$D/out.txt")"
grep -q "通信 (キャプチャ): 1 期間" "$D/out.txt" || fail "capture night 1: summary does not count 1 period: $(cat "$D/err.txt")"
python3 - "$C/runs/$(readlink "$C/runs/latest")/results.json" <<'EOF2' || fail "capture night 1: merged document wrong"
import json, sys
d = json.load(open(sys.argv[1]))
src = [s for s in d["run"].get("sources", []) if s.get("kind") == "capture"]
assert d["run"]["kind"] == "scan", d["run"]["kind"]
assert len(src) == 1, src
assert len(d.get("exits", [])) == 3, len(d.get("exits", []))
assert d["run"]["status"] == "complete", "a partial capture period made the night partial"
assert any(s["port"] == 22 for s in d["services"]), "the scan's own services are gone"
assert any(f["rule"] == "UNDECLARED_EXIT" for f in d["findings"]), "the merged traffic was not judged"
EOF2
grep -q 'id="exits"' "$C/runs/$(readlink "$C/runs/latest")/report-ja.html" || fail "capture night 1: no exits section in the report"
night scanner "$C" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on none "${CSCAN[@]}"
grep -q "通信 (キャプチャ): 未確認" "$D/out.txt" || fail "capture night 2 merged a period again: $(cat "$D/out.txt")"
grep -q "比較対象なし" "$D/out.txt" && fail "capture night 2 has no baseline: $(cat "$D/out.txt")"
capdoc $(date +%s)
sleep 1
night scanner "$C" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on none "${CSCAN[@]}"
grep -q "通信 (キャプチャ): 1 期間" "$D/out.txt" || fail "capture night 3: the new period was not merged: $(cat "$D/out.txt")"
echo "ok: capture periods: merged into the night's document and report, judged, each exactly once, older ones left out"

# --- mail through the local sendmail (policy notify:) ----------------------
M=$D/mstate
cat > "$D/fake-sendmail" <<'EOS'
#!/bin/sh
# records its arguments and the message, as a local MTA would take it
{ echo "ARGS: $*"; cat; echo "--END--"; } >> "${0%/*}/mail.out"
EOS
chmod 755 "$D/fake-sendmail"
{ cat "$POL"; printf 'notify:\n  mail_to: [it-team@hospital.example]\n  mail_from: heiiki@hospital.example\n  sendmail: %s\n  min_severity: high\n' "$D/fake-sendmail"; } > "$D/mpol.yaml"
MSCAN=(-- -p 22,3389 --no-arp --rate 500 198.18.10.10)
ip netns exec "$(lab_nsname scanner)" "$HEIIKI" night --policy "$D/mpol.yaml" --state-dir "$M" \
	--syslog-file "$M.syslog" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on none \
	"${MSCAN[@]}" > "$D/out.txt" 2> "$D/err.txt" || fail "mail night 1: exit $?: $(cat "$D/err.txt")"
[ -s "$D/mail.out" ] || fail "mail night 1: no mail although there are new high findings: $(cat "$D/out.txt") $(cat "$D/err.txt")"
python3 - "$D/mail.out" "$(cat "$D/out.txt")" <<'EOF2' || fail "mail night 1: message wrong: $(cat "$D/mail.out")"
import sys, email, email.header
raw = open(sys.argv[1], encoding="utf-8").read()
assert raw.startswith("ARGS: -t -oi\n"), raw[:40]
msg = email.message_from_string(raw.split("\n", 1)[1].rsplit("--END--", 1)[0])
subj = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
assert msg["To"] == "it-team@hospital.example", msg["To"]
assert msg["From"] == "heiiki@hospital.example", msg["From"]
assert sys.argv[2].strip() in subj, (subj, sys.argv[2])
body = raw.split("\n\n", 1)[1]	# 8bit UTF-8 text, read as written
assert "198.18.10.10 tcp/3389" in body, body
assert "報告書:" in body, body
EOF2
grep -q '"event":"mail-sent"' "$M/events.jsonl" || fail "mail night 1: no mail-sent event"
: > "$D/mail.out"
ip netns exec "$(lab_nsname scanner)" "$HEIIKI" night --policy "$D/mpol.yaml" --state-dir "$M" \
	--syslog-file "$M.syslog" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on none \
	"${MSCAN[@]}" > "$D/out.txt" 2> "$D/err.txt" || fail "mail night 2: exit $?"
[ -s "$D/mail.out" ] && fail "mail night 2: mailed although nothing is new: $(cat "$D/out.txt")"
echo "ok: notify: night 1 mailed the summary (RFC 2047 subject, the new findings, the reports' place) through sendmail -t -oi; night 2, nothing new, no mail"

# --- window: partial, then the next night completes ------------------------
W=$D/wstate
WSCAN=(-- -p 1-2000 --no-arp --rate 1000 --host-rate 1000 --cooldown 500 --no-probes
       198.18.10.10 198.18.10.20 198.18.30.10)
syns_reset
ip netns exec "$(lab_nsname scanner)" "$HEIIKI" scan --policy "$POL" -o "$D/full.json" \
	"${WSCAN[@]:1}" > /dev/null 2>&1 || fail "uninterrupted window scan: exit $?"
full_syns=$(syns)
syns_reset
night scanner "$W" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --max-duration 3s --fail-on none "${WSCAN[@]}"
echo "window night 1: exit $RC: $(cat "$D/out.txt")"
[ $RC -eq 4 ] || fail "window night 1: exit $RC, expected 4 (partial): $(cat "$D/err.txt")"
grep -q "範囲: [0-9]*% 走査" "$D/out.txt" || fail "window night 1: no coverage in the summary"
[ -s "$W/night.ckpt" ] || fail "window night 1: no checkpoint kept for the next night"
grep -q "window closes" "$D/err.txt" || fail "window night 1: no warning that the sweep does not fit the window"
night scanner "$W" --geoip "$D/nonexistent.mmdb" --allow-no-geoip --fail-on none "${WSCAN[@]}"
echo "window night 2: exit $RC: $(cat "$D/out.txt")"
[ $RC -eq 0 ] || fail "window night 2: exit $RC: $(cat "$D/err.txt")"
[ ! -e "$W/night.ckpt" ] || fail "window night 2: checkpoint left after completing"
both=$(syns)
python3 - "$D/full.json" "$W/runs/$(readlink "$W/runs/latest")/results.json" <<'EOF' || fail "window: the completed night differs from an uninterrupted scan"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
o = lambda d: sorted((s["addr"], s["port"]) for s in d["services"] if s["state"] == "open")
print("open:", o(b))
assert o(a) == o(b), (o(a), o(b))
assert b["run"]["status"] == "complete"
EOF
redone=$((both - full_syns))
echo "window: two nights sent $both SYNs, an uninterrupted scan $full_syns: redone $redone"
# A night cut by --max-duration leaves a checkpoint whose holes are the
# probes still unfinished at the stop; the next night redoes those only:
# under one second of sweep (1000 SYNs at 1000 pps).  Before the holes it
# was 1,100-2,300 (the retry window of the silent ports).
[ $redone -lt 1000 ] || fail "window: $redone SYNs sent twice (more than one second of sweep)"
python3 -c "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);r=c.execute('select count(*),min(status) from runs').fetchone();print('history:',r);assert r==(1,'complete'),r" "$W/history.sqlite" \
	|| fail "window: history does not hold one complete record of the resumed run"
echo "ok: --max-duration partial (exit 4), the next night completed it, nothing lost"
