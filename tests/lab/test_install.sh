#!/bin/bash
# test_install.sh - installed, not described: make install, the .deb, the
# units, and a scan as the heiiki user with capabilities only.
#
#   1. make install DESTDIR=T: every file and directory with its mode, the
#      units' ExecStart/User/capabilities substituted, the example policy
#      passes 'policy check' and 'scan --dry-run' as installed, a second
#      install keeps an edited policy, make uninstall keeps /etc and state.
#   2. make deb; dpkg -i: the heiiki user exists, /etc/heiiki is
#      root:heiiki 0750 (policy 0640), /var/lib/heiiki heiiki:heiiki 0750;
#      systemd-analyze verify on the three units prints nothing;
#      heiiki --version; the heiiki user can read and dry-run the policy.
#   3. In a lab hospital (namespaces): the installed heiiki scans as user
#      heiiki with exactly the capabilities the night unit grants
#      (AmbientCapabilities, CapabilityBoundingSet, NoNewPrivileges, read
#      from the installed unit): a SYN scan (mode "syn") finding the open
#      ports, results owned by heiiki, 0600.  The same user without the
#      capabilities falls back to connect(): the capabilities are what
#      made it a raw scan.  The capture unit's ExecStart, run the same way
#      on the scanner's interface and stopped with SIGTERM, exits 4 and
#      leaves a partial period document, 0600 heiiki, in its state dir.
#   4. dpkg -r leaves only the conffile; dpkg --purge leaves nothing of
#      the package (a GeoIP database present before is kept).
#   5. The README quick start, verbatim (systemctl lines aside), then undone.
#
# The machine is left as found: /var/lib/heiiki's owner and mode are
# restored, and the heiiki user is removed again if it did not exist.  If a
# heiiki package is already installed the .deb part is skipped (exit 77);
# another apt/dpkg holding the lock is waited for.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# test_install and test_install_night both build in this tree (make install,
# make deb) and install system-wide: never at the same time (run.sh runs two
# labs at once).  The lock is held until this test exits.
exec 9>/tmp/heiiki-lab-install.lock
flock -w 900 9 || { echo "another install test holds the lock for 15 min; skipping"; exit 77; }
SRC=${HEIIKI_SRCDIR:-$(cd "$here/../.." && pwd)}
for c in make dpkg dpkg-deb setpriv python3; do
	command -v $c >/dev/null || { echo "$c missing; skipping"; exit 77; }
done
lab_init install

fail() { echo "FAIL: $*" >&2; exit 1; }
# dpkg, waiting (at most 10 minutes) while another apt/dpkg holds the lock
dpkg_w() {
	local out i
	for i in $(seq 1 120); do
		out=$(dpkg "$@" 2>&1) && { printf '%s\n' "$out"; return 0; }
		printf '%s' "$out" | grep -q 'lock' || { printf '%s\n' "$out"; return 1; }
		sleep 5
	done
	printf '%s\n' "$out"; return 1
}
ok() { echo "ok: $*"; }
mode() { stat -c '%a %U:%G' "$1"; }
expect_mode() {	# PATH "MODE USER:GROUP"
	[ -e "$1" ] || fail "$1 missing"
	[ "$(mode "$1")" = "$2" ] || fail "$1: $(mode "$1"), expected $2"
}

# --- 1. make install DESTDIR ------------------------------------------------
T=$LAB_DIR/destdir
make -s -C "$SRC" install DESTDIR="$T" PREFIX=/usr/local >"$LAB_DIR/install.log" 2>&1 ||
	{ cat "$LAB_DIR/install.log"; fail "make install DESTDIR"; }
for spec in "etc/heiiki:750" "etc/heiiki/policy.yaml:640" "usr/local/bin/heiiki:755" \
	"usr/local/share/man/man8/heiiki.8:644" "usr/local/share/heiiki/example-policy.yaml:644" \
	"usr/local/lib/systemd/system/heiiki-night.service:644" \
	"usr/local/lib/systemd/system/heiiki-night.timer:644" \
	"usr/local/lib/systemd/system/heiiki-capture@.service:644" \
	"usr/local/lib/sysusers.d/heiiki.conf:644" "usr/local/lib/tmpfiles.d/heiiki.conf:644" \
	"usr/local/share/doc/heiiki/user-guide.md:644" \
	"usr/local/lib/heiiki/heiiki-pdf.so:644" "usr/local/lib/heiiki/heiiki-pg.so:644" \
	"var/lib/heiiki:750" "var/lib/heiiki/runs:750" "var/lib/heiiki/capture:750" \
	"var/lib/heiiki/geoip:755"; do
	p=$T/${spec%:*}
	[ -e "$p" ] || fail "make install: $p missing"
	[ "$(stat -c %a "$p")" = "${spec#*:}" ] || fail "$p: mode $(stat -c %a "$p"), expected ${spec#*:}"
