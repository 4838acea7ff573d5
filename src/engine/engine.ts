import { Packet } from '../ingest/packet';
import { Net, netContains } from '../net/addr';
import { AutoDlEntry } from '../data/auto-dl';
import { IcmpType } from '../data/icmp-types';
import { P0fSig } from '../data/pf-os';
import { PosfSig } from '../data/posf';
import { FwsnortSig } from '../data/snort-rules';
import { matchPort } from '../data/port-list';
import { SignatureIndex, SigTrace } from './sig-match';
import { DebugTrace, isLocalTraced, syslogEcho } from '../text/debug-trace';
import { perlDumper } from '../text/perl-dumper';
import { pairValue } from './scan-dump';
import { Batch, SourceState, PairState } from './state';
import { P0fMatcher, posfObserve, newPosfState } from './os-fingerprint';
import { scanStartFromLine } from './scan-time';
import { detach } from '../ingest/detach';
import { PortCounter } from './port-counter';
import { assignDangerLevels } from './danger-level';
import { observeMirai } from './scan-type';

/** The settings of the detection engine, read from psad.conf and the command line. */
export interface EngineOptions {
  analysisMode: boolean;
  dangerLevel: [number, number, number, number, number];
  uniqueHosts: [number, number, number, number, number];
  portRangeScanThreshold: number;
  portRangeSweepThreshold: number;
  protocolScanThreshold: number;
  maxScanIpPairs: number;
  alertAll: boolean;
  /** HOME_NET is not "any": remember local addresses */
  trackLocal: boolean;
  localNets: Net[];
  noAutoDl: boolean;
  noSnortSids: boolean;
  noSignatures: boolean;
  noPassiveOs: boolean;
  /** AUTO_BLOCK_REGEX when auto-blocking by prefix is on */
  autoBlockRegex: RegExp | null;
  maxHops: number;
  /** --debug: psad 2.4.6's debug lines of check_scan() and assign_danger_level(); default none */
  debug?: DebugTrace | null;
  /** --debug-sid: the signature whose matching steps the debug lines show */
  debugSid?: number;
}

/** The data tables the engine matches against. */
export interface EngineData {
  signatures: SignatureIndex | null;
  autoDl: AutoDlEntry[];
  icmpTypes: Map<string, IcmpType>;
  icmp6Types: Map<string, IcmpType>;
  p0f: P0fSig[];
  posf: PosfSig[];
  fwsnort: Map<number, FwsnortSig>;
  snortRuleDl: Map<number, number>;
}

const BAD_ICMP_TYPE = 1;
const BAD_ICMP_CODE = 2;

function checkIcmpType(table: Map<string, IcmpType>, type: number, code: number): number {
  const t = table.get(String(type));
  if (!t) return BAD_ICMP_TYPE;
  if (!t.codes.has(String(code))) return BAD_ICMP_CODE;
  return 0;
}

const ICMP_VERDICT = ['valid {p} type/code', 'bad {p} type', 'bad {p} code'];

function bump<K>(m: Map<K, number>, k: K, by = 1): void {
  const v = m.get(k);
  if (v === undefined) m.set(typeof k === 'string' ? (detach(k) as unknown as K) : k, by);
  else m.set(k, v + by);
}

function truthy(s: string): boolean {
  return s !== '' && s !== '0';
}

/**
 * The detection engine: the scan table and the per-packet and per-batch
 * rules of psad 2.4.6. It does no I/O; time is passed in, and messages the
 * reference sends to syslog are collected in `notes`.
 */
export class Engine {
  readonly sources = new Map<string, SourceState>();
  /** per protocol packet counters and the protocols seen (insertion order) */
  readonly protoCtrs = new Map<string, number>();
  readonly topTcpPorts = new PortCounter();
  readonly topUdpPorts = new PortCounter();
  readonly topUdpLitePorts = new PortCounter();
  readonly topSigs = new Map<number, number>();
  /** sid -> source -> 1 for fwsnort, 0 for psad signatures */
  readonly sigSources = new Map<number, Map<string, number>>();
  scanIpPairs = 0;
  /** addresses seen on the local side of a packet (HOME_NET bookkeeping) */
  readonly localSrc = new Set<string>();
  readonly notes: string[] = [];

