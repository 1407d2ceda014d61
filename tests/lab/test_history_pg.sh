#!/usr/bin/env bash
# test_history_pg.sh - the history on PostgreSQL as well as SQLite (#17
# items 1-3): a real PostgreSQL 15 (Debian's server, its own data
# directory, run as the unprivileged user postgres, listening only on a
# unix socket in the test's directory, stopped on exit also on failure).
#
#  Both back ends: store, duplicate (nothing added), list, changes
#    (baseline = previous complete run, exit 1 on a new critical), show
#    (the document round-trips byte for byte after jq -S), a partial record
#    replaced by the complete one, prune.
#  Passwords: a connection string holding one is refused (exit 2) and the
#    password is not repeated in the message.
#  Sites (pg-setup, row-level security): 20 site roles store at once, each
#    its own run twice in two parallel processes: 20 runs, every child row
#    once.  Site A's role cannot insert a site-B run, cannot see site B's
#    runs, findings, services, hosts or documents; the reader role sees
#    all 20 sites.
#  Group report: 'report --group' as the reader lists the 20 sites with the
#    stored counts; as a site role only that site.
#  Offline: the server stopped, 'history add' queues (exit 4) and
#    'heiiki night' queues its run in STATE/outbox; a flush while stopped
#    keeps everything; started again, 'history flush' and the next night
#    deliver in order, exactly once (a queued copy of a stored run adds
#    nothing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/pg-common.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq missing (make deps); skipping" >&2; exit 77; }
lab_init histpg
pg_init
D=$LAB_DIR
SRC=${HEIIKI_SRCDIR:-$(cd "$here/../.." && pwd)}
G=$SRC/tests/golden
H() { "$HEIIKI" history "$@"; }

# doc SRC OUT SITE UID START [STATUS]: a golden document as another run
doc() {
	jq --arg site "$3" --arg id "$4" --arg start "$5" --arg st "${6:-complete}" \
		'.run.site = $site | .run.id = $id | .run.start = $start | .run.status = $st' \
		"$1" > "$2"
}
runs_json() { H --db "$1" list --format json; }

# --- both back ends ------------------------------------------------------------
pg_sql "CREATE DATABASE suite" >/dev/null
suite() {	# DB LABEL
	local db=$1 label=$2 out rc n
	out=$(H --db "$db" add "$G/scan-hospital.json" "$G/scan-hospital-next.json") ||
		fail "$label: add: $out"
	[ "$(grep -c 'stored as run' <<<"$out")" -eq 2 ] || fail "$label: add: $out"
	out=$(H --db "$db" add "$G/scan-hospital.json")
	grep -q "already stored as run 1" <<<"$out" || fail "$label: duplicate add: $out"
	n=$(runs_json "$db" | jq length)
	[ "$n" -eq 2 ] || fail "$label: $n runs after a duplicate, not 2"
	[ "$(runs_json "$db" | jq -r '.[0].start')" = 2026-11-22T16:00:00Z ] ||
		fail "$label: list is not newest first"
	[ "$(runs_json "$db" | jq -r '.[0].findings.critical')" = \
	  "$(jq '[.findings[] | select(.severity == "critical")] | length' "$G/scan-hospital-next.json")" ] ||
		fail "$label: critical count of the newest run"
	H --db "$db" changes --format json > "$D/changes.json"; rc=$?
	[ $rc -eq 1 ] || fail "$label: changes exit $rc with a new critical finding"
	jq -e '.new_findings | map(.key) == ["TELNET_OPEN|198.18.20.7|tcp|23|"]' "$D/changes.json" \
		>/dev/null || fail "$label: changes: $(jq -c '.new_findings | map(.key)' "$D/changes.json")"
	H --db "$db" show 1 | jq -S . > "$D/show.json"
	jq -S . "$G/scan-hospital.json" | cmp -s - "$D/show.json" ||
		fail "$label: stored document does not round-trip"
	# a partial record of a new run, then its complete record: replaced
	doc "$G/scan-hospital-next.json" "$D/p.json" "$(jq -r .run.site "$G/scan-hospital.json")" \
		uid-3 2026-11-23T16:00:00Z partial
	jq '.run.end = "2026-11-23T16:10:00Z"' "$D/p.json" > "$D/p1.json"
	jq '.run.status = "complete" | .run.end = "2026-11-23T16:40:00Z"' "$D/p.json" > "$D/p2.json"
	H --db "$db" add "$D/p1.json" >/dev/null || fail "$label: add partial"
	H --db "$db" changes >/dev/null	# the newest is partial: its baseline is run 2
	out=$(H --db "$db" add "$D/p2.json")
	grep -q "replaced the earlier partial record of run 3" <<<"$out" || fail "$label: $out"
	[ "$(runs_json "$db" | jq -r '.[0].status')" = complete ] || fail "$label: not replaced"
	out=$(H --db "$db" prune --keep 1)
	[ "$out" = "removed 2 runs" ] || fail "$label: prune --keep 1: $out"
	[ "$(runs_json "$db" | jq -r 'map(.id) | join(",")')" = 3 ] || fail "$label: prune kept the wrong run"
	echo "ok: $label: add, duplicate, list, changes, show, partial->complete, prune"
}
suite "$D/history.sqlite" sqlite
suite "$(pg_dsn postgres suite)" postgresql
n=$("$PG_BIN/psql" -X -A -t -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d suite \
	-c "SELECT (SELECT count(*) FROM findings) || ' ' || (SELECT count(*) FROM hosts)")
