import { Engine } from '../engine/engine';
import { Batch, BatchPair, PairState, SourceState } from '../engine/state';
import { Signature } from '../data/signatures';
import { FwsnortSig } from '../data/snort-rules';
import { ProtocolString } from '../data/protocols';
import { IcmpType } from '../data/icmp-types';
import { ctime } from '../text/ctime';
import { DebugTrace, syslogEcho } from '../text/debug-trace';

/** Settings of the alert stage (from psad.conf and the command line). */
export interface AlertSettings {
  psadDir: string;
  minDangerLevel: number;
  emailAlertDangerLevel: number;
  emailLimit: number;
  emailLimitPerDst: boolean;
  emailLimitStatusMsg: boolean;
  emailThrottle: number;
  alertAll: boolean;
  protocolScanThreshold: number;
  macReporting: boolean;
  noPassiveOs: boolean;
  enableSigMsgSyslog: boolean;
  sigMsgSyslogThreshold: number;
  sigSidSyslogThreshold: number;
  showAllSignatures: boolean;
  snortSidRe: RegExp;
  mailAlertPrefix: string;
  mailStatusPrefix: string;
  hostname: string;
  checkInterval: number;
  analysisMode: boolean;
  /** -e/--email-analysis */
  analysisEmails: boolean;
  /** --no-daemon: alerts go to stdout, no mail */
  noDaemon: boolean;
  /** mail counters are not incremented (ALERTING_METHODS noemail, --test-mode) */
  noEmailAlerts: boolean;
  dnsOn: boolean;
  whoisOn: boolean;
  whoisForceSrcIp: boolean;
  /** ENABLE_EXT_SCRIPT_EXEC / EXEC_EXT_SCRIPT_PER_ALERT */
  extScriptExec?: boolean;
  extScriptPerAlert?: boolean;
  /** --debug: psad 2.4.6's debug lines of scan_logr() and its syslog messages */
  debug?: DebugTrace | null;
}

/** Data the alert text needs. */
export interface AlertData {
  sigs: ReadonlyMap<number, Signature>;
  fwsnort: ReadonlyMap<number, FwsnortSig>;
  refBaseUrl: ReadonlyMap<string, string>;
  protocolStrings: ReadonlyMap<string, ProtocolString>;
  icmpTypes: ReadonlyMap<string, IcmpType>;
  icmp6Types: ReadonlyMap<string, IcmpType>;
  /** listening ports of this host (netstat), per protocol */
  localPorts: ReadonlyMap<string, ReadonlySet<number>>;
  isLocal: (ip: string) => boolean;
}

/** Reverse DNS and whois an alert needs. */
export interface LookupRequest {
  /** addresses to reverse-resolve (source, destination) */
  dns: string[];
  /** whois target and the file psad keeps its answer in */
  whois: { ip: string; file: string } | null;
}

export interface LookupResult {
  /** names in the order asked ('' = none) */
  dns: string[];
  /** whois text lines with their newlines */
  whois: string[];
}

/** The side effects of the alert stage, supplied by the caller. */
export interface AlertSink {
  mkdir(dir: string): void;
  writeFile(file: string, text: string): void;
  syslog(msg: string): void;
  /** a scan alert body for --no-daemon */
  stdout(text: string): void;
  mail(subject: string, body: string): void;
  /**
   * Runs `then` with the answers to `req`: at once when nothing is asked and
   * nothing waits, else when the lookups are done, always in the order of
   * the calls. The daemon's detection does not wait for it.
   */
  lookup(req: LookupRequest, then: (r: LookupResult) => void): void;
  externalScript(src: string): void;
  now(): number;
}

/** The parts of an alert that do not depend on lookups, joined once the answers are in. */
interface AlertText {
  head: string;
  mid: string;
  tail: string;
  time: string;
}

const W = 23;
const w = (label: string) => label.padStart(W);

const NMAP: Record<string, string> = {
  SYN: '-sT or -sS',
  FIN: '-sF',
  'URG PSH FIN': '-sX',
  NULL: '-sN',
  'URG PSH SYN FIN': '-O',
};

