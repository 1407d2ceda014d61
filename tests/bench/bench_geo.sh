#!/bin/bash
# bench_geo.sh - GeoIP lookups per second: heiiki's wrapper (cache off and
# on), libmaxminddb alone, and the mmdblookup tool, on the same database in
# one run.  A benchmark, not a test: prints numbers and ratios.
#
#   bash tests/bench/bench_geo.sh [DB] [N]
#
# DB defaults to the installed country database (make geoip), N to 2000000.
# The cached run draws from a pool of 4096 random addresses (the cache has
# GEO_CACHE_SLOTS slots; scans and captures ask about the same peers again
# and again); the other runs use a fresh random address per lookup.
# mmdblookup is one process per lookup, so it gets N/1000 lookups.
set -euo pipefail
cd "$(dirname "$0")/../.."

DB=${1:-/var/lib/heiiki/geoip/country.mmdb}
N=${2:-2000000}
POOL=4096
[ -r "$DB" ] || { echo "bench_geo: $DB not readable (run 'make geoip' or pass a .mmdb)" >&2; exit 1; }
command -v mmdblookup >/dev/null || { echo "bench_geo: mmdblookup missing (apt-get install mmdb-bin)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/heiiki-bench-geo-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cc -std=c17 -D_GNU_SOURCE -O2 -I. -o "$TMP/bench_geo" tests/bench/bench_geo.c \
	geoip/geo.c scanner/core/addr.c scanner/core/rd.c -lmaxminddb

echo "database: $DB ($(stat -c %s "$DB") bytes), $N lookups, $(nproc) CPUs, $(uname -r)"
raw=$("$TMP/bench_geo" "$DB" raw "$N")
unc=$("$TMP/bench_geo" "$DB" uncached "$N")
cac=$("$TMP/bench_geo" "$DB" cached "$N" "$POOL")
cac_miss=$("$TMP/bench_geo" "$DB" cached "$N")

M=$((N / 1000)); [ "$M" -ge 100 ] || M=100
seed=12345
addrs=()
for ((i = 0; i < M; i++)); do
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	addrs+=("$(( seed >> 23 & 255 )).$(( seed >> 15 & 255 )).$(( seed >> 7 & 255 )).$(( seed & 127 ))")
done
t0=$(date +%s.%N)
for a in "${addrs[@]}"; do mmdblookup -f "$DB" -i "$a" >/dev/null 2>&1 || true; done
t1=$(date +%s.%N)
mmd=$(awk -v n="$M" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')

rate() { echo "$1" | awk '{ print $4 }'; }
printf '%-34s %14s\n' "run" "lookups/s"
printf '%-34s %14s\n' "libmaxminddb lookup only (raw)" "$(rate "$raw")"
printf '%-34s %14s\n' "heiiki geo_lookup, cache off" "$(rate "$unc")"
printf '%-34s %14s\n' "heiiki geo_lookup, cache on, pool" "$(rate "$cac")"
printf '%-34s %14s\n' "heiiki geo_lookup, cache on, miss" "$(rate "$cac_miss")"
printf '%-34s %14s\n' "mmdblookup (one process/lookup)" "$mmd"
awk -v u="$(rate "$unc")" -v c="$(rate "$cac")" -v r="$(rate "$raw")" -v m="$mmd" 'BEGIN {
	printf "ratios: cached/uncached %.1fx, uncached/raw %.2fx, cached/mmdblookup %.0fx, uncached/mmdblookup %.0fx\n",
	       c / u, u / r, c / m, u / m
	printf "target >= 2000000 cached lookups/s: %s\n", (c >= 2000000 ? "met" : "NOT met")
}'
