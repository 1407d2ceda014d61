#!/usr/bin/env python3
"""make_spec.py - Oracle TNS listener replies built from the TNS packet
layout, NOT recorded: Debian ships no Oracle listener.

TNS header: length (BE16), packet checksum 0, type, flags, header checksum 0.
REFUSE (4): user reason, system reason, data length (BE16), data.
ACCEPT (2): version, service options, SDU, TDU, hardware 1, data length,
data offset (from the packet start), flags, then the data.
REDIRECT (5): data length, data.  RESEND (11): header only.
The texts are those a listener writes for a remote COMMAND=VERSION
(ERR=1189: not allowed remotely; VSNNUM: the version in hex nibbles).
Run from this directory: python3 make_spec.py
"""
import struct


def hdr(n, t):
    return struct.pack(">HHBBH", n, 0, t, 0, 0)


def refuse(text):
    d = text.encode()
    body = struct.pack(">BBH", 0x22, 0x00, len(d)) + d
    return hdr(8 + len(body), 4) + body


def accept(text):
    d = text.encode()
    off = 8 + 24
    body = struct.pack(">HHHHHHHBB", 314, 0, 2048, 32767, 0x0100, len(d), off, 0x41, 0x01)
    body += b"\0" * (off - 8 - len(body))
    return hdr(off + len(d), 2) + body + d


def redirect(text):
    d = text.encode()
    body = struct.pack(">H", len(d)) + d
    return hdr(8 + len(body), 5) + body


V11204 = (11 << 24) | (2 << 20) | (0 << 12) | (4 << 8) | 0
V19 = (19 << 24)
files = {
    "refuse-11.2.0.4-err1189.bin": refuse(
        "(DESCRIPTION=(TMP=)(VSNNUM=%d)(ERR=1189)(ERROR_STACK=(ERROR=(CODE=1189)(EMFI=4))))" % V11204),
    "refuse-19-err1189.bin": refuse(
        "(DESCRIPTION=(TMP=)(VSNNUM=%d)(ERR=1189)(ERROR_STACK=(ERROR=(CODE=1189)(EMFI=4))))" % V19),
    "accept-9.2-banner.bin": accept(
        "TNSLSNR for Linux: Version 9.2.0.1.0 - Production\n\tTNS for Linux: Version 9.2.0.1.0 - Production"),
    "redirect.bin": redirect("(ADDRESS=(PROTOCOL=tcp)(HOST=198.18.5.5)(PORT=40000))"),
    "resend.bin": hdr(8, 11),
}
for name, b in files.items():
    with open(name, "wb") as f:
        f.write(b)
