# nmap NULL scan (-sN): no flags; psad's "SCAN NULL" (flags:0) never matches
nmap_scan -sN -p 1-160 "$FW4"
