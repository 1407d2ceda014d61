#!/usr/bin/env python3
"""gen_history.py OUTDIR SITE NIGHTS HOSTS SEED - synthetic nights of one site
for bench_history.sh: NIGHTS results documents (run.kind scan, complete,
one a day from 2025-01-01T16:00:00Z), each with HOSTS hosts (MAC, vendor,
zone, one DNS name), about 1.5 services per host (ports from a hospital
mix; 2 % of services absent on any night) and 10-30 findings drawn from a
pool of 60 (severity mix of the golden documents: roughly 10 % critical,
20 % high, 35 % medium, 20 % low, 15 % info) with Japanese and English
titles and remedies, as real nights carry.  Deterministic for a seed."""
import json, random, sys

out, site, nights, nhosts, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rnd = random.Random(seed)
zones = ["servers", "clinical", "office", "vendor", "mgmt"]
ports = [(22, "ssh"), (80, "http"), (443, "https"), (445, "microsoft-ds"), (3389, "ms-wbt-server"),
         (104, "dicom"), (2575, "hl7"), (5900, "vnc"), (8080, "http-proxy"), (23, "telnet")]
sevs = ["critical"] * 2 + ["high"] * 4 + ["medium"] * 7 + ["low"] * 4 + ["info"] * 3
rules = ["TELNET_OPEN", "RDP_NOT_ALLOWED_SOURCE", "VNC_NO_AUTH", "SERVICE_NOT_ALLOWED",
         "TLS_CERT_EXPIRED", "UNKNOWN_HOST", "VPN_PORTAL_EXPOSED", "SMB_SIGNING_OFF", "EOS_OS"]
hosts = []
for i in range(nhosts):
    addr = "198.18.%d.%d" % (10 + i // 250, 1 + i % 250)
    hosts.append({"addr": addr, "zone": zones[i % 5], "mac": "02:00:%02x:%02x:%02x:%02x" % (
        seed % 256, i >> 16 & 255, i >> 8 & 255, i & 255), "vendor": rnd.choice(
        ["Fujitsu", "NEC", "Canon Medical", "Dell", "HP", "Cisco"]),
        "hostnames": ["host%04d.hospital.example" % i]})
services = []
for h in hosts:
    for p, name in rnd.sample(ports, rnd.choice([1, 1, 2, 2, 3])):
        services.append({"addr": h["addr"], "proto": "tcp", "port": p, "state": "open",
                         "service": name, "product": "product-%d" % p, "version": "1.%d" % rnd.randrange(9)})
pool = []
for k in range(60):
    s = rnd.choice(services)
    rule, sev = rnd.choice(rules), rnd.choice(sevs)
    pool.append({"rule": rule, "severity": sev, "addr": s["addr"], "proto": "tcp", "port": s["port"],
                 "zone": zones[k % 5], "key": "%s|%s|tcp|%d|" % (rule, s["addr"], s["port"]),
                 "title": {"en": "%s on %s" % (rule, s["service"]), "ja": "%s の指摘 (%s)" % (s["service"], rule)},
                 "remedy": {"en": "Restrict or disable the service.", "ja": "サービスを制限または停止してください。"},
                 "evidence": "banner %d" % k, "checklist": "接続元制限"})
pool = list({f["key"]: f for f in pool}.values())
for n in range(nights):
    day = "2025-%02d-%02d" % (1 + n // 28 % 12, 1 + n % 28)
    year = 2025 + n // 336
    start = "%d%s" % (year, day[4:]) + "T16:00:00Z"
    doc = {"format": "heiiki-results", "version": 1,
           "run": {"kind": "scan", "heiiki_version": "0.1.0", "site": site,
                   "policy_hash": "%064x" % seed, "id": "%s-%04d" % (site.replace(" ", "_"), n),
                   "start": start, "end": start[:11] + "16:40:00Z", "status": "complete",
                   "vantage": {"zone": "office", "addr": "198.18.30.5", "interface": "eth0"},
                   "counters": {"sent": 131072, "received": 2210, "open": len(services)}},
           "hosts": hosts, "services": [s for s in services if rnd.random() > 0.02],
           "findings": rnd.sample(pool, min(len(pool), rnd.randrange(10, 31))),
           "flows": [], "exits": [], "peers": []}
    with open("%s/%04d.json" % (out, n), "w") as f:
        json.dump(doc, f, ensure_ascii=False, sort_keys=True)