  private readonly p0f: P0fMatcher;

  constructor(public opts: EngineOptions, public data: EngineData) {
    this.p0f = new P0fMatcher(data.p0f, opts.maxHops);
  }

  source(src: string): SourceState {
    let s = this.sources.get(src);
    if (!s) {
      const key = detach(src);
      s = new SourceState(key);
      this.sources.set(key, s);
    }
    return s;
  }

  private isLocal(pkt: Packet, which: 'src'): boolean {
    const a = which === 'src' ? pkt.sAddr! : pkt.dAddr!;
    return isLocalTraced(this.opts.debug, which === 'src' ? pkt.src : pkt.dst, () => {
      for (const n of this.opts.localNets) if (netContains(n, a)) return true;
      return false;
    });
  }

  /** A message psad sends to syslog (collected; printed at once in debug mode, as psad's sys_log() does). */
  private note(msg: string, echoed = false): void {
    this.notes.push(msg);
    if (this.opts.debug && !echoed) syslogEcho(this.opts.debug, msg);
  }

  /** auto_dl: -1 no entry applies, 0 ignore the packet, else the level set. */
  private autoDl(pkt: Packet, src: SourceState): number {
    for (const e of this.data.autoDl) {
      if (!netContains(e.net, pkt.sAddr!)) continue;
      if (e.dl === 0) return 0;
      if ((src.dl ?? 0) < e.dl) {
        if (!e.protos) {
          src.dl = e.dl;
          this.note(`auto-assigned danger level: ${e.dl} for IP: ${pkt.src}`);
          return e.dl;
        }
        for (const [proto, crit] of e.protos) {
          if (pkt.proto !== proto) continue;
          if (crit.ports && (crit.ports.ports.size || crit.ports.ranges.size)) {
            if (matchPort(crit.ports, pkt.dp)) {
              src.dl = e.dl;
              this.note(`auto-assigned danger level: ${e.dl} for IP: ${pkt.src}`);
              return e.dl;
            }
          } else if (crit.all) {
            src.dl = e.dl;
            this.note(`auto-assigned danger level: ${e.dl} for IP: ${pkt.src}`);
            return e.dl;
          }
        }
      }
    }
    return -1;
  }

  private recordSig(pkt: Packet, pair: PairState, protoKey: string, sid: number, now: number, fwsnort: boolean): void {
    const rec = pair.proto(protoKey);
    if (!rec.sids) rec.sids = new Map();
    let byChain = rec.sids.get(sid);
    if (!byChain) {
      byChain = new Map();
      rec.sids.set(sid, byChain);
    }
    let r = byChain.get(pkt.chain);
    if (!r) {
      r = { pkts: 0, dp: 0, flags: '', isFwsnort: 0, time: 0, fwsnortRnum: '', fwsnortEstab: 0 };
      byChain.set(pkt.chain, r);
    }
    r.pkts++;
    r.isFwsnort = fwsnort ? 1 : 0;
    r.time = now;
    if (fwsnort) {
      r.fwsnortRnum = pkt.fwsnortRnum;
      r.fwsnortEstab = pkt.fwsnortEstab;
      if (protoKey === 'tcp' || protoKey === 'udp') {
        r.dp = pkt.dp;
        if (protoKey === 'tcp') r.flags = pkt.flags;
      }
    } else if (protoKey === 'tcp') {
      r.dp = pkt.dp;
      r.flags = pkt.flags;
    } else if (protoKey === 'udp') {
      r.dp = pkt.dp;
    }
    let srcs = this.sigSources.get(sid);
    if (!srcs) {
      srcs = new Map();
      this.sigSources.set(sid, srcs);
    }
    const s = this.source(pkt.src);
    srcs.set(s.ip, fwsnort ? 1 : 0);
    bump(this.topSigs, sid);
    s.sigCount = (s.sigCount ?? 0) + 1;
  }

