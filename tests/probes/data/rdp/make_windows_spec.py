#!/usr/bin/env python3
"""make_windows_spec.py - Windows RDP replies built from the specifications,
NOT recorded: no Windows runs in the lab (xrdp's replies next to these are
recorded from the real Debian xrdp).

  windows-step-a-hybrid-ex.bin  X.224 Connection Confirm with RDP_NEG_RSP
      (MS-RDPBCGR 2.2.1.2.1): flags 0x1f, selectedProtocol HYBRID_EX (8),
      SRC-REF 0x1234 as RDPBCGR 3.3.5.3.2 says Windows sends.
  windows-ntlm-tsrequest-2019.bin  the server's CredSSP TSRequest
      (MS-CSSP 2.2.1, version 6) whose negoToken is an NTLMSSP CHALLENGE
      (MS-NLMP 2.2.1.2): TargetName HOSP, AV pairs NetBIOS HOSP / EHR01,
      DNS hosp.example.test / ehr01.hosp.example.test, timestamp, and
      Version 10.0.17763 (Windows Server 2019).
Run from this directory: python3 make_windows_spec.py
"""
import struct


def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xff])
    return bytes([tag]) + ln + body


def u16(s):
    return s.encode("utf-16-le")


def challenge():
    av = b""
    for aid, val in [(2, u16("HOSP")), (1, u16("EHR01")), (4, u16("hosp.example.test")),
                     (3, u16("ehr01.hosp.example.test")), (5, u16("hosp.example.test")),
                     (7, struct.pack("<Q", 133000000000000000))]:
        av += struct.pack("<HH", aid, len(val)) + val
    av += struct.pack("<HH", 0, 0)
    tname = u16("HOSP")
    flags = 0xE28A8215
    hdr_len = 56
    off_t = hdr_len
    off_i = off_t + len(tname)
    msg = b"NTLMSSP\0" + struct.pack("<I", 2)
    msg += struct.pack("<HHI", len(tname), len(tname), off_t)
    msg += struct.pack("<I", flags)
    msg += bytes.fromhex("0123456789abcdef") + b"\0" * 8
    msg += struct.pack("<HHI", len(av), len(av), off_i)
    msg += struct.pack("<BBH", 10, 0, 17763) + b"\0\0\0" + bytes([15])
    assert len(msg) == hdr_len
    return msg + tname + av


ts = der(0x30, der(0xa0, der(0x02, b"\x06")) +
         der(0xa1, der(0x30, der(0x30, der(0xa0, der(0x04, challenge()))))))
with open("windows-ntlm-tsrequest-2019.bin", "wb") as f:
    f.write(ts)
neg = bytes([0x02, 0x1f]) + struct.pack("<HI", 8, 8)
x224 = bytes([0xd0, 0, 0, 0x12, 0x34, 0]) + neg
cc = bytes([len(x224)]) + x224
with open("windows-step-a-hybrid-ex.bin", "wb") as f:
    f.write(struct.pack(">BBH", 3, 0, 4 + len(cc)) + cc)
