import { P0fSig } from '../data/pf-os';
import { PosfSig } from '../data/posf';
import { IpOption } from '../data/ip-options';
import { Packet } from '../ingest/packet';

/** Perl's hex(): optional 0x/x prefix, hex digits until the first other character. */
export function perlHex(s: string): number {
  let i = 0;
  if (s.startsWith('0x') || s.startsWith('0X')) i = 2;
  else if (s.startsWith('x') || s.startsWith('X')) i = 1;
  let v = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else if (c === 95) continue;
    else break;
    v = v * 16 + d;
  }
  return v;
}

export const TCP_NOP = 1;
export const TCP_MSS = 2;
export const TCP_WSCALE = 3;
export const TCP_SACK = 4;
export const TCP_TIMESTAMP = 8;

export interface TcpOption {
  kind: number;
  value: number;
}

const LETTER_KIND: Record<string, number> = { N: TCP_NOP, M: TCP_MSS, W: TCP_WSCALE, S: TCP_SACK, T: TCP_TIMESTAMP };

/**
 * Decodes the logged TCP options hex string the way the reference does
 * (including its tolerance of odd lengths and bad length bytes). `onBroken`
 * is told about a 0/1 length byte, which the reference logs to syslog.
 */
export function parseTcpOptions(hex: string, onBroken?: (len: number) => void): TcpOption[] {
  if (!hex || hex === '0') return [];
  if (hex.length % 2 !== 0) return [];
  const bytes: string[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(hex.slice(i, i + 2));
  const maxAttempts = hex.length - 1;
  let ctr = 0;
  const out: TcpOption[] = [];
  for (let k = 0; k < bytes.length;) {
    ctr++;
    if (ctr > maxAttempts) return [];
    if (k + 1 >= bytes.length) break;
    const len = perlHex(bytes[k + 1]);
    const kind = perlHex(bytes[k]);
    let isNop = false;
    if (kind === TCP_NOP) {
      out.push({ kind: TCP_NOP, value: 0 });
      isNop = true;
    } else if (kind === TCP_MSS || kind === TCP_WSCALE) {
      let h = '';
      for (let i = k + 2; i < k + len; i++) h += bytes[i] ?? '';
      out.push({ kind, value: perlHex(h) });
    } else if (kind === TCP_SACK) {
      out.push({ kind: TCP_SACK, value: 0 });
    } else if (kind === TCP_TIMESTAMP) {
      let h = '';
      for (let i = k + 2; i < k + len - 4; i++) h += bytes[i] ?? '';
      out.push({ kind: TCP_TIMESTAMP, value: perlHex(h) });
    } else if (kind === 0) {
      break;
    }
    if (isNop) k += 1;
    else {
      if (len === 0 || len === 1) {
        if (onBroken) onBroken(len);
        return [];
      }
      k += len;
    }
  }
  return out;
}

function modMatch(value: number, spec: string): boolean | null {
  const m = /^%(\d+)/.exec(spec);
  if (!m) return null;
  const d = Number(m[1]);
  return d !== 0 && value % d === 0;
}

function perlNumber(s: string): number {
  const m = /^\s*([+-]?\d+(?:\.\d*)?)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** Every pf.os signature that the SYN packet matches (p0f v1 semantics of the reference). */
export function p0fMatches(pkt: Packet, sigs: readonly P0fSig[], maxHops: number, options: TcpOption[]): string[] {
  const out: string[] = [];
  for (const sig of sigs) {
    if (sig.len !== '*') {
      const mm = modMatch(pkt.ipLen, sig.len);
      if (mm === false) continue;
      if (mm === null && pkt.ipLen !== perlNumber(sig.len)) continue;
    }
    if (sig.d !== String(pkt.fragBit) && sig.d !== '*') continue;
    if (!(pkt.ttl > sig.ttl - maxHops && pkt.ttl <= sig.ttl)) continue;
    if (sig.win !== '*') {
      const mm = modMatch(pkt.win, sig.win);
      if (mm === false) continue;
      if (mm === null) {
        const sm = /^S(\d+)/.exec(sig.win);
        if (sm) {
          const first = options[0];
          if (!(first && first.kind === TCP_MSS && pkt.win === first.value * Number(sm[1]))) continue;
        } else if (perlNumber(sig.win) !== pkt.win) continue;
      }
    }
    let ok = true;
    for (let i = 0; i < sig.opts.length && ok; i++) {
      const tok = sig.opts[i];
      const letter = tok.charAt(0);
      const kind = LETTER_KIND[letter];
      if (kind === undefined) continue;
      const o = options[i];
      if (!o || o.kind !== kind) { ok = false; break; }
      if (letter === 'M' || letter === 'W') {
        const eq = new RegExp(`${letter}(\\d+)`).exec(tok);
        if (eq) { if (o.value !== Number(eq[1])) ok = false; continue; }
        const md = new RegExp(`${letter}%(\\d+)`).exec(tok);
        if (md) { const d = Number(md[1]); if (d === 0 || o.value % d !== 0) ok = false; }
      } else if (letter === 'T') {
        if (/T0/.test(tok) && o.value !== 0) ok = false;
      }
    }
    if (ok) out.push(sig.os);
  }
  return out;
}

/** posf observations of one source. */
export interface PosfState {
  len: Set<number>;
  tos: Set<string>;
  ttl: Set<number>;
  win: Set<number>;
  ctr: number;
  ids: number[];
  /** true while every consecutive IP ID pair increased by less than 1000 */
  smallIncr: boolean;
  guess?: string;
}

export function newPosfState(): PosfState {
  return { len: new Set(), tos: new Set(), ttl: new Set(), win: new Set(), ctr: 0, ids: [], smallIncr: true };
}

/** posf: record this SYN and take the first OS (file order) that now matches. */
export function posfObserve(st: PosfState, pkt: Packet, sigs: readonly PosfSig[]): void {
  st.len.add(pkt.ipLen);
  st.tos.add(pkt.tos);
  st.ttl.add(pkt.ttl);
  st.win.add(pkt.win);
  st.ctr++;
  const last = st.ids.length ? st.ids[st.ids.length - 1] : undefined;
  if (last !== undefined && !(last < pkt.ipId && pkt.ipId - last < 1000)) st.smallIncr = false;
  st.ids.push(pkt.ipId);
  const idStr = st.smallIncr ? 'SMALLINCR' : 'RANDOM';
  let minTtl = 256;
  let maxTtl = 0;
  for (const t of st.ttl) {
    if (t < minTtl) minTtl = t;
    if (t > maxTtl) maxTtl = t;
  }
  for (const sig of sigs) {
    if (st.ctr < sig.numpkts) continue;
    if (st.win.has(sig.win) && st.len.has(sig.len) && minTtl > sig.ttl - 20 && maxTtl <= sig.ttl && idStr === sig.id) {
      st.guess = sig.os;
      return;
    }
  }
}

/**
 * The IP option keywords present in a logged IP options string, decoded with
 * the reference's walk (including its off-by-one after each option).
 */
export function parseIpOptionKeywords(hex: string, table: readonly IpOption[]): Set<string> {
  const found = new Set<string>();
  if (hex.length % 2 !== 0) return found;
  const bytes: string[] = [];
  for (let i = 0; i + 2 <= hex.length; i += 2) bytes.push(hex.slice(i, i + 2));
  for (let i = 0; i < bytes.length; i++) {
    const val = perlHex(bytes[i]);
    for (const o of table) {
      if (val !== o.value) continue;
      if (o.len !== '-1') {
        const l = perlNumber(o.len);
        if (l !== 1) i += l;
      } else {
        if (i + 1 > bytes.length - 1) return found;
        const optLen = perlHex(bytes[i + 1]) - 2;
        if (i + optLen > bytes.length - 1) return found;
        i += optLen;
      }
      found.add(o.keyword);
    }
  }
  return found;
}
