# SYN+FIN+URG+PSH packets (nmap -O's odd probe, sent with hping3): psad's "-O" hint
scan hping3 -q -S -F -U -P -p ++20 -c 12 -i u20000 "$FW4" >/dev/null 2>&1 || true
