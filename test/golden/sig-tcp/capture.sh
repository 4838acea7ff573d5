# one crafted TCP packet (or two) for each kind of TCP signature test a LOG line can show: ports, flags, IP ID,
# sequence number (logged for 192.0.2.2 only), window, payload size (from LEN) and TTL
craft <<'PY'
import os
d, s = os.environ["SEQ4"], os.environ["SCAN4"]
def syn(**kw):
    ip = {k: kw.pop(k) for k in ('ttl', 'id', 'src') if k in kw}
    data = kw.pop('data', b'')
    send(IP(dst=d, **ip) / TCP(**kw) / (Raw(data) if data else b''))
syn(sport=40001, dport=27665, flags='S')                      # dp+flags: DDOS Trin00 Attacker to Master
syn(sport=40002, dport=23476, flags='S')                      # dp: BACKDOOR DonaldDick 1.53 (any flags)
syn(sport=40003, dport=80, flags='S', src='255.255.255.5')    # flags and a source network: BACKDOOR Q access
syn(sport=40004, dport=81, flags='SF', id=39426)              # flags+id: SCAN synscan portscan
syn(sport=40005, dport=82, flags='S', id=413, seq=6060842)    # flags+id+seq: DOS NAPTHA
syn(sport=40006, dport=83, flags='S', data=b'x' * 80)         # flags+dsize: BAD-TRAFFIC data in TCP SYN packet
syn(sport=40007, dport=84, flags='S', seq=1958810375)         # flags+seq: SCAN ipEye SYN scan
syn(sport=40008, dport=85, flags='S', window=55808)           # flags+window: BACKDOOR typot trojan traffic
syn(sport=40009, dport=2589, flags='S')                       # sp+dp+flags: BACKDOOR Dagger 1.4.0
syn(sport=20432, dport=86, flags='S')                         # sp+flags: DDOS shaft client login to handler
syn(sport=10101, dport=87, flags='S', ttl=230)                # sp+flags+ttl: SCAN myscan
syn(sport=10101, dport=88, flags='S', ttl=64)                 # the same with TTL 64: no match
PY
