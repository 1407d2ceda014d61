#!/usr/bin/env bash
# bench_sweep.sh - heiiki's SYN sweep against masscan and nmap, in one run.
#
# Lab: two namespaces joined by a veth pair.  The target namespace answers
# for a whole /16 (198.19.0.0/16 is a "local" route on its lo), listens on
# nmap's top-100 TCP ports, and an nftables set lets exactly BENCH_OPEN
# random (address, port) pairs through; every other SYN to those ports is
# answered with a RST.  So the ground truth is known exactly.
#
# For each rate R in BENCH_RATES every tool scans the /16 on the top-100
# ports (6.5 M probes):
#   heiiki scan --rate R --host-rate R --hosts-in-flight 65536
#   masscan --rate R (adapter, adapter-ip, router-mac given; bounded by timeout)
#   nmap -sS -n -Pn --min-rate R --max-rate R (bounded by timeout)
# and the script prints wall time, packets the scanner namespace sent per
# second of wall time, heiiki's own send-phase rate, recall, precision, CPU
# seconds and peak RSS (/usr/bin/time -v), then heiiki/masscan and
# heiiki/nmap ratios.  Finally heiiki's peak RSS in --dry-run for the /16
# and for a set as large as a /8 (2001:db8::/104, 2^24 addresses; capped at
# BENCH_DRY_PROBES probes) shows memory does not grow with the target set.
#
# The one-host full-port shape (issue #11): every tool scans all 65,535
# TCP ports of one target (198.18.0.2, listening on the top-100 ports and
# on 9 more spread up to 65535) at each rate in BENCH_FULL_RATES, with
# heiiki --rate R --host-rate R, nmap --min-rate R --max-rate R and
# masscan --rate R; wall, CPU, recall and the heiiki/peer ratios are
# printed.  Then heiiki's CPU microseconds per probe for three shapes of
# about 65,536 probes at BENCH_SHAPE_RATE: 1 host x 65,535 ports,
# 256 hosts x 256 ports, 65,536 hosts x 1 port (no growth with shape).
#
# BENCH_PARTS picks what runs: "full shapes slash16" (default: all).
# Root only (namespaces).  Slow: at 10k pps each tool needs ~11 minutes
# for the /16 shape; the full-port part takes a few minutes.
#   BENCH_RATES="100000" bash tests/bench/bench_sweep.sh
#   BENCH_PARTS="full shapes" bash tests/bench/bench_sweep.sh
# Not a test: numbers go to docs/performance.md by hand.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lib.sh"
HEIIKI=${HEIIKI:-$here/../../heiiki}
RATES=${BENCH_RATES:-"10000 100000"}
NOPEN=${BENCH_OPEN:-2000}
DRY_PROBES=${BENCH_DRY_PROBES:-30000000}
TOOLS=${BENCH_TOOLS:-"heiiki masscan nmap"}
PARTS=${BENCH_PARTS:-"full shapes slash16"}
FULL_RATES=${BENCH_FULL_RATES:-"5000 20000"}
SHAPE_RATE=${BENCH_SHAPE_RATE:-20000}
FULL_EXTRA="1234 2222 19999 33333 40001 47777 52000 59999 65535"
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
[ -x "$HEIIKI" ] || { echo "bench: $HEIIKI not built" >&2; exit 1; }
lab_init bench
D=$LAB_DIR

PORTS=$(nmap --top-ports 100 -v -oG - 2>/dev/null | sed -n 's/.*TCP(100;\([^)]*\)).*/\1/p')
[ -n "$PORTS" ] || lab_die "cannot get nmap's top-100 port list"

lab_ns s
lab_ns t
lab_link s 198.18.0.1/30 t 198.18.0.2/30 s0 t0
lab_exec t ip route add local 198.19.0.0/16 dev lo
lab_route s 198.19.0.0/16 198.18.0.2
lab_exec t sysctl -qw net.ipv4.tcp_max_syn_backlog=65536 net.core.somaxconn=65535 \
	net.ipv4.icmp_ratelimit=0 net.ipv4.tcp_syncookies=0
TMAC=$(lab_exec t cat /sys/class/net/t0/address)

# the open pairs (never the .0.0 / .255.255 edges, which heiiki skips)
python3 - "$PORTS" "$NOPEN" > "$D/truth.txt" <<'PY'
import random, sys
def expand(spec):
    for part in spec.split(","):
        a, _, b = part.partition("-")
        yield from range(int(a), int(b or a) + 1)
ports = list(expand(sys.argv[1]))
rng = random.Random(2026)
pairs = set()
while len(pairs) < int(sys.argv[2]):
    h = rng.randrange(1, 65535)
    pairs.add(("198.19.%d.%d" % (h >> 8, h & 255), rng.choice(ports)))
for a, p in sorted(pairs):
    print(a, p)
