#!/usr/bin/env python3
# gen.py - build the small regression captures of tests/pcap/ (deterministic).
#
#   python3 tests/pcap/gen.py tests/pcap
#
# Every packet is assembled by hand with struct (no scapy) and written as a
# classic pcap file with a fixed timestamp sequence, so re-running the
# script gives byte-identical files.  Addresses are lab ranges only: the
# hospital is 198.18.0.0/15 and 2001:db8::/32, the outside 198.51.100.0/24
# and 203.0.113.0/24.  Each capture targets one decoder or dissector path;
# TESTLIST says which expected summary belongs to which file.
import os
import struct
import sys

T0 = 1763769600  # 2025-11-22T00:00:00Z


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


H1 = mac("02:00:00:00:01:10")   # office host
H2 = mac("02:00:00:00:01:20")   # imaging host
H3 = mac("02:00:00:00:01:30")   # host on the undeclared link
GW = mac("02:00:00:00:00:01")   # official gateway
VPN = mac("02:00:00:00:00:02")  # vendor VPN router
ROGUE = mac("02:00:00:00:00:03")  # undeclared second link
BCAST = b"\xff" * 6


class Pcap:
    def __init__(self, path, linktype, snaplen=65535):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                                 linktype))
        self.t = 0

    def add(self, frame, caplen=None, step=10000):
        self.t += step
        cl = len(frame) if caplen is None else caplen
        self.f.write(struct.pack("<IIII", T0 + self.t // 1000000,
                                 self.t % 1000000, cl, len(frame)))
        self.f.write(frame[:cl])

    def close(self):
        self.f.close()


def eth(dst, src, etype, payload, vlans=()):
    hdr = dst + src
    for tpid, vid in vlans:
        hdr += struct.pack(">HH", tpid, vid)
    return hdr + struct.pack(">H", etype) + payload


def ipv4(src, dst, proto, payload, ident=1, frag=0, mf=False):
    flags = (0x2000 if mf else 0) | (frag // 8)
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      flags, 64, proto, 0, ip4(src), ip4(dst))
    return hdr + payload


def ipv6(src, dst, nh, payload, ext=b""):
    return struct.pack(">IHBB16s16s", 0x60000000, len(ext) + len(payload),
                       nh, 64, ip6(src), ip6(dst)) + ext + payload


def tcp(sport, dport, flags, payload=b"", seq=1000, ack=0):
    fl = {"S": 0x02, "SA": 0x12, "A": 0x10, "PA": 0x18, "FA": 0x11,
          "R": 0x04, "RA": 0x14}[flags]
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 0x50, fl, 65535,
                       0, 0) + payload


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def arp_reply(sha, spa, tha, tpa):
    return struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, sha, ip4(spa),
                       tha, ip4(tpa))


def dns_name(n):
    out = b""
    for lab in n.split("."):
        out += bytes([len(lab)]) + lab.encode()
    return out + b"\0"


def dns_response(qname, answers, qtype=1):
    """answers: list of (owner, type, rdata-bytes); owner may be a
    compression pointer (int offset) or a name."""
    msg = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, len(answers), 0, 0)
    msg += dns_name(qname) + struct.pack(">HH", qtype, 1)
    for owner, typ, rdata in answers:
        o = struct.pack(">H", 0xC000 | owner) if isinstance(owner, int) \
            else dns_name(owner)
        msg += o + struct.pack(">HHIH", typ, 1, 300, len(rdata)) + rdata
    return msg


def client_hello(sni):
    name = sni.encode()
    sn = struct.pack(">HBH", len(name) + 3, 0, len(name)) + name
    exts = struct.pack(">HH", 0, len(sn)) + sn
    exts += struct.pack(">HH", 10, 4) + b"\x00\x02\x00\x1d"
    body = b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\x13\x01" + \
        b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def tcp_session(p, wrap, cli, srv, sport, dport, payload=b"", reply=b"x" * 40):
    """Handshake, one request, one reply, FIN both ways.  wrap(src, dst,
    segment, from_client) makes the frame."""
    p.add(wrap(cli, srv, tcp(sport, dport, "S"), True))
    p.add(wrap(srv, cli, tcp(dport, sport, "SA", ack=1001), False))
    p.add(wrap(cli, srv, tcp(sport, dport, "A", seq=1001), True))
    if payload:
        p.add(wrap(cli, srv, tcp(sport, dport, "PA", payload, seq=1001), True))
        p.add(wrap(srv, cli, tcp(dport, sport, "PA", reply), False))
    p.add(wrap(cli, srv, tcp(sport, dport, "FA"), True))
    p.add(wrap(srv, cli, tcp(dport, sport, "FA"), False))


