# crafted packets for the "ip" signatures: addresses only, IP options (source routes), a source equal to the
# destination, TTL 0 (logged in raw PREROUTING: the kernel drops them before INPUT)
craft <<'PY'
import os
d, e = os.environ['FW4'], os.environ['EARLY4']
send(IP(dst='216.80.99.202') / TCP(sport=40001, dport=80, flags='S'))                          # BACKDOOR fragroute trojan (destination)
send(IP(dst=d, src='66.151.158.177') / TCP(sport=40002, dport=80, flags='S'))                  # POLICY poll.gotomypc.com access (source)
send(IP(dst=e, options=[IPOption_LSRR(routers=['192.0.2.1', '192.0.2.2'], pointer=4)]) / ICMP())  # MISC source route lssr
send(IP(dst=e, options=[IPOption_SSRR(routers=['192.0.2.1', '192.0.2.2'], pointer=4)]) / ICMP())  # MISC source route ssrr
send(IP(dst=e, src=e) / UDP(sport=40003, dport=53))                                            # BAD-TRAFFIC same SRC/DST
send(IP(dst=e, ttl=0) / TCP(sport=40004, dport=80, flags='S'))                                 # BAD-TRAFFIC 0 ttl
PY
