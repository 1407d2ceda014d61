#!/bin/bash
# record_e.sh - record replies of REAL Debian daemons for the product rules
# of issue 13 (Postfix, Exim, Apache httpd, Net-SNMP, an open Squid's relay
# of the open-proxy check) into tests/probes/data/.
# Servers run in one lab namespace (198.18.50.10, the address the unit tests'
# probe context uses, so request IDs match), the recording client
# (tests/probes/record_b.c, one probe conversation) in another; nothing
# touches the root namespace, and lib.sh tears everything down.
#
#   sudo bash tests/probes/record_e.sh [EXIM_BINARY]
#
# exim4-daemon-light and postfix conflict as Debian packages (both are the
# system MTA), so Exim is recorded from the Debian binary unpacked without
# installing it:  apt-get download exim4-daemon-light && dpkg -x exim4-daemon-light_*.deb DIR
# then pass DIR/usr/sbin/exim4 (its package scripts did not run: create the
# system user it looks up first, as exim4-base does:
#   adduser --system --group --allow-bad-names --no-create-home Debian-exim).
# Without it the Exim sample is left as it is.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$src/tests/lab/lib.sh"
. "$here/services_e.sh"
EXIM=${1:-}
HEIIKI=${HEIIKI:-$src/heiiki}
[ -x "$HEIIKI" ] || { echo "record_e: build heiiki first" >&2; exit 1; }
lab_init rec-e
D=$src/tests/probes/data
LIB=$src/build/libheiiki.a
[ -f "$LIB" ] || lab_die "$LIB not built (make)"
cc -std=c17 -D_GNU_SOURCE -I"$src" -o "$LAB_DIR/record_b" "$here/record_b.c" "$LIB" \
	-ljansson $(pkg-config --libs libbson-1.0 2>/dev/null || echo -lbson-1.0) \
	-lssl -lcrypto -lm -lpthread || lab_die "cannot build record_b"
lab_ns srv
lab_ns srv2
lab_ns cli
lab_switch sw
lab_attach sw cli 198.18.50.2/24
lab_attach sw srv 198.18.50.10/24
lab_attach sw srv2 198.18.50.11/24
pe_postfix srv
pe_apache srv 80
pe_snmpd srv 161
pe_squid srv 3128 allow
[ -n "$EXIM" ] && pe_exim srv2 "$EXIM"
lab_wait_port srv 25
lab_wait_port srv 80
lab_wait_port srv 3128
[ -n "$EXIM" ] && lab_wait_port srv2 25
sleep 0.5
R() { lab_exec cli "$LAB_DIR/record_b" "$@"; }
mkdir -p "$D/mail" "$D/http" "$D/snmp"
R smtp 198.18.50.10 25 "$D/mail/postfix-3.7"
R http 198.18.50.10 80 "$D/http/apache-2.4"
R snmp 198.18.50.10 161 "$D/snmp/netsnmp-uname"
# the open-proxy check needs the runner's canary: record through heiiki itself
mkdir -p "$LAB_DIR/rec"
lab_exec cli env HEIIKI_PROBE_RECORD="$LAB_DIR/rec" "$HEIIKI" probe --scope 198.18.50.0/24 \
	--probe http-proxy -o "$LAB_DIR/proxy.json" 198.18.50.10:3128
cp "$LAB_DIR/rec/http-proxy-3128.step0.bin" "$D/http/squid-5.7-open-proxy.step0.bin"
if [ -n "$EXIM" ]; then
	# the unit tests' context names 198.18.50.10: the SMTP probe reads no
	# request ID, so recording the second server is equivalent
	R smtp 198.18.50.11 25 "$D/mail/exim-4.96"
fi
lab_teardown
ls -l "$D/mail" "$D/http/apache-2.4"* "$D/snmp"
