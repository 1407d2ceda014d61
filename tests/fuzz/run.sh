#!/usr/bin/env bash
# run.sh SECONDS FUZZER... - short libFuzzer runs of every fuzz target.
#
# Each target runs for SECONDS over a scratch copy of its seed corpus
# tests/fuzz/corpus/<name>/ (fuzz_probe_rdp -> probe_rdp), with memory and
# input size capped.  Any crash, leak or timeout fails the run; the
# reproducer is kept under build/ and replayed by name in the message.
set -u
secs=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
# third-party leaks only, each explained in the file
export LSAN_OPTIONS=suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
fail=0 pass=0
for bin in "$@"; do
	name=$(basename "$bin"); name=${name#fuzz_}
	work=$(mktemp -d "/tmp/heiiki-fuzz-$name-XXXXXX")
	[ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/" 2>/dev/null
	art=$(dirname "$bin")/artifacts-$name
	mkdir -p "$art"
	if "$bin" -max_total_time="$secs" -rss_limit_mb=1024 -max_len=65536 -timeout=10 \
		-artifact_prefix="$art/" -print_final_stats=1 "$work" > "$work.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work.log" | awk '{print $2}')
		pass=$((pass + 1)); echo "PASS fuzz_$name (${runs:-?} inputs in ${secs}s)"
	else
		fail=$((fail + 1)); echo "FAIL fuzz_$name (artifacts in $art)"
		tail -n 40 "$work.log" | sed 's/^/    | /'
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
