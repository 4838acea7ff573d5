import { Signature, SignatureSet, IntRange } from '../data/signatures';
import { IpOption } from '../data/ip-options';
import { Net, netContains } from '../net/addr';
import { Packet } from '../ingest/packet';
import { parseIpOptionKeywords } from './os-fingerprint';

/** One (signature, source net, destination net) combination of the lookup tables. */
interface Entry {
  sig: Signature;
  src: Net;
  dst: Net;
}

/**
 * Tracing of signature matching (psad's --debug with --debug-sid SID, or with
 * --verbose for every signature): why a candidate signature (one whose
 * addresses and ports fit the packet) failed or matched, in psad 2.4.6's
 * stderr lines. Off unless given; matching results do not depend on it.
 */
export interface SigTrace {
  /** the signature traced step by step (--debug-sid); 0 for none */
  sid: number;
  /** also trace the failed range tests and the matches of every other signature (--verbose) */
  all: boolean;
  /** receives each trace line (without the newline) */
  line: (text: string) => void;
}

/** The trace psad's --debug, --debug-sid and --verbose ask for, or undefined when nothing would be printed. */
export function sigTraceFor(debug: boolean, debugSid: number, verbose: boolean, line: (text: string) => void): SigTrace | undefined {
  if (!debug || (!(debugSid > 0) && !verbose)) return undefined;
  return { sid: debugSid > 0 ? debugSid : 0, all: verbose, line };
}

/** A signature that matched a packet and the danger level it gives (0 = ignored). */
export interface SigHit {
  sig: Signature;
  dl: number;
}

const IP_HEADER_LEN = 20;
const TCP_HEADER_LEN = 20;
const TCP_MAX_OPTS_LEN = 44;
const UDP_HEADER_LEN = 8;
const ICMP_HEADER_LEN = 4;

function inRange(v: number, r: IntRange): boolean {
  if (v < 0) v = 0;
  if (r.neg) return !(v <= r.e && v >= r.s);
  return v >= r.s && v <= r.e;
}

/** Port tests of the reference: "norm" s <= p <= e, negated p < s or p > e. */
function portOk(p: number, r: IntRange): boolean {
  return r.neg ? p > r.e || p < r.s : p >= r.s && p <= r.e;
}

/**
 * Lookup tables over the signatures: tcp/udp entries indexed by destination
 * port, icmp entries by exact ICMP type, ip entries in a list. The result of
 * matching does not depend on the order, which is file order here.
 */
export class SignatureIndex {
  private readonly portIndex = new Map<string, Entry[][]>();
  private readonly portOther = new Map<string, Entry[]>();
  private readonly icmpByType = new Map<number, Entry[]>();
  private readonly icmpOther: Entry[] = [];
  private readonly ipEntries: Entry[] = [];
  /** every entry by protocol in file order, for tracing only */
  private readonly traceEntries: Map<string, Entry[]>;