def v4_eth(hmac, gmac, vlans=()):
    def w(src, dst, seg, from_client, proto=6):
        s, d = (hmac, gmac) if from_client else (gmac, hmac)
        return eth(d, s, 0x0800, ipv4(src, dst, proto, seg), vlans)
    return w


def gen_vlan(d):
    p = Pcap(os.path.join(d, "vlan-qinq.pcap"), 1)
    tcp_session(p, v4_eth(H1, GW, [(0x8100, 10)]), "198.18.32.10",
                "203.0.113.80", 40001, 80,
                b"GET / HTTP/1.1\r\nHost: Portal.Example.JP\r\n\r\n")
    tcp_session(p, v4_eth(H1, GW, [(0x88a8, 100), (0x8100, 20)]),
                "198.18.32.11", "203.0.113.81", 40002, 443,
                client_hello("qinq.example.net"))
    p.close()


def gen_sll(d):
    for name, lt in (("sll.pcap", 113), ("sll2.pcap", 276)):
        p = Pcap(os.path.join(d, name), lt)

        def frame(src_mac, payload, etype=0x0800):
            if lt == 113:
                return struct.pack(">HHH8sH", 0, 1, 6, src_mac + b"\0\0",
                                   etype) + payload
            return struct.pack(">HHIHBB8s", etype, 0, 2, 1, 0, 6,
                               src_mac + b"\0\0") + payload
        q = dns_response("sll.example.org", [(12, 1, ip4("203.0.113.53"))])
        p.add(frame(H1, ipv4("198.18.32.10", "198.51.100.53", 17,
                             udp(5353 + 1, 53, q[:12] + q[12:33]))))
        p.add(frame(GW, ipv4("198.51.100.53", "198.18.32.10", 17,
                             udp(53, 5354, q))))
        p.add(frame(H1, ipv4("198.18.32.10", "203.0.113.53", 6,
                             tcp(40100, 443, "S"))))
        p.add(frame(GW, ipv4("203.0.113.53", "198.18.32.10", 6,
                             tcp(443, 40100, "SA"))))
        p.add(frame(H1, ipv6("2001:db8:100:32::10", "2001:db8:ffff::1", 17,
                             udp(40200, 123, b"\x23" + bytes(47))), 0x86dd))
        p.close()


def gen_raw(d):
    for name, lt, v6 in (("raw.pcap", 101, None), ("linktype-ipv4.pcap", 228, False),
                         ("linktype-ipv6.pcap", 229, True), ("null.pcap", 0, None),
                         ("loop.pcap", 108, None)):
        p = Pcap(os.path.join(d, name), lt)

        def wrap(src, dst, seg, from_client, v6=v6):
            if v6 or (v6 is None and ":" in src):
                pkt = ipv6(src, dst, 6, seg)
                fam = 24
            else:
                pkt = ipv4(src, dst, 6, seg)
                fam = 2
            if lt == 0:
                return struct.pack("<I", fam) + pkt
            if lt == 108:
                return struct.pack(">I", fam) + pkt
            return pkt
        if v6 is not True:
            tcp_session(p, wrap, "198.18.32.12", "198.51.100.22", 40300, 22,
                        b"SSH-2.0-OpenSSH_9.2\r\n")
        if v6 is not False:
            tcp_session(p, wrap, "2001:db8:100:32::12", "2001:db8:ffff::22",
                        40301, 443, client_hello("v6.example.com"))
        p.close()


