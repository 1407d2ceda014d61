#!/usr/bin/env bash
# demo.sh - `make demo`: the main job on the built-in demo hospital.  Builds
# the hospital in network namespaces (no link to this machine's network),
# runs the two workflows exactly as a hospital would, leaves everything in
# demo-out/ and tears the lab down.
#
#   1. capture   `heiiki capture --rotate` on the border span, in the
#                background, while hospital hosts reach "outside"
#   2. night 1   `heiiki night`: sweep + probes + the capture periods +
#                findings + history + reports in demo-out/state/runs/DATE/
#   3. a change  VNC opened on the CT modality, SMB closed on a PC
#   4. night 2   the summary line, syslog lines and events show exactly what
#                is new, fixed and still open; the report compares
#   5. audit     `heiiki audit --vendor acme-emr`: the go / no-go checklist
#                before the EMR vendor's connection is opened
#
# Country rules are judged with the lab GeoIP fixture (tests/geoip/), which
# places the lab's "outside" ranges in JP/CN/US.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
out=${DEMO_OUT:-$src/demo-out}
. "$here/lib.sh"

lab_init demo
lab_hospital real
rm -rf "$out"
mkdir -p "$out/state/capture/border"
policy=$out/policy.yaml
cp "$here/demo-policy.yaml" "$policy"
geo=$src/tests/geoip/country-geolite2.mmdb
state=$out/state

step() { printf '\n== %s\n' "$*"; }
night() {	# night N: one scheduled run from the scanner's segment
	local rc=0
	lab_exec scanner "$HEIIKI" night --policy "$policy" --state-dir "$state" \
		--geoip "$geo" --syslog-file "$state/syslog.log" --fail-on critical || rc=$?
	# 0 nothing new at or above --fail-on, 1 something new: both are a night
	[ $rc -le 1 ] || { echo "demo: night $1 failed (exit $rc)"; exit 1; }
	echo "(night $1: exit $rc; reports in $(readlink -f "$state/runs/latest"))"
}

step "1. capture on the border span (period documents every 5 s)"
lab_listen inet 443
lab_bg core "$HEIIKI" capture -i border --rotate 5s --keep 100 --policy "$policy" \
	--geoip "$geo" --out-dir "$state/capture/border"
sleep 1
# Forget the neighbours so the capture sees the ARP that names the gateway:
# that is how a declared exit (policy "gateway:") is matched to its MAC.
lab_exec core ip neigh flush all
for h in ehr pc1 modality; do
	lab_exec "$h" timeout 2 socat -T1 /dev/null TCP:203.0.113.1:443 || true
done
sleep 6		# one whole period is written

step "2. night 1: sweep, probes, capture periods, findings, history, reports"
night 1

step "3. a change: VNC opened on the CT modality, SMB closed on pc1"
lab_listen modality 5900
lab_wait_port modality 5900
lab_exec pc1 nft add table inet demo
lab_exec pc1 nft add chain inet demo in '{ type filter hook input priority 0; }'
lab_exec pc1 nft add rule inet demo in tcp dport 445 drop

step "4. night 2: what is new, fixed and still open"
night 2
echo "syslog lines of the new findings:"
grep finding-new "$state/syslog.log" | tail -n 5 || true

step "5. audit before the EMR vendor's connection is opened"
rc=0
mkdir -p "$out/audit"
lab_exec scanner "$HEIIKI" audit --policy "$policy" --vendor acme-emr -o "$out/audit" || rc=$?
[ $rc -le 1 ] || { echo "demo: audit failed (exit $rc)"; exit 1; }
echo "(audit: exit $rc = $([ $rc = 0 ] && echo go || echo no-go))"

step "done: demo-out/"
ln -sfn "state/runs/$(readlink "$state/runs/latest")" "$out/latest"
ls -l "$out/latest/" "$out/audit/"
echo
echo "open demo-out/latest/report-ja.html (or report-en.html) and demo-out/audit/"
