# nmap ICMP echo sweep (-sn -PE) over 12 hosts behind the firewall
scan nmap -n -sn -PE --max-retries 0 "$LAN.31-42" >/dev/null