def gen_ipv6_ext(d):
    p = Pcap(os.path.join(d, "ipv6-ext.pcap"), 1)
    src, dst = "2001:db8:100:32::10", "2001:db8:ffff::80"
    seg = tcp(40400, 80, "PA", b"GET /x HTTP/1.0\r\nhost: v6ext.example\r\n\r\n")
    # hop-by-hop (8) -> destination options (16) -> TCP
    hbh = bytes([60, 0]) + bytes(6)
    dopt = bytes([6, 1]) + bytes(14)
    p.add(eth(GW, H1, 0x86dd, ipv6(src, dst, 0, seg, hbh + dopt)))
    # routing header type 0 with no addresses -> TCP
    rt = bytes([6, 0, 0, 0]) + bytes(4)
    p.add(eth(GW, H1, 0x86dd, ipv6(src, dst, 43, tcp(40401, 80, "S"), rt)))
    # fragment header, first fragment (offset 0, M=1) of UDP, then the rest
    body = udp(40402, 4500, bytes(64))
    fr1 = bytes([17, 0]) + struct.pack(">HI", 0x0001, 7)
    p.add(eth(GW, H1, 0x86dd, ipv6(src, dst, 44, body[:40], fr1)))
    fr2 = bytes([17, 0]) + struct.pack(">HI", 40 | 0, 7)
    p.add(eth(GW, H1, 0x86dd, ipv6(src, dst, 44, body[40:], fr2)))
    # a chain that never ends in a transport header (17 dest-opt headers)
    chain = b"".join(bytes([60, 0]) + bytes(6) for _ in range(17))
    p.add(eth(GW, H1, 0x86dd, ipv6(src, dst, 60, b"", chain)))
    p.close()


def gen_frag(d):
    p = Pcap(os.path.join(d, "ipv4-frag.pcap"), 1)
    body = udp(40500, 53, bytes(100))
    a, b = "198.18.32.10", "198.51.100.53"
    p.add(eth(GW, H1, 0x0800, ipv4(a, b, 17, body[:48], ident=77, mf=True)))
    p.add(eth(GW, H1, 0x0800, ipv4(a, b, 17, body[48:96], ident=77, frag=48,
                                   mf=True)))
    p.add(eth(GW, H1, 0x0800, ipv4(a, b, 17, body[96:], ident=77, frag=96)))
    # truncated capture: IPv4 header cut by the snaplen
    f = eth(GW, H1, 0x0800, ipv4(a, b, 6, tcp(40501, 80, "S")))
    p.add(f, caplen=24)
    # invalid: IHL 3
    bad = bytearray(ipv4(a, b, 6, tcp(40502, 80, "S")))
    bad[0] = 0x43
    p.add(eth(GW, H1, 0x0800, bytes(bad)))
    # 802.3 LLC frame (not decoded) and an ARP request
    p.add(BCAST + H1 + struct.pack(">H", 38) + bytes(38))
    p.add(eth(BCAST, H1, 0x0806, struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6,
                                             4, 1, H1, ip4(a), bytes(6),
                                             ip4("198.18.32.1"))))
    p.close()


def gen_dns_tls(d):
    p = Pcap(os.path.join(d, "dns-cname-tls.pcap"), 1)
    w = v4_eth(H1, GW)
    cli, dns = "198.18.32.10", "198.51.100.53"
    # www.hospital-cloud.example -> CNAME edge.cdn.example -> CNAME
    # e1.cdn.example -> A 203.0.113.10, A 203.0.113.11; AAAA elsewhere
    ans = [(12, 5, dns_name("edge.cdn.example")),
           ("edge.cdn.example", 5, dns_name("e1.cdn.example")),
           ("e1.cdn.example", 1, ip4("203.0.113.10")),
           ("e1.cdn.example", 1, ip4("203.0.113.11"))]
    q = dns_response("www.hospital-cloud.example", ans)
    p.add(w(cli, dns, udp(40600, 53, q[:12] + q[12:44]), True, 17))
    p.add(w(dns, cli, udp(53, 40600, q), False, 17))
    q6 = dns_response("v6.hospital-cloud.example",
                      [(12, 28, ip6("2001:db8:ffff::443"))], qtype=28)
    p.add(w(dns, cli, udp(53, 40601, q6), False, 17))
    # a response with a compression loop (must be rejected, not followed)
    loop = struct.pack(">HHHHHH", 1, 0x8180, 1, 1, 0, 0) + b"\xc0\x0c" + \
        struct.pack(">HH", 1, 1)
    p.add(w(dns, cli, udp(53, 40602, loop), False, 17))
    tcp_session(p, w, cli, "203.0.113.10", 40603, 443,
                client_hello("www.hospital-cloud.example"))
    tcp_session(p, w, cli, "203.0.113.11", 40604, 443,
                client_hello("api.hospital-cloud.example"))
    p.close()


