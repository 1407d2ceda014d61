#!/usr/bin/env python3
"""make_spec.py - MongoDB replies built from the specifications, NOT recorded.

Debian ships no MongoDB server, so these replies are built here from the
MongoDB Wire Protocol (OP_MSG 2013, OP_REPLY 1) and bsonspec.org 1.1, with
the members and values the MongoDB documentation gives for `hello`,
`isMaster`, `buildInfo` and `listDatabases` (and its Unauthorized error).
responseTo is the probe's requestID for the step (0x48450000 + step).
Run from this directory: python3 make_spec.py
"""
import struct

REQ = 0x48450000


def cstr(s):
    return s.encode() + b"\0"


def elem(k, v):
    if isinstance(v, bool):
        return b"\x08" + cstr(k) + (b"\x01" if v else b"\x00")
    if isinstance(v, int):
        return b"\x10" + cstr(k) + struct.pack("<i", v)
    if isinstance(v, float):
        return b"\x01" + cstr(k) + struct.pack("<d", v)
    if isinstance(v, str):
        e = v.encode()
        return b"\x02" + cstr(k) + struct.pack("<i", len(e) + 1) + e + b"\0"
    if isinstance(v, list):
        return b"\x04" + cstr(k) + doc([(str(i), x) for i, x in enumerate(v)])
    if isinstance(v, tuple) and v[0] == "date":
        return b"\x09" + cstr(k) + struct.pack("<q", v[1])
    return b"\x03" + cstr(k) + doc(list(v.items()))


def doc(items):
    body = b"".join(elem(k, v) for k, v in items)
    return struct.pack("<i", len(body) + 5) + body + b"\0"


def op_msg(step, d):
    body = struct.pack("<I", 0) + b"\0" + d
    return struct.pack("<iiii", 16 + len(body), 0x1000 + step, REQ + step, 2013) + body


def op_reply(step, d):
    body = struct.pack("<IqiI", 8, 0, 0, 1) + d
    return struct.pack("<iiii", 16 + len(body), 0x1000 + step, REQ + step, 1) + body


def write(name, b):
    with open(name, "wb") as f:
        f.write(b)


HELLO_70 = [("isWritablePrimary", True),
            ("topologyVersion", {"processId": ("date", 0), "counter": 0}),
            ("maxBsonObjectSize", 16777216), ("maxMessageSizeBytes", 48000000),
            ("maxWriteBatchSize", 100000), ("localTime", ("date", 1764900000000)),
            ("logicalSessionTimeoutMinutes", 30), ("connectionId", 12),
            ("minWireVersion", 0), ("maxWireVersion", 21), ("readOnly", False),
            ("ok", 1.0)]
write("step0-hello-7.0.bin", op_msg(0, doc(HELLO_70)))
write("step0-hello-secondary-rs.bin", op_msg(0, doc([
    ("isWritablePrimary", False), ("secondary", True), ("setName", "pacs-rs0"),
    ("hosts", ["db1.example.test:27017", "db2.example.test:27017"]),
    ("minWireVersion", 0), ("maxWireVersion", 17), ("ok", 1.0)])))
write("step0-hello-mongos.bin", op_msg(0, doc([
    ("isWritablePrimary", True), ("msg", "isdbgrid"),
    ("minWireVersion", 0), ("maxWireVersion", 13), ("ok", 1.0)])))
write("step1-buildinfo-7.0.14.bin", op_msg(1, doc([
    ("version", "7.0.14"), ("gitVersion", "ce59cfc6a3c5e5c067dca0d30697edd68d4f5188"),
    ("modules", []), ("allocator", "tcmalloc"), ("javascriptEngine", "mozjs"),
    ("versionArray", [7, 0, 14, 0]), ("bits", 64), ("debug", False),
    ("maxBsonObjectSize", 16777216), ("ok", 1.0)])))
write("step2-listdb-ok.bin", op_msg(2, doc([
    ("databases", []), ("ok", 1.0)])))
write("step2-listdb-unauthorized.bin", op_msg(2, doc([
    ("ok", 0.0), ("errmsg", "command listDatabases requires authentication"),
    ("code", 13), ("codeName", "Unauthorized")])))
# legacy: a 3.4 server answering OP_QUERY isMaster on the second connection (step 1)
write("step1-legacy-ismaster-3.4.bin", op_reply(1, doc([
    ("ismaster", True), ("maxBsonObjectSize", 16777216), ("maxWireVersion", 5),
    ("minWireVersion", 0), ("ok", 1.0)])))
write("step2-legacy-buildinfo-3.4.24.bin", op_reply(2, doc([
    ("version", "3.4.24"), ("gitVersion", "865b4f6a96d0f5425e39a18337105f33e8db504d"),
    ("ok", 1.0)])))
