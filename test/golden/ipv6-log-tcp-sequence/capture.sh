# nmap SYN scan over IPv6, logged with --log-tcp-sequence: psad 2.4.6 takes every line for an error, psad-node reads them
nmap_scan -6 -sS -p 1-160 "$SEQ6"
