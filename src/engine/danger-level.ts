import { Batch, SourceState } from './state';
import { isPortSweep } from './scan-type';
import { DebugTrace } from '../text/debug-trace';

/**
 * Danger levels (psad's assign_danger_level), once per check interval: a
 * source's level is the highest of its signature levels (psad signatures,
 * fwsnort sids), the level its packet count to a destination reaches among
 * DANGER_LEVEL1..5, and the level its number of destinations reaches among
 * the unique-hosts thresholds, the last two only for a pair that is a scan
 * (a port range of PORT_RANGE_SCAN_THRESHOLD, PROTOCOL_SCAN_THRESHOLD
 * protocols, or enough destinations). A pair whose port range is exactly
 * PORT_RANGE_SWEEP_THRESHOLD over enough destinations is a port sweep. A
 * raised level makes the pair reportable again (unless ALERT_ALL).
 * auto_dl levels are set per packet (engine.ts).
 */
/** The engine settings the levels depend on (EngineOptions has them all). */
export interface DangerLevelOptions {
  /** DANGER_LEVEL1..5: packets to one destination */
  dangerLevel: [number, number, number, number, number];
  /** the unique-hosts thresholds: destinations of one source */
  uniqueHosts: [number, number, number, number, number];
  portRangeScanThreshold: number;
  portRangeSweepThreshold: number;
  protocolScanThreshold: number;
  alertAll: boolean;
  debug?: DebugTrace | null;
}

export function assignDangerLevels(opts: DangerLevelOptions, source: (ip: string) => SourceState, batch: Batch): void {
  const o = opts;
  const [dl1, dl2, dl3, dl4, dl5] = o.dangerLevel;
  const [h1, h2, h3, h4, h5] = o.uniqueHosts;
  const dbg = o.debug;
  for (const [srcIp, dsts] of batch.scan) {
    const src = source(srcIp);
    if (src.dl === undefined) src.dl = 0;
    if (dbg) dbg.err(`[+] assign_danger_level(): source IP: ${srcIp} (dl: ${src.dl})\n`);
    let changed = false;
    const sdl = batch.sigsDl.get(srcIp);
    if (sdl !== undefined && src.dl < sdl) { src.dl = sdl; changed = true; }
    const fdl = batch.sidsDl.get(srcIp);
    if (fdl !== undefined && src.dl < fdl) { src.dl = fdl; changed = true; }
    const totDsts = dsts.size;
    for (const dstIp of dsts.keys()) {
      const pair = src.pair(dstIp);
      const absnum = pair.absnum ?? 0;
      if (changed && !o.alertAll) pair.alerted = 0;
      let sPort = 65535;
      let ePort = 0;
      for (const p of ['tcp', 'udp', 'udplite']) {
        const r = pair.protos.get(p);
        if (!r || r.absSp === undefined) continue;
        if (sPort > r.absSp) sPort = r.absSp;
        if (ePort < r.absEp!) ePort = r.absEp!;
      }
      const range = ePort ? ePort - sPort : absnum;
      if (absnum < dl1 && totDsts < h1) continue;
      if (!(range >= o.portRangeScanThreshold || pair.totProtocols >= o.protocolScanThreshold || totDsts >= h1)) continue;
      let raised = false;
      const raise = (v: number) => {
        if (src.dl! < v) { src.dl = v; raised = true; }
      };
      if (absnum < dl2) raise(1);
      else if (absnum < dl3) raise(2);
      else if (absnum < dl4) raise(3);
      else if (absnum < dl5) raise(4);
      else raise(5);
      if (totDsts < h2) raise(1);
      else if (totDsts < h3) raise(2);
      else if (totDsts < h4) raise(3);
      else if (totDsts < h5) raise(4);
      else raise(5);
      if (raised) {
        if (!o.alertAll) pair.alerted = 0;
        if (isPortSweep(ePort, range, totDsts, o.portRangeSweepThreshold, h1)) {
          pair.isPortSweep = 1;
          if (dbg) dbg.out(`    Port sweep ${srcIp} -> ${dstIp} port ${ePort}\n`);
        }
      }
    }
    if (dbg) dbg.err(`[+] assign_danger_level(): DL (after assignment) = ${src.dl}\n`);
  }
}