PY
{
	echo "table ip b {"
	echo "  set open { type ipv4_addr . inet_service; size 65536; elements = {"
	awk '{printf "    %s . %s,\n", $1, $2}' "$D/truth.txt"
	echo "  } }"
	echo "  chain in { type filter hook input priority 0;"
	echo "    ip daddr . tcp dport @open accept"
	echo "    ip daddr 198.18.0.2 accept"
	echo "    tcp flags & (syn|ack) == syn reject with tcp reset"
	echo "  }"
	echo "}"
} > "$D/rules.nft"
lab_exec t nft -f "$D/rules.nft" || lab_die "nft rules"
cat > "$D/listen.py" <<'PY'
import selectors, socket, sys
sel = selectors.DefaultSelector()
def expand(spec):
    for part in spec.split(","):
        a, _, b = part.partition("-")
        yield from range(int(a), int(b or a) + 1)
for p in expand(sys.argv[1]):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p))
    s.listen(4096)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        try:
            c, _ = key.fileobj.accept()
            c.close()
        except OSError:
            pass
PY
lab_bg t python3 "$D/listen.py" "$PORTS"
lab_bg t python3 "$D/listen.py" "$(echo $FULL_EXTRA | tr ' ' ,)"
sleep 1
# the full-port target's truth: top-100 (on 0.0.0.0) and the extra ports
python3 - "$PORTS" "$FULL_EXTRA" > "$D/truth-full.txt" <<'PY'
import sys
ps = set()
for part in sys.argv[1].split(","):
    a, _, b = part.partition("-")
    ps.update(range(int(a), int(b or a) + 1))
ps.update(int(x) for x in sys.argv[2].split())
for p in sorted(ps):
    print("198.18.0.2", p)
PY
cat > "$D/policy.yaml" <<'EOF2'
version: 1
site: bench
zones:
  - { name: bench, role: server, nets: [198.19.0.0/16] }
  - { name: big, role: server, nets: ["2001:db8::/104"] }
  - { name: one, role: server, nets: [198.18.0.2/32] }
scope: [198.19.0.0/16, "2001:db8::/104", 198.18.0.2/32]
EOF2

txpk() { lab_exec s cat /sys/class/net/s0/statistics/tx_packets; }

# tool R -> runs it under /usr/bin/time -v, leaves $D/<tool>-<R>.{out,time,tx}
run_tool() {
	local tool=$1 r=$2 base=$D/$1-$2 limit tx0 tx1
	limit=$(( 6600000 * 2 / r + 120 ))
	tx0=$(txpk)
	case $tool in
	heiiki)
		lab_exec s /usr/bin/time -v -o "$base.time" "$HEIIKI" scan --policy "$D/policy.yaml" \
			-p "$PORTS" --no-udp --rate "$r" --host-rate "$r" --hosts-in-flight 65536 \
			--no-probes --no-findings --no-arp --cooldown 3000 -o "$base.json" \
			198.19.0.0/16 > "$base.log" 2>&1 ;;
	masscan)
		# masscan 1.3.2 never exits when nothing more arrives on its
		# interface (peer-tools.md): a ping trickle towards the scanner
		# keeps its receive thread turning so --wait 3 can end the run
		lab_bg t ping -q -i 0.2 198.18.0.1
		lab_exec s /usr/bin/time -v -o "$base.time" timeout -s INT "$limit" masscan \
			198.19.0.0/16 -p "$PORTS" --rate "$r" --adapter s0 --adapter-ip 198.18.0.1 \
			--router-mac "$TMAC" --wait 3 -oL "$base.out" > "$base.log" 2>&1
		kill "${LAB_PIDS[-1]}" 2>/dev/null ;;
	nmap)
		lab_exec s /usr/bin/time -v -o "$base.time" timeout -s INT "$limit" nmap -sS -n -Pn \
			--min-rate "$r" --max-rate "$r" -p "$PORTS" -oG "$base.out" \
			198.19.0.0/16 > "$base.log" 2>&1 ;;
	esac
	tx1=$(txpk)
	echo $((tx1 - tx0)) > "$base.tx"
}

# one host, all ports: tool R -> $D/full-<tool>-<R>.{json,out,time}
run_full() {
	local tool=$1 r=$2 base=$D/full-$1-$2 limit
	limit=$(( 65535 * 6 / r + 120 ))
	case $tool in
	heiiki)
		lab_exec s /usr/bin/time -v -o "$base.time" "$HEIIKI" scan --policy "$D/policy.yaml" \
			-p 1-65535 --no-udp --rate "$r" --host-rate "$r" --no-probes --no-findings \
			--no-arp -o "$base.json" 198.18.0.2 > "$base.log" 2>&1 ;;
	masscan)
		lab_bg t ping -q -i 0.2 198.18.0.1
		lab_exec s /usr/bin/time -v -o "$base.time" timeout -s INT "$limit" masscan \
			198.18.0.2 -p 1-65535 --rate "$r" --adapter s0 --adapter-ip 198.18.0.1 \
			--router-mac "$TMAC" --wait 3 -oL "$base.out" > "$base.log" 2>&1
		kill "${LAB_PIDS[-1]}" 2>/dev/null ;;
	nmap)
		lab_exec s /usr/bin/time -v -o "$base.time" timeout -s INT "$limit" nmap -sS -n -Pn \
			--min-rate "$r" --max-rate "$r" -p 1-65535 -oG "$base.out" \
			198.18.0.2 > "$base.log" 2>&1 ;;
	esac
}

