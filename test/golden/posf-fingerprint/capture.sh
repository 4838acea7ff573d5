# SYNs without TCP options, as posf's "Linux (2.4.x kernel)" entry describes them (LEN 60, TTL 64, window 5840, random IP IDs)
craft <<'PY'
import os, random
random.seed(14)
for port in (21, 22, 23, 25, 80, 110, 143):
    # 20 bytes of IP + 20 of TCP + 20 of data: LEN 60 without TCP options
    send(IP(dst=os.environ['FW4'], ttl=64, tos=0x10, id=random.randint(1, 65535)) / TCP(sport=33000 + port, dport=port, flags='S', window=5840) / Raw(b'\0' * 20))
PY
