#!/usr/bin/env bash
# run.sh [TEST...] - run the namespace lab tests (tests/lab/test_*.sh).
#
# Each test is a script that sources lib.sh, builds its own lab, tears it
# down on exit and returns 0 (pass), 77 (skipped, reason printed) or
# anything else (fail).  Prints one line per test and a closing
# "N passed, N failed, N skipped" line; exits non-zero when any failed.
#
# Tests run LAB_JOBS at a time (default 2): every lab has its own
# namespace prefix, so labs never share a namespace.  A test whose timing
# is what it measures (rates, wall-clock budgets) says so with a line
# "# lab: serial" in its header; those run alone, after the others, so
# another test's CPU load cannot perturb them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export HEIIKI=${HEIIKI:-$here/../../heiiki}
export HEIIKI_SRCDIR=${HEIIKI_SRCDIR:-$(cd "$here/../.." && pwd)}
[ -x "$HEIIKI" ] || { echo "lab: $HEIIKI not built" >&2; exit 1; }
jobs_max=${LAB_JOBS:-2}
case $jobs_max in ''|*[!0-9]*|0) echo "lab: LAB_JOBS must be a positive number" >&2; exit 2 ;; esac
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/test_*.sh)
pass=0 fail=0 skip=0 failed=()
logdir=$(mktemp -d /tmp/heiiki-labrun-XXXXXX)
trap 'rm -rf "$logdir"' EXIT

# run_one TEST: run it, then leave "rc secs" in $logdir/NAME.rc
run_one() {
	local t=$1 name start rc limit
	name=$(basename "$t" .sh)
	start=$(date +%s)
	# a test may ask for more than 600 s with a "# lab-timeout: SECONDS" line
	limit=$(sed -n 's/^# lab-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
	LAB_IDS_FILE=$logdir/$name.ids timeout -k 10 "${limit:-600}" bash "$t" > "$logdir/$name.log" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - start ))" > "$logdir/$name.rc"
}

# report TEST: print its line and check that it left no namespace behind
report() {
	local name rc secs left=""
	name=$(basename "$1" .sh)
	read -r rc secs < "$logdir/$name.rc"
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$logdir/$name.log")" ;;
	*) fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc, ${secs}s)"
	   sed 's/^/    | /' "$logdir/$name.log" | tail -n 60 ;;
	esac
	# A test must tear down every namespace it made, also on failure
	# (lab_init records each lab prefix the test used).
	while read -r id; do
		[ -n "$id" ] && left+=$(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$id-" || true)
	done < "$logdir/$name.ids"
	if [ -n "$left" ]; then
		echo "FAIL $name left namespaces behind: $(echo $left)"
		fail=$((fail + 1)); failed+=("$name")
		for ns in $left; do ip netns del "$ns" 2>/dev/null; rm -rf "/etc/netns/$ns"; done
	fi
}

parallel=() serial=()
for t in "${tests[@]}"; do
	: > "$logdir/$(basename "$t" .sh).ids"
	if head -n 30 "$t" | grep -q '^# lab: serial'; then serial+=("$t"); else parallel+=("$t"); fi
done

# Parallel part: keep up to jobs_max running; report each as it ends.
declare -A running=()
for t in "${parallel[@]}"; do
	while [ ${#running[@]} -ge "$jobs_max" ]; do
		wait -n 2>/dev/null
		for pid in "${!running[@]}"; do
			kill -0 "$pid" 2>/dev/null && continue
			wait "$pid" 2>/dev/null
			report "${running[$pid]}"
			unset "running[$pid]"
		done
	done
	run_one "$t" &
	running[$!]=$t
done
for pid in "${!running[@]}"; do
	wait "$pid" 2>/dev/null
	report "${running[$pid]}"
done

for t in "${serial[@]}"; do
	run_one "$t"
	report "$t"
done

echo "lab: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
