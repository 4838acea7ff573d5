# Topera-style IPv6 SYNs: eight empty destination-options headers before TCP (ip6tables logs each as "OPT ( )")
craft <<'PY'
import os
for port in range(1, 31):
    p = IPv6(dst=os.environ['FW6'])
    for _ in range(8):
        p = p / IPv6ExtHdrDestOpt()
    send(p / TCP(sport=40000 + port, dport=port, flags='S', window=8192))
PY