done
U=$T/usr/local/lib/systemd/system
grep -q '@[A-Z]*@' "$U"/heiiki-* "$T"/usr/local/lib/*.d/heiiki.conf && fail "unsubstituted @VAR@ in installed units"
grep -qx 'ExecStart=/usr/local/bin/heiiki night --policy /etc/heiiki/policy.yaml' "$U/heiiki-night.service" ||
	fail "night unit ExecStart: $(grep ExecStart "$U/heiiki-night.service")"
grep -q '^ExecStart=/usr/local/bin/heiiki capture -i %I --rotate 1h' "$U/heiiki-capture@.service" ||
	fail "capture unit ExecStart"
for u in heiiki-night.service heiiki-capture@.service; do
	for l in User=heiiki 'AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN' \
		'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' NoNewPrivileges=yes \
		ProtectSystem=strict ReadWritePaths=/var/lib/heiiki; do
		grep -qx "$l" "$U/$u" || fail "$u: no '$l'"
	done
done
for l in Persistent=true RandomizedDelaySec=30min WantedBy=timers.target; do
	grep -qx "$l" "$U/heiiki-night.timer" || fail "timer: no '$l'"
done
grep -q '^u *heiiki ' "$T/usr/local/lib/sysusers.d/heiiki.conf" || fail "sysusers.d entry"
ok "make install DESTDIR: 17 paths with the right modes, units substituted"

"$T/usr/local/bin/heiiki" policy check "$T/etc/heiiki/policy.yaml" >/dev/null ||
	fail "installed example policy fails 'policy check'"
n=$("$T/usr/local/bin/heiiki" scan --policy "$T/etc/heiiki/policy.yaml" --dry-run | wc -l)
[ "${PIPESTATUS[0]}" = 0 ] && [ "$n" -gt 100000 ] || fail "scan --dry-run of the installed policy: exit ${PIPESTATUS[0]}, $n lines"
ok "installed example policy: policy check ok, scan --dry-run lists $n probes"

echo "# edited" >>"$T/etc/heiiki/policy.yaml"
make -s -C "$SRC" install DESTDIR="$T" PREFIX=/usr/local >"$LAB_DIR/install2.log" 2>&1 || fail "second make install"
tail -1 "$T/etc/heiiki/policy.yaml" | grep -qx '# edited' || fail "make install overwrote an edited policy"
make -s -C "$SRC" uninstall DESTDIR="$T" PREFIX=/usr/local >/dev/null 2>&1 || fail "make uninstall"
[ ! -e "$T/usr/local/bin/heiiki" ] && [ ! -e "$U/heiiki-night.service" ] || fail "uninstall left the binary or a unit"
[ -f "$T/etc/heiiki/policy.yaml" ] && [ -d "$T/var/lib/heiiki" ] || fail "uninstall removed the policy or the state"
left=$(cd "$T" && find . -type f | grep -v -e '^./etc/heiiki/policy.yaml$' | sort)
[ -z "$left" ] || fail "uninstall left files: $left"
ok "second install keeps the edited policy; uninstall removes all but /etc/heiiki and the state"

# --- 2. the Debian package ---------------------------------------------------
if dpkg -s heiiki >/dev/null 2>&1; then
	echo "a heiiki package is already installed on this machine; not replacing it (the .deb part is skipped)"
	exit 77
fi
[ -e /usr/bin/heiiki ] && { echo "/usr/bin/heiiki exists and is not from a package; skipping the .deb part"; exit 77; }
make -s -C "$SRC" deb >"$LAB_DIR/deb.log" 2>&1 || { tail -20 "$LAB_DIR/deb.log"; fail "make deb"; }
DEB=$(ls -t "$SRC"/build/heiiki_*.deb | head -1)
[ -f "$DEB" ] || fail "make deb produced no .deb"
# dpkg-shlibdeps lists the libraries in alphabetical order (libbson-1.0-0
# comes before libc6): look for each one, whatever the order
deps=$(dpkg-deb -f "$DEB" Depends)
# (libpq5, libcairo2 and libpangocairo come from the modules in /usr/lib/heiiki)
for lib in libc6 libpcap0.8 libnet1 libpq5 libbson-1.0-0 libsqlite3-0 libcairo2 \
	libpangocairo-1.0-0; do
	case ", $deps," in
	*", $lib "*|*", $lib,"*) ;;
	*) fail "Depends without the shared library $lib: $deps" ;;
	esac
done
dpkg-deb -f "$DEB" Depends | grep -q 'libmaxminddb0' || fail "Depends lacks libmaxminddb0"

# Leave the machine as found.
user_before=$(getent passwd heiiki >/dev/null && echo yes || echo no)
state_before=$( [ -d /var/lib/heiiki ] && stat -c '%a %u %g' /var/lib/heiiki || echo none)
geoip_before=$( [ -d /var/lib/heiiki/geoip ] && stat -c '%a %u %g' /var/lib/heiiki/geoip || echo none)
geo_sum=$( [ -f /var/lib/heiiki/geoip/country.mmdb ] && sha256sum < /var/lib/heiiki/geoip/country.mmdb || echo none)
restore() {
	dpkg -s heiiki >/dev/null 2>&1 && dpkg_w --purge heiiki >/dev/null 2>&1
	if [ "$state_before" != none ] && [ -d /var/lib/heiiki ]; then
		read -r m u g <<<"$state_before"; chown "$u:$g" /var/lib/heiiki; chmod "$m" /var/lib/heiiki
	fi
	if [ "$geoip_before" != none ] && [ -d /var/lib/heiiki/geoip ]; then
		read -r m u g <<<"$geoip_before"; chown "$u:$g" /var/lib/heiiki/geoip; chmod "$m" /var/lib/heiiki/geoip
	fi
	if [ "$user_before" = no ] && getent passwd heiiki >/dev/null && ! dpkg -s heiiki >/dev/null 2>&1; then
		userdel heiiki 2>/dev/null; getent group heiiki >/dev/null && groupdel heiiki 2>/dev/null
	fi
	true
}
trap 'restore; lab_teardown' EXIT

dpkg_w -i "$DEB" >"$LAB_DIR/dpkg-i.log" 2>&1 || { cat "$LAB_DIR/dpkg-i.log"; fail "dpkg -i"; }
getent passwd heiiki >/dev/null || fail "dpkg -i did not create the heiiki user"
[ "$(id -u heiiki)" != 0 ] || fail "heiiki has uid 0"
expect_mode /etc/heiiki "750 root:heiiki"
expect_mode /etc/heiiki/policy.yaml "640 root:heiiki"
expect_mode /var/lib/heiiki "750 heiiki:heiiki"
expect_mode /var/lib/heiiki/runs "750 heiiki:heiiki"
expect_mode /var/lib/heiiki/capture "750 heiiki:heiiki"
expect_mode /usr/bin/heiiki "755 root:root"
[ "$(/usr/bin/heiiki --version)" = "heiiki $(sed -n 's/^VERSION *:= *//p' "$SRC/Makefile")" ] ||
	fail "heiiki --version: $(/usr/bin/heiiki --version)"