def gen_exits(d):
    """Three exits: the official gateway, the vendor VPN router, an
    undeclared link; remote access both ways."""
    p = Pcap(os.path.join(d, "three-exits.pcap"), 1)
    p.add(eth(H1, GW, 0x0806, arp_reply(GW, "198.18.32.1", H1, "198.18.32.10")))
    p.add(eth(H2, VPN, 0x0806, arp_reply(VPN, "198.18.32.2", H2, "198.18.24.20")))
    p.add(eth(H3, ROGUE, 0x0806, arp_reply(ROGUE, "198.18.32.3", H3,
                                           "198.18.32.30")))
    tcp_session(p, v4_eth(H1, GW), "198.18.32.10", "203.0.113.80", 41000, 443,
                client_hello("updates.example.com"))
    # vendor: inbound RDP and VNC from the vendor network, IKE + ESP out
    tcp_session(p, v4_eth(VPN, H2), "198.51.100.10", "198.18.24.20", 50000,
                3389, b"\x03\x00\x00\x13" + bytes(15))
    tcp_session(p, v4_eth(VPN, H2), "198.51.100.10", "198.18.24.20", 50001,
                5900, b"RFB 003.008\n")
    w2 = v4_eth(H2, VPN)
    p.add(w2("198.18.24.20", "198.51.100.1", udp(500, 500, bytes(64)), True, 17))
    p.add(w2("198.18.24.20", "198.51.100.1", bytes(64), True, 50))
    p.add(w2("198.51.100.1", "198.18.24.20", bytes(64), False, 50))
    # undeclared link: SSH out, WireGuard on a non-standard port, AnyDesk
    tcp_session(p, v4_eth(H3, ROGUE), "198.18.32.30", "198.51.100.99", 41001,
                22, b"SSH-2.0-PuTTY\r\n")
    w3 = v4_eth(H3, ROGUE)
    wg = b"\x01\x00\x00\x00" + bytes(144)
    p.add(w3("198.18.32.30", "198.51.100.98", udp(41002, 443, wg), True, 17))
    tcp_session(p, w3, "198.18.32.30", "198.51.100.97", 41003, 7070)
    # internal only: office -> imaging, no exit
    tcp_session(p, v4_eth(H1, H2), "198.18.32.10", "198.18.24.20", 41004, 104)
    p.close()
    with open(os.path.join(d, "three-exits.yaml"), "w") as f:
        f.write("""version: 1
site: "tests/pcap three exits"
zones:
  - name: office
    role: office
    nets: [198.18.32.0/20]
  - name: imaging
    role: clinical
    nets: [198.18.24.0/24]
  - name: vendor-net
    role: external
    nets: [198.51.100.0/24]
  - name: internet
    role: external
    nets: [0.0.0.0/0, "::/0"]
exits:
  - name: main-gateway
    gateway: 198.18.32.1
    purpose: official internet uplink (firewall)
  - name: acme-vpn
    mac: "02:00:00:00:00:02"
    purpose: imaging vendor VPN router
""")


def gen_trunc(d):
    p = Pcap(os.path.join(d, "truncated-file.pcap"), 1)
    tcp_session(p, v4_eth(H1, GW), "198.18.32.10", "203.0.113.80", 42000, 80,
                b"GET / HTTP/1.1\r\nHost: cut.example\r\n\r\n")
    p.close()
    path = os.path.join(d, "truncated-file.pcap")
    data = open(path, "rb").read()
    open(path, "wb").write(data[:-30])
    # a link type heiiki does not decode (802.11 = 105): counted, skipped
    p = Pcap(os.path.join(d, "linktype-80211.pcap"), 105)
    p.add(bytes(40))
    p.add(bytes(24))
    p.close()


