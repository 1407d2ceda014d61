# services_a.sh - real servers for probe engineer A's recordings and lab
# test: xrdp, OpenSSH, vsftpd, inetutils telnetd, nginx (TLS + portal pages).
# Source after tests/lab/lib.sh and lab_init; every server runs inside a lab
# namespace through lab_bg, so lab_teardown stops it.
#
#   pa_certs DIR            self-signed RSA-2048 cert + key for nginx
#   pa_xrdp NS              xrdp on 3389 (TLS or standard RDP security, no NLA)
#   pa_vsftpd NS [PORT anon] vsftpd on 21 (no anonymous login), or on PORT with anonymous
#   pa_telnetd NS           inetutils telnetd on 23 (socat as inetd)
#   pa_nginx NS WWW         nginx: 80 admin page, 443 GlobalProtect-like portal,
#                           10443 FortiGate-like portal, 8443 default page (TLS)

pa_certs() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/O=Example Hospital/CN=portal.hospital.example" \
		-addext "subjectAltName=DNS:portal.hospital.example,IP:198.18.50.10" \
		-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null || lab_die "openssl req failed"
}

pa_xrdp() {
	local ns=$1 dir=$LAB_DIR/xrdp-$1
	mkdir -p "$dir"
	sed -e 's/^port=3389/port=tcp:\/\/:3389/' -e "s|^certificate=.*|certificate=$LAB_DIR/certs/cert.pem|" \
		-e "s|^key_file=.*|key_file=$LAB_DIR/certs/key.pem|" /etc/xrdp/xrdp.ini > "$dir/xrdp.ini"
	lab_bg "$ns" /usr/sbin/xrdp --nodaemon --config "$dir/xrdp.ini"
}

# pa_vsftpd NS [PORT [anon]]: vsftpd, local users only (21), or on PORT
# letting anonymous in (read-only, empty root) when the third word is anon.
pa_vsftpd() {
	local ns=$1 port=${2:-21} anon=${3:-} dir
	dir=$LAB_DIR/vsftpd-$1-$port
	mkdir -p "$dir/empty" "$dir/pub"
	chmod 555 "$dir/pub"
	cat > "$dir/vsftpd.conf" <<-EOC
	listen=YES
	listen_ipv6=NO
	listen_port=$port
	background=NO
	anonymous_enable=$([ "$anon" = anon ] && echo YES || echo NO)
	no_anon_password=NO
	anon_root=$dir/pub
	local_enable=$([ "$anon" = anon ] && echo NO || echo YES)
	pam_service_name=vsftpd
	write_enable=NO
	secure_chroot_dir=$dir/empty
	xferlog_enable=NO
	EOC
	lab_bg "$ns" /usr/sbin/vsftpd "$dir/vsftpd.conf"
}

pa_telnetd() {
	lab_bg "$1" socat TCP-LISTEN:23,reuseaddr,fork EXEC:/usr/sbin/telnetd,nofork
}

# WWW: directory with fortigate/, globalprotect/ and admin/ page trees.
pa_nginx() {
	local ns=$1 www=$2
	lab_nginx "$ns" "
		server { listen 80; root $www/admin; index index.html; }
		server {
			listen 443 ssl; root $www/globalprotect;
			location = / { return 302 /global-protect/login.esp; }
			location = /global-protect/login.esp { try_files /login.html =404; }
		}
		server {
			listen 10443 ssl; root $www/fortigate;
			location = / { try_files /index.html =404; }
			location = /remote/login { try_files /login.html =404; }
		}
		server { listen 8443 ssl; root /usr/share/nginx/html; index index.html; }"
}