ok "dpkg -i: user heiiki (uid $(id -u heiiki)), /etc/heiiki root:heiiki 0750, state heiiki 0750, $(/usr/bin/heiiki --version)"

if command -v systemd-analyze >/dev/null; then
	v=$(cd /usr/lib/systemd/system && systemd-analyze verify heiiki-night.service \
		heiiki-night.timer heiiki-capture@eth0.service 2>&1)
	[ -z "$v" ] || fail "systemd-analyze verify: $v"
	ok "systemd-analyze verify: the three units are clean"
else
	echo "note: systemd-analyze not installed; units not verified"
fi
setpriv --reuid=heiiki --regid=heiiki --init-groups /usr/bin/heiiki policy check /etc/heiiki/policy.yaml >/dev/null ||
	fail "user heiiki cannot check /etc/heiiki/policy.yaml"
setpriv --reuid=heiiki --regid=heiiki --init-groups /usr/bin/heiiki scan --policy /etc/heiiki/policy.yaml \
	--dry-run 2>/dev/null | head -1 | grep -q . || fail "user heiiki cannot dry-run the installed policy"
ok "user heiiki reads and dry-runs /etc/heiiki/policy.yaml"

# --- 3. a scan with capabilities only, as the night unit runs it -------------
NU=/usr/lib/systemd/system/heiiki-night.service
caps=$(sed -n 's/^AmbientCapabilities=//p' "$NU" | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g')
bset=$(sed -n 's/^CapabilityBoundingSet=//p' "$NU" | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g')
user=$(sed -n 's/^User=//p' "$NU")
[ "$caps" = "net_raw,+net_admin" ] && [ "$user" = heiiki ] || fail "unit: caps '$caps' user '$user'"
grep -qx NoNewPrivileges=yes "$NU" || fail "unit without NoNewPrivileges"
asunit() {	# run as the night unit would: its user, its capabilities, nothing else
	setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
		--inh-caps=-all,+$caps --ambient-caps=+$caps --bounding-set=-all,+$bset "$@"
}
capline=$(asunit grep -E '^CapEff' /proc/self/status | awk '{print $2}')
[ "$capline" = 0000000000003000 ] || fail "effective capabilities $capline, expected CAP_NET_RAW|CAP_NET_ADMIN (3000)"

lab_hospital
install -d -m 0750 -o heiiki -g heiiki "$LAB_DIR/out"
chmod 755 "$LAB_DIR"
cp "$here/demo-policy.yaml" "$LAB_DIR/policy.yaml"; chmod 644 "$LAB_DIR/policy.yaml"
NS=$(lab_nsname scanner)
ip netns exec "$NS" setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
	--inh-caps=-all,+$caps --ambient-caps=+$caps --bounding-set=-all,+$bset \
	/usr/bin/heiiki scan --policy "$LAB_DIR/policy.yaml" -p 22,104,443,3389 \
	-o "$LAB_DIR/out/caps.json" servers clinical 2>"$LAB_DIR/caps.err"
rc=$?
[ $rc -le 1 ] || fail "scan as heiiki with capabilities: exit $rc: $(cat "$LAB_DIR/caps.err")"
grep -q '"mode": *"syn"' "$LAB_DIR/out/caps.json" || fail "not a SYN scan with the unit's capabilities: $(cat "$LAB_DIR/caps.err")"
expect_mode "$LAB_DIR/out/caps.json" "600 heiiki:heiiki"
open=$(python3 - "$LAB_DIR/out/caps.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s:%d" % (s["addr"], s["port"]) for s in d["services"]
                      if s["proto"] == "tcp" and s["state"] == "open")))
