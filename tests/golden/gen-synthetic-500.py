#!/usr/bin/env python3
# Writes tests/golden/synthetic-500.json: a 500-host site (five zones, one
# service per host, a Telnet finding on every 97th host) for the diagram's
# readability golden (hosts without findings fold into one node per zone).
import json, os
hosts, svcs, finds = [], [], []
zones = ['clinical', 'servers', 'office', 'imaging', 'vendor']
nets = {'clinical': '198.18.20', 'servers': '198.18.10', 'office': '198.18.30',
        'imaging': '198.18.24', 'vendor': '198.18.40'}
for i in range(500):
    z = zones[i % 5]
    a = '%s.%d' % (nets[z], 10 + i // 5)
    hosts.append({'addr': a, 'zone': z})
    svcs.append({'addr': a, 'proto': 'tcp', 'port': 443 if i % 3 else 22, 'state': 'open',
                 'service': 'https' if i % 3 else 'ssh'})
    if i % 97 == 0:
        finds.append({'rule': 'TELNET_PRESENT', 'severity': 'high',
                      'title': {'en': 'Telnet open', 'ja': 'Telnet が開いている'},
                      'addr': a, 'proto': 'tcp', 'port': 23, 'zone': z, 'evidence': 'telnet banner',
                      'key': 'TELNET_PRESENT|%s|tcp|23|' % a,
                      'remedy': {'en': 'Disable Telnet.', 'ja': 'Telnet を停止してください。'},
                      'checklist': '不要なサービスの停止'})
        svcs.append({'addr': a, 'proto': 'tcp', 'port': 23, 'state': 'open', 'service': 'telnet'})
doc = {'format': 'heiiki-results', 'version': 1,
       'run': {'kind': 'scan', 'site': 'synthetic 500-host site', 'status': 'complete',
               'start': '2026-11-21T16:00:00Z', 'end': '2026-11-21T17:00:00Z',
               'vantage': {'zone': 'office', 'addr': '198.18.30.5'}},
       'hosts': hosts, 'services': svcs, 'flows': [], 'exits': [], 'peers': [], 'findings': finds}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'synthetic-500.json'), 'w') as f:
    json.dump(doc, f, ensure_ascii=False, indent=0)
