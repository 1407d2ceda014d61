#!/bin/bash
# bench_flows.sh - flow-export input (capture --nfdump) against heiiki's own
# pcap input, on the same traffic.  A benchmark, not a test: it prints
# numbers and the ratio.
#
#   HEIIKI=./heiiki bash tests/bench/bench_flows.sh [PACKETS]
#
# 1. gen_flows.c writes churn.pcap: PACKETS frames (default 2,000,000),
#    10,000 concurrent TCP flows of 20 frames each (PACKETS / 20 flows).
# 2. softflowd -r exports it (in pieces, below) as NetFlow v9 (-T ether:
#    MACs) to nfcapd, both inside a new, empty network namespace (unshare -n) on its
#    own loopback, so nothing reaches this machine's network; nfcapd writes
#    the files (-t 3600: one file, unless an hour boundary passes).  The records
#    nfcapd stored are checked against the flows (2 records a flow).
# 3. Times, best of 3 (wall and CPU): heiiki capture -r churn.pcap;
#    heiiki capture --nfdump DIR; and nfdump -R DIR -o json alone (the
#    reader's share).  Prints records/s (exporter records), flows/s and
#    packets/s for each, and the ratio of the two inputs on the same
#    traffic.  On a shared machine compare the CPU columns.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$repo/heiiki}
PACKETS=${1:-2000000}
CC=${CC:-cc}
for t in softflowd softflowctl nfcapd editcap nfdump unshare bc; do
	command -v $t >/dev/null || { echo "$t missing (make deps)" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -n)" >&2; exit 77; }
work=$(mktemp -d /tmp/heiiki-bench-flows-XXXXXX)
outdir=$work
[ -d /dev/shm ] && outdir=$(mktemp -d /dev/shm/heiiki-bench-flows-XXXXXX)
trap 'rm -rf "$work" "$outdir"' EXIT

$CC -O2 -o "$work/gen_flows" "$here/gen_flows.c" || exit 1
"$work/gen_flows" "$work/churn.pcap" "$PACKETS" 10000 20 || exit 1
FLOWS=$((PACKETS / 20))

# softflowd -> nfcapd in a private namespace.  The pcap is exported in
# pieces of 200,000 frames (editcap -c), one softflowd run each: all flows
# of a run are sent at once when it ends, and a burst larger than nfcapd's
# socket buffer would be lost (a flow cut at a piece boundary gives two
# records a direction; heiiki joins them again).  softflowd 1.1.0 reading a
# file waits on its control socket between batches: it is asked for its
# statistics until it has read every frame, then told to shut down (it
# exports every flow and exits).  nfcapd closes its file on SIGTERM.
mkdir -p "$work/nf" "$work/parts"
editcap -c 200000 "$work/churn.pcap" "$work/parts/part.pcap" || exit 1
unshare -n sh -c '
	ip link set lo up
	nfcapd -b 127.0.0.1 -p 9995 -B 16777216 -w "$1/nf" -t 3600 -P "$1/nfcapd.pid" \
		>"$1/nfcapd.log" 2>&1 &
	sleep 1
	for part in "$1"/parts/part*.pcap; do
		n=$(tcpdump -r "$part" 2>/dev/null | wc -l)
		timeout 600 softflowd -d -m 200000 -r "$part" -T ether -v 9 -n 127.0.0.1:9995 \
			-p "$1/sf.pid" -c "$1/sf.ctl" >>"$1/softflowd.log" 2>&1 &
		pid=$!
		for i in $(seq 1 3000); do
			softflowctl -c "$1/sf.ctl" statistics 2>/dev/null |
				grep -q "^Packets processed: $n\$" && break
			sleep 0.1
		done
		softflowctl -c "$1/sf.ctl" shutdown >/dev/null
		wait $pid
		sleep 1
	done
	kill -TERM "$(cat "$1/nfcapd.pid")"
	sleep 2' _ "$work"
records=$(grep -o "Flows: [0-9]*" "$work/nfcapd.log" | awk "{ n += \$2 } END { print n + 0 }")
files=$(find "$work/nf" -name 'nfcapd.2*' | wc -l)
echo "# $PACKETS frames, $FLOWS flows; softflowd -> nfcapd: ${records:-?} records in $files file(s), $(du -sh "$work/nf" | cut -f1)"
[ "${records:-0}" -gt 0 ] || { echo "no records collected"; tail "$work"/*.log; exit 1; }
[ "$records" = $((2 * FLOWS)) ] ||
	echo "note: expected $((2 * FLOWS)) records (UDP loss or forced expiry)" >&2
cat "$work/churn.pcap" "$work"/nf/nfcapd.* >/dev/null	# page cache

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
best_of pcap "$HEIIKI" capture -r "$work/churn.pcap" --no-geoip -o "$outdir/p.json" >>"$results" || exit 1
best_of nfdump "$HEIIKI" capture --nfdump "$work/nf" --no-geoip -o "$outdir/n.json" >>"$results" || exit 1
best_of reader env TZ=UTC nfdump -R "$work/nf" -q -N -o json >>"$results" || exit 1

fp=$(jq '.run.counters.flow_records' "$outdir/p.json")
fn=$(jq '.run.counters.flow_records' "$outdir/n.json")
echo "flow records exported: pcap $fp, nfdump $fn"
printf '%-8s %8s %8s %9s %13s %13s %13s\n' input wall_s cpu_s rss_MiB records/s flows/s packets/s
while read -r name wall cpu rss; do
	printf '%-8s %8s %8s %9s %13s %13s %13s\n' "$name" "$wall" "$cpu" $((rss / 1024)) \
		"$(echo "$records / $wall" | bc)" "$(echo "$FLOWS / $wall" | bc)" \
		"$(echo "$PACKETS / $wall" | bc)"
done <"$results"
get() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$results"; }
echo "same traffic, nfdump input / pcap input (wall): $(echo "scale=2; $(get pcap 2) / $(get nfdump 2)" | bc)x" \
     "  (cpu): $(echo "scale=2; $(get pcap 3) / $(get nfdump 3)" | bc)x"
echo "nfdump's reader alone takes $(echo "scale=0; 100 * $(get reader 2) / $(get nfdump 2)" | bc) % of the --nfdump wall time"
