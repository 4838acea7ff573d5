/**
 * The scan alert as psad 2.4.6 lays it out: the text mailed, written to
 * <src>/<dst>_email_alert and printed by --no-daemon, and the "scan detected"
 * syslog line. Pure functions of the scan state: scan_logr() (scan-logr.ts)
 * decides which pairs get an alert, writes the files, sends the syslog lines
 * and the mail, and joins the DNS and whois answers in with alertBody().
 */
import { BatchPair, PairState, SourceState } from '../engine/state';
import { tcpScanType } from '../engine/scan-type';
import { ctime } from '../text/ctime';
import { AlertData, AlertSettings } from './alert-types';


/** The parts of an alert that do not depend on lookups, joined once the answers are in. */
export interface AlertText {
  head: string;
  mid: string;
  tail: string;
  time: string;
}

const W = 23;
const w = (label: string) => label.padStart(W);


function range(a: number, b: number): string {
  return a === b ? `${a}` : `${a}-${b}`;
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


/** What renderAlert() needs of one source/destination pair. */
export interface AlertInput {
  now: number;
  srcIp: string;
  dstIp: string;
  src: Pick<SourceState, 'p0f' | 'posf' | 'emailCtr' | 'dstEmailCtr'>;
  pair: PairState;
  bp: BatchPair;
  totDsts: number;
  dl: number;
}

/** The alert without its lookups (joined by alertBody), the syslog line, and what the caller keeps. */
export interface RenderedAlert {
  text: AlertText;
  /** the "scan detected ..." syslog line */
  scanMsg: string;
  /** the e-mail counter printed in the alert (written to email_ctr once mailed) */
  emailCtr: number;
  /** a Mirai default-credentials scan was reported (its port 23 count starts again) */
  mirai: boolean;
}

/**
 * The alert's text up to the signatures (which renderSignatures() adds to
 * text.tail) and its "scan detected" syslog line.
 */
export function renderAlert(a: AlertInput, s: AlertSettings, d: Pick<AlertData, 'protocolStrings'>): RenderedAlert {
  const { now, srcIp, dstIp, src, pair, bp, totDsts, dl } = a;
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
  let mirai = false;

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
      syslogFlags += `${flags} `;
      const t = tcpScanType(bp, flags);
      if (t.kind !== 'nmap') {
        style = t.label;
        b += `${w(prefix)}[${flags}: ${n} packets, ${t.label}]\n`;
        if (t.kind === 'mirai') mirai = true;
      } else {
        b += t.hint ? `${w(prefix)}[${flags}: ${n} packets, Nmap: ${t.hint}]\n` : `${w(prefix)}[${flags}: ${n} packets]\n`;
        style = style ? `${style} ${t.hint} scan,` : `Nmap ${t.hint} scan,`;
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

  let scanMsg = 'scan detected ';
  if (style) scanMsg += `(${style}): `;
  scanMsg += `${srcIp} -> ${dstIp}`;
  if (syslogRange) scanMsg += ` ${syslogRange}`;
  if (tcpPkts) scanMsg += ` tcp pkts: ${tcpPkts}`;
  if (udpPkts) scanMsg += ` udp pkts: ${udpPkts}`;
  if (icmpPkts) scanMsg += ` icmp pkts: ${icmpPkts}`;
  if (otherPkts) scanMsg += ` other proto pkts: ${otherPkts}`;
  scanMsg += ` DL: ${dl} total scan dsts: ${totDsts}`;
  return { text: { head, mid, tail: b, time }, scanMsg, emailCtr, mirai };
}

/** The complete TCP and UDP port ranges of a pair as psad prints them ('' for none). */
export function absRanges(pair: PairState): { tcpAbs: string; udpAbs: string } {
  const tcpRec = pair.protos.get('tcp');
  const udpRec = pair.protos.get('udp');
  return {
    tcpAbs: tcpRec && tcpRec.absSp !== undefined ? range(tcpRec.absSp, tcpRec.absEp!) : '',
    udpAbs: udpRec && udpRec.absSp ? range(udpRec.absSp, udpRec.absEp!) : '',
  };
}


const NO_DNS = '[No reverse dns info available]';

/** The alert body: the rendered parts with the DNS lines and the whois block. */
export function alertBody(t: AlertText, dns: string[] | null, whois: { which: string; lines: string[] } | null): string {
  let b = t.head;
  if (dns) b += `${w('DNS: ')}${dns[0] || NO_DNS}\n`;
  b += t.mid;
  if (dns) b += `${w('DNS: ')}${dns[1] || NO_DNS}\n`;
  b += t.tail;
  if (whois) b += `\n[+] Whois Information (${whois.which}):\n${whois.lines.join('')}`;
  b += `\n=-=-=-=-=-=-=-=-=-=-=-= ${t.time} =-=-=-=-=-=-=-=-=-=-=-=\n`;
  return b;
}

/** A debug line or a signature syslog line, in the order psad 2.4.6 writes them. */
export type SigStep = { debug: string } | { syslog: string; key: string };

export interface SigSection {
  text: string;
  /** the <dst>_signatures file's lines */
  logLines: string[];
  steps: SigStep[];
}

/**
 * scan_logr_signatures: the signature and invalid-ICMP part of an alert, its
 * lines for <dst>_signatures, and the syslog lines (SIG_MSG_SYSLOG_THRESHOLD
 * per protocol; the caller applies SIG_SID_SYSLOG_THRESHOLD).
 */
export function renderSignatures(srcIp: string, dstIp: string, pair: PairState, protocols: string[], s: AlertSettings,
  d: AlertData): SigSection {
  let text = '';
  const logLines: string[] = [];
  const steps: SigStep[] = [];
  for (const proto of protocols) {
    const hr = pair.protos.get(proto);
    if (!hr || !(hr.sids || hr.invalidType || hr.invalidCode)) continue;
    text += `\n\n[+] ${proto.toUpperCase()} scan signatures:\n\n`;
    if (s.debug) steps.push({ debug: `[+] scan_logr_signatures(): src: ${srcIp} dst: ${dstIp} proto: ${proto}\n` });
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
          steps.push({ syslog: m, key: `${srcIp} ${sid}` });
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
  }
  return { text, logLines, steps };
}