def gen_spans(d):
    """One night seen from three spans (core switch, vendor link, firewall
    outside), written as three per-span files and as one merged file (all
    frames ordered by time, earlier file first on a tie, as mergecap
    does).  The core and the firewall-outside spans both see the same
    HTTPS session frame for frame (duplicates 20 us apart) - counted once.
    Blocked attempts: 203.0.113.11 sends 3 SYNs (1 s apart) to
    198.18.10.40:3389 and gets nothing back; the allowed vendor source
    203.0.113.10 completes a session to the same port."""
    FWI = mac("02:00:00:00:00:11")   # firewall, inside leg
    FWO = mac("02:00:00:00:00:12")   # firewall, outside leg
    SRV = mac("02:00:00:00:01:40")   # RDP server 198.18.10.40
    frames = {"core": [], "vendor": [], "outside": []}
    t = [0]

    class Span:
        def __init__(self, name):
            self.name = name

        def add(self, frame, step=10000):
            t[0] += step
            frames[self.name].append((t[0], frame))

    core, vendor, outside = Span("core"), Span("vendor"), Span("outside")

    class Both:
        """The same frame on the core and the outside span."""
        def add(self, frame, step=10000):
            t[0] += step
            frames["core"].append((t[0], frame))
            frames["outside"].append((t[0] + 20, frame))

    core.add(eth(H1, FWI, 0x0806, arp_reply(FWI, "198.18.32.1", H1,
                                            "198.18.32.10")))
    vendor.add(eth(SRV, VPN, 0x0806, arp_reply(VPN, "198.18.10.2", SRV,
                                               "198.18.10.40")))
    # the hospital resolver answers a name of an internal server
    wc = v4_eth(H1, FWI)
    q = dns_response("pacs.hospital.example", [(12, 1, ip4("198.18.10.40"))])
    core.add(wc("198.18.32.10", "198.18.10.53", udp(43100, 53, q[:12] + q[12:39]),
                True, 17))
    core.add(wc("198.18.10.53", "198.18.32.10", udp(53, 43100, q), False, 17))
    tcp_session(Both(), v4_eth(H1, FWI), "198.18.32.10", "203.0.113.80",
                43000, 443, client_hello("updates.example.com"))
    # blocked: three SYNs from a source no rule allows, never answered
    for k in range(3):
        outside.add(eth(FWO, mac("02:00:00:00:00:99"), 0x0800,
                        ipv4("203.0.113.11", "198.18.10.40", 6,
                             tcp(51000, 3389, "S"), ident=100 + k)),
                    step=1000000 * (k + 1))
    # allowed: the vendor's source through the vendor router
    tcp_session(vendor, v4_eth(VPN, SRV), "203.0.113.10", "198.18.10.40",
                51001, 3389, b"\x03\x00\x00\x13" + bytes(15))
    # a long pause, then more traffic on the core span: an earlier file
    # must not make later files' flows look idle
    tcp_session(core, v4_eth(H1, FWI), "198.18.32.11", "203.0.113.81",
                43001, 443, client_hello("mail.example.com"))
    t[0] += 400 * 1000000
    tcp_session(core, v4_eth(H1, FWI), "198.18.32.11", "203.0.113.81",
                43001, 443)
    tcp_session(vendor, v4_eth(VPN, SRV), "203.0.113.10", "198.18.10.40",
                51002, 3389)
    for name in frames:
        p = Pcap(os.path.join(d, "spans-%s.pcap" % name), 1)
        for ts, fr in frames[name]:
            p.t = ts
            p.add(fr, step=0)
        p.close()
    merged = sorted(((ts, i, fr) for i, n in enumerate(("core", "vendor", "outside"))
                     for ts, fr in frames[n]), key=lambda x: (x[0], x[1]))
    p = Pcap(os.path.join(d, "spans-merged.pcap"), 1)
    for ts, _, fr in merged:
        p.t = ts
        p.add(fr, step=0)
    p.close()
    with open(os.path.join(d, "spans.yaml"), "w") as f:
        f.write("""version: 1
site: "tests/pcap spans"
zones:
  - name: servers
    role: server
    nets: [198.18.10.0/24]
  - name: office
    role: office
    nets: [198.18.32.0/20]
  - name: internet
    role: external
    nets: [0.0.0.0/0, "::/0"]
vendors:
  - name: acme
    sources: [203.0.113.10/32]
services:
  - name: rdp-acme
    service: rdp
    zones: [servers]
    from: [203.0.113.10]
    vendor: acme
exits:
  - name: main-gateway
    gateway: 198.18.32.1
    purpose: official internet uplink (firewall)
  - name: acme-vpn
    mac: "02:00:00:00:00:02"
    purpose: vendor VPN router
  - name: isp-router
    mac: "02:00:00:00:00:99"
    purpose: ISP router beyond the firewall (outside span)
""")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)
    for g in (gen_vlan, gen_sll, gen_raw, gen_ipv6_ext, gen_frag, gen_dns_tls,
              gen_exits, gen_trunc, gen_spans):
        g(d)


if __name__ == "__main__":
    main()
