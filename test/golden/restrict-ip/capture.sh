# a SYN scan from the scanner and crafted SYNs from 203.0.113.77; run with --restrict-ip 198.51.100.0/24
nmap_scan -sS -p 1-20 "$FW4"
craft <<'PY'
import os
for p in range(1, 11):
    send(IP(dst=os.environ['FW4'], src='203.0.113.77') / TCP(sport=42000 + p, dport=p, flags='S', options=[('MSS', 1460)]))
PY
