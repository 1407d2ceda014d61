#!/usr/bin/env python3
"""record_a.py - save real server replies for probe engineer A's unit tests.

Runs INSIDE a lab namespace (tests/probes/record_a.sh), never in the root
namespace.  Sends exactly what heiiki's probes send and writes the raw reply
bytes to a file.

  record_a.py rdp HOST PORT PROTOCOLS OUT     X.224 CR, cookie mstshash=heiiki
  record_a.py read HOST PORT OUT              server-first banner (2 s, 4 KiB)
  record_a.py telnet HOST PORT OUT0 OUT1...   banner, then refusals + reply per step
  record_a.py http HOST PORT PATH OUT [tls]   GET PATH, read until close
  record_a.py cert HOST PORT OUT              TLS leaf certificate (DER)
"""
import socket
import ssl
import sys
import time


def conn(host, port):
    s = socket.create_connection((host, int(port)), timeout=3)
    s.settimeout(2)
    return s


def read_all(s, cap=262144, idle=2.0):
    buf = b""
    end = time.time() + 8
    s.settimeout(idle)
    while len(buf) < cap and time.time() < end:
        try:
            d = s.recv(65536)
        except (socket.timeout, ssl.SSLError):
            break
        if not d:
            break
        buf += d
    return buf


def rdp(host, port, protos, out):
    cookie = b"Cookie: mstshash=heiiki\r\n"
    n = 11 + len(cookie) + 8
    pkt = bytes([3, 0, n >> 8, n & 255, n - 5, 0xE0, 0, 0, 0, 0, 0]) + cookie
    pkt += bytes([1, 0, 8, 0]) + int(protos, 0).to_bytes(4, "little")
    s = conn(host, port)
    s.sendall(pkt)
    open(out, "wb").write(read_all(s, 1024))


def refusals(data):
    out = b""
    i = 0
    while i + 2 < len(data) + 1:
        if data[i] == 255 and i + 1 < len(data):
            c = data[i + 1]
            if c == 250:
                j = data.find(b"\xff\xf0", i + 2)
                if j < 0:
                    break
                i = j + 2
                continue
            if c in (251, 253) and i + 2 < len(data):
                out += bytes([255, 254 if c == 251 else 252, data[i + 2]])
                i += 3
                continue
            i += 2
            continue
        i += 1
    return out


def telnet(host, port, *outs):
    s = conn(host, port)
    a = read_all(s, 4096, 1.5)
    open(outs[0], "wb").write(a)
    for out in outs[1:]:
        s.sendall(refusals(a))
        a = read_all(s, 4096, 2.0)
        open(out, "wb").write(a)


def http(host, port, path, out, tls=False):
    s = conn(host, port)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    hp = host if int(port) == (443 if tls else 80) else "%s:%s" % (host, port)
    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: heiiki/0.1.0 (heiiki)\r\n"
           "Accept: */*\r\nConnection: close\r\n\r\n" % (path, hp)).encode()
    s.sendall(req)
    open(out, "wb").write(read_all(s))


def cert(host, port, out):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(conn(host, port))
    open(out, "wb").write(s.getpeercert(binary_form=True))


def main():
    a = sys.argv[1:]
    if a[0] == "rdp":
        rdp(*a[1:5])
    elif a[0] == "read":
        s = conn(a[1], a[2])
        open(a[3], "wb").write(read_all(s, 4096))
    elif a[0] == "telnet":
        telnet(*a[1:])
    elif a[0] == "http":
        http(a[1], a[2], a[3], a[4], len(a) > 5)
    elif a[0] == "cert":
        cert(*a[1:4])


if __name__ == "__main__":
    main()
