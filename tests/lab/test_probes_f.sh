#!/bin/bash
# test_probes_f.sh - the probes of branch probes13 (issue 13) that a lab can
# show live: RDP against the REAL Debian xrdp (product xrdp, negotiation,
# no NTLM step because xrdp never picks CredSSP) and the CredSSP NTLM step
# end to end (the runner's TLS upgrade on the negotiated connection) against
# tests/probes/fake_credssp.py, which answers with the spec-built Windows
# replies; the fake logs every message it receives, so the test proves the
# probe sends one NTLM NEGOTIATE and never an AUTHENTICATE.  The same fake,
# probed under a policy that puts it in a clinical zone, must get no TLS
# and no NTLM at all (the access check follows the fragile/careful rule).
# MongoDB, SQL Server, Oracle, TeamViewer and AnyDesk are not packaged for
# Debian: their replies are covered by unit tests on spec-built data.
# Exit 0 pass, 1 fail, 77 skip.  Everything lives in lab namespaces.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
. "$here/lib.sh"
. "$src/tests/probes/services_a.sh"
[ -x "$HEIIKI" ] || { echo "test_probes_f: $HEIIKI not built" >&2; exit 77; }
command -v jq >/dev/null || { echo "test_probes_f: jq missing; skipped" >&2; exit 77; }
command -v python3 >/dev/null || { echo "test_probes_f: python3 missing; skipped" >&2; exit 77; }
[ -x /usr/sbin/xrdp ] || { echo "test_probes_f: xrdp missing; skipped" >&2; exit 77; }

lab_init probes-f
lab_ns srv
lab_ns scan
lab_link scan 198.18.52.2/24 srv 198.18.52.10/24
pa_certs "$LAB_DIR/certs"
chmod 755 "$LAB_DIR/certs"; chmod 644 "$LAB_DIR/certs/"*
pa_xrdp srv
FAKELOG=$LAB_DIR/credssp.log
: > "$FAKELOG"
lab_bg srv python3 "$src/tests/probes/fake_credssp.py" 198.18.52.10 3390 \
	"$LAB_DIR/certs/cert.pem" "$LAB_DIR/certs/key.pem" "$src/tests/probes/data/rdp" "$FAKELOG"
for p in 3389 3390; do lab_wait_port srv $p; done

T=198.18.52.10
out=$LAB_DIR/probe.json
fails=0
check() {	# DESCRIPTION JQ-EXPRESSION (must print true)
	if [ "$(jq -r "$2" "$out" 2>/dev/null)" = true ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1 ($2)"
		fails=$((fails + 1))
	fi
}
start=$(date +%s%N)
lab_exec scan "$HEIIKI" probe --scope 198.18.0.0/15 --scanner-id lab-f --probe rdp -o "$out" \
	$T:3389 $T:3390
rc=$?
echo "heiiki probe: exit $rc, $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ $rc = 0 ] || { echo "FAIL: heiiki probe exit $rc"; exit 1; }
x='.services[] | select(.port == 3389)'
check "xrdp: service rdp, product xrdp" "$x | .service == \"rdp\" and .product == \"xrdp\""
check "xrdp: TLS picked although CredSSP offered, standard RDP accepted" \
	"$x | .rdp.selected_protocol == \"tls\" and .rdp.accepts_standard_rdp == true and .rdp.neg_flags == [\"extended_client_data\"]"
check "xrdp: rdp-no-nla, no NTLM step" "$x | (.risks | index(\"rdp-no-nla\")) != null and (.rdp | has(\"ntlm\") | not) and (.rdp | has(\"ntlm_error\") | not)"
w='.services[] | select(.port == 3390)'
check "CredSSP: NTLM names and OS build through TLS on the negotiated connection" \
	"$w | .rdp.ntlm.dns_computer == \"ehr01.hosp.example.test\" and .rdp.ntlm.netbios_domain == \"HOSP\" and .os_build == 17763"
check "CredSSP: product Microsoft Terminal Services, NLA enforced, TLS recorded" \
	"$w | .product == \"Microsoft Terminal Services\" and .rdp.nla_enforced == true and (.tls.version | length) > 0"
n_neg=$(grep -c '^ntlm NEGOTIATE' "$FAKELOG")
if [ "$n_neg" = 1 ] && ! grep -q 'AUTHENTICATE\|after-challenge' "$FAKELOG"; then
	echo "ok: one NTLM NEGOTIATE, never an AUTHENTICATE"
else
	echo "FAIL: the fake saw:"; sed 's/^/      /' "$FAKELOG"; fails=$((fails + 1))
fi

# the same endpoint in a clinical zone: negotiation only, no TLS, no NTLM
cat > "$LAB_DIR/policy.yaml" <<EOP
version: 1
site: "lab probes f"
zones:
  - name: icu
    role: clinical
    nets: [198.18.52.0/24]
EOP
: > "$FAKELOG"
out=$LAB_DIR/probe-clinical.json
lab_exec scan "$HEIIKI" probe --policy "$LAB_DIR/policy.yaml" --probe rdp -o "$out" $T:3390
rc=$?
[ $rc = 0 ] || { echo "FAIL: heiiki probe (policy) exit $rc"; fails=$((fails + 1)); }
check "clinical zone: CredSSP seen, no NTLM" "$w | .rdp.selected_protocol == \"credssp-early-auth\" and (.rdp | has(\"ntlm\") | not) and (has(\"os\") | not)"
if ! grep -q '^x224' "$FAKELOG"; then
	echo "FAIL: the clinical run never reached the fake"; fails=$((fails + 1))
elif grep -q '^tls\|^ntlm' "$FAKELOG"; then
	echo "FAIL: clinical host got TLS/NTLM:"; sed 's/^/      /' "$FAKELOG"; fails=$((fails + 1))
else
	echo "ok: clinical host got the negotiation only"
fi

[ $fails = 0 ] || { echo "test_probes_f: $fails failure(s)"; exit 1; }
echo "test_probes_f: all checks passed"
