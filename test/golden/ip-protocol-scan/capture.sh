# nmap IP protocol scan (-sO) of 40 protocol numbers
nmap_scan -sO -p 0-39 "$FW4"