  constructor(readonly set: SignatureSet, readonly ipOptions: readonly IpOption[], readonly snortRuleDl: ReadonlyMap<number, number>) {
    const byProto = new Map<string, Entry[]>();
    for (const sig of set.list) {
      for (const s of sig.src) {
        for (const d of sig.dst) {
          const e: Entry = { sig, src: s.net, dst: d.net };
          if (!byProto.has(sig.proto)) byProto.set(sig.proto, []);
          byProto.get(sig.proto)!.push(e);
        }
      }
    }
    for (const proto of ['tcp', 'udp']) {
      const entries = byProto.get(proto) ?? [];
      const norm = entries.filter((e) => !e.sig.dp.neg);
      this.portOther.set(proto, entries.filter((e) => e.sig.dp.neg));
      // segments of the port space with the same candidate list
      const cuts = new Set<number>([0, 65536]);
      for (const e of norm) {
        cuts.add(Math.max(0, Math.min(65536, e.sig.dp.s)));
        cuts.add(Math.max(0, Math.min(65536, e.sig.dp.e + 1)));
      }
      const sorted = [...cuts].sort((a, b) => a - b);
      const table: Entry[][] = new Array(65536);
      for (let k = 0; k + 1 < sorted.length; k++) {
        const a = sorted[k];
        const b = sorted[k + 1];
        const list = norm.filter((e) => e.sig.dp.s <= a && e.sig.dp.e >= b - 1);
        for (let p = a; p < b; p++) table[p] = list;
      }
      this.portIndex.set(proto, table);
      // out-of-table ports (hostile lines) are checked against every entry
      this.portOther.set(`${proto}:all`, norm);
    }
    for (const e of byProto.get('icmp') ?? []) {
      const t = e.sig.itype;
      if (t && !t.neg && t.s === t.e) {
        if (!this.icmpByType.has(t.s)) this.icmpByType.set(t.s, []);
        this.icmpByType.get(t.s)!.push(e);
      } else this.icmpOther.push(e);
    }
    this.ipEntries.push(...(byProto.get('ip') ?? []));
    this.traceEntries = byProto;
  }

  private sigDl(sig: Signature): number {
    const d = this.snortRuleDl.get(sig.sid);
    return d === undefined ? sig.dl : d;
  }

  /** IP-layer keywords: 'fail', 'pass' (no verdict yet) or a match for ip signatures. */
  private ipKeywords(pkt: Packet, sig: Signature): boolean {
    if (sig.ttl && !inRange(pkt.ttl, sig.ttl)) return false;
    if (sig.id && !inRange(pkt.ipId, sig.id)) return false;
    if (sig.psadIpLen && !inRange(pkt.ipLen, sig.psadIpLen)) return false;
    if (sig.ipProto) return false;
    if (sig.sameip) {
      if (pkt.intf === 'lo') return false;
      if (pkt.src !== pkt.dst) return false;
    }
    if (sig.ipopts !== undefined) {
      if (!pkt.ipOpts || pkt.ipOpts === '0') return false;
      if (sig.ipopts !== 'any' && !parseIpOptionKeywords(pkt.ipOpts, this.ipOptions).has(sig.ipopts)) return false;
    }
    return true;
  }

  private protoKeywords(pkt: Packet, sig: Signature): boolean {
    if (sig.proto === 'tcp') {
      if (sig.flags !== undefined && pkt.flags !== sig.flags) return false;
      let hdr = IP_HEADER_LEN + TCP_HEADER_LEN;
      if (pkt.flags.includes('SYN')) hdr += TCP_MAX_OPTS_LEN;
      if (sig.dsize && !inRange(pkt.ipLen - hdr, sig.dsize)) return false;
      if (sig.psadDsize && !inRange(pkt.ipLen - hdr, sig.psadDsize)) return false;
      if (sig.window && !inRange(pkt.win, sig.window)) return false;
      if (sig.seq && !inRange(pkt.tcpSeq, sig.seq)) return false;
      if (sig.ack && !inRange(pkt.tcpAck, sig.ack)) return false;
      return true;
    }
    if (sig.proto === 'udp') {
      if (sig.dsize && !inRange(pkt.udpLen - UDP_HEADER_LEN, sig.dsize)) return false;
      if (sig.psadDsize && !inRange(pkt.udpLen - UDP_HEADER_LEN, sig.psadDsize)) return false;
      return true;
    }
    if (sig.proto === 'icmp') {
      const d = pkt.ipLen - IP_HEADER_LEN - ICMP_HEADER_LEN;
      if (sig.dsize && !inRange(d, sig.dsize)) return false;
      if (sig.psadDsize && !inRange(d, sig.psadDsize)) return false;
      if (sig.itype && !inRange(pkt.itype, sig.itype)) return false;
      if (sig.icode && !inRange(pkt.icode, sig.icode)) return false;
      if (sig.icmpSeq && !inRange(pkt.icmpSeq, sig.icmpSeq)) return false;
      if (sig.icmpId && !inRange(pkt.icmpId, sig.icmpId)) return false;
      return true;
    }
    return false;
  }

