import { P0fSig } from '../data/pf-os';
import { PosfSig } from '../data/posf';
import { IpOption } from '../data/ip-options';
import { Packet } from '../ingest/packet';
import { DebugTrace, syslogEcho } from '../text/debug-trace';

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

function perlNumber(s: string): number {
  const m = /^\s*([+-]?\d+(?:\.\d*)?)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** A value test of pf.os: any ('*'), a multiple ('%n', n = 0 never matches) or an exact number. */
interface ValueTest {
  kind: 0 | 1 | 2;
  n: number;
}

function valueTest(spec: string): ValueTest {
  if (spec === '*') return { kind: 0, n: 0 };
  const m = /^%(\d+)/.exec(spec);
  if (m) return { kind: 1, n: Number(m[1]) };
  return { kind: 2, n: perlNumber(spec) };
}

function passes(t: ValueTest, v: number): boolean {
  if (t.kind === 0) return true;
  if (t.kind === 1) return t.n !== 0 && v % t.n === 0;
  return v === t.n;
}

/** One option position of a pf.os signature: the kind required and its value test. */
interface OptTest {
  pos: number;
  kind: number;
  /** 0 none, 1 equal, 2 multiple of, 3 timestamp zero */
  test: 0 | 1 | 2 | 3;
  n: number;
}

interface CompiledP0f {
  os: string;
  /** the fingerprint as psad's debug line shows it */
  text: string;
  len: ValueTest;
  /** '*' or the DF bit as text */
  d: string;
  ttl: number;
  win: ValueTest;
  /** Sn: window = n x the first option's MSS (-1 when not used) */
  winMss: number;
  opts: OptTest[];
}

function compileP0f(sig: P0fSig): CompiledP0f {
  const sm = /^S(\d+)/.exec(sig.win);
  const opts: OptTest[] = [];
  sig.opts.forEach((tok, pos) => {
    const letter = tok.charAt(0);
    const kind = LETTER_KIND[letter];
    if (kind === undefined) return;
    let test: 0 | 1 | 2 | 3 = 0;
    let n = 0;
    if (letter === 'M' || letter === 'W') {
      const eq = new RegExp(`${letter}(\\d+)`).exec(tok);
      const md = new RegExp(`${letter}%(\\d+)`).exec(tok);
      if (eq) { test = 1; n = Number(eq[1]); } else if (md) { test = 2; n = Number(md[1]); }
    } else if (letter === 'T' && /T0/.test(tok)) test = 3;
    opts.push({ pos, kind, test, n });
  });
  return {
    os: sig.os,
    text: `${sig.win}:${sig.ttlText ?? sig.ttl}:${sig.d}:${sig.len}:${sig.opts.join(',')}`,
    len: valueTest(sig.len),
    d: sig.d,
    ttl: sig.ttl,
    win: sm ? { kind: 0, n: 0 } : valueTest(sig.win),
    winMss: sm ? Number(sm[1]) : -1,
    opts,
  };
}

/**
 * pf.os matcher: the signatures compiled once, and the result of each
 * distinct (length, DF, TTL, window, options) cached, since scans repeat
 * the same SYN shape many times.
 */
export class P0fMatcher {
  private readonly sigs: CompiledP0f[];
  /** (length, TTL, DF, window) -> options text -> result */
  private readonly cache = new Map<number, Map<string, string[]>>();
  private cached = 0;

  constructor(sigs: readonly P0fSig[], private readonly maxHops: number) {
    this.sigs = sigs.map(compileP0f);
  }

  /** Every OS text whose signature the SYN packet matches, in file order. */
  match(pkt: Packet, hexOpts: string, onBroken?: (len: number) => void): string[] {
    const cacheable = pkt.ipLen >= 0 && pkt.ipLen < 65536 && pkt.ttl >= 0 && pkt.ttl < 512 && pkt.win >= 0 && pkt.win < 4294967296;
    const key = cacheable ? ((pkt.ipLen * 512 + pkt.ttl) * 2 + pkt.fragBit) * 4294967296 + pkt.win : -1;
    let byOpts = cacheable ? this.cache.get(key) : undefined;
    const hit = byOpts?.get(hexOpts);
    if (hit) return hit;
    let broken = -1;
    const options = parseTcpOptions(hexOpts, (len) => { broken = len; });
    if (broken >= 0 && onBroken) onBroken(broken);
    const out: string[] = [];
    for (const sig of this.sigs) if (this.fits(sig, pkt, options)) out.push(sig.os);
    // a broken option string is reported every time, so it is not cached
    if (broken < 0 && cacheable) {
      if (this.cached >= 50000) {
        this.cache.clear();
        this.cached = 0;
        byOpts = undefined;
      }
      if (!byOpts) {
        byOpts = new Map();
        this.cache.set(key, byOpts);
      }
      byOpts.set(hexOpts, out);
      this.cached++;
    }
    return out;
  }

  private fits(sig: CompiledP0f, pkt: Packet, options: TcpOption[]): boolean {
    if (!passes(sig.len, pkt.ipLen)) return false;
    if (sig.d !== String(pkt.fragBit) && sig.d !== '*') return false;
    if (!(pkt.ttl > sig.ttl - this.maxHops && pkt.ttl <= sig.ttl)) return false;
    if (sig.winMss >= 0) {
      const first = options[0];
      if (!(first && first.kind === TCP_MSS && pkt.win === first.value * sig.winMss)) return false;
    } else if (!passes(sig.win, pkt.win)) return false;
    for (const t of sig.opts) {
      const o = options[t.pos];
      if (!o || o.kind !== t.kind) return false;
      if (t.test === 1 && o.value !== t.n) return false;
      if (t.test === 2 && (t.n === 0 || o.value % t.n !== 0)) return false;
      if (t.test === 3 && o.value !== 0) return false;
    }
    return true;
  }

  /**
   * psad 2.4.6's debug lines of p0f_ipv4() for a SYN packet: the packet's
   * values, the decoded options, each matching fingerprint ("[+] os: OS,
   * SIG", once per distinct fingerprint as in psad's table) or "Could not
   * match". Returns the syslog message of a broken option string.
   */
  trace(pkt: Packet, hexOpts: string, d: DebugTrace): string | undefined {
    d.err(`[+] p0f_ipv4(): ${pkt.src} len: ${pkt.ipLen}, frag_bit: ${pkt.fragBit}, ttl: ${pkt.ttl}, win: ${pkt.win}\n`);
    const t = tcpOptionsDebugText(hexOpts, pkt.src);
    d.err(t.text);
    if (t.syslog) syslogEcho(d, t.syslog);
    const options = parseTcpOptions(hexOpts);
    const seen = new Set<string>();
    for (const sig of this.sigs) {
      const key = `${sig.text}\n${sig.os}`;
      if (seen.has(key) || !this.fits(sig, pkt, options)) continue;
      seen.add(key);
      d.err(`[+] os: ${sig.os}, ${sig.text}\n`);
    }
    if (!seen.size) d.err(`    Could not match ${pkt.src} against any p0f signature.\n`);
    return t.syslog;
  }
}

/** posf observations of one source. */
export interface PosfState {
  /** value -> packets, as psad's %posf counts them */
  len: Map<number, number>;
  tos: Map<string, number>;
  ttl: Map<number, number>;
  win: Map<number, number>;
  ctr: number;
  ids: number[];
  /** true while every consecutive IP ID pair increased by less than 1000 */
  smallIncr: boolean;
  guess?: string;
}

export function newPosfState(): PosfState {
  return { len: new Map(), tos: new Map(), ttl: new Map(), win: new Map(), ctr: 0, ids: [], smallIncr: true };
}

/** posf: record this SYN and take the first OS (file order) that now matches. */
export function posfObserve(st: PosfState, pkt: Packet, sigs: readonly PosfSig[]): void {
  st.len.set(pkt.ipLen, (st.len.get(pkt.ipLen) ?? 0) + 1);
  st.tos.set(pkt.tos, (st.tos.get(pkt.tos) ?? 0) + 1);
  st.ttl.set(pkt.ttl, (st.ttl.get(pkt.ttl) ?? 0) + 1);
  st.win.set(pkt.win, (st.win.get(pkt.win) ?? 0) + 1);
  st.ctr++;
  const last = st.ids.length ? st.ids[st.ids.length - 1] : undefined;
  if (last !== undefined && !(last < pkt.ipId && pkt.ipId - last < 1000)) st.smallIncr = false;
  st.ids.push(pkt.ipId);
  const idStr = st.smallIncr ? 'SMALLINCR' : 'RANDOM';
  let minTtl = 256;
  let maxTtl = 0;
  for (const t of st.ttl.keys()) {
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

/**
 * psad's debug text of parse_ip_options(): "[+] parse_ip_options(): matched "
 * and each option keyword found with its value, as psad prints it (no line
 * end when the walk stops early, as in psad).
 */
export function ipOptionsDebugText(hex: string, table: readonly IpOption[]): string {
  if (hex.length % 2 !== 0) return 'IP options length not a multiple of two.';
  let out = '[+] parse_ip_options(): matched ';
  const found = new Set<string>();
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
        if (i + 1 > bytes.length - 1) return out;
        const optLen = perlHex(bytes[i + 1]) - 2;
        if (i + optLen > bytes.length - 1) return out;
        i += optLen;
      }
      if (!found.has(o.keyword)) out += `${o.keyword} (0x${val.toString(16)}) `;
      found.add(o.keyword);
    }
  }
  return `${out}\n`;
}

