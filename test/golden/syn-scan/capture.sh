# nmap SYN scan (-sS) of 160 TCP ports: DL 3, signatures of the ports in range, a p0f guess from nmap's MSS option
nmap_scan -sS -p 1-160 "$FW4"
