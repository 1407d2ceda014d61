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
# never a pass - unless --evidence gives fence documents: one where only the
# vendor's source got through -> go, one where a non-vendor source did ->
# no-go; a capture document with an undeclared exit used by the vendor's
# equipment -> no-go.
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

# --- --evidence: fence runs from outside and the traffic ----------------------
# Documents in the shape 'heiiki fence' and 'heiiki capture' write
# (docs/fence.md, docs/results.md), for the PACS the vendor "good" reaches.
python3 - "$D" <<'EOP'
import json, sys
d = sys.argv[1]
def doc(kind, services=(), exits=(), findings=()):
    return {"format": "heiiki-results", "version": 1,
            "run": {"kind": kind, "start": "2026-12-01T01:00:00Z", "end": "2026-12-01T01:05:00Z",
                    "status": "complete", "site": "audit lab"},
            "hosts": [{"addr": "198.18.10.20", "family": "ipv4"}],
            "services": list(services), "exits": list(exits), "findings": list(findings)}
def fence(allowed_open, not_allowed_open):
    return {"addr": "198.18.10.20", "port": 22, "proto": "tcp", "state": "open",
            "fence": {"rules": "ssh-pacs-good",
                      "allowed": {"sent": 1, "open": allowed_open, "sources": ["198.51.100.10"]},
                      "not_allowed": {"sent": 2, "open": not_allowed_open, "sources": ["203.0.113.9"]}}}
json.dump(doc("fence", [fence(1, 0)]), open(d + "/fence-ok.json", "w"))
json.dump(doc("fence", [fence(1, 1)], findings=[{"rule": "FENCE_SOURCE_NOT_ENFORCED",
          "severity": "critical", "addr": "198.18.10.20", "proto": "tcp", "port": 22,
          "evidence": "1 of 2 SYNs from sources the policy does not allow were answered",
          "key": "FENCE_SOURCE_NOT_ENFORCED|198.18.10.20|tcp|22|"}]), open(d + "/fence-hole.json", "w"))
json.dump(doc("capture", exits=[{"mac": "02:00:00:00:4g:01".replace("g", "0"), "addrs": ["198.18.10.254"],
          "declared": None, "hosts": ["198.18.10.20"]}],
          findings=[{"rule": "UNDECLARED_EXIT", "severity": "critical", "addr": "198.18.10.254",
                     "proto": "", "port": 0, "evidence": "traffic leaves through gateway 198.18.10.254 that no 'exits:' entry declares",
                     "key": "UNDECLARED_EXIT|198.18.10.254||0|02:00:00:00:40:01"}]), open(d + "/capture-4g.json", "w"))
EOP
audit_ev() {	# NAME EVIDENCE... -> RC, stdout in $D/NAME.out (vendor good)
	local name=$1; shift
	local ev=()
	for f in "$@"; do ev+=(--evidence "$D/$f"); done
	mkdir -p "$D/$name"
	ip netns exec "$(lab_nsname scanner)" "$HEIIKI" audit --policy "$D/policy.yaml" \
		--vendor good -o "$D/$name" --lang en "${ev[@]}" -- --no-arp --rate 500 \
		> "$D/$name.out" 2> "$D/$name.err"
	RC=$?
	echo "--- audit good with $*: exit $RC"; cat "$D/$name.out"
}
audit_ev ev-ok fence-ok.json
[ $RC -eq 0 ] || fail "fence proves the restriction: exit $RC, expected 0"
grep -q "^GO  *only allowed sources get through to 198.18.10.20 tcp/22" "$D/ev-ok.out" ||
	fail "fence evidence: no 'only allowed sources' line"
grep -q "not checked.*only the vendor's sources" "$D/ev-ok.out" &&
	fail "fence evidence given, but the fence line still says not checked"
audit_ev ev-hole fence-hole.json
[ $RC -eq 1 ] || fail "fence shows a hole: exit $RC, expected 1 (no-go)"
grep -q "^NO-GO  *reachable from a non-vendor source: 198.18.10.20 tcp/22" "$D/ev-hole.out" ||
	fail "fence hole: no 'reachable from a non-vendor source' line"
audit_ev ev-4g capture-4g.json
[ $RC -eq 1 ] || fail "undeclared exit of the vendor's equipment: exit $RC, expected 1"
grep -q "^NO-GO  *UNDECLARED_EXIT seen in the traffic" "$D/ev-4g.out" ||
	fail "capture evidence: no undeclared-exit line"
echo "ok: --evidence: a fence run proves (go) or breaks (no-go) the source restriction; an undeclared exit of the vendor's equipment is no-go"

"$HEIIKI" audit --policy "$D/policy.yaml" --vendor nosuch -o "$D" > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown vendor: not exit 2"
echo "ok: audit go / no-go for in-force, expired, unlimited and RDP-without-NLA grants"
