import { Engine } from '../engine/engine';
import { SourceState } from '../engine/state';
import { Signature } from '../data/signatures';
import { FwsnortSig } from '../data/snort-rules';
import { ProtocolString } from '../data/protocols';
import { IcmpType } from '../data/icmp-types';
import { Net, netContains, parseAddr, ipv6Short } from '../net/addr';
import { DebugTrace, isLocalTraced } from '../text/debug-trace';

export const PSAD_VERSION = '2.4.6';

/** What the REPORT block (shared by -A and -S) needs besides the engine state. */
export interface ReportContext {
  statusSigsThreshold: number;
  statusIpThreshold: number;
  statusPortsThreshold: number;
  minDangerLevel: number;
  /** --status-dl */
  statusMinDl: number;
  analysisMode: boolean;
  sigs: ReadonlyMap<number, Signature>;
  fwsnort: ReadonlyMap<number, FwsnortSig>;
  protocolStrings: ReadonlyMap<string, ProtocolString>;
  icmpTypes: ReadonlyMap<string, IcmpType>;
  icmp6Types: ReadonlyMap<string, IcmpType>;
  localNets: readonly Net[];
  /** -S only: DShield and auto-blocked IP sections, inserted before the protocol counters */
  statusSections?: string[];
  /** -S only: email alert count of a source */
  emailAlerts?: (src: SourceState) => number;
  /** --status-summary: stop after the protocol counters */
  summaryOnly?: boolean;
  /** --debug: the is_local() lines (and --test-mode's "no") */
  debug?: DebugTrace | null;
}

function sigMsgProto(ctx: ReportContext, sid: number): [string, string] | null {
  const s = ctx.sigs.get(sid);
  if (s) return [s.msg, s.proto];
  const f = ctx.fwsnort.get(sid);
  if (f && f.msg !== undefined) return [f.msg, f.proto ?? ''];
  return null;
}

function sortedByCount<K>(m: ReadonlyMap<K, number>, tie: (a: K, b: K) => number): K[] {
  return [...m.keys()].sort((a, b) => (m.get(b)! - m.get(a)!) || tie(a, b));
}

function isLocal(ctx: ReportContext, ip: string): boolean {
  return isLocalTraced(ctx.debug, ip, () => {
    const a = parseAddr(ip);
    if (!a) return false;
    for (const n of ctx.localNets) if (netContains(n, a)) return true;
    return false;
  });
}

function shortOf(ip: string): string {
  const a = parseAddr(ip);
  return a ? ipv6Short(a) : ip;
}

/**
 * Top signatures: by match count, ties by sid ascending (the reference
 * leaves ties in hash order). Unknown sids are skipped and not counted.
 */
export function topSigsLines(engine: Engine, ctx: ReportContext): string[] {
  const lines: string[] = [];
  const th = ctx.statusSigsThreshold;
  lines.push(th > 0 ? `[+] Top ${th} signature matches:\n` : '[+] Top signature matches:\n');
  let ctr = 0;
  let printed = false;
  for (const sid of sortedByCount(engine.topSigs, (a, b) => a - b)) {
    const mp = sigMsgProto(ctx, sid);
    if (mp) {
      const n = engine.sigSources.get(sid)?.size ?? 0;
      lines.push(`      "${mp[0]}" (${mp[1]}),  Count: ${engine.topSigs.get(sid)},  Unique sources: ${n},  Sid: ${sid}\n`);
      printed = true;
      ctr++;
    }
    if (th > 0 && ctr >= th) break;
  }
  if (!printed) lines.push('        [NONE]\n');
  lines.push('\n');
  return lines;
}

function dlOk(ctx: ReportContext, dl: number): boolean {
  if (ctx.statusMinDl) return dl >= ctx.statusMinDl;
  return dl >= ctx.minDangerLevel;
}

/**
 * Top attackers: DL 5 to 1, addresses in string order within a level; the
 * threshold is the number of lines printed (the reference prints one less).
 */
export function topAttackersLines(engine: Engine, ctx: ReportContext): string[] {
  const lines: string[] = [];
  const th = ctx.statusIpThreshold;
  lines.push(th > 0 ? `[+] Top ${th} attackers:\n` : '[+] Top attackers:\n');
  const byDl = new Map<number, string[]>();
  for (const [ip, s] of engine.sources) {
    if (s.dl === undefined || !dlOk(ctx, s.dl)) continue;
    if (s.packets === undefined && s.sigCount === undefined) continue;
    if (!byDl.has(s.dl)) byDl.set(s.dl, []);
    byDl.get(s.dl)!.push(ip);
  }
  let shortLen = 0;
  for (const ips of byDl.values()) {
    for (const ip of ips) if (ip.includes(':')) shortLen = Math.max(shortLen, shortOf(ip).length);
  }
  let ctr = 0;
  let printed = false;
  outer: for (let dl = 5; dl >= 1; dl--) {
    const ips = byDl.get(dl);
    if (!ips) continue;
    ips.sort();
    for (const ip of ips) {
      if (th > 0 && ctr >= th) break outer;
      const s = engine.sources.get(ip)!;
      let str = ip.includes(':')
        ? `      ${ip} (${shortOf(ip).padEnd(shortLen)}) DL: ${s.dl}`
        : `      ${ip.padEnd(15)} DL: ${s.dl}`;
      str += `, Packets: ${s.packets ?? 0}, Sig count: ${s.sigCount ?? 0}`;
      if (engine.localSrc.has(ip)) str += ', (local IP)';
      lines.push(str + '\n');
      printed = true;
      ctr++;
    }
  }
  if (!printed) lines.push('        [NONE]\n');
  lines.push('\n');
  return lines;
}

