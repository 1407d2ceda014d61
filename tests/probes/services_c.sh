# services_c.sh - real Debian daemons for the probes of tests/lab/test_probes_c.sh
# and tests/bench/bench_idents.sh.  Source after tests/lab/lib.sh and lab_init.
# Every daemon runs in the foreground inside a lab namespace through lab_bg
# (lab_teardown kills it), with its data under $LAB_DIR, bound to all lab
# addresses of that namespace only.
#
#   pc_redis NS PORT [PASSWORD]   redis-server, no auth (or requirepass)
#   pc_memcached NS PORT          memcached, no SASL
#   pc_mariadb NS PORT            mariadbd on a fresh datadir
#   pc_postgres NS PORT           PostgreSQL 15 on a fresh cluster (initdb)
#   pc_unbound NS                 unbound on 53 tcp+udp (version.bind on)
#   pc_chrony NS                  chronyd serving time (local stratum 10) on udp 123
#   pc_dovecot NS                 dovecot imap 143 + pop3 110
#   pc_slapd NS                   slapd, dc=hospital,dc=example, anonymous read

pc_redis() {
	local ns=$1 port=$2 pw=${3:-} dir=$LAB_DIR/redis-$1-$2
	mkdir -p "$dir"
	if [ -n "$pw" ]; then
		lab_bg "$ns" redis-server --port "$port" --bind 0.0.0.0 --dir "$dir" --save '' \
			--appendonly no --daemonize no --logfile "$dir/log" --requirepass "$pw"
	else
		lab_bg "$ns" redis-server --port "$port" --bind 0.0.0.0 --dir "$dir" --save '' \
			--appendonly no --daemonize no --logfile "$dir/log" --protected-mode no
	fi
}

pc_memcached() {
	lab_bg "$1" memcached -u nobody -p "$2" -U 0 -l 0.0.0.0 -m 16
}

pc_mariadb() {
	local ns=$1 port=$2 dir=$LAB_DIR/mariadb-$1
	mkdir -p "$dir/data"
	chown -R mysql:mysql "$dir"
	mariadb-install-db --no-defaults --datadir="$dir/data" --user=mysql \
		--skip-test-db --auth-root-authentication-method=socket >"$dir/install.log" 2>&1 ||
		lab_die "mariadb-install-db failed: $(tail -3 "$dir/install.log")"
	# an application account reachable from the lab, as hospital EHR databases have
	echo "CREATE USER IF NOT EXISTS 'ehr'@'198.18.%' IDENTIFIED BY 'lab-only-pw';" > "$dir/init.sql"
	chown mysql "$dir/init.sql"
	lab_bg "$ns" mariadbd --no-defaults --init-file="$dir/init.sql" --datadir="$dir/data" --user=mysql --port="$port" \
		--bind-address=0.0.0.0 --socket="$dir/sock" --pid-file="$dir/pid" \
		--skip-name-resolve --log-error="$dir/err.log"
}

pc_postgres() {
	local ns=$1 port=$2 dir=$LAB_DIR/pg-$1 bin=/usr/lib/postgresql/15/bin
	mkdir -p "$dir"
	chown postgres "$dir"
	echo lab-only-pw > "$dir/pw"; chown postgres "$dir/pw"
	runuser -u postgres -- "$bin/initdb" -A scram-sha-256 --pwfile="$dir/pw" \
		-D "$dir/data" >"$dir/initdb.log" 2>&1 || lab_die "initdb failed: $(tail -3 "$dir/initdb.log")"
	echo "host all all 198.18.0.0/15 scram-sha-256" >> "$dir/data/pg_hba.conf"
	lab_bg "$ns" runuser -u postgres -- "$bin/postgres" -D "$dir/data" -p "$port" \
		-c listen_addresses='*' -c unix_socket_directories="$dir" -c ssl=off
}

pc_unbound() {
	local ns=$1 dir=$LAB_DIR/unbound-$1
	mkdir -p "$dir"
	cat > "$dir/unbound.conf" <<-EOC
	server:
	  interface: 0.0.0.0
	  port: 53
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
	  hide-identity: no
	  auto-trust-anchor-file: ""
	  local-zone: "hospital.example." static
	  local-data: "pacs.hospital.example. A 198.18.10.20"
	remote-control:
	  control-enable: no
	EOC
	lab_bg "$ns" unbound -d -c "$dir/unbound.conf"
}

pc_chrony() {
	local ns=$1 dir=$LAB_DIR/chrony-$1
	mkdir -p "$dir"
	cat > "$dir/chrony.conf" <<-EOC
	local stratum 10
	allow 198.18.0.0/15
	port 123
	cmdport 0
	driftfile $dir/drift
	pidfile $dir/pid
	EOC
	lab_bg "$ns" chronyd -x -d -f "$dir/chrony.conf"
}

