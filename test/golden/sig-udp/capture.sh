# crafted UDP packets for each kind of UDP signature test: destination port, source port, payload size, IP length
craft <<'PY'
import os
d = os.environ['FW4']
def udp(sport, dport, n):
    send(IP(dst=d) / UDP(sport=sport, dport=dport) / Raw(b'u' * n))
udp(40001, 4120, 4)       # dp: BACKDOOR DeepThroat 3.1 Connection attempt [4120]
udp(40002, 0, 4)          # dp 0: BAD-TRAFFIC udp port 0 traffic
udp(40003, 31335, 10)     # dp+dsize: DDOS Trin00 Daemon to Master
udp(40004, 31335, 1)      # the same with a 1-byte payload: no match
udp(40005, 1434, 376)     # dp+ip_len 404: PSAD-CUSTOM Slammer communication attempt
udp(3344, 3345, 16)       # sp+dp+dsize: BACKDOOR Matrix 2.0 Client connect
udp(2140, 40006, 30)      # sp+dsize: BACKDOOR DeepThroat 3.1 Server Response
PY
