#!/usr/bin/env bash
# bench_history.sh - central history ingestion at group scale (#17 item 5):
# SITES sites x NIGHTS nights of synthetic results (tests/bench/
# gen_history.py: HOSTS hosts, ~1.5 services per host, 10-30 findings, the
# size of a real night's document) stored into a throw-away PostgreSQL 15
# (tests/lab/pg-common.sh: unix socket only, fsync on) through
# 'heiiki history add', each site with its own row-level-security role,
# JOBS sites at a time.  A benchmark, not a test: it prints figures.
#
#   HEIIKI=./heiiki bash tests/bench/bench_history.sh [SITES [NIGHTS [HOSTS [JOBS]]]]
#   (defaults 100 365 200 2; root: runuser to the postgres user)
#
# Prints: documents generated (bytes), runs stored, wall time, insert rate
# (runs/s and child rows/s), the database size (total and per table), the
# time of the group queries a central office runs (every site's newest
# complete run with open findings by severity, through the
# open_findings_latest view; 'heiiki report --group' as the reader;
# 'heiiki history list' of all runs as the
# reader role; one site's 'history changes'), and the time of re-adding a
# site's year (all duplicates).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export HEIIKI=${HEIIKI:-$repo/heiiki}
SITES=${1:-100} NIGHTS=${2:-365} HOSTS=${3:-200} JOBS=${4:-2}
. "$repo/tests/lab/lib.sh"
. "$repo/tests/lab/pg-common.sh"
lab_init benchhist
pg_init
# a benchmark measures durable commits: fsync back on
pg_stop
pg_start_fsync() {
	runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 30 -l "$LAB_DIR/pg/server.log" \
		-o "-c listen_addresses='' -k $PG_SOCK -p $PG_PORT -c max_connections=60" start >/dev/null ||
		lab_die "postgres did not start"
}
pg_start_fsync
D=$LAB_DIR
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

"$HEIIKI" history --db "$(pg_dsn)" pg-setup --reader bench_reader >/dev/null || lab_die "pg-setup"
for s in $(seq -f %03g 1 "$SITES"); do
	"$HEIIKI" history --db "$(pg_dsn)" pg-setup --site "Site $s" --role "site_$s" >/dev/null ||
		lab_die "pg-setup site $s"
done

# one site: generate its year, store it in one 'history add', remove it
one_site() {
	local s=$1 dir=$D/gen/$1
	mkdir -p "$dir"
	python3 "$here/gen_history.py" "$dir" "Site $s" "$NIGHTS" "$HOSTS" "$((10#$s))" || return 1
	du -sb "$dir" | cut -f1 > "$D/gen/$s.bytes"
	"$HEIIKI" history --db "$(pg_dsn "site_$s")" add "$dir"/*.json > "$D/gen/$s.out" || return 1
	rm -rf "$dir"
}
export -f one_site
export D NIGHTS HOSTS here PG_SOCK PG_PORT
export -f pg_dsn
mkdir -p "$D/gen"
# generation time alone, to subtract: one site's year
t0=$(now)
mkdir -p "$D/gen1"; python3 "$here/gen_history.py" "$D/gen1" "Site X" "$NIGHTS" "$HOSTS" 7 || exit 1
gen1=$(secs "$t0" "$(now)"); rm -rf "$D/gen1"
t0=$(now)
seq -f %03g 1 "$SITES" | xargs -P "$JOBS" -I{} bash -c 'one_site {}' || lab_die "a site failed"
wall=$(secs "$t0" "$(now)")
runs=$(pg_sql "SELECT count(*) FROM runs")
rows=$(pg_sql "SELECT (SELECT count(*) FROM findings) + (SELECT count(*) FROM services) + (SELECT count(*) FROM hosts)")
bytes=$(awk '{ s += $1 } END { printf "%d", s }' "$D"/gen/*.bytes)
store=$(calc "$wall - $SITES * $gen1 / $JOBS")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), fsync on"
echo "input: $SITES sites x $NIGHTS nights = $runs runs, $HOSTS hosts each, $((bytes / 1024 / 1024)) MiB of documents ($((bytes / runs / 1024)) KiB per run)"
echo "ingest: $wall s wall, about $(calc "$SITES * $gen1 / $JOBS") s of it generating, $JOBS jobs: $(calc "$runs / $store") runs/s, $(calc "$rows / $store") child rows/s (store time only)"
pg_sql "VACUUM ANALYZE" >/dev/null
echo "database: $(pg_sql "SELECT pg_size_pretty(pg_database_size('heiiki'))"); per table (with indexes and TOAST):"
pg_sql "SELECT '  ' || c.relname || ' ' || pg_size_pretty(pg_total_relation_size(c.oid)) || ', ' || c.reltuples::bigint || ' rows' FROM pg_class c WHERE c.relname IN ('runs', 'findings', 'services', 'hosts') ORDER BY pg_total_relation_size(c.oid) DESC"
t0=$(now)
pg_sql "SELECT site, severity, count(*) FROM open_findings_latest GROUP BY site, severity" > "$D/group.txt"
echo "group query (open findings of each site's newest complete run, by severity; $(wc -l < "$D/group.txt") rows): $(secs "$t0" "$(now)") s"
t0=$(now)
"$HEIIKI" report --group --db "$(pg_dsn bench_reader)" --format json -o "$D/group.json" || lab_die "report --group"
echo "heiiki report --group, $(jq '.sites | length' "$D/group.json") sites as the reader (JSON): $(secs "$t0" "$(now)") s"
t0=$(now)
"$HEIIKI" history --db "$(pg_dsn bench_reader)" list --format json > "$D/list.json" || lab_die "list"
echo "heiiki history list, all $(jq length "$D/list.json") runs as the reader: $(secs "$t0" "$(now)") s"
t0=$(now)
"$HEIIKI" history --db "$(pg_dsn site_001)" changes > /dev/null; rc=$?
echo "heiiki history changes, one site (exit $rc): $(secs "$t0" "$(now)") s"
mkdir -p "$D/again"; python3 "$here/gen_history.py" "$D/again" "Site 001" "$NIGHTS" "$HOSTS" 1
t0=$(now)
"$HEIIKI" history --db "$(pg_dsn site_001)" add "$D/again"/*.json | grep -c "already stored" > "$D/dups"
echo "re-adding one site's $NIGHTS nights: $(cat "$D/dups") already stored, nothing added ($(pg_sql "SELECT count(*) FROM runs") runs): $(secs "$t0" "$(now)") s"
