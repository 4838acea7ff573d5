import { Net, parseIPv4Number } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import { PortSet, PortSets, parsePortRange } from './port-list';
import { Warn } from './diagnostics';

export interface AutoDlProto {
  all: boolean;
  ports?: PortSet;
}

export interface AutoDlEntry {
  key: string;
  net: Net;
  dl: number;
  /** undefined: applies to every protocol */
  protos?: Map<string, AutoDlProto>;
  line: number;
}

const IPV4 = '(?:[0-2]?\\d{1,2}\\.){3}[0-2]?\\d{1,2}';
const RE_MASK = new RegExp(`^\\s*(${IPV4})\\s*/\\s*(${IPV4})\\s+([0-5])\\s*(.*);`);
const RE_BITS = new RegExp(`^\\s*(${IPV4})\\s*/\\s*(\\d+)\\s+([0-5])\\s*(.*);`);
const RE_IP = new RegExp(`^\\s*(${IPV4})\\s+([0-5])\\s*(.*);`);
const RE_ANY = /^\s*(\S+)\s+([0-5])\s*(.*);/;

export type HostResolver = (name: string) => string | null;

function maskToBits(mask: string): number {
  if (/^\d+$/.test(mask)) return Number(mask);
  const n = parseIPv4Number(mask);
  if (n < 0) return -1;
  let bits = 0;
  for (let i = 31; i >= 0 && ((n >>> i) & 1) === 1; i--) bits++;
  return bits;
}

/**
 * auto_dl: `addr[/mask] DL [criteria];`. Entries keep file order (first
 * appearance); a later line for the same address text overwrites its mask
 * and DL and adds its protocol criteria, as in the reference.
 */
export function parseAutoDl(lines: string[], file: string, warn: Warn, resolve: HostResolver): AutoDlEntry[] {
  const byKey = new Map<string, AutoDlEntry>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNum = i + 1;
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    let ip = '';
    let mask = '';
    let dl = '';
    let criteria = '';
    let m: RegExpExecArray | null;
    if ((m = RE_MASK.exec(line)) || (m = RE_BITS.exec(line))) {
      [, ip, mask, dl, criteria] = m;
    } else if ((m = RE_IP.exec(line))) {
      [, ip, dl, criteria] = m;
      mask = '32';
    } else if ((m = RE_ANY.exec(line))) {
      const str = m[1];
      dl = m[2];
      criteria = m[3];
      if (str.includes(':')) {
        const sm = /(\S+)\/(\S+)/.exec(str);
        if (sm) { ip = sm[1]; mask = sm[2]; } else { ip = str; mask = '128'; }
      } else {
        const r = resolve(str);
        if (!r) {
          warn(`${file}:${lineNum}: could not resolve auto_dl "${str}" to an IP, skipped`);
          continue;
        }
        ip = r;
        mask = '32';
      }
    } else {
      warn(`${file}:${lineNum}: improperly formatted auto_dl line, skipped`);
      continue;
    }
    const bits = maskToBits(mask);
    const net = bits < 0 ? null : parseUserNet(`${ip}/${bits}`);
    if (!net) {
      warn(`${file}:${lineNum}: auto_dl entry "${ip}/${mask}" is not a valid address or network, skipped`);
      continue;
    }
    let e = byKey.get(ip);
    if (!e) {
      e = { key: ip, net, dl: Number(dl), line: lineNum };
      byKey.set(ip, e);
    } else {
      e.net = net;
      e.dl = Number(dl);
    }
    const protos = e.protos ?? new Map<string, AutoDlProto>();
    if (/icmp/i.test(line)) protos.set('icmp', { all: true });
    if (/tcp/i.test(line) || /udp/i.test(line)) {
      const sets: PortSets = new Map();
      parsePortRange(sets, criteria);
      for (const [p, s] of sets) {
        const existing = protos.get(p);
        if (existing && existing.ports) {
          for (const port of s.ports) existing.ports.ports.add(port);
          for (const [lo, hi] of s.ranges) existing.ports.ranges.set(lo, hi);
        } else protos.set(p, { all: false, ports: s });
      }
    }
    if (/tcp/i.test(line) && !protos.has('tcp')) protos.set('tcp', { all: true });
    if (/udplite/i.test(line) && !protos.has('udplite')) protos.set('udplite', { all: true });
    if (/udp/i.test(line) && !protos.has('udp')) protos.set('udp', { all: true });
    if (protos.size) e.protos = protos;
  }
  return [...byKey.values()];
}
