#!/bin/bash
# bench_probes.sh - service identification: heiiki probe vs nmap -sV (plus
# the safe NSE scripts rdp-enum-encryption, vnc-info, smb-protocols,
# ike-version, dicom-ping, snmp-info, ssl-cert) on the same lab of REAL
# servers, in one run.  A benchmark, not a test: prints wall time, CPU and
# peak RSS of both tools, their ratio, and an agreement table against the
# ground truth.  Everything runs inside lab namespaces (tests/lab/lib.sh)
# and is torn down on exit.
#
#   sudo HEIIKI=./heiiki bash tests/bench/bench_probes.sh
#
# Part 2 (scale): SCALE (default 100) more addresses on the nginx host, port
# 80 each: many hosts in parallel through heiiki's event loop vs nmap -sV.
#
# Lab (198.18.80.0/24): .10 xrdp 3389, OpenSSH 22, vsftpd 21, telnetd 23;
# .20 nginx 80 (admin page), 443 (GlobalProtect-like portal), 10443
# (FortiGate-like portal), 8443 (default page); .30 Samba 445, Xvnc 5900
# (no auth); .40 dcmtk storescp 104, net-snmp 161/udp.  Services whose
# program is missing are left out of the truth table.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
. "$src/tests/lab/lib.sh"
. "$src/tests/probes/services_a.sh"
[ -x "$HEIIKI" ] || { echo "bench_probes: build heiiki first" >&2; exit 1; }
command -v nmap >/dev/null || { echo "bench_probes: nmap missing" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
lab_init bench-probes
N=198.18.80
lab_switch sw
lab_ns scan; lab_attach sw scan $N.2/24
for h in a:10 b:20 c:30 d:40; do lab_ns "${h%:*}"; lab_attach sw "${h%:*}" "$N.${h#*:}/24"; done
pa_certs "$LAB_DIR/certs"; chmod 755 "$LAB_DIR/certs"; chmod 644 "$LAB_DIR/certs/"*
truth=$LAB_DIR/truth.txt
: > "$truth"
add() { echo "$1 $2 $3" >> "$truth"; }	# addr port/proto service

pa_xrdp a; add $N.10 3389/tcp rdp
lab_sshd a; add $N.10 22/tcp ssh
pa_vsftpd a; add $N.10 21/tcp ftp
pa_telnetd a; add $N.10 23/tcp telnet
pa_nginx b "$src/tests/probes/data/http/www"
add $N.20 80/tcp http; add $N.20 443/tcp https; add $N.20 10443/tcp https; add $N.20 8443/tcp https
if have smbd; then
	d=$LAB_DIR/samba; mkdir -p "$d"/{private,lock,state,cache,pid}
	printf '[global]\nserver role = standalone server\nsmb ports = 445\ndisable netbios = yes\nprivate dir = %s/private\nlock directory = %s/lock\nstate directory = %s/state\ncache directory = %s/cache\npid directory = %s/pid\nncalrpc dir = %s/ncalrpc\nlog file = %s/log\nload printers = no\nprintcap name = /dev/null\ndisable spoolss = yes\npassdb backend = tdbsam:%s/private/passdb.tdb\n' \
		"$d" "$d" "$d" "$d" "$d" "$d" "$d" "$d" > "$d/smb.conf"
	# own session: smbd SIGTERMs its whole process group when it stops,
	# which would kill this script in the middle of lab_teardown
	lab_bg c setsid smbd --foreground --no-process-group -s "$d/smb.conf" >/dev/null 2>&1
	add $N.30 445/tcp smb
fi
if have Xvnc; then
	lab_bg c Xvnc ":$(( 300 + RANDOM % 300 ))" -rfbport 5900 -SecurityTypes None -nolisten tcp \
		-nolisten unix -geometry 320x200 >/dev/null 2>&1
	add $N.30 5900/tcp vnc
fi
if have storescp; then
	mkdir -p "$LAB_DIR/store"
	lab_bg d storescp -od "$LAB_DIR/store" 104 >/dev/null 2>&1
	add $N.40 104/tcp dicom
fi
if have snmpd; then
	mkdir -p "$LAB_DIR/snmp"
	printf 'agentaddress udp:%s:161\nrocommunity public default\n' "$N.40" > "$LAB_DIR/snmpd.conf"
	SNMP_PERSISTENT_DIR=$LAB_DIR/snmp lab_bg d snmpd -f -Lo -C -c "$LAB_DIR/snmpd.conf" >/dev/null 2>&1
	add $N.40 161/udp snmp
fi
while read -r a p s; do
	case $p in */tcp) ns=$(case $a in *.10) echo a;; *.20) echo b;; *.30) echo c;; *.40) echo d;; esac)
		lab_wait_port "$ns" "${p%/tcp}";; esac
