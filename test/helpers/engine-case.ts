import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './paths';
import { RuntimeFlags } from '../../src/pipeline/runtime';

/** The engine cases (test/engine-cases/*.json), read by test/unit/engine-cases.test.ts; see there. */
export const ENGINE_CASES = path.join(ROOT, 'test', 'engine-cases');

export function engineCaseFiles(): string[] {
  return fs.readdirSync(ENGINE_CASES).filter((f) => f.endsWith('.json')).sort();
}

export interface CaseFile {
  about: string;
  mode?: 'analysis' | 'daemon';
  settings?: Record<string, string>;
  flags?: Partial<RuntimeFlags>;
  autoDl?: string[];
  signatures?: string[];
  snortRuleDl?: string[];
  batches: { now: number; packets: string[]; expire?: boolean }[];
  expect: Record<string, null | {
    dl?: number | null; sigs?: number[]; os?: string[]; posf?: string | null; dsts?: number; pkts?: number;
    scan?: Record<string, string[]>; sweep?: boolean;
  }>;
}

const FLAG_WORDS = new Set(['URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN', 'NULL']);

/** An IPv6 address as the kernel logs it: eight groups of four hex digits. */
export function fullV6(a: string): string {
  if (!a.includes(':')) return a;
  const [l, r] = a.split('::');
  const left = l ? l.split(':') : [];
  const right = r !== undefined && r ? r.split(':') : [];
  const groups = r === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

function expandRange(v: string): string[] {
  const m = /^(\d+)-(\d+)$/.exec(v);
  if (!m) return [v];
  const out: string[] = [];
  for (let i = Number(m[1]); i <= Number(m[2]); i++) out.push(String(i));
  return out;
}

/** One packet spec as iptables LOG lines. */
export function logLines(spec: string): string[] {
  const toks = spec.trim().split(/\s+/);
  const [proto, src, gt, dst] = toks;
  assert.equal(gt, '>', `packet spec: ${spec}`);
  const kv = new Map<string, string>();
  const flags: string[] = [];
  for (const t of toks.slice(4)) {
    const e = t.indexOf('=');
    if (e > 0) kv.set(t.slice(0, e), t.slice(e + 1));
    else if (FLAG_WORDS.has(t)) flags.push(t);
    else throw new Error(`packet spec ${spec}: ${t}?`);
  }
  const v6 = src.includes(':');
  // a destination like 10.0.1.1-20 stands for 20 destinations
  const dr = /^(.*[.:])(\d+)-(\d+)$/.exec(dst);
  const dsts = dr ? expandRange(`${dr[2]}-${dr[3]}`).map((n) => `${dr[1]}${n}`) : [dst];
  const times = Number(kv.get('x') ?? '1');
  // every ranged value advances together: dpt=1-3 id=7001-7003 gives (1, 7001), (2, 7002), (3, 7003)
  const ranged = new Map([...kv.entries()].filter(([k, v]) => k !== 'x' && /^\d+-\d+$/.test(v)).map(([k, v]) => [k, expandRange(v)]));
  const n = Math.max(1, ...[...ranged.values()].map((r) => r.length));
  const values = [...Array(n).keys()];
  const out: string[] = [];
  for (const d of dsts) for (const val of values) {
    const g = (k: string, d: string) => ranged.get(k)?.[val] ?? kv.get(k) ?? d;
    const ipopt = (kv.has('ipopt') ? ` OPT (${kv.get('ipopt')})` : '') + ' OPT ( )'.repeat(Number(kv.get('extopts') ?? '0'));
    const head = `Jan  1 00:00:00 fw kernel: ${g('prefix', 'DROP')} IN=${g('in', 'eth0')} OUT=${g('out', '')} MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 `;
    let ip: string;
    let p: string;
    if (v6) {
      ip = `SRC=${fullV6(src)} DST=${fullV6(d)} LEN=${g('len', '80')} TC=0 HOPLIMIT=${g('ttl', '64')} FLOWLBL=0${ipopt}`;
    } else {
      ip = `SRC=${src} DST=${d} LEN=${g('len', proto === 'tcp' ? '44' : '28')} TOS=0x00 PREC=0x00 TTL=${g('ttl', '64')} ID=${g('id', '4242')}${kv.has('df') ? ' DF' : ''}${ipopt}`;
    }
    if (proto === 'tcp') {
      const seq = kv.has('seq') ? ` SEQ=${g('seq', '0')} ACK=0` : '';
      const opt = kv.has('opt') ? ` OPT (${g('opt', '')})` : '';
      p = `PROTO=TCP SPT=${g('spt', '40000')} DPT=${g('dpt', '80')}${seq} WINDOW=${g('window', '1024')} RES=0x00 ${flags.join(' ') || 'SYN'} URGP=0${opt}`;
    } else if (proto === 'udp') {
      p = `PROTO=UDP SPT=${g('spt', '40000')} DPT=${g('dpt', '53')} LEN=${g('ulen', '8')}`;
    } else if (proto === 'icmp' || proto === 'icmpv6') {
      const t = g('type', proto === 'icmp' ? '8' : '128');
      p = `PROTO=${proto === 'icmp' ? 'ICMP' : 'ICMPv6'} TYPE=${t} CODE=${g('code', '0')}${/^(8|0|128|129)$/.test(t) ? ` ID=${g('icmpid', '1')} SEQ=${g('icmpseq', '1')}` : ''}`;
    } else {
      p = `PROTO=${g('num', proto)}`;
    }
    const line = `${head}${ip} ${p}`;
    for (let k = 0; k < times; k++) out.push(line);
  }
  return out;
}