/**
 * psad's debug text of parse_tcp_options() for p0f: the decoded options
 * ("[+] MSS: 1460, NOP, ..."), or the message of the check that stopped
 * the walk, and the syslog message of a broken length byte.
 */
export function tcpOptionsDebugText(hex: string, src: string): { text: string; syslog?: string } {
  if (!hex || hex === '0') return { text: 'no tcp options' };
  if (hex.length % 2 !== 0) return { text: 'tcp options length not a multiple of two.' };
  const bytes: string[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(hex.slice(i, i + 2));
  const maxAttempts = hex.length - 1;
  let ctr = 0;
  let str = '';
  for (let k = 0; k < bytes.length;) {
    ctr++;
    if (ctr > maxAttempts) return { text: `    p0f() parse_ctr ${ctr} > max_parse_attempts ${maxAttempts}\n` };
    if (k + 1 >= bytes.length) break;
    const len = perlHex(bytes[k + 1]);
    const kind = perlHex(bytes[k]);
    let isNop = false;
    if (kind === TCP_NOP) {
      str += 'NOP, ';
      isNop = true;
    } else if (kind === TCP_MSS || kind === TCP_WSCALE) {
      let h = '';
      for (let i = k + 2; i < k + len; i++) h += bytes[i] ?? '';
      str += `${kind === TCP_MSS ? 'MSS' : 'Win Scale'}: ${perlHex(h)}, `;
    } else if (kind === TCP_SACK) {
      str += 'SACK, ';
    } else if (kind === TCP_TIMESTAMP) {
      let h = '';
      for (let i = k + 2; i < k + len - 4; i++) h += bytes[i] ?? '';
      str += `Timestamp: ${perlHex(h)}, `;
    } else if (kind === 0) {
      break;
    }
    if (isNop) k += 1;
    else {
      if (len === 0 || len === 1) {
        const msg = `broken ${len}-byte len field within TCP options string: ${hex} from source IP: ${src}`;
        return { text: `    ${msg}\n`, syslog: msg };
      }
      k += len;
    }
  }
  // psad strips a trailing comma, which never ends the text (", ")
  return { text: `[+] ${str.replace(/,$/, '')}\n` };
}
