# nmap SYN scan over IPv6 (ip6tables LOG)
nmap_scan -6 -sS -p 1-160 "$FW6"
