#!/bin/bash
# corpus.sh - every file of the shared public pcap corpus through
# `heiiki capture` (normally the ASan/UBSan build: make pcap-corpus).
#
#   HEIIKI=build/asan/heiiki bash tests/pcap/corpus.sh [DIR]
#   VALGRIND=1 HEIIKI=./heiiki bash tests/pcap/corpus.sh [DIR]
#
# DIR defaults to $HEIIKI_SHARED/pcaps, else ../shared/pcaps next to the
# repository.  Every file (captures, and the odd text file, which must be
# refused cleanly) is read with a small flow table and its results document
# rendered as the text summary (not written: writing syncs to disk, which
# would dominate the run time).  A file fails when heiiki dies from a
# signal, exits with a status other than 0/2/3, or prints a sanitizer
# report.  Files go eight to a process (a failing batch is re-run file by
# file to name the culprit), two processes at a time (xargs -P2).  Exit 0
# when none failed.
#
# VALGRIND=1 runs the plain (non-ASan) binary under valgrind memcheck
# instead, 64 files to a process (valgrind's start-up is the cost): any
# invalid read or write, use of uninitialised memory, or definite/indirect
# leak makes the process exit 97 and the file fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$repo/heiiki}
case "$HEIIKI" in /*) ;; *) HEIIKI=$repo/$HEIIKI ;; esac
if [ -n "${1:-}" ]; then
	dir=$1
elif [ -n "${HEIIKI_SHARED:-}" ]; then
	dir=$HEIIKI_SHARED/pcaps
else
	dir=$repo/../shared/pcaps
fi
[ -d "$dir" ] || { echo "corpus: no pcap corpus at $dir; skipping" >&2; exit 77; }
[ -x "$HEIIKI" ] || { echo "corpus: $HEIIKI is not executable" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HEIIKI work
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
VG= per=8
if [ "${VALGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null || { echo "corpus: valgrind missing" >&2; exit 1; }
	VG="valgrind -q --error-exitcode=97 --leak-check=full"
	VG="$VG --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
	per=64
fi
export VG
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}

# run FILE...: one heiiki process over the files; prints its exit status
# and leaves stderr in $work/$id.err.  SIGINT/SIGKILL/SIGTERM come from
# outside (a shared machine's clean-up): run once more.  Crashes show up
# as a sanitizer report (exit 98/99) or SIGSEGV/SIGABRT (139/134).
run() {
	local args=() f rc
	for f in "$@"; do args+=(-r "$f"); done
	for _ in 1 2; do
		$VG "$HEIIKI" capture "${args[@]}" --summary --no-geoip --max-flows 4096 \
			>/dev/null 2>"$work/$id.err"
		rc=$?
		case $rc in 130|137|143) continue ;; esac
		break
	done
	return $rc
}

bad() {
	[ "$1" -ne 0 ] && [ "$1" -ne 2 ] && [ "$1" -ne 3 ] ||
		grep -qE 'Sanitizer|runtime error:|ERROR SUMMARY: [1-9]' "$work/$id.err"
}

# batch FILE...: the files in one process (start-up of an ASan binary
# dominates small files); when that fails, each file alone to name it.
batch() {
	id=$(printf '%s' "$1" | cksum | cut -d' ' -f1)
	local rc named=0 f
	run "$@"
	rc=$?
	if bad $rc; then
		cp "$work/$id.err" "$work/$id.batch"
		for f in "$@"; do
			run "$f"
			rc=$?
			if bad $rc; then
				named=1
				echo "FAIL rc=$rc $f"
				head -30 "$work/$id.err"
				echo "FAIL" >"$work/$id-$(printf '%s' "$f" | cksum | cut -d' ' -f1).fail"
			fi
		done
		if [ $named = 0 ]; then	# only the files together fail
			echo "FAIL (together) $*"
			head -30 "$work/$id.batch"
			echo "FAIL" >"$work/$id.fail"
		fi
		rm -f "$work/$id.batch"
	fi
	rm -f "$work/$id.err"
}
export -f run bad batch

n=$(find "$dir" -type f | wc -l)
start=$(date +%s)
find "$dir" -type f -print0 | sort -z | xargs -0 -P2 -n$per bash -c 'batch "$@"' _
failed=$(find "$work" -name '*.fail' | wc -l)
echo "corpus${VG:+ (valgrind)}: $n files in $(( $(date +%s) - start ))s, $failed failed"
[ "$failed" -eq 0 ]