want="$(jq '.findings | length' "$D/p2.json") $(jq '.hosts | length' "$D/p2.json")"
[ "$n" = "$want" ] || fail "postgresql: child rows after prune: $n, want $want"
echo "ok: postgresql: the pruned runs' findings and hosts went with them ($n left)"

# --- passwords ---------------------------------------------------------------
out=$(H --db "postgresql://heiiki:s3cr3tpw@db.invalid/heiiki" list 2>&1); rc=$?
[ $rc -eq 2 ] || fail "a DSN with a password: exit $rc"
grep -q "holds a password" <<<"$out" || fail "a DSN with a password: $out"
! grep -q s3cr3tpw <<<"$out" || fail "the password is repeated: $out"
out=$(HEIIKI_HISTORY="host=db.invalid password=s3cr3tpw dbname=h" H list 2>&1); rc=$?
[ $rc -eq 2 ] && ! grep -q s3cr3tpw <<<"$out" || fail "\$HEIIKI_HISTORY with a password: exit $rc: $out"
echo "ok: a connection string holding a password is refused (exit 2), the password not shown"

# --- sites: setup, 20 at once ---------------------------------------------------
H --db "$(pg_dsn)" pg-setup --reader group_reader >/dev/null || fail "pg-setup (reader)"
for i in $(seq -w 1 20); do
	out=$(H --db "$(pg_dsn)" pg-setup --site "Site $i" --role "site_$i") || fail "pg-setup site $i: $out"
	doc "$G/scan-hospital.json" "$D/site$i.json" "Site $i" "uid-site-$i" "2026-11-2${i: -1}T16:00:00Z"
