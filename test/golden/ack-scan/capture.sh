# nmap ACK scan (-sA): ignored by default (IGNORE_CONNTRACK_BUG_PKTS Y), seen with N (overrides.conf)
nmap_scan -sA -p 1-160 "$FW4"
