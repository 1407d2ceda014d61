#!/bin/bash
# bench_capture.sh - passive-mode speed and memory, against the peers, in
# one run.  A benchmark, not a test: it prints numbers and ratios.
#
#   HEIIKI=./heiiki bash tests/bench/bench_capture.sh [PACKETS]
#
# 1. Builds tests/bench/gen_flows.c and pcap_ceiling.c and generates two
#    deterministic captures in a scratch directory:
#      churn.pcap  PACKETS frames (default 2,000,000), 10,000 concurrent
#                  TCP flows of 20 frames each (100,000 flows in all)
#      conc.pcap   1,000,000 flows all open at once (SYN, then one more
#                  frame each: 2,000,000 frames)
# 2. Times, on churn.pcap: heiiki capture -r, the bare pcap_next_ex loop
#    (the ceiling: libpcap as it comes), the same loop with heiiki's file
#    I/O (ceiling-t: 1 MiB stdio buffer, no stdio locking), tshark -q -z conv,tcp, argus -r and softflowd -r when
#    installed.  heiiki and the ceiling run 3 times, the slow peers once;
#    the best wall time and its CPU time are kept.  On a shared machine
#    compare the CPU columns: wall time includes waiting for the CPU.
# 3. Measures heiiki's peak RSS on conc.pcap with /usr/bin/time -v
#    (target: <= 256 MiB with 1,000,000 concurrent flows).
# Targets: heiiki >= 50 % of the ceiling's packet rate, >= 10x tshark.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$repo/heiiki}
PACKETS=${1:-2000000}
CC=${CC:-cc}
work=$(mktemp -d /tmp/heiiki-bench-XXXXXX)
# heiiki's results document is written atomically (fsync); put it on tmpfs
# when there is one so the timing measures reading, not the disk.
outdir=$work
[ -d /dev/shm ] && outdir=$(mktemp -d /dev/shm/heiiki-bench-XXXXXX)
trap 'rm -rf "$work" "$outdir"' EXIT

$CC -O2 -o "$work/gen_flows" "$here/gen_flows.c" || exit 1
$CC -O2 -o "$work/pcap_ceiling" "$here/pcap_ceiling.c" -lpcap || exit 1
"$work/gen_flows" "$work/churn.pcap" "$PACKETS" 10000 20 || exit 1
"$work/gen_flows" "$work/conc.pcap" 2000000 1000000 2 || exit 1
cat "$work/churn.pcap" "$work/conc.pcap" >/dev/null	# page cache

# best_of NAME CMD...: run 3 times, keep the best wall time; prints
# "NAME wall_s cpu_s maxrss_kib"
best_of() {
	local name=$1; shift
	local best="" line
	for _ in $(seq 1 "${RUNS:-3}"); do
		/usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
			{ echo "$name: failed: $(tail -3 "$work/err")" >&2; return 1; }
		read -r e u s m <"$work/t"
		line="$e $(echo "$u + $s" | bc) $m"
		if [ -z "$best" ] || [ "$(echo "$e < ${best%% *}" | bc)" = 1 ]; then
			best=$line
		fi
	done
	echo "$name $best"
}

results=$work/results
: >"$results"
best_of heiiki "$HEIIKI" capture -r "$work/churn.pcap" -o "$outdir/out.json" \
	--no-geoip >>"$results" || exit 1
best_of ceiling "$work/pcap_ceiling" "$work/churn.pcap" >>"$results"
best_of ceiling-t "$work/pcap_ceiling" -t "$work/churn.pcap" >>"$results"
if command -v tshark >/dev/null; then
	RUNS=1 best_of tshark tshark -q -n -z conv,tcp -r "$work/churn.pcap" >>"$results"
else
	echo "tshark: not installed (apt-get install tshark)" >&2
fi
if command -v argus >/dev/null; then
	RUNS=1 best_of argus argus -r "$work/churn.pcap" -w "$work/argus.out" >>"$results"
fi
# softflowd insists on an export target: run it in a new, empty network
# namespace (unshare -n) whose own loopback receives the datagrams, so
# nothing reaches this machine's network stack.
if command -v softflowd >/dev/null && command -v unshare >/dev/null; then
	RUNS=1 best_of softflowd unshare -n sh -c 'ip link set lo up &&
		exec softflowd -d -r "$1" -n 127.0.0.1:9' _ "$work/churn.pcap" \
		>>"$results" 2>/dev/null || true
fi

echo "# capture read of $PACKETS frames (10,000 concurrent flows, 100,000 in all)"
printf '%-10s %10s %10s %14s %14s\n' tool wall_s cpu_s packets/s "packets/s(cpu)"
while read -r name wall cpu rss; do
	pps=$(echo "$PACKETS / $wall" | bc)
	cpps=$(echo "$PACKETS / ($cpu + 0.001)" | bc)
	printf '%-10s %10s %10s %14s %14s\n' "$name" "$wall" "$cpu" "$pps" "$cpps"
done <"$results"
get() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results"; }
hw=$(get heiiki 2); hc=$(get heiiki 3)
cw=$(get ceiling 2); cc=$(get ceiling 3)
tw=$(get ceiling-t 2); tc=$(get ceiling-t 3)
echo "heiiki / ceiling (wall): $(echo "scale=2; $cw / $hw" | bc)   (cpu): $(echo "scale=2; $cc / $hc" | bc)   target >= 0.50"
echo "heiiki / ceiling-t, the same loop with heiiki's file I/O (wall): $(echo "scale=2; $tw / $hw" | bc)   (cpu): $(echo "scale=2; $tc / $hc" | bc)"
for peer in tshark argus softflowd; do
	pw=$(get $peer 2)
	[ -n "$pw" ] && echo "heiiki speed-up vs $peer (wall): $(echo "scale=1; $pw / $hw" | bc)x$( [ $peer = tshark ] && echo '   target >= 10x')"
done

echo "# memory: 1,000,000 concurrent flows (conc.pcap, 2,000,000 frames)"
/usr/bin/time -v "$HEIIKI" capture -r "$work/conc.pcap" -o "$outdir/out2.json" \
	--no-geoip 2>"$work/tv" >/dev/null
rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/tv")
flows=$(grep -o '"flows": [0-9]*' "$outdir/out2.json" | head -1 | awk '{print $2}')
evicted=$(grep -o '"flows_evicted": [0-9]*' "$outdir/out2.json" | head -1 | awk '{print $2}')
echo "heiiki max RSS: $((rss / 1024)) MiB for ${flows:-?} flows (${evicted:-?} evicted)   target <= 256 MiB"
