#!/bin/bash
# test_probes_c.sh - the any-port cascade and the database/directory/DNS/NTP/
# mail probes against REAL Debian daemons in a lab namespace.
#
# Server namespace (198.18.51.10): redis-server without auth (6379) and with
# requirepass (6380), redis on an unlisted port (16379, cascade reply
# shape), memcached (11211), MariaDB with an application account (3306),
# PostgreSQL 15 (5432), unbound (53 tcp+udp), chronyd (123/udp), dovecot
# (143, 110), slapd with anonymous read (389), rpcbind (111 tcp+udp), MIT
# krb5kdc (88 tcp+udp), squid (3128), OpenSSH on 40022, an HTTPS
# server on 7443 and HTTP on 8042 (openssl s_server -www: both silent until
# asked).  The scanner namespace runs 'heiiki probe' once on all of them and
# every service is checked for service, product, version and risk flags.
# A policy puts the server in a "servers" zone: several connections per
# host.  Daemons get their own data directories under $LAB_DIR and are
# killed by lab_teardown.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HEIIKI=${HEIIKI:-$src/heiiki}
. "$here/lib.sh"
. "$src/tests/probes/services_c.sh"
[ -x "$HEIIKI" ] || { echo "test_probes_c: $HEIIKI not built" >&2; exit 77; }
for b in squid krb5kdc kdb5_util rpcbind redis-server memcached mariadbd mariadb-install-db unbound chronyd dovecot slapd slapadd sshd openssl python3; do
	command -v $b >/dev/null 2>&1 || [ -x /usr/sbin/$b ] || { echo "test_probes_c: $b missing (make deps); skipped" >&2; exit 77; }
done
[ -x /usr/lib/postgresql/15/bin/postgres ] || { echo "test_probes_c: postgresql 15 missing; skipped" >&2; exit 77; }
lab_init probes-c
lab_ns srv
lab_ns scan
lab_link scan 198.18.51.2/24 srv 198.18.51.10/24
T=198.18.51.10
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=pacs-web.hospital.example" \
	-keyout "$LAB_DIR/key.pem" -out "$LAB_DIR/cert.pem" 2>/dev/null || lab_die "openssl req"
pc_redis srv 6379
pc_redis srv 6380 lab-only-pw
pc_redis srv 16379
pc_memcached srv 11211
pc_mariadb srv 3306
pc_postgres srv 5432
pc_unbound srv
pc_chrony srv
pc_dovecot srv
pc_slapd srv
pc_rpcbind srv
pc_krb5kdc srv
pc_squid srv
trap 'pc_rpcbind_stop; lab_teardown' EXIT
lab_sshd srv
sed -i 's/^Port 22/Port 40022/' "$LAB_DIR/sshd-srv/config"
kill "${LAB_PIDS[-1]}" 2>/dev/null; wait "${LAB_PIDS[-1]}" 2>/dev/null
lab_bg srv /usr/sbin/sshd -D -e -f "$LAB_DIR/sshd-srv/config"
lab_bg srv openssl s_server -quiet -www -accept 7443 -cert "$LAB_DIR/cert.pem" -key "$LAB_DIR/key.pem"
( cd "$LAB_DIR" && lab_bg srv python3 -m http.server 8042 --bind 0.0.0.0 ) >/dev/null 2>&1
for p in 6379 6380 16379 11211 3306 5432 53 143 110 389 40022 7443 8042 111 88 3128; do lab_wait_port srv $p; done
cat > "$LAB_DIR/policy.yaml" <<-EOP
version: 1
site: "probes-c lab"
zones:
  - name: servers
    role: server
    nets: [198.18.51.0/24]
EOP
explain=$LAB_DIR/explain.txt

out=$LAB_DIR/probe.json
start=$(date +%s%N)
lab_exec scan "$HEIIKI" probe --policy "$LAB_DIR/policy.yaml" --scanner-id lab-c --explain -o "$out" 2>"$explain" \
	$T:6379 $T:6380 $T:16379 $T:11211 $T:3306 $T:5432 $T:53 $T:53/udp $T:123/udp \
	$T:143 $T:110 $T:389 $T:40022 $T:7443 $T:8042 $T:111 $T:111/udp $T:88 $T:88/udp $T:3128
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "heiiki probe: exit $rc, ${ms} ms for 20 services"
[ $rc = 0 ] || { echo "FAIL: heiiki probe exit $rc"; exit 1; }

