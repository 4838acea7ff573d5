# ICMPv6 types and codes: echo (valid), an unassigned type, a code Neighbor Solicitation does not have, Redirect
# (type 137, which psad's icmp6_types file reads as a code of type 136: invalid type), echo with code 5
scan ping -6 -n -c 2 -i 0.2 "$FW6" >/dev/null 2>&1 || true
craft <<'PY'
import os
d = os.environ['FW6']
send(IPv6(dst=d) / ICMPv6Unknown(type=200, code=0, msgbody=b'\0' * 4))
send(IPv6(dst=d, hlim=255) / ICMPv6ND_NS(code=22, tgt=d))
send(IPv6(dst=d, hlim=255) / ICMPv6ND_Redirect(tgt='2001:db8:14::9', dst='2001:db8:99::1'))
send(IPv6(dst=d) / ICMPv6EchoRequest(code=5, id=9, seq=1))
PY
