import { Engine } from '../engine/engine';
import { Batch, BatchPair, PairState, SourceState } from '../engine/state';
import { miraiReported } from '../engine/scan-type';
import { syslogEcho } from '../text/debug-trace';
import { AlertData, AlertSettings, AlertSink, LookupRequest } from './alert-types';
import { absRanges, alertBody, renderAlert, renderSignatures } from './mail-body';

export { AlertData, AlertSettings, AlertSink, LookupRequest, LookupResult } from './alert-types';

/** Email limit, external-script and signature-syslog state the daemon keeps across batches. */
export class AlertState {
  readonly stopEmail = new Set<string>();
  readonly extScriptRun = new Set<string>();
  /** syslog lines written per "<src> <sid>" (SIG_SID_SYSLOG_THRESHOLD) */
  readonly sidSyslog = new Map<string, number>();
}

/**
 * EMAIL_THROTTLE N keeps the 1st, (N+1)th, (2N+1)th ... alert of a counter
 * (psad 2.4.6 dropped every Nth instead, Q14). A counter of 0 (mail disabled)
 * is not throttled.
 */
export function throttled(counter: number, throttle: number): boolean {
  return throttle > 1 && counter > 0 && (counter - 1) % throttle !== 0;
}

/** The per-source/destination packet counter file (<dst>_packet_ctr). */
function packetCtrText(pair: PairState, protocols: string[], tcpAbs: string, udpAbs: string): string {
  let out = '';
  for (const [chain, byIntf] of pair.chain) {
    for (const [intf, byProto] of byIntf) {
      for (const proto of protocols) {
        const n = byProto.get(proto);
        if (n === undefined) continue;
        if (proto === 'tcp' && tcpAbs) out += `${chain}_${intf}_${proto}:  ${n} [${tcpAbs}]\n`;
        else if ((proto === 'udp' || proto === 'udplite') && udpAbs) out += `${chain}_${intf}_${proto}:  ${n} [${udpAbs}]\n`;
        else out += `${chain}_${intf}_${proto}:  ${n}\n`;
      }
    }
  }
  return out;
}

/**
 * scan_logr: for every source of the batch at or above MIN_DANGER_LEVEL and
 * every destination, the per-IP files, the alert text, the syslog lines and
 * the mail, as psad 2.4.6 produces them.
 */
export function scanLogr(engine: Engine, batch: Batch, s: AlertSettings, d: AlertData, st: AlertState, io: AlertSink): void {
  const protocols = [...engine.protoCtrs.keys()];
  const dbg = s.debug;
  if (dbg) {
    const sink = io;
    io = { ...sink, syslog: (m) => { syslogEcho(dbg, m); sink.syslog(m); } };
  }
  for (const [srcIp, dsts] of batch.scan) {
    const src = engine.sources.get(srcIp)!;
    const dl = src.dl ?? 0;
    if (dbg) dbg.err(`[+] scan_logr(): source IP: ${srcIp}\n`);
    if (!(dl >= s.minDangerLevel)) {
      if (dbg) dbg.err(`    No alerts sent for ${srcIp}; danger level ${dl} not high enough\n`);
      continue;
    }
    if (!s.emailLimitPerDst) {
      if (src.emailCtr === undefined) src.emailCtr = 0;
      else if (s.emailLimit > 0 && src.emailCtr >= s.emailLimit) {
        if (!st.stopEmail.has(srcIp) && s.emailLimitStatusMsg) {
          limitMail(io, s, `${s.mailStatusPrefix} reached email message limit for ${srcIp} on ${s.hostname}`);
          st.stopEmail.add(srcIp);
        }
        io.syslog(`email limit reached for src: ${srcIp}`);
        continue;
      }
      if (!s.noEmailAlerts) src.emailCtr++;
      if (throttled(src.emailCtr, s.emailThrottle)) continue;
    }
    const totDsts = dsts.size;
    for (const [dstIp, bp] of dsts) {
      const pair = src.pairs.get(dstIp);
      if (!pair) continue;
      if (!s.alertAll && pair.alerted) continue;
      if (s.emailLimitPerDst) {
        const key = `${srcIp} ${dstIp}`;
        let c = src.dstEmailCtr.get(dstIp);
        if (c === undefined) c = 0;
        else if (s.emailLimit > 0 && c >= s.emailLimit) {
          if (!st.stopEmail.has(key) && s.emailLimitStatusMsg) {
            limitMail(io, s, `${s.mailStatusPrefix} reached email message limit for ${srcIp} on ${s.hostname} (${dstIp})`);
            st.stopEmail.add(key);
          }
          io.syslog(`email limit reached for src: ${srcIp} against dst: ${dstIp}`);
          continue;
        }
        if (!s.noEmailAlerts) c++;
        src.dstEmailCtr.set(dstIp, c);
        if (throttled(c, s.emailThrottle)) continue;
      }
      if (dbg) dbg.err(`[+] scan_logr(): dst IP: ${dstIp}\n`);
      alertPair(engine, src, srcIp, dstIp, pair, bp, totDsts, dl, protocols, s, d, st, io);
      if (!s.alertAll) pair.alerted = 1;
    }
  }
}

/** The "reached email message limit" mail (empty body), in order with the alert mails. */
function limitMail(io: AlertSink, s: AlertSettings, subject: string): void {
  // psad 2.4.6 sends it even with --no-daemon
  if (s.analysisMode && !s.analysisEmails) return;
  io.lookup({ dns: [], whois: null }, () => io.mail(subject, ''));
}

