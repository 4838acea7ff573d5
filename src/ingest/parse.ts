import { Packet } from './packet';
import { Line, ipv4Tok, ipv6Tok, parenToken } from './scan';
import { parseIPv4Number, ipv4Addr, parseIPv6, Net, netContains } from '../net/addr';
import { PortSets, matchPort } from '../data/port-list';
import { detach } from './detach';
import { fromLogemu } from './ulogd';
import { DebugTrace } from '../text/debug-trace';

export const PKT_SUCCESS = 0;
export const PKT_IGNORE = 1;
export const PKT_ERROR = 2;
export type ParseResult = typeof PKT_SUCCESS | typeof PKT_IGNORE | typeof PKT_ERROR;

/** Everything the parser needs from the configuration and command line. */
export interface ParserOptions {
  /** ENABLE_SYSLOG_FILE=Y: require IN=.*OUT= */
  requireInOut: boolean;
  ignoreKernelTimestamp: boolean;
  ignoreLogPrefixes: RegExp | null;
  /** -i/--interface */
  interfaceOnly: string;
  ignoreInterfaces: Set<string>;
  customTsRe: RegExp | null;
  noSnortSids: boolean;
  snortSidRe: RegExp;
  fwSearchAll: boolean;
  fwSearch: RegExp[];
  ipv6Detection: boolean;
  /** IGNORE_PROTOCOLS names and numbers */
  ignoreProtocols: Set<string>;
  ignoreConntrackBugPkts: boolean;
  expectTcpOptions: boolean;
  ignorePorts: PortSets;
  /** build the DShield report line (daemon with DShield on) */
  dshield: boolean;
  /** --restrict-ip */
  restrictNet: Net | null;
  /** text of the current local time, for lines without a syslog timestamp */
  nowText: () => string;
  /** --debug: psad's parse_NF_pkt_str() trace */
  debug?: DebugTrace | null;
}

/** State that the reference keeps across lines. */
export interface ParserState {
  /** "TCP options have been seen" (EXPECT_TCP_OPTIONS, masscan detection) */
  foundTcpOptions: boolean;
  /** log prefix counters, counted even for lines that later fail */
  prefixCounts: Map<string, number>;
}

export function newParserState(): ParserState {
  return { foundTcpOptions: false, prefixCounts: new Map() };
}

function prefixOf(L: Line): string | null {
  // /.*kernel:\s+(.*?)\s*IN=/ : the last "kernel:" that is followed by
  // whitespace and, somewhere after, "IN="
  const lastIn = L.s.lastIndexOf('IN=');
  if (lastIn < 0) return null;
  let k = L.s.lastIndexOf('kernel:');
  while (k >= 0) {
    const a = k + 7;
    if (L.ws(a) && lastIn >= a + 1) {
      const w = L.wsEnd(a);
      const q = L.s.indexOf('IN=', w);
      if (q >= 0) {
        let j = q;
        while (j > w && L.ws(j - 1)) j--;
        return L.s.slice(w, j);
      }
    }
    k = k > 0 ? L.s.lastIndexOf('kernel:', k - 1) : -1;
  }
  return null;
}

/**
 * `s.replace(/\s/g, ',')` in time linear in the length: V8's replace of a
 * multi-megabyte string with many matches costs far more than its length
 * (a hostile flags field of 2 MB took a quarter of a second).
 */
function wsToComma(s: string): string {
  if (s.length < 4096) return s.replace(/\s/g, ',');
  const b = Buffer.from(s, 'latin1');
  if (b.toString('latin1') !== s) return s.replace(/\s/g, ',');
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) b[i] = 44;
  }
  return b.toString('latin1');
}

/** [ 12345.678901 ] kernel timestamps removed from a prefix (first one). */
function stripKernelTs(p: string): string {
  let i = p.indexOf('[');
  while (i >= 0) {
    let j = i + 1;
    while (j < p.length && isWsCode(p.charCodeAt(j))) j++;
    const d1 = j;
    while (j < p.length && isDigitCode(p.charCodeAt(j))) j++;
    if (j > d1 && p.charCodeAt(j) === 46) {
      j++;
      const d2 = j;
      while (j < p.length && isDigitCode(p.charCodeAt(j))) j++;
      if (j > d2) {
        while (j < p.length && isWsCode(p.charCodeAt(j))) j++;
        if (p.charCodeAt(j) === 93) {
          j++;
          while (j < p.length && isWsCode(p.charCodeAt(j))) j++;
          return p.slice(0, i) + p.slice(j);
        }
      }
    }
    i = p.indexOf('[', i + 1);
  }
  return p;
}

function isWsCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Last position q of "OUT=" with \s at q-1 and, after it, \s (wantWs) or \S. */
function lastOut(L: Line, wantWs: boolean): number {
  let q = L.s.lastIndexOf('OUT=');
  while (q >= 0) {
    if (q > 0 && L.ws(q - 1) && (wantWs ? L.ws(q + 4) : L.nws(q + 4))) return q;
    q = q > 0 ? L.s.lastIndexOf('OUT=', q - 1) : -1;
  }
  return -1;
}

