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
