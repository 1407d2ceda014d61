# lib.sh - the namespace lab: a small hospital built from Linux network
# namespaces joined by veth pairs.  Source it from a test script:
#
#     . "$(dirname "$0")/lib.sh"
#     lab_init sweep            # unique prefix, teardown on EXIT/INT/TERM
#     lab_hospital              # or build your own with the primitives
#     lab_exec scanner "$HEIIKI" scan ...
#
# LAB SAFETY (DEVELOPERS.md): every interface is created directly inside a
# namespace made here (never in the root namespace), no namespace gets a link
# or route to the root namespace, and every address must come from
# 198.18.0.0/15 (hospital) or 198.51.100.0/24, 203.0.113.0/24 (outside) or
# 2001:db8::/32 (IPv6 documentation).  lab_addr_ok refuses anything else, and
# the whole lab is torn down on exit, also when a test fails.
#
# Primitives
#   lab_ns NAME                       make namespace (lo up, no routes)
#   lab_switch NAME                   a namespace holding bridge "br0" (an L2 segment)
#   lab_attach SWITCH HOST ADDR/LEN [IFNAME] [MAC]
#                                     veth from HOST into SWITCH's bridge
#   lab_link NS1 ADDR1/LEN NS2 ADDR2/LEN   point-to-point veth between two namespaces
#   lab_route NS DEST VIA             static route (DEST may be "default")
#   lab_forward NS                    enable IPv4/IPv6 forwarding in NS (a router)
#   lab_addr NS IFNAME ADDR/LEN       add a further address to an interface
#   lab_exec NS CMD...                run CMD inside NS
#   lab_bg NS CMD...                  start CMD in NS in the background (killed at teardown)
#   lab_listen NS PORT [udp]          plain listener (socat) on PORT
#   lab_sshd NS                       real OpenSSH server on port 22
#   lab_capture NS IFACE FILE [FILTER]  tcpdump into FILE (stopped at teardown)
#   lab_nginx NS "server {...}"      nginx with the lab TLS certificate
#   lab_nsname NAME                   the real namespace name for NAME
#   lab_hospital                      the demo hospital (see below)
#   lab_teardown                      kill processes, delete namespaces, remove temp dir

LAB_ID=""
LAB_DIR=""
LAB_PIDS=()
LAB_NS=()

lab_log() { printf 'lab: %s\n' "$*" >&2; }
lab_die() { printf 'lab: FATAL: %s\n' "$*" >&2; exit 1; }

lab_init() {
	local tag=${1:-t}
	[ "$(id -u)" = 0 ] || { echo "lab: needs root (network namespaces); skipping" >&2; exit 77; }
	command -v ip >/dev/null || lab_die "iproute2 missing (make deps)"
	# Short unique prefix: interface names must stay under 16 characters.
	LAB_ID="h$(printf '%04x' $(( ($$ + RANDOM) % 65536 )))"
	# run.sh checks afterwards that nothing with this prefix is left
	[ -n "${LAB_IDS_FILE:-}" ] && echo "$LAB_ID" >> "$LAB_IDS_FILE"
	LAB_DIR=$(mktemp -d "/tmp/heiiki-lab-$tag-XXXXXX")
	chmod 755 "$LAB_DIR"
	trap 'lab_teardown' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	lab_log "lab $LAB_ID ($tag) in $LAB_DIR"
}

lab_nsname() { printf '%s-%s' "$LAB_ID" "$1"; }