/**
 * The per-IP files that hold a pair's scan state (danger_level, os_guess,
 * p0f_guess, <dst>_start_time, <dst>_packet_ctr), as an alert writes them.
 */
export function writePairFiles(psadDir: string, src: SourceState, dstIp: string, pair: PairState, dl: number,
  protocols: string[], io: Pick<AlertSink, 'mkdir' | 'writeFile'>): void {
  const srcDir = `${psadDir}/${src.ip}`;
  io.mkdir(srcDir);
  io.writeFile(`${srcDir}/danger_level`, `${dl}\n`);
  if (src.posf && src.posf.guess !== undefined) io.writeFile(`${srcDir}/os_guess`, `${src.posf.guess}\n`);
  if (src.p0f) io.writeFile(`${srcDir}/p0f_guess`, [...src.p0f].map((o) => `${o}\n`).join(''));
  io.writeFile(`${srcDir}/${dstIp}_start_time`, `${pair.sTime}\n`);
  const { tcpAbs, udpAbs } = absRanges(pair);
  io.writeFile(`${srcDir}/${dstIp}_packet_ctr`, packetCtrText(pair, protocols, tcpAbs, udpAbs));
}

function alertPair(engine: Engine, src: SourceState, srcIp: string, dstIp: string, pair: PairState, bp: BatchPair,
  totDsts: number, dl: number, protocols: string[], s: AlertSettings, d: AlertData, st: AlertState, io: AlertSink): void {
  const srcDir = `${s.psadDir}/${srcIp}`;
  writePairFiles(s.psadDir, src, dstIp, pair, dl, protocols, io);
  let whoisWhich = 'source IP';
  let whoisReq: LookupRequest['whois'] = null;
  if (s.whoisOn) {
    let lookup = srcIp;
    if (!s.whoisForceSrcIp && d.isLocal(srcIp) && !d.isLocal(dstIp)) {
      whoisWhich = 'destination IP';
      lookup = dstIp;
    }
    whoisReq = { ip: lookup, file: `${srcDir}/${lookup}_whois` };
  }
  if (s.debug) s.debug.err('[+] scan_logr(): generating email.....\n');

  const r0 = renderAlert({ now: io.now(), srcIp, dstIp, src, pair, bp, totDsts, dl }, s, d);
  if (r0.mirai) miraiReported(src, dstIp);
  const { text, scanMsg, emailCtr } = r0;
  const sig = renderSignatures(srcIp, dstIp, pair, protocols, s, d);
  // the debug and syslog lines in the order psad 2.4.6 writes them
  for (const step of sig.steps) {
    if ('debug' in step) {
      s.debug?.err(step.debug);
      continue;
    }
    // SIG_SID_SYSLOG_THRESHOLD: at most this many lines per source and sid (0: no limit); unused in 2.4.6 (Q18)
    const n = st.sidSyslog.get(step.key) ?? 0;
    if (s.sigSidSyslogThreshold <= 0 || n < s.sigSidSyslogThreshold) {
      st.sidSyslog.set(step.key, n + 1);
      io.syslog(step.syslog);
    }
  }
  if (!s.showAllSignatures) {
    for (const proto of protocols) {
      const hr = pair.protos.get(proto);
      if (!hr) continue;
      delete hr.sids;
      delete hr.invalidType;
      delete hr.invalidCode;
    }
  }
  text.tail += sig.text;
  if (sig.logLines.length) {
    io.writeFile(`${srcDir}/${dstIp}_signatures`,
      '#\n# Format: <sig_time> <sid> <matches> "<msg>" <chain> <proto> <dst port> "<flags>" <is_fwsnort> <is_psad>\n#\n\n'
      + sig.logLines.map((l) => `${l}\n`).join(''));
  }
  io.syslog(scanMsg);

  const send = dl >= s.emailAlertDangerLevel && !s.noDaemon && !(s.analysisMode && !s.analysisEmails);
  const runScript = send && !!s.extScriptExec && (!!s.extScriptPerAlert || !st.extScriptRun.has(srcIp));
  if (runScript) st.extScriptRun.add(srcIp);
  const req: LookupRequest = { dns: s.dnsOn ? [srcIp, dstIp] : [], whois: whoisReq };
  io.lookup(req, (r) => {
    const body = alertBody(text, s.dnsOn ? r.dns : null, s.whoisOn ? { which: whoisWhich, lines: r.whois } : null);
    if (s.noDaemon) io.stdout(body);
    else io.writeFile(`${srcDir}/${dstIp}_email_alert`, body);
    if (!send) return;
    const srcSubj = s.dnsOn && r.dns[0] ? r.dns[0] : srcIp;
    const dstSubj = s.dnsOn && r.dns[1] ? r.dns[1] : dstIp;
    const subject = s.analysisMode
      ? `${s.mailAlertPrefix} DL${dl} (analysis mode) src: ${srcSubj} dst: ${dstSubj}`
      : `${s.mailAlertPrefix} DL${dl} src: ${srcSubj} dst: ${dstSubj}`;
    io.mail(subject, body);
    const ecFile = s.emailLimitPerDst ? `${srcDir}/${dstIp}_email_ctr` : `${srcDir}/email_ctr`;
    io.writeFile(ecFile, `${emailCtr}\n`);
    if (runScript) io.externalScript(srcIp);
  });
  void engine;
}