  private check(pkt: Packet, e: Entry, hits: SigHit[]): void {
    if (!netContains(e.src, pkt.sAddr!) || !netContains(e.dst, pkt.dAddr!)) return;
    const sig = e.sig;
    if (!pkt.isIpv6) {
      if (!this.ipKeywords(pkt, sig)) return;
      if (sig.proto === 'ip') {
        hits.push({ sig, dl: this.sigDl(sig) });
        return;
      }
    } else if (sig.proto === 'ip') {
      return;
    }
    if (this.protoKeywords(pkt, sig)) hits.push({ sig, dl: this.sigDl(sig) });
  }

  /**
   * One candidate signature with trace lines, in the order and wording of
   * psad 2.4.6 (match_snort_keywords and the keyword tests it calls): the
   * failed range test with the packet value and the signature's bounds, the
   * flags mismatch, the passed steps of the --debug-sid signature, matches.
   * The verdict is the one check() gives.
   */
  private explain(pkt: Packet, sig: Signature, t: SigTrace): void {
    const sid = sig.sid;
    const focus = sid === t.sid;
    const shown = focus || t.all;
    const out = t.line;
    const range = (kw: string, val: number, r: IntRange): boolean => {
      const v = val < 0 ? 0 : val;
      if (r.neg) {
        if (v <= r.e && v >= r.s) {
          if (shown) out(`[-] SID: ${sid} failed ${kw} test, ${v} <= ${r.e} and ${v} >= ${r.s}`);
          return false;
        }
      } else if (v < r.s) {
        if (shown) out(`[-] SID: ${sid} failed ${kw} test, ${v} < ${r.s} (range start)`);
        return false;
      } else if (v > r.e) {
        if (shown) out(`[-] SID: ${sid} failed ${kw} test, ${v} > ${r.e} (range end)`);
        return false;
      }
      return true;
    };
    const matched = (what: string): number => {
      const dl = this.sigDl(sig);
      if (shown) {
        out(`[+] packet matched ${what} keywords for sid: ${sid} (psad_id: ${sig.psadId})`);
        out(`    "${sig.msg}"`);
        out(`[+] assign_sid_dl(): snort_rule_dl assigning SID ${sid} a danger level of ${dl}`);
      }
      return dl;
    };
    if (!pkt.isIpv6) {
      if (sig.ttl && !range('ttl', pkt.ttl, sig.ttl)) return;
      if (sig.id && !range('id', pkt.ipId, sig.id)) return;
      if (sig.psadIpLen && !range('psad_ip_len', pkt.ipLen, sig.psadIpLen)) return;
      if (sig.ipProto) return;
      if (sig.sameip && (pkt.intf === 'lo' || pkt.src !== pkt.dst)) return;
      if (sig.ipopts !== undefined) {
        if (!pkt.ipOpts || pkt.ipOpts === '0') return;
        if (sig.ipopts !== 'any' && !parseIpOptionKeywords(pkt.ipOpts, this.ipOptions).has(sig.ipopts)) return;
      }
      // an ip signature with danger level 0 is ignored before the next line
      if (sig.proto === 'ip' && matched('ip') === 0) return;
    }
    if (focus) out(`[+] SID: ${sid}, passed match_snort_ip_keywords() tests.`);
    if (sig.proto === 'tcp') {
      if (focus) out(`[+] SID: ${sid} match_snort_tcp_keywords()`);
      if (sig.flags !== undefined && pkt.flags !== sig.flags) {
        if (focus) out(`[-] SID: ${sid} ${pkt.flags} != ${sig.flags}`);
        return;
      }
      let hdr = IP_HEADER_LEN + TCP_HEADER_LEN;
      if (pkt.flags.includes('SYN')) hdr += TCP_MAX_OPTS_LEN;
      if (sig.dsize && !range('dsize', pkt.ipLen - hdr, sig.dsize)) return;
      if (sig.psadDsize && !range('psad_dsize', pkt.ipLen - hdr, sig.psadDsize)) return;
      if (sig.window && !range('window', pkt.win, sig.window)) return;
      if (sig.seq && !range('seq', pkt.tcpSeq, sig.seq)) return;
      if (sig.ack && !range('ack', pkt.tcpAck, sig.ack)) return;
      matched('tcp');
    } else if (sig.proto === 'udp') {
      if (sig.dsize && !range('dsize', pkt.udpLen - UDP_HEADER_LEN, sig.dsize)) return;
      if (sig.psadDsize && !range('psad_dsize', pkt.udpLen - UDP_HEADER_LEN, sig.psadDsize)) return;
      matched('udp');
    } else if (sig.proto === 'icmp') {
      const d = pkt.ipLen - IP_HEADER_LEN - ICMP_HEADER_LEN;
      if (sig.dsize && !range('dsize', d, sig.dsize)) return;
      if (sig.psadDsize && !range('psad_dsize', d, sig.psadDsize)) return;
      if (sig.itype && !range('itype', pkt.itype, sig.itype)) return;
      if (sig.icode && !range('icode', pkt.icode, sig.icode)) return;
      if (sig.icmpSeq && !range('icmp_seq', pkt.icmpSeq, sig.icmpSeq)) return;
      if (sig.icmpId && !range('icmp_id', pkt.icmpId, sig.icmpId)) return;
      matched('icmp');
    }
  }