done
# pg-setup is idempotent
H --db "$(pg_dsn)" pg-setup --site "Site 01" --role site_01 >/dev/null || fail "pg-setup again"
pids=()
for i in $(seq -w 1 20); do
	for copy in a b; do
		H --db "$(pg_dsn "site_$i")" add "$D/site$i.json" "$D/site$i.json" \
			> "$D/par-$i-$copy.out" 2>&1 &
		pids+=($!)
	done
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
[ $failed -eq 0 ] || fail "$failed of 40 parallel adds failed: $(cat "$D"/par-*.out | grep -v stored | head -5)"
stored=$(cat "$D"/par-*.out | grep -c ': stored as run')
[ "$stored" -eq 20 ] || fail "$stored new runs reported by 40 processes, not 20"
n=$(pg_sql "SELECT count(*) || ' ' || count(DISTINCT site) FROM runs")
[ "$n" = "20 20" ] || fail "after 20 sites at once: runs/sites = $n"
nf=$(jq '.findings | length' "$D/site01.json") ns=$(jq '.services | length' "$D/site01.json")
nh=$(jq '.hosts | length' "$D/site01.json")
n=$(pg_sql "SELECT (SELECT count(*) FROM findings) || ' ' || (SELECT count(*) FROM services) || ' ' || (SELECT count(*) FROM hosts)")
[ "$n" = "$((20 * nf)) $((20 * ns)) $((20 * nh))" ] ||
	fail "child rows $n, want $((20 * nf)) $((20 * ns)) $((20 * nh))"
echo "ok: 20 sites x 2 processes x 2 copies at once: 20 runs, $n child rows, nothing lost or doubled"

# --- sites: permissions ----------------------------------------------------------
out=$(H --db "$(pg_dsn site_01)" add "$D/site02.json" 2>&1); rc=$?
[ $rc -eq 3 ] || fail "site_01 storing a Site 02 run: exit $rc: $out"
grep -qi "row-level security" <<<"$out" || fail "site_01 storing a Site 02 run: $out"
doc "$G/scan-hospital.json" "$D/site02-new.json" "Site 02" uid-site-02-b 2026-12-01T16:00:00Z
H --db "$(pg_dsn site_01)" add "$D/site02-new.json" >/dev/null 2>&1 &&
	fail "site_01 stored a new Site 02 run"
[ "$(pg_sql "SELECT count(*) FROM runs WHERE site = 'Site 02'")" = 1 ] || fail "Site 02 gained a run"
[ "$(runs_json "$(pg_dsn site_01)" | jq -r 'map(.site) | unique | join(",")')" = "Site 01" ] ||
	fail "site_01 lists other sites' runs"
id02=$(pg_sql "SELECT id FROM runs WHERE site = 'Site 02'")
H --db "$(pg_dsn site_01)" show "$id02" >/dev/null 2>&1 && fail "site_01 read Site 02's document"
for t in findings services hosts open_findings_latest; do
	n=$("$PG_BIN/psql" -X -A -t -h "$PG_SOCK" -p "$PG_PORT" -U site_01 -d heiiki \
		-c "SELECT count(*) FROM $t")
	case $t in findings|open_findings_latest) w=$nf ;; services) w=$ns ;; hosts) w=$nh ;; esac
	[ "$n" = "$w" ] || fail "site_01 sees $n rows of $t, want its own $w"
done
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U site_01 -d heiiki \
	-c "DELETE FROM runs WHERE site = 'Site 02'" >/dev/null 2>&1
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U site_01 -d heiiki \
	-c "UPDATE runs SET site = 'Site 01' WHERE site = 'Site 02'" >/dev/null 2>&1
[ "$(pg_sql "SELECT count(*) FROM runs WHERE site = 'Site 02'")" = 1 ] ||
	fail "site_01 deleted or took over Site 02's run"
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U site_01 -d heiiki \
	-c "UPDATE runs SET site = 'Site 02' WHERE site = 'Site 01'" >/dev/null 2>&1 &&
	fail "site_01 moved its run to Site 02"
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U site_01 -d heiiki -c \
	"INSERT INTO findings (run_id, key, rule, severity) VALUES ($id02, 'X|1', 'X', 'info')" \
	>/dev/null 2>&1 && fail "site_01 added a finding to Site 02's run"
