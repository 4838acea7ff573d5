# ICMP types and codes: echo, timestamp and address mask requests (valid), an unknown type, codes a type does not have
scan ping -n -c 2 -i 0.2 "$FW4" >/dev/null 2>&1 || true
scan nmap -n -sn -PP -PM --send-ip --max-retries 0 "$FW4" >/dev/null 2>&1 || true
craft <<'PY'
import os
d = os.environ['FW4']
send(IP(dst=d) / ICMP(type=99, code=0))              # invalid type
send(IP(dst=d) / ICMP(type=8, code=2, id=7, seq=1))  # invalid code for Echo
send(IP(dst=d) / ICMP(type=3, code=99) / IP(dst='192.0.2.77') / UDP())  # invalid code for Destination Unreachable
PY