done < "$truth"
sleep 1
targets=$(awk '{split($2,x,"/"); print $1 ":" x[1] (x[2]=="udp" ? "/udp" : "")}' "$truth")
tports=$(awk '$2 ~ /tcp/ {split($2,x,"/"); print x[1]}' "$truth" | sort -un | paste -sd,)
uports=$(awk '$2 ~ /udp/ {split($2,x,"/"); print x[1]}' "$truth" | sort -un | paste -sd,)
hosts=$(awk '{print $1}' "$truth" | sort -u)
echo "bench_probes: $(wc -l < "$truth") open services on $(echo $hosts | wc -w) hosts, $(nproc) CPUs, $(uname -r)"

T=/usr/bin/time
timed() {	# OUT-STATS CMD... : wall seconds, user+sys, max RSS KiB
	local f=$1; shift
	if [ -x $T ]; then $T -f '%e %U %S %M' -o "$f" "$@"; else
		local s=$(date +%s.%N); "$@"; echo "$(echo "$(date +%s.%N) - $s" | bc) 0 0 0" > "$f"; fi
}
timed "$LAB_DIR/h.time" ip netns exec "$(lab_nsname scan)" "$HEIIKI" probe --scope 198.18.0.0/15 -o "$LAB_DIR/heiiki.json" $targets \
	2>"$LAB_DIR/heiiki.err"
scripts=rdp-enum-encryption,vnc-info,smb-protocols,ike-version,dicom-ping,snmp-info,ssl-cert
ports="T:$tports"; [ -n "$uports" ] && ports="$ports,U:$uports"
timed "$LAB_DIR/n.time" ip netns exec "$(lab_nsname scan)" nmap -Pn -n -sT ${uports:+-sU} -sV \
	--script "$scripts" -p "$ports" -oX "$LAB_DIR/nmap.xml" $hosts >/dev/null 2>"$LAB_DIR/nmap.err"

python3 - "$truth" "$LAB_DIR/heiiki.json" "$LAB_DIR/nmap.xml" "$LAB_DIR/h.time" "$LAB_DIR/n.time" <<'EOP'
import json, sys, xml.etree.ElementTree as ET
truth = [l.split() for l in open(sys.argv[1]) if l.strip()]
h = {}
for s in json.load(open(sys.argv[2]))["services"]:
    h[(s["addr"], "%d/%s" % (s["port"], s["proto"]))] = s
n = {}
for host in ET.parse(sys.argv[3]).getroot().iter("host"):
    addr = host.find("address").get("addr")
    for p in host.iter("port"):
        svc = p.find("service")
        scripts = [x.get("id") for x in p.iter("script")]
        n[(addr, "%s/%s" % (p.get("portid"), p.get("protocol")))] = (svc, scripts, p.find("state").get("state"))
canon = {"ms-wbt-server": "rdp", "microsoft-ds": "smb", "netbios-ssn": "smb", "vnc": "vnc",
         "dicom": "dicom", "snmp": "snmp", "ssh": "ssh", "ftp": "ftp", "telnet": "telnet",
         "http": "http", "https": "https", "ssl/http": "https"}
def nmap_name(e):
    if not e or e[0] is None:
        return "-"
    svc = e[0]
    name = svc.get("name", "-")
    if svc.get("tunnel") == "ssl" and name == "http":
        name = "https"
    return canon.get(name, name)