# a temporary table named like the role -> site map does not make site_01 another site
n=$("$PG_BIN/psql" -X -A -t -q -h "$PG_SOCK" -p "$PG_PORT" -U site_01 -d heiiki -c \
	"CREATE TEMP TABLE heiiki_site_roles (rolname TEXT, site TEXT);
	 INSERT INTO heiiki_site_roles VALUES ('site_01', 'Site 02');
	 SELECT count(*) FROM runs WHERE site = 'Site 02'" 2>&1)
[ "$n" = 0 ] || fail "site_01 with its own temporary heiiki_site_roles sees $n Site 02 runs"
[ "$(runs_json "$(pg_dsn group_reader)" | jq 'map(.site) | unique | length')" = 20 ] ||
	fail "the reader role does not see all 20 sites"
H --db "$(pg_dsn group_reader)" show "$id02" >/dev/null || fail "the reader cannot read Site 02's document"
H --db "$(pg_dsn group_reader)" add "$D/site02-new.json" >/dev/null 2>&1 && fail "the reader stored a run"
echo "ok: site_01 cannot insert, read, move or delete Site 02's rows; the reader reads all 20 sites, writes none"

# --- the group report (report --group) over the 20 sites -------------------------
doc "$G/scan-hospital-next.json" "$D/site03-b0.json" "Site 03" uid-site-03-b 2026-12-02T16:00:00Z
jq '.findings += [{rule: "UNDECLARED_EXIT", severity: "high", key: "UNDECLARED_EXIT|198.18.0.1||0|"},
	{rule: "OUT_OF_SUPPORT", severity: "high", key: "OUT_OF_SUPPORT|198.18.20.7||0|"}]' \
	"$D/site03-b0.json" > "$D/site03-b.json"
H --db "$(pg_dsn site_03)" add "$D/site03-b.json" >/dev/null || fail "site_03 second run"
"$HEIIKI" report --group --db "$(pg_dsn group_reader)" --format json \
	--site-url 'https://soc.example/{site}/{run}' > "$D/group.json" || fail "report --group as the reader"
# want: every site has scan-hospital.json's counts, no baseline; Site 03 has
# the counts of its second run (scan-hospital-next.json plus an undeclared exit
# and an out-of-support device) and its new findings against the first run
want=$(jq -c --slurpfile n "$D/site03-b.json" '
	def row($d): {open: ([$d.findings[].severity] | reduce .[] as $s
			({critical:0,high:0,medium:0,low:0,info:0}; .[$s] += 1)),
		undeclared_exits: [$d.findings[] | select(.rule == "UNDECLARED_EXIT" or
			.rule == "UNDECLARED_REMOTE_PATH")] | length,
		out_of_support: [$d.findings[] | select(.rule == "OUT_OF_SUPPORT")] | length,
		vendor_exceptions_expired: [$d.findings[] | select(.rule == "VENDOR_EXCEPTION_EXPIRED")] | length};
	. as $o | [range(1; 21) | ("Site " + (if . < 10 then "0" else "" end) + tostring) as $s |
		{site: $s} + (if $s == "Site 03" then row($n[0]) + {new: ([$n[0].findings[].key] -
			[$o.findings[].key] | length)} else row($o) + {new: null} end)]' "$G/scan-hospital.json" | jq -S -c .)
got=$(jq -S -c '[.sites[] | {site, open, undeclared_exits, out_of_support,
	vendor_exceptions_expired, new}]' "$D/group.json")
[ "$got" = "$want" ] || fail "report --group: got $got, want $want"
[ "$(jq -r '.sites[] | select(.site == "Site 03") | .url' "$D/group.json")" = \
  "https://soc.example/Site%2003/$(pg_sql "SELECT id FROM runs WHERE run_uid = 'uid-site-03-b'")" ] ||
	fail "report --group: Site 03's link: $(jq -c '.sites[2]' "$D/group.json")"
[ "$(jq -r '.sites[] | select(.site == "Site 03") | "\(.new) \(.undeclared_exits) \(.out_of_support)"' \
	"$D/group.json")" = "3 1 1" ] || fail "report --group: Site 03: $(jq -c '.sites[2]' "$D/group.json")"
