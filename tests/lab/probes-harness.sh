# probes-harness.sh - the record/replay harness of the real-daemon probe
# lab tests (test_probes_b.sh, test_probes_d.sh).  Sourced after lib.sh.
#
# probes_lab NAME NET: checks that the library is built (else exit 77),
# makes the lab (lab_init NAME), builds tests/probes/record_b.c against the
# library, and puts a switch with the client namespace "cli" at NET.10.
# Then, per server: host NS OCTET, and for each conversation
#   run NAME PROBE ADDR PORT [COMMUNITY]   record_b runs the probe's
#       hello()/parse() over blocking sockets (HEIIKI_RECORD=DIR saves
#       every reply: that is how tests/probes/data/<probe>/ was made),
#       output in $LAB_DIR/NAME.json; with the default community (and
#       NO_RUNNER unset) the target is also kept for the runner pass, as
#       udp when PROBE is in $UDP_PROBES;
#   check NAME 'jq expression' DESCRIPTION
# and at the end probes_finish TAG [CMD]: every kept target in one
# "heiiki probe" run (the product's poll()-loop runner) with the same jq
# expectations, the summary line, and the exit status (0 pass, 1 fail,
# 77 nothing ran).
HEIIKI=${HEIIKI:-$SRC/heiiki}
FAIL=0 PASS=0 SKIP=0
REC=${HEIIKI_RECORD:-}
UDP_PROBES=${UDP_PROBES:-}
declare -A TARGET=()
HP_CHECKS=()

probes_lab() {
	local lib=${HEIIKI_LIB:-$(dirname "$HEIIKI")/build/libheiiki.a}
	[ -f "$lib" ] || lib=$SRC/build/libheiiki.a
	[ -f "$lib" ] || { echo "skip: $lib not built (make all)"; exit 77; }
	command -v jq >/dev/null || { echo "skip: jq missing"; exit 77; }
	lab_init "$1"
	NET=$2
	[ -n "$REC" ] && mkdir -p "$REC"
	cc -std=c17 -D_GNU_SOURCE -I"$SRC" -o "$LAB_DIR/record_b" "$SRC/tests/probes/record_b.c" \
		"$lib" -ljansson $(pkg-config --libs libbson-1.0 2>/dev/null || echo -lbson-1.0) \
		-lssl -lcrypto -lm -lpthread || lab_die "cannot build record_b"
	lab_switch sw
	lab_ns cli; lab_attach sw cli "$NET.10/24"
}

host() { lab_ns "$1"; lab_attach sw "$1" "$NET.$2/24"; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
skip() { echo "SKIP $1: $2"; SKIP=$((SKIP + 1)); }

run() {
	local name=$1 probe=$2 addr=$3 port=$4 comm=${5:-public} pre
	pre=$LAB_DIR/rec-$name
	[ -n "$REC" ] && pre=$REC/$name
	lab_exec cli timeout 20 "$LAB_DIR/record_b" "$probe" "$addr" "$port" "$pre" HEIIKI "$comm" \
		> "$LAB_DIR/$name.json" 2> "$LAB_DIR/$name.err"
	if [ "$comm" = public ] && [ "${NO_RUNNER:-}" != 1 ]; then
		case " $UDP_PROBES " in
		*" $probe "*) TARGET[$name]="$addr:$port/udp" ;;
		*) TARGET[$name]="$addr:$port" ;;
		esac
	fi
	return 0
}

check() {
	if jq -e "$2" "$LAB_DIR/$1.json" >/dev/null 2>&1; then
		echo "ok   $1: $3"; PASS=$((PASS + 1))
	else
		echo "FAIL $1: $3"; echo "     got: $(cat "$LAB_DIR/$1.json")"
		sed 's/^/     /' "$LAB_DIR/$1.err" | tail -5
		FAIL=$((FAIL + 1))
	fi
	[ -n "${TARGET[$1]:-}" ] && HP_CHECKS+=("$1"$'\t'"$2"$'\t'"$3")
	return 0
}

# The runner pass: every kept target in one "heiiki probe" run.
heiiki_pass() {
	local t list=() line name expr what addr port proto
	[ -x "$HEIIKI" ] || { skip heiiki-probe "$HEIIKI not built"; return; }
	for t in "${TARGET[@]}"; do list+=("$t"); done
	[ ${#list[@]} -gt 0 ] || return
	lab_exec cli timeout 120 "$HEIIKI" probe --scope 198.18.0.0/15 --scanner-id HEIIKI -o "$LAB_DIR/runner.json" \
		"${list[@]}" > "$LAB_DIR/runner.err" 2>&1
	[ -s "$LAB_DIR/runner.json" ] || { echo "FAIL heiiki probe wrote nothing"; \
		tail -5 "$LAB_DIR/runner.err"; FAIL=$((FAIL + 1)); return; }
	for line in "${HP_CHECKS[@]}"; do
		IFS=$'\t' read -r name expr what <<<"$line"
		t=${TARGET[$name]}; proto=tcp
		case "$t" in */udp) proto=udp; t=${t%/udp} ;; esac
		addr=${t%:*}; port=${t##*:}
		jq -c --arg a "$addr" --argjson p "$port" --arg pr "$proto" \
			'.services[] | select(.addr == $a and .port == $p and .proto == $pr)' \
			"$LAB_DIR/runner.json" > "$LAB_DIR/hp-$name.json" 2>/dev/null
		if jq -e "$expr" "$LAB_DIR/hp-$name.json" >/dev/null 2>&1; then
			echo "ok   heiiki-probe $name: $what"; PASS=$((PASS + 1))
		else
			echo "FAIL heiiki-probe $name: $what"
			echo "     got: $(cat "$LAB_DIR/hp-$name.json")"; FAIL=$((FAIL + 1))
		fi
	done
}

wait_udp() {	# NS PORT
	local i
	for i in $(seq 1 50); do
		lab_exec "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

wait_tcp() {	# NS PORT (no lab_die: a daemon that does not start is a FAIL/SKIP)
	local i
	for i in $(seq 1 80); do
		lab_exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# probes_finish TAG [CMD]: the runner pass, CMD (which may read
# $LAB_DIR/runner.json), the summary and the exit status.
probes_finish() {
	local t0
	t0=$(date +%s)
	heiiki_pass
	echo "# heiiki probe pass: $(( $(date +%s) - t0 )) s"
	[ -n "${2:-}" ] && "$2"
	echo "$1: $PASS passed, $FAIL failed, $SKIP skipped"
	[ $FAIL -eq 0 ] || exit 1
	[ $PASS -gt 0 ] || exit 77
	exit 0
}
