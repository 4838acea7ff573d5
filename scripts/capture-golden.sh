#!/bin/bash
# Captures the input logs of the golden cases (test/golden/<case>/input.log):
# real nmap, hping3 and scapy traffic through iptables/ip6tables LOG rules in
# network namespaces, written by a private rsyslogd.
#
#   sudo scripts/capture-golden.sh [--dry-run] [CASE...]   (default: every case with a capture.sh)
#
# --dry-run sends each case's traffic without LOG rules and writes nothing:
# a check of the capture scripts that leaves the kernel log alone (no lock).
#
# The lab: a firewall namespace (192.0.2.1, 2001:db8:14::1 on its veth; a
# "lan" interface (a veth pair inside it) with 203.0.113.254/24, so traffic to 203.0.113.x
# crosses its FORWARD chain) and a scanner namespace (198.51.100.7 and
# 2001:db8:14::7; default routes through the firewall). The firewall logs and
# drops as psad advises (INPUT and FORWARD: LOG --log-prefix "DROP "
# --log-ip-options --log-tcp-options, then DROP; for 192.0.2.2 and
# 2001:db8:14::2 also --log-tcp-sequence), and logs
# in raw PREROUTING what the kernel would drop before INPUT (packets to
# 192.0.2.99 or 216.80.99.202: source routes, a source equal to the
# destination, TTL 0). Documentation addresses only, so no machine that runs
# the tests has them on a local interface.
#
# Each case's capture.sh runs with these shell functions and variables:
#   scan CMD...        run CMD in the scanner namespace
#   nmap_scan ARGS...  nmap -n -Pn -T4 --max-retries 0 (scanner namespace)
#   craft <<'PY'       a scapy program (scapy.all imported, conf.verb=0) in the scanner namespace
#   FW4 FW6 SCAN4 SCAN6 LAN EARLY4 IFACE, and SEQ4 SEQ6 (firewall addresses whose
#   LOG rule adds --log-tcp-sequence)
# The lines between the case's start and end markers become input.log, with
# two changes that keep the golden outputs independent of the date and of the
# machine: the syslog time stamps are moved to Jan 1 (the first line at
# 00:00:00, the others at their real distance from it) and the host name is
# "fw". Everything created is removed on exit, also when a step fails.
#
# Needs root, iproute2, iptables/ip6tables, nmap, hping3, python3-scapy and
# rsyslog (apt-get install nmap hping3 python3-scapy rsyslog). Runs under the
# machine-wide kernel-log lock /tmp/psad-netns.lock.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GOLDEN=$ROOT/test/golden

if [[ $(id -u) -ne 0 ]]; then
  echo "$0: must run as root" >&2
  exit 1
fi
for cmd in ip iptables ip6tables nmap hping3 rsyslogd flock /usr/bin/python3; do
  command -v "$cmd" >/dev/null || { echo "$0: $cmd not found" >&2; exit 1; }
done
/usr/bin/python3 -c 'import scapy.all' 2>/dev/null || { echo "$0: python3-scapy not installed" >&2; exit 1; }