[ "$("$HEIIKI" report --group --db "$(pg_dsn site_01)" --format json | jq -c '[.sites[].site]')" = \
  '["Site 01"]' ] || fail "report --group as site_01 shows other sites"
"$HEIIKI" report --group --db "$(pg_dsn group_reader)" --lang ja -o "$D/group.html" ||
	fail "report --group html"
[ "$(grep -o '<tr><td>Site ' "$D/group.html" | wc -l)" -eq 20 ] || fail "report --group html: not 20 rows"
echo "ok: report --group: the reader sees 20 sites with the stored counts (Site 03: new vs its baseline); site_01 only its own"

# --- offline: history add + flush -------------------------------------------------
OB=$D/outbox
doc "$G/scan-hospital.json" "$D/off1.json" "Site 01" uid-off-1 2026-12-02T16:00:00Z
doc "$G/scan-hospital-next.json" "$D/off2.json" "Site 01" uid-off-2 2026-12-03T16:00:00Z
pg_stop
out=$(H --db "$(pg_dsn site_01)" add --outbox "$OB" "$D/off1.json" 2>"$D/err.txt"); rc=$?
[ $rc -eq 4 ] || fail "add with the database down: exit $rc: $out $(cat "$D/err.txt")"
H --db "$(pg_dsn site_01)" add --outbox "$OB" "$D/off2.json" >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] || fail "second add with the database down: exit $rc"
ls "$OB" > "$D/q.txt"
[ "$(grep -c '\.json$' "$D/q.txt")" -eq 2 ] || fail "outbox: $(cat "$D/q.txt")"
head -n 1 "$D/q.txt" | grep -q '^0000000000000001-uid-off-1.json$' || fail "outbox order: $(cat "$D/q.txt")"
[ "$(stat -c %a "$OB/$(head -n 1 "$D/q.txt")")" = 600 ] || fail "queued file not mode 600"
out=$(H --db "$(pg_dsn site_01)" flush --outbox "$OB" 2>&1); rc=$?
[ $rc -eq 4 ] && grep -q "sent 0 runs, 0 refused, 2 still queued" <<<"$out" ||
	fail "flush with the database down: exit $rc: $out"
pg_start
# a copy of an already stored run queued again (sent, crash before unlink)
cp "$D/site01.json" "$OB/0000000000000003-uid-site-01.json"
out=$(H --db "$(pg_dsn site_01)" flush --outbox "$OB"); rc=$?
[ $rc -eq 0 ] && grep -q "sent 3 runs, 0 refused, 0 still queued" <<<"$out" || fail "flush: exit $rc: $out"
[ -z "$(ls "$OB" | grep '\.json$')" ] || fail "outbox not empty after flush: $(ls "$OB")"
order=$(pg_sql "SELECT string_agg(run_uid, ',' ORDER BY id) FROM runs WHERE site = 'Site 01'")
[ "$order" = "uid-site-01,uid-off-1,uid-off-2" ] || fail "Site 01 runs in id order: $order"
out=$(H --db "$(pg_dsn site_01)" flush --outbox "$OB")
[ "$out" = "sent 0 runs, 0 refused, 0 still queued" ] || fail "second flush: $out"
# a queued run the database refuses for good does not block the queue
doc "$G/scan-hospital.json" "$D/off3.json" "Site 01" uid-off-3 2026-12-04T16:00:00Z
cp "$D/site02-new.json" "$OB/0000000000000001-uid-site-02-b.json"
cp "$D/off3.json" "$OB/0000000000000002-uid-off-3.json"
out=$(H --db "$(pg_dsn site_01)" flush --outbox "$OB" 2>"$D/err.txt"); rc=$?
[ $rc -eq 3 ] && grep -q "sent 1 run, 1 refused, 0 still queued" <<<"$out" ||
	fail "flush with a foreign run: exit $rc: $out $(cat "$D/err.txt")"