# Refuse any address outside the lab ranges.
lab_addr_ok() {
	local a=${1%/*}
	case "$a" in
	198.18.*|198.19.*|198.51.100.*|203.0.113.*) return 0 ;;
	2001:db8:*|2001:DB8:*) return 0 ;;
	esac
	lab_die "address $1 is outside the lab ranges (198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)"
}

lab_ns() {
	local ns; ns=$(lab_nsname "$1")
	ip netns add "$ns" || lab_die "cannot create namespace $ns"
	LAB_NS+=("$ns")
	# Resolver of the namespace (ip netns exec bind-mounts it): the local lo,
	# so a server's reverse lookup (storescp, sshd) fails at once instead of
	# waiting for a name server that is not in the lab.
	mkdir -p "/etc/netns/$ns"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "/etc/netns/$ns/resolv.conf"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 2>/dev/null || true
	ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="0 2147483647" 2>/dev/null || true
}

lab_exec() {
	local ns; ns=$(lab_nsname "$1"); shift
	ip netns exec "$ns" "$@"
}

lab_bg() {
	local ns; ns=$(lab_nsname "$1"); shift
	ip netns exec "$ns" "$@" &
	LAB_PIDS+=($!)
}

lab_switch() {
	lab_ns "$1"
	local ns; ns=$(lab_nsname "$1")
	ip -n "$ns" link add br0 type bridge
	ip -n "$ns" link set br0 type bridge stp_state 0 forward_delay 0 2>/dev/null || true
	ip -n "$ns" link set br0 up
}

LAB_PORTNO=0
# lab_attach SWITCH HOST ADDR/LEN [IFNAME] [MAC]
lab_attach() {
	local sw host addr ifn mac swns hns port
	sw=$1; host=$2; addr=$3; ifn=${4:-eth0}; mac=${5:-}
	swns=$(lab_nsname "$sw"); hns=$(lab_nsname "$host")
	[ -n "$addr" ] && [ "$addr" != none ] && lab_addr_ok "$addr"
	LAB_PORTNO=$((LAB_PORTNO + 1))
	port="p$LAB_PORTNO"
	ip link add "$port" netns "$swns" type veth peer name "$ifn" netns "$hns" ||
		lab_die "veth $sw/$port <-> $host/$ifn"
	ip -n "$swns" link set "$port" master br0
	ip -n "$swns" link set "$port" up
	[ -n "$mac" ] && ip -n "$hns" link set "$ifn" address "$mac"
	if [ -n "$addr" ] && [ "$addr" != none ]; then
		ip -n "$hns" addr add "$addr" dev "$ifn" nodad 2>/dev/null ||
			ip -n "$hns" addr add "$addr" dev "$ifn"
	fi
	ip -n "$hns" link set "$ifn" up
}

LAB_LINKNO=0
# lab_link NS1 ADDR1/LEN NS2 ADDR2/LEN [IF1] [IF2]
lab_link() {
	local n1 a1 n2 a2 i1 i2
	n1=$(lab_nsname "$1"); a1=$2; n2=$(lab_nsname "$3"); a2=$4
	LAB_LINKNO=$((LAB_LINKNO + 1))
	i1=${5:-l$LAB_LINKNO}; i2=${6:-l${LAB_LINKNO}b}
	lab_addr_ok "$a1"; lab_addr_ok "$a2"
	ip link add "$i1" netns "$n1" type veth peer name "$i2" netns "$n2" ||
		lab_die "veth $1/$i1 <-> $3/$i2"
	ip -n "$n1" addr add "$a1" dev "$i1"
	ip -n "$n2" addr add "$a2" dev "$i2"
	ip -n "$n1" link set "$i1" up
	ip -n "$n2" link set "$i2" up
}

lab_addr() {
	lab_addr_ok "$3"
	ip -n "$(lab_nsname "$1")" addr add "$3" dev "$2"
}

lab_route() {
	local ns dest via
	ns=$(lab_nsname "$1"); dest=$2; via=$3
	lab_addr_ok "$via"
	[ "$dest" = default ] || lab_addr_ok "$dest"
	ip -n "$ns" route add "$dest" via "$via"
}

lab_forward() {
	lab_exec "$1" sysctl -qw net.ipv4.ip_forward=1
	lab_exec "$1" sysctl -qw net.ipv6.conf.all.forwarding=1 2>/dev/null || true
}

# lab_listen NS PORT [udp]: accept and close (TCP) or swallow datagrams (UDP).
lab_listen() {
	if [ "${3:-tcp}" = udp ]; then
		lab_bg "$1" socat -u UDP6-RECVFROM:"$2",reuseaddr,fork,ipv6only=0 OPEN:/dev/null
	else
		lab_bg "$1" socat TCP6-LISTEN:"$2",reuseaddr,fork,ipv6only=0,backlog=64 SYSTEM:'exit 0'
	fi
}

lab_sshd() {
	local ns=$1 dir=$LAB_DIR/sshd-$1
	mkdir -p "$dir"
	[ -f "$dir/key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/key" >/dev/null
	mkdir -p /run/sshd
	cat > "$dir/config" <<-EOF
	Port 22
	ListenAddress 0.0.0.0
	ListenAddress ::
	HostKey $dir/key
	PidFile $dir/pid
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	EOF
	lab_bg "$ns" /usr/sbin/sshd -D -e -f "$dir/config"
}

lab_capture() {
	local ns=$1 ifn=$2 file=$3 filter=${4:-}
	lab_bg "$ns" tcpdump -Q in -n -s 128 -U -i "$ifn" -w "$file" $filter
	sleep 0.5
}

# Wait until NS has a listener on TCP PORT (at most ~5 s).
lab_wait_port() {
	local i
	for i in $(seq 1 50); do
		lab_exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	lab_die "nothing listening on $1:$2"
}

lab_teardown() {
	local rc=$? pid ns
	trap - EXIT INT TERM
	set +e			# teardown must run to the end whatever fails
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	sleep 0.2
	# Kill anything still running inside our namespaces (forked children).
	for ns in "${LAB_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${LAB_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	[ -n "$LAB_DIR" ] && [ -z "${LAB_KEEP:-}" ] && rm -rf "$LAB_DIR"
	LAB_NS=(); LAB_PIDS=()
	exit $rc
}

# The demo hospital.  One router ("core") joins the segments; the scanner
# sits on the management segment.  Outside networks hang off the border
# router ("fw") and a vendor line.
#
#   mgmt     198.18.0.0/24   core .1   scanner .10
#   servers  198.18.10.0/24  core .1   ehr .10 (ssh, https 443, rdp 3389)
#                                      pacs .20 (ssh, dicom 104)
#   clinical 198.18.20.0/24  core .1   modality .10 (dicom 104)
#                                      pump .50 (do_not_scan: 80 open)
#   office   198.18.30.0/24  core .1   pc1 .10 (rdp 3389, smb 445)  pc2 .11 (no ports)
#   vendor   198.18.40.0/24  core .1   vpngw .2 (https 443, ssh 22)
#   border   198.18.99.0/30  core .1 <-> fw .2 ; fw <-> inet 203.0.113.1/24
#   internet 203.0.113.0/24  inet router .1 ; web .80 ; outside host .200
#
# Ground truth of open TCP ports is written to $LAB_DIR/truth.txt as
# "addr port" lines (excluding do_not_scan hosts).
#
# "lab_hospital real" (the demo) runs real servers where the plain lab has
# socat listeners, so the probes and findings have something true to say:
# xrdp (RDP without NLA) on ehr:3389, nginx with a self-signed certificate
# on ehr:443, a FortiGate-like SSL-VPN portal (nginx, recorded pages) on
# vpngw:443, DCMTK storescp (accepts any AE title) on pacs:104, and
# inetutils telnetd on modality:23 (one more ground-truth line).
lab_hospital() {
	local real=${1:-}
	lab_switch sw-mgmt; lab_switch sw-srv; lab_switch sw-clin
	lab_switch sw-off; lab_switch sw-vend
	lab_ns core; lab_forward core
	lab_attach sw-mgmt core 198.18.0.1/24 mgmt
	lab_attach sw-srv core 198.18.10.1/24 srv
	lab_attach sw-clin core 198.18.20.1/24 clin
	lab_attach sw-off core 198.18.30.1/24 off
	lab_attach sw-vend core 198.18.40.1/24 vend

	local h
	lab_ns scanner; lab_attach sw-mgmt scanner 198.18.0.10/24
	for h in ehr:sw-srv:198.18.10.10 pacs:sw-srv:198.18.10.20 \
		 modality:sw-clin:198.18.20.10 pump:sw-clin:198.18.20.50 \
		 pc1:sw-off:198.18.30.10 pc2:sw-off:198.18.30.11 \
		 vpngw:sw-vend:198.18.40.2; do
		IFS=: read -r name sw addr <<<"$h"
		lab_ns "$name"
		lab_attach "$sw" "$name" "$addr/24"
		lab_route "$name" default "${addr%.*}.1"
	done
	lab_route scanner default 198.18.0.1

	# Border and the outside world (no link to the root namespace).
	lab_ns fw; lab_forward fw
	lab_ns inet; lab_forward inet
	lab_link core 198.18.99.1/30 fw 198.18.99.2/30 border fwin
	lab_route core default 198.18.99.2
	lab_route fw 198.18.0.0/15 198.18.99.1
	lab_link fw 203.0.113.2/24 inet 203.0.113.1/24 wan isp
	lab_route fw default 203.0.113.1
	lab_route inet 198.18.0.0/15 203.0.113.2

	if [ "$real" = real ]; then
		lab_hospital_real
	else
		lab_listen ehr 443; lab_listen ehr 3389; lab_listen pacs 104
	fi
	lab_sshd ehr; lab_sshd pacs
	lab_listen modality 104
	lab_listen pump 80
	lab_listen pc1 3389; lab_listen pc1 445
	lab_listen vpngw 443; lab_sshd vpngw
	cat > "$LAB_DIR/truth.txt" <<-EOF
	198.18.10.10 22
	198.18.10.10 443
	198.18.10.10 3389
	198.18.10.20 22
	198.18.10.20 104
	198.18.20.10 104
	198.18.30.10 3389
	198.18.30.10 445
	198.18.40.2 22
	198.18.40.2 443
	EOF
	[ "$real" = real ] && echo "198.18.20.10 23" >> "$LAB_DIR/truth.txt"
	lab_wait_port ehr 22; lab_wait_port ehr 3389; lab_wait_port pacs 104
	lab_wait_port pc1 445; lab_wait_port vpngw 22; lab_wait_port pump 80
}

# Real servers for "lab_hospital real" (see above).
lab_hospital_real() {
	local src www
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	www=$src/tests/probes/data/http/www
	. "$src/tests/probes/services_a.sh"
	pa_certs "$LAB_DIR/certs"
	chmod 755 "$LAB_DIR/certs"; chmod 644 "$LAB_DIR/certs/"*
	pa_xrdp ehr
	pa_telnetd modality
	mkdir -p "$LAB_DIR/store"
	lab_bg pacs storescp -od "$LAB_DIR/store" 104
	lab_nginx ehr "server { listen 443 ssl; root /usr/share/nginx/html; index index.html; }"
	lab_nginx vpngw "server { listen 443 ssl; root $www/fortigate;
		location = / { try_files /index.html =404; }
		location = /remote/login { try_files /login.html =404; } }"
	lab_wait_port ehr 3389; lab_wait_port ehr 443; lab_wait_port vpngw 443
	lab_wait_port pacs 104; lab_wait_port modality 23
}

# lab_nginx NS "server {...} ...": an nginx in NS with the lab's TLS
# certificate ($LAB_DIR/certs, see pa_certs) and the given server blocks.
lab_nginx() {
	local ns=$1 dir=$LAB_DIR/nginx-$1
	mkdir -p "$dir/tmp"
	cat > "$dir/nginx.conf" <<-EOC
	daemon off;
	worker_processes 1;
	pid $dir/nginx.pid;
	error_log $dir/error.log;
	events { worker_connections 1024; }
	http {
		access_log $dir/access.log;
		client_body_temp_path $dir/tmp;
		proxy_temp_path $dir/tmp;
		fastcgi_temp_path $dir/tmp;
		uwsgi_temp_path $dir/tmp;
		scgi_temp_path $dir/tmp;
		default_type text/html;
		ssl_certificate $LAB_DIR/certs/cert.pem;
		ssl_certificate_key $LAB_DIR/certs/key.pem;
		$2
	}
	EOC
	lab_bg "$ns" /usr/sbin/nginx -c "$dir/nginx.conf"
}
