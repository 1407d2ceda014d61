#!/usr/bin/env bash
# test_inventory.sh - 'heiiki inventory' on a real scan of a small lab.
#
#   scanner ── sw ── ct   (198.18.20.10, MAC 02:00:00:00:20:10: Debian 12 sshd,
#                          a VNC listener on 5900)
#               ├─── pc   (198.18.30.10, MAC 02:00:00:00:30:10: nothing open)
#               └─── new  (198.18.30.77, not in the ledger: RDP port 3389)
#
# The ledger is Shift_JIS with Japanese headers and a blank merged-cell
# column; it lists ct (by MAC, at a stale address), pc, and a device that
# is gone.  The policy declares ssh to the clinical zone for the CT vendor.
# Expected, exactly:
#   unknown    new (198.18.30.77)
#   missing    the gone device
#   differs    ct's address (ledger .11, seen .10)
#   remote     ct ssh declared (ct-vendor), ct vnc undeclared, new rdp undeclared
#   eos        ct: Debian 12 from the SSH banner, supported
# and the written-back ledger converts to xlsx and back in LibreOffice
# headless with its Japanese intact.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
lab_init inventory
D=$LAB_DIR
lab_ns scanner; lab_switch sw; lab_ns ct; lab_ns pc; lab_ns new
lab_attach sw scanner 198.18.20.2/16 eth0
lab_attach sw ct 198.18.20.10/16 eth0 02:00:00:00:20:10
lab_attach sw pc 198.18.30.10/16 eth0 02:00:00:00:30:10
lab_attach sw new 198.18.30.77/16 eth0 02:00:00:00:30:77
lab_sshd ct
lab_listen ct 5900
lab_listen new 3389
lab_wait_port ct 22
lab_wait_port ct 5900
lab_wait_port new 3389

cat > "$D/policy.yaml" <<'EOF'
version: 1
site: inventory lab
zones:
  - { name: clinical, role: clinical, nets: [198.18.20.0/24] }
  - { name: office, role: office, nets: [198.18.30.0/24] }
  - { name: outside, role: external, nets: [203.0.113.0/24] }
scope: [198.18.20.0/24, 198.18.30.0/24]
vendors:
  - { name: ct-vendor, sources: [203.0.113.11/32], window: "Tue 01:00-03:00" }
services:
  - { name: ssh-ct, service: ssh, zones: [clinical], from: [203.0.113.11/32], vendor: ct-vendor }
EOF
printf '%s\r\n' \
	'管理番号,機器名,IPアドレス,MACアドレス,,設置場所,保守業者' \
	'M-01,CT操作卓,198.18.20.11,02-00-00-00-20-10,,放射線科,画像機器社' \
	'M-02,事務PC,198.18.30.10,,,医事課,' \
	'M-03,旧サーバ,198.18.30.99,,,サーバ室,旧ベンダー' |
	iconv -f UTF-8 -t CP932 > "$D/ledger.csv" || fail "iconv"

lab_exec scanner "$HEIIKI" scan --policy "$D/policy.yaml" -p 22,3389,5900 --rate 500 \
	--no-findings -o "$D/scan.json" clinical office 2> "$D/scan.err" ||
	fail "scan exit $?: $(cat "$D/scan.err")"

HEIIKI_SRCDIR=${HEIIKI_SRCDIR:-$here/../..} "$HEIIKI" inventory --ledger "$D/ledger.csv" \
	--ledger-out "$D/ledger-new.csv" --policy "$D/policy.yaml" --csv-dir "$D" \
	-o "$D/inv.json" "$D/scan.json" > "$D/inv.txt" 2> "$D/inv.err"
rc=$?
cat "$D/inv.txt"
[ $rc = 1 ] || fail "exit $rc (want 1: undeclared remote paths are high): $(cat "$D/inv.err")"

python3 - "$D/inv.json" <<'PY' || fail "inventory document differs from the lab's truth"
import json, sys
doc = json.load(open(sys.argv[1]))
dev = doc["devices"]
led = doc["ledger"]
unknown = sorted(dev[k]["addrs"][0] for k in led["unknown"])
assert unknown == ["198.18.20.2", "198.18.30.77"] or unknown == ["198.18.30.77"], unknown
missing = sorted(m["ip"] for m in led["missing"])
assert missing == ["198.18.30.99"], missing
diff = sorted((m["field"], m["ledger"], m["observed"]) for m in led["mismatches"])
assert ("ip", "198.18.20.11", "198.18.20.10") in diff, diff
assert all(f != "mac" for f, _, _ in diff), diff
assert led["matched"] == 2, led["matched"]
paths = sorted((r["addr"], r["path"], r["declared"]) for r in doc["remote_maintenance"])
assert paths == [("198.18.20.10", "ssh", True), ("198.18.20.10", "vnc", False),
                 ("198.18.30.77", "rdp", False)], paths