  /** fwsnort SID in the prefix: (dl, matched) */
  private fwsnortSid(pkt: Packet, pair: () => PairState, now: number): [number, boolean] {
    const sid = Number(pkt.fwsnortSid);
    const dbg = this.opts.debug;
    if (!this.data.fwsnort.has(sid)) {
      if (dbg) dbg.out(`[-] Found sid: ${pkt.fwsnortSid} in packet, but no corresponding fwsnort rule.\n`);
      return [0, false];
    }
    const rdl = this.data.snortRuleDl.get(sid);
    const dl = rdl === undefined ? 2 : rdl;
    if (dbg) dbg.err(`[+] assign_sid_dl(): snort_rule_dl assigning SID ${pkt.fwsnortSid} a danger level of ${dl}\n`);
    if (!dl) {
      if (dbg) dbg.out(`[+] add_fwsnort_sid(): ignoring fwsnort signature match for SID: ${pkt.fwsnortSid} (DL=0)\n`);
      return [0, true];
    }
    const p = pair();
    p.countProtocol(pkt.proto);
    this.recordSig(pkt, p, pkt.proto, sid, now, true);
    return [dl, true];
  }

  private psadSigs(pkt: Packet, pair: () => PairState, now: number): [number, boolean] {
    const idx = this.data.signatures!;
    const dbg = this.opts.debug;
    if (dbg) {
      const t: SigTrace = { sid: this.opts.debugSid ?? 0, all: dbg.verbose, debug: dbg };
      idx.trace(pkt, t);
    }
    const hits = idx.match(pkt);
    let dl = 0;
    let matched = false;
    for (const h of hits) {
      matched = true;
      const proto = h.sig.proto;
      if (proto === 'ip') {
        this.recordSig(pkt, pair(), 'ip', h.sig.sid, now, false);
        if (h.dl > dl) dl = h.dl;
        continue;
      }
      if (h.dl === 0) continue;
      if (h.dl > dl) dl = h.dl;
      const p = pair();
      p.countProtocol(proto);
      this.recordSig(pkt, p, proto, h.sig.sid, now, false);
    }
    if (dbg && dbg.verbose) dbg.err(`    match_sigs() returned DL: ${dl}\n`);
    return [dl, matched];
  }

