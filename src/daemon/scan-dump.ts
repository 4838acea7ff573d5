import { Engine } from '../engine/engine';

function q(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function dump(v: unknown, indent: string): string {
  if (v instanceof Map || v instanceof Set || (v && typeof v === 'object' && !Array.isArray(v))) {
    const entries: [string, unknown][] = v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x])
      : v instanceof Set ? [...v].map((k) => [String(k), '']) : Object.entries(v as object).filter(([, x]) => x !== undefined);
    if (!entries.length) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, x]) => `${inner}${q(k)} => ${dump(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const inner = indent + '  ';
    return `[\n${v.map((x) => `${inner}${dump(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof v === 'number') return String(v);
  return q(String(v));
}

/** USR1: the passive OS, danger level and scan tables in Data::Dumper's style (a debugging aid). */
export function dumpScanState(engine: Engine): string {
  const posf = new Map<string, unknown>();
  const dl = new Map<string, unknown>();
  const scan = new Map<string, unknown>();
  for (const [ip, s] of engine.sources) {
    if (s.posf) posf.set(ip, { guess: s.posf.guess, ctr: s.posf.ctr, len: s.posf.len, ttl: s.posf.ttl, win: s.posf.win, id: s.posf.ids });
    if (s.dl !== undefined) dl.set(ip, s.dl);
    if (!s.inScan) continue;
    const pairs = new Map<string, unknown>();
    for (const [dst, p] of s.pairs) {
      const protos: Record<string, unknown> = {};
      for (const [k, r] of p.protos) {
        protos[k] = { abs_sp: r.absSp, abs_ep: r.absEp, sid: r.sids, invalid_type: r.invalidType, invalid_code: r.invalidCode };
      }
      pairs.set(dst, { absnum: p.absnum, tot_protocols: p.totProtocols, s_time: p.sTime, alerted: p.alerted, chain: p.chain, ...protos });
    }
    scan.set(ip, pairs);
  }
  return `[+] Passive OS fingerprinting hash:\n$VAR1 = ${dump(posf, '        ')};\n`
    + `[+] Scan danger level hash:\n$VAR1 = ${dump(dl, '        ')};\n`
    + `[+] Main scan hash:\n$VAR1 = ${dump(scan, '        ')};\n`;
}
