#!/usr/bin/env bash
# test_audit.sh - 'heiiki audit --vendor NAME' on the lab hospital with real
# servers (#14 part 2).
#
#   good     ssh to the PACS, exception in force, everything the PACS runs
#            is listed in the policy                          -> go (exit 0)
#   expired  the same grant with a past until: date           -> no-go, the
#            "has passed" line
#   forever  the same grant without until:                    -> no-go, the
#            "no until: date" line
#   rdp      RDP to the EHR, which runs xrdp without NLA      -> no-go, the
#            "RDP without NLA" line naming 198.18.10.10 tcp/3389
# Each run writes audit-{ja,en}.{md,html} ending in the verdict; the
# fence line (only the vendor's sources get through) is "not checked",
# never a pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
lab_init audit
lab_hospital real
D=$LAB_DIR
cat > "$D/policy.yaml" <<'EOF'
version: 1
site: audit lab
zones:
  - { name: mgmt, role: management, nets: [198.18.0.0/24] }
  - { name: pacs, role: server, nets: [198.18.10.20/32] }
  - { name: ehr, role: server, nets: [198.18.10.10/32] }
  - { name: vendors, role: external, nets: [198.51.100.0/24] }
scope: [198.18.0.0/16]
scan:
  tcp_ports: "22,104,443,3389"
  retries: 1
  cooldown_ms: 500
vendors:
  - { name: good, sources: [198.51.100.10], may_reach: [ssh-pacs-good], window: "Tue 01:00-03:00" }
  - { name: expired, sources: [198.51.100.11], may_reach: [ssh-pacs-expired], window: "Tue 01:00-03:00" }
  - { name: forever, sources: [198.51.100.12], may_reach: [ssh-pacs-forever], window: "Tue 01:00-03:00" }
  - { name: rdp, sources: [198.51.100.13], may_reach: [rdp-ehr], window: "Tue 01:00-03:00" }
services:
  - { name: pacs-dicom, service: dicom, zones: [pacs], from: [mgmt] }
  - { name: ssh-pacs-good, service: ssh, zones: [pacs], from: [198.51.100.10], vendor: good, until: 2099-12-31, reason: vendor maintenance }
  - { name: ssh-pacs-expired, service: ssh, zones: [pacs], from: [198.51.100.11], vendor: expired, until: 2025-01-31, reason: vendor maintenance }
  - { name: ssh-pacs-forever, service: ssh, zones: [pacs], from: [198.51.100.12], vendor: forever }
  - { name: rdp-ehr, service: rdp, zones: [ehr], from: [198.51.100.13], vendor: rdp, until: 2099-12-31, reason: vendor maintenance }
  - { name: ehr-ssh, service: ssh, zones: [ehr], from: [mgmt] }
  - { name: ehr-https, service: https, zones: [ehr], from: [mgmt] }
EOF
"$HEIIKI" policy check "$D/policy.yaml" || fail "the audit lab policy does not validate"

audit() {	# VENDOR -> RC, stdout in $D/VENDOR.out, reports in $D/VENDOR/
	mkdir -p "$D/$1"
	ip netns exec "$(lab_nsname scanner)" "$HEIIKI" audit --policy "$D/policy.yaml" \
		--vendor "$1" -o "$D/$1" --lang en -- --no-arp --rate 500 \
		> "$D/$1.out" 2> "$D/$1.err"
	RC=$?
	echo "--- audit $1: exit $RC"; cat "$D/$1.out"
	for f in audit-ja.md audit-en.md audit-ja.html audit-en.html; do
		[ -s "$D/$1/$f" ] || fail "audit $1: $f missing ($(cat "$D/$1.err"))"
	done
	grep -q "not checked.*only the vendor's sources" "$D/$1.out" \
		|| fail "audit $1: the fence line is not 'not checked'"
}

audit good
[ $RC -eq 0 ] || fail "good vendor: exit $RC, expected 0 (go)"
grep -q "^verdict: GO" "$D/good.out" || fail "good vendor: verdict is not GO"
grep -q "^GO  *grant ssh-pacs-good (ssh): in force until 2099-12-31" "$D/good.out" \
	|| fail "good vendor: no in-force grant line"
grep -q "判定: 可" "$D/good/audit-ja.md" || fail "good vendor: ja report verdict"

audit expired
[ $RC -eq 1 ] || fail "expired vendor: exit $RC, expected 1 (no-go)"
grep -q "^NO-GO  *grant ssh-pacs-expired (ssh): until: 2025-01-31 has passed" "$D/expired.out" \
	|| fail "expired vendor: no 'has passed' line"
grep -q "判定: 不可" "$D/expired/audit-ja.md" || fail "expired vendor: ja report verdict"

audit forever
[ $RC -eq 1 ] || fail "vendor without until: exit $RC, expected 1 (no-go)"
grep -q "^NO-GO  *grant ssh-pacs-forever (ssh): no until: date" "$D/forever.out" \
	|| fail "vendor without until: no 'no until: date' line"

audit rdp
[ $RC -eq 1 ] || fail "rdp vendor: exit $RC, expected 1 (no-go)"
grep -q "^NO-GO  *RDP without NLA: 198.18.10.10 tcp/3389" "$D/rdp.out" \
	|| fail "rdp vendor: no 'RDP without NLA' line for the EHR"
grep -q "NLA なしの RDP: 198.18.10.10 tcp/3389" "$D/rdp/audit-ja.md" \
	|| fail "rdp vendor: ja report lacks the RDP line"

"$HEIIKI" audit --policy "$D/policy.yaml" --vendor nosuch -o "$D" > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown vendor: not exit 2"
echo "ok: audit go / no-go for in-force, expired, unlimited and RDP-without-NLA grants"
