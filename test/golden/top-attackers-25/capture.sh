# 26 sources (crafted) with 6 SYNs each over two ports: 26 sources at DL 1, more than STATUS_IP_THRESHOLD (25)
craft <<'PY'
import os
d = os.environ['FW4']
for n in range(101, 127):
    for k in range(6):
        send(IP(dst=d, src='198.51.100.%d' % n) / TCP(sport=41000 + k, dport=(1000 + n) if k % 2 else 2000, flags='S',
             options=[('MSS', 1460)]))
PY
