import * as fs from 'fs';
import * as path from 'path';
import { Engine } from '../engine/engine';
import { newPosfState } from '../engine/os-fingerprint';
import { Signature } from '../data/signatures';
import { FwsnortSig } from '../data/snort-rules';
import { perlSort } from '../report/status-report';
import { parseAddr } from '../net/addr';

/** The files psad keeps under PSAD_DIR between intervals (formats of psad 2.4.6). */
export interface StatusFilePaths {
  packetCounter: string;
  prefixCounter: string;
  dshieldCounter: string;
  topPorts: string;
  topSigs: string;
  topAttackers: string;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(text, 'latin1'), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** packet_ctr: `%8s: %d` per protocol with a counter. */
export function packetCounterText(engine: Engine): string {
  let out = '';
  for (const [proto, n] of engine.protoCtrs) out += `${proto.padStart(8)}: ${n}\n`;
  return out;
}

export function prefixCounterText(prefixes: ReadonlyMap<string, number>): string {
  let out = '';
  for (const [p, n] of prefixes) out += `${p}: ${n}\n`;
  return out;
}

export function dshieldCounterText(emails: number, packets: number): string {
  return `total emails: ${emails}\ntotal packets: ${packets}\n`;
}

function byCount<K>(m: ReadonlyMap<K, number>, tie: (a: K, b: K) => number): K[] {
  return [...m.keys()].sort((a, b) => (m.get(b)! - m.get(a)!) || tie(a, b));
}

export function topPortsText(engine: Engine, limit: number): string {
  let out = '#\n# Format: <proto> <port> <packets>\n#\n\n';
  const tcp = engine.topTcpPorts.toMap();
  const udp = engine.topUdpPorts.toMap();
  const rows = (name: string, m: Map<number, number>) => {
    let ctr = 0;
    for (const p of byCount(m, (a, b) => a - b)) {
      out += `${name} ${String(p).padEnd(5)} ${m.get(p)}\n`;
      ctr++;
      if (limit > 0 && ctr >= limit) break;
    }
  };
  if (tcp.size) {
    out += '# Top scanned TCP ports:\n';
    rows('tcp', tcp);
    if (udp.size) out += '\n';
  }
  if (udp.size) {
    out += '# Top scanned UDP ports:\n';
    rows('udp', udp);
  }
  return out;
}

export function topSigsText(engine: Engine, sigs: ReadonlyMap<number, Signature>, fwsnort: ReadonlyMap<number, FwsnortSig>, limit: number): string {
  let out = '#\n# Format: <sid> "<msg>" <matches> <num_sources> <sig_proto>\n#\n\n';
  let ctr = 0;
  for (const sid of byCount(engine.topSigs, (a, b) => a - b)) {
    const n = engine.sigSources.get(sid)?.size ?? 0;
    const s = sigs.get(sid);
    const f = fwsnort.get(sid);
    let found = false;
    if (s) {
      out += `${sid} "${s.msg}" ${engine.topSigs.get(sid)} ${n} ${s.proto}\n`;
      found = true;
    } else if (f && f.msg !== undefined) {
      out += `${sid} "${f.msg}" ${engine.topSigs.get(sid)} ${n} ${f.proto}\n`;
      found = true;
    }
    if (found) ctr++;
    if (limit > 0 && ctr >= limit) break;
  }
  return out;
}

/** top_attackers: DL descending, then address; sources at or above MIN_DANGER_LEVEL with counts. */
export function topAttackersText(engine: Engine, minDl: number, limit: number): string {
  let out = '#\n# Format: <IP> <DL> <total_packets> <uniq_sigs> <sig_matches> <is_local>\n#\n\n';
  const srcs = [...engine.sources.values()].filter((s) => s.dl !== undefined && s.dl >= minDl
    && (s.packets !== undefined || s.sigCount !== undefined));
  srcs.sort((a, b) => (b.dl! - a.dl!) || perlSort(a.ip, b.ip));
  let ctr = 0;
  for (const s of srcs) {
    let uniq = 0;
    for (const m of engine.sigSources.values()) if (m.has(s.ip)) uniq++;
    out += `${s.ip.padEnd(15)} ${s.dl} ${s.packets ?? 0} ${uniq} ${s.sigCount ?? 0} ${engine.localSrc.has(s.ip) ? 1 : 0}\n`;
    ctr++;
    if (limit > 0 && ctr >= limit) break;
  }
  return out;
}

export function writeCounters(p: StatusFilePaths, engine: Engine, prefixes: ReadonlyMap<string, number>): void {
  writeAtomic(p.packetCounter, packetCounterText(engine));
  writeAtomic(p.prefixCounter, prefixCounterText(prefixes));
}

export function writeTopFiles(p: StatusFilePaths, engine: Engine, sigs: ReadonlyMap<number, Signature>,
  fwsnort: ReadonlyMap<number, FwsnortSig>, limits: { ports: number; sigs: number; ips: number; minDl: number }): void {
  writeAtomic(p.topPorts, topPortsText(engine, limits.ports));
  writeAtomic(p.topSigs, topSigsText(engine, sigs, fwsnort, limits.sigs));
  writeAtomic(p.topAttackers, topAttackersText(engine, limits.minDl, limits.ips));
}

function readLines(file: string): string[] | null {
  try {
    return fs.readFileSync(file, 'latin1').split('\n');
  } catch {
    return null;
  }
}

const IPV4 = /(?:[0-2]?\d{1,2}\.){3}[0-2]?\d{1,2}/;
const IPV6_DIR = /^(?:[0-9a-fA-F]{4}:){7}[0-9a-fA-F]{4}$/;

/** A per-source directory name: an IPv4 address, or an IPv6 address in ip6tables' full notation. */
export function isSourceDirName(name: string): boolean {
  return IPV4.test(name) || (IPV6_DIR.test(name) && parseAddr(name) !== null);
}

export interface ImportOptions {
  emailLimitPerDst: boolean;
  dshield: boolean;
  /**
   * Resuming after an unclean exit (not -S, not IMPORT_OLD_SCANS): every
   * packet counter line is read (psad 2.4.6 skips interfaces such as
   * `veth-a` or `eth0.100`), each pair's protocols are counted once, and
   * signature matches are taken over only when the daemon keeps them
   * between alerts (SHOW_ALL_SIGNATURES Y; otherwise an alert empties them).
   */
  resume?: { keepSignatures: boolean };
}

export interface ImportedExtras {
  prefixes: Map<string, number>;
  dshieldEmails: number;
  dshieldPackets: number;
  /** number of source directories imported */
  sources: number;
}

/**
 * import_filesystem_scan_data: rebuilds the scan state from the files under
 * PSAD_DIR (for -S, and for IMPORT_OLD_SCANS at start). Unlike psad 2.4.6,
 * IPv6 source directories are imported too (they were ignored, Q13).
 */
export function importScanData(psadDir: string, paths: StatusFilePaths, engine: Engine, o: ImportOptions): ImportedExtras {
  const extras: ImportedExtras = { prefixes: new Map(), dshieldEmails: 0, dshieldPackets: 0, sources: 0 };
  let names: string[] = [];
  try {
    names = fs.readdirSync(psadDir).sort(perlSort);
  } catch {
    names = [];
  }
  for (const name of names) {
    const dir = path.join(psadDir, name);
    if (!isSourceDirName(name)) continue;
    try {
      if (!fs.statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const dlLines = readLines(path.join(dir, 'danger_level'));
    let dl: number | undefined;
    if (dlLines) {
      dl = Number((dlLines[0] ?? '').trim());
      if (!(dl >= 1)) continue;
    }
    const src = engine.source(name);
    if (dl !== undefined) src.dl = dl;
    const os = readLines(path.join(dir, 'os_guess'));
    if (os) {
      src.posf = src.posf ?? newPosfState();
      src.posf.guess = os[0] ?? '';
    }
    const p0f = readLines(path.join(dir, 'p0f_guess'));
    if (p0f) {
      src.p0f = src.p0f ?? new Set();
      for (const l of p0f) if (l !== '') src.p0f.add(l);
    }
    let files: string[] = [];
    try {
      files = fs.readdirSync(dir).sort(perlSort);
    } catch {
      continue;
    }
    const dsts: string[] = [];
    for (const f of files) {
      if (/_whois/.test(f)) continue;
      const m = /^(.*)_(?:email_alert|email_ctr|packet_ctr|signatures|start_time)$/.exec(f);
      if (m && isSourceDirName(m[1]) && !dsts.includes(m[1])) dsts.push(m[1]);
    }
    for (const dst of dsts) {
      const pair = src.pair(dst);
      const ecFile = fs.existsSync(path.join(dir, `${dst}_email_ctr`)) ? path.join(dir, `${dst}_email_ctr`)
        : fs.existsSync(path.join(dir, 'email_ctr')) ? path.join(dir, 'email_ctr') : '';
      if (ecFile) {
        const n = Number((readLines(ecFile)?.[0] ?? '0').trim()) || 0;
        if (o.emailLimitPerDst) src.dstEmailCtr.set(dst, n);
        else src.emailCtr = n;
        pair.alerted = 1;
      } else {
        if (o.emailLimitPerDst) src.dstEmailCtr.set(dst, 0);
        else src.emailCtr = 0;
        pair.alerted = 0;
      }
      const protosSeen = new Set<string>();
      for (const line of readLines(path.join(dir, `${dst}_packet_ctr`)) ?? []) {
        let m: RegExpExecArray | null;
        let chain = '';
        let intf = '';
        let proto = '';
        let pkts = 0;
        if (o.resume) {
          // <CHAIN>_<interface>_<proto>:  <n>[ [<range>]]; the interface may hold any character but blanks
          m = /^([A-Za-z0-9]+)_(\S+)_(\w+):\s+(\d+)(?:\s+\[(\S+)\])?/.exec(line);
          if (!m) continue;
          [chain, intf, proto, pkts] = [m[1], m[2], m[3], Number(m[4])];
          const r = m[5] ? /(\d+)-(\d+)/.exec(m[5]) ?? /(\d+)/.exec(m[5]) : null;
          if (r && (proto === 'tcp' || proto === 'udp' || proto === 'udplite')) {
            const rec = pair.proto(proto);
            rec.absSp = Number(r[1]);
            rec.absEp = Number(r[2] ?? r[1]);
          }
          if (!protosSeen.has(proto)) {
            protosSeen.add(proto);
            pair.proto(proto);
            pair.totProtocols++;
          }
          pair.totProtocolsSet = true;
        } else if ((m = /^(\w+)_(\w+)_icmp:\s+(\d+)/.exec(line))) {
          [chain, intf, proto, pkts] = [m[1], m[2], 'icmp', Number(m[3])];
        } else if ((m = /^(\w+)_(\w+)_(tcp|udp):\s+(\d+)\s+\[(\S+)\]/.exec(line))) {
          [chain, intf, proto, pkts] = [m[1], m[2], m[3], Number(m[4])];
          const r = /(\d+)-(\d+)/.exec(m[5]) ?? /(\d+)/.exec(m[5]);
          if (r) {
            const rec = pair.proto(proto);
            rec.absSp = Number(r[1]);
            rec.absEp = Number(r[2] ?? r[1]);
          }
        } else if ((m = /^(\w+)_(\w+)_(\d+):\s+(\d+)/.exec(line))) {
          [chain, intf, proto, pkts] = [m[1], m[2], m[3], Number(m[4])];
        } else continue;
        if (chain === 'input' || chain === 'forward' || chain === 'output') chain = chain.toUpperCase();
        let byIntf = pair.chain.get(chain);
        if (!byIntf) { byIntf = new Map(); pair.chain.set(chain, byIntf); }
        let byProto = byIntf.get(intf);
        if (!byProto) { byProto = new Map(); byIntf.set(intf, byProto); }
        byProto.set(proto, (byProto.get(proto) ?? 0) + pkts);
        pair.absnum = (pair.absnum ?? 0) + pkts;
        if (!o.resume) pair.totProtocols++;
      }
      const st = readLines(path.join(dir, `${dst}_start_time`));
      if (st) pair.sTime = Number((st[0] ?? '').trim());
      const sigLines = o.resume && !o.resume.keepSignatures ? [] : readLines(path.join(dir, `${dst}_signatures`)) ?? [];
      for (const line of sigLines) {
        const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+"(.*?)"\s+(\w+)\s+(\w+)\s+(\d+)\s+"(.*?)"\s+(\d+)\s+(\d+)/.exec(line);
        if (!m) continue;
        const rec = pair.proto(m[6]);
        if (!rec.sids) rec.sids = new Map();
        let byChain = rec.sids.get(Number(m[2]));
        if (!byChain) { byChain = new Map(); rec.sids.set(Number(m[2]), byChain); }
        byChain.set(m[5], {
          time: Number(m[1]), pkts: Number(m[3]), dp: Number(m[7]), flags: m[8], isFwsnort: Number(m[9]),
          fwsnortRnum: '0', fwsnortEstab: 0,
        });
      }
    }
    extras.sources++;
  }
  for (const line of readLines(paths.packetCounter) ?? []) {
    const m = /(\w+):\s+(\d+)/.exec(line);
    if (m) engine.protoCtrs.set(m[1], Number(m[2]));
  }
  if (o.dshield) {
    for (const line of readLines(paths.dshieldCounter) ?? []) {
      let m = /emails:\s+(\d+)/.exec(line);
      if (m) extras.dshieldEmails = Number(m[1]);
      else if ((m = /packets:\s+(\d+)/.exec(line))) extras.dshieldPackets = Number(m[1]);
    }
  }
  for (const line of readLines(paths.prefixCounter) ?? []) {
    const m = /^\s*(.*?):\s+(\d+)/.exec(line);
    if (m) extras.prefixes.set(m[1], Number(m[2]));
  }
  for (const line of readLines(paths.topPorts) ?? []) {
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    const m = /^\s*(\w+)\s+(\d+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const c = m[1] === 'tcp' ? engine.topTcpPorts : m[1] === 'udp' ? engine.topUdpPorts : m[1] === 'udplite' ? engine.topUdpLitePorts : null;
    if (c) c.set(Number(m[2]), Number(m[3]));
  }
  for (const line of readLines(paths.topSigs) ?? []) {
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    const m = /^\s*(\d+)\s+"(.*?)"\s+(\d+)\s+(\d+)\s+(\w+)/.exec(line);
    if (!m) continue;
    const sid = Number(m[1]);
    engine.topSigs.set(sid, Number(m[3]));
    // the addresses behind the count are not in the file: placeholders keep the count
    const srcs = new Map<string, number>();
    for (let i = 0; i < Number(m[4]); i++) srcs.set(`#${i}`, 0);
    engine.sigSources.set(sid, srcs);
  }
  for (const line of readLines(paths.topAttackers) ?? []) {
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    const m = /^\s*(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d)/.exec(line);
    if (!m || !isSourceDirName(m[1])) continue;
    const s = engine.sources.get(m[1]);
    if (!s || s.dl === undefined) continue;
    if (s.dl < Number(m[2])) s.dl = Number(m[2]);
    if (Number(m[6])) engine.localSrc.add(m[1]);
    s.packets = Number(m[3]);
    s.sigCount = Number(m[5]);
  }
  return extras;
}