/** Chain and interface from IN=/OUT= (with PHYSIN support), as the reference decides them. */
function chainIntf(L: Line, pkt: Packet): void {
  const outWs = lastOut(L, true);
  const outNws = lastOut(L, false);
  // INPUT: IN=(\S+)\s+PHYSIN=.*?\sOUT=\s  or  IN=(\S+).*?\sOUT=\s
  // FORWARD: the same with \sOUT=\S
  for (let k = 0; k < 2; k++) {
    const lastQ = k === 0 ? outWs : outNws;
    const chain = k === 0 ? 'INPUT' : 'FORWARD';
    if (lastQ < 0) continue;
    // with PHYSIN=
    // an occurrence inside the token of one that failed ends at the same place and fails too:
    // the search goes on after that token (else a token of many IN= costs quadratic time)
    for (let i = L.s.indexOf('IN='); i >= 0; i = L.s.indexOf('IN=', i + 1)) {
      const t = i + 3;
      const te = L.tokEnd(t);
      if (te === t) continue;
      const we = L.needWs(te);
      if (we >= 0 && L.at(we, 'PHYSIN=') && we + 8 <= lastQ) {
        pkt.intf = L.slice(t, te);
        pkt.chain = chain;
        return;
      }
      i = te - 1;
    }
    for (let i = L.s.indexOf('IN='); i >= 0; i = L.s.indexOf('IN=', i + 1)) {
      const t = i + 3;
      const te = L.tokEnd(t);
      if (te === t) continue;
      if (te + 1 <= lastQ) {
        pkt.intf = L.slice(t, te);
        pkt.chain = chain;
        return;
      }
      i = te - 1;
    }
  }
  // OUTPUT: IN=\s+PHYSIN=.*?\sOUT=(\S+)  or  IN=\s+OUT=(\S+)
  const outs: number[] = [];
  for (let q = L.s.indexOf('OUT='); q >= 0; q = L.s.indexOf('OUT=', q + 1)) {
    if (q > 0 && L.ws(q - 1) && L.nws(q + 4)) outs.push(q);
  }
  if (outs.length) {
    let k = 0;
    for (let i = L.s.indexOf('IN='); i >= 0; i = L.s.indexOf('IN=', i + 1)) {
      const we = L.needWs(i + 3);
      if (we < 0 || !L.at(we, 'PHYSIN=')) continue;
      while (k < outs.length && outs[k] < we + 8) k++;
      if (k < outs.length) {
        const q = outs[k];
        pkt.intf = L.slice(q + 4, L.tokEnd(q + 4));
        pkt.chain = 'OUTPUT';
        return;
      }
      break;
    }
  }
  for (let i = L.s.indexOf('IN='); i >= 0; i = L.s.indexOf('IN=', i + 1)) {
    const we = L.needWs(i + 3);
    if (we < 0 || !L.at(we, 'OUT=') || !L.nws(we + 4)) continue;
    pkt.intf = L.slice(we + 4, L.tokEnd(we + 4));
    pkt.chain = 'OUTPUT';
    return;
  }
}

function macs(L: Line, pkt: Packet): void {
  for (let i = L.s.indexOf('MAC='); i >= 0; i = L.s.indexOf('MAC=', i + 1)) {
    if (i === 0 || !L.ws(i - 1)) continue;
    const te = L.tokEnd(i + 4);
    if (te === i + 4) continue;
    const tok = L.slice(i + 4, te);
    if (/^(?:\w{2}:){12}/.test(tok)) {
      pkt.dstMac = tok.slice(0, 17);
      pkt.srcMac = tok.slice(18, 35);
    }
    return;
  }
  // nft `log flags ether` (and LOG --log-macdecode): MACSRC=s MACDST=d MACPROTO=p instead of MAC=
  const i = L.s.indexOf(' MACSRC=');
  if (i >= 0) {
    const m = /^ MACSRC=((?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}) MACDST=((?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2})\s/.exec(L.s.slice(i, i + 60));
    if (m) {
      pkt.srcMac = m[1];
      pkt.dstMac = m[2];
    }
  }
}

/** Traditional `Mmm dd hh:mm:ss host kernel:` or RFC 3339 timestamps. */
function timestampHost(L: Line, pkt: Packet, opts: ParserOptions): void {
  if (opts.customTsRe) {
    const m = opts.customTsRe.exec(L.s);
    if (m) {
      pkt.timestamp = m[1] ?? '';
      pkt.syslogHost = m[2] ?? '';
    }
  } else {
    const b = L.wsEnd(0);
    const t1 = L.tokEnd(b);
    const w1 = L.needWs(t1);
    if (t1 > b && w1 >= 0) {
      const t2 = L.tokEnd(w1);
      const w2 = L.needWs(t2);
      if (t2 > w1 && w2 >= 0) {
        const t3 = L.tokEnd(w2);
        const w3 = L.needWs(t3);
        if (t3 > w2 && w3 >= 0) {
          const t4 = L.tokEnd(w3);
          const w4 = L.needWs(t4);
          if (t4 > w3 && w4 >= 0 && L.at(w4, 'kernel:')) {
            pkt.timestamp = L.slice(b, t3);
            pkt.syslogHost = L.slice(w3, t4);
          }
        }
      }
      if (!pkt.syslogHost && w1 >= 0) {
        const tok = L.slice(b, t1);
        if (/^[\d-]+T(?:\d{2}:){2}\d{2}\S+$/.test(tok)) {
          const h = L.tokEnd(w1);
          const w = L.needWs(h);
          if (h > w1 && w >= 0 && L.at(w, 'kernel:')) {
            pkt.timestamp = tok;
            pkt.syslogHost = L.slice(w1, h);
          }
        }
      }
    }
  }
  if (!pkt.syslogHost || pkt.syslogHost === '0') {
    pkt.timestamp = opts.nowText();
    pkt.syslogHost = 'unknown';
  }
}

