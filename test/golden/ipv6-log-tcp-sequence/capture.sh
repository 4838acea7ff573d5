# nmap SYN scan over IPv6, logged with --log-tcp-sequence: psad 2.4.6 (and psad-node, as it) takes every line for an error
# (SEQ= and ACK= stand where its IPv6 pattern wants WINDOW=); the firewall check warns about such log rules
nmap_scan -6 -sS -p 1-160 "$SEQ6"