# heiiki, three shapes of ~65,536 probes: $D/shape-<name>.{json,time}
run_shape() {
	local name=$1; shift
	lab_exec s /usr/bin/time -v -o "$D/shape-$name.time" "$HEIIKI" scan \
		--policy "$D/policy.yaml" --no-udp --rate "$SHAPE_RATE" --host-rate "$SHAPE_RATE" \
		--no-probes --no-findings --no-arp --cooldown 1500 -o "$D/shape-$name.json" \
		"$@" > "$D/shape-$name.log" 2>&1
}

if part full; then
	for r in $FULL_RATES; do
		for tool in $TOOLS; do
			lab_log "full-port: running $tool at $r pps"
			run_full "$tool" "$r"
		done
	done
fi
if part shapes; then
	lab_log "shapes at $SHAPE_RATE pps"
	run_shape 1x65535 -p 1-65535 198.18.0.2
	run_shape 256x256 -p 1-256 --hosts-in-flight 256 --include-net-bcast 198.19.7.0/24
	run_shape 65536x1 -p 80 --hosts-in-flight 65536 --include-net-bcast 198.19.0.0/16
fi
if part slash16; then
	for r in $RATES; do
		for tool in $TOOLS; do
			lab_log "running $tool at $r pps"
			run_tool "$tool" "$r"
		done
	done
fi

# dry-run memory: the /16 x 100 ports, then a /8-sized set (capped)
part slash16 && lab_exec s /usr/bin/time -v -o "$D/dry16.time" "$HEIIKI" scan --policy "$D/policy.yaml" -n \
	-p "$PORTS" --no-udp 198.19.0.0/16 > /dev/null 2>&1
part slash16 && lab_exec s /usr/bin/time -v -o "$D/dry8.time" "$HEIIKI" scan --policy "$D/policy.yaml" -n \
	-p "$PORTS" --no-udp --max-probes "$DRY_PROBES" 2001:db8::/104 > /dev/null 2>&1

