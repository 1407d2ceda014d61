#!/usr/bin/env python3
"""make_spec.py - TDS PRELOGIN responses built from MS-TDS 2.2.6.5, NOT recorded.

Debian ships no SQL Server, so the server's PRELOGIN response (TDS packet
type 0x04, option table VERSION / ENCRYPTION / INSTOPT / THREADID / MARS,
terminator 0xFF, then the option data) is built here as MS-TDS 2.2.6.5 and
its example 4.1 describe it.  VERSION: major, minor, build (big-endian),
sub-build.  Run from this directory: python3 make_spec.py
"""
import struct


def prelogin(major, minor, build, sub, enc, tdstype=0x04):
    opts = [(0x00, struct.pack(">BBHH", major, minor, build, sub)),
            (0x01, bytes([enc])), (0x02, b"\x00"), (0x03, b""), (0x04, b"\x00")]
    table_len = 5 * len(opts) + 1
    table, data = b"", b""
    for tok, val in opts:
        table += struct.pack(">BHH", tok, table_len + len(data), len(val))
        data += val
    pay = table + b"\xff" + data
    return struct.pack(">BBHHBB", tdstype, 0x01, 8 + len(pay), 0, 1, 0) + pay


for name, args in {
        "sql2019-encrypt-off.bin": (15, 0, 2000, 5, 0),
        "sql2022-encrypt-required.bin": (16, 0, 1000, 6, 3),
        "sql2008r2-not-supported.bin": (10, 50, 1600, 1, 2),
}.items():
    with open(name, "wb") as f:
        f.write(prelogin(*args))
