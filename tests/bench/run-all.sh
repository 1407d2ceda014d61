#!/usr/bin/env bash
# run-all.sh - every benchmark, one after the other (make bench).
#
# Benchmarks are not tests: each script runs heiiki and the peer tool on the
# same work in one run and prints the ratio.  They take minutes and need
# root (namespaces).  Results are summarised in docs/performance.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for b in bench_sweep.sh bench_probes.sh bench_capture.sh bench_flows.sh bench_geo.sh bench_history.sh; do
	echo "===== $b"
	bash "$here/$b" || { echo "$b failed (exit $?)"; rc=1; }
done
exit $rc