function hasHopFlow(L: Line): boolean {
  for (let i = L.s.indexOf('HOPLIMIT='); i >= 0; i = L.s.indexOf('HOPLIMIT=', i + 1)) {
    const d = L.litDigits(i, 'HOPLIMIT=');
    if (d < 0) continue;
    const w = L.needWs(d);
    if (w < 0) continue;
    if (L.litDigits(w, 'FLOWLBL=') >= 0) return true;
  }
  return false;
}

function hasDfProto(L: Line): boolean {
  for (let i = L.s.indexOf('DF'); i >= 0; i = L.s.indexOf('DF', i + 1)) {
    if (i === 0 || !L.ws(i - 1)) continue;
    const w = L.needWs(i + 2);
    if (w >= 0 && L.at(w, 'PROTO')) return true;
  }
  return false;
}

/** OPT\s+\((\S+)\)\s+PROTO= (IP options, before PROTO=). */
function ipOptions(L: Line): string {
  for (let i = L.s.indexOf('OPT'); i >= 0; i = L.s.indexOf('OPT', i + 1)) {
    const w = L.needWs(i + 3);
    if (w < 0) continue;
    const p = parenToken(L, w, true);
    if (!p) continue;
    const w2 = L.needWs(p[2]);
    if (w2 >= 0 && L.at(w2, 'PROTO=')) return L.slice(p[0], p[1]);
  }
  return '';
}

/** PROTO=<lit>\s anywhere. */
function protoIs(L: Line, lit: string): boolean {
  const needle = 'PROTO=' + lit;
  for (let i = L.s.indexOf(needle); i >= 0; i = L.s.indexOf(needle, i + 1)) {
    if (L.ws(i + needle.length)) return true;
  }
  return false;
}

/** PROTO=(\d+)\s : the first such protocol number, or ''. */
function protoNumber(L: Line): string {
  for (let i = L.s.indexOf('PROTO='); i >= 0; i = L.s.indexOf('PROTO=', i + 1)) {
    const e = L.litDigits(i, 'PROTO=');
    if (e >= 0 && L.ws(e)) return L.slice(i + 6, e);
  }
  return '';
}

// Results of the matchers below (module-level scratch, to keep the hot path allocation-free).
let wfWinEnd = 0;
let wfFlagsStart = 0;
let wfFlagsEnd = 0;
let sdSrcEnd = 0;
let sdDstStart = 0;
let sdDstEnd = 0;
let sdAfter = 0;

/**
 * The flags part `WINDOW=(\d+)\s+(.*)\s+URGP=` at w; lastUrgp is the last
 * "URGP=" preceded by \s. Sets wf*.
 */
function windowFlags(L: Line, w: number, lastUrgp: number): boolean {
  const de = L.litDigits(w, 'WINDOW=');
  if (de < 0) return false;
  const y = L.needWs(de);
  if (y < 0) return false;
  if (lastUrgp >= y + 1) {
    wfWinEnd = de; wfFlagsStart = y; wfFlagsEnd = lastUrgp - 1;
    return true;
  }
  if (lastUrgp === y && y - de >= 2) {
    wfWinEnd = de; wfFlagsStart = y; wfFlagsEnd = y;
    return true;
  }
  return false;
}

function lastUrgpPos(L: Line): number {
  let u = L.s.lastIndexOf('URGP=');
  while (u >= 0) {
    if (u > 0 && L.ws(u - 1)) return u;
    u = u > 0 ? L.s.lastIndexOf('URGP=', u - 1) : -1;
  }
  return -1;
}

/** `SRC=(ip)\s+DST=(ip)\s+` at i for IPv4 or IPv6; sets sd*. */
function srcDst(L: Line, i: number, v6: boolean): boolean {
  if (!L.at(i, 'SRC=')) return false;
  const a = i + 4;
  let ae: number;
  if (v6) {
    ae = ipv6Tok(L, a);
    if (ae < 0 || !L.ws(ae)) return false;
  } else {
    ae = ipv4Tok(L, a);
    if (ae < 0) return false;
  }
  const w = L.wsEnd(ae);
  if (!L.at(w, 'DST=')) return false;
  const b = w + 4;
  let be: number;
  if (v6) {
    be = ipv6Tok(L, b);
    if (be < 0 || !L.ws(be)) return false;
  } else {
    be = ipv4Tok(L, b);
    if (be < 0) return false;
  }
  sdSrcEnd = ae; sdDstStart = b; sdDstEnd = be; sdAfter = L.wsEnd(be);
  return true;
}

/** IPv6 header SRC= DST= LEN= TC= HOPLIMIT= FLOWLBL= at i: end of the FLOWLBL digits or -1. */
function ipv6Header(L: Line, i: number, pkt: Packet): number {
  if (!srcDst(L, i, true)) return -1;
  const p = sdAfter;
  const lenE = L.litDigits(p, 'LEN=');
  if (lenE < 0) return -1;
  const w = L.needWs(lenE);
  if (w < 0) return -1;
  const tcE = L.litDigits(w, 'TC=');
  if (tcE < 0) return -1;
  const w2 = L.needWs(tcE);
  if (w2 < 0) return -1;
  const hlE = L.litDigits(w2, 'HOPLIMIT=');
  if (hlE < 0) return -1;
  const w3 = L.needWs(hlE);
  if (w3 < 0) return -1;
  const flE = L.litDigits(w3, 'FLOWLBL=');
  if (flE < 0) return -1;
  pkt.src = L.slice(i + 4, sdSrcEnd);
  pkt.dst = L.slice(sdDstStart, sdDstEnd);
  pkt.ipLen = L.num(p + 4, lenE);
  pkt.tc = L.num(w + 3, tcE);
  pkt.hopLimit = L.num(w2 + 9, hlE);
  pkt.flowLabel = L.num(w3 + 8, flE);
  return flE;
}

