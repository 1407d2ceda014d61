#!/bin/bash
# bench_idents.sh - naming services: heiiki probe vs nmap -sV, in one run,
# on the same lab of REAL Debian daemons (tests/probes/services_c.sh plus
# OpenSSH, vsftpd, openssl s_server and python's http.server).  A benchmark,
# not a test: prints, for each tool, services named / products / versions
# correct against the ground truth below, wall time, and the ratios
# (issue #13 targets: names and products >= nmap, wall <= 0.5 x nmap -sV,
# and the unauthenticated-access flags, which nmap without scripts never
# raises).  Everything runs inside lab namespaces and is torn down on exit.
#
#   sudo HEIIKI=./heiiki bash tests/bench/bench_idents.sh
#
# Two servers (198.18.81.10 and .20; rpcbind, krb5kdc and squid included) in a "servers" zone of a policy:
# heiiki may use several connections per host (clinical zones keep one).
# nmap gets the same open ports (-Pn -sT/-sU -sV, default intensity).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
. "$src/tests/lab/lib.sh"
. "$src/tests/probes/services_a.sh"
. "$src/tests/probes/services_c.sh"
. "$src/tests/probes/services_e.sh"
[ -x "$HEIIKI" ] || { echo "bench_idents: build heiiki first" >&2; exit 1; }
command -v nmap >/dev/null || { echo "bench_idents: nmap missing" >&2; exit 1; }
lab_init bench-idents
N=198.18.81
lab_switch sw
lab_ns scan; lab_attach sw scan $N.2/24
lab_ns a; lab_attach sw a $N.10/24
lab_ns b; lab_attach sw b $N.20/24
truth=$LAB_DIR/truth.txt
: > "$truth"
# addr port/proto service product version ("-": the protocol shows none to a client)
add() { echo "$*" >> "$truth"; }
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=web.hospital.example" \
	-keyout "$LAB_DIR/key.pem" -out "$LAB_DIR/cert.pem" 2>/dev/null

pc_redis a 6379;          add $N.10 6379/tcp redis Redis 7.0.15
pc_redis a 6380 lab-pw;   add $N.10 6380/tcp redis Redis -
pc_redis a 16379;         add $N.10 16379/tcp redis Redis 7.0.15
pc_memcached a 11211;     add $N.10 11211/tcp memcached Memcached 1.6.18
pc_mariadb a 3306;        add $N.10 3306/tcp mysql MariaDB 10.11
pc_postgres a 5432;       add $N.10 5432/tcp postgresql PostgreSQL -
pc_slapd a;               add $N.10 389/tcp ldap OpenLDAP -
pc_rpcbind a;             add $N.10 111/tcp rpcbind - -; add $N.10 111/udp rpcbind - -
pc_krb5kdc a;             add $N.10 88/tcp kerberos MIT -; add $N.10 88/udp kerberos MIT -
pc_squid b;               add $N.20 3128/tcp http Squid 5.7
# issue 13 part E: product rules, TFTP via the runner, UDP cascade, open proxy
pe_postfix a;             add $N.10 25/tcp smtp Postfix -
pe_apache a 80;           add $N.10 80/tcp http Apache "$(apache2 -v | sed -n 's|^Server version: Apache/\([0-9.]*\).*|\1|p')"
pe_snmpd a 1161;          add $N.10 1161/udp snmp Net-SNMP -
pe_tftpd a $N.10;         add $N.10 69/udp tftp - -
pe_squid a 3129 allow;    add $N.10 3129/tcp http Squid 5.7
trap 'pc_rpcbind_stop; lab_teardown' EXIT
pc_unbound b;             add $N.20 53/tcp dns Unbound 1.17.1; add $N.20 53/udp dns Unbound 1.17.1
pc_chrony b;              add $N.20 123/udp ntp - -
pc_dovecot b;             add $N.20 143/tcp imap Dovecot -; add $N.20 110/tcp pop3 Dovecot -
lab_sshd b;               add $N.20 22/tcp ssh OpenSSH 9.2p1
pa_vsftpd b;              add $N.20 21/tcp ftp vsftpd 3.0.3
d=$LAB_DIR/sshd-b; sed 's/^Port 22/Port 40022/; s|^PidFile .*|PidFile '"$d"'/pid2|' "$d/config" > "$d/config2"
lab_bg b /usr/sbin/sshd -D -e -f "$d/config2" 2>/dev/null; add $N.20 40022/tcp ssh OpenSSH 9.2p1
lab_bg b openssl s_server -quiet -www -accept 7443 -cert "$LAB_DIR/cert.pem" -key "$LAB_DIR/key.pem"
add $N.20 7443/tcp https - -
( cd "$LAB_DIR" && lab_bg b python3 -m http.server 8042 --bind 0.0.0.0 ) >/dev/null 2>&1
add $N.20 8042/tcp http SimpleHTTP 0.6
while read -r a p s _; do
	case $p in */tcp) lab_wait_port "$(case $a in *.10) echo a;; *) echo b;; esac)" "${p%/tcp}";; esac
done < "$truth"
sleep 1
cat > "$LAB_DIR/policy.yaml" <<-EOP
version: 1
site: "bench_idents lab"
zones:
  - name: servers
    role: server
    nets: [$N.0/24]
