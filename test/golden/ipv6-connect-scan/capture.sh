# nmap connect scan over IPv6, and a few UDP probes
nmap_scan -6 -sT -p 1-160 "$FW6"
nmap_scan -6 -sU -p 53,123,161 "$FW6"