function prevIndex(L: Line, lit: string, i: number): number {
  return i > 0 ? L.s.lastIndexOf(lit, i - 1) : -1;
}

/**
 * IPv4 `SRC= DST= LEN=(\d+)` prefix used by ICMP and numeric protocols:
 * the first SRC= whose LEN digits end at or before `limit`.
 */
function ipv4SrcDstLen(L: Line, pkt: Packet, limit: number): boolean {
  for (let i = L.s.indexOf('SRC='); i >= 0; i = L.s.indexOf('SRC=', i + 1)) {
    if (!srcDst(L, i, false)) continue;
    const le = L.litDigits(sdAfter, 'LEN=');
    if (le < 0 || le > limit) continue;
    pkt.src = L.slice(i + 4, sdSrcEnd);
    pkt.dst = L.slice(sdDstStart, sdDstEnd);
    pkt.ipLen = L.num(sdAfter + 4, le);
    return true;
  }
  return false;
}

/** `TTL=(\d+)\s+ID=(\d+)` at t: end of the ID digits or -1. */
function ttlId(L: Line, t: number): number {
  const te = L.litDigits(t, 'TTL=');
  if (te < 0) return -1;
  const w = L.needWs(te);
  if (w < 0) return -1;
  return L.litDigits(w, 'ID=');
}

function setTtlId(L: Line, pkt: Packet, t: number, idEnd: number): void {
  const te = L.digitsEnd(t + 4);
  pkt.ttl = L.num(t + 4, te);
  const w = L.wsEnd(te);
  pkt.ipId = L.num(w + 3, idEnd);
}

/**
 * The last `TTL=(\d+)\s+ID=(\d+)` whose ID digits end at or before `limit`
 * (with \s before TTL= when wsBefore); sets ttl/ipId and returns its position.
 */
function lastTtlId(L: Line, pkt: Packet, limit: number, wsBefore: boolean): number {
  for (let t = L.s.lastIndexOf('TTL='); t >= 0; t = prevIndex(L, 'TTL=', t)) {
    if (wsBefore && (t === 0 || !L.ws(t - 1))) continue;
    const ie = ttlId(L, t);
    if (ie < 0 || ie > limit) continue;
    setTtlId(L, pkt, t, ie);
    return t;
  }
  return -1;
}

/** The first IPv4 `SRC= DST= LEN= TOS=(\S+)` whose TOS token ends at or before `limit`. */
function ipv4SrcDstLenTos(L: Line, pkt: Packet, limit: number, needWsAfterTos: boolean): boolean {
  for (let i = L.s.indexOf('SRC='); i >= 0; i = L.s.indexOf('SRC=', i + 1)) {
    if (!srcDst(L, i, false)) continue;
    const le = L.litDigits(sdAfter, 'LEN=');
    if (le < 0) continue;
    const w = L.needWs(le);
    if (w < 0 || !L.at(w, 'TOS=')) continue;
    const tosE = L.tokEnd(w + 4);
    if (tosE === w + 4 || tosE > limit) continue;
    if (needWsAfterTos && !L.ws(tosE)) continue;
    pkt.src = L.slice(i + 4, sdSrcEnd);
    pkt.dst = L.slice(sdDstStart, sdDstEnd);
    pkt.ipLen = L.num(sdAfter + 4, le);
    pkt.tos = L.slice(w + 4, tosE);
    return true;
  }
  return false;
}

function parseTcp4(L: Line, pkt: Packet): boolean {
  // SRC=(v4)\s+DST=(v4)\s+LEN=(\d+)\s+TOS=(\S+)\s*.*\s+TTL=(\d+)\s+ID=(\d+)\s*.*
  // \s+PROTO=TCP\s+SPT=(\d+)\s+DPT=(\d+)\s.*\s*WINDOW=(\d+)\s+(.*)\s+URGP=
  const lastU = lastUrgpPos(L);
  let wPos = -1;
  for (let w = L.s.lastIndexOf('WINDOW='); w >= 0; w = prevIndex(L, 'WINDOW=', w)) {
    if (windowFlags(L, w, lastU)) { wPos = w; break; }
  }
  if (wPos < 0) return false;
  const winEnd = wfWinEnd;
  const fStart = wfFlagsStart;
  const fEnd = wfFlagsEnd;
  let cPos = -1;
  for (let c = L.s.lastIndexOf('PROTO=TCP'); c >= 0; c = prevIndex(L, 'PROTO=TCP', c)) {
    if (c === 0 || !L.ws(c - 1)) continue;
    const a = L.litWs(c, 'PROTO=TCP');
    if (a < 0) continue;
    const spE = L.litDigits(a, 'SPT=');
    if (spE < 0) continue;
    const b = L.needWs(spE);
    if (b < 0) continue;
    const dpE = L.litDigits(b, 'DPT=');
    if (dpE < 0 || !L.ws(dpE) || dpE + 1 > wPos) continue;
    pkt.sp = L.num(a + 4, spE);
    pkt.dp = L.num(b + 4, dpE);
    cPos = c;
    break;
  }
  if (cPos < 0) return false;
  const tPos = lastTtlId(L, pkt, cPos - 1, true);
  if (tPos < 0) return false;
  if (!ipv4SrcDstLenTos(L, pkt, tPos - 1, false)) return false;
  pkt.win = L.num(wPos + 7, winEnd);
  pkt.flags = L.slice(fStart, fEnd);
  return true;
}