fails=0
svc() {	# PORT [udp]: that service as one JSON line, sorted keys
	python3 - "$out" "$1" "${2:-tcp}" <<-'EOP'
	import json, sys
	d = json.load(open(sys.argv[1]))
	for s in d["services"]:
	    if s["port"] == int(sys.argv[2]) and s["proto"] == sys.argv[3]:
	        print(json.dumps(s, sort_keys=True))
	EOP
}
expect() {	# PORT[/udp] DESCRIPTION PATTERN...
	case $1 in */udp) EXPECT_PROTO=udp ;; *) EXPECT_PROTO=tcp ;; esac
	expect_in "$@"
}
expect_in() {
	local port=${1%/udp} proto=$EXPECT_PROTO what=$2 s pat; shift 2
	s=$(svc "$port" $proto)
	for pat in "$@"; do
		if ! printf '%s' "$s" | grep -qF -- "$pat"; then
			echo "FAIL: $port/$proto ($what): missing $pat"
			echo "      got: $s"
			fails=$((fails + 1))
			return
		fi
	done
	echo "ok: $port/$proto $what"
}
expect_not() {	# PORT PROTO PATTERN
	if svc "$1" "$2" | grep -qF -- "$3"; then
		echo "FAIL: $1/$2 has $3"; fails=$((fails + 1))
	else
		echo "ok: $1/$2 without $3"
	fi
}
expect 6379 "Redis, no auth" '"service": "redis"' '"product": "Redis"' '"version": "7.0.15"' '"redis-no-auth"' \
	'"cpe": "cpe:2.3:a:redis:redis:7.0.15'
expect 6380 "Redis with requirepass" '"service": "redis"' '"product": "Redis"' '"auth_required": true'
expect_not 6380 tcp redis-no-auth
expect 16379 "Redis on an unlisted port (reply shape, then INFO)" '"service": "redis"' '"product": "Redis"' \
	'"method": "cascade"' '"cascade_step": "hello:redis"' '"version": "7.0.15"' '"redis-no-auth"'
expect 11211 "Memcached" '"service": "memcached"' '"product": "Memcached"' '"version": "1.6.18"' '"memcached-open"'
expect 3306 "MariaDB greeting" '"service": "mysql"' '"product": "MariaDB"' '"version": "10.11.' '"rule": "mariadb"'
expect 5432 "PostgreSQL" '"service": "postgresql"' '"product": "PostgreSQL"' '"auth_method": "sasl"' '"ssl": false'
expect 53 "unbound over TCP" '"service": "dns"' '"product": "Unbound"' '"version": "1.17.1"'
expect 53/udp "unbound over UDP" '"service": "dns"' '"product": "Unbound"' '"version": "1.17.1"' \
	'"recursion_available": true'
expect 123/udp "chrony, mode 3" '"service": "ntp"' '"stratum": 10' '"version": 4'
expect 111 "rpcbind DUMP over TCP" '"service": "rpcbind"' '"name": "portmapper"' '"count": 6'
expect 111/udp "rpcbind DUMP over UDP" '"service": "rpcbind"' '"name": "portmapper"'
expect 88 "MIT KDC over TCP" '"service": "kerberos"' '"product": "MIT Kerberos KDC"' '"KDC_ERR_C_PRINCIPAL_UNKNOWN"'
expect 88/udp "MIT KDC over UDP" '"service": "kerberos"' '"product": "MIT Kerberos KDC"' '"e_text": "CLIENT_NOT_FOUND"'
expect 3128 "squid proxy via the cascade" '"service": "http"' '"product": "Squid"' '"version": "5.7"' '"rule": "squid"'
expect 143 "Dovecot IMAP" '"service": "imap"' '"product": "Dovecot"'
expect 110 "Dovecot POP3" '"service": "pop3"' '"product": "Dovecot"'
expect 389 "slapd, anonymous read" '"service": "ldap"' '"product": "OpenLDAP"' '"anonymous_read": true' \
	'"ldap-anonymous-bind"'
expect 40022 "OpenSSH on an unlisted port" '"service": "ssh"' '"product": "OpenSSH"' '"version": "9.' \
	'"cascade_step": "greeting"' '"rule": "openssh-banner"'
expect 7443 "HTTPS on an unlisted port" '"service": "https"' '"cascade_step": "tls-http"' '"tls-self-signed"' \
	'"cn": "pacs-web.hospital.example"'
expect 8042 "HTTP on an unlisted port" '"service": "http"' '"cascade_step": "http"' '"server": "SimpleHTTP/'
# --explain names the rule and the text it matched
if grep -q "rule 'mariadb' matched mysql.server_version" "$explain" && grep -q "(cascade step greeting)" "$explain"; then
	echo "ok: --explain shows rules and cascade steps"
else
	echo "FAIL: --explain output:"; sed 's/^/      /' "$explain"; fails=$((fails + 1))
fi
# speed without harshness: 20 services incl. 4 cascades in well under the
# old 5 s-per-silent-port serial path
[ "$ms" -lt 15000 ] || { echo "FAIL: ${ms} ms for 20 services"; fails=$((fails + 1)); }
[ $fails = 0 ] || { echo "test_probes_c: $fails failure(s)"; exit 1; }
echo "test_probes_c: all checks passed"