PY
)
for want in 198.18.10.10:22 198.18.10.10:443 198.18.10.10:3389 198.18.10.20:104 198.18.10.20:22 198.18.20.10:104; do
	case " $open " in *" $want "*) ;; *) fail "caps-only SYN scan missed $want (found: $open)";; esac
done
ok "scan as heiiki with CAP_NET_RAW+CAP_NET_ADMIN only (CapEff 3000, no root): SYN scan, open: $open"

ip netns exec "$NS" setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
	--inh-caps=-all --bounding-set=-all \
	/usr/bin/heiiki scan --policy "$LAB_DIR/policy.yaml" -p 22,104,443,3389 --no-probes \
	-o "$LAB_DIR/out/nocaps.json" servers clinical 2>"$LAB_DIR/nocaps.err"
grep -q '"mode": *"connect"' "$LAB_DIR/out/nocaps.json" ||
	fail "without capabilities the scan was not a connect() scan: $(cat "$LAB_DIR/nocaps.err")"
ok "the same user without the capabilities: connect() scan (the capabilities made the raw scan)"

# the modules are found where the package put them (/usr/lib/heiiki), and the
# binary alone maps none of their libraries
setpriv --reuid=heiiki --regid=heiiki --init-groups /usr/bin/heiiki report --format pdf \
	-o "$LAB_DIR/out/r.pdf" "$LAB_DIR/out/nocaps.json" 2>"$LAB_DIR/pdf.err" ||
	fail "installed report --format pdf: $(cat "$LAB_DIR/pdf.err")"
head -c 5 "$LAB_DIR/out/r.pdf" | grep -q '^%PDF-' || fail "installed report --format pdf wrote no PDF"
pgerr=$(/usr/bin/heiiki history --db "host=/nonexistent/heiiki-test dbname=x" list 2>&1)
case $pgerr in *"module is missing"*|*"other sources"*) fail "installed PostgreSQL module: $pgerr" ;; esac
case $pgerr in *nonexistent*) ;; *) fail "installed PostgreSQL module did not try to connect: $pgerr" ;; esac
ldd /usr/bin/heiiki | grep -qE 'libpq|libcairo|libpango' && fail "/usr/bin/heiiki links libpq or cairo itself"
ok "installed modules: PDF report and PostgreSQL connection through /usr/lib/heiiki; the binary links neither"

