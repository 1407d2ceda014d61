# sweep-common.sh - shared pieces of the sweep lab tests (sourced).
#
# sweep_lab: the demo hospital plus a few extras that make every port state
# appear: a firewalled port (filtered) on pc1, a filtering host (vpngw drops
# everything but 22/443), and a MAC with a known vendor (Canon) on a
# management-segment printer found only by ARP (no open port).
# Writes $LAB_DIR/policy.yaml and $LAB_DIR/truth-all.txt
# ("addr proto port state" for every live host and SWEEP_PORTS).

SWEEP_PORTS="22,80,104,443,445,3389,8080"

fail() { echo "FAIL: $*" >&2; exit 1; }

sweep_lab() {
	lab_hospital
	lab_ns printer
	lab_attach sw-mgmt printer 198.18.0.50/24 eth0 00:00:85:12:34:56
	lab_exec pc1 nft add table inet t
	lab_exec pc1 nft add chain inet t in '{ type filter hook input priority 0; }'
	lab_exec pc1 nft add rule inet t in tcp dport 8080 drop
	lab_exec vpngw nft add table inet t
	lab_exec vpngw nft add chain inet t in '{ type filter hook input priority 0; }'
	lab_exec vpngw nft add rule inet t in tcp dport '{ 22, 443 }' accept
	lab_exec vpngw nft add rule inet t in ct state established,related accept
	lab_exec vpngw nft add rule inet t in meta l4proto tcp drop
	cat > "$LAB_DIR/policy.yaml" <<-EOF2
	version: 1
	site: sweep lab
	zones:
	  - { name: mgmt, role: management, nets: [198.18.0.0/24] }
	  - { name: servers, role: server, nets: [198.18.10.0/24] }
	  - { name: clinical, role: clinical, nets: [198.18.20.0/24] }
	  - { name: office, role: office, nets: [198.18.30.0/24] }
	  - { name: vendor, role: vendor-boundary, nets: [198.18.40.0/24] }
	  - { name: internet, role: external, nets: [0.0.0.0/0] }
	scope: [198.18.0.0/16]
	do_not_scan:
	  - { addr: 198.18.20.50, reason: infusion pump }
	scan:
	  retries: 1
	  cooldown_ms: 1500
	EOF2
	local h p state
	: > "$LAB_DIR/truth-all.txt"
	# the core router answers on each segment (.1) with RSTs
	for h in 198.18.10.1 198.18.10.10 198.18.10.20 198.18.20.1 198.18.20.10 \
		 198.18.30.1 198.18.30.10 198.18.30.11 198.18.40.1 198.18.40.2; do
		for p in ${SWEEP_PORTS//,/ }; do
			if grep -qx "$h $p" "$LAB_DIR/truth.txt"; then state=open
			elif [ "$h" = 198.18.40.2 ]; then state=filtered
			elif [ "$h $p" = "198.18.30.10 8080" ]; then state=filtered
			else state=closed; fi
			echo "$h tcp $p $state" >> "$LAB_DIR/truth-all.txt"
		done
	done
	sort -o "$LAB_DIR/truth-all.txt" "$LAB_DIR/truth-all.txt"
}

# "addr proto port state" lines of a results document, sorted.
sweep_states() {
	python3 - "$1" <<-'EOF2'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for s in d["services"]:
	    print(s["addr"], s["proto"], s["port"], s["state"])
	EOF2
}

# "addr port" of open TCP services, sorted.
sweep_open() {
	python3 - "$@" <<-'EOF2'
	import json, sys
	seen = set()
	for f in sys.argv[1:]:
	    d = json.load(open(f))
	    for s in d["services"]:
	        if s["proto"] == "tcp" and s["state"] == "open":
	            seen.add("%s %d" % (s["addr"], s["port"]))
	for x in sorted(seen):
	    print(x)
	EOF2
}

# Packets in a capture file (0 when empty).
pcap_count() {
	tcpdump -n -r "$1" 2>/dev/null | wc -l
}

# one_host_lab NET PORT...: namespaces s (scanner, NET.1/30 on s0) and t
# (target, NET.2/30 on t0) joined by one veth pair; t listens on every PORT
# (one Python process, deep backlogs: a full-port sweep must not lose a
# SYN-ACK to a full queue).  The tests write their own policy for NET.0/30.
one_host_lab() {
	local net=$1; shift
	lab_ns s
	lab_ns t
	lab_link s "$net.1/30" t "$net.2/30" s0 t0
	lab_exec t sysctl -qw net.ipv4.tcp_max_syn_backlog=65536 net.core.somaxconn=65535 \
		net.ipv4.tcp_syncookies=0
	cat > "$LAB_DIR/listen.py" <<-'PY'
	import signal, socket, sys
	socks = []
	for p in sys.argv[1:]:
	    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	    s.bind(("0.0.0.0", int(p)))
	    s.listen(4096)
	    socks.append(s)
	signal.pause()
	PY
	lab_bg t python3 "$LAB_DIR/listen.py" "$@"
	for p in "$@"; do lab_wait_port t "$p"; done
}
