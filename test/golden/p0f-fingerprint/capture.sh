# SYNs with the TCP options of two known systems (pf.os): Windows XP's and OpenBSD 3.x's
craft <<'PY'
import os
d = os.environ['FW4']
for port in (80, 443, 8080, 8081, 8082, 8083):
    # Windows 2000/XP: window 65535, TTL 128, DF, MSS,NOP,NOP,SACK
    send(IP(dst=d, ttl=128, flags='DF') / TCP(sport=1100 + port % 100, dport=port, flags='S', window=65535,
         options=[('MSS', 1460), ('NOP', None), ('NOP', None), ('SAckOK', b'')]))
    # OpenBSD 3.x: window 16384, TTL 64, DF, MSS,NOP,NOP,SACK,NOP,WS0,NOP,NOP,TS
    send(IP(dst=d, src=os.environ['SCAN4'].rsplit('.', 1)[0] + '.8', ttl=64, flags='DF') / TCP(sport=2200 + port % 100, dport=port, flags='S', window=16384,
         options=[('MSS', 1460), ('NOP', None), ('NOP', None), ('SAckOK', b''), ('NOP', None), ('WScale', 0), ('NOP', None), ('NOP', None), ('Timestamp', (12345, 0))]))
PY
