#!/usr/bin/env python3
"""make_spec.py - RustDesk hbbs replies built from rendezvous.proto and the
BytesCodec framing (libs/hbb_common), NOT recorded: RustDesk is not packaged
for Debian.

  test-nat-response.bin  RendezvousMessage{test_nat_response(21):
                         TestNatResponse{port 40312, cu ConfigUpdate{serial 7,
                         rendezvous_servers ["rs-ny.rustdesk.example",
                         "rs-sg.rustdesk.example"]}}}
  key-exchange.bin       RendezvousMessage{key_exchange(25): KeyExchange{keys
                         [32 bytes]}} (what a newer hbbs may send first)
  big-frame.bin          the same TestNatResponse with a 2-byte frame header
                         (padding field 15 makes it longer than 63 bytes)
Run from this directory: python3 make_spec.py
"""


def varint(v):
    out = b""
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, wt, payload):
    tag = varint((num << 3) | wt)
    if wt == 2:
        return tag + varint(len(payload)) + payload
    return tag + payload


def frame(data):
    n = len(data)
    if n <= 0x3f:
        return bytes([n << 2]) + data
    h = (n << 2) | 1
    return bytes([h & 0xff, h >> 8]) + data


cu = field(1, 0, varint(7)) + field(2, 2, b"rs-ny.rustdesk.example") + \
    field(2, 2, b"rs-sg.rustdesk.example")
nat = field(1, 0, varint(40312)) + field(2, 2, cu)
with open("test-nat-response.bin", "wb") as f:
    f.write(frame(field(21, 2, nat)))
with open("key-exchange.bin", "wb") as f:
    f.write(frame(field(25, 2, field(1, 2, bytes(range(32))))))
with open("big-frame.bin", "wb") as f:
    f.write(frame(field(21, 2, nat + field(15, 2, b"x" * 40))))
