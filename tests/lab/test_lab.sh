#!/usr/bin/env bash
# test_lab.sh - the lab helper itself: the demo hospital is reachable from
# the scanner namespace through the core router, nothing leaks into the
# root namespace, and forbidden addresses are refused.
set -eu
. "$(dirname "$0")/lib.sh"

root_links_before=$(ip -o link show | wc -l)
lab_init lab
lab_hospital

# Routed reachability: scanner -> ehr:22 (real sshd banner), pc1:3389.
banner=$(lab_exec scanner timeout 5 socat -T2 - TCP:198.18.10.10:22 </dev/null | head -c 7)
[ "$banner" = "SSH-2.0" ] || { echo "no sshd banner via core router: '$banner'"; exit 1; }
lab_exec scanner timeout 5 socat -T1 /dev/null TCP:198.18.30.10:3389 ||
	{ echo "pc1:3389 not reachable"; exit 1; }
# Outside is reachable through the border (for capture/exit tests) ...
lab_exec scanner ping -c1 -W2 203.0.113.1 >/dev/null || { echo "no route to inet"; exit 1; }
# ... but nothing reaches beyond the lab: no default route in inet.
if lab_exec inet ip route show default | grep -q .; then
	echo "inet namespace has a default route"; exit 1
fi
# No interface was created in the root namespace.
root_links_after=$(ip -o link show | wc -l)
[ "$root_links_before" = "$root_links_after" ] ||
	{ echo "root namespace links changed: $root_links_before -> $root_links_after"; exit 1; }
# Ground truth file exists and lists 10 services.
[ "$(wc -l < "$LAB_DIR/truth.txt")" = 10 ] || { echo "truth.txt wrong"; exit 1; }
# Forbidden addresses are refused by the helper.
if (lab_addr_ok 10.0.0.1/24) 2>/dev/null; then echo "10.0.0.1 accepted"; exit 1; fi
if (lab_addr_ok 192.0.2.5/24) 2>/dev/null; then echo "192.0.2.5 accepted"; exit 1; fi
echo "lab ok"