pc_dovecot() {
	local ns=$1 dir=$LAB_DIR/dovecot-$1
	mkdir -p "$dir/run" "$dir/mail"
	cat > "$dir/dovecot.conf" <<-EOC
	protocols = imap pop3
	listen = *
	base_dir = $dir/run
	state_dir = $dir/state
	log_path = $dir/log
	ssl = no
	disable_plaintext_auth = yes
	mail_location = maildir:$dir/mail/%u
	passdb {
	  driver = static
	  args = password=lab-only-unused
	}
	userdb {
	  driver = static
	  args = uid=nobody gid=nogroup home=$dir/mail/%u
	}
	EOC
	lab_bg "$ns" dovecot -F -c "$dir/dovecot.conf"
}

pc_slapd() {
	local ns=$1 dir=$LAB_DIR/slapd-$1
	mkdir -p "$dir/db"
	cat > "$dir/slapd.conf" <<-EOC
	include /etc/ldap/schema/core.schema
	include /etc/ldap/schema/cosine.schema
	include /etc/ldap/schema/inetorgperson.schema
	modulepath /usr/lib/ldap
	moduleload back_mdb
	pidfile $dir/pid
	database mdb
	suffix "dc=hospital,dc=example"
	rootdn "cn=admin,dc=hospital,dc=example"
	directory $dir/db
	EOC
	printf 'dn: dc=hospital,dc=example\nobjectClass: dcObject\nobjectClass: organization\ndc: hospital\no: Example Hospital\n' > "$dir/base.ldif"
	slapadd -f "$dir/slapd.conf" -l "$dir/base.ldif" >"$dir/slapadd.log" 2>&1 || lab_die "slapadd failed"
	lab_bg "$ns" slapd -d 0 -f "$dir/slapd.conf" -h "ldap://0.0.0.0:389/"
}


# rpcbind keeps its lock/socket under /run (shared across namespaces): one
# lab instance at a time; -f foreground, -w warm start off by default.
pc_rpcbind() {
	pgrep -x rpcbind >/dev/null && lab_die "an rpcbind is already running (shared /run lock)"
	rm -f /run/rpcbind.lock /run/rpcbind.sock	# stale ones from an earlier lab run
	lab_bg "$1" rpcbind -f
	PC_RPCBIND_PID=${LAB_PIDS[-1]}
}
# Stop it and remove what it leaves in /run (lock, socket, warm-start
# files); call before lab_teardown: trap 'pc_rpcbind_stop; lab_teardown' EXIT
pc_rpcbind_stop() {
	[ -n "${PC_RPCBIND_PID:-}" ] || return 0
	kill "$PC_RPCBIND_PID" 2>/dev/null; wait "$PC_RPCBIND_PID" 2>/dev/null
	PC_RPCBIND_PID=
	pgrep -x rpcbind >/dev/null || rm -f /run/rpcbind.lock /run/rpcbind.sock \
		/run/rpcbind/rpcbind.xdr /run/rpcbind/portmap.xdr
}

# MIT krb5kdc for realm HOSPITAL.EXAMPLE on 88 tcp+udp, database under $LAB_DIR
pc_krb5kdc() {
	local ns=$1 dir=$LAB_DIR/krb5-$1
	mkdir -p "$dir"
	cat > "$dir/kdc.conf" <<-EOC
	[kdcdefaults]
	  kdc_ports = 88
	  kdc_tcp_ports = 88
	[realms]
	  HOSPITAL.EXAMPLE = {
	    database_name = $dir/principal
	    key_stash_file = $dir/stash
	    acl_file = $dir/kadm5.acl
	  }
	[logging]
	  kdc = FILE:$dir/kdc.log
	EOC
	printf '[libdefaults]\n  default_realm = HOSPITAL.EXAMPLE\n' > "$dir/krb5.conf"
	KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf \
		kdb5_util create -s -r HOSPITAL.EXAMPLE -P lab-only-master >"$dir/create.log" 2>&1 ||
		lab_die "kdb5_util create failed: $(tail -2 "$dir/create.log")"
	KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf lab_bg "$ns" krb5kdc -n -r HOSPITAL.EXAMPLE
}

# squid forward proxy on 3128 (no cache, no upstream: the lab has no route out)
pc_squid() {
	local ns=$1 dir=$LAB_DIR/squid-$1
	mkdir -p "$dir"
	chown proxy "$dir"
	cat > "$dir/squid.conf" <<-EOC
	http_port 3128
	pid_filename $dir/squid.pid
	cache_log $dir/cache.log
	access_log none
	cache deny all
	coredump_dir $dir
	acl lab src 198.18.0.0/15
	http_access deny !lab
	http_access deny all
	EOC
	lab_bg "$ns" squid -N -f "$dir/squid.conf"
}
