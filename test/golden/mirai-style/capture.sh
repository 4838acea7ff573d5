# ten SYNs to telnet (23), then one to 2323 on the same host: the Mirai default-credentials pattern
scan hping3 -q -S -p 23 -c 10 -i u20000 "$FW4" >/dev/null 2>&1 || true
scan hping3 -q -S -p 2323 -c 1 "$FW4" >/dev/null 2>&1 || true