function parseTcp6(L: Line, pkt: Packet): boolean {
  // SRC=(v6)\s+DST=(v6)\s+LEN=\s+TC=\s+HOPLIMIT=\s+FLOWLBL=(\d+)\s+.*
  // PROTO=TCP\s+SPT=(\d+)\s+DPT=(\d+)\s+WINDOW=(\d+)\s+(.*)\s+URGP=
  const lastU = lastUrgpPos(L);
  let cPos = -1;
  let winStart = -1;
  for (let c = L.s.lastIndexOf('PROTO=TCP'); c >= 0; c = prevIndex(L, 'PROTO=TCP', c)) {
    const a = L.litWs(c, 'PROTO=TCP');
    if (a < 0) continue;
    const spE = L.litDigits(a, 'SPT=');
    if (spE < 0) continue;
    const b = L.needWs(spE);
    if (b < 0) continue;
    const dpE = L.litDigits(b, 'DPT=');
    if (dpE < 0) continue;
    const w = L.needWs(dpE);
    if (w < 0 || !windowFlags(L, w, lastU)) continue;
    pkt.sp = L.num(a + 4, spE);
    pkt.dp = L.num(b + 4, dpE);
    winStart = w;
    cPos = c;
    break;
  }
  if (cPos < 0) return false;
  const winEnd = wfWinEnd;
  const fStart = wfFlagsStart;
  const fEnd = wfFlagsEnd;
  let ok = false;
  for (let i = L.s.indexOf('SRC='); i >= 0; i = L.s.indexOf('SRC=', i + 1)) {
    const fe = ipv6Header(L, i, pkt);
    if (fe < 0 || !L.ws(fe) || fe + 1 > cPos) continue;
    ok = true;
    break;
  }
  if (!ok) return false;
  pkt.win = L.num(winStart + 7, winEnd);
  pkt.flags = L.slice(fStart, fEnd);
  return true;
}

function parseUdp4(L: Line, pkt: Packet): boolean {
  // SRC=(v4)\s+DST=(v4)\s+LEN=(\d+)\s+TOS=(\S+)\s.*TTL=(\d+)\s+ID=(\d+)\s*.*
  // \s+PROTO=UDP\s+SPT=(\d+)\s+DPT=(\d+)\s+LEN=(\d+)
  let cPos = -1;
  for (let c = L.s.lastIndexOf('PROTO=UDP'); c >= 0; c = prevIndex(L, 'PROTO=UDP', c)) {
    if (c === 0 || !L.ws(c - 1)) continue;
    const a = L.litWs(c, 'PROTO=UDP');
    if (a < 0) continue;
    const spE = L.litDigits(a, 'SPT=');
    if (spE < 0) continue;
    const b = L.needWs(spE);
    if (b < 0) continue;
    const dpE = L.litDigits(b, 'DPT=');
    if (dpE < 0) continue;
    const d = L.needWs(dpE);
    if (d < 0) continue;
    const lE = L.litDigits(d, 'LEN=');
    if (lE < 0) continue;
    pkt.sp = L.num(a + 4, spE);
    pkt.dp = L.num(b + 4, dpE);
    pkt.udpLen = L.num(d + 4, lE);
    cPos = c;
    break;
  }
  if (cPos < 0) return false;
  const tPos = lastTtlId(L, pkt, cPos - 1, false);
  if (tPos < 0) return false;
  return ipv4SrcDstLenTos(L, pkt, tPos - 1, true);
}

function parseUdp6(L: Line, pkt: Packet): boolean {
  for (let i = L.s.indexOf('SRC='); i >= 0; i = L.s.indexOf('SRC=', i + 1)) {
    const fe = ipv6Header(L, i, pkt);
    if (fe < 0) continue;
    const p = L.needWs(fe);
    if (p < 0 || !L.at(p, 'PROTO=UDP')) continue;
    let a = p + 9;
    if (L.at(a, 'LITE')) a += 4;
    const a2 = L.needWs(a);
    if (a2 < 0) continue;
    const spE = L.litDigits(a2, 'SPT=');
    if (spE < 0) continue;
    const b = L.needWs(spE);
    if (b < 0) continue;
    const dpE = L.litDigits(b, 'DPT=');
    if (dpE < 0) continue;
    const d = L.needWs(dpE);
    if (d < 0) continue;
    const lE = L.litDigits(d, 'LEN=');
    if (lE < 0) continue;
    pkt.sp = L.num(a2 + 4, spE);
    pkt.dp = L.num(b + 4, dpE);
    pkt.udpLen = L.num(d + 4, lE);
    return true;
  }
  return false;
}