python3 - "$D" "$RATES" "$TOOLS" "$FULL_RATES" <<'PY'
import json, os, re, sys
D, rates, tools, full_rates = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
truth = set(tuple(l.split()) for l in open(os.path.join(D, "truth.txt")))
truth = set((a, int(p)) for a, p in truth)
def tv(path):
    t = open(path).read()
    def g(k):
        m = re.search(re.escape(k) + r": (.*)", t)
        return m.group(1).strip() if m else "0"
    w = g("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
    return wall, float(g("User time (seconds)")) + float(g("System time (seconds)")), int(g("Maximum resident set size (kbytes)")) / 1024
def found(tool, base):
    s = set()
    if tool == "heiiki":
        try:
            d = json.load(open(base + ".json"))
        except Exception:
            return s, None
        for x in d["services"]:
            if x["state"] == "open":
                s.add((x["addr"], x["port"]))
        sw = d["run"].get("sweep", {})
        c = d["run"]["counters"]
        rate = c["sent"] / sw["send_seconds"] if sw.get("send_seconds") else None
        return s, rate
    if not os.path.exists(base + ".out"):
        return s, None
    for l in open(base + ".out"):
        if tool == "masscan" and l.startswith("open tcp"):
            f = l.split()
            s.add((f[3], int(f[2])))
        if tool == "nmap" and "Ports:" in l:
            a = l.split()[1]
            for m in re.finditer(r"(\d+)/open/tcp", l):
                s.add((a, int(m.group(1))))
    return s, None
def tv_us(path):
    t = open(path).read()
    def g(k):
        m = re.search(re.escape(k) + r": (.*)", t)
        return float(m.group(1).strip()) if m else 0.0
    return g("User time (seconds)"), g("System time (seconds)")

# --- one host, all 65,535 ports ---
ftruth = set()
if os.path.exists(os.path.join(D, "truth-full.txt")):
    ftruth = set((a, int(p)) for a, p in (l.split() for l in open(os.path.join(D, "truth-full.txt"))))
frows = {}
for r in full_rates:
    for t in tools:
        base = os.path.join(D, "full-%s-%s" % (t, r))
        if not os.path.exists(base + ".time"):
            continue
        if not frows:
            print("one host x 65,535 TCP ports (%d open)" % len(ftruth))
            print("%-8s %7s %9s %8s %9s %8s %8s %9s %s" % ("tool", "rate", "wall s", "recall", "precision", "user s", "sys s", "us/probe", "heiiki: first pass / drops / status"))
        wall, cpu, rss = tv(base + ".time")
        user, sys_ = tv_us(base + ".time")
        got, _ = found(t, base)
        tp = len(got & ftruth)
        extra = ""
        if t == "heiiki" and os.path.exists(base + ".json"):
            d = json.load(open(base + ".json"))
            sw, c = d["run"]["sweep"], d["run"]["counters"]
            extra = "%.2f s (plan %.2f) / %d / %s" % (sw.get("first_pass_seconds", 0), 65535 / int(r), c["pcap_drop"], d["run"]["status"])
        frows[(t, r)] = (wall, tp / len(ftruth) if ftruth else 0, cpu)
        print("%-8s %7s %9.2f %7.2f%% %8.2f%% %8.2f %8.2f %9.1f %s" % (t, r, wall, 100 * tp / max(len(ftruth), 1),
              100 * tp / len(got) if got else 0, user, sys_, 1e6 * cpu / 65535, extra))
    for peer in ("masscan", "nmap"):
        if ("heiiki", r) in frows and (peer, r) in frows:
            h, p = frows[("heiiki", r)], frows[(peer, r)]
            print("  heiiki/%s at %s pps: wall %.3f, cpu %.2f, recall %.3f vs %.3f" % (
                peer, r, h[0] / p[0] if p[0] else 0, h[2] / p[2] if p[2] else 0, h[1], p[1]))

# --- CPU per probe by shape ---
shown = False
for name in ("1x65535", "256x256", "65536x1"):
    base = os.path.join(D, "shape-" + name)
    if not os.path.exists(base + ".json"):
        continue
    if not shown:
        print("heiiki CPU per probe by shape")
        print("%-9s %8s %9s %8s %8s %10s %12s" % ("shape", "probes", "sent", "user s", "sys s", "us/probe", "first pass s"))
        shown = True
    d = json.load(open(base + ".json"))
    user, sys_ = tv_us(base + ".time")
    c, sw = d["run"]["counters"], d["run"]["sweep"]
    print("%-9s %8d %9d %8.2f %8.2f %10.1f %12.2f" % (name, sw["probes"], c["sent"], user, sys_,
          1e6 * (user + sys_) / max(c["sent"], 1), sw.get("first_pass_seconds", 0)))

rows = {}
print("%-8s %7s %9s %10s %10s %8s %9s %8s %8s" % ("tool", "rate", "wall s", "pps(wall)", "pps(send)", "recall", "precision", "cpu s", "RSS MiB"))
for r in rates:
    for t in tools:
        base = os.path.join(D, "%s-%s" % (t, r))
        if not os.path.exists(base + ".time"):
            continue
        wall, cpu, rss = tv(base + ".time")
        got, srate = found(t, base)
        tx = int(open(base + ".tx").read())
        tp = len(got & truth)
        recall = tp / len(truth)
        prec = tp / len(got) if got else 0.0
        rows[(t, r)] = (wall, recall, prec, cpu, rss)
        extra = ""
        if t == "heiiki" and os.path.exists(base + ".json"):
            d = json.load(open(base + ".json"))
            c = d["run"]["counters"]
            extra = "  drops %d, rate cuts %d, retries %d, %s" % (c["pcap_drop"], d["run"]["sweep"].get("rx_backoffs", 0),
                                                                 c["retries"], d["run"]["status"])
        print("%-8s %7s %9.1f %10.0f %10s %7.2f%% %8.2f%% %8.1f %8.1f%s" % (t, r, wall, tx / wall if wall else 0,
              "%.0f" % srate if srate else "-", 100 * recall, 100 * prec, cpu, rss, extra))
    for peer in ("masscan", "nmap"):
        if ("heiiki", r) in rows and (peer, r) in rows:
            h, p = rows[("heiiki", r)], rows[(peer, r)]
            print("  heiiki/%s at %s pps: wall %.2f, cpu %.2f, rss %.2f, recall %.3f" % (
                peer, r, h[0] / p[0], h[3] / p[3] if p[3] else 0, h[4] / p[4] if p[4] else 0,
                h[1] / p[1] if p[1] else float("inf")))
for name in ("dry16", "dry8"):
    if not os.path.exists(os.path.join(D, name + ".time")):
        continue
    wall, cpu, rss = tv(os.path.join(D, name + ".time"))
    print("heiiki --dry-run %-4s peak RSS %.1f MiB (%.1f s)" % ("/16" if name == "dry16" else "/8", rss, wall))
PY
