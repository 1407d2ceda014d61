#!/bin/bash
# test_files.sh - root never writes through a link an unprivileged user
# planted, and never onto a device it was not asked for by its real path.
#
# Sends no packets (no namespace needed).  A world-writable (sticky, like
# /tmp) output directory; the user nobody plants, before each write:
#   - links at the old predictable temporary names OUT.tmp.<pid> for the
#     next 300 PIDs, pointing at a root-owned file outside the directory;
#   - a link at the final name pointing at that file;
#   - a dangling link at the final name (would create a root file);
#   - a link at the final name to a block device (/dev/loop7).
# Root then writes results (check -o), reports (report -o) and a capture
# results document (capture -r -o) and a rendered diagram (report -T svg).  Pass: the outside file keeps its
# bytes, mode and owner; nothing is created at a dangling target; the
# block-device link is refused with exit 3 and a message; '-o -' and
# '-o /dev/stdout' still write to standard output.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
HEIIKI=${HEIIKI:-$SRC/heiiki}
[ -x "$HEIIKI" ] || { echo "test_files: $HEIIKI not built; skipping"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "test_files: needs root; skipping"; exit 77; }
command -v setpriv >/dev/null || { echo "test_files: setpriv missing; skipping"; exit 77; }

T=$(mktemp -d /tmp/heiiki-files-XXXXXX)
trap 'rm -rf "$T"' EXIT
OUT=$T/shared			# the world-writable output directory
mkdir -m 1777 "$OUT"
SECRET=$T/secret		# root-owned, outside the output directory
printf 'root secret\n' > "$SECRET"; chmod 600 "$SECRET"
cp "$SRC/tests/golden/scan-hospital.json" "$T/in.json"
cp "$SRC/tests/golden/policy.yaml" "$T/policy.yaml"
chmod 755 "$T"; chmod 644 "$T/in.json" "$T/policy.yaml"
sum0=$(sha256sum "$SECRET" | cut -d' ' -f1)
stat0=$(stat -c '%a %U' "$SECRET")
fails=0
as_nobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }

# plant NAME KIND: nobody puts a link at OUT/NAME and at the predictable
# temporary names of the next PIDs.
plant() {
	local name=$1 kind=$2 pid
	rm -f "$OUT/$name"	# root's previous output (sticky directory)
	pid=$(sh -c 'echo $$')
	as_nobody sh -c '
		out=$1 name=$2 kind=$3 secret=$4 pid=$5
		rm -f "$out/$name"
		i=0; while [ $i -lt 300 ]; do ln -sf "$secret" "$out/$name.tmp.$((pid + i))"; i=$((i + 1)); done
		case $kind in
		file) ln -s "$secret" "$out/$name" ;;
		dangling) ln -s "$out/../created-by-root" "$out/$name" ;;
		blockdev) ln -s /dev/loop7 "$out/$name" ;;
		esac' sh "$OUT" "$name" "$kind" "$SECRET" "$pid"
}

check_secret() {
	if [ "$(sha256sum "$SECRET" | cut -d' ' -f1)" != "$sum0" ] ||
	   [ "$(stat -c '%a %U' "$SECRET")" != "$stat0" ]; then
		echo "FAIL $1: the file outside the output directory changed"; fails=$((fails + 1))
	fi
	if [ -e "$T/created-by-root" ]; then
		echo "FAIL $1: a file was created at a dangling link's target"; fails=$((fails + 1))
		rm -f "$T/created-by-root"
	fi
}

# writer NAME: the command that writes OUT/NAME as root
writer() {
	case $1 in
	check.json) "$HEIIKI" check --policy "$T/policy.yaml" -o "$OUT/$1" "$T/in.json" ;;
	report.md) "$HEIIKI" report -f md -o "$OUT/$1" "$T/in.json" ;;
	report.csv) "$HEIIKI" report -f csv -o "$OUT/$1" "$T/in.json" ;;
	capture.json) "$HEIIKI" capture -r "$SRC/tests/pcap/loop.pcap" -o "$OUT/$1" ;;
	diagram.svg) "$HEIIKI" report -f dot -T svg -o "$OUT/$1" "$T/in.json" ;;
	esac
}

names="check.json report.md report.csv capture.json"
command -v dot >/dev/null && names="$names diagram.svg"
for name in $names; do
	for kind in file dangling; do
		plant "$name" "$kind"
		writer "$name" >"$T/w.out" 2>&1
		rc=$?
		check_secret "$name/$kind"
		if [ $rc -gt 1 ]; then
			echo "FAIL $name/$kind: exit $rc"; sed 's/^/    /' "$T/w.out"; fails=$((fails + 1))
		elif [ -L "$OUT/$name" ] || [ ! -f "$OUT/$name" ] || [ ! -s "$OUT/$name" ]; then
			echo "FAIL $name/$kind: the output is not a fresh regular file"; fails=$((fails + 1))
		else
			echo "ok   $name/$kind: link replaced, not followed"
		fi
	done
	plant "$name" blockdev
	writer "$name" >"$T/w.out" 2>&1
	rc=$?
	check_secret "$name/blockdev"
	if [ $rc -lt 2 ] || ! grep -q "symbolic link to a block device; refusing" "$T/w.out"; then
		echo "FAIL $name/blockdev: exit $rc, expected a refusal:"; sed 's/^/    /' "$T/w.out"
		fails=$((fails + 1))
	else
		echo "ok   $name/blockdev: refused (exit $rc): $(head -1 "$T/w.out")"
	fi
done
# no temporary file of ours is left behind (only nobody's planted links)
left=$(find "$OUT" -maxdepth 1 -name '.*.tmp.*' | wc -l)
[ "$left" = 0 ] || { echo "FAIL: $left temporary files left"; fails=$((fails + 1)); }

# explicit standard output still works
"$HEIIKI" report -f csv -o - "$T/in.json" > "$T/stdout.csv" 2>/dev/null
"$HEIIKI" report -f csv -o /dev/stdout "$T/in.json" > "$T/devstdout.csv" 2>/dev/null
if [ -s "$T/stdout.csv" ] && cmp -s "$T/stdout.csv" "$T/devstdout.csv"; then
	echo "ok   -o - and -o /dev/stdout write to standard output"
else
	echo "FAIL: -o - / -o /dev/stdout"; fails=$((fails + 1))
fi
[ $fails = 0 ] || { echo "test_files: $fails failure(s)"; exit 1; }
echo "PASS: no write through a planted link, block-device link refused"
