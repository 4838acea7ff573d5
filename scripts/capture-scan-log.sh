#!/bin/bash
# Captures a real iptables/ip6tables log of real nmap scans.
#
#   sudo scripts/capture-scan-log.sh [OUTPUT]     (default examples/nmap-scans.log)
#
# Two network namespaces joined by a veth pair: a "firewall" (10.77.0.1,
# fd77::1) with the INPUT/FORWARD LOG + DROP rules psad advises, and a
# "scanner" (10.77.0.2, fd77::2) that runs nmap SYN, FIN, XMAS, NULL, UDP, IP
# protocol and IPv6 SYN scans against it. A private rsyslogd (own config, pid
# file and output in a temporary directory) reads the kernel log with imklog
# and writes it in the traditional syslog format; the firewall's LOG lines are
# then copied to OUTPUT. The host's own firewall is never touched. Everything
# created (namespaces, rsyslogd, temporary directory, the nf_log_all_netns
# setting) is removed or restored on exit, also when a step fails.
#
# Needs root, iproute2, iptables/ip6tables, nmap and rsyslog.
set -euo pipefail

OUT=${1:-examples/nmap-scans.log}

if [[ $(id -u) -ne 0 ]]; then
  echo "$0: must run as root" >&2
  exit 1
fi
for cmd in ip iptables ip6tables nmap rsyslogd flock; do
  command -v "$cmd" >/dev/null || { echo "$0: $cmd not found" >&2; exit 1; }
done

# Only one capture at a time: two imklog readers would split the kernel log
# between them. The lock is on this script itself, so nothing is left behind.
exec 9<"$0"
flock -w 300 9 || { echo "$0: another capture is running" >&2; exit 1; }

FW=psadcap-fw-$$
SCAN=psadcap-scan-$$
TMP=$(mktemp -d /tmp/psadcap.XXXXXX)
NFLOG=/proc/sys/net/netfilter/nf_log_all_netns
OLD_NFLOG=
RSYSLOG_PID=
NS_FW=
NS_SCAN=

cleanup() {
  local rc=$?
  set +e
  if [[ -n $RSYSLOG_PID ]]; then
    kill "$RSYSLOG_PID" 2>/dev/null
    wait "$RSYSLOG_PID" 2>/dev/null
  fi
  [[ -n $NS_SCAN ]] && ip netns delete "$SCAN" 2>/dev/null
  [[ -n $NS_FW ]] && ip netns delete "$FW" 2>/dev/null
  [[ -n $OLD_NFLOG ]] && echo "$OLD_NFLOG" >"$NFLOG"
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { echo "capture: $*" >&2; }
fw() { ip netns exec "$FW" "$@"; }
scanner() { ip netns exec "$SCAN" "$@"; }

START=$(date +%s.%N)

# --- network -----------------------------------------------------------------
ip netns add "$FW"; NS_FW=1
ip netns add "$SCAN"; NS_SCAN=1
# the pair is created directly inside the namespaces (no name clash in the host)
ip link add vethfw netns "$FW" type veth peer name vethscan netns "$SCAN"
fw ip link set lo up
scanner ip link set lo up
fw ip addr add 10.77.0.1/24 dev vethfw
scanner ip addr add 10.77.0.2/24 dev vethscan
fw ip -6 addr add fd77::1/64 dev vethfw nodad
scanner ip -6 addr add fd77::2/64 dev vethscan nodad
fw ip link set vethfw up
scanner ip link set vethscan up

# --- firewall (inside the firewall namespace only) -------------------------------
for ipt in iptables ip6tables; do
  fw "$ipt" -P INPUT ACCEPT
  fw "$ipt" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  fw "$ipt" -A INPUT -i lo -j ACCEPT
  if [[ $ipt == ip6tables ]]; then
    # neighbour discovery (router/neighbour solicitation/advertisement)
    for t in 133 134 135 136; do
      fw ip6tables -A INPUT -p ipv6-icmp --icmpv6-type "$t" -j ACCEPT
    done
  fi
  fw "$ipt" -A INPUT -j LOG --log-prefix "DROP " --log-ip-options --log-tcp-options
  fw "$ipt" -A INPUT -j DROP
  fw "$ipt" -A FORWARD -j LOG --log-prefix "DROP " --log-ip-options --log-tcp-options
  fw "$ipt" -A FORWARD -j DROP
done

# --- kernel log --------------------------------------------------------------------
# LOG rules of other namespaces than the host's only reach the kernel log with
# nf_log_all_netns set.
OLD_NFLOG=$(cat "$NFLOG")
echo 1 >"$NFLOG"

# user.* carries the markers written to /dev/kmsg (which cannot use the kern
# facility); the capture is what lies between the two markers.
cat >"$TMP/rsyslog.conf" <<EOF
global(workDirectory="$TMP")
module(load="imklog" PermitNonKernelFacility="on")
kern.*;user.* action(type="omfile" file="$TMP/kernel.log" template="RSYSLOG_TraditionalFileFormat")
EOF
rsyslogd -n -f "$TMP/rsyslog.conf" -i "$TMP/rsyslogd.pid" >"$TMP/rsyslogd.out" 2>&1 &
RSYSLOG_PID=$!

MARK="psadcap-$$-$RANDOM"
# waits until rsyslogd has written the marker $1 (it reads the kernel log in order)
wait_mark() {
  local i
  for ((i = 0; i < 200; i++)); do
    grep -qF "$1" "$TMP/kernel.log" 2>/dev/null && return 0
    kill -0 "$RSYSLOG_PID" 2>/dev/null || { cat "$TMP/rsyslogd.out" >&2; say "rsyslogd died"; return 1; }
    sleep 0.1
  done
  say "rsyslogd did not log $1 within 20 s"
  cat "$TMP/rsyslogd.out" >&2
  return 1
}
echo "<6>$MARK start" >/dev/kmsg
wait_mark "$MARK start"

# --- scans -----------------------------------------------------------------------
NMAP=(nmap -n -Pn -T4 --min-rate 1500 --max-retries 1)
run() { say "$*"; scanner "${NMAP[@]}" "$@" >"$TMP/nmap.out" 2>&1 || { cat "$TMP/nmap.out" >&2; return 1; }; }
run -sS -p 1-1100 10.77.0.1
run -sF -p 1-300 10.77.0.1
run -sX -p 1-300 10.77.0.1
run -sN -p 1-300 10.77.0.1
run -sU -p 1-40,53,67-69,111,123,137-139,161,162,500,514,520,1900,5353 10.77.0.1
run -sO -p 0-60,103,112,132,136 10.77.0.1
run -6 -sS -p 1-300 fd77::1

sleep 2
echo "<6>$MARK end" >/dev/kmsg
wait_mark "$MARK end"
kill "$RSYSLOG_PID"
wait "$RSYSLOG_PID" || true
RSYSLOG_PID=

# --- output --------------------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
sed -n "/$MARK start/,/$MARK end/p" "$TMP/kernel.log" \
  | grep -E ' kernel: (\[ *[0-9]+\.[0-9]+\] )?DROP IN=[^ ]* OUT=' >"$TMP/out.log" || true
cp "$TMP/out.log" "$OUT"

END=$(date +%s.%N)
say "$(wc -l <"$OUT") lines written to $OUT in $(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }') s"