  /**
   * match() with trace lines: every signature the reference would test
   * against the packet (its protocol's signatures whose addresses and ports
   * fit, then the ip signatures), in file order. Only called when tracing,
   * so match() itself stays as fast as without it.
   */
  matchTraced(pkt: Packet, t: SigTrace): SigHit[] {
    const hits = this.match(pkt);
    const proto = pkt.proto;
    const ports = proto === 'tcp' || proto === 'udp';
    const lists = proto === 'ip' ? [this.traceEntries.get('ip')] : [this.traceEntries.get(proto), this.traceEntries.get('ip')];
    for (const list of lists) {
      if (!list) continue;
      for (const e of list) {
        if (!t.all && e.sig.sid !== t.sid) continue;
        if (ports && e.sig.proto !== 'ip' && (!portOk(pkt.dp, e.sig.dp) || !portOk(pkt.sp, e.sig.sp))) continue;
        if (!netContains(e.src, pkt.sAddr!) || !netContains(e.dst, pkt.dAddr!)) continue;
        this.explain(pkt, e.sig, t);
      }
    }
    return hits;
  }

  /** Every signature hit of the packet (a signature listed under two overlapping nets counts twice, as in the reference). */
  match(pkt: Packet): SigHit[] {
    const hits: SigHit[] = [];
    const proto = pkt.proto;
    if (proto === 'tcp' || proto === 'udp') {
      const table = this.portIndex.get(proto)!;
      const dp = pkt.dp;
      const list = dp >= 0 && dp < 65536 ? table[dp] : this.portOther.get(`${proto}:all`)!;
      for (const e of list) {
        if (!portOk(dp, e.sig.dp) || !portOk(pkt.sp, e.sig.sp)) continue;
        this.check(pkt, e, hits);
      }
      for (const e of this.portOther.get(proto)!) {
        if (!portOk(dp, e.sig.dp) || !portOk(pkt.sp, e.sig.sp)) continue;
        this.check(pkt, e, hits);
      }
    } else if (proto === 'icmp') {
      const byType = this.icmpByType.get(pkt.itype < 0 ? 0 : pkt.itype);
      if (byType) for (const e of byType) this.check(pkt, e, hits);
      for (const e of this.icmpOther) this.check(pkt, e, hits);
    }
    if (!pkt.isIpv6) {
      for (const e of this.ipEntries) this.check(pkt, e, hits);
    }
    return hits;
  }
}
