#!/bin/sh
# Regenerate tests/golden/expected/* from CASES with a built heiiki.
#   HEIIKI=/path/to/heiiki sh tests/golden/regen.sh
# Review 'git diff tests/golden/expected' before committing: the golden
# files are the specification of the report formats.
set -eu
cd "$(dirname "$0")"
H=${HEIIKI:-../../heiiki}
mkdir -p expected
grep -v '^#' CASES | grep -v '^[[:space:]]*$' | while read -r out in fmt lang pol table extra; do
	set -- report --format "$fmt" --lang "$lang" -o "expected/$out"
	[ "$pol" = - ] || set -- "$@" --policy "$pol"
	[ "$table" = - ] || set -- "$@" --table "$table"
	# optional 7th field: more options, comma-separated ("--checklist,r5")
	# ("--merge,FILE": FILE is a second RESULTS argument, after the input)
	merge=$(echo "${extra:-}" | tr ',' '\n' | grep -A1 -x -- --merge | tail -n +2 || true)
	[ -z "${extra:-}" ] || set -- "$@" $(echo "$extra" | tr ',' ' ' | sed 's/--merge [^ ]*//')
	"$H" "$@" "$in" $merge
done
"$H" diff scan-hospital.json scan-hospital-next.json > expected/diff.en.txt || true
"$H" diff --lang ja scan-hospital.json scan-hospital-next.json > expected/diff.ja.txt || true
"$H" diff --format json scan-hospital.json scan-hospital-next.json > expected/diff.json || true
echo "regenerated $(ls expected | wc -l) files"
