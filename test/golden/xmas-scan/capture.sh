# nmap XMAS scan (-sX): URG PSH FIN, sid 1228
nmap_scan -sX -p 1-160 "$FW4"