# the capture unit's ExecStart, as heiiki with its capabilities, on the scanner's eth0
CU=/usr/lib/systemd/system/heiiki-capture@.service
mapfile -t ccmd < <(python3 - "$CU" <<'PY'
import sys, shlex
text = open(sys.argv[1]).read().replace("\\\n", " ")
line = [l for l in text.splitlines() if l.startswith("ExecStart=")][0][len("ExecStart="):]
for w in shlex.split(line.replace("%I", "eth0").replace("%i", "eth0")):
    if w != "$HEIIKI_CAPTURE_OPTS":
        print(w)
PY
)
[ "${ccmd[0]}" = /usr/bin/heiiki ] && [ "${ccmd[1]}" = capture ] || fail "capture unit ExecStart: ${ccmd[*]}"
( umask "$(sed -n 's/^UMask=//p' "$CU")"
  exec ip netns exec "$NS" setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
	--inh-caps=-all,+$caps --ambient-caps=+$caps --bounding-set=-all,+$bset "${ccmd[@]}" ) \
	2>"$LAB_DIR/cap.err" &
cpid=$!
lab_exec scanner ping -c 5 -i 0.2 -W 1 198.18.0.1 >/dev/null 2>&1
sleep 1
kill -TERM $cpid; wait $cpid; rc=$?
grep -qx 'SuccessExitStatus=4' "$CU" || fail "capture unit does not accept exit 4"
[ $rc = 4 ] || fail "capture unit command: exit $rc after SIGTERM: $(cat "$LAB_DIR/cap.err")"
expect_mode /var/lib/heiiki/capture/eth0 "750 heiiki:heiiki"
doc=$(ls /var/lib/heiiki/capture/eth0/ | grep -E '^flows-[0-9]{8}T[0-9]{6}Z\.json$' | head -1)
[ -n "$doc" ] || fail "capture unit wrote no period document: $(ls -la /var/lib/heiiki/capture/eth0)"
expect_mode "/var/lib/heiiki/capture/eth0/$doc" "600 heiiki:heiiki"
pk=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["run"]["status"], d["run"]["counters"].get("packets", 0))' "/var/lib/heiiki/capture/eth0/$doc")
[ "${pk%% *}" = partial ] && [ "${pk##* }" -ge 5 ] || fail "capture unit document: status/packets '$pk'"
ok "capture unit's command as heiiki with its capabilities: SIGTERM -> exit 4, $doc (0600 heiiki, partial, ${pk##* } packets)"

# --- 4. remove and purge ------------------------------------------------------
systemctl_wants=/etc/systemd/system/timers.target.wants
mkdir -p "$systemctl_wants" && ln -sf /usr/lib/systemd/system/heiiki-night.timer "$systemctl_wants/heiiki-night.timer"
install -d -m 0750 -o heiiki -g heiiki /var/lib/heiiki/runs/2026-12-05
echo '{}' >/var/lib/heiiki/runs/2026-12-05/scan.json
dpkg_w -r heiiki >"$LAB_DIR/dpkg-r.log" 2>&1 || { cat "$LAB_DIR/dpkg-r.log"; fail "dpkg -r"; }
[ "$(dpkg-query -W -f='${db:Status-Status}' heiiki 2>/dev/null)" = config-files ] || fail "after dpkg -r: status $(dpkg-query -W -f='${Status}' heiiki)"
for f in /usr/bin/heiiki /usr/lib/systemd/system/heiiki-night.service /usr/lib/systemd/system/heiiki-night.timer \
	/usr/lib/systemd/system/heiiki-capture@.service /usr/share/man/man8/heiiki.8 /usr/share/heiiki; do
	[ ! -e "$f" ] || fail "dpkg -r left $f"
done
[ -f /etc/heiiki/policy.yaml ] || fail "dpkg -r removed the conffile /etc/heiiki/policy.yaml (Debian keeps it until purge)"
ok "dpkg -r: program files gone, the conffile /etc/heiiki/policy.yaml kept"