/** Top scanned ports: by packets, ties by port ascending; udplite is counted but never shown. */
export function topPortsLines(engine: Engine, ctx: ReportContext): string[] {
  const lines: string[] = [];
  const th = ctx.statusPortsThreshold;
  lines.push(th > 0 ? `[+] Top ${th} scanned ports:\n` : '[+] Top scanned ports:\n');
  let printed = false;
  const section = (name: string, m: Map<number, number>) => {
    let ctr = 0;
    for (const port of sortedByCount(m, (a, b) => a - b)) {
      lines.push(`      ${name} ${String(port).padEnd(5)} ${m.get(port)} packets\n`);
      printed = true;
      ctr++;
      if (th > 0 && ctr >= th) break;
    }
  };
  if (engine.topTcpPorts.size) section('tcp', engine.topTcpPorts.toMap());
  if (engine.topUdpPorts.size) {
    lines.push('\n');
    section('udp', engine.topUdpPorts.toMap());
  }
  if (!printed) lines.push('        [NONE]\n');
  lines.push('\n');
  return lines;
}

/** Log prefix counters, in the order the prefixes were first seen. */
export function prefixLines(prefixCounts: ReadonlyMap<string, number>): string[] {
  const lines = ['[+] iptables log prefix counters:\n'];
  if (prefixCounts.size) {
    for (const [p, n] of prefixCounts) lines.push(`      "${p}": ${n}\n`);
  } else lines.push('        [NONE]\n');
  lines.push('\n');
  return lines;
}

/** Perl's default sort: string comparison by UTF-16 code units (bytes here). */
export function perlSort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function packetCounterLines(protoCtrs: ReadonlyMap<string, number>, ctx: ReportContext, only?: ReadonlySet<string>): string[] {
  let str = '    Total protocol packet counters:\n';
  for (const proto of [...protoCtrs.keys()].sort(perlSort)) {
    if (only && !only.has(proto)) continue;
    const n = protoCtrs.get(proto)!;
    const ps = ctx.protocolStrings.get(proto);
    if (ps) str += `${ps.name.padStart(12)}: ${n} pkts, (${ps.desc})\n`;
    else str += `${proto.padStart(12)}: ${n} pkts\n`;
  }
  str += '\n';
  return [str];
}