  /**
   * One parsed packet of the batch (the reference's check_scan loop body,
   * after parsing and the -A field filter). `now` is wall-clock seconds.
   */
  processPacket(pkt: Packet, batch: Batch, now: number): void {
    const o = this.opts;
    const proto = pkt.proto;
    bump(this.protoCtrs, proto);
    if (proto === 'tcp') this.topTcpPorts.bump(pkt.dp);
    else if (proto === 'udp') this.topUdpPorts.bump(pkt.dp);
    else if (proto === 'udplite') this.topUdpLitePorts.bump(pkt.dp);

    const srcIp = pkt.src;
    const dstIp = pkt.dst;
    let src = this.sources.get(srcIp);

    src = observeMirai(pkt, src, () => this.source(srcIp));

    const dbg = o.debug;
    if (dbg) dbg.err(`[+] valid packet: ${srcIp} (${pkt.sp}) -> ${dstIp} (${pkt.dp}) ${proto}\n`);

    if (o.maxScanIpPairs > 0) {
      const known = src !== undefined && src.inScan;
      const pairKnown = known && src!.pairs.has(dstIp);
      if (this.scanIpPairs >= o.maxScanIpPairs && !pairKnown) {
        if (dbg) dbg.err(`[-] excluding ${srcIp} -> ${dstIp}, scan IP pairs too high: ${this.scanIpPairs}\n`);
        batch.scanIpPairsMaxHit = true;
        return;
      }
      if (!known || !pairKnown) this.scanIpPairs++;
    }

    src = src ?? this.source(srcIp);
    src.packets = (src.packets ?? 0) + 1;

    if (o.trackLocal) {
      let local = '';
      if (pkt.chain === 'INPUT') local = dstIp;
      else if (pkt.chain === 'OUTPUT') local = srcIp;
      else if (pkt.chain === 'FORWARD' && this.isLocal(pkt, 'src')) local = srcIp;
      if (local && !this.localSrc.has(local)) this.localSrc.add(detach(local));
    }

    if (src.dl === undefined) {
      src.dl = 0;
      if (!o.alertAll) src.pair(dstIp).alerted = 0;
    }

    if (!o.noAutoDl) {
      const rv = this.data.autoDl.length ? this.autoDl(pkt, src) : -1;
      if (dbg) {
        dbg.err(`[+] assign_auto_danger_level() returned: ${rv}\n`);
        if (rv === 0) dbg.err(`[+] ignoring ${srcIp} ${proto} ${pkt.dp} scan.\n`);
      }
      if (rv === 0) return;
    }

    const s = src;
    const getPair = () => s.pair(dstIp);

    if (proto === 'icmp' || proto === 'icmp6') {
      const table = proto === 'icmp' ? this.data.icmpTypes : this.data.icmp6Types;
      const rv = checkIcmpType(table, pkt.itype, pkt.icode);
      if (dbg) {
        dbg.err(`    check_icmp_type(type: ${pkt.itype}, code: ${pkt.icode})\n        ${ICMP_VERDICT[rv].replace('{p}', proto)}\n`);
      }
      if (rv === BAD_ICMP_TYPE) {
        const rec = getPair().proto(proto);
        if (!rec.invalidType) rec.invalidType = new Map();
        let byChain = rec.invalidType.get(pkt.itype);
        if (!byChain) { byChain = new Map(); rec.invalidType.set(pkt.itype, byChain); }
        bump(byChain, pkt.chain);
      } else if (rv === BAD_ICMP_CODE) {
        const rec = getPair().proto(proto);
        if (!rec.invalidCode) rec.invalidCode = new Map();
        let byCode = rec.invalidCode.get(pkt.itype);
        if (!byCode) { byCode = new Map(); rec.invalidCode.set(pkt.itype, byCode); }
        let byChain = byCode.get(pkt.icode);
        if (!byChain) { byChain = new Map(); byCode.set(pkt.icode, byChain); }
        bump(byChain, pkt.chain);
      }
      if (rv && (s.dl ?? 0) < 2) s.dl = 2;
    }

    if (!o.noSnortSids) {
      if (truthy(pkt.fwsnortSid)) {
        const [dl, matched] = this.fwsnortSid(pkt, getPair, now);
        if (dl) batch.sidsDl.set(s.ip, dl);
        else if (matched) return;
      } else if (!o.noSignatures && this.data.signatures) {
        const [dl, matched] = this.psadSigs(pkt, getPair, now);
        if (dl) batch.sigsDl.set(s.ip, dl);
        else if (matched) return;
      }
    }

    const pair = getPair();
    if (pair.sTime === undefined) {
      pair.sTime = o.analysisMode ? scanStartFromLine(pkt.raw, now) : now;
    }
    pair.absnum = (pair.absnum ?? 0) + 1;
    pair.countProtocol(proto);
    pair.countChain(pkt.chain, pkt.intf, proto);

    const bp = batch.pairOf(s, dstIp, pair);
    bp.sMac = pkt.srcMac;
    bp.dMac = pkt.dstMac;
    const bpp = bp.proto(proto);
    bpp.pkts++;
    if (truthy(pkt.flags)) bump(bpp.flags, pkt.flags);
    if (truthy(pkt.syslogHost) && !bp.syslogHosts.has(pkt.syslogHost)) bp.syslogHosts.add(detach(pkt.syslogHost));
    bp.isTopera = pkt.isTopera;
    bp.isMasscan = pkt.isMasscan;
    bp.isMirai = pkt.isMirai;
    let prefix = pkt.logPrefix;
    if (truthy(prefix)) {
      if (o.autoBlockRegex && !batch.autoBlockRegexMatch.has(srcIp) && o.autoBlockRegex.test(prefix)) {
        batch.autoBlockRegexMatch.add(s.ip);
      }
    } else {
      prefix = '*noprfx*';
      pkt.logPrefix = prefix;
    }
    let byPrefix = bpp.chain.get(pkt.chain);
    if (!byPrefix) { byPrefix = new Map(); bpp.chain.set(pkt.chain, byPrefix); }
    bump(byPrefix, prefix);

    if (proto === 'tcp' || proto === 'udp' || proto === 'udplite') {
      const dp = pkt.dp;
      if (!bpp.hasRange) { bpp.hasRange = true; bpp.strtp = 65535; bpp.endp = 0; }
      if (dp < bpp.strtp) bpp.strtp = dp;
      if (dp > bpp.endp) bpp.endp = dp;
      const rec = pair.proto(proto);
      if (rec.absSp === undefined) { rec.absSp = 65535; rec.absEp = 0; }
      if (dp < rec.absSp) rec.absSp = dp;
      if (dp > rec.absEp!) rec.absEp = dp;
    }

    if (dbg && dbg.verbose) dbg.err(`    print Dumper scan hash ${srcIp} -> ${dstIp}\n${perlDumper(pairValue(pair))}`);

    if (!o.noPassiveOs && proto === 'tcp' && pkt.flags.includes('SYN') && !pkt.isIpv6) {
      if (truthy(pkt.tcpOpts)) {
        if (dbg) this.p0f.trace(pkt, pkt.tcpOpts, dbg);
        const guesses = this.p0f.match(pkt, pkt.tcpOpts, (len) => {
          this.note(`broken ${len}-byte len field within TCP options string: ${pkt.tcpOpts} from source IP: ${srcIp}`, true);
        });
        if (guesses.length) {
          if (!s.p0f) s.p0f = new Set();
          for (const g of guesses) s.p0f.add(g);
        }
      } else if (!(s.posf && s.posf.guess !== undefined) && pair.absnum < 100) {
        if (!s.posf) s.posf = newPosfState();
        posfObserve(s.posf, pkt, this.data.posf);
        if (dbg) {
          dbg.err(`[+] posf():  ${srcIp}  LEN: ${pkt.ipLen}, TOS: ${pkt.tos}, TTL: ${pkt.ttl}, ID: ${pkt.ipId}, WIN: ${pkt.win}\n`);
          if (s.posf.guess !== undefined) dbg.err(`[+] posf(): matched OS: ${s.posf.guess}\n`);
        }
      }
    }
  }

  /** assign_danger_level over the batch's sources (engine/danger-level.ts). */
  assignDangerLevels(batch: Batch): void {
    assignDangerLevels(this.opts, (ip) => this.source(ip), batch);
  }

  /** Scan expiry (daemon, ENABLE_PERSISTENCE=N): pairs whose first packet is SCAN_TIMEOUT old. */
  expireScans(now: number, timeout: number): void {
    const dbg = this.opts.debug;
    if (dbg) dbg.err('[+] delete_old_scans()\n');
    for (const src of this.sources.values()) {
      for (const [dst, pair] of src.pairs) {
        if (pair.sTime !== undefined && now - pair.sTime >= timeout) {
          if (dbg) dbg.err(`    delete old scan ${src.ip} -> ${dst}\n`);
          src.pairs.delete(dst);
          if (this.opts.maxScanIpPairs > 0 && this.scanIpPairs > 0) this.scanIpPairs--;
        }
      }
    }
  }
}