function parseIcmp4(L: Line, pkt: Packet): boolean {
  // SRC=(v4)\s+DST=(v4)\s+LEN=(\d+).*TTL=(\d+)\s+ID=(\d+).*PROTO=ICMP\s+TYPE=(\d+)\s+CODE=(\d+)
  let cPos = -1;
  for (let c = L.s.lastIndexOf('PROTO=ICMP'); c >= 0; c = prevIndex(L, 'PROTO=ICMP', c)) {
    const a = L.litWs(c, 'PROTO=ICMP');
    if (a < 0) continue;
    const tE = L.litDigits(a, 'TYPE=');
    if (tE < 0) continue;
    const b = L.needWs(tE);
    if (b < 0) continue;
    const cE = L.litDigits(b, 'CODE=');
    if (cE < 0) continue;
    pkt.itype = L.num(a + 5, tE);
    pkt.icode = L.num(b + 5, cE);
    cPos = c;
    break;
  }
  if (cPos < 0) return false;
  const tPos = lastTtlId(L, pkt, cPos, false);
  if (tPos < 0) return false;
  return ipv4SrcDstLen(L, pkt, tPos);
}

function parseIcmp6(L: Line, pkt: Packet): boolean {
  for (let i = L.s.indexOf('SRC='); i >= 0; i = L.s.indexOf('SRC=', i + 1)) {
    const fe = ipv6Header(L, i, pkt);
    if (fe < 0) continue;
    const p = L.needWs(fe);
    if (p < 0) continue;
    const a = L.litWs(p, 'PROTO=ICMPv6');
    if (a < 0) continue;
    const tE = L.litDigits(a, 'TYPE=');
    if (tE < 0) continue;
    const b = L.needWs(tE);
    if (b < 0) continue;
    const cE = L.litDigits(b, 'CODE=');
    if (cE < 0) continue;
    pkt.itype = L.num(a + 5, tE);
    pkt.icode = L.num(b + 5, cE);
    return true;
  }
  return false;
}

function parseOther4(L: Line, pkt: Packet): boolean {
  // SRC=(v4)\s+DST=(v4)\s+LEN=(\d+).*TTL=(\d+)\s+ID=(\d+).*PROTO=
  const lastProto = L.s.lastIndexOf('PROTO=');
  if (lastProto < 0) return false;
  const tPos = lastTtlId(L, pkt, lastProto, false);
  if (tPos < 0) return false;
  return ipv4SrcDstLen(L, pkt, tPos);
}

function parseOther6(L: Line, pkt: Packet): boolean {
  for (let i = L.s.indexOf('SRC='); i >= 0; i = L.s.indexOf('SRC=', i + 1)) {
    if (!srcDst(L, i, true)) continue;
    pkt.src = L.slice(i + 4, sdSrcEnd);
    pkt.dst = L.slice(sdDstStart, sdDstEnd);
    return true;
  }
  return false;
}

/** s/\s*RES=\S+\s*// on the flags text (first occurrence). */
function stripRes(f: string): string {
  for (let i = f.indexOf('RES='); i >= 0; i = f.indexOf('RES=', i + 1)) {
    let j = i + 4;
    if (j >= f.length || isWsCode(f.charCodeAt(j))) continue;
    while (j < f.length && !isWsCode(f.charCodeAt(j))) j++;
    while (j < f.length && isWsCode(f.charCodeAt(j))) j++;
    let b = i;
    while (b > 0 && isWsCode(f.charCodeAt(b - 1))) b--;
    return f.slice(0, b) + f.slice(j);
  }
  return f;
}

/** URGP=\S+\s+OPT\s+\((\S+)\) : the TCP options after the flags. */
function tcpOptions(L: Line): string {
  for (let i = L.s.indexOf('URGP='); i >= 0; i = L.s.indexOf('URGP=', i + 1)) {
    const te = L.tokEnd(i + 5);
    if (te === i + 5) continue;
    const w = L.needWs(te);
    const w2 = w >= 0 && L.at(w, 'OPT') ? L.needWs(w + 3) : -1;
    const p = w2 >= 0 ? parenToken(L, w2, false) : null;
    if (p) return L.slice(p[0], p[1]);
    // a later URGP= in the same token ends at te as well and fails the same way (linear time)
    i = te - 1;
  }
  return '';
}

function seqAck(L: Line, pkt: Packet): void {
  for (let i = L.s.indexOf('SEQ='); i >= 0; i = L.s.indexOf('SEQ=', i + 1)) {
    if (i === 0 || !L.ws(i - 1)) continue;
    const se = L.litDigits(i, 'SEQ=');
    if (se < 0) continue;
    const w = L.needWs(se);
    if (w < 0) continue;
    const ae = L.litDigits(w, 'ACK=');
    if (ae < 0) continue;
    pkt.tcpSeq = L.num(i + 4, se);
    pkt.tcpAck = L.num(w + 4, ae);
    return;
  }
}

/** (?:OPT\s+\(\s+\)\s+){7,} : Topera's empty IPv6 option groups. */
function hasToperaOpts(L: Line): boolean {
  for (let i = L.s.indexOf('OPT'); i >= 0; i = L.s.indexOf('OPT', i + 1)) {
    let p = i;
    let count = 0;
    for (;;) {
      if (!L.at(p, 'OPT')) break;
      let q = L.needWs(p + 3);
      if (q < 0 || L.s.charCodeAt(q) !== 40) break;
      q = L.needWs(q + 1);
      if (q < 0 || L.s.charCodeAt(q) !== 41) break;
      q = L.needWs(q + 1);
      if (q < 0) break;
      count++;
      if (count >= 7) return true;
      p = q;
    }
  }
  return false;
}

