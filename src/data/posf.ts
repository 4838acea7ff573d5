import { Warn } from './diagnostics';

/** A TOS-based (posf) OS signature. */
export interface PosfSig {
  os: string;
  numpkts: number;
  tos: string;
  len: number;
  ttl: number;
  id: 'SMALLINCR' | 'RANDOM';
  win: number;
}

export function parsePosf(lines: string[], file: string, warn: Warn): PosfSig[] {
  const byOs = new Map<string, Partial<Record<string, string>>>();
  let os = '';
  const field = (k: string, v: string) => {
    let e = byOs.get(os);
    if (!e) { e = {}; byOs.set(os, e); }
    e[k] = v;
  };
  for (const line of lines) {
    if (/^\s*#/.test(line) || !/\S/.test(line)) continue;
    let m: RegExpExecArray | null;
    if ((m = /^\s*OS\s+(.*);/.exec(line))) { os = m[1]; if (!byOs.has(os)) byOs.set(os, {}); }
    else if ((m = /^\s*NUMPKTS\s+(\d+);/.exec(line))) field('numpkts', m[1]);
    else if ((m = /^\s*TOS\s+(\w+);/.exec(line))) field('tos', m[1]);
    else if ((m = /^\s*LEN\s+(\d+);/.exec(line))) field('len', m[1]);
    else if ((m = /^\s*TTL\s+(\d+);/.exec(line))) field('ttl', m[1]);
    else if ((m = /^\s*ID\s+(\w+);/.exec(line))) field('id', m[1]);
    else if ((m = /^\s*WINDOW\s+(\d+);/.exec(line))) field('win', m[1]);
  }
  const out: PosfSig[] = [];
  for (const [name, e] of byOs) {
    const missing = ['numpkts', 'tos', 'len', 'ttl', 'id', 'win'].find((k) => e[k] === undefined);
    if (missing) {
      warn(`${file}: missing ${missing === 'win' ? 'WINDOW' : missing.toUpperCase()} for os: ${name}, skipped`);
      continue;
    }
    if (e.id !== 'SMALLINCR' && e.id !== 'RANDOM') {
      warn(`${file}: ID must be either SMALLINCR or RANDOM for os: ${name}, skipped`);
      continue;
    }
    out.push({ os: name, numpkts: Number(e.numpkts), tos: e.tos!, len: Number(e.len), ttl: Number(e.ttl), id: e.id, win: Number(e.win) });
  }
  return out;
}
