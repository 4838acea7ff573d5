# nmap UDP scan (-sU) of 160 ports (nmap adds payloads for some services)
nmap_scan -sU -p 1-160 "$FW4"
