#!/bin/bash
# record_a.sh - record replies of REAL servers (xrdp, OpenSSH, vsftpd,
# inetutils telnetd, nginx with TLS) into tests/probes/data/ for the unit
# tests.  Servers run in one lab namespace, the recording client in another;
# nothing touches the root namespace, and lib.sh tears everything down.
#
#   sudo bash tests/probes/record_a.sh        (rewrites the recorded files)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$src/tests/lab/lib.sh"
. "$here/services_a.sh"
lab_init rec-a
D=$src/tests/probes/data
PY=$(command -v python3)
lab_ns srv
lab_ns cli
lab_link cli 198.18.50.2/24 srv 198.18.50.10/24
pa_certs "$LAB_DIR/certs"
chmod 755 "$LAB_DIR/certs"; chmod 644 "$LAB_DIR/certs/"*
pa_xrdp srv
lab_sshd srv
pa_vsftpd srv
pa_telnetd srv
pa_nginx srv "$D/http/www"
for p in 3389 22 21 23 80 443 10443 8443; do lab_wait_port srv $p; done
R() { lab_exec cli "$PY" "$here/record_a.py" "$@"; }
T=198.18.50.10
mkdir -p "$D/rdp" "$D/ssh" "$D/ftp" "$D/telnet" "$D/http" "$D/tls"
R rdp $T 3389 0x0b "$D/rdp/xrdp-step-a.bin"
sleep 0.3
R rdp $T 3389 0x00 "$D/rdp/xrdp-step-b.bin"
sleep 0.3
R rdp $T 3389 0x01 "$D/rdp/xrdp-step-c.bin"
R read $T 22 "$D/ssh/openssh.bin"
R read $T 21 "$D/ftp/vsftpd.bin"
R telnet $T 23 "$D/telnet/inetutils-step0.bin" "$D/telnet/inetutils-step1.bin" "$D/telnet/inetutils-step2.bin"
R http $T 80 / "$D/http/nginx-admin.http"
R http $T 8443 / "$D/http/nginx-default-tls.http" tls
R http $T 443 / "$D/http/globalprotect-lab-root.http" tls
R http $T 443 /global-protect/login.esp "$D/http/globalprotect-lab-login.http" tls
R http $T 10443 / "$D/http/fortigate-lab-root.http" tls
R http $T 10443 /remote/login "$D/http/fortigate-lab-login.http" tls
R cert $T 8443 "$D/tls/nginx-selfsigned.der"
ls -l "$D"/*/
