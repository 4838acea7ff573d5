# nmap SYN sweep of port 80 over 24 hosts behind the firewall (FORWARD chain): DL 2 from 20+ destinations
nmap_scan -sS -p 80 "$LAN.1-24"