function icmpIdSeq(L: Line, pkt: Packet): boolean {
  // CODE=(\d+)\s+ID=(\d+)\s+SEQ=(\d+): the reference stores CODE in icmp_id
  // and ID in icmp_seq
  for (let i = L.s.indexOf('CODE='); i >= 0; i = L.s.indexOf('CODE=', i + 1)) {
    const ce = L.litDigits(i, 'CODE=');
    if (ce < 0) continue;
    const w = L.needWs(ce);
    if (w < 0) continue;
    const ie = L.litDigits(w, 'ID=');
    if (ie < 0) continue;
    const w2 = L.needWs(ie);
    if (w2 < 0 || L.litDigits(w2, 'SEQ=') < 0) continue;
    pkt.icmpId = L.num(i + 5, ce);
    pkt.icmpSeq = L.num(w + 3, ie);
    return true;
  }
  return false;
}

function truthy(s: string): boolean {
  return s !== '' && s !== '0';
}

/**
 * Parses one firewall log line into `pkt` (a fresh Packet). Returns
 * PKT_SUCCESS, PKT_IGNORE (filtered) or PKT_ERROR (to the error log).
 * With opts.debug, psad 2.4.6's parse_NF_pkt_str() debug lines are printed
 * (`shown`: the line as read, when it is parsed in another form).
 */
