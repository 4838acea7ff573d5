import { PerlHash, PerlValue, perlDumper } from '../text/perl-dumper';
import { PairState, ProtoRecord, SidRecord, SourceState } from './state';
import { PosfState } from './os-fingerprint';

function hash(entries: [string, PerlValue][]): PerlHash {
  return new Map(entries.filter(([, v]) => v !== undefined));
}

function counts<K>(m: Map<K, number>): PerlHash {
  return new Map([...m].map(([k, n]) => [String(k), n]));
}

/** A signature match record as psad keeps it: the fields it sets for this kind of match. */
function sidRecord(proto: string, r: SidRecord): PerlHash {
  const e: [string, PerlValue][] = [['pkts', r.pkts], ['is_fwsnort', r.isFwsnort], ['time', r.time]];
  if (r.isFwsnort) {
    e.push(['fwsnort_rnum', r.fwsnortRnum === '0' ? 0 : r.fwsnortRnum], ['fwsnort_estab', r.fwsnortEstab]);
  }
  if (proto === 'tcp' || proto === 'udp') e.push(['dp', r.dp]);
  if (proto === 'tcp') e.push(['flags', r.flags]);
  return hash(e);
}

function protoRecord(proto: string, r: ProtoRecord): PerlHash {
  const e: [string, PerlValue][] = [['abs_sp', r.absSp], ['abs_ep', r.absEp]];
  if (r.sids) {
    e.push(['sid', new Map([...r.sids].map(([sid, byChain]) => [String(sid),
      new Map([...byChain].map(([chain, rec]) => [chain, sidRecord(proto, rec)]))]))]);
  }
  if (r.invalidType) {
    e.push(['invalid_type', new Map([...r.invalidType].map(([type, byChain]) => [String(type),
      new Map([...byChain].map(([chain, n]) => [chain, hash([['pkts', n]])]))]))]);
  }
  if (r.invalidCode) {
    e.push(['invalid_code', new Map([...r.invalidCode].map(([type, byCode]) => [String(type),
      new Map([...byCode].map(([code, byChain]) => [String(code),
        new Map([...byChain].map(([chain, n]) => [chain, hash([['pkts', n]])]))]))]))]);
  }
  return hash(e);
}

/** psad's $scan{SRC}{DST}: the counters, chains and per-protocol records of a pair. */
export function pairValue(p: PairState): PerlHash {
  const e: [string, PerlValue][] = [
    ['absnum', p.absnum],
    ['alerted', p.alerted],
    ['chain', new Map([...p.chain].map(([c, byIntf]) => [c, new Map([...byIntf].map(([i, byProto]) => [i, counts(byProto)]))]))],
    ['is_port_sweep', p.isPortSweep ? 1 : undefined],
    ['s_time', p.sTime],
    ['tot_protocols', p.totProtocolsSet ? p.totProtocols : undefined],
  ];
  if (!p.chain.size) e.splice(2, 1);
  for (const [proto, r] of p.protos) e.push([proto, protoRecord(proto, r)]);
  return hash(e);
}

function posfValue(st: PosfState): PerlHash {
  return hash([
    ['ctr', st.ctr], ['guess', st.guess], ['id', [...st.ids]],
    ['len', counts(st.len)], ['tos', counts(st.tos)], ['ttl', counts(st.ttl)], ['win', counts(st.win)],
  ]);
}

/**
 * USR1 (-U): psad 2.4.6's scan_hash.PID file: the passive OS fingerprinting
 * (%posf), danger level (%scan_dl) and scan (%scan) tables, each as
 * Data::Dumper prints it, with keys sorted where psad prints hash order.
 */
export function dumpScanState(engine: { readonly sources: ReadonlyMap<string, SourceState> }): string {
  const posf: PerlHash = new Map();
  const dl: PerlHash = new Map();
  const scan: PerlHash = new Map();
  for (const [ip, s] of engine.sources) {
    if (s.posf) posf.set(ip, posfValue(s.posf));
    if (s.dl !== undefined) dl.set(ip, s.dl);
    if (!s.inScan) continue;
    scan.set(ip, new Map([...s.pairs].map(([dst, p]) => [dst, pairValue(p)])));
  }
  return `[+] Passive OS fingerprinting hash:\n${perlDumper(posf)}`
    + `[+] Scan danger level hash:\n${perlDumper(dl)}`
    + `[+] Main scan hash:\n${perlDumper(scan)}`;
}
