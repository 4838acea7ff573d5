import { Signature, SignatureSet, IntRange } from '../data/signatures';
import { IpOption } from '../data/ip-options';
import { Net, netContains } from '../net/addr';
import { Packet } from '../ingest/packet';
import { parseIpOptionKeywords, ipOptionsDebugText } from './os-fingerprint';
import { DebugTrace } from '../text/debug-trace';

/** One (signature, source net, destination net) combination of the lookup tables. */
interface Entry {
  sig: Signature;
  src: Net;
  dst: Net;
}

/**
 * psad 2.4.6's --debug trace of signature matching (match_sigs and the
 * keyword tests it calls): every group of candidate signatures, the
 * matches with their danger levels; with --debug-sid SID the steps of that
 * signature, with --verbose also the address tests and every failed range
 * test. Off unless given; matching results do not depend on it.
 */
export interface SigTrace {
  /** the signature traced step by step (--debug-sid); 0 for none */
  sid: number;
  /** --verbose: the failed range tests of every signature, the address tests */
  all: boolean;
  debug: DebugTrace;
}

/** A signature that matched a packet and the danger level it gives (0 = ignored). */
export interface SigHit {
  sig: Signature;
  dl: number;
}

/** A source key of psad's %sig_search with its destinations. */
interface TraceSrc {
  key: string;
  net: Net;
  dsts: { key: string; net: Net; groups: TraceGroup[] }[];
}

/** Signatures sharing protocol, addresses and port ranges: one match_snort_keywords() call. */
interface TraceGroup {
  /** 0 norm/norm, 1 norm/neg, 2 neg/norm, 3 neg/neg (source/destination port) */
  type: number;
  sp: IntRange;
  dp: IntRange;
  sids: number[];
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
  /** psad's %sig_search (proto -> src -> dst -> port groups), for tracing only; built on first use */
  private traceTree: Map<string, TraceSrc[]> | null = null;

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
   * One signature of a candidate group with psad 2.4.6's trace lines
   * (match_snort_keywords and the keyword tests it calls): the matches with
   * their danger levels; for the --debug-sid signature the passed steps and
   * the flags mismatch; with it or --verbose the failed range test with the
   * packet value and the signature's bounds. Returns the danger level the
   * signature adds to its group (0: none). The verdict is the one check()
   * gives.
   */
  private explain(pkt: Packet, sig: Signature, t: SigTrace): number {
    const sid = sig.sid;
    const focus = sid === t.sid;
    const shown = focus || t.all;
    const d = t.debug;
    const range = (kw: string, val: number, r: IntRange): boolean => {
      const v = val < 0 ? 0 : val;
      if (r.neg) {
        if (v <= r.e && v >= r.s) {
          if (shown) d.err(`[-] SID: ${sid} failed ${kw} test, ${v} <= ${r.e} and ${v} >= ${r.s}\n`);
          return false;
        }
      } else if (v < r.s) {
        if (shown) d.err(`[-] SID: ${sid} failed ${kw} test, ${v} < ${r.s} (range start)\n`);
        return false;
      } else if (v > r.e) {
        if (shown) d.err(`[-] SID: ${sid} failed ${kw} test, ${v} > ${r.e} (range end)\n`);
        return false;
      }
      return true;
    };
    const matched = (what: string): number => {
      const dl = this.sigDl(sig);
      d.err(`[+] packet matched ${what} keywords for sid: ${sid} (psad_id: ${sig.psadId})\n    "${sig.msg}"\n`
        + `[+] assign_sid_dl(): snort_rule_dl assigning SID ${sid} a danger level of ${dl}\n`);
      return dl;
    };
    let dl = 0;
    if (!pkt.isIpv6) {
      if (sig.ttl && !range('ttl', pkt.ttl, sig.ttl)) return 0;
      if (sig.id && !range('id', pkt.ipId, sig.id)) return 0;
      if (sig.psadIpLen && !range('psad_ip_len', pkt.ipLen, sig.psadIpLen)) return 0;
      if (sig.ipProto) return 0;
      if (sig.sameip && (pkt.intf === 'lo' || pkt.src !== pkt.dst)) return 0;
      if (sig.ipopts !== undefined) {
        if (!pkt.ipOpts || pkt.ipOpts === '0') return 0;
        if (sig.ipopts !== 'any') {
          d.err(ipOptionsDebugText(pkt.ipOpts, this.ipOptions));
          if (!parseIpOptionKeywords(pkt.ipOpts, this.ipOptions).has(sig.ipopts)) return 0;
        }
      }
      // an ip signature with danger level 0 is ignored before the next line
      if (sig.proto === 'ip') {
        dl = matched('ip');
        if (dl === 0) return 0;
      }
    }
    if (focus) d.err(`[+] SID: ${sid}, passed match_snort_ip_keywords() tests.\n`);
    if (sig.proto === 'tcp') {
      if (focus) d.err(`[+] SID: ${sid} match_snort_tcp_keywords()\n`);
      if (sig.flags !== undefined && pkt.flags !== sig.flags) {
        if (focus) d.err(`[-] SID: ${sid} ${pkt.flags} != ${sig.flags}\n`);
        return dl;
      }
      let hdr = IP_HEADER_LEN + TCP_HEADER_LEN;
      if (pkt.flags.includes('SYN')) hdr += TCP_MAX_OPTS_LEN;
      if (sig.dsize && !range('dsize', pkt.ipLen - hdr, sig.dsize)) return dl;
      if (sig.psadDsize && !range('psad_dsize', pkt.ipLen - hdr, sig.psadDsize)) return dl;
      if (sig.window && !range('window', pkt.win, sig.window)) return dl;
      if (sig.seq && !range('seq', pkt.tcpSeq, sig.seq)) return dl;
      if (sig.ack && !range('ack', pkt.tcpAck, sig.ack)) return dl;
      return Math.max(dl, matched('tcp'));
    }
    if (sig.proto === 'udp') {
      if (sig.dsize && !range('dsize', pkt.udpLen - UDP_HEADER_LEN, sig.dsize)) return dl;
      if (sig.psadDsize && !range('psad_dsize', pkt.udpLen - UDP_HEADER_LEN, sig.psadDsize)) return dl;
      return Math.max(dl, matched('udp'));
    }
    if (sig.proto === 'icmp') {
      const n = pkt.ipLen - IP_HEADER_LEN - ICMP_HEADER_LEN;
      if (sig.dsize && !range('dsize', n, sig.dsize)) return dl;
      if (sig.psadDsize && !range('psad_dsize', n, sig.psadDsize)) return dl;
      if (sig.itype && !range('itype', pkt.itype, sig.itype)) return dl;
      if (sig.icode && !range('icode', pkt.icode, sig.icode)) return dl;
      if (sig.icmpSeq && !range('icmp_seq', pkt.icmpSeq, sig.icmpSeq)) return dl;
      if (sig.icmpId && !range('icmp_id', pkt.icmpId, sig.icmpId)) return dl;
      return Math.max(dl, matched('icmp'));
    }
    return dl;
  }

