# nmap connect scan (-sT): the kernel's own SYNs, with its full TCP options (p0f: Linux)
nmap_scan -sT -p 1-160 "$FW4"
