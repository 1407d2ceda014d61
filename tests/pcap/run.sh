#!/bin/bash
# run.sh - pcap regression tests: every TESTLIST entry through
# `heiiki capture -r PCAP --summary --no-geoip FLAGS`, compared text for
# text with its expected summary.
#
#   HEIIKI=./heiiki bash tests/pcap/run.sh            # run all
#   HEIIKI=./heiiki bash tests/pcap/run.sh --update   # rewrite the .out files
#
# TESTLIST lines: name pcap expected.out flags ("-" = no flags); flags are
# extra capture options (more files too), with paths relative to
# tests/pcap/.  SAMELIST lines name two ways to feed the same packets
# (merged file, per-span files, another order) that must give the same
# summary.  Exit 0 when every entry matches, 1 otherwise (the diff is printed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
HEIIKI=${HEIIKI:-$here/../../heiiki}
case "$HEIIKI" in /*) ;; *) HEIIKI=$PWD/$HEIIKI ;; esac
update=0
[ "${1:-}" = --update ] && update=1
cd "$here" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
while read -r name pcap expected flags; do
	case "$name" in ''|'#'*) continue ;; esac
	[ "$flags" = - ] && flags=
	# shellcheck disable=SC2086
	geo=--no-geoip
	case "$flags" in *--geoip*) geo= ;; esac
	"$HEIIKI" capture -r "$pcap" --summary $geo $flags \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	echo "exit $rc" >>"$tmp/$name.out"
	if [ $update = 1 ]; then
		cp "$tmp/$name.out" "$expected"
		continue
	fi
	if diff -u "$expected" "$tmp/$name.out" >"$tmp/$name.diff"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name ($pcap $flags)"
		cat "$tmp/$name.diff"
		cat "$tmp/$name.err"
	fi
done <TESTLIST
[ $update = 1 ] && { echo "updated expected outputs"; exit 0; }
# SAMELIST: the same packets fed two ways (one merged file, per-span files,
# another order) must give the same summary apart from the file count.
while IFS='|' read -r name a b flags; do
	case "$name" in ''|'#'*) continue ;; esac
	name=$(echo $name)
	# shellcheck disable=SC2086
	"$HEIIKI" capture $a --summary --no-geoip $flags 2>"$tmp/$name.a.err" |
		grep -v '^counter files ' >"$tmp/$name.a"
	# shellcheck disable=SC2086
	"$HEIIKI" capture $b --summary --no-geoip $flags 2>"$tmp/$name.b.err" |
		grep -v '^counter files ' >"$tmp/$name.b"
	if [ -s "$tmp/$name.a" ] && diff -u "$tmp/$name.a" "$tmp/$name.b" >"$tmp/$name.diff"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (same summary expected from: $a / $b)"
		cat "$tmp/$name.diff" "$tmp/$name.a.err" "$tmp/$name.b.err"
	fi
done <SAMELIST
echo "pcap tests: $pass passed, $fail failed"
[ $fail = 0 ]
