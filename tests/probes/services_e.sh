# services_e.sh - real Debian daemons for tests/probes/record_e.sh and
# tests/lab/test_probes_e.sh.  Source after tests/lab/lib.sh and lab_init.
# Every daemon runs in the foreground inside a lab namespace through lab_bg
# (lab_teardown kills it), with its configuration and data under $LAB_DIR.
#
#   pe_postfix NS               postfix start-fg: smtpd on 25
#   pe_exim NS EXIM             exim -bdf on 25 (EXIM: the exim4 binary; exim4
#                               and postfix conflict as packages, see record_e.sh)
#   pe_apache NS PORT           apache2 -DFOREGROUND, ServerTokens Full
#   pe_snmpd NS PORT            snmpd, rocommunity public, default sysDescr (uname)
#   pe_tftpd NS ADDR            in.tftpd (tftpd-hpa) on ADDR:69
#   pe_squid NS PORT allow|deny squid with http_access allow all / deny all
#   pe_unbound NS PORT          unbound on PORT tcp+udp (version.bind on)
#   pe_chrony NS PORT           chronyd serving time on udp PORT

pe_postfix() {
	local ns=$1 dir=$LAB_DIR/postfix-$1
	mkdir -p "$dir/etc" "$dir/spool" "$dir/data"
	cp /etc/postfix/master.cf "$dir/etc/master.cf"
	cat > "$dir/etc/main.cf" <<-EOC
	compatibility_level = 3.6
	myhostname = mail.hospital.example
	mydestination =
	inet_interfaces = all
	inet_protocols = ipv4
	queue_directory = $dir/spool
	data_directory = $dir/data
	maillog_file = $dir/maillog
	maillog_file_prefixes = $dir
	meta_directory = /etc/postfix
	smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
	EOC
	chown postfix "$dir/data"
	# postfix reports to syslog only unless stderr is a terminal: script(1) gives it one
	script -qc "postfix -c $dir/etc check" "$dir/check.log" >/dev/null 2>&1 ||
		lab_die "postfix check: $(tail -3 "$dir/check.log")"
	lab_bg "$ns" postfix -c "$dir/etc" start-fg
}

pe_exim() {
	local ns=$1 exim=$2 dir=$LAB_DIR/exim-$1
	mkdir -p "$dir/spool" "$dir/log"
	chown -R nobody:nogroup "$dir"
	cat > "$dir/exim.conf" <<-EOC
	exim_user = nobody
	exim_group = nogroup
	primary_hostname = mail.hospital.example
	spool_directory = $dir/spool
	log_file_path = $dir/log/%slog
	daemon_smtp_ports = 25
	local_interfaces = 0.0.0.0
	acl_smtp_rcpt = acl_check_rcpt
	begin acl
	acl_check_rcpt:
	  deny
	EOC
	lab_bg "$ns" "$exim" -C "$dir/exim.conf" -bdf
}

pe_apache() {
	local ns=$1 port=$2 dir=$LAB_DIR/apache-$1-$2 m=/usr/lib/apache2/modules
	mkdir -p "$dir/www" "$dir/run" "$dir/log"
	echo "hospital intranet" > "$dir/www/index.html"
	cat > "$dir/apache2.conf" <<-EOC
	ServerRoot "$dir"
	Listen $port
	PidFile $dir/run/apache2.pid
	DefaultRuntimeDir $dir/run
	ErrorLog $dir/log/error.log
	LoadModule mpm_event_module $m/mod_mpm_event.so
	LoadModule authz_core_module $m/mod_authz_core.so
	LoadModule dir_module $m/mod_dir.so
	LoadModule mime_module $m/mod_mime.so
	TypesConfig /etc/mime.types
	User nobody
	Group nogroup
	ServerName intranet.hospital.example
	ServerTokens Full
	DocumentRoot "$dir/www"
	<Directory "$dir/www">
	  Require all granted
	</Directory>
	EOC
	lab_bg "$ns" /usr/sbin/apache2 -f "$dir/apache2.conf" -DFOREGROUND
}

pe_snmpd() {
	local ns=$1 port=$2 dir=$LAB_DIR/snmpd-$1-$2
	mkdir -p "$dir"
	printf 'agentaddress udp:%s\nrocommunity public default\n' "$port" > "$dir/snmpd.conf"
	SNMP_PERSISTENT_DIR=$dir lab_bg "$ns" snmpd -f -Lo -C -c "$dir/snmpd.conf" -p "$dir/pid" \
		>"$dir/log" 2>&1
}

pe_tftpd() {
	mkdir -p "$LAB_DIR/tftproot-$1"
	lab_bg "$1" in.tftpd -L -s -u root -a "$2:69" "$LAB_DIR/tftproot-$1" >"$LAB_DIR/tftpd-$1.log" 2>&1
}

pe_squid() {
	local ns=$1 port=$2 how=$3 dir=$LAB_DIR/squid-$1-$2
	mkdir -p "$dir"
	chown proxy:proxy "$dir"
	cat > "$dir/squid.conf" <<-EOC
	http_port $port
	http_access $how all
	cache deny all
	cache_mem 8 MB
	cache_log $dir/cache.log
	access_log $dir/access.log
	pid_filename $dir/squid.pid
	coredump_dir $dir
	cache_effective_user proxy
	shutdown_lifetime 1 seconds
	visible_hostname proxy.hospital.example
	dns_nameservers 198.18.0.53
	EOC
	lab_bg "$ns" squid -N -f "$dir/squid.conf"
}

pe_unbound() {
	local ns=$1 port=$2 dir=$LAB_DIR/unbound-$1-$2
	mkdir -p "$dir"
	cat > "$dir/unbound.conf" <<-EOC
	server:
	  interface: 0.0.0.0
	  port: $port
	  do-ip6: no
	  do-daemonize: no
	  chroot: ""
	  username: ""
	  directory: "$dir"
	  pidfile: "$dir/pid"
	  use-syslog: no
	  logfile: ""
	  access-control: 198.18.0.0/15 allow
	  hide-version: no
	  auto-trust-anchor-file: ""
	  local-zone: "hospital.example." static
	remote-control:
	  control-enable: no
	EOC
	lab_bg "$ns" unbound -d -c "$dir/unbound.conf"
}

pe_chrony() {
	local ns=$1 port=$2 dir=$LAB_DIR/chrony-$1-$2
	mkdir -p "$dir"
	cat > "$dir/chrony.conf" <<-EOC
	local stratum 10
	allow 198.18.0.0/15
	port $port
	cmdport 0
	driftfile $dir/drift
	pidfile $dir/pid
	EOC
	lab_bg "$ns" chronyd -x -d -f "$dir/chrony.conf"
}