function range(a: number, b: number): string {
  return a === b ? `${a}` : `${a}-${b}`;
}

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

function chainLines(byChain: Map<string, Map<string, number>>, s: AlertSettings): string {
  let out = '';
  for (const [chain, byPrefix] of byChain) {
    for (const [prefix, count] of byPrefix) {
      if (prefix === '*noprfx*') {
        out += `${w('iptables chain: ')}${chain}, ${count} packets\n`;
        continue;
      }
      let printChain = chain;
      let rnum = '';
      if (s.snortSidRe.test(prefix)) {
        const m = /\[(\d+)\]/.exec(prefix);
        if (m) rnum = m[1];
        if (chain === 'INPUT' || chain === 'FORWARD' || chain === 'OUTPUT') printChain = `FWSNORT_${chain}`;
        if (prefix.includes('ESTAB')) printChain += '_ESTAB';
      }
      out += `${w('iptables chain: ')}${printChain} (prefix "${prefix}"), ${count} packets\n`;
      if (rnum && rnum !== '0') out += `${w('fwsnort rule: ')}${rnum}\n`;
    }
  }
  return out;
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

/** The complete TCP and UDP port ranges of a pair as psad prints them ('' for none). */
function absRanges(pair: PairState): { tcpAbs: string; udpAbs: string } {
  const tcpRec = pair.protos.get('tcp');
  const udpRec = pair.protos.get('udp');
  return {
    tcpAbs: tcpRec && tcpRec.absSp !== undefined ? range(tcpRec.absSp, tcpRec.absEp!) : '',
    udpAbs: udpRec && udpRec.absSp ? range(udpRec.absSp, udpRec.absEp!) : '',
  };
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
  const { tcpAbs, udpAbs } = absRanges(pair);
  const btcp = bp.protos.get('tcp');
  const budp = bp.protos.get('udp');
  const bicmp = bp.protos.get('icmp');
  const tcpF = !!(btcp && btcp.hasRange);
  const udpF = !!(budp && budp.hasRange && budp.strtp);
  const tcpNew = tcpF ? range(btcp!.strtp, btcp!.endp) : '';
  const udpNew = udpF ? range(budp!.strtp, budp!.endp) : '';
  const tcpPkts = tcpF ? btcp!.pkts : 0;
  const udpPkts = udpF ? budp!.pkts : 0;
  const icmpPkts = bicmp ? bicmp.pkts : 0;
  // protocols other than these count when the pair has a record for them (a signature matched)
  let otherPkts = 0;
  for (const [p, r] of bp.protos) {
    if (p === 'tcp' || p === 'udp' || p === 'udplite' || p === 'icmp' || p === 'icmp6') continue;
    if (pair.protos.has(p)) otherPkts += r.pkts;
  }

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

  const now = io.now();
  const time = ctime(new Date(now * 1000));
  const absStart = ctime(new Date((pair.sTime ?? now) * 1000));
  // the interval psad 2.4.6 computes but no longer prints (Q17); printed again here
  const sTime = !s.analysisMode && now - s.checkInterval < (pair.sTime ?? 0) ? absStart : ctime(new Date((now - s.checkInterval) * 1000));
  let b = `=-=-=-=-=-=-=-=-=-=-=-= ${time} =-=-=-=-=-=-=-=-=-=-=-=\n\n\n`;
  b += `${w('Danger level: ')}[${dl}] (out of 5)`;
  if (pair.totProtocols > 1) b += ' Multi-Protocol';
  b += '\n\n';
  b += `${w('Scanned destinations: ')}${totDsts}\n`;
  let style = '';
  let syslogRange = '';
  if (bp.totProtocols >= s.protocolScanThreshold) {
    b += `${w('IP Protocol scan: ')}[${bp.totProtocols} unique protocols, Nmap -sO]\n`;
    style += 'Nmap -sO IP protocol scan,';
  }
  if (tcpF) {
    b += `${w('Scanned TCP ports: ')}[${tcpNew}: ${tcpPkts} packets]\n`;
    let prefix = 'TCP flags: ';
    let syslogFlags = '';
    for (const [flags, n] of btcp!.flags) {
      const nmap = NMAP[flags] ?? '';
      syslogFlags += `${flags} `;
      if (bp.isTopera) {
        style = `Topera ${flags} scan`;
        b += `${w(prefix)}[${flags}: ${n} packets, Topera ${flags} scan]\n`;
      } else if (bp.isMasscan) {
        style = `Masscan ${flags} scan`;
        b += `${w(prefix)}[${flags}: ${n} packets, Masscan ${flags} scan]\n`;
      } else if (bp.isMirai) {
        style = 'Mirai botnet default credentials scan';
        b += `${w(prefix)}[${flags}: ${n} packets, Mirai botnet default credentials scan]\n`;
        if (src.mirai23 && src.mirai23.has(dstIp)) src.mirai23.set(dstIp, 0);
      } else {
        b += nmap ? `${w(prefix)}[${flags}: ${n} packets, Nmap: ${nmap}]\n` : `${w(prefix)}[${flags}: ${n} packets]\n`;
        style = style ? `${style} ${nmap} scan,` : `Nmap ${nmap} scan,`;
        prefix = '';
      }
    }
    b += chainLines(btcp!.chain, s);
    syslogFlags = syslogFlags.replace(/\s*$/, '');
    syslogRange = `tcp: [${tcpNew}]`;
    if (syslogFlags) syslogRange += ` flags: ${syslogFlags}`;
  }
  if (udpF) {
    b += `${w('Scanned UDP ports: ')}[${udpNew}: ${udpPkts} packets, Nmap: -sU]\n`;
    b += chainLines(budp!.chain, s);
    syslogRange = `udp: [${udpNew}]`;
    style += ' -sU scan,';
  }
  if (bicmp) {
    b += `${w('icmp packets: ')}[${icmpPkts}]\n`;
    b += chainLines(bicmp.chain, s);
  }
  style = style.replace(/,$/, '').replace(/^\s/, '');
  b += `\n${w('Source: ')}${srcIp}\n`;
  const head = b;
  b = '';
  if (s.macReporting && bp.sMac) b += `${w('MAC: ')}${bp.sMac}\n`;
  if (!s.noPassiveOs) {
    if (src.p0f) {
      const exact = [...src.p0f].some((o) => !o.includes('@'));
      let printed = false;
      for (const os of src.p0f) {
        if (exact && os.includes('@')) continue;
        b += printed ? `${w(' ')}${os}\n` : `${w('OS guess: ')}${os}\n`;
        printed = true;
      }
    } else if (src.posf && src.posf.guess !== undefined) {
      b += `${w('OS guess: ')}${src.posf.guess}\n`;
    }
  }
  b += `\n${w('Destination: ')}${dstIp}\n`;
  const mid = b;
  b = '';
  if (s.macReporting && bp.dMac) b += `${w('MAC: ')}${bp.dMac}\n`;
  b += '\n';
  b += `${w('Current interval: ')}${sTime} (start)\n${w('')}${time} (end)\n\n`;
  b += `${w('Overall scan start: ')}${absStart}\n`;
  const emailCtr = s.emailLimitPerDst ? src.dstEmailCtr.get(dstIp) ?? 0 : src.emailCtr ?? 0;
  b += `${w('Total email alerts: ')}${emailCtr}\n`;
  if (tcpAbs) b += `${w('Complete TCP range: ')}[${tcpAbs}]\n`;
  if (udpAbs) b += `${w('Complete UDP range: ')}[${udpAbs}]\n`;
  if (bp.syslogHosts.size) {
    const hosts = [...bp.syslogHosts].join(', ');
    b += hosts.includes(',') ? `${w('Syslog hostnames: ')}${hosts}\n` : `${w('Syslog hostname: ')}${hosts}\n`;
  }
  b += '\n';
  b += `${w('Global stats: ')}\n`;
  b += `${' '.repeat(W)}${'chain:'.padEnd(9)}${'interface:'.padEnd(12)}${'protocol:'.padEnd(11)}${'packets:'.padEnd(10)}\n`;
  for (const [chain, byIntf] of pair.chain) {
    for (const [intf, byProto] of byIntf) {
      for (const proto of [...byProto.keys()].sort()) {
        const name = d.protocolStrings.get(proto)?.name ?? proto;
        b += `${' '.repeat(W)}${chain.padEnd(9)}${intf.padEnd(12)}${name.padEnd(11)}${String(byProto.get(proto)).padEnd(10)}\n`;
      }
    }
  }
  const sig = signatureSection(srcIp, dstIp, pair, protocols, s, d, st, io);
  b += sig.text;
  if (sig.logLines.length) {
    io.writeFile(`${srcDir}/${dstIp}_signatures`,
      '#\n# Format: <sig_time> <sid> <matches> "<msg>" <chain> <proto> <dst port> "<flags>" <is_fwsnort> <is_psad>\n#\n\n'
      + sig.logLines.map((l) => `${l}\n`).join(''));
  }
  let scanMsg = 'scan detected ';
  if (style) scanMsg += `(${style}): `;
  scanMsg += `${srcIp} -> ${dstIp}`;
  if (syslogRange) scanMsg += ` ${syslogRange}`;
  if (tcpPkts) scanMsg += ` tcp pkts: ${tcpPkts}`;
  if (udpPkts) scanMsg += ` udp pkts: ${udpPkts}`;
  if (icmpPkts) scanMsg += ` icmp pkts: ${icmpPkts}`;
  if (otherPkts) scanMsg += ` other proto pkts: ${otherPkts}`;
  scanMsg += ` DL: ${dl} total scan dsts: ${totDsts}`;
  io.syslog(scanMsg);
  const text: AlertText = { head, mid, tail: b, time };

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

const NO_DNS = '[No reverse dns info available]';

/** The alert body: the rendered parts with the DNS lines and the whois block. */
function alertBody(t: AlertText, dns: string[] | null, whois: { which: string; lines: string[] } | null): string {
  let b = t.head;
  if (dns) b += `${w('DNS: ')}${dns[0] || NO_DNS}\n`;
  b += t.mid;
  if (dns) b += `${w('DNS: ')}${dns[1] || NO_DNS}\n`;
  b += t.tail;
  if (whois) b += `\n[+] Whois Information (${whois.which}):\n${whois.lines.join('')}`;
  b += `\n=-=-=-=-=-=-=-=-=-=-=-= ${t.time} =-=-=-=-=-=-=-=-=-=-=-=\n`;
  return b;
}

interface SigSection {
  text: string;
  logLines: string[];
}

/** scan_logr_signatures: the signature and invalid-ICMP part of an alert. */
function signatureSection(srcIp: string, dstIp: string, pair: PairState, protocols: string[], s: AlertSettings, d: AlertData,
  st: AlertState, io: AlertSink): SigSection {
  let text = '';
  const logLines: string[] = [];
  for (const proto of protocols) {
    const hr = pair.protos.get(proto);
    if (!hr || !(hr.sids || hr.invalidType || hr.invalidCode)) continue;
    text += `\n\n[+] ${proto.toUpperCase()} scan signatures:\n\n`;
    if (s.debug) s.debug.err(`[+] scan_logr_signatures(): src: ${srcIp} dst: ${dstIp} proto: ${proto}\n`);
    let sidCtr = 0;
    for (const [sid, byChain] of hr.sids ?? new Map()) {
      sidCtr++;
      for (const [chain, rec] of byChain) {
        let emailChain = chain;
        const isFwsnort = rec.isFwsnort;
        let msg: string;
        let isPsadId: number;
        let classtype = '';
        let refs: Map<string, string[]> | undefined;
        let derived: string[] | undefined;
        let content: string[] = [];
        let metadata: string[] = [];
        if (isFwsnort) {
          const f = d.fwsnort.get(sid);
          if (!f) continue;
          msg = f.msg ?? '';
          isPsadId = 0;
          classtype = f.classtype;
          refs = f.references;
          content = f.content;
          metadata = f.metadata;
        } else {
          const g = d.sigs.get(sid);
          if (!g) continue;
          msg = g.msg;
          isPsadId = g.isPsadId ? 1 : 0;
          classtype = g.classtype;
          refs = g.references;
          derived = g.derivedSids;
        }
        let dp = 0;
        let flags = 'NA';
        const ports = proto === 'tcp' || proto === 'udp' || proto === 'udplite';
        if (ports) {
          dp = rec.dp;
          if (proto === 'tcp') flags = rec.flags;
        }
        logLines.push(`${rec.time} ${sid} ${rec.pkts} "${msg}" ${chain} ${proto} ${dp} "${flags}" ${isFwsnort} ${isPsadId}`);
        if (s.enableSigMsgSyslog && sidCtr <= s.sigMsgSyslogThreshold) {
          let m = `src: ${srcIp} signature match: "${msg}" (sid: ${sid}) ${proto}`;
          if (ports) m += ` port: ${dp}`;
          if (isFwsnort) {
            m += ' fwsnort';
            // as in psad 2.4.6, the mail shows the FWSNORT_ chain only when this syslog line is built
            if (chain === 'INPUT' || chain === 'FORWARD' || chain === 'OUTPUT') {
              m += ` chain: FWSNORT_${chain}`;
              emailChain = `FWSNORT_${chain}`;
            }
            if (rec.fwsnortEstab) {
              m += '_ESTAB';
              emailChain += '_ESTAB';
            }
            if (rec.fwsnortRnum && rec.fwsnortRnum !== '0') m += ` rule: ${rec.fwsnortRnum}`;
          }
          // SIG_SID_SYSLOG_THRESHOLD: at most this many lines per source and sid (0: no limit); unused in 2.4.6 (Q18)
          const key = `${srcIp} ${sid}`;
          const n = st.sidSyslog.get(key) ?? 0;
          if (s.sigSidSyslogThreshold <= 0 || n < s.sigSidSyslogThreshold) {
            st.sidSyslog.set(key, n + 1);
            io.syslog(m);
          }
        }
        text += `   "${msg}"\n`;
        if (ports) {
          if (chain === 'INPUT') {
            const bound = d.localPorts.get(proto)?.has(dp);
            text += bound ? `       dst port:  ${dp} (server bound to local port!)\n` : `       dst port:  ${dp} (no server bound to local port)\n`;
          } else text += `       dst port:  ${dp}\n`;
          if (proto === 'tcp') text += `       flags:     ${flags}\n`;
        }
        if (isFwsnort) for (const c of content) text += `       content:   "${c}"\n`;
        let sidStr = isPsadId ? `       psad_id:   ${sid}` : `       sid:       ${sid}`;
        if (derived) sidStr += ` (derived from: ${derived.join(' ').replace(/\s*$/, '')})`;
        text += `${sidStr}\n       chain:     ${emailChain}\n       packets:   ${rec.pkts}\n`;
        if (classtype) text += `       classtype: ${classtype}\n`;
        if (refs) {
          for (const [type, list] of refs) {
            const base = d.refBaseUrl.get(type);
            if (base === undefined) continue;
            for (const r of list) text += `       reference: (${type}) ${base}${r}\n`;
          }
        }
        for (const m of metadata) text += `       ${m}\n`;
        text += '\n';
      }
    }
    for (const [type, byChain] of hr.invalidType ?? new Map()) {
      for (const [chain, pkts] of byChain) text += `   Invalid ICMP type "${type}" chain=${chain} packets=${pkts}\n`;
    }
    for (const [type, byCode] of hr.invalidCode ?? new Map()) {
      const table = proto === 'icmp' ? d.icmpTypes : d.icmp6Types;
      const tt = table.get(String(type))?.text ?? '';
      for (const [code, byChain] of byCode) {
        for (const [chain, pkts] of byChain) {
          text += `   Invalid ICMP code "${code}" for ICMP "${tt}" packet\n       chain=${chain} packets=${pkts}\n`;
        }
      }
    }
    if (!s.showAllSignatures) {
      delete hr.sids;
      delete hr.invalidType;
      delete hr.invalidCode;
    }
  }
  return { text, logLines };
}