  /** psad's %sig_search: protocol -> source key -> destination key -> port groups -> sids, in file order. */
  private tree(): Map<string, TraceSrc[]> {
    if (this.traceTree) return this.traceTree;
    const tree = new Map<string, TraceSrc[]>();
    for (const sig of this.set.list) {
      let srcs = tree.get(sig.proto);
      if (!srcs) { srcs = []; tree.set(sig.proto, srcs); }
      const ports = sig.proto === 'tcp' || sig.proto === 'udp';
      for (const s of sig.src) {
        let ts = srcs.find((x) => x.key === s.key);
        if (!ts) { ts = { key: s.key, net: s.net, dsts: [] }; srcs.push(ts); }
        for (const dn of sig.dst) {
          let td = ts.dsts.find((x) => x.key === dn.key);
          if (!td) { td = { key: dn.key, net: dn.net, groups: [] }; ts.dsts.push(td); }
          const type = ports ? (sig.sp.neg ? 2 : 0) + (sig.dp.neg ? 1 : 0) : 0;
          let g = td.groups.find((x) => x.type === type && (!ports || (x.sp.s === sig.sp.s && x.sp.e === sig.sp.e
            && x.dp.s === sig.dp.s && x.dp.e === sig.dp.e)));
          if (!g) { g = { type, sp: sig.sp, dp: sig.dp, sids: [] }; td.groups.push(g); }
          if (!g.sids.includes(sig.sid)) g.sids.push(sig.sid);
        }
      }
    }
    // psad walks the port groups by type: norm/norm, norm/neg, neg/norm, neg/neg
    for (const srcs of tree.values()) for (const ts of srcs) for (const td of ts.dsts) td.groups.sort((a, b) => a.type - b.type);
    this.traceTree = tree;
    return tree;
  }

  /**
   * psad 2.4.6's debug lines of match_sigs() for one packet: for its
   * protocol and then the ip signatures, every group of signatures whose
   * addresses and ports fit ("[+] match_snort_keywords()", the lines of
   * each signature, the group's danger level). psad walks them in Perl hash
   * order, this port in file order.
   */
  trace(pkt: Packet, t: SigTrace): void {
    const d = t.debug;
    const verbose = t.all;
    if (verbose) d.err('[+] match_sigs()\n');
    const tree = this.tree();
    for (const proto of [pkt.proto, 'ip']) {
      const srcs = tree.get(proto);
      if (!srcs) continue;
      const ports = proto === 'tcp' || proto === 'udp';
      for (const ts of srcs) {
        const sIn = netContains(ts.net, pkt.sAddr!);
        if (verbose) d.err(`[+] match_sigs() pkt src: ${pkt.src} within sig src: ${ts.key} ?...${sIn ? 'yes' : 'no'}\n`);
        if (!sIn) continue;
        for (const td of ts.dsts) {
          const dIn = netContains(td.net, pkt.dAddr!);
          if (verbose) d.err(`[+] match_sigs() pkt dst: ${pkt.dst} within sig dst: ${td.key} ?...${dIn ? 'yes' : 'no'}\n`);
          if (!dIn) continue;
          if (verbose) d.err('    Matched sig IP criteria.\n');
          for (const g of td.groups) {
            if (ports && (!portOk(pkt.sp, g.sp) || !portOk(pkt.dp, g.dp))) continue;
            d.err('[+] match_snort_keywords()\n');
            let dl = 0;
            for (const sid of g.sids) {
              const sig = this.set.bySid.get(sid);
              if (!sig) continue;
              const x = this.explain(pkt, sig, t);
              if (x > dl) dl = x;
            }
            d.err(`    match_snort_keywords()  return DL: ${dl}\n`);
          }
        }
      }
    }
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
