#!/usr/bin/env bash
# test_sweep_unpriv.sh - without CAP_NET_RAW the scan falls back to
# connect() (with a one-line notice) and finds the same open set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sweep-common.sh"
lab_init sweepunpriv
sweep_lab
D=$LAB_DIR
sort -o "$D/truth.txt" "$D/truth.txt"
mkdir -p "$D/out" && chmod 777 "$D/out"
chmod 644 "$D/policy.yaml"
command -v setpriv >/dev/null || { echo "setpriv missing"; exit 77; }

lab_exec scanner setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all \
	"$HEIIKI" scan --policy "$D/policy.yaml" -p "$SWEEP_PORTS" --no-probes \
	--no-findings -o "$D/out/r.json" servers clinical office vendor 2> "$D/err.txt" \
	|| fail "unprivileged scan exit $? ($(cat "$D/err.txt"))"
grep -q "connect() scan" "$D/err.txt" || fail "no notice about the connect() scan"
[ "$(grep -c . "$D/err.txt")" -eq 1 ] || fail "expected a one-line notice: $(cat "$D/err.txt")"
grep -q '"mode": *"connect"' "$D/out/r.json" || fail "mode not recorded as connect"
sweep_open "$D/out/r.json" > "$D/got.txt"
diff -u "$D/truth.txt" "$D/got.txt" || fail "connect() scan open set differs"
echo "ok: unprivileged connect() scan found the same $(wc -l < "$D/got.txt") open ports"

# root with --user: raw handles opened as root, the rest runs as nobody
lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p "$SWEEP_PORTS" --no-probes \
	--no-findings --user nobody -o "$D/out/u.json" servers clinical office vendor 2>"$D/uerr.txt" \
	|| fail "--user scan exit $? $(cat "$D/uerr.txt")"
[ "$(stat -c %U "$D/out/u.json")" = nobody ] || fail "results not written as nobody"
grep -q '"mode": *"syn"' "$D/out/u.json" || fail "--user scan was not a SYN scan"
sweep_open "$D/out/u.json" > "$D/gotu.txt"
diff -u "$D/truth.txt" "$D/gotu.txt" || fail "--user scan open set differs"
echo "ok: SYN scan dropped to nobody after opening its handles, same open set"
