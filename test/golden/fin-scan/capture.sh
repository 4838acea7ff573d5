# nmap FIN scan (-sF): sid 621 "SCAN FIN" on every packet
nmap_scan -sF -p 1-160 "$FW4"
