#!/usr/bin/env python3
"""fake_credssp.py ADDR PORT CERT KEY DATADIR LOG - a CredSSP-only RDP
endpoint for tests/lab/test_probes_f.sh, answering with the spec-built
Windows replies of tests/probes/data/rdp/ (make_windows_spec.py).

Each connection: read the X.224 Connection Request; if it offers CredSSP
(HYBRID) answer windows-step-a-hybrid-ex.bin, then TLS (server side), read
one TSRequest and answer windows-ntlm-tsrequest-2019.bin when it carries an
NTLMSSP NEGOTIATE; otherwise answer RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER.
Every message received is logged (NEGOTIATE / AUTHENTICATE / other) so the
test can prove the probe never sends an AUTHENTICATE.  Bounded: at most 20
connections, 60 s in all, 5 s per read.  Runs inside a lab namespace only.
"""
import socket
import ssl
import sys
import time

addr, port, cert, key, data, logname = sys.argv[1:7]
log = open(logname, "a", buffering=1)
step_a = open(data + "/windows-step-a-hybrid-ex.bin", "rb").read()
ntlm = open(data + "/windows-ntlm-tsrequest-2019.bin", "rb").read()
fail = bytes([3, 0, 0, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 3, 0, 8, 0, 5, 0, 0, 0])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, int(port)))
srv.listen(4)
srv.settimeout(60)
end = time.time() + 60
for _ in range(20):
    if time.time() > end:
        break
    try:
        c, _peer = srv.accept()
    except OSError:
        break
    c.settimeout(5)
    try:
        req = c.recv(512)
        if len(req) < 19:
            log.write("short-request\n")
            c.close()
            continue
        offered = int.from_bytes(req[-4:], "little")
        log.write("x224 offered=%d\n" % offered)
        if not offered & 2:
            c.sendall(fail)
            c.close()
            continue
        c.sendall(step_a)
        t = ctx.wrap_socket(c, server_side=True)
        log.write("tls %s\n" % t.version())
        msg = t.recv(4096)
        at = msg.find(b"NTLMSSP\0")
        kind = msg[at + 8] if at >= 0 and len(msg) > at + 8 else -1
        log.write({1: "ntlm NEGOTIATE\n", 3: "ntlm AUTHENTICATE\n"}.get(kind, "other %d\n" % kind))
        if kind == 1:
            t.sendall(ntlm)
        more = t.recv(4096)
        if more:
            log.write("after-challenge %d bytes\n" % len(more))
        t.close()
    except (OSError, ssl.SSLError) as e:
        log.write("error %s\n" % e)
        c.close()
