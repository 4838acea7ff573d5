import { Engine } from '../engine/engine';
import { Batch } from '../engine/state';
import { AlertSink, writePairFiles } from '../alert/scan-logr';

/**
 * After an interval's alerts: the per-IP files of every source and
 * destination the interval saw, for the pairs no alert wrote (EMAIL_LIMIT
 * reached, EMAIL_THROTTLE, ALERT_ALL N, below MIN_DANGER_LEVEL). psad 2.4.6
 * writes them only with an alert, so its files (and `psad -S`) fall behind
 * a scanner that keeps going; psad-node keeps them current, because a psad
 * restarted after a crash resumes from them (crash-resume.ts). Sources
 * below danger level 1 have no files, as in psad 2.4.6.
 *
 * `written` holds the files the alerts of this interval wrote;
 * `emailCtrs` the e-mail counter values last written (file -> value).
 */
export function keepScanFilesCurrent(engine: Engine, batch: Batch, psadDir: string, written: ReadonlySet<string>,
  emailLimitPerDst: boolean, emailCtrs: Map<string, number>, io: Pick<AlertSink, 'mkdir' | 'writeFile'>): void {
  const protocols = [...engine.protoCtrs.keys()];
  for (const [srcIp, dsts] of batch.scan) {
    const src = engine.sources.get(srcIp);
    if (!src || !(src.dl !== undefined && src.dl >= 1)) continue;
    const dir = `${psadDir}/${srcIp}`;
    for (const dstIp of dsts.keys()) {
      const pair = src.pairs.get(dstIp);
      if (!pair || written.has(`${dir}/${dstIp}_packet_ctr`)) continue;
      writePairFiles(psadDir, src, dstIp, pair, src.dl, protocols, io);
    }
    // e-mail counters move on also when no mail goes out (throttled); 0 means none was counted
    const ctrs: [string, number | undefined][] = emailLimitPerDst
      ? [...dsts.keys()].map((d) => [`${dir}/${d}_email_ctr`, src.dstEmailCtr.get(d)])
      : [[`${dir}/email_ctr`, src.emailCtr]];
    for (const [file, n] of ctrs) {
      if (!n || emailCtrs.get(file) === n) continue;
      io.mkdir(dir);
      io.writeFile(file, `${n}\n`);
      emailCtrs.set(file, n);
    }
  }
}