function detailLines(engine: Engine, ctx: ReportContext): string[] {
  const lines: string[] = ['[+] IP Status Detail:\n'];
  const uniqSrcs = new Set<string>();
  const uniqDsts = new Set<string>();
  let printed = false;
  const protocols = [...engine.protoCtrs.keys()];
  const inScan = [...engine.sources.values()].filter((s) => s.inScan).sort((a, b) => perlSort(a.ip, b.ip));
  for (let dl = 5; dl >= 1; dl--) {
    for (const s of inScan) {
      if (s.dl !== dl) continue;
      if (dl < ctx.minDangerLevel) continue;
      if (ctx.statusMinDl && dl < ctx.statusMinDl) continue;
      const src = s.ip;
      uniqSrcs.add(src);
      const totalDsts = s.pairs.size;
      let totPkts = 0;
      let uniqSigs = 0;
      for (const p of s.pairs.values()) if (p.absnum !== undefined) totPkts += p.absnum;
      const totProtocols = new Set<string>();
      for (const proto of protocols) {
        for (const p of s.pairs.values()) {
          const r = p.protos.get(proto);
          if (r) totProtocols.add(proto);
          if (r && r.sids) uniqSigs += r.sids.size;
        }
      }
      const v6 = src.includes(':');
      let srcStr = v6
        ? `\nSRC:  ${src} (${shortOf(src)}), DL: ${dl}, Dsts: ${totalDsts}, Pkts: ${totPkts}, Total protocols: ${totProtocols.size}, Unique sigs: ${uniqSigs}`
        : `\nSRC:  ${src}, DL: ${dl}, Dsts: ${totalDsts}, Pkts: ${totPkts}, Total protocols: ${totProtocols.size}, Unique sigs: ${uniqSigs}`;
      if (!ctx.analysisMode && ctx.emailAlerts) srcStr += `, Email alerts: ${ctx.emailAlerts(s)}`;
      if (isLocal(ctx, src)) srcStr += ', Local IP';
      printed = true;
      lines.push(srcStr + '\n');
      if (s.p0f) {
        lines.push('    Source OS fingerprint(s):\n');
        for (const os of s.p0f) lines.push(`        ${os}\n`);
      } else if (s.posf && s.posf.guess !== undefined) {
        lines.push('    Source OS fingerprint:\n', `        ${s.posf.guess}\n`);
      }
      if (totalDsts === 0) continue;
      lines.push('\n');
      for (const [dst, pair] of s.pairs) {
        let dstStr = dst.includes(':') ? `    DST: ${dst} (${shortOf(dst)})` : `    DST: ${dst}`;
        if (isLocal(ctx, dst)) dstStr += ', Local IP';
        lines.push(dstStr + '\n');
        uniqDsts.add(dst);
        for (const [chain, byIntf] of pair.chain) {
          for (const [intf, byProto] of byIntf) {
            let n = 0;
            for (const [proto, ctr] of byProto) {
              n++;
              if (proto !== 'tcp' && proto !== 'udp' && proto !== 'udplite') continue;
              const r = pair.protos.get(proto);
              const sp = r?.absSp ?? '';
              const ep = r?.absEp ?? '';
              const range = sp === ep ? `${sp}` : `${sp}-${ep}`;
              lines.push(`        Scanned ports: ${proto.toUpperCase()} ${range}, Pkts: ${ctr}, Chain: ${chain}, Intf: ${intf}\n`);
            }
            lines.push(`        Total scanned IP protocols: ${n}, Chain: ${chain}, Intf: ${intf}\n`);
          }
        }
        for (const proto of protocols) {
          const r = pair.protos.get(proto);
          if (!r || !r.sids) continue;
          for (const [sid, byChain] of r.sids) {
            let msg = '[NA]';
            const f = ctx.fwsnort.get(sid);
            const ps = ctx.sigs.get(sid);
            if (f && f.msg !== undefined) msg = f.msg;
            else if (ps) msg = ps.msg;
            for (const [chain, rec] of byChain) {
              let str = `        Signature match: "${msg}"\n            ${proto.toUpperCase()}, Chain: ${chain}, Count: ${rec.pkts}`;
              if (proto === 'tcp' || proto === 'udp' || proto === 'udplite') {
                str += `, DP: ${rec.dp}`;
                if (proto === 'tcp') str += `, ${rec.flags}`;
              }
              str += `, Sid: ${sid}`;
              lines.push(str, '\n');
            }
          }
        }
        for (const proto of ['icmp', 'icmp6']) {
          const r = pair.protos.get(proto);
          if (!r) continue;
          const P = proto.toUpperCase();
          if (r.invalidType) {
            for (const [type, byChain] of r.invalidType) {
              for (const [chain, pkts] of byChain) {
                lines.push(`        Invalid ${P} type: "${type}" Chain: ${chain}, Packets: ${pkts}\n`);
              }
            }
          }
          if (r.invalidCode) {
            const table = proto === 'icmp' ? ctx.icmpTypes : ctx.icmp6Types;
            for (const [type, byCode] of r.invalidCode) {
              for (const [code, byChain] of byCode) {
                for (const [chain, pkts] of byChain) {
                  const text = table.get(String(type))?.text ?? '';
                  lines.push(`        Invalid ${P} code: "${code}" for ${P} "${text}" packet Chain: ${chain}, Packets: ${pkts}\n`);
                }
              }
            }
          }
        }
      }
    }
  }
  if (!printed) lines.push('        [NONE]\n');
  lines.push(`\n    Total scan sources: ${uniqSrcs.size}\n`);
  lines.push(`    Total scan destinations: ${uniqDsts.size}\n\n`);
  return lines;
}

/** The REPORT block from "[+] Version" to the final blank line; null with --status-summary. */
export function renderReport(engine: Engine, prefixCounts: ReadonlyMap<string, number>, ctx: ReportContext,
  protoCtrsOverride?: { ctrs: ReadonlyMap<string, number>; only?: ReadonlySet<string> }): string[] | null {
  const pc = protoCtrsOverride ?? { ctrs: engine.protoCtrs };
  // concat, not push(...): the detail section can have millions of lines
  const head = [`[+] Version: psad v${PSAD_VERSION}\n\n`].concat(
    topSigsLines(engine, ctx), topAttackersLines(engine, ctx), topPortsLines(engine, ctx), prefixLines(prefixCounts),
    ctx.statusSections ?? [], packetCounterLines(pc.ctrs, ctx, pc.only));
  if (ctx.summaryOnly) return head;
  return head.concat(detailLines(engine, ctx));
}
