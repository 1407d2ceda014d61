# pg-common.sh - a throw-away PostgreSQL server for the history tests
# (test_history_pg.sh, bench_history.sh).  Source after lib.sh and
# lab_init:
#
#   pg_init            initdb in $LAB_DIR/pg as the unprivileged user
#                      "postgres" (Debian's packages), trust on the socket
#   pg_start / pg_stop the server, listening on no TCP address at all: only
#                      the unix socket in $PG_SOCK (nothing leaves the host,
#                      no port to collide with another test)
#   pg_sql SQL...      psql as the superuser, one value per line
#   pg_dsn [USER [DB]] a heiiki --db connection string (default postgres, heiiki)
#
# The EXIT trap stops the server (immediate) before lab_teardown removes
# the directory, also when the test fails.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=${PG_USER:-postgres}
PG_DATA="" PG_SOCK="" PG_PORT=""

pg_available() {
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && id "$PG_USER" >/dev/null 2>&1
}

pg_teardown() {
	local rc=$?
	if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
		runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w \
			-t 20 stop >/dev/null 2>&1
	fi
	( exit $rc )
	lab_teardown
}

pg_init() {
	pg_available || { echo "PostgreSQL 15 server (postgresql) not installed; skipping" >&2; exit 77; }
	PG_DATA=$LAB_DIR/pg/data PG_SOCK=$LAB_DIR/pg/sock
	PG_PORT=$(( 20000 + (RANDOM % 20000) ))
	mkdir -p "$PG_DATA" "$PG_SOCK"
	chown -R "$PG_USER" "$LAB_DIR/pg"
	chmod 700 "$PG_DATA"
	trap 'pg_teardown' EXIT
	runuser -u "$PG_USER" -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C.UTF-8 >"$LAB_DIR/pg/initdb.log" 2>&1 ||
		{ cat "$LAB_DIR/pg/initdb.log" >&2; lab_die "initdb failed"; }
	pg_start
	"$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres \
		-c 'CREATE DATABASE heiiki' || lab_die "cannot create database heiiki"
}

pg_start() {
	runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t 30 \
		-l "$LAB_DIR/pg/server.log" \
		-o "-c listen_addresses='' -k $PG_SOCK -p $PG_PORT -c fsync=off -c max_connections=60" \
		start >/dev/null || { cat "$LAB_DIR/pg/server.log" >&2; lab_die "postgres did not start"; }
}

pg_stop() {
	runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null
}

pg_sql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres \
		-d heiiki -c "$*"
}

pg_dsn() {
	printf 'postgresql:///%s?host=%s&port=%s&user=%s' "${2:-heiiki}" "$PG_SOCK" "$PG_PORT" \
		"${1:-postgres}"
}
