#!/usr/bin/env bash
# demo.sh - `make demo`: build the demo hospital in network namespaces, run
# the whole heiiki pipeline on it from the scanner namespace, write
# everything to demo-out/, tear the lab down.
#
#   1. scan      SYN sweep of the policy's zones + read-only probes + findings
#   2. capture   passive mapping on the border while hosts talk to "outside"
#   3. check     findings over the capture too
#   4. report    HTML/Markdown/CSV (English and Japanese), DOT diagrams of the
#                zones and of the exits (+SVG), nmap XML
#   5. history   store the run; diff against the previous demo run
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
out=${DEMO_OUT:-$src/demo-out}
. "$here/lib.sh"

lab_init demo
lab_hospital real
mkdir -p "$out"
policy=$out/policy.yaml
cp "$here/demo-policy.yaml" "$policy"
export HEIIKI_HISTORY=$out/history.sqlite

step() { printf '\n== %s\n' "$*"; }

step "1. scan (SYN sweep + probes + findings) from the management segment"
set +e
lab_exec scanner "$HEIIKI" scan --policy "$policy" -o "$out/scan.json"
rc=$?
set -e
# 0 = clean, 1 = findings at/above --fail-on: both are a completed scan.
[ $rc -le 1 ] || { echo "demo: scan failed (exit $rc)"; exit 1; }

step "2. capture on the border while hospital hosts reach the outside"
lab_listen inet 443
lab_bg core "$HEIIKI" capture -i border --duration 6 --policy "$policy" -o "$out/capture.json"
cap_pid=${LAB_PIDS[-1]}
sleep 1
# Forget the neighbours so the capture sees the ARP that names the gateway:
# that is how a declared exit (policy "gateway:") is matched to its MAC.
lab_exec core ip neigh flush all
for h in ehr pc1 modality; do
	lab_exec "$h" timeout 2 socat -T1 /dev/null TCP:203.0.113.1:443 || true
done
wait "$cap_pid" || true

step "3. findings over the capture"
set +e
"$HEIIKI" check --policy "$policy" "$out/capture.json" -o "$out/capture.json"
set -e

step "4. reports"
for lang in en ja; do
	"$HEIIKI" report "$out/scan.json" --policy "$policy" --format html --lang $lang -o "$out/report.$lang.html"
	"$HEIIKI" report "$out/scan.json" --policy "$policy" --format md --lang $lang -o "$out/report.$lang.md"
done
"$HEIIKI" report "$out/scan.json" --format csv -o "$out/findings.csv"
"$HEIIKI" report "$out/scan.json" --format xml -o "$out/scan.nmap.xml"
"$HEIIKI" report "$out/scan.json" --policy "$policy" --format dot -o "$out/network.dot"
# the capture's view: exits, external peers and who uses them
"$HEIIKI" report "$out/capture.json" --policy "$policy" --format dot -o "$out/exits.dot"
"$HEIIKI" report "$out/capture.json" --policy "$policy" --format md --lang ja -o "$out/capture.ja.md"
if command -v dot >/dev/null; then
	dot -Tsvg "$out/network.dot" -o "$out/network.svg"
	dot -Tsvg "$out/exits.dot" -o "$out/exits.svg"
fi

step "5. history"
"$HEIIKI" history add "$out/scan.json"
"$HEIIKI" history changes --since-last || true

step "done: demo-out/"
ls -l "$out"
echo
sed -n '1,40p' "$out/report.en.md"