[ -s "$OB/rejected/0000000000000001-uid-site-02-b.json" ] || fail "the refused run was not kept"
echo "ok: offline add queues (exit 4) in order; flush delivers in order, exactly once; a refused run goes to rejected/"

# --- offline: the night ----------------------------------------------------------
lab_ns scanner; lab_ns ehr
lab_link scanner 198.18.10.5/24 ehr 198.18.10.10/24
lab_listen ehr 22
lab_listen ehr 23	# telnet: a finding every night
lab_wait_port ehr 22
lab_wait_port ehr 23
POL=$SRC/tests/lab/demo-policy.yaml
SITE=$(sed -n 's/^site: *"\(.*\)"$/\1/p' "$POL")
H --db "$(pg_dsn)" pg-setup --site "$SITE" --role site_demo >/dev/null || fail "pg-setup demo site"
ST=$D/state
# the second night finds the database in the policy (history: {db: ...})
{ cat "$POL"; printf 'history:\n  db: "%s"\n' "$(pg_dsn site_demo)"; } > "$D/policy-db.yaml"
night() {	# night [--history DB]
	lab_exec scanner "$HEIIKI" night --policy "${NPOL:-$POL}" --state-dir "$ST" "$@" \
		--syslog-file "$ST.syslog" --allow-no-geoip --geoip "$D/none.mmdb" --fail-on none \
		-- -p 22,23 --no-arp --rate 500 198.18.10.10 > "$D/night.out" 2> "$D/night.err"
	RC=$?
}
pg_stop
night --history "$(pg_dsn site_demo)"
[ $RC -eq 0 ] || fail "night with the database down: exit $RC: $(cat "$D/night.err")"
grep -q "history unreachable: run queued" "$D/night.err" || fail "night did not say it queued: $(cat "$D/night.err")"
[ "$(ls "$ST/outbox" | grep -c '\.json$')" -eq 1 ] || fail "night's outbox: $(ls "$ST/outbox")"
grep -q '"event":"history-queued"' "$ST/events.jsonl" || fail "no history-queued event"
uid1=$(jq -r .run.id "$ST/outbox/"*.json)
sleep 1.1	# the next night's run starts in another second
pg_start
NPOL=$D/policy-db.yaml night
[ $RC -eq 0 ] || fail "night with the database back: exit $RC: $(cat "$D/night.err")"
[ -z "$(ls "$ST/outbox" | grep '\.json$')" ] || fail "outbox not empty after the next night"
grep '"event":"history-flushed"' "$ST/events.jsonl" | grep -q '"sent":1' ||
	fail "no history-flushed event with sent 1: $(grep history- "$ST/events.jsonl")"
order=$(pg_sql "SELECT string_agg(run_uid, ',' ORDER BY id) FROM runs WHERE site = '$SITE'")
[ "$(cut -d, -f1 <<<"$order")" = "$uid1" ] && [ "$(tr , '\n' <<<"$order" | wc -l)" -eq 2 ] ||
	fail "the demo site's runs: $order (the queued $uid1 first, then tonight's)"
# the second night's baseline is the first night's run (flushed just before
# it, found through the shared database among 20 other sites' newer runs):
# the same open findings are not new again
python3 - "$ST/events.jsonl" <<'EOF' || fail "the second night did not diff against the first"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
starts = [i for i, e in enumerate(ev) if e["event"] == "run-started"]
first = [e for e in ev[starts[0]:starts[1]] if e["event"] == "finding-new"]
second = [e for e in ev[starts[1]:] if e["event"] == "finding-new"]
print("night 1: %d new findings, night 2: %d" % (len(first), len(second)))
sys.exit(0 if len(starts) == 2 and first and not second else 1)
EOF
[ -e "$ST/history.sqlite" ] && fail "the night with history: {db:} in its policy wrote STATE/history.sqlite"
echo "ok: night queues its run with the database down; the next night (database from the policy) sends it first, then its own"
exit 0