DRY=
if [[ ${1:-} == --dry-run ]]; then DRY=1; shift; fi
if (($#)); then CASES=("$@"); else
  CASES=()
  for f in "$GOLDEN"/*/capture.sh; do CASES+=("$(basename "$(dirname "$f")")"); done
fi
for c in "${CASES[@]}"; do
  [[ -f $GOLDEN/$c/capture.sh ]] || { echo "$0: no $GOLDEN/$c/capture.sh" >&2; exit 1; }
done

# one kernel-log reader at a time, machine-wide
[[ -n $DRY ]] || exec 9>>/tmp/psad-netns.lock
[[ -n $DRY ]] ||
flock -w "${PSAD_LOCK_WAIT:-900}" 9 || { echo "$0: could not take /tmp/psad-netns.lock" >&2; exit 1; }

FW=psad14g-fw-$$
SCAN=psad14g-sc-$$
TMP=$(mktemp -d /tmp/psad14-golden.XXXXXX)
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
scan() { ip netns exec "$SCAN" "$@"; }
nmap_scan() { scan nmap -n -Pn -T4 --max-retries 0 --min-rate 500 "$@" >"$TMP/nmap.out" 2>&1 || { cat "$TMP/nmap.out" >&2; return 1; }; }
craft() {
  { echo 'from scapy.all import *'; echo 'conf.verb = 0'; cat; } >"$TMP/craft.py"
  scan env FW4="$FW4" FW6="$FW6" SEQ4="$SEQ4" SEQ6="$SEQ6" SCAN4="$SCAN4" SCAN6="$SCAN6" LAN="$LAN" EARLY4="$EARLY4" IFACE="$IFACE" /usr/bin/python3 "$TMP/craft.py"
}
FW4=192.0.2.1 FW6=2001:db8:14::1 SEQ4=192.0.2.2 SEQ6=2001:db8:14::2 SCAN4=198.51.100.7 SCAN6=2001:db8:14::7 LAN=203.0.113 EARLY4=192.0.2.99 IFACE=vethscan

# --- network -----------------------------------------------------------------
ip netns add "$FW"; NS_FW=1
ip netns add "$SCAN"; NS_SCAN=1
ip link add vethfw netns "$FW" type veth peer name vethscan netns "$SCAN"
fw ip link set lo up
scan ip link set lo up
fw ip addr add "$FW4/24" dev vethfw
fw ip addr add "$EARLY4/24" dev vethfw
fw ip addr add "$SEQ4/24" dev vethfw
fw ip -6 addr add "$FW6/64" dev vethfw nodad
fw ip -6 addr add "$SEQ6/64" dev vethfw nodad
fw ip link add lan type veth peer name lanpeer
fw ip link set lanpeer up
fw ip addr add "$LAN.254/24" dev lan
fw ip link set lan up
fw ip link set vethfw up
fw ip route add 198.51.100.0/24 dev vethfw
scan ip addr add "$SCAN4/24" dev vethscan
scan ip -6 addr add "$SCAN6/64" dev vethscan nodad
scan ip link set vethscan up
scan ip route add 192.0.2.0/24 dev vethscan
scan ip route add default via "$FW4"
scan ip -6 route add default via "$FW6"
for k in net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.vethfw.rp_filter=0; do
  fw sysctl -qw "$k"
done

# --- firewall (inside the firewall namespace only) -------------------------------
LOG=(-j LOG --log-prefix "DROP " --log-ip-options --log-tcp-options)
[[ -z $DRY ]] || LOG=(-j DROP)
# the second addresses log TCP sequence numbers too (signatures test them)
SEQLOG=("${LOG[@]}")
[[ -n $DRY ]] || SEQLOG+=(--log-tcp-sequence)
for d in "$EARLY4" 216.80.99.202; do
  fw iptables -t raw -A PREROUTING -d "$d" "${LOG[@]}"
  fw iptables -t raw -A PREROUTING -d "$d" -j DROP
done
for ipt in iptables ip6tables; do
  fw "$ipt" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  fw "$ipt" -A INPUT -i lo -j ACCEPT
  if [[ $ipt == ip6tables ]]; then
    # neighbour discovery (router/neighbour solicitation/advertisement, code 0)
    for t in 133 134 135 136; do fw ip6tables -A INPUT -p ipv6-icmp --icmpv6-type "$t/0" -j ACCEPT; done
  fi
  if [[ $ipt == iptables ]]; then fw iptables -A INPUT -d "$SEQ4" "${SEQLOG[@]}"; else fw ip6tables -A INPUT -d "$SEQ6" "${SEQLOG[@]}"; fi
  fw "$ipt" -A INPUT -j DROP -d "$([[ $ipt == iptables ]] && echo "$SEQ4" || echo "$SEQ6")"
  fw "$ipt" -A INPUT "${LOG[@]}"
  fw "$ipt" -A INPUT -j DROP
  fw "$ipt" -A FORWARD "${LOG[@]}"
  fw "$ipt" -A FORWARD -j DROP
done

if [[ -n $DRY ]]; then
  for c in "${CASES[@]}"; do
    say "$c (dry run)"
    ( cd "$GOLDEN/$c" && set -euo pipefail && . ./capture.sh ) || { say "$c: its capture.sh failed"; exit 1; }
  done
  exit 0
fi

# --- kernel log --------------------------------------------------------------------
OLD_NFLOG=$(cat "$NFLOG")
echo 1 >"$NFLOG"
cat >"$TMP/rsyslog.conf" <<CONF
global(workDirectory="$TMP")
module(load="imklog" PermitNonKernelFacility="on")
template(name="epoch" type="string" string="%timegenerated:::date-unixtimestamp% fw %syslogtag%%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%\n")
kern.*;user.* action(type="omfile" file="$TMP/kernel.log" template="epoch")
CONF
rsyslogd -n -f "$TMP/rsyslog.conf" -i "$TMP/rsyslogd.pid" >"$TMP/rsyslogd.out" 2>&1 &
RSYSLOG_PID=$!

wait_mark() {
  local i
  for ((i = 0; i < 300; i++)); do
    grep -qF "$1" "$TMP/kernel.log" 2>/dev/null && return 0
    kill -0 "$RSYSLOG_PID" 2>/dev/null || { cat "$TMP/rsyslogd.out" >&2; say "rsyslogd died"; return 1; }
    sleep 0.1
  done
  say "rsyslogd did not log $1 within 30 s"
  return 1
}
MARK="psad14g-$$-$RANDOM"
echo "<6>$MARK ready" >/dev/kmsg
wait_mark "$MARK ready"

# --- cases -----------------------------------------------------------------------
FAILED=()
for c in "${CASES[@]}"; do
  say "$c"
  echo "<6>$MARK $c start" >/dev/kmsg
  wait_mark "$MARK $c start"
  # the case's traffic (a subshell: a case cannot change the lab); a failing case is reported, the others go on
  if ! ( cd "$GOLDEN/$c" && set -euo pipefail && . ./capture.sh ); then
    say "$c: its capture.sh failed, input.log not written"
    FAILED+=("$c")
    continue
  fi
  sleep 1
  echo "<6>$MARK $c end" >/dev/kmsg
  wait_mark "$MARK $c end"
  sed -n "/$MARK $c start/,/$MARK $c end/p" "$TMP/kernel.log" \
    | grep -E '^[0-9]+ fw kernel: (\[ *[0-9]+\.[0-9]+\] )?DROP IN=' \
    | /usr/bin/python3 -c '
import sys, time
lines = sys.stdin.read().splitlines()
t0 = int(lines[0].split(" ", 1)[0]) if lines else 0
for l in lines:
    t, rest = l.split(" ", 1)
    d = int(t) - t0
    # Jan 1, the first line at 00:00:00 (syslog format: day padded with a space)
    print("Jan  1 %02d:%02d:%02d %s" % (d // 3600, d // 60 % 60, d % 60, rest))
' >"$GOLDEN/$c/input.log"
  say "$c: $(wc -l <"$GOLDEN/$c/input.log") lines"
done
if ((${#FAILED[@]})); then
  say "failed: ${FAILED[*]}"
  exit 1
fi
