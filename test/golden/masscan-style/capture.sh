# SYNs with TCP options (nmap), then SYNs without any (hping3, as masscan sends them): "Masscan SYN scan"
nmap_scan -sS -p 1-3 "$FW4"
scan hping3 -q -S -p ++100 -c 20 -i u20000 "$FW4" >/dev/null 2>&1 || true
