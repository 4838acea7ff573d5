# crafted ICMP packets for each kind of ICMP signature test: type, code, ICMP id and sequence, IP ID, TTL,
# IP options, payload size and IP length. psad 2.4.6 reads an echo's CODE as its icmp_id and its ID as its
# icmp_seq, so signatures that want an icmp_id above 255 cannot match; those packets are sent all the same
craft <<'PY'
import os
d = os.environ['FW4']
send(IP(dst=d) / ICMP(type=5, code=1, gw='192.0.2.254') / IP(dst='192.0.2.77') / UDP())   # itype+icode: ICMP redirect host
send(IP(dst=d) / ICMP(type=8, id=1, seq=1) / Raw(b'L' * 900))                            # dsize>800: ICMP Large ICMP Packet
send(IP(dst=d, id=666) / ICMP(type=8, id=666, seq=0))                                     # icmpenum: cannot match (see test/golden/meta.test.ts)
send(IP(dst=d) / ICMP(type=8, id=0, seq=0))                                               # dsize 4+icmp_id (the CODE)+icmp_seq (the ID): Broadscan Smurf Scanner
send(IP(dst=d, id=13170) / ICMP(type=8, id=2, seq=2) / Raw(b'pppp'))                      # dsize 8 (LEN 32)+id: PING LINUX/*BSD, PING Sun Solaris
send(IP(dst=d) / ICMP(type=0, id=456, seq=0))                                             # TFN client command BE: cannot match (icmp_id is the CODE)
send(IP(dst=d, src='3.3.3.3') / ICMP(type=0, id=666, seq=5))                              # Stacheldraht server spoof: cannot match (icmp_id is the CODE)
send(IP(dst=d) / ICMP(type=8, code=0, id=3, seq=3) / Raw(b'n' * 64))                      # ip_len 92: PSAD-CUSTOM Nachi worm reconnaisannce
send(IP(dst=d, options=[IPOption_RR(routers=['0.0.0.0'] * 4)]) / ICMP(type=0, id=4, seq=4))  # ipopts rr: ICMP traceroute ipopts
send(IP(dst=d) / ICMP(type=9, code=0) / Raw(b'\0' * 8))                                   # itype: ICMP IRDP router advertisement
send(IP(dst=d, ttl=1) / ICMP(type=8, id=5, seq=5))                                        # itype+ttl: ICMP traceroute
PY
