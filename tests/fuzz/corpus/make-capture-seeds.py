#!/usr/bin/env python3
# make-capture-seeds.py - seed corpora of fuzz_decode, fuzz_dns and
# fuzz_tls_sni from the regression captures in tests/pcap/ (run from the
# repository root after tests/pcap/gen.py).  decode seeds are one byte of
# link-type index (see fuzz_decode.c dlts[]) followed by one frame.
import os
import struct

DLT_INDEX = {1: 0, 113: 1, 276: 2, 101: 3, 228: 4, 229: 5, 0: 6, 108: 7}


def frames(path):
    data = open(path, "rb").read()
    lt = struct.unpack("<I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        cl = struct.unpack("<I", data[off + 8:off + 12])[0]
        yield lt, data[off + 16:off + 16 + cl]
        off += 16 + cl


def main():
    out = "tests/fuzz/corpus"
    n = 0
    for name in sorted(os.listdir("tests/pcap")):
        if not name.endswith(".pcap") or name.startswith("linktype-80211"):
            continue
        for i, (lt, fr) in enumerate(frames(os.path.join("tests/pcap", name))):
            if lt not in DLT_INDEX:
                continue
            if i % 3 == 0:
                with open(os.path.join(out, "decode", "%s-%d" % (name[:-5], i)), "wb") as f:
                    f.write(bytes([DLT_INDEX[lt]]) + fr)
                n += 1
            if lt == 1 and len(fr) > 42 and fr[23] == 17 and fr[34:36] == b"\x00\x35":
                with open(os.path.join(out, "dns", "%s-%d" % (name[:-5], i)), "wb") as f:
                    f.write(fr[42:])
            if lt == 1 and len(fr) > 54 and fr[23] == 6 and fr[54:55] in (b"\x16", b"G"):
                with open(os.path.join(out, "tls_sni", "%s-%d" % (name[:-5], i)), "wb") as f:
                    f.write(fr[54:])
    print("decode seeds:", n)


main()