ssh = [r for r in doc["remote_maintenance"] if r["path"] == "ssh"][0]
assert ssh["vendor"] == "ct-vendor" and ssh["window"] == "Tue 01:00-03:00", ssh
eos = [(r["addr"], r["entry"], r["status"]) for r in doc["end_of_support"]]
assert eos == [("198.18.20.10", "debian-12", "supported")], eos
rules = sorted(f["rule"] for f in doc["findings"])
assert rules.count("UNDECLARED_REMOTE_PATH") == 2, rules
assert "OUT_OF_SUPPORT" not in rules, rules
print("ok: inventory matches the lab:", unknown, missing, paths, eos)
PY

# The same ledger named in the policy: every judged run reconciles with it.
# 'heiiki check' on the scan gives DEVICE_NOT_IN_LEDGER for exactly the
# inventory's unknown devices, counts in the document's inventory.ledger,
# and the Shift_JIS file is read the same way.
{ cat "$D/policy.yaml"; printf 'ledger:\n  file: ledger.csv\n  missing_days: 30\n'; } > "$D/policy-ledger.yaml"
"$HEIIKI" check --policy "$D/policy-ledger.yaml" -o "$D/checked.json" "$D/scan.json" \
	> /dev/null 2> "$D/check.err"
rc=$?
[ $rc -le 1 ] || fail "check with the ledger: exit $rc: $(cat "$D/check.err")"
python3 - "$D/inv.json" "$D/checked.json" <<'PY' || fail "DEVICE_NOT_IN_LEDGER differs from the inventory's unknown set"
import json, sys
inv, doc = (json.load(open(p)) for p in sys.argv[1:3])
unknown = sorted(inv["devices"][k]["addrs"][0] for k in inv["ledger"]["unknown"])
found = sorted(f["addr"] for f in doc["findings"] if f["rule"] == "DEVICE_NOT_IN_LEDGER")
assert found == unknown, (found, unknown)
led = doc["inventory"]["ledger"]
assert led["matched"] == 2 and led["unknown"] == len(unknown) and led["missing"] == 1, led
PY
echo "ok: policy ledger: DEVICE_NOT_IN_LEDGER for exactly the unknown devices, in the judged document"
printf 'ledger:\n  file: nonexistent.csv\n' | cat "$D/policy.yaml" - > "$D/policy-noledger.yaml"
"$HEIIKI" check --policy "$D/policy-noledger.yaml" -o "$D/x.json" "$D/scan.json" > /dev/null 2> "$D/check.err"
rc=$?
[ $rc = 2 ] && grep -q "policy-noledger.yaml:[0-9]*:[0-9]*: ledger: file: .*nonexistent.csv" "$D/check.err" ||
	fail "a missing ledger: exit $rc, $(cat "$D/check.err")"
echo "ok: a missing ledger file: exit 2 with its file:line:column"

# The written-back ledger: BOM, CRLF, the unknown device appended, and it
# survives a round trip through LibreOffice (csv -> xlsx -> csv) intact.
head -c 3 "$D/ledger-new.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "no BOM"
grep -q $'CT操作卓.*相違あり (differs)\r$' "$D/ledger-new.csv" || fail "ct row: $(cat "$D/ledger-new.csv")"
grep -q '198.18.30.77.*台帳に無い機器' "$D/ledger-new.csv" || fail "unknown device not appended"
if command -v soffice >/dev/null; then
	mkdir -p "$D/lo" "$D/back"
	# 44,34,76: comma, double quote, UTF-8
	HOME=$D/lo timeout 120 soffice --headless --infilter=CSV:44,34,76,1 \
		--convert-to xlsx --outdir "$D/lo" "$D/ledger-new.csv" > "$D/lo.log" 2>&1 ||
		fail "soffice csv->xlsx: $(cat "$D/lo.log")"
	HOME=$D/lo timeout 120 soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' \
		--outdir "$D/back" "$D/lo/ledger-new.xlsx" >> "$D/lo.log" 2>&1 ||
		fail "soffice xlsx->csv: $(cat "$D/lo.log")"
	grep -q 'CT操作卓' "$D/back/ledger-new.csv" && grep -q '旧サーバ' "$D/back/ledger-new.csv" &&
		grep -q '台帳に無い機器' "$D/back/ledger-new.csv" ||
		fail "Japanese lost in LibreOffice: $(head -5 "$D/back/ledger-new.csv")"
	echo "ok: LibreOffice round trip keeps the Japanese ($(wc -l < "$D/back/ledger-new.csv") lines)"
else
	fail "soffice missing (make deps installs libreoffice-calc-nogui)"
fi
echo "ok: inventory lab"