export function parseLine(raw: string, eol: boolean, pkt: Packet, opts: ParserOptions, st: ParserState, shown?: string): ParseResult {
  if (raw.indexOf('kernel:') < 0 && raw.indexOf('IN=') >= 0) {
    // ulogd2 LOGEMU lines (nft `log group`): read in their kernel-log form
    const k = fromLogemu(raw);
    if (k !== null) {
      const rv = parseLine(k, eol, pkt, opts, st, raw);
      pkt.raw = raw;
      return rv;
    }
  }
  const L = new Line(raw, eol);
  const s = raw;
  if (opts.requireInOut) {
    const i = s.indexOf('IN=');
    if (i < 0 || s.indexOf('OUT=', i + 3) < 0) return PKT_IGNORE;
  }
  const dbg = opts.debug;
  if (dbg) dbg.err(`\n${shown ?? raw}${eol ? '\n' : ''}`);
  pkt.raw = raw;
  const pfx = prefixOf(L);
  if (pfx !== null) {
    let p = pfx;
    if (opts.ignoreKernelTimestamp) p = stripKernelTs(p);
    pkt.logPrefix = p;
    if (/\S/.test(p)) {
      if (opts.ignoreLogPrefixes && opts.ignoreLogPrefixes.test(p)) return PKT_IGNORE;
      const c = st.prefixCounts.get(p);
      st.prefixCounts.set(c === undefined ? detach(p) : p, (c ?? 0) + 1);
    }
  }
  chainIntf(L, pkt);
  if (opts.interfaceOnly && pkt.intf !== opts.interfaceOnly) return PKT_IGNORE;
  macs(L, pkt);
  if (dbg) {
    if (pkt.srcMac) dbg.err(`[+] src mac addr: ${pkt.srcMac}\n`);
    if (pkt.dstMac) dbg.err(`[+] dst mac addr: ${pkt.dstMac}\n`);
  }
  if (!truthy(pkt.intf) || !pkt.chain) {
    if (dbg) dbg.err('[-] err packet: could not determine interface and chain.\n');
    return PKT_ERROR;
  }
  if (opts.ignoreInterfaces.size && opts.ignoreInterfaces.has(pkt.intf)) return PKT_IGNORE;
  timestampHost(L, pkt, opts);
  if (dbg) dbg.out(`[+] timestamp: ${pkt.timestamp}\n    syslog hostname: ${pkt.syslogHost}\n`);

  if (!opts.noSnortSids && truthy(pkt.logPrefix)) {
    const m = opts.snortSidRe.exec(pkt.logPrefix);
    if (m) {
      pkt.fwsnortSid = m[1];
      const r = /\[(\d+)\]/.exec(pkt.logPrefix);
      if (r) pkt.fwsnortRnum = r[1];
      if (pkt.logPrefix.includes('ESTAB')) pkt.fwsnortEstab = 1;
    }
  }
  const hasSid = truthy(pkt.fwsnortSid);
  if (!hasSid && !opts.fwSearchAll) {
    let matched = false;
    for (const re of opts.fwSearch) {
      if (re.test(s)) { matched = true; break; }
    }
    if (!matched) return PKT_IGNORE;
  }

  let v6 = false;
  if (hasHopFlow(L)) {
    if (!opts.ipv6Detection) return PKT_IGNORE;
    v6 = true;
    pkt.isIpv6 = 1;
  }
  if (!v6 && hasDfProto(L)) pkt.fragBit = 1;
  pkt.ipOpts = ipOptions(L);

  let kind: string;
  let protoNum = '';
  if (v6 && protoIs(L, 'ICMPv6')) kind = 'icmp6';
  else if (protoIs(L, 'ICMP')) kind = 'icmp';
  else if (protoIs(L, 'TCP')) kind = 'tcp';
  else if (protoIs(L, 'UDPLITE')) kind = 'udplite';
  else if (protoIs(L, 'UDP')) kind = 'udp';
  else {
    protoNum = protoNumber(L);
    if (!protoNum) {
      if (dbg) dbg.err('[-] err packet: unrecognized protocol\n');
      return PKT_ERROR;
    }
    kind = 'num';
  }
  if (opts.ignoreProtocols.size && opts.ignoreProtocols.has(kind === 'num' ? protoNum : kind)) return PKT_IGNORE;
  const family = v6 ? 'IPv6' : 'IPv4';

  if (kind === 'tcp') {
    if (!(v6 ? parseTcp6(L, pkt) : parseTcp4(L, pkt))) {
      if (dbg) dbg.err(`[-] err packet: strange ${family} TCP format\n`);
      return PKT_ERROR;
    }
    if (!addrsOk(pkt, v6)) return PKT_ERROR;
    if (v6 && hasToperaOpts(L)) {
      pkt.isTopera = 1;
      if (dbg) dbg.err('    Topera IPv6 scan\n');
    }
    pkt.proto = 'tcp';
    let flags = stripRes(pkt.flags);
    if (!truthy(flags)) flags = 'NULL';
    pkt.flags = flags;
    if (!hasSid && opts.ignoreConntrackBugPkts && (flags.includes('ACK') || flags.includes('RST'))) {
      if (dbg) dbg.err('[-] err packet: matched ACK or RST flag.\n');
      return PKT_IGNORE;
    }
    const ok = (!flags.includes('WIN') && flags.includes('ACK')) || flags.includes('SYN') || flags.includes('RST')
      || flags.includes('URG') || flags.includes('PSH') || flags.includes('FIN') || flags === 'NULL';
    if (!ok) {
      if (dbg) dbg.err('[-] err packet: bad tcp flags.\n');
      return PKT_ERROR;
    }
    pkt.tcpOpts = tcpOptions(L);
    if (truthy(pkt.tcpOpts) && opts.expectTcpOptions) st.foundTcpOptions = true;
    if (flags === 'SYN' && st.foundTcpOptions && !truthy(pkt.tcpOpts)) {
      pkt.isMasscan = 1;
      if (dbg) dbg.err('    Masscan SYN scan\n');
    }
    seqAck(L, pkt);
    const ig = opts.ignorePorts.get('tcp');
    if (ig && matchPort(ig, pkt.dp)) return PKT_IGNORE;
    if (opts.dshield) {
      pkt.dshieldStr = `${pkt.src}\t${pkt.sp}\t${pkt.dst}\t${pkt.dp}\t${pkt.proto}\t${wsToComma(flags)}`;
    }
  } else if (kind === 'udp' || kind === 'udplite') {
    pkt.proto = kind;
    if (!(v6 ? parseUdp6(L, pkt) : parseUdp4(L, pkt))) {
      if (dbg) dbg.err(`[-] err packet: strange ${family} UDP format\n`);
      return PKT_ERROR;
    }
    if (!addrsOk(pkt, v6)) return PKT_ERROR;
    const ig = opts.ignorePorts.get(kind);
    if (ig && matchPort(ig, pkt.dp)) return PKT_IGNORE;
    if (opts.dshield) pkt.dshieldStr = `${pkt.src}\t${pkt.sp}\t${pkt.dst}\t${pkt.dp}\t${pkt.proto}`;
  } else if (kind === 'icmp' || kind === 'icmp6') {
    pkt.sp = 0;
    pkt.dp = 0;
    if (!(v6 ? parseIcmp6(L, pkt) : parseIcmp4(L, pkt))) {
      if (dbg) dbg.err(`[-] err packet: strange ${family} ICMP format\n`);
      return PKT_ERROR;
    }
    if (!addrsOk(pkt, v6)) return PKT_ERROR;
    if (v6) pkt.proto = 'icmp6';
    else {
      pkt.proto = 'icmp';
      if (pkt.itype === 8 || pkt.itype === 0) {
        if (!icmpIdSeq(L, pkt)) return PKT_ERROR;
      }
    }
    if (opts.dshield) pkt.dshieldStr = `${pkt.src}\t${pkt.itype}\t${pkt.dst}\t${pkt.icode}\t${pkt.proto}`;
  } else {
    if (!(v6 ? parseOther6(L, pkt) : parseOther4(L, pkt))) {
      if (dbg) dbg.err(`[-] err packet: strange ${family} format\n`);
      return PKT_ERROR;
    }
    if (!addrsOk(pkt, v6)) return PKT_ERROR;
    pkt.proto = protoNum;
  }

  if (opts.restrictNet) {
    const n = opts.restrictNet;
    if (n.v6 === v6 && !netContains(n, pkt.sAddr!) && !netContains(n, pkt.dAddr!)) return PKT_IGNORE;
  }
  // A port above 65535 or an IP protocol number above 255 comes from a damaged line, not from the
  // kernel: the line goes to the error log (psad 2.4.6 counted it); a line it ignores stays ignored.
  if (pkt.sp > 65535 || pkt.dp > 65535) {
    if (dbg) dbg.err(`[-] err packet: strange ${family} ${kind === 'tcp' ? 'TCP' : 'UDP'} format\n`);
    return PKT_ERROR;
  }
  if (kind === 'num' && Number(protoNum) > 255) {
    if (dbg) dbg.err('[-] err packet: unrecognized protocol\n');
    return PKT_ERROR;
  }
  return PKT_SUCCESS;
}

function addrsOk(pkt: Packet, v6: boolean): boolean {
  if (v6) {
    pkt.sAddr = parseIPv6(pkt.src);
    pkt.dAddr = parseIPv6(pkt.dst);
  } else {
    const a = parseIPv4Number(pkt.src);
    const b = parseIPv4Number(pkt.dst);
    if (a < 0 || b < 0) return false;
    pkt.sAddr = ipv4Addr(a);
    pkt.dAddr = ipv4Addr(b);
  }
  return pkt.sAddr !== null && pkt.dAddr !== null;
}
