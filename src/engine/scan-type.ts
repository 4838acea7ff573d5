import { Packet } from '../ingest/packet';
import { BatchPair, SourceState } from './state';

/**
 * Scan types: what psad 2.4.6 calls a scan in its alerts and syslog lines.
 *
 * - Nmap hints, from the TCP flags of a scan's packets (NMAP_HINTS), -sU for
 *   UDP port ranges, -sO for PROTOCOL_SCAN_THRESHOLD protocols.
 * - Topera (IPv6 TCP packets with at least seven empty option groups) and
 *   masscan (a SYN without TCP options once options have been seen, with
 *   EXPECT_TCP_OPTIONS): the parser marks the packet (ingest/parse.ts, which
 *   alone sees the raw line), the batch pair takes the mark.
 * - Mirai's default-credentials scan: a SYN to port 2323 after ten SYNs to
 *   port 23 of the same destination (observeMirai); the count starts again
 *   once reported.
 * - Port sweeps: one port over at least the first unique-hosts threshold of
 *   destinations (isPortSweep, judged when danger levels are assigned).
 *
 * The first of Topera, masscan, Mirai that applies names a TCP scan; the Nmap
 * hint otherwise.
 */

/** The nmap option that sends these TCP flags. */
export const NMAP_HINTS: Readonly<Record<string, string>> = {
  SYN: '-sT or -sS',
  FIN: '-sF',
  'URG PSH FIN': '-sX',
  NULL: '-sN',
  'URG PSH SYN FIN': '-O',
};

/** Counts SYNs to port 23 and marks a SYN to 2323 after ten of them. Returns the source's state when it made one. */
export function observeMirai(pkt: Packet, src: SourceState | undefined, create: () => SourceState): SourceState | undefined {
  if (pkt.proto !== 'tcp' || !pkt.flags.includes('SYN')) return src;
  if (pkt.dp === 23) {
    const s = src ?? create();
    if (!s.mirai23) s.mirai23 = new Map();
    s.mirai23.set(pkt.dst, (s.mirai23.get(pkt.dst) ?? 0) + 1);
    return s;
  }
  if (pkt.dp === 2323) {
    const c = src?.mirai23?.get(pkt.dst);
    if (c !== undefined && c >= 10) pkt.isMirai = 1;
  }
  return src;
}

/** A reported Mirai scan: its port 23 count for this destination starts again. */
export function miraiReported(src: SourceState, dstIp: string): void {
  if (src.mirai23 && src.mirai23.has(dstIp)) src.mirai23.set(dstIp, 0);
}

export type TcpScanType = { kind: 'topera' | 'masscan' | 'mirai'; label: string } | { kind: 'nmap'; hint: string };

/** The scan type of a batch pair's TCP packets with these flags. */
export function tcpScanType(bp: Pick<BatchPair, 'isTopera' | 'isMasscan' | 'isMirai'>, flags: string): TcpScanType {
  if (bp.isTopera) return { kind: 'topera', label: `Topera ${flags} scan` };
  if (bp.isMasscan) return { kind: 'masscan', label: `Masscan ${flags} scan` };
  if (bp.isMirai) return { kind: 'mirai', label: 'Mirai botnet default credentials scan' };
  return { kind: 'nmap', hint: NMAP_HINTS[flags] ?? '' };
}

/** A port sweep: the pair's ports span exactly PORT_RANGE_SWEEP_THRESHOLD over enough destinations. */
export function isPortSweep(endPort: number, range: number, totDsts: number, sweepThreshold: number, minHosts: number): boolean {
  return endPort !== 0 && range === sweepThreshold && totDsts >= minHosts;
}