dpkg_w --purge heiiki >"$LAB_DIR/dpkg-p.log" 2>&1 || { cat "$LAB_DIR/dpkg-p.log"; fail "dpkg --purge"; }
dpkg -s heiiki >/dev/null 2>&1 && fail "heiiki still known to dpkg after purge"
[ ! -e /etc/heiiki ] || fail "purge left /etc/heiiki: $(ls -A /etc/heiiki)"
[ ! -e "$systemctl_wants/heiiki-night.timer" ] || fail "purge left the timer enabled"
dpkg-statoverride --list | grep -q heiiki && fail "purge left a statoverride: $(dpkg-statoverride --list | grep heiiki)"
[ ! -e /var/lib/heiiki/runs ] && [ ! -e /var/lib/heiiki/capture ] || fail "purge left state: $(ls -A /var/lib/heiiki)"
if [ "$geo_sum" != none ]; then
	[ "$(sha256sum < /var/lib/heiiki/geoip/country.mmdb)" = "$geo_sum" ] || fail "purge removed or changed the GeoIP database"
	ok "dpkg --purge: /etc/heiiki, units, state gone; the GeoIP database put there before is kept"
else
	[ ! -e /var/lib/heiiki ] || fail "purge left /var/lib/heiiki: $(ls -A /var/lib/heiiki)"
	ok "dpkg --purge: /etc/heiiki, units and /var/lib/heiiki gone"
fi

# --- 5. the README quick start, verbatim -------------------------------------
# Every line of the first code block under "Quick start for a real hospital"
# runs as written, as root, in the source tree, except 'systemctl' (PID 1 is
# not systemd here).  ~ is a directory holding a GeoLite2-schema fixture,
# HEIIKI_GEOIP_DIR keeps this machine's database untouched, 'editor' is a
# stub that appends a comment.  Afterwards the install is undone.
if [ -e /usr/local/bin/heiiki ] || [ -e /etc/heiiki ]; then
	echo "note: /usr/local/bin/heiiki or /etc/heiiki exists; README quick start not run"
	echo PASS; exit 0
fi
QS=$LAB_DIR/quickstart
mkdir -p "$QS/home" "$QS/bin" "$QS/geoip"
cp "$SRC/tests/geoip/country-geolite2.mmdb" "$QS/home/GeoLite2-Country.mmdb"
printf '#!/bin/sh\necho "# edited by the quick-start test" >> "$1"\n' > "$QS/bin/editor"
chmod 755 "$QS/bin/editor"
awk '/^## Quick start for a real hospital/ {q=1} q && /^```sh/ {b=1; next} b && /^```/ {exit} b' \
	"$SRC/README.md" > "$QS/lines"
[ "$(wc -l < "$QS/lines")" -ge 6 ] || fail "README quick start block not found"
undo_quickstart() {
	make -s -C "$SRC" uninstall >/dev/null 2>&1
	rm -rf /etc/heiiki
	[ "$state_before" = none ] && rm -rf /var/lib/heiiki
	[ -d /var/lib/heiiki ] && rm -rf /var/lib/heiiki/runs /var/lib/heiiki/capture
	restore
}
trap 'undo_quickstart; lab_teardown' EXIT
n=0
while IFS= read -r line; do
	case "$line" in systemctl*|'') continue ;; esac
	( cd "$SRC" && HOME=$QS/home HEIIKI_GEOIP_DIR=$QS/geoip PATH=$QS/bin:$PATH \
		bash -c "$line" ) >"$QS/out.$n" 2>&1 ||
		{ cat "$QS/out.$n"; fail "README quick start line failed: $line"; }
	n=$((n + 1))
done < "$QS/lines"
[ -x /usr/local/bin/heiiki ] || fail "quick start: /usr/local/bin/heiiki not installed"
expect_mode /etc/heiiki "750 root:heiiki"
expect_mode /etc/heiiki/policy.yaml "640 root:heiiki"
expect_mode /var/lib/heiiki "750 heiiki:heiiki"
tail -1 /etc/heiiki/policy.yaml | grep -q 'edited by the quick-start test' || fail "quick start: editor line did not edit /etc/heiiki/policy.yaml"
cmp -s "$QS/geoip/country.mmdb" "$QS/home/GeoLite2-Country.mmdb" || fail "quick start: geo install did not install the database"
grep -l 'ok (10 zones' "$QS"/out.* >/dev/null || fail "quick start: no 'policy check' ok line"
[ "$(grep -hc -E '^(tcp|udp)\s' "$QS"/out.* | sort -n | tail -1)" -ge 5 ] || fail "quick start: dry-run printed no probes"
ok "README quick start: $n lines ran verbatim (systemctl skipped): installed, user heiiki, policy edited and checked, GeoIP installed, dry-run"
echo PASS