EOP
targets=$(awk '{split($2,x,"/"); print $1 ":" x[1] (x[2]=="udp" ? "/udp" : "")}' "$truth")
tports=$(awk '$2 ~ /tcp/ {split($2,x,"/"); print x[1]}' "$truth" | sort -un | paste -sd,)
uports=$(awk '$2 ~ /udp/ {split($2,x,"/"); print x[1]}' "$truth" | sort -un | paste -sd,)
hosts=$(awk '{print $1}' "$truth" | sort -u)
echo "bench_idents: $(wc -l < "$truth") open services on $(echo $hosts | wc -w) hosts, $(nproc) CPUs, $(uname -r), $(nmap --version | head -1)"

t0=$(date +%s%N)
ip netns exec "$(lab_nsname scan)" "$HEIIKI" probe --policy "$LAB_DIR/policy.yaml" \
	-o "$LAB_DIR/heiiki.json" $targets 2>"$LAB_DIR/heiiki.err"
t1=$(date +%s%N)
ip netns exec "$(lab_nsname scan)" nmap -Pn -n -sT ${uports:+-sU} -sV -p "T:$tports${uports:+,U:$uports}" \
	-oX "$LAB_DIR/nmap.xml" $hosts >/dev/null 2>"$LAB_DIR/nmap.err"
t2=$(date +%s%N)
hms=$(( (t1 - t0) / 1000000 )); nms=$(( (t2 - t1) / 1000000 ))

python3 - "$truth" "$LAB_DIR/heiiki.json" "$LAB_DIR/nmap.xml" "$hms" "$nms" <<'EOP'
import json, sys, xml.etree.ElementTree as ET
truth = [l.split() for l in open(sys.argv[1]) if l.strip()]
hms, nms = int(sys.argv[4]), int(sys.argv[5])
h = {}
for s in json.load(open(sys.argv[2]))["services"]:
    h[(s["addr"], "%d/%s" % (s["port"], s["proto"]))] = (s.get("service", "-"), s.get("product", ""),
        s.get("version", ""), s.get("risks", []))
canon = {"domain": "dns", "ssl/http": "https", "http-proxy": "http", "ldap": "ldap",
         "kerberos-sec": "kerberos"}
n = {}
for host in ET.parse(sys.argv[3]).getroot().iter("host"):
    addr = host.find("address").get("addr")
    for p in host.iter("port"):
        svc = p.find("service")
        if svc is None or p.find("state").get("state") not in ("open", "open|filtered"):
            n[(addr, "%s/%s" % (p.get("portid"), p.get("protocol")))] = ("-", "", "", [])
            continue
        name = svc.get("name", "-")
        if svc.get("tunnel") == "ssl" and name == "http":
            name = "https"
        n[(addr, "%s/%s" % (p.get("portid"), p.get("protocol")))] = (canon.get(name, name),
            svc.get("product", ""), svc.get("version", "") + " " + svc.get("extrainfo", ""), [])
def score(tool):
    names = prods = vers = 0
    rows = []
    for a, p, s, prod, ver in truth:
        got = tool.get((a, p), ("-", "", "", []))
        okn = got[0] == s
        text = (got[1] + " " + got[2]).lower()
        okp = prod == "-" or prod.lower() in text
        okv = ver == "-" or ver.lower() in (got[2] or "").lower()
        names += okn; prods += okp and prod != "-"; vers += okv and ver != "-"
        rows.append((okn, okp, okv, got))
    return names, prods, vers, rows
hn, hp, hv, hr = score(h)
nn, np_, nv, nr = score(n)
tp = sum(1 for t in truth if t[3] != "-")
tv = sum(1 for t in truth if t[4] != "-")
print("%-22s %-10s | %-42s | %s" % ("service", "truth", "heiiki", "nmap -sV"))
for t, a, b in zip(truth, hr, nr):
    f = lambda r: ("%s%s%s %s %s %s" % ("N" if r[0] else "n", "P" if r[1] else "p", "V" if r[2] else "v",
                   r[3][0], r[3][1], r[3][2].strip()))[:42]
    print("%-22s %-10s | %-42s | %s" % (t[0].split(".")[-1] + ":" + t[1], t[2], f(a), f(b)[:42]))
flags = sorted({f for v in h.values() for f in v[3] if f in
                ("redis-no-auth", "memcached-open", "ldap-anonymous-bind", "mongodb-no-auth",
                 "tftp-open", "open-proxy", "snmp-public")})
print()
print("%-8s %8s %10s %10s %9s" % ("tool", "named", "products", "versions", "wall ms"))
print("%-8s %5d/%-2d %7d/%-2d %7d/%-2d %9d" % ("heiiki", hn, len(truth), hp, tp, hv, tv, hms))
print("%-8s %5d/%-2d %7d/%-2d %7d/%-2d %9d" % ("nmap", nn, len(truth), np_, tp, nv, tv, nms))
print("ratios heiiki/nmap: named %.2f, products %.2f, versions %.2f, wall %.2f" %
      (hn / max(nn, 1), hp / max(np_, 1), hv / max(nv, 1), hms / max(nms, 1)))
print("unauthenticated-access flags raised by heiiki: %s (nmap -sV: none)" % (", ".join(flags) or "none"))
EOP
