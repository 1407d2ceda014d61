#!/usr/bin/env bash
# run.sh [TEST...] - run the namespace lab tests (tests/lab/test_*.sh).
#
# Each test is a script that sources lib.sh, builds its own lab, tears it
# down on exit and returns 0 (pass), 77 (skipped, reason printed) or
# anything else (fail).  Prints one line per test and a closing
# "N passed, N failed, N skipped" line; exits non-zero when any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export HEIIKI=${HEIIKI:-$here/../../heiiki}
export HEIIKI_SRCDIR=${HEIIKI_SRCDIR:-$(cd "$here/../.." && pwd)}
[ -x "$HEIIKI" ] || { echo "lab: $HEIIKI not built" >&2; exit 1; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/test_*.sh)
pass=0 fail=0 skip=0 failed=()
logdir=$(mktemp -d /tmp/heiiki-labrun-XXXXXX)
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	start=$(date +%s)
	export LAB_IDS_FILE=$logdir/$name.ids
	: > "$LAB_IDS_FILE"
	# a test may ask for more than 600 s with a "# lab-timeout: SECONDS" line
	limit=$(sed -n 's/^# lab-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
	timeout -k 10 "${limit:-600}" bash "$t" > "$logdir/$name.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$logdir/$name.log")" ;;
	*) fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc, ${secs}s)"
	   sed 's/^/    | /' "$logdir/$name.log" | tail -n 60 ;;
	esac
	# A test must tear down every namespace it made, also on failure
	# (lab_init records each lab prefix the test used).
	left=""
	while read -r id; do
		[ -n "$id" ] && left+=$(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$id-" || true)
	done < "$LAB_IDS_FILE"
	if [ -n "$left" ]; then
		echo "FAIL $name left namespaces behind: $(echo $left)"
		fail=$((fail + 1)); failed+=("$name")
		for ns in $left; do ip netns del "$ns" 2>/dev/null; rm -rf "/etc/netns/$ns"; done
	fi
done
rm -rf "$logdir"
echo "lab: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