def nmap_detail(e):
    if not e or e[0] is None:
        return ""
    s = e[0]
    return " ".join(x for x in (s.get("product"), s.get("version")) if x)[:38]
hok = nok = 0
print("\n%-22s %-7s | %-7s %-40s | %-7s %s" % ("service", "truth", "heiiki", "heiiki product / risks", "nmap", "nmap product"))
for a, p, want in truth:
    hs = h.get((a, p), {})
    hn = hs.get("service", "-")
    hd = (hs.get("product", "") + " " + ",".join(hs.get("risks", []))).strip()[:40]
    nn = nmap_name(n.get((a, p)))
    hok += hn == want
    nok += nn == want
    print("%-22s %-7s | %-7s %-40s | %-7s %s" % (a + ":" + p, want, hn + ("" if hn == want else "!"),
          hd, nn + ("" if nn == want else "!"), nmap_detail(n.get((a, p)))))
ht = open(sys.argv[4]).read().split()
nt = open(sys.argv[5]).read().split()
print("\nagreement with ground truth: heiiki %d/%d, nmap -sV+scripts %d/%d" % (hok, len(truth), nok, len(truth)))
print("wall time: heiiki %.2f s, nmap %.2f s, ratio nmap/heiiki %.1fx" % (float(ht[0]), float(nt[0]), float(nt[0]) / max(float(ht[0]), 0.01)))
print("CPU (user+sys): heiiki %.2f s, nmap %.2f s; peak RSS: heiiki %s KiB, nmap %s KiB" %
      (float(ht[1]) + float(ht[2]), float(nt[1]) + float(nt[2]), ht[3], nt[3]))
EOP

# --- part 2: many hosts at once --------------------------------------------
SCALE=${SCALE:-100}
[ "$SCALE" -gt 0 ] || exit 0
[ "$SCALE" -le 150 ] || SCALE=150
for i in $(seq 100 $((99 + SCALE))); do lab_addr b eth0 $N.$i/24; done
sleep 1
list=$(for i in $(seq 100 $((99 + SCALE))); do echo "$N.$i:80"; done)
timed "$LAB_DIR/hs.time" ip netns exec "$(lab_nsname scan)" "$HEIIKI" probe --scope 198.18.0.0/15 -o "$LAB_DIR/hs.json" $list \
	2>/dev/null
timed "$LAB_DIR/ns.time" ip netns exec "$(lab_nsname scan)" nmap -Pn -n -sT -sV -p 80 \
	-oX "$LAB_DIR/ns.xml" $N.100-$((99 + SCALE)) >/dev/null 2>&1
python3 - "$LAB_DIR/hs.json" "$LAB_DIR/ns.xml" "$LAB_DIR/hs.time" "$LAB_DIR/ns.time" "$SCALE" <<'EOP'
import json, sys, xml.etree.ElementTree as ET
hj = json.load(open(sys.argv[1]))["services"]
hok = sum(1 for s in hj if s.get("service") == "http" and "http-admin-interface" in s.get("risks", []))
nok = sum(1 for p in ET.parse(sys.argv[2]).getroot().iter("port")
          if p.find("service") is not None and p.find("service").get("name") == "http")
ht = open(sys.argv[3]).read().split(); nt = open(sys.argv[4]).read().split()
print("\nscale: %s hosts x http/80 (admin login page)" % sys.argv[5])
print("identified: heiiki %d (with http-admin-interface), nmap %d" % (hok, nok))
print("wall time: heiiki %.2f s, nmap %.2f s, ratio nmap/heiiki %.1fx; CPU heiiki %.2f s, nmap %.2f s; RSS heiiki %s KiB, nmap %s KiB" %
      (float(ht[0]), float(nt[0]), float(nt[0]) / max(float(ht[0]), 0.01),
       float(ht[1]) + float(ht[2]), float(nt[1]) + float(nt[2]), ht[3], nt[3]))
EOP
