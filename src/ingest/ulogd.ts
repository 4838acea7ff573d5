/**
 * Lines of ulogd2's LOGEMU output (nft `log group N` / iptables NFLOG,
 * collected by ulogd2: NFLOG -> BASE -> IFINDEX -> IP2STR -> PRINTPKT ->
 * LOGEMU). LOGEMU writes
 *
 *   Nov 24 22:01:49 fw DROP  IN=vfw0 OUT= MAC=... SRC=10.79.0.3 DST=10.79.0.1 LEN=44 TOS=00 PREC=0x00 TTL=37 ID=54629 PROTO=TCP SPT=54783 DPT=3002 SEQ=2727676496 ACK=0 WINDOW=1024 SYN URGP=0 MARK=0x0
 *
 * i.e. the kernel's LOG format with these differences: no `kernel:` tag
 * (the prefix follows the host name), TOS without `0x`, no RES=, IPv6
 * addresses compressed (fd79::3), SEQ=/ACK= always present in TCP lines and
 * MARK= at the end. fromLogemu() turns such a line into the kernel's form,
 * so that the one parser reads both: `kernel:` after the host, IPv6
 * addresses in full, `TOS=0x..`, `RES=0x00` after WINDOW= (the kernel always
 * writes it; without it a NULL scan line has no flags text), and the IPv6
 * SEQ=/ACK= pair moved behind
 * URGP= (psad's IPv6 TCP pattern wants WINDOW= right after DPT=; the pair is
 * still read as tcp_seq/tcp_ack there).
 */
import { ipv6Full, parseIPv6 } from '../net/addr';

const HEADER = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) /;

/**
 * The kernel-log form of a LOGEMU line, or null when the line is not one
 * (LOGEMU's TOS without 0x, a compressed IPv6 source or a trailing MARK=).
 */
export function fromLogemu(line: string): string | null {
  if (line.length > 65536 || line.includes('kernel:')) return null;
  const h = HEADER.exec(line);
  if (!h) return null;
  let rest = line.slice(h[0].length);
  const inAt = rest.indexOf('IN=');
  // the prefix (if any) and " IN=", then OUT= right after the IN= value
  if (inAt < 0 || (inAt > 0 && rest.charCodeAt(inAt - 1) !== 32) || !/^IN=\S* OUT=/.test(rest.slice(inAt))) return null;
  // a kernel line whose "kernel:" tag was damaged is not one: it has the kernel's timestamp, TOS=0x..
  // or a full IPv6 address, and none of LOGEMU's marks (psad reads it as a line without a syslog header)
  if (/\[\s*\d+\.\d+\s*\]/.test(rest.slice(0, inAt))) return null;
  const emuTos = / TOS=[0-9A-Fa-f]{2} /.test(rest);
  const emuV6 = / HOPLIMIT=\d+ FLOWLBL=\d+ /.test(rest) && / SRC=[0-9A-Fa-f:.]*::/.test(rest);
  if (!emuTos && !emuV6 && !/ MARK=0x[0-9A-Fa-f]+ ?$/.test(rest)) return null;
  rest = rest.replace(/ TOS=([0-9A-Fa-f]{2}) /, ' TOS=0x$1 ');
  // the kernel always writes the reserved bits; psad's flag pattern needs text between WINDOW= and URGP=
  if (!rest.includes(' RES=')) rest = rest.replace(/( PROTO=TCP SPT=\d+ DPT=\d+ (?:SEQ=\d+ ACK=\d+ )?WINDOW=\d+) /, '$1 RES=0x00 ');
  if (/ HOPLIMIT=\d+ FLOWLBL=\d+ /.test(rest)) {
    rest = rest.replace(/ SRC=([0-9A-Fa-f:.]+) DST=([0-9A-Fa-f:.]+) /, (m, s: string, d: string) => {
      const a = parseIPv6(s);
      const b = parseIPv6(d);
      return a && b ? ` SRC=${ipv6Full(a)} DST=${ipv6Full(b)} ` : m;
    });
    rest = rest.replace(/( PROTO=TCP SPT=\d+ DPT=\d+) (SEQ=\d+ ACK=\d+) (WINDOW=\d+ (?:.*? )?URGP=\d+)(?= |$)/, '$1 $3 $2');
  }
  return `${h[1]} ${h[2]} kernel: ${rest}`;
}
