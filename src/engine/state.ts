import { PosfState } from './os-fingerprint';
import { detach } from '../ingest/detach';

/** Per signature and chain: matches and the last matching packet's details. */
export interface SidRecord {
  pkts: number;
  dp: number;
  flags: string;
  isFwsnort: number;
  /** wall-clock seconds of the last match */
  time: number;
  fwsnortRnum: string;
  fwsnortEstab: number;
}

/** scan[src][dst][proto]: port range, signatures, invalid ICMP records. */
export interface ProtoRecord {
  absSp?: number;
  absEp?: number;
  sids?: Map<number, Map<string, SidRecord>>;
  /** type -> chain -> packets */
  invalidType?: Map<number, Map<string, number>>;
  /** type -> code -> chain -> packets */
  invalidCode?: Map<number, Map<number, Map<string, number>>>;
}

/** scan[src][dst]: cumulative state of a source/destination pair. */
export class PairState {
  /** accepted packets; undefined until the first one (a pair may exist without) */
  absnum: number | undefined = undefined;
  totProtocols = 0;
  totProtocolsSet = false;
  sTime: number | undefined = undefined;
  alerted: number | undefined = undefined;
  isPortSweep = 0;
  /** chain -> interface -> protocol -> packets */
  readonly chain = new Map<string, Map<string, Map<string, number>>>();
  readonly protos = new Map<string, ProtoRecord>();
  /** this pair's record in the current batch (valid when bpOf is that batch's id) */
  bp: BatchPair | null = null;
  bpOf: object | null = null;
  /** the last chain/interface counter map used (consecutive packets usually share it) */
  private lastChain = '';
  private lastIntf = '';
  private lastByProto: Map<string, number> | null = null;

  /** chain[chain][intf][proto] += 1 */
  countChain(chain: string, intf: string, proto: string): void {
    let byProto = this.lastByProto;
    if (byProto === null || chain !== this.lastChain || intf !== this.lastIntf) {
      let byIntf = this.chain.get(chain);
      if (!byIntf) { byIntf = new Map(); this.chain.set(chain, byIntf); }
      byProto = byIntf.get(intf) ?? null;
      if (!byProto) { byProto = new Map(); byIntf.set(detach(intf), byProto); }
      this.lastChain = chain;
      this.lastIntf = intf;
      this.lastByProto = byProto;
    }
    byProto.set(proto, (byProto.get(proto) ?? 0) + 1);
  }

  proto(p: string): ProtoRecord {
    let r = this.protos.get(p);
    if (!r) {
      r = {};
      this.protos.set(p, r);
    }
    return r;
  }

  /** The reference's "tot_protocols++ unless scan[src][dst][proto] exists". */
  countProtocol(p: string): void {
    this.totProtocolsSet = true;
    if (!this.protos.has(p)) this.totProtocols++;
  }
}

/** Everything the engine knows about one scanning source. */
export class SourceState {
  /** scan_dl: undefined until the source is first seen */
  dl: number | undefined = undefined;
  readonly pairs = new Map<string, PairState>();
  /** top_packet_counts */
  packets: number | undefined = undefined;
  /** top_sig_counts */
  sigCount: number | undefined = undefined;
  /** p0f guesses, in the order found */
  p0f: Set<string> | undefined = undefined;
  posf: PosfState | undefined = undefined;
  /** scan[src] exists (a pair was created at some time; kept after expiry) */
  inScan = false;
  /** email counter (per source) and per destination */
  emailCtr: number | undefined = undefined;
  readonly dstEmailCtr = new Map<string, number>();
  /** Mirai: SYNs to port 23 per destination */
  mirai23: Map<string, number> | undefined = undefined;

  constructor(readonly ip: string) {}

  pair(dst: string): PairState {
    let p = this.pairs.get(dst);
    if (!p) {
      p = new PairState();
      this.pairs.set(detach(dst), p);
      this.inScan = true;
    }
    return p;
  }
}

/** curr_scan[src][dst][proto]: what this batch saw. */
export interface BatchProto {
  pkts: number;
  /** flag string -> packets (non-TCP protocols carry "-1") */
  flags: Map<string, number>;
  /** chain -> log prefix -> packets */
  chain: Map<string, Map<string, number>>;
  strtp: number;
  endp: number;
  hasRange: boolean;
}

export class BatchPair {
  private lastProtoName = '';
  private lastProto: BatchProto | null = null;
  sMac = '';
  dMac = '';
  totProtocols = 0;
  readonly protos = new Map<string, BatchProto>();
  readonly syslogHosts = new Set<string>();
  isTopera = 0;
  isMasscan = 0;
  isMirai = 0;

  proto(p: string): BatchProto {
    if (this.lastProto !== null && p === this.lastProtoName) return this.lastProto;
    let r = this.protos.get(p);
    if (!r) {
      this.totProtocols++;
      r = { pkts: 0, flags: new Map(), chain: new Map(), strtp: 65535, endp: 0, hasRange: false };
      this.protos.set(p, r);
    }
    this.lastProtoName = p;
    this.lastProto = r;
    return r;
  }
}

/** One batch of log lines (an interval in the daemon, the whole file in -A). */
export class Batch {
  /** identifies this batch in PairState.bpOf (an object of its own: no counter shared by all batches) */
  private readonly id = {};
  /** curr_scan: source -> destination -> batch record */
  readonly scan = new Map<string, Map<string, BatchPair>>();
  /** batch signature danger level per source (last one wins) */
  readonly sigsDl = new Map<string, number>();
  readonly sidsDl = new Map<string, number>();
  /** sources with a prefix matching AUTO_BLOCK_REGEX */
  readonly autoBlockRegexMatch = new Set<string>();
  readonly errors: string[] = [];
  scanIpPairsMaxHit = false;

  /** The batch record of a pair, through the pair's cache. */
  pairOf(src: SourceState, dst: string, pair: PairState): BatchPair {
    if (pair.bpOf === this.id) return pair.bp!;
    const bp = this.pair(src.ip, dst);
    pair.bp = bp;
    pair.bpOf = this.id;
    return bp;
  }

  pair(src: string, dst: string): BatchPair {
    let m = this.scan.get(src);
    if (!m) {
      m = new Map();
      this.scan.set(detach(src), m);
    }
    let p = m.get(dst);
    if (!p) {
      p = new BatchPair();
      m.set(detach(dst), p);
    }
    return p;
  }
}
